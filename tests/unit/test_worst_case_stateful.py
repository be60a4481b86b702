"""Issue 33: a stateful test (Hypothesis) over wrong, impossible, one-character and right answers, through the service
on the in-process simulated card. The card's own counters (its state file) drop only on answers the policy let
through, by exactly one each, and an unlock against a code count the card does not tell is never sent without the
yes."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from aosign_plugin.backends.sim_backend import SimBackend
from aosign_plugin.config.settings import Settings
from aosign_plugin.policy.rules import Field
from aosign_plugin.service.audit import AuditSettings
from aosign_plugin.service.outcomes import Consent, Notice
from aosign_plugin.service.pin_service import PinService
from aosign_plugin.simcard.store import QUICK_KDF, CardStore, new_card_state

SHEET_PIN, SHEET_CODE = "31415926", "QX7RT2KM9WZ4"
#: new PINs the whole policy accepts
GOOD = ["Hk47vQ2w", "Zt58bN3e", "Qm39xR7p", "Wb62kT4n"]
#: answers the card's base rules refuse: never sent
IMPOSSIBLE = st.sampled_from(
    ["１２３４５６", "12 34 56", "123", "12345678901234567", "abc-1234", "ｑｘ７ｒ", "", "a\tb1"]
)
#: answers the card's rules let through but no PIN can be (one repeated character): a script sends them
REPEATED = st.sampled_from(["1111", "aaaaaa", "ZZZZZZZZ", "0000000000000000"])
#: well-formed wrong answers
WRONG = st.text(alphabet="abcdefghjkmnpqrstuvwxyz0123456789", min_size=6, max_size=12).filter(
    lambda s: len(set(s)) > 1 and s not in (SHEET_CODE, *GOOD, SHEET_PIN)
)


class Script:
    """A script's answers (standard input not a terminal): no question can be asked."""

    interactive = False

    def __init__(self, *answers: str) -> None:
        self.answers = [bytearray(a, "utf-8") for a in answers]

    def notify(self, notice: Notice) -> None:
        pass

    def ask_secret(self, field: Field, *, echo: bool) -> bytearray:
        if not self.answers:
            raise EOFError
        return self.answers.pop(0)

    def confirm(self, consent: Consent) -> bool:
        raise AssertionError("a script is never asked")


class CardMachine(RuleBasedStateMachine):
    #: the card answers 9000 to the empty VERIFY on the code's reference: it never tells the code's count
    silent = False

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="aosign-i33-"))
        self.state = self.root / "card.json"
        card = new_card_state(SHEET_PIN.encode(), SHEET_CODE.encode(), kdf=QUICK_KDF)
        card.code_status_sw = 0x9000 if self.silent else None
        CardStore(self.state).create(card)
        settings_ = Settings(sim_state=self.state, audit=AuditSettings(enabled=False))
        self.service = PinService(SimBackend(settings_), settings_)
        self.pin, self.pin_tries, self.code_tries = SHEET_PIN, 10, 10

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _new(self) -> str:
        return next(p for p in GOOD if p != self.pin)

    def _change(self, current: str, *, let_through: bool) -> None:
        new = self._new()
        outcome = self.service.change_pin(Script(current, new, new))
        if self.code_tries == 0 or self.pin_tries == 0:
            assert not outcome.sent  # the state gate: nothing asked
            return
        if not let_through:
            assert not outcome.sent and int(outcome.exit_code) == 2
            return
        assert outcome.sent
        if current == self.pin:
            assert outcome.ok
            self.pin, self.pin_tries = new, 10
        else:
            self.pin_tries -= 1
            assert int(outcome.exit_code) == (4 if self.pin_tries == 0 else 3)

    def _unlock(self, code: str, *, let_through: bool, yes: bool) -> None:
        new = self._new()
        outcome = self.service.unlock(Script(code, new, new), final_try_ok=yes)
        if self.code_tries == 0:
            assert not outcome.sent and int(outcome.exit_code) == 5
            return
        if ((self.code_tries == 1 or self.silent) and not yes) or not let_through:
            assert not outcome.sent and int(outcome.exit_code) == 2
            return
        assert outcome.sent
        if code == SHEET_CODE:
            assert outcome.ok
            self.pin, self.pin_tries, self.code_tries = new, 10, 10
        else:
            self.code_tries -= 1
            assert int(outcome.exit_code) == (5 if self.code_tries == 0 else 3)

    @rule(answer=WRONG)
    def change_with_a_wrong_pin(self, answer: str) -> None:
        self._change(answer, let_through=True)

    @rule(answer=IMPOSSIBLE)
    def change_with_an_impossible_pin(self, answer: str) -> None:
        self._change(answer, let_through=False)

    @rule(answer=REPEATED)
    def change_with_a_repeated_character(self, answer: str) -> None:
        self._change(answer, let_through=True)  # a script gets the warning and the try

    @rule()
    def change_with_the_right_pin(self) -> None:
        self._change(self.pin, let_through=True)

    @rule(answer=WRONG, yes=st.booleans())
    def unlock_with_a_wrong_code(self, answer: str, yes: bool) -> None:
        self._unlock(answer.upper(), let_through=True, yes=yes)

    @rule(answer=IMPOSSIBLE, yes=st.booleans())
    def unlock_with_an_impossible_code(self, answer: str, yes: bool) -> None:
        self._unlock(answer, let_through=False, yes=yes)

    @rule(yes=st.booleans())
    def unlock_with_the_sheet(self, yes: bool) -> None:
        self._unlock(SHEET_CODE, let_through=True, yes=yes)

    @invariant()
    def the_cards_counters_are_the_models(self) -> None:
        data = CardStore(self.state).load()
        assert (data.pin.tries_left, data.unblock.tries_left) == (self.pin_tries, self.code_tries)


CardMachine.TestCase.settings = settings(
    max_examples=25, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestCardMachine = CardMachine.TestCase


class SilentCardMachine(CardMachine):
    silent = True


SilentCardMachine.TestCase.settings = CardMachine.TestCase.settings
TestSilentCardMachine = SilentCardMachine.TestCase
