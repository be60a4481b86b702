"""What status tells (issue 12, items 9 and 10): every advice, the most urgent first, and the counters as the card
says them, on the in-process simulated card."""

from __future__ import annotations

from pathlib import Path

import pytest

from aosign_plugin.domain.card_status import Advice, CardStatus, Counter
from aosign_plugin.frontends.terminal_view import status_json, status_lines
from tests.support.cards import edit_state, make_card

# --- item 9: every advice, the most urgent first ---


@pytest.mark.parametrize("left", [1, 2])
def test_locked_card_with_few_unblock_tries_shows_both_advices(tmp_path: Path, left: int) -> None:
    card = make_card(tmp_path, "sim")
    edit_state(card, pin_tries_left=0, unblock_tries_left=left)
    data = card.status()
    assert data["state"] == "locked"
    assert data["advice_code"] == "unblock_low"
    assert data["advice"].count("\n") == 1
    run = card.host("status", lang="en")
    assert run.code == 0
    assert "aosign-host unlock" in run.out  # the unlock advice
    assert f"{left} unlock tr" in run.out or "unusable" in run.out  # and the code's warning
    assert run.out.index("unusable") < run.out.index("aosign-host unlock")


def test_ready_card_with_wrong_pins_and_few_unblock_tries(tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    edit_state(card, pin_tries_left=7, unblock_tries_left=3)
    data = card.status()
    assert data["advice_code"] == "unblock_low"
    assert len(data["advice"].split("\n")) == 2


# --- item 10: the counters as the card says them ---


def test_counter_above_ten_is_shown_as_the_card_says(tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    edit_state(card, pin_max_tries=15, pin_tries_left=12)
    data = card.status()
    assert data["pin"] == {"tries_left": 12, "max_tries": None, "source": "card", "reason": None}
    assert data["state"] == "ready"
    run = card.host("status", lang="en")
    assert "12 (the card does not say its maximum)" in run.out
    assert "PIN tries left: 10 of 10" not in run.out


# --- the advices on literal readings ---


def _status(pin: int | None, unblock: int | None, **flags: bool) -> CardStatus:
    return CardStatus("sim", None, Counter(pin, blocked=pin == 0), Counter(unblock, blocked=unblock == 0, **flags))


A = Advice


@pytest.mark.parametrize(
    ("pin", "unblock", "advices"),
    [
        (10, 10, ()),
        (8, 10, (A.RESET_RECOMMENDED,)),
        (1, 10, (A.PIN_FINAL_TRY, A.RESET_RECOMMENDED)),  # the last try: the reset advice too (issue 33)
        (0, 10, (A.UNLOCK,)),
        (0, 2, (A.UNBLOCK_LOW, A.UNLOCK)),
        (0, 1, (A.UNBLOCK_LOW, A.UNLOCK)),
        (1, 3, (A.UNBLOCK_LOW, A.PIN_FINAL_TRY, A.RESET_RECOMMENDED)),
        (7, 3, (A.UNBLOCK_LOW, A.RESET_RECOMMENDED)),
        (10, 3, (A.UNBLOCK_LOW,)),
        (0, 0, (A.REVOKE,)),
        (0, None, (A.UNLOCK,)),
    ],
)
def test_every_advice_most_urgent_first(pin: int, unblock: int | None, advices: tuple[Advice, ...]) -> None:
    status = _status(pin, unblock)
    assert status.advices == advices
    assert status.advice == (advices[0] if advices else None)
    lines = status_lines(status, "en")
    assert len(lines) == 6 + len(advices)  # the headline first, and "Certificates: none"
    data = status_json(status, "ja")
    assert data["advice_code"] == (advices[0].value if advices else None)
    assert (data["advice"] or "").count("\n") == max(len(advices) - 1, 0)


def test_unknown_unblock_count_flagged_low_is_warned_with_a_locked_pin() -> None:
    status = _status(0, None, low=True)
    assert status.advices == (A.UNBLOCK_LOW, A.UNLOCK)


def test_a_count_above_the_issuers_maximum_is_not_clamped() -> None:
    counter = Counter(12, max_tries=None)
    assert counter.state.value == "ok" and counter.wrong_so_far is None
    status = CardStatus("pcsc", "r", counter, Counter(10))
    assert status_json(status, "en")["pin"] == {"tries_left": 12, "max_tries": None, "source": "card", "reason": None}
    assert status.advices == ()
