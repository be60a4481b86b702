"""Issue 33 in the service, on the in-process simulated card (its real rules and state file): unknown counts are
the worst case, answers that cannot be right cost nothing, advice at every count, the same card put back."""

from __future__ import annotations

from pathlib import Path

import pytest

from aosign_plugin.backends.sim_backend import SimBackend
from aosign_plugin.catalogs import text
from aosign_plugin.config.settings import Settings
from aosign_plugin.domain.card_status import CardIdentity, CardStatus, Counter, CounterSource, SecretKind
from aosign_plugin.domain.errors import (
    CardChangedError,
    CardStateChangedError,
    NotConfirmedError,
    PinIncorrectError,
    PinPolicyError,
)
from aosign_plugin.domain.secret import Secret
from aosign_plugin.frontends.terminal_view import error_lines, notice_text, status_json
from aosign_plugin.policy.rules import Field
from aosign_plugin.service.audit import AuditSettings
from aosign_plugin.service.outcomes import Consent, Notice, NoticeKind, Operation, exit_code_for
from aosign_plugin.service.pin_service import PinService
from hostapp_stub.api import ExitCode
from hostapp_stub.records import replace
from tests.support.cards import SHEET_CODE, SHEET_PIN, issue_card

NEW = "Hk47vQ2w"


class Answers:
    """Scripted answers; records what the service told, asked and wanted a yes for."""

    def __init__(self, *answers: str, interactive: bool = True, yes: bool = False) -> None:
        self.answers = [bytearray(a, "utf-8") for a in answers]
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

    def kinds(self) -> list[NoticeKind]:
        return [n.kind for n in self.notices]


def _service(state: Path, backend: SimBackend | None = None) -> PinService:
    settings = Settings(sim_state=state, audit=AuditSettings(enabled=False))
    return PinService(backend or SimBackend(settings), settings)


def _tries(state: Path) -> tuple[int | None, int | None]:
    status = SimBackend(Settings(sim_state=state)).status()
    return status.pin.tries_left, status.unblock.tries_left


def _card_tries(state: Path) -> tuple[int, int]:
    """The card's own counters, from its state file."""
    import json

    data = json.loads(state.read_text())
    return data["pin"]["tries_left"], data["unblock"]["tries_left"]


@pytest.fixture
def state(tmp_path: Path) -> Path:
    path = tmp_path / "card.json"
    issue_card(path)
    return path


# --- 1. unknown is the worst case -----------------------------------------------------------------------------


class SilentPinBackend:
    """A backend that tells no count at all (as a PKCS#11 module whose flags say nothing)."""

    name = "pkcs11"
    reader = "token"
    protected_path = False

    def __init__(self) -> None:
        self.sent: list[str] = []

    def status(self) -> CardStatus:
        silent = Counter(None, source=CounterSource.MODULE)
        return CardStatus("pkcs11", self.reader, silent, silent)

    def identity(self) -> CardIdentity:
        return CardIdentity(self.reader)

    def change_pin(self, old: Secret | None, new: Secret | None, *, seen: Counter) -> None:
        self.sent.append("change")

    def unblock_pin(self, code: Secret | None, new: Secret | None, *, seen: Counter) -> None:
        self.sent.append("unblock")


def test_a_module_that_says_nothing_is_unknown_and_the_worst_case() -> None:
    backend = SilentPinBackend()
    service = PinService(backend, Settings(audit=AuditSettings(enabled=False)))  # type: ignore[arg-type]
    data = status_json(service.status(), "en")
    assert data["pin"]["tries_left"] is None and data["pin"]["reason"] == "module_gives_no_count"
    assert data["unblock"] == {
        "tries_left": None,
        "max_tries": 10,
        "source": "module",
        "reason": "module_gives_no_count",
    }

    # change-pin: the unknown PIN count is said before anything is asked
    asker = Answers(SHEET_PIN, NEW, NEW)
    assert service.change_pin(asker).ok
    assert asker.kinds()[0] is NoticeKind.PIN_COUNT_UNKNOWN and asker.notices[0].detail == "module_gives_no_count"

    # unlock from a script without the yes: nothing asked, nothing sent, exit 2
    script = Answers(SHEET_CODE, NEW, NEW, interactive=False)
    outcome = service.unlock(script)
    assert isinstance(outcome.error, NotConfirmedError) and outcome.error.about == "unknown_count"
    assert outcome.exit_code is ExitCode.USAGE and script.asked == [] and backend.sent == ["change"]
    assert NoticeKind.UNBLOCK_COUNT_UNKNOWN in script.kinds()

    # on a terminal: asked, and a no sends nothing
    no = Answers(SHEET_CODE, NEW, NEW, yes=False)
    outcome = service.unlock(no)
    assert no.consents == [Consent.UNBLOCK_UNKNOWN] and no.asked == [] and backend.sent == ["change"]
    assert isinstance(outcome.error, NotConfirmedError) and outcome.error.asked

    # --final-try: the user is told what it may cost, and the try is theirs
    ok = Answers(SHEET_CODE, NEW, NEW, interactive=False)
    assert service.unlock(ok, final_try_ok=True).ok and backend.sent == ["change", "unblock"]
    assert NoticeKind.UNKNOWN_TRY_ACKNOWLEDGED in ok.kinds()


def test_the_window_and_the_signer_get_the_same_question_from_the_service() -> None:
    """The dialog asks PinService.needs_consent, the pyHanko signer goes through signing_session: one rule."""
    silent = SilentPinBackend().status()
    assert PinService.needs_consent(Operation.UNLOCK, silent) is Consent.UNBLOCK_UNKNOWN
    kinds = [n.kind for n in PinService.notices(Operation.SIGN, silent)]
    assert NoticeKind.PIN_COUNT_UNKNOWN in kinds


def test_unknown_notices_in_both_languages() -> None:
    for lang in ("ja", "en"):
        for kind in (NoticeKind.PIN_COUNT_UNKNOWN, NoticeKind.UNBLOCK_COUNT_UNKNOWN):
            for reason in ("card_does_not_tell", "not_read", "module_gives_no_count"):
                said = notice_text(Notice(kind, detail=reason), lang)
                assert text(f"status.unknown.{reason}", lang) in said


# --- 2. answers that cannot be right --------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["１２３４５６", "12 34", "123", "12345678901234567", "ｑｘ７"])
def test_impossible_current_pins_cost_nothing(state: Path, typed: str) -> None:
    asker = Answers(typed, NEW, NEW)
    outcome = _service(state).change_pin(asker)
    assert isinstance(outcome.error, PinPolicyError) and outcome.exit_code is ExitCode.USAGE
    assert asker.asked == [Field.CURRENT_PIN] and _card_tries(state) == (10, 10)


def test_full_width_gets_the_ime_hint(state: Path) -> None:
    outcome = _service(state).change_pin(Answers("１２３４５６", NEW, NEW))
    assert isinstance(outcome.error, PinPolicyError)
    assert any(text("policy.full_width", "ja") in line for line in error_lines(outcome.error, "ja"))


def test_a_repeated_current_pin_is_confirmed_on_a_terminal(state: Path) -> None:
    no = Answers("1111", NEW, NEW, yes=False)
    outcome = _service(state).change_pin(no)
    assert isinstance(outcome.error, NotConfirmedError) and outcome.error.about == "repeated"
    assert NoticeKind.REPEATED_ANSWER in no.kinds() and no.consents == [Consent.REPEATED_ANSWER]
    assert no.asked == [Field.CURRENT_PIN] and _card_tries(state) == (10, 10)
    assert exit_code_for(outcome.error) is ExitCode.USAGE

    yes = Answers("1111", NEW, NEW, yes=True)
    outcome = _service(state).change_pin(yes)
    assert isinstance(outcome.error, PinIncorrectError) and _card_tries(state) == (9, 10)


def test_a_script_gets_the_warning_and_the_try(state: Path) -> None:
    script = Answers("aaaa", NEW, NEW, interactive=False)
    outcome = _service(state).change_pin(script)
    assert NoticeKind.REPEATED_ANSWER in script.kinds() and script.consents == []
    assert isinstance(outcome.error, PinIncorrectError) and _card_tries(state) == (9, 10)
    said = notice_text(next(n for n in script.notices if n.kind is NoticeKind.REPEATED_ANSWER), "en")
    assert said.startswith(text("policy.field.current_pin", "en"))


def test_a_repeated_code_is_confirmed_too(state: Path) -> None:
    no = Answers("QQQQQQQQQQQQ", NEW, NEW, yes=False)
    outcome = _service(state).unlock(no)
    assert isinstance(outcome.error, NotConfirmedError) and _card_tries(state) == (10, 10)


# --- 3. advice at every count ---------------------------------------------------------------------------------


def test_advice_at_every_count() -> None:
    for left in range(1, 11):
        lines = error_lines(PinIncorrectError(SecretKind.PIN, left), "en")
        reset = any("The issuer recommends resetting" in line for line in lines)
        assert reset == (left <= 8), (left, lines)  # 2-9 wrong: the reset advice
        assert any("last try" in line for line in lines) == (left == 1)  # the last: the lock warning too


def test_the_last_try_notices_carry_both(state: Path) -> None:
    import json

    data = json.loads(state.read_text())
    data["pin"]["tries_left"] = 1
    state.write_text(json.dumps(data))
    asker = Answers(interactive=False)
    _service(state).change_pin(asker)
    advices = [n.advice.value for n in asker.notices if n.kind is NoticeKind.ADVICE and n.advice is not None]
    assert advices == ["pin_final_try", "reset_recommended"]


# --- the same card taken out and put back ------------------------------------------------------------------------


class Reinserted(SimBackend):
    """The simulated card in a reader whose insertion count the test moves (taken out and put back)."""

    insertion = 1

    def identity(self) -> CardIdentity:
        return replace(super().identity(), insertion=self.insertion)

    def status(self) -> CardStatus:
        status = super().status()
        assert status.identity is not None
        return replace(status, identity=replace(status.identity, insertion=self.insertion))


class OutAndBack(Answers):
    def __init__(self, backend: Reinserted, *answers: str, then: object = None) -> None:
        super().__init__(*answers)
        self.backend = backend
        self.then = then

    def ask_secret(self, field: Field, *, echo: bool) -> bytearray:
        if field is Field.CONFIRM:
            self.backend.insertion += 1  # taken out and put back while the new PIN was typed again
            if callable(self.then):
                self.then()
        return super().ask_secret(field, echo=echo)


def _reinserted(state: Path) -> tuple[PinService, Reinserted]:
    backend = Reinserted(Settings(sim_state=state))
    return _service(state, backend), backend


def test_the_same_card_put_back_is_the_same_card(state: Path) -> None:
    service, backend = _reinserted(state)
    asker = OutAndBack(backend, SHEET_PIN, NEW, NEW)
    outcome = service.change_pin(asker)
    assert outcome.ok, outcome.error
    assert NoticeKind.SAME_CARD_AGAIN in asker.kinds() and _card_tries(state) == (10, 10)
    assert "same card" in notice_text(Notice(NoticeKind.SAME_CARD_AGAIN), "en")


def test_the_same_card_put_back_with_other_counters_sends_nothing(state: Path) -> None:
    service, backend = _reinserted(state)

    def spent_elsewhere() -> None:
        other = SimBackend(Settings(sim_state=state))
        with pytest.raises(PinIncorrectError):
            other.change_pin(Secret.from_ascii("Wrong123"), Secret.from_ascii(NEW), seen=other.status().pin)

    asker = OutAndBack(backend, SHEET_PIN, NEW, NEW, then=spent_elsewhere)
    outcome = service.change_pin(asker)
    assert isinstance(outcome.error, CardStateChangedError) and not isinstance(outcome.error, CardChangedError)
    assert _card_tries(state) == (9, 10)  # the other application's try only


def test_another_card_put_in_is_another_card(state: Path, tmp_path: Path) -> None:
    service, backend = _reinserted(state)
    other = tmp_path / "other.json"
    issue_card(other)

    def swap() -> None:
        state.rename(tmp_path / "first.json")
        other.rename(state)

    asker = OutAndBack(backend, SHEET_PIN, NEW, NEW, then=swap)
    outcome = service.change_pin(asker)
    assert isinstance(outcome.error, CardChangedError)
    assert _card_tries(state) == (10, 10) and _card_tries(tmp_path / "first.json") == (10, 10)


@pytest.mark.parametrize("encoding", ["utf-8", "euc_jp", "cp932", "shift_jis"])
@pytest.mark.parametrize("typed", ["１２３４５６", "ＡＢＣＤ１２", "12　34"])
def test_the_ime_hint_in_every_terminal_encoding(encoding: str, typed: str) -> None:
    """Full-width characters as a legacy Japanese terminal sends them (EUC-JP, Shift_JIS) get the same hint."""
    from aosign_plugin.policy.rules import Reason, check_base

    for field in (Field.CURRENT_PIN, Field.UNBLOCK_CODE):
        verdict = check_base(Secret(bytearray(typed.encode(encoding))), field)
        assert verdict.reasons == (Reason.FULL_WIDTH,), (encoding, typed)


def test_kana_is_not_taken_for_full_width() -> None:
    from aosign_plugin.policy.rules import Reason, check_base

    for encoding in ("utf-8", "euc_jp", "cp932"):
        verdict = check_base(Secret(bytearray("あいうえ".encode(encoding))), Field.CURRENT_PIN)
        assert Reason.FULL_WIDTH not in verdict.reasons and Reason.NON_ASCII in verdict.reasons, encoding
