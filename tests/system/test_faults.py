"""Faults on the real parts: the card vanishing before or after any APDU, pcscd stopped mid-operation, a second
process holding the card, another application spending a try while the user types.

Each time: exit 6 (or 2 when nothing was sent) with a clear message, no try spent beyond what the card itself
processed (the card's own APDU log is the witness), and a following ``status`` shows the true state.

Everything runs on a pcscd of the test's own (:mod:`tests.support.private_pcsc`), never the machine's; every PC/SC
client here is a subprocess: the host, or :data:`~tests.support.private_pcsc.HELPER`. The daemon and the served
cards are stopped by their own pids.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from aosign_plugin import catalogs
from aosign_plugin.simcard.apdu_log import read_log
from aosign_plugin.simcard.store import CardStore
from tests.support.cards import SHEET_CODE, SHEET_PIN, Run, issue_card, write_manifest
from tests.support.private_pcsc import HELPER, READER, PrivatePcsc, helper, running, wait_card
from tests.support.realparts import stop_process

BIN = Path(sys.executable).parent
NEW_PIN = "Hk47vQ2w"
WRONG_PIN = "27182818"
LANG = "en"

#: the commands of one ``change-pin`` (default dialect), in order: the status read, then the change's session
CHANGE_PIN_COMMANDS = ["SELECT", "VERIFY()", "VERIFY()", "SELECT", "VERIFY()", "CHANGE"]


@dataclass
class FaultCard:
    """A simulated card served to our pcscd, and the host configured to reach it."""

    pcsc: PrivatePcsc
    root: Path
    state: Path = field(init=False)
    log: Path = field(init=False)
    manifest: Path = field(init=False)
    server: subprocess.Popen[bytes] | None = None
    out: bytes = b""

    def __post_init__(self) -> None:
        self.state, self.log, self.manifest = self.root / "card.json", self.root / "apdus.jsonl", self.root / "m.toml"
        (self.root / "home").mkdir()
        issue_card(self.state)
        # no certificate files to read (certificates = []): the faults here are those of the PIN commands
        card = '[card]\naid = "A0000006474F5349474E"\ncertificates = []\n'
        write_manifest(self.manifest, "pcsc", self.state, self.log, f'{card}[pcsc]\nreader = "{READER}"\n')

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "LC_", "LANG", "PCSCLITE_"))}
        home = self.root / "home"
        env.update(AOSIGN_MANIFEST=str(self.manifest), AOSIGN_LANG=LANG, HOME=str(home))
        env.update(XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"))
        env.update(self.pcsc.env)
        return env

    # --- the served card

    def serve(self, fault: str | None = None, timeout: float = 10.0) -> None:
        """Insert the card (``aosign-sim serve``, optionally with ``--fault``); return once pcscd sees it."""
        assert self.server is None or self.server.poll() is not None, "the card is still served"
        cmd = [sys.executable, "-m", "aosign_plugin.simcard.cli", "serve", "--port", str(self.pcsc.port)]
        cmd += ["--state", str(self.state), "--log", str(self.log)]
        if fault is not None:
            cmd += ["--fault", fault]
        for attempt in (1, 2):
            stop_process(self.server)
            wait_card(self.pcsc, present=False)
            self.server = subprocess.Popen(
                cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            self.out = b""
            self.read_line(b"serving ", timeout)
            # vpcd, after a link that died mid-command and a reset pcscd then failed on it, now and then keeps the
            # reader empty though the new card is connected (seen on a loaded 2-core machine, before and after
            # issue 14): taken out and put in again, as a user re-seats a card. The card's log is unaffected.
            last = wait_card(self.pcsc, present=True, timeout=timeout, check=attempt == 2)
            if last is None:
                return

    def read_line(self, prefix: bytes, timeout: float = 10.0) -> bytes:
        """Wait for the server to print a line starting with ``prefix``; return it."""
        proc = self.server
        assert proc is not None and proc.stdout is not None
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            while True:
                for line in self.out.splitlines(keepends=True):
                    if line.startswith(prefix) and line.endswith(b"\n"):
                        return line
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not sel.select(remaining):
                    raise AssertionError(f"the server did not print {prefix!r} in {timeout} s: {self.out!r}")
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    assert proc.stderr is not None
                    raise AssertionError(f"the server exited ({proc.wait()}): {self.out!r} {proc.stderr.read()!r}")
                self.out += chunk

    def unserve(self) -> None:
        """Pull the card (stop the server by its pid) and wait until pcscd sees the reader empty."""
        stop_process(self.server)
        self.server = None
        wait_card(self.pcsc, present=False)

    def wait_vanished(self, timeout: float = 10.0) -> None:
        """The fault closed the link: the server exits by itself."""
        assert self.server is not None
        self.server.wait(timeout)
        stop_process(self.server)
        self.server = None

    # --- the host and the card's own records

    def host(self, *args: str, answers: list[str] | None = None, timeout: float = 60) -> Run:
        stdin = "".join(a + "\n" for a in answers or [])
        proc = subprocess.run(
            [str(BIN / "aosign-host"), *args],
            input=stdin.encode(),
            capture_output=True,
            env=self.env(),
            timeout=timeout,
            check=False,
        )
        return Run(proc.returncode, proc.stdout.decode(), proc.stderr.decode())

    def start_host(self, *args: str) -> subprocess.Popen[bytes]:
        """``aosign-host`` with its answers still to be written to its stdin."""
        return subprocess.Popen(
            [str(BIN / "aosign-host"), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self.env(),
        )

    def counters(self) -> tuple[int, int]:
        state = CardStore(self.state).load()
        return state.pin.tries_left, state.unblock.tries_left

    def entries(self) -> list[dict[str, Any]]:
        return read_log(self.log).entries if self.log.exists() else []

    def wait_entries(self, n: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.entries()) < n:
            assert time.monotonic() < deadline, f"the card did not receive {n} commands: {self.entries()}"
            time.sleep(0.01)

    def status_json(self) -> dict[str, Any]:
        run = self.host("status", "--json")
        assert run.code == 0, run.text
        data: dict[str, Any] = json.loads(run.out)
        return data


def name(entry: dict[str, Any]) -> str:
    names = {0xA4: "SELECT", 0x20: "VERIFY", 0x24: "CHANGE", 0x2C: "RESET", 0xCA: "GET DATA"}
    ins = entry["ins"]
    label = names.get(ins, f"{ins:02X}")
    return label + "()" if ins == 0x20 and not entry.get("lc") else label


def tries(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The commands that carried a secret (each may cost a try)."""
    return [e for e in entries if e["ins"] in (0x20, 0x24, 0x2C) and e.get("lc")]


def gone_texts() -> list[str]:
    """The beginnings of the messages for a card that stopped answering or left, or a service that stopped."""
    return [
        catalogs.text(f"unavailable.{reason}", LANG, detail="").split("(")[0].strip()
        for reason in ("card_gone", "no_card", "no_service")
    ]


def assert_gone(run: Run) -> None:
    assert run.code == 6, run.text
    assert any(t in run.text for t in gone_texts()), run.text
    assert "Traceback" not in run.text


@pytest.fixture
def card(private_pcsc: PrivatePcsc, tmp_path: Path) -> Iterator[FaultCard]:
    c = FaultCard(running(private_pcsc), tmp_path)
    try:
        yield c
    finally:
        stop_process(c.server)
        c.server = None


# --- the card vanishes before or after each command of change-pin --------------------------------------------


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("number", range(1, len(CHANGE_PIN_COMMANDS) + 1))
def test_card_vanishes_during_change_pin(card: FaultCard, number: int, when: str) -> None:
    """A wrong current PIN, the card pulled at the ``number``-th command: only the card may have counted it."""
    card.serve(f"when={when},nth={number}")
    run = card.host("change-pin", answers=[WRONG_PIN, NEW_PIN, NEW_PIN])
    assert_gone(run)
    card.wait_vanished()
    entries = card.entries()
    # the commands that reached the card are the first ones of the operation, in order; none was resent
    expected = CHANGE_PIN_COMMANDS[: number if when == "after" else number - 1]
    assert [name(e) for e in entries] == expected
    processed_change = when == "after" and number == len(CHANGE_PIN_COMMANDS)
    assert len(tries(entries)) == (1 if processed_change else 0)
    assert card.counters() == ((9, 10) if processed_change else (10, 10))
    # re-inserted: status tells the truth, and spends nothing
    card.serve()
    status = card.status_json()
    assert status["pin"]["tries_left"] == card.counters()[0]
    assert status["state"] == "ready"
    assert len(tries(card.entries())) == len(tries(entries))


@pytest.mark.parametrize("when", ["before", "after"])
def test_card_vanishes_as_the_right_pin_changes_it(card: FaultCard, when: str) -> None:
    """After: the card changed the PIN but the host never heard it. The user is told to look; the new PIN works."""
    card.serve(f"ins=24,when={when}")
    assert_gone(card.host("change-pin", answers=[SHEET_PIN, NEW_PIN, NEW_PIN]))
    card.wait_vanished()
    assert card.counters() == (10, 10)
    card.serve()
    assert card.status_json()["pin"]["tries_left"] == 10
    now = NEW_PIN if when == "after" else SHEET_PIN
    run = card.host("change-pin", answers=[now, "Zt58bN3e", "Zt58bN3e"])
    assert run.code == 0, run.text
    assert len(tries(card.entries())) == (2 if when == "after" else 1)


@pytest.mark.parametrize("when", ["before", "after"])
def test_card_vanishes_during_unlock(card: FaultCard, when: str) -> None:
    card.serve(f"ins=2c,when={when}")
    assert_gone(card.host("unlock", answers=["WRONGCODE123", NEW_PIN, NEW_PIN]))
    card.wait_vanished()
    assert card.counters() == ((10, 9) if when == "after" else (10, 10))
    card.serve()
    status = card.status_json()
    assert (status["pin"]["tries_left"], status["unblock"]["tries_left"]) == card.counters()
    assert len(tries(card.entries())) == (1 if when == "after" else 0)


def test_card_vanishes_during_status(card: FaultCard) -> None:
    card.serve("ins=20,nth=2,when=before")
    assert_gone(card.host("status", "--json"))
    card.wait_vanished()
    assert card.counters() == (10, 10)


# --- pcscd stopped mid-operation -----------------------------------------------------------------------------


def test_pcscd_stopped_while_the_card_is_busy(card: FaultCard) -> None:
    """The card goes mute on the change command; pcscd is stopped while the host waits for the answer."""
    card.serve("ins=24,when=before,action=mute")
    host = card.start_host("change-pin")
    assert host.stdin is not None
    host.stdin.write(f"{WRONG_PIN}\n{NEW_PIN}\n{NEW_PIN}\n".encode())
    host.stdin.flush()
    card.read_line(b"fault: ")
    assert host.poll() is None  # waiting for the card
    card.pcsc.stop()
    out, err = host.communicate(timeout=30)
    assert_gone(Run(host.returncode, out.decode(), err.decode()))
    card.wait_vanished()  # vpcd closed the link: the server ends
    assert card.counters() == (10, 10)
    assert tries(card.entries()) == []
    card.pcsc.start()
    card.serve()
    assert card.status_json()["pin"]["tries_left"] == 10


def test_pcscd_stopped_while_the_user_types(card: FaultCard) -> None:
    card.serve()
    host = card.start_host("change-pin")
    card.wait_entries(3)  # the state was read and shown; the host now waits for the answers
    card.pcsc.stop()
    out, err = host.communicate(f"{SHEET_PIN}\n{NEW_PIN}\n{NEW_PIN}\n".encode(), timeout=30)
    run = Run(host.returncode, out.decode(), err.decode())
    assert run.code == 6, run.text
    assert catalogs.text("unavailable.no_service", LANG, detail="").split("(")[0].strip() in run.err
    assert [name(e) for e in card.entries()] == CHANGE_PIN_COMMANDS[:3]
    stop_process(card.server)
    card.server = None
    card.pcsc.start()
    card.serve()
    assert card.status_json()["pin"]["tries_left"] == 10
    assert card.counters() == (10, 10)


# --- a second process and the transaction --------------------------------------------------------------------


def test_second_process_holding_the_card(card: FaultCard) -> None:
    """Another process holds the card in a transaction: the host waits, and the two never interleave."""
    card.serve()
    env = {**os.environ, **card.pcsc.env}
    holder = subprocess.Popen(
        [sys.executable, "-c", HELPER, "hold", READER, "1.0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == b"held\n"
        t0 = time.monotonic()
        run = card.host("change-pin", answers=[SHEET_PIN, NEW_PIN, NEW_PIN])
        waited = time.monotonic() - t0
        _, err = holder.communicate(timeout=30)
    finally:
        stop_process(holder)
    assert holder.returncode == 0, err
    assert run.code == 0, run.text
    assert waited > 0.5, f"the host did not wait for the other transaction ({waited:.2f} s)"
    names = [name(e) for e in card.entries()]
    # the holder's three commands, all of them inside its transaction, then the host's operation
    assert names == ["GET DATA"] * 3 + CHANGE_PIN_COMMANDS, names
    assert card.counters() == (10, 10)


def test_other_application_spends_a_try_while_the_user_types(card: FaultCard) -> None:
    """The counter the user was shown is no longer true: nothing is sent, the user is told to look again."""
    card.serve()
    host = card.start_host("change-pin")
    card.wait_entries(3)
    r = helper(card.pcsc, "spend", READER, WRONG_PIN)
    assert r.returncode == 0 and r.stdout.strip() == "63C9", r.stdout + r.stderr
    out, err = host.communicate(f"{SHEET_PIN}\n{NEW_PIN}\n{NEW_PIN}\n".encode(), timeout=30)
    run = Run(host.returncode, out.decode(), err.decode())
    assert run.code == 2, run.text
    assert catalogs.text("card.state_changed", LANG) in run.err
    assert catalogs.text("nothing_sent", LANG) in run.err
    assert card.counters() == (9, 10)
    assert len(tries(card.entries())) == 1  # the other application's VERIFY only
    assert card.status_json()["pin"]["tries_left"] == 9
    run = card.host("change-pin", answers=[SHEET_PIN, NEW_PIN, NEW_PIN])
    assert run.code == 0, run.text


def test_fault_spec_is_checked(tmp_path: Path) -> None:
    state = tmp_path / "c.json"
    issue_card(state)
    for spec in ("ins=24", "when=later", "when=before,nth=0", "when=after,ins=zz", "when=after,action=explode"):
        r = subprocess.run(
            [str(BIN / "aosign-sim"), "serve", "--state", str(state), "--port", "1", "--fault", spec],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert r.returncode == 2 and "--fault" in r.stderr, (spec, r.stderr)
    assert SHEET_CODE  # the sheet's code is not needed here: unlock faults use a wrong code


# --- the PKCS#11 module deleted between status and change --------------------------------------------------------


def test_pkcs11_module_deleted_between_status_and_change(tmp_path: Path) -> None:
    """The vendor's module file goes away while the user types (an uninstall, an update). The module this process
    loaded stays mapped, so the operation may finish; either way the exit code tells what happened, a new command
    names the missing module before asking anything, and once the module is back status and the PIN agree."""
    from tests.support.softhsm import MODULE, PIN, SoftHsm

    hsm = SoftHsm(tmp_path / "hsm")
    hsm.init_token()
    module = tmp_path / "libvendor-pkcs11.so"
    shutil.copy(MODULE, module)
    manifest = hsm.write_manifest(module=str(module), name="copy.toml")
    host = subprocess.Popen(
        [str(BIN / "aosign-host"), "change-pin"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=hsm.env(LANG, manifest),
    )
    maps = Path(f"/proc/{host.pid}/maps")
    deadline = time.monotonic() + 30
    while str(module) not in maps.read_text():  # status read the token: the module is loaded
        assert host.poll() is None and time.monotonic() < deadline, host.communicate()
        time.sleep(0.01)
    module.unlink()
    out, err = host.communicate(f"{PIN}\n{NEW_PIN}\n{NEW_PIN}\n".encode(), timeout=60)
    run = Run(host.returncode, out.decode(), err.decode())
    assert "Traceback" not in run.text
    assert run.code in (0, 6), run.text
    # gone: the next command names the module and asks nothing
    after = hsm.host("change-pin", manifest=manifest, lang=LANG, answers=[NEW_PIN, "Zt58bN3e", "Zt58bN3e"])
    assert after.code in (6, 7) and str(module) in after.text, after.text
    # back: the PIN in force is the one the exit code said
    shutil.copy(MODULE, module)
    status = hsm.host("status", "--json", manifest=manifest, lang=LANG)
    assert status.code == 0, status.text
    assert status.json()["state"] == "ready"
    assert hsm.pin_works(NEW_PIN if run.code == 0 else PIN)
