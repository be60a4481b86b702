"""Over the real pcscd, vpcd and the simulated card:

- after a PIN operation the card's security state is cleared: the next application that connects finds the PIN
  unverified (the empty VERIFY answers 63Cx, not 9000), whatever the dialect's change style;
- another application holding the card exclusively (SCARD_E_SHARING_VIOLATION) is told apart from a missing card;
- a card reset by another application between our connect and our transaction (SCARD_W_RESET_CARD) is reconnected
  before anything is sent, not reported as "card removed".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from smartcard import scard

from aosign_plugin.config.dialect import DEFAULT_AID
from aosign_plugin.transport.pyscard_reader import open_reader
from tests.support.cards import SHEET_PIN, Card, make_card
from tests.support.realparts import stop_process

READER = "Virtual PCD 00 01"
NEW_PIN = "Hk47vQ2w"

CARDS = {
    "combined": ((), ""),
    "verify-then-set": (
        ("--change", "verify-then-set"),
        '[card]\naid = "A0000006474F5349474E"\nchange = "verify-then-set"\n',
    ),
}


@pytest.fixture(params=sorted(CARDS))
def pcsc_card(request: pytest.FixtureRequest, pcscd: None, tmp_path: Path) -> Iterator[Card]:
    options, table = CARDS[request.param]
    card = make_card(tmp_path, "pcsc", issue_options=options, card_table=table, port=35964, reader=READER)
    try:
        yield card
    finally:
        stop_process(card.server)


class OtherApp:
    """Another application on the same pcscd: its own context and handle, raw pyscard."""

    def __init__(self, share: int = scard.SCARD_SHARE_SHARED) -> None:
        hresult, self.context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        assert hresult == scard.SCARD_S_SUCCESS
        hresult, self.card, self.protocol = scard.SCardConnect(
            self.context, READER, share, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
        )
        assert hresult == scard.SCARD_S_SUCCESS, hex(hresult)

    def sw(self, apdu: bytes) -> str:
        hresult, response = scard.SCardTransmit(self.card, self.protocol, list(apdu))
        assert hresult == scard.SCARD_S_SUCCESS, hex(hresult)
        return bytes(response[-2:]).hex().upper()

    def close(self, disposition: int = scard.SCARD_LEAVE_CARD) -> None:
        scard.SCardDisconnect(self.card, disposition)
        scard.SCardReleaseContext(self.context)


def pin_state_seen_by_the_next_application() -> str:
    """What the next application finds: SELECT, then an empty VERIFY of the PIN (no try spent)."""
    app = OtherApp()
    try:
        assert app.sw(bytes([0x00, 0xA4, 0x04, 0x0C, len(DEFAULT_AID)]) + DEFAULT_AID) == "9000"
        return app.sw(bytes.fromhex("00200081"))
    finally:
        app.close()


def test_change_leaves_the_pin_unverified_for_the_next_application(pcsc_card: Card) -> None:
    run = pcsc_card.host("change-pin", answers=[SHEET_PIN, NEW_PIN, NEW_PIN], lang="en")
    assert run.code == 0, run.text
    assert pin_state_seen_by_the_next_application() == "63CA"
    # and the card still works as before
    assert pcsc_card.status()["pin"]["tries_left"] == 10


def test_status_leaves_another_applications_verified_pin_alone(pcsc_card: Card) -> None:
    """Only PIN operations reset the card: reading the status must not log another application out."""
    app = OtherApp()
    try:
        assert app.sw(bytes([0x00, 0xA4, 0x04, 0x0C, len(DEFAULT_AID)]) + DEFAULT_AID) == "9000"
        assert app.sw(bytes.fromhex("0020008110") + SHEET_PIN.encode() + b"\xff" * 8) == "9000"
        assert pcsc_card.status()["pin"]["tries_left"] == 10
        assert app.sw(bytes.fromhex("00200081")) == "9000"  # still verified: no reset happened
    finally:
        app.close(scard.SCARD_RESET_CARD)


@pytest.fixture
def one_card(pcscd: None, tmp_path: Path) -> Iterator[Card]:
    card = make_card(tmp_path, "pcsc", port=35964, reader=READER)
    try:
        yield card
    finally:
        stop_process(card.server)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_card_held_exclusively_by_another_application(one_card: Card, lang: str) -> None:
    app = OtherApp(scard.SCARD_SHARE_EXCLUSIVE)
    try:
        run = one_card.host("status", lang=lang)
        json_run = one_card.host("status", "--json", lang=lang)
    finally:
        app.close()
    assert run.code == 6, run.text
    wanted = {"ja": "ほかのアプリケーションがICカードを使用中です", "en": "Another application is using the IC card"}
    assert wanted[lang] in run.text
    assert "SCARD_E_SHARING_VIOLATION (0x8010000B)" in run.text
    assert "removed" not in run.text and "途切れ" not in run.text
    error: dict[str, Any] = json.loads(json_run.out)["error"]
    assert error["code"] == "card_in_use" and error["exit_code"] == 6
    # once the other application is done, the same command works
    assert one_card.host("status").code == 0


def test_card_reset_by_another_application_before_our_transaction(one_card: Card) -> None:
    conn = open_reader(READER)
    try:
        OtherApp().close(scard.SCARD_RESET_CARD)  # another application resets the card under our open handle
        with conn.transaction():
            _data, sw = conn.send_and_receive(bytes([0x00, 0xA4, 0x04, 0x0C, len(DEFAULT_AID)]) + DEFAULT_AID)
            assert sw == 0x9000
            _data, sw = conn.send_and_receive(bytes.fromhex("00200081"))
            assert sw == 0x63CA
    finally:
        conn.close()


def test_reader_named_per_os(pcscd: None, tmp_path: Path) -> None:
    """The per-OS form picks this OS's name: with a card in each of vpcd's readers, only that name tells them apart
    (without it, "cards in several readers" is the answer)."""
    table = '[pcsc]\nreader.linux = "Virtual PCD 00 01"\nreader.windows = "Virtual PCD 00 00"\n'
    card = make_card(tmp_path, "pcsc", port=35964)
    (tmp_path / "other").mkdir()
    other = make_card(tmp_path / "other", "pcsc", port=35963)
    try:
        assert card.host("status", lang="en").code == 6  # two cards, no reader named
        card.manifest.write_text(card.manifest.read_text() + table, encoding="utf-8")
        assert card.host("manifest", "check").code == 0
        assert card.status()["reader"] == READER
    finally:
        stop_process(card.server)
        stop_process(other.server)
