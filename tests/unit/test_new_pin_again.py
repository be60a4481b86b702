"""A refused new PIN is asked again on a terminal (issue 32 item 3): at most three times in all, the current PIN (or
the sheet's code) kept in its buffer, never asked again, and wiped when the operation ends; a refused new PIN is
wiped at once. Scripts keep exit 2 at the first refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from aosign_plugin.backends.sim_backend import SimBackend
from aosign_plugin.config.settings import Settings
from aosign_plugin.domain.errors import PinPolicyError
from aosign_plugin.policy.rules import Field, Reason
from aosign_plugin.service.audit import AuditSettings
from aosign_plugin.service.outcomes import NEW_PIN_ASKS, Consent, Notice, NoticeKind
from aosign_plugin.service.pin_service import PinService
from tests.support.cards import SHEET_CODE, SHEET_PIN, issue_card

NEW = "Hk47vQ2w"


class Terminal:
    """An asker whose user types each answer as it is asked (``asks_again``); it keeps every buffer it gave."""

    def __init__(self, *answers: str, asks_again: bool = True) -> None:
        self.answers = [bytearray(a, "ascii") for a in answers]
        self.asks_again = asks_again
        self.given: list[tuple[Field, bytearray]] = []
        self.notices: list[Notice] = []
        #: at each ask, whether every new PIN given before it had been wiped already
        self.wiped_before: list[bool] = []

    @property
    def interactive(self) -> bool:
        return True

    def notify(self, notice: Notice) -> None:
        self.notices.append(notice)

    def ask_secret(self, field: Field, *, echo: bool) -> bytearray:
        if field is Field.NEW_PIN:
            self.wiped_before.append(all(not b for f, b in self.given if f is Field.NEW_PIN))
        if not self.answers:
            raise EOFError
        buf = self.answers.pop(0)
        self.given.append((field, buf))
        return buf

    def confirm(self, consent: Consent) -> bool:
        return False

    def asked(self) -> list[Field]:
        return [f for f, _ in self.given]


@pytest.fixture
def service(tmp_path: Path) -> PinService:
    state = tmp_path / "card.json"
    issue_card(state)
    settings = Settings(sim_state=state, audit=AuditSettings(path=tmp_path / "audit.jsonl"))
    return PinService(SimBackend(settings), settings)


def test_a_refused_new_pin_is_asked_again_and_the_current_one_kept(service: PinService) -> None:
    asker = Terminal(SHEET_PIN, "123123", NEW, "Xx9" + NEW, NEW, NEW)  # refused, then a confirmation that differs
    outcome = service.change_pin(asker)
    assert outcome.ok, outcome.error
    assert asker.asked() == [
        Field.CURRENT_PIN,
        Field.NEW_PIN,
        Field.NEW_PIN,
        Field.CONFIRM,
        Field.NEW_PIN,
        Field.CONFIRM,
    ]
    assert asker.wiped_before == [True, True, True]  # a refused new PIN is gone before the next is asked
    assert all(not buf for _, buf in asker.given)  # everything wiped when the operation ended, the current PIN too
    refused = [n for n in asker.notices if n.kind is NoticeKind.POLICY_REFUSED]
    assert [n.warning.reason for n in refused if n.warning] == [
        Reason.REPEATED_BLOCK,
        Reason.DATE_ORDER,
        Reason.MISMATCH,
    ]
    assert [n.tries_left for n in refused] == [None, 2, 1]  # the last refusal of each ask says what is left
    assert service.status().pin.tries_left == 10  # one change, the right PIN: no try lost


def test_three_refusals_end_with_exit_2_and_nothing_sent(service: PinService) -> None:
    asker = Terminal(SHEET_PIN, "1111", "1234", "13579", NEW, NEW)
    outcome = service.change_pin(asker)
    assert isinstance(outcome.error, PinPolicyError)
    assert int(outcome.exit_code) == 2
    assert asker.asked().count(Field.NEW_PIN) == NEW_PIN_ASKS == 3
    assert asker.asked().count(Field.CURRENT_PIN) == 1
    assert outcome.error.verdict.reasons == (Reason.SEQUENCE,)  # the last one's
    assert not outcome.sent


def test_unlock_keeps_the_sheets_code_and_asks_the_new_pin_again(service: PinService) -> None:
    asker = Terminal(SHEET_CODE, SHEET_CODE, NEW, NEW)  # the code itself as the new PIN: refused, asked again
    outcome = service.unlock(asker)
    assert outcome.ok, outcome.error
    assert asker.asked() == [Field.UNBLOCK_CODE, Field.NEW_PIN, Field.NEW_PIN, Field.CONFIRM]


def test_a_script_is_not_asked_again(service: PinService) -> None:
    asker = Terminal(SHEET_PIN, "123123", NEW, NEW, asks_again=False)
    outcome = service.change_pin(asker)
    assert isinstance(outcome.error, PinPolicyError) and int(outcome.exit_code) == 2
    assert asker.asked() == [Field.CURRENT_PIN, Field.NEW_PIN]
    assert not [n for n in asker.notices if n.kind is NoticeKind.POLICY_REFUSED]  # said once, by the error
