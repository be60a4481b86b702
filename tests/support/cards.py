"""The simulated card under test and the host as a user runs it: issue a card, write its manifest, run
``aosign-host`` with answers on standard input, read the card's own counters and APDU log."""

from __future__ import annotations

import json
import os
import subprocess
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aosign_plugin.simcard.apdu_log import ApduLogContents, read_log
from tests.support.realparts import reader_name, serve_card

BIN = Path(sysconfig.get_path("scripts"))  # where pip put the scripts (Windows: Scripts\, not beside python.exe)

#: the initial PIN and the unblocking code printed on the test cards' sheets
SHEET_PIN = "31415926"
SHEET_CODE = "QX7RT2KM9WZ4"


@dataclass
class Run:
    """One finished ``aosign-host`` process."""

    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


@dataclass
class Card:
    """A simulated card under test, and the host configured to reach it."""

    backend: str
    home: Path
    state: Path
    log: Path
    manifest: Path
    server: subprocess.Popen[bytes] | None = None
    runs: list[Run] = field(default_factory=list)

    def env(self, lang: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "LC_", "LANG"))}
        env.update(
            AOSIGN_MANIFEST=str(self.manifest),
            AOSIGN_LANG=lang,
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            XDG_DATA_HOME=str(self.home / ".local/share"),
            XDG_STATE_HOME=str(self.home / ".local/state"),
            XDG_CACHE_HOME=str(self.home / ".cache"),
        )
        return env

    def host(self, *args: str, answers: list[str] | None = None, lang: str = "ja") -> Run:
        """Run ``aosign-host ARGS`` with ``answers`` on standard input, one per line."""
        stdin = "".join(a + "\n" for a in answers or [])
        proc = subprocess.run(
            [str(BIN / "aosign-host"), *args],
            input=stdin.encode(),
            capture_output=True,
            env=self.env(lang),
            timeout=60,
            check=False,
        )
        run = Run(proc.returncode, proc.stdout.decode(), proc.stderr.decode())
        self.runs.append(run)
        return run

    def status(self) -> dict[str, Any]:
        run = self.host("status", "--json")
        assert run.code == 0, run.text
        data: dict[str, Any] = json.loads(run.out)
        return data

    def counters(self) -> tuple[int, int]:
        """The card's own counters, read from its state file (not through the host)."""
        out = subprocess.run(
            [str(BIN / "aosign-sim"), "show", "--json", "--state", str(self.state)],
            capture_output=True,
            check=True,
        ).stdout
        data = json.loads(out)
        return data["pin"]["tries_left"], data["unblock"]["tries_left"]

    def apdu_log(self) -> ApduLogContents:
        if not self.log.exists():  # the card has received nothing yet
            return ApduLogContents(entries=[])
        return read_log(self.log)

    def try_commands(self) -> list[dict[str, Any]]:
        """The logged commands that carried a secret."""
        return [e for e in self.apdu_log().entries if e["ins"] in (0x20, 0x24, 0x2C) and e.get("lc")]


def issue_card(state: Path, pin: str = SHEET_PIN, code: str = SHEET_CODE, *options: str) -> None:
    subprocess.run(
        # the quick scrypt of the tests' cards (the card's rules do not depend on its cost)
        [str(BIN / "aosign-sim"), "issue", "--state", str(state), "--from-stdin", "--scrypt-n", "16", *options],
        input=f"{pin}\n{code}\n".encode(),
        capture_output=True,
        check=True,
    )


def edit_state(card: Card, **changes: Any) -> None:
    """Set ``pin_tries_left=0`` style keys in the card's state file (``<secret>_<key>``)."""
    data = json.loads(card.state.read_text())
    for name, value in changes.items():
        secret, key = name.split("_", 1)
        data[secret][key] = value
    card.state.write_text(json.dumps(data))


def _toml(path: Path) -> str:
    """``path`` as a TOML string: a Windows path's backslashes escaped (JSON's string escapes are TOML's)."""
    return json.dumps(str(path), ensure_ascii=False)


def write_manifest(path: Path, backend: str, state: Path, log: Path, extra: str = "") -> None:
    path.write_text(
        f'[plugin]\nbackend = "{backend}"\n\n[sim]\nstate = {_toml(state)}\nlog = {_toml(log)}\n\n{extra}',
        encoding="utf-8",
    )


def make_card(
    tmp_path: Path,
    backend: str,
    *,
    issue_options: tuple[str, ...] = (),
    card_table: str = "",
    port: int = 35964,
    reader: str | None = None,
) -> Card:
    home = tmp_path / "home"
    home.mkdir()
    state, log, manifest = tmp_path / "card.json", tmp_path / "card-apdus.jsonl", tmp_path / "manifest.toml"
    issue_card(state, SHEET_PIN, SHEET_CODE, *issue_options)
    extra = card_table
    if reader is not None:
        extra += f'\n[pcsc]\nreader = "{reader}"\n'
    write_manifest(manifest, backend, state, log, extra)
    card = Card(backend=backend, home=home, state=state, log=log, manifest=manifest)
    if backend == "pcsc":
        card.server = serve_card(state, port, log)
    return card


__all__ = ["SHEET_CODE", "SHEET_PIN", "Card", "Run", "issue_card", "make_card", "reader_name", "write_manifest"]
