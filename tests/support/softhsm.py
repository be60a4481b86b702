"""SoftHSM2 tokens for tests: each test gets its own token store in a temp dir, reached through ``SOFTHSM2_CONF``.

Subprocesses (``softhsm2-util``, ``aosign-host``) get ``SOFTHSM2_CONF`` in their environment only. In-process use
(:meth:`SoftHsm.loaded`) points this process's environment at the store and reloads the module around the block, so
that SoftHSM2 reads its configuration again (it does so in ``C_Initialize``). PINs on ``softhsm2-util``'s command
line are fine here: throwaway tokens only.
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sysconfig
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pkcs11

BIN = Path(sysconfig.get_path("scripts"))  # where pip put the scripts (Windows: Scripts\, not beside python.exe)
MODULE = "/usr/lib/softhsm/libsofthsm2.so"
LABEL = "AOSign"
#: the test tokens' user PIN and SO PIN (the unblocking code on the sheet), as for the simulated cards
PIN = "31415926"
CODE = "QX7RT2KM9WZ4"
CKR_SESSION_HANDLE_INVALID = 0xB3

__all__ = ["CODE", "LABEL", "MODULE", "PIN", "HostRun", "SoftHsm", "session_is_open"]


@dataclass
class HostRun:
    """One finished ``aosign-host`` process."""

    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err

    def json(self) -> Any:
        return json.loads(self.out)


@dataclass
class SoftHsm:
    """A SoftHSM2 token store in ``root`` (``softhsm2.conf`` and ``tokens/``), and the host configured to use it."""

    root: Path
    manifest: Path = field(init=False)
    conf: Path = field(init=False)

    def __post_init__(self) -> None:
        tokens = self.root / "tokens"
        tokens.mkdir(parents=True)
        self.conf = self.root / "softhsm2.conf"
        self.conf.write_text(
            f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n", encoding="utf-8"
        )
        (self.root / "home").mkdir()
        self.manifest = self.write_manifest()

    def init_token(self, label: str = LABEL, pin: str = PIN, code: str = CODE) -> None:
        subprocess.run(
            ["softhsm2-util", "--init-token", "--free", "--label", label, "--pin", pin, "--so-pin", code],
            env={**os.environ, "SOFTHSM2_CONF": str(self.conf)},
            capture_output=True,
            check=True,
        )

    def write_manifest(
        self, token: str | None = f"pkcs11:token={LABEL}", module: str = MODULE, name: str = "manifest.toml"
    ) -> Path:
        path = self.root / name
        token_line = "" if token is None else f'token = "{token}"\n'
        path.write_text(
            f'[plugin]\nbackend = "pkcs11"\n\n[pkcs11]\nmodule.linux = "{module}"\n{token_line}', encoding="utf-8"
        )
        return path

    def env(self, lang: str = "ja", manifest: Path | None = None) -> dict[str, str]:
        home = self.root / "home"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "LC_", "LANG", "SOFTHSM2_"))}
        env.update(
            AOSIGN_MANIFEST=str(manifest or self.manifest),
            AOSIGN_LANG=lang,
            SOFTHSM2_CONF=str(self.conf),
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local/share"),
            XDG_STATE_HOME=str(home / ".local/state"),
            XDG_CACHE_HOME=str(home / ".cache"),
        )
        return env

    def host(
        self,
        *args: str,
        answers: list[str] | None = None,
        lang: str = "ja",
        manifest: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> HostRun:
        """Run ``aosign-host ARGS`` against this store, with ``answers`` on standard input, one per line."""
        proc = subprocess.run(
            [str(BIN / "aosign-host"), *args],
            input="".join(a + "\n" for a in answers or []).encode(),
            capture_output=True,
            env={**self.env(lang, manifest), **(env or {})},
            timeout=60,
            check=False,
        )
        return HostRun(proc.returncode, proc.stdout.decode(), proc.stderr.decode())

    @contextmanager
    def loaded(self) -> Iterator[Any]:
        """The module, initialised in this process on this store; finalised again afterwards."""
        before = os.environ.get("SOFTHSM2_CONF")
        pkcs11.unload(MODULE)
        os.environ["SOFTHSM2_CONF"] = str(self.conf)
        try:
            yield pkcs11.lib(MODULE)
        finally:
            pkcs11.unload(MODULE)
            if before is None:
                os.environ.pop("SOFTHSM2_CONF", None)
            else:
                os.environ["SOFTHSM2_CONF"] = before

    def pin_works(self, pin: str, label: str = LABEL) -> bool:
        """Whether ``pin`` logs in as the user (a wrong one costs a try, as on any token)."""
        with self.loaded() as lib:
            token = lib.get_token(token_label=label)
            try:
                session = token.open(user_pin=pin)
            except pkcs11.PinIncorrect:
                lib.finalize()  # python-pkcs11 leaves the login's session open: C_Finalize closes it
                return False
            session.close()
            return True

    def flags(self, label: str = LABEL) -> int:
        """The token's ``CK_TOKEN_INFO.flags`` now."""
        with self.loaded() as lib:
            return int(lib.get_token(token_label=label).flags)


def session_is_open(handle: int) -> bool:
    """Whether SoftHSM2, as loaded in this process, still has session ``handle`` (``C_GetSessionInfo``)."""
    info = (ctypes.c_ulong * 4)()  # CK_SESSION_INFO: slotID, state, flags, ulDeviceError
    rv = ctypes.CDLL(MODULE).C_GetSessionInfo(ctypes.c_ulong(handle), ctypes.byref(info))
    assert rv in (0, CKR_SESSION_HANDLE_INVALID), hex(rv)
    return bool(rv == 0)
