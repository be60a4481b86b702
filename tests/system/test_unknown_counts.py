"""Issue 33: what the card does not say is the worst case.

A card that answers the empty VERIFY on the unblocking code's reference with ``9000``, ``6985``, ``6A88`` or
``6982`` (the simulated card's ``--code-status-answer``) tells nothing about the code's tries: status shows no
number, and ``unlock`` sends nothing without the explicit yes (exit 2, the code's count untouched), on the card in
process (``sim``) and on the card served to the real pcscd through vpcd (``pcsc``). The same for the dialect's
``[card] unblock_status = "unknown"``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from aosign_plugin.catalogs import text
from tests.support.cards import SHEET_CODE, Card, make_card
from tests.support.realparts import stop_process

NEW = "Hk47vQ2w"
WRONG_CODE = "WRONG7CODE9X"
ANSWERS = ["9000", "6985", "6A88", "6982"]


@pytest.fixture(params=["sim", pytest.param("pcsc", marks=pytest.mark.system)])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "pcsc":
        request.getfixturevalue("pcscd")
    return str(request.param)


@pytest.fixture
def cards() -> Iterator[list[Card]]:
    made: list[Card] = []
    yield made
    for card in made:
        stop_process(card.server)


def _card(cards: list[Card], tmp_path: Path, backend: str, *options: str, card_table: str = "") -> Card:
    card = make_card(tmp_path, backend, issue_options=options, card_table=card_table)
    cards.append(card)
    return card


def _code_tries(card: Card, left: int) -> None:
    """The card's own counter of the code set to ``left`` (as another application's wrong codes would leave it)."""
    data = json.loads(card.state.read_text())
    data["unblock"]["tries_left"] = left
    card.state.write_text(json.dumps(data))


def _code_tries_sent(card: Card) -> int:
    """RESET RETRY COUNTER commands the card received (each one a try of the code)."""
    return sum(1 for e in card.try_commands() if e["ins"] == 0x2C)


@pytest.mark.parametrize("answer", ANSWERS)
def test_a_card_that_does_not_tell_its_code_count(tmp_path: Path, backend: str, answer: str, cards: list[Card]) -> None:
    card = _card(cards, tmp_path, backend, "--code-status-answer", answer)
    _code_tries(card, 1)  # one code try left: the card says nothing of it

    status = card.status()
    assert status["unblock"]["tries_left"] is None, status
    assert status["unblock"]["reason"] == "card_does_not_tell" and status["unblock"]["source"] == "card"
    assert status["pin"] == {"tries_left": 10, "max_tries": 10, "source": "card", "reason": None}

    # a script without --final-try: nothing is sent, exit 2, the code's one try untouched
    run = card.host("unlock", answers=[SHEET_CODE, NEW, NEW], lang="en")
    assert run.code == 2, run.text
    assert text("unlock.not_confirmed_unknown", "en") in run.err and text("nothing_sent", "en") in run.err
    assert card.counters() == (10, 1) and _code_tries_sent(card) == 0

    # with the yes, the try is the user's to spend: a wrong code uses the last try and the card is dead (exit 5)
    run = card.host("unlock", "--final-try", answers=[WRONG_CODE, NEW, NEW], lang="en")
    assert run.code == 5, run.text
    assert text("unlock.unknown_try_acknowledged", "en") in run.err
    assert card.counters() == (10, 0) and _code_tries_sent(card) == 1


def test_status_never_shows_a_number_for_an_unknown_code_count(tmp_path: Path, backend: str, cards: list[Card]) -> None:
    card = _card(cards, tmp_path, backend, "--code-status-answer", "9000")
    run = card.host("status", lang="en")
    (line,) = [x for x in run.out.splitlines() if x.startswith("Unlock tries left")]
    assert "of 10" not in line and text("status.unknown.card_does_not_tell", "en") in line


def test_the_dialect_that_cannot_tell(tmp_path: Path, backend: str, cards: list[Card]) -> None:
    card = _card(
        cards, tmp_path, backend, card_table='[card]\naid = "A0000006474F5349474E"\nunblock_status = "unknown"\n'
    )
    status = card.status()
    assert status["unblock"]["tries_left"] is None and status["unblock"]["reason"] == "not_read"
    run = card.host("unlock", answers=[SHEET_CODE, NEW, NEW], lang="en")
    assert run.code == 2 and card.counters() == (10, 10) and _code_tries_sent(card) == 0
    # the right code with the yes: unlocked (exit 0), and the new PIN works
    run = card.host("unlock", "--final-try", answers=[SHEET_CODE, NEW, NEW], lang="en")
    assert run.code == 0, run.text
    assert card.host("change-pin", answers=[NEW, "Zq83mP4t", "Zq83mP4t"]).code == 0


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX terminal")
def test_on_a_terminal_the_yes_is_asked_and_a_no_sends_nothing(tmp_path: Path, cards: list[Card]) -> None:
    from tests.system.test_terminal import Terminal

    card = _card(cards, tmp_path, "sim", "--code-status-answer", "6985")
    _code_tries(card, 1)
    question = text("unlock.unknown_try", "ja")
    terminal = Terminal(card.env("ja"))
    try:
        start = len(terminal.out)
        terminal.send("aosign-host unlock; echo rc=$?\n")
        terminal.expect(f"{question} [y/N]: ")
        terminal.send("n\n")
        terminal.expect("rc=2")
        said = terminal.out[start:].decode(errors="replace")
        reason = text("status.unknown.card_does_not_tell", "ja")
        assert text("notice.unblock_count_unknown", "ja", reason=reason) in said
        assert text("unlock.not_confirmed_unknown_asked", "ja") in said
        assert text("prompt.unblock_code", "ja") + ": " not in said
    finally:
        terminal.close()
    assert card.counters() == (10, 1) and _code_tries_sent(card) == 0


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX terminal")
def test_on_a_terminal_a_repeated_current_pin_is_confirmed_first(tmp_path: Path, cards: list[Card]) -> None:
    """State and tries are said before the first prompt; a one-character current PIN is asked about before its try."""
    from tests.system.test_terminal import Terminal

    card = _card(cards, tmp_path, "sim")
    question = text("answer.repeated_confirm", "ja")
    terminal = Terminal(card.env("ja"))
    try:
        start = len(terminal.out)
        terminal.send("aosign-host change-pin; echo rc=$?\n")
        terminal.expect(text("prompt.current_pin", "ja") + ": ")
        before = terminal.out[start:].decode(errors="replace")
        assert "入力の前に" in before and "10 / 10" in before  # what "changed since shown" refers to
        terminal.send("1111\n")
        terminal.expect(f"{question} [y/N]: ")
        terminal.send("n\n")
        terminal.expect("rc=2")
        said = terminal.out[start:].decode(errors="replace")
        field = text("policy.field.current_pin", "ja")
        assert text("answer.repeated", "ja", field=field) in said
        assert text("answer.repeated_not_confirmed", "ja") in said and text("prompt.new_pin", "ja") not in said
    finally:
        terminal.close()
    assert card.counters() == (10, 10) and card.try_commands() == []
