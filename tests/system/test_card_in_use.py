"""Another program holding the card: every command waits a bounded time, then says so (exit 6, ``card_in_use``) and
sends nothing; Ctrl-C ends the wait at once.

Real parts: pcscd, vpcd, the simulated card on vpcd's second reader. "Another program" is a second PC/SC context in
this test process that begins a transaction and keeps it (what OpenSC does with ``lock_login = true`` while a
``pkcs11-tool`` login is open), or that connects exclusively.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from smartcard import scard

from tests.support.cards import BIN, Card, make_card
from tests.support.realparts import stop_process

READER = "Virtual PCD 00 01"


class Holder:
    """Another application: its own context and handle, holding a transaction (or an exclusive connection)."""

    def __init__(self, share: int = scard.SCARD_SHARE_SHARED, *, transaction: bool = True) -> None:
        hresult, self.context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        assert hresult == scard.SCARD_S_SUCCESS
        hresult, self.card, _protocol = scard.SCardConnect(
            self.context, READER, share, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
        )
        assert hresult == scard.SCARD_S_SUCCESS, hex(hresult)
        self.transaction = transaction
        if transaction:
            assert scard.SCardBeginTransaction(self.card) == scard.SCARD_S_SUCCESS

    def close(self) -> None:
        if self.transaction:
            scard.SCardEndTransaction(self.card, scard.SCARD_LEAVE_CARD)
        scard.SCardDisconnect(self.card, scard.SCARD_LEAVE_CARD)
        scard.SCardReleaseContext(self.context)


@pytest.fixture
def held_card(pcscd: None, tmp_path: Path) -> Iterator[Card]:
    card = make_card(tmp_path, "pcsc", port=35964, reader=READER)
    card.manifest.write_text(
        card.manifest.read_text().replace('backend = "pcsc"\n', 'backend = "pcsc"\ncard_busy_wait = 1\n')
    )
    try:
        yield card
    finally:
        stop_process(card.server)


def _timed(card: Card, *args: str, answers: list[str] | None = None) -> tuple[float, int, str]:
    start = time.monotonic()
    run = card.host(*args, answers=answers, lang="en")
    return time.monotonic() - start, run.code, run.text


@pytest.mark.parametrize(
    "args",
    [("status",), ("status", "--json"), ("status", "--quiet"), ("status", "--no-wait"), ("change-pin",)],
)
def test_a_transaction_held_by_another_program_bounds_the_wait(held_card: Card, args: tuple[str, ...]) -> None:
    before = len(held_card.apdu_log().entries)
    holder = Holder()
    try:
        took, code, text = _timed(held_card, *args, answers=["31415926", "Hk47vQ2w", "Hk47vQ2w"])
    finally:
        holder.close()
    assert code == 6, text
    assert took < 6, took  # one second's limit, plus the start of a process
    if "--json" in args:
        error = json.loads(text)["error"]
        assert error["code"] == "card_in_use" and error["exit_code"] == 6
    elif "--quiet" not in args:
        assert "Another application is using the IC card" in text
    assert len(held_card.apdu_log().entries) == before  # nothing was sent
    # once the other program is done, the same command works
    assert held_card.host("status").code == 0


def test_exclusive_connection_of_another_program(held_card: Card) -> None:
    holder = Holder(scard.SCARD_SHARE_EXCLUSIVE, transaction=False)
    try:
        took, code, text = _timed(held_card, "status")
    finally:
        holder.close()
    assert code == 6 and took < 6, text
    assert "Another application is using the IC card" in text


def test_ctrl_c_ends_the_wait_at_once(held_card: Card) -> None:
    held_card.manifest.write_text(held_card.manifest.read_text().replace("card_busy_wait = 1", "card_busy_wait = 60"))
    holder = Holder()
    try:
        proc = subprocess.Popen(
            [str(BIN / "aosign-host"), "status"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=held_card.env("en"),
        )
        try:
            time.sleep(1.5)  # inside the wait by now (a process starts in well under a second)
            assert proc.poll() is None
            start = time.monotonic()
            os.kill(proc.pid, signal.SIGINT)
            proc.wait(timeout=5)
            took = time.monotonic() - start
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    finally:
        holder.close()
    assert proc.returncode == 130, proc.stderr.read() if proc.stderr else ""
    assert took < 1.0, took


def test_the_window_shows_a_card_in_use_as_a_state_and_reads_again_when_free(
    held_card: Card, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The card panel (what the host's window shows): a card in use is a waiting state, not an error; the panel's
    watch asks for a new read every few seconds while it lasts, and the read after the other program ends shows the
    card."""
    import threading
    import tomllib

    from aosign_plugin.frontends import entries
    from hostapp_stub.api import Request, Tone

    monkeypatch.setattr(entries, "_PANEL_BUSY_RETRY_S", 0.5)
    monkeypatch.setenv("HOME", str(held_card.home))
    manifest = tomllib.loads(held_card.manifest.read_text())
    manifest["plugin"]["card_busy_wait"] = 30  # the panel waits far less than a command would
    request = Request(lang="en", manifest=manifest, surface="window")
    reads = threading.Event()
    watch = entries.watch_card_panel(request, reads.set)
    try:
        holder = Holder()
        try:
            start = time.monotonic()
            view = entries.read_card_panel(request)
            assert time.monotonic() - start < 3
            assert view.tone is Tone.PLAIN and "Another program is using the IC card" in view.lines[0], view
            assert reads.wait(5)  # the panel is asked to look again while the card is in use
        finally:
            holder.close()
        view = entries.read_card_panel(request)
        assert any("10 of 10" in figure.value for figure in view.figures), view  # the counts, large (issue 28)
        reads.clear()
        assert not reads.wait(1.5)  # no more retries once the card could be read
    finally:
        watch.close()


@pytest.mark.parametrize(
    ("options", "reason", "head"),
    [
        (("--expires-in", "-1"), "certificate_expired", "Cannot sign: the certificate"),
        (("--starts-in", "3"), "certificate_not_yet_valid", "Cannot sign yet: the certificate"),
        ((), "ok", "Ready to sign."),
    ],
)
def test_ready_means_ready_to_sign(
    pcscd: None, tmp_path: Path, options: tuple[str, ...], reason: str, head: str
) -> None:
    """Over the real reader: a certificate outside its validity heads the status with "cannot sign" (the PIN state
    stays "ready" in JSON), and ``status --quiet`` exits 10."""
    card = make_card(tmp_path, "pcsc", port=35964, reader=READER, issue_options=options)
    try:
        quiet = card.host("status", "--quiet")
        text = card.host("status", lang="en")
        data = json.loads(card.host("status", "--json").out)
    finally:
        stop_process(card.server)
    ok = reason == "ok"
    assert quiet.code == (0 if ok else 10) and quiet.text == "", quiet.text
    assert text.code == 0 and text.out.splitlines()[0].startswith(head), text.text
    assert ("State: ready" in text.out) is ok
    assert data["state"] == "ready" and data["can_sign"] is ok and data["can_sign_reason"] == reason
