"""Issue 27: a card swapped for another of the same type while the answers are typed, where the reader tells neither
a card event count nor a serial (Apple's PC/SC: no event count in the reader state; an ATR shared by every card of
the type). The serial read by the status is read again inside the try's transaction, before the PIN is sent.

The backend is the real APDU backend over the simulated card; only what the reader says of the card (its
``identity()``) is as PC/SC.framework says it: reader and ATR, no event count, no serial.
"""

from __future__ import annotations

from pathlib import Path

from aosign_plugin.backends.sim_backend import SimBackend
from aosign_plugin.config.settings import Settings
from aosign_plugin.domain.card_status import CardIdentity
from aosign_plugin.domain.errors import CardChangedError
from aosign_plugin.service.pin_service import PinService
from aosign_plugin.transport import SmartCardConnection
from tests.support.cards import SHEET_PIN, issue_card
from tests.unit.test_service import NEW, SwapWhileTyping, _tries


class ReaderWithoutEventCounts(SimBackend):
    """The simulated card behind a reader that tells only its name and the ATR (macOS)."""

    def connect(self) -> SmartCardConnection:
        conn = super().connect()
        told = CardIdentity(reader="Apple Reader", atr="3B80800101")
        conn.identity = lambda: told  # type: ignore[method-assign]
        return conn

    def _probe(self) -> CardIdentity:
        return CardIdentity(reader="Apple Reader", atr="3B80800101")


def test_swapped_while_typing_is_caught_by_the_serial(tmp_path: Path) -> None:
    state, other = tmp_path / "card.json", tmp_path / "other.json"
    issue_card(state)
    issue_card(other)
    settings = Settings(sim_state=state)
    service = PinService(ReaderWithoutEventCounts(settings), settings)
    outcome = service.change_pin(SwapWhileTyping(state, other, SHEET_PIN, NEW, NEW))
    assert isinstance(outcome.error, CardChangedError) and not outcome.sent
    assert _tries(state) == (10, 10) and _tries(tmp_path / "first.json") == (10, 10)  # no try on either card


def test_the_same_card_goes_through(tmp_path: Path) -> None:
    state = tmp_path / "card.json"
    issue_card(state)
    settings = Settings(sim_state=state)
    service = PinService(ReaderWithoutEventCounts(settings), settings)
    from tests.unit.test_service import Answers

    outcome = service.change_pin(Answers(SHEET_PIN, NEW, NEW))
    assert outcome.ok and outcome.sent
