"""``aosign-host`` over OpenSC's PKCS#11 module beside OpenSC's own tools, on the simulated card through pcscd and
vpcd, counting against the card's own APDU log:

- another program logged in with OpenSC's ``lock_login = true`` holds the card: our commands wait a bounded time,
  then exit 6 with ``card_in_use``, nothing sent;
- after our change-pin (and a wrong PIN) over PKCS#11 the card holds no verified PIN: a probe right after, and
  ``pkcs11-tool`` run straight after us, find it unverified;
- a wrong PIN over PKCS#11 is reported with the tries left, read from the card behind the token.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from smartcard import scard

from aosign_plugin.config.dialect import DEFAULT_AID
from aosign_plugin.simcard.apdu_log import read_log
from tests.support.cards import SHEET_CODE, SHEET_PIN, issue_card
from tests.support.opensc import MODULE, OPENSC_CONF, PORT, READER
from tests.support.realparts import serve_card, stop_process

BIN = Path(sys.executable).parent
NEW_PIN = "Hk47vQ2w"

#: ``<module> <reader> <pin>``: logs in, says "in", then holds the login until its standard input closes
_HOLD_LOGIN = """\
import sys
import pkcs11
lib = pkcs11.lib(sys.argv[1])
t = next(s.get_token() for s in lib.get_slots(token_present=True) if s.slot_description.startswith(sys.argv[2]))
with t.open(user_pin=sys.argv[3]):
    print("in", flush=True)
    sys.stdin.read()
"""


@dataclass
class Token:
    root: Path
    state: Path
    log: Path
    manifest: Path
    env: dict[str, str]

    def host(self, *args: str, answers: list[str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "aosign-host"), *args],
            input="".join(a + "\n" for a in answers or []),
            capture_output=True,
            text=True,
            env=self.env,
            check=False,
            timeout=60,
        )

    def entries(self) -> int:
        return len(read_log(self.log).entries) if self.log.exists() else 0

    def pin_commands(self, since: int = 0) -> list[dict[str, object]]:
        if not self.log.exists():
            return []
        return [e for e in read_log(self.log).entries[since:] if e["ins"] in (0x20, 0x24, 0x2C)]

    def tool(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["pkcs11-tool", "--module", MODULE, "--slot-description", READER, *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=30,
            check=False,
        )


@pytest.fixture
def token(tmp_path: Path, pcscd: None) -> Iterator[Token]:
    state, log = tmp_path / "card.json", tmp_path / "apdus.jsonl"
    issue_card(state, SHEET_PIN, SHEET_CODE)
    conf = tmp_path / "opensc.conf"
    # OpenSC keeps the card locked (a PC/SC transaction) from C_Login to C_Logout, as office set-ups configure it
    conf.write_text(OPENSC_CONF.replace("    pkcs11 {\n", "    pkcs11 {\n        lock_login = true;\n", 1))
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(
        f'[plugin]\nbackend = "pkcs11"\ncard_busy_wait = 2\n\n[pkcs11]\nmodule.linux = "{MODULE}"\n'
        f'token = "pkcs11:token=AOSign"\nunblock = "so-initpin"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "LC_", "LANG"))}
    env.update(
        AOSIGN_MANIFEST=str(manifest),
        AOSIGN_LANG="en",
        OPENSC_CONF=str(conf),
        HOME=str(tmp_path),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    server = serve_card(state, PORT, log)
    try:
        yield Token(tmp_path, state, log, manifest, env)
    finally:
        stop_process(server)


@pytest.fixture
def held(token: Token) -> Iterator[Token]:
    """Another program logged in through OpenSC with ``lock_login``: it holds the card until it ends."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOGIN, MODULE, READER, SHEET_PIN],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=token.env,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"in"
        yield token
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        proc.wait(timeout=10)


@pytest.mark.parametrize("args", [("status",), ("status", "--json"), ("status", "--quiet"), ("change-pin",)])
def test_a_login_held_by_another_program_bounds_the_wait(held: Token, args: tuple[str, ...]) -> None:
    before = held.entries()
    start = time.monotonic()
    r = held.host(*args, answers=[SHEET_PIN, NEW_PIN, NEW_PIN])
    took = time.monotonic() - start
    assert r.returncode == 6, r.stdout + r.stderr
    assert took < 8, took
    if "--json" in args:
        assert json.loads(r.stdout)["error"]["code"] == "card_in_use"
    elif "--quiet" not in args:
        assert "Another application is using the IC card" in r.stderr
    assert held.entries() == before  # nothing reached the card


def probe_pin_state() -> str:
    """What the next application finds, as the PC/SC test probes it: SELECT, then an empty VERIFY (no try)."""
    proto = scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    assert hresult == scard.SCARD_S_SUCCESS
    try:
        hresult, card, protocol = scard.SCardConnect(context, READER, scard.SCARD_SHARE_SHARED, proto)
        assert hresult == scard.SCARD_S_SUCCESS, hex(hresult)
        try:
            select = [0x00, 0xA4, 0x04, 0x0C, len(DEFAULT_AID), *DEFAULT_AID]
            hresult, response = scard.SCardTransmit(card, protocol, select)
            assert bytes(response[-2:]) == b"\x90\x00"
            hresult, response = scard.SCardTransmit(card, protocol, [0x00, 0x20, 0x00, 0x81])
            return bytes(response[-2:]).hex().upper()
        finally:
            scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)
    finally:
        scard.SCardReleaseContext(context)


def test_change_pin_leaves_the_card_unverified(token: Token) -> None:
    r = token.host("change-pin", answers=[SHEET_PIN, NEW_PIN, NEW_PIN])
    assert r.returncode == 0, r.stderr
    assert probe_pin_state() == "63CA"  # right after us: not verified
    # pkcs11-tool straight after us: it finds the token as any application would, and the card is still unverified
    listed = token.tool("--list-objects")
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert probe_pin_state() == "63CA"
    # and the new PIN works for pkcs11-tool
    assert token.tool("--login", "--pin", NEW_PIN, "--list-objects").returncode == 0


def test_unlock_and_a_wrong_pin_leave_the_card_unverified(token: Token) -> None:
    r = token.host("unlock", answers=[SHEET_CODE, NEW_PIN, NEW_PIN])
    assert r.returncode == 0, r.stderr
    assert probe_pin_state() == "63CA"
    r = token.host("change-pin", answers=["Wrong1234", "Zt58bN3e", "Zt58bN3e"])
    assert r.returncode == 3, r.stderr
    assert probe_pin_state() == "63C9"


def test_a_wrong_pin_or_code_over_pkcs11_says_the_tries_left(token: Token) -> None:
    """OpenSC's flags tell no count for this card; the card behind the token does, and the message carries it."""
    r = token.host("change-pin", answers=["Wrong1234", NEW_PIN, NEW_PIN])
    assert r.returncode == 3, r.stderr
    assert "9 tries left" in r.stderr, r.stderr
    assert probe_pin_state() == "63C9"
    r = token.host("unlock", answers=["WRONGCODE123", NEW_PIN, NEW_PIN])
    assert r.returncode == 3, r.stderr
    assert "9 unlock tries left" in r.stderr, r.stderr
    assert "did not say" not in r.stderr and "could not" not in r.stderr


PROXY = "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so"


def test_p11kit_proxy_as_the_module(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """p11-kit's proxy (a new, uninitialised function table per C_GetFunctionList) as the module, over SoftHSM2 as
    p11-kit finds it: a wrong PIN is one try and leaves no session (nothing closed through another table: no
    CKR_CRYPTOKI_NOT_INITIALIZED), and the same process goes on to unlock with the code."""
    import logging

    from aosign_plugin.backends.pkcs11.backend import Pkcs11Backend
    from aosign_plugin.config.settings import Backend, Settings
    from aosign_plugin.domain.errors import PinIncorrectError
    from aosign_plugin.domain.secret import Secret
    from tests.support.softhsm import CODE, LABEL, PIN, SoftHsm

    assert os.path.exists(PROXY), "Debian: apt-get install p11-kit-modules"
    hsm = SoftHsm(tmp_path)
    hsm.init_token()
    manifest = hsm.write_manifest(module=PROXY, name="proxy.toml")
    run = hsm.host("change-pin", answers=["27182818", NEW_PIN, NEW_PIN], lang="en", manifest=manifest)
    assert run.code == 3, run.text
    assert "0x190" not in run.text and "C_CloseAllSessions" not in run.text, run.text
    run = hsm.host("change-pin", answers=[PIN, NEW_PIN, NEW_PIN], lang="en", manifest=manifest)
    assert run.code == 0, run.text
    # in one process, as the window runs: a wrong PIN, then an unlock
    os.environ["SOFTHSM2_CONF"] = str(hsm.conf)
    try:
        backend = Pkcs11Backend(
            Settings(backend=Backend.PKCS11, pkcs11_modules={"linux": PROXY}, pkcs11_token=f"pkcs11:token={LABEL}")
        )
        with caplog.at_level(logging.WARNING):
            status = backend.status()
            with pytest.raises(PinIncorrectError):
                backend.change_pin(Secret.from_ascii("27182818"), Secret.from_ascii(PIN), seen=status.pin)
            backend.unblock_pin(Secret.from_ascii(CODE), Secret.from_ascii(PIN), seen=backend.status().unblock)
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    finally:
        import pkcs11

        pkcs11.unload(PROXY)
        del os.environ["SOFTHSM2_CONF"]
    # the unlock set the PIN back: a fresh process, the module itself, changes it with that PIN
    assert hsm.host("change-pin", answers=[PIN, NEW_PIN, NEW_PIN], lang="en").code == 0


def test_doctor_beside_a_held_login_is_bounded(held: Token) -> None:
    before = held.entries()
    start = time.monotonic()
    r = held.host("doctor", "--json")
    took = time.monotonic() - start
    assert r.returncode == 1, r.stdout + r.stderr
    assert took < 15, took
    assert held.entries() == before
