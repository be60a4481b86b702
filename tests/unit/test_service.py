"""The service's decisions, every front end's rules in one place: the state gate, notices before typing, consent
for a last try, the counter guard, one try and no retry, the audit line, the typed outcome. On the in-process
simulated card (real card rules, real state file) and on a PIN-pad backend the test controls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aosign_plugin.backends.sim_backend import SimBackend
from aosign_plugin.config.settings import Settings
from aosign_plugin.domain.card_status import Advice, CardStatus, Counter, CounterSource, PinState
from aosign_plugin.domain.errors import (
    CardChangedError,
    CardDeadError,
    CardStateChangedError,
    CardUnavailableError,
    NoAnswerError,
    NotConfirmedError,
    PinBlockedError,
    PinIncorrectError,
    PinPolicyError,
)
from aosign_plugin.domain.secret import Secret
from aosign_plugin.policy.rules import Field
from aosign_plugin.service.audit import AuditSettings
from aosign_plugin.service.outcomes import Consent, Notice, NoticeKind, Operation, exit_code_for
from aosign_plugin.service.pin_service import PinService
from hostapp_stub.api import ExitCode
from tests.support.cards import SHEET_CODE, SHEET_PIN, issue_card

NEW = "Hk47vQ2w"


class Answers:
    """An asker with scripted answers; it records what the service told and asked."""

    def __init__(self, *answers: str, interactive: bool = True, yes: bool = False) -> None:
        self.answers = [bytearray(a, "ascii") for a in answers]
        self._interactive = interactive
        self.yes = yes
        self.notices: list[Notice] = []
        self.asked: list[Field] = []
        self.consents: list[Consent] = []

    @property
    def interactive(self) -> bool:
        return self._interactive

    def notify(self, notice: Notice) -> None:
        self.notices.append(notice)

    def ask_secret(self, field: Field, *, echo: bool) -> bytearray:
        self.asked.append(field)
        if not self.answers:
            raise EOFError
        return self.answers.pop(0)

    def confirm(self, consent: Consent) -> bool:
        self.consents.append(consent)
        return self.yes


@pytest.fixture
def card(tmp_path: Path) -> tuple[PinService, Path]:
    state = tmp_path / "card.json"
    issue_card(state)
    audit = AuditSettings(path=tmp_path / "audit.jsonl")
    settings = Settings(sim_state=state, audit=audit)
    return PinService(SimBackend(settings), settings), state


def _spend(state: Path, *, pin: int = 0, code: int = 0) -> None:
    """Wrong tries counted by another application (the card's own rules, through its state file)."""
    backend = SimBackend(Settings(sim_state=state))
    for _ in range(pin):
        seen = backend.status().pin
        with pytest.raises((PinIncorrectError, PinBlockedError)):
            backend.change_pin(Secret.from_ascii("Wrong123"), Secret.from_ascii(NEW), seen=seen)
    for _ in range(code):
        seen = backend.status().unblock
        with pytest.raises((PinIncorrectError, CardDeadError)):
            backend.unblock_pin(Secret.from_ascii("WRONGCODE1"), Secret.from_ascii(NEW), seen=seen)


def _tries(state: Path) -> tuple[int | None, int | None]:
    status = SimBackend(Settings(sim_state=state)).status()
    return status.pin.tries_left, status.unblock.tries_left


def test_change_pin_sends_one_try_and_audits(card: tuple[PinService, Path], tmp_path: Path) -> None:
    service, _ = card
    outcome = service.change_pin(Answers(SHEET_PIN, NEW, NEW))
    assert outcome.ok and outcome.sent and outcome.exit_code is ExitCode.OK
    assert outcome.operation is Operation.CHANGE_PIN and outcome.shown is not None
    (line,) = (tmp_path / "audit.jsonl").read_text().splitlines()
    entry = json.loads(line)
    assert entry["operation"] == "change-pin" and entry["result"] == "ok" and entry["exit_code"] == 0
    assert SHEET_PIN not in line and NEW not in line


def test_wrong_pin_is_one_try_never_retried(card: tuple[PinService, Path], tmp_path: Path) -> None:
    service, state = card
    outcome = service.change_pin(Answers("Wrong123", NEW, NEW))
    assert isinstance(outcome.error, PinIncorrectError) and outcome.error.tries_left == 9
    assert outcome.sent and outcome.exit_code is ExitCode.WRONG_SECRET
    assert _tries(state) == (9, 10)
    entry = json.loads((tmp_path / "audit.jsonl").read_text())
    assert entry["result"] == "wrong_secret" and entry["pin_tries_left"] == 9


def test_gate_locked_card_asks_nothing(card: tuple[PinService, Path]) -> None:
    service, state = card
    _spend(state, pin=10)
    asker = Answers(SHEET_PIN, NEW, NEW)
    outcome = service.change_pin(asker)
    assert isinstance(outcome.error, PinBlockedError) and not outcome.error.just_now
    assert asker.asked == [] and not outcome.sent and outcome.exit_code is ExitCode.LOCKED
    # unlock is allowed on a locked card
    assert PinService.gate(Operation.UNLOCK, service.status()) is None
    assert isinstance(PinService.gate(Operation.CHANGE_PIN, service.status()), PinBlockedError)


def test_gate_dead_card_asks_nothing(card: tuple[PinService, Path]) -> None:
    service, state = card
    _spend(state, code=10)
    asker = Answers(SHEET_CODE, NEW, NEW)
    outcome = service.unlock(asker)
    assert isinstance(outcome.error, CardDeadError) and asker.asked == []
    assert outcome.exit_code is ExitCode.UNUSABLE


def test_notices_before_typing(card: tuple[PinService, Path]) -> None:
    service, state = card
    _spend(state, pin=2)
    asker = Answers(SHEET_PIN, NEW, NEW)
    service.change_pin(asker)
    assert asker.notices[0] == Notice(NoticeKind.ADVICE, Advice.RESET_RECOMMENDED, 8)
    _spend(state, code=8)
    asker = Answers()
    outcome = service.unlock(asker)
    kinds = [n.kind for n in asker.notices]
    assert kinds[:2] == [NoticeKind.UNLOCK_INTRO, NoticeKind.ADVICE] and asker.notices[1].advice is Advice.UNBLOCK_LOW
    assert isinstance(outcome.error, NoAnswerError) and not outcome.sent


@pytest.mark.parametrize(
    ("interactive", "yes", "final_try_ok", "sent"),
    [(False, False, False, False), (True, False, False, False), (True, True, False, True), (False, False, True, True)],
)
def test_consent_for_the_codes_last_try(
    card: tuple[PinService, Path], interactive: bool, yes: bool, final_try_ok: bool, sent: bool
) -> None:
    service, state = card
    _spend(state, code=9)
    asker = Answers(SHEET_CODE, NEW, NEW, interactive=interactive, yes=yes)
    outcome = service.unlock(asker, final_try_ok=final_try_ok)
    assert outcome.sent is sent
    if not sent:
        assert isinstance(outcome.error, NotConfirmedError) and asker.asked == []
        assert outcome.error.asked is interactive and outcome.exit_code is ExitCode.USAGE
        assert _tries(state) == (10, 1)
    else:
        assert outcome.ok and _tries(state) == (10, 10)
    assert asker.consents == ([Consent.UNBLOCK_FINAL_TRY] if interactive and not final_try_ok else [])
    acknowledged = [n for n in asker.notices if n.kind is NoticeKind.FINAL_TRY_ACKNOWLEDGED]
    assert len(acknowledged) == int(final_try_ok)


def test_counters_moved_since_shown_send_nothing(card: tuple[PinService, Path]) -> None:
    service, state = card
    shown = service.status()  # what a dialog showed
    _spend(state, pin=1)  # meanwhile another application spends a try
    asker = Answers(SHEET_PIN, NEW, NEW)
    outcome = service.change_pin(asker, shown=shown)
    assert isinstance(outcome.error, CardStateChangedError) and asker.asked == [] and not outcome.sent
    assert _tries(state) == (9, 10)


def test_another_card_since_shown_sends_nothing(card: tuple[PinService, Path], tmp_path: Path) -> None:
    """A dialog showed card A; card B (same counters, another serial) is in the reader when OK is pressed."""
    service, state = card
    shown = service.status()
    assert shown.identity is not None and shown.identity.serial
    other = tmp_path / "other.json"
    issue_card(other)
    state.rename(tmp_path / "first.json")
    other.rename(state)  # swapped
    asker = Answers(SHEET_PIN, NEW, NEW)
    outcome = service.change_pin(asker, shown=shown)
    assert isinstance(outcome.error, CardChangedError) and asker.asked == [] and not outcome.sent
    assert exit_code_for(outcome.error) is ExitCode.USAGE
    assert outcome.error.now is not None and outcome.error.now.serial != shown.identity.serial
    assert _tries(state) == (10, 10) and _tries(tmp_path / "first.json") == (10, 10)


class SwapWhileTyping(Answers):
    """The user types; meanwhile the card is swapped for another (the command line's case)."""

    def __init__(self, state: Path, other: Path, *answers: str) -> None:
        super().__init__(*answers)
        self.swap = (state, other)

    def ask_secret(self, field: Field, *, echo: bool) -> bytearray:
        if field is Field.CONFIRM:
            state, other = self.swap
            state.rename(state.with_name("first.json"))
            other.rename(state)
        return super().ask_secret(field, echo=echo)


def test_swapped_while_the_answers_are_typed_sends_nothing(card: tuple[PinService, Path], tmp_path: Path) -> None:
    service, state = card
    other = tmp_path / "other.json"
    issue_card(other)
    for operation in ("change", "unlock"):
        if operation == "unlock":
            state.rename(other)
            state.with_name("first.json").rename(state)
            asker = SwapWhileTyping(state, other, SHEET_CODE, NEW, NEW)
            outcome = service.unlock(asker)
        else:
            asker = SwapWhileTyping(state, other, SHEET_PIN, NEW, NEW)
            outcome = service.change_pin(asker)
        assert isinstance(outcome.error, CardChangedError), operation
        assert _tries(state) == (10, 10) and _tries(tmp_path / "first.json") == (10, 10)


def test_backend_guard_inside_the_operation(tmp_path: Path) -> None:
    state = tmp_path / "card.json"
    issue_card(state)
    backend = SimBackend(Settings(sim_state=state))
    shown = backend.status().pin  # 10 tries, as the user was told
    _spend(state, pin=1)
    with pytest.raises(CardStateChangedError):
        backend.change_pin(Secret.from_ascii(SHEET_PIN), Secret.from_ascii(NEW), seen=shown)
    assert _tries(state) == (9, 10)  # the guarded attempt cost nothing


def test_policy_refusal_sends_nothing(card: tuple[PinService, Path]) -> None:
    service, state = card
    outcome = service.change_pin(Answers(SHEET_PIN, "1111", "1111"))
    assert isinstance(outcome.error, PinPolicyError) and not outcome.sent
    assert _tries(state) == (10, 10)
    outcome = service.change_pin(Answers(SHEET_PIN, NEW, "Hk47vQ2x"))  # confirmation differs
    assert isinstance(outcome.error, PinPolicyError) and _tries(state) == (10, 10)


def test_audit_failure_is_returned_not_raised(tmp_path: Path) -> None:
    state = tmp_path / "card.json"
    issue_card(state)
    blocker = tmp_path / "file"
    blocker.write_text("")
    settings = Settings(sim_state=state, audit=AuditSettings(path=blocker / "audit.jsonl"))
    outcome = PinService(SimBackend(settings), settings).change_pin(Answers(SHEET_PIN, NEW, NEW))
    assert outcome.ok and outcome.audit_failure is not None and str(blocker) in outcome.audit_failure
    assert _tries(state) == (10, 10)  # the change stands


class PinPadBackend:
    """A backend that reports a protected authentication path and records what the service asks of it."""

    name = "pkcs11"
    reader: str | None = "PIN pad reader"
    protected_path = True

    def __init__(self) -> None:
        self.calls: list[tuple[str, object, object]] = []

    def status(self) -> CardStatus:
        return CardStatus("pkcs11", self.reader, Counter(None), Counter(None))

    def change_pin(self, old: Secret | None, new: Secret | None, *, seen: Counter) -> None:
        self.calls.append(("change", old, new))

    def unblock_pin(self, code: Secret | None, new: Secret | None, *, seen: Counter) -> None:
        self.calls.append(("unblock", code, new))


def test_pin_pad_asks_nothing(tmp_path: Path) -> None:
    backend = PinPadBackend()
    settings = Settings(audit=AuditSettings(enabled=False))
    service = PinService(backend, settings)
    asker = Answers(yes=True)
    assert service.change_pin(asker).ok and service.unlock(asker).ok
    assert backend.calls == [("change", None, None), ("unblock", None, None)]
    assert asker.asked == [] and [n.kind for n in asker.notices].count(NoticeKind.PINPAD) == 2
    # the module tells no count: the unlock was a try against an unknown count, asked for first (issue 33)
    assert asker.consents == [Consent.UNBLOCK_UNKNOWN]


def test_exit_codes_come_from_one_table() -> None:
    from aosign_plugin.domain.card_status import SecretKind

    assert exit_code_for(PinIncorrectError(SecretKind.PIN, 3)) is ExitCode.WRONG_SECRET
    assert exit_code_for(PinBlockedError()) is ExitCode.LOCKED
    assert exit_code_for(CardDeadError()) is ExitCode.UNUSABLE
    assert exit_code_for(NotConfirmedError("x")) is ExitCode.USAGE
    assert exit_code_for(NoAnswerError("x")) is ExitCode.USAGE
    assert exit_code_for(CardStateChangedError("x")) is ExitCode.USAGE
    assert exit_code_for(CardUnavailableError("no_card")) is ExitCode.UNAVAILABLE


def test_the_worse_reading_wins() -> None:
    card = Counter(3)
    locked_flags = Counter(0, blocked=True, source=CounterSource.MODULE)
    silent_flags = Counter(None, source=CounterSource.MODULE)
    assert card.worse(locked_flags) is locked_flags
    assert card.worse(silent_flags) is card and card.worse(silent_flags).source is CounterSource.CARD
    assert Counter(1).worse(Counter(None, low=True, source=CounterSource.MODULE)).state is PinState.FINAL_TRY
    assert Counter(7).spent_since(Counter(8)) and not Counter(8).spent_since(Counter(8))
    assert Counter(None, final=True).spent_since(Counter(None, low=True))
