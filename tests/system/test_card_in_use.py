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
