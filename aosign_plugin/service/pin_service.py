"""Service: the PIN use cases, guarded by the card's state and the policy. Every card-safety rule lives here.

Each use case reads the state first (no try spent) and stops on a state that cannot take the try (the state gate),
tells the user what they must know before typing (:class:`~.outcomes.Notice`), asks for a yes before a last try
that needs one (:class:`~.outcomes.Consent`), checks each answer against the one policy as soon as it is typed,
then sends exactly one try-consuming command and never retries. If what the user was shown no longer holds (another
application spent a try), nothing is sent. Each PIN operation writes one audit line. Secrets are wiped whatever
happens. The result is a typed :class:`~.outcomes.Outcome`; no user text is built here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any

from aosign_plugin.domain.card_status import (
    UNBLOCK_WARN_AT,
    Advice,
    CardState,
    CardStatus,
    CounterSource,
    PinState,
    SecretKind,
)
from aosign_plugin.domain.errors import (
    AosignError,
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
from aosign_plugin.domain.logs import get_logger
from aosign_plugin.domain.secret import Secret
from aosign_plugin.policy.rules import Field, Verdict, check_base, check_new_pin, repeats_one_character
from aosign_plugin.service.outcomes import NEW_PIN_ASKS, Asker, Consent, Notice, NoticeKind, Operation, Outcome
from hostapp_stub.api import replace

if TYPE_CHECKING:
    from aosign_plugin.backends import CardBackend
    from aosign_plugin.config.settings import Settings

__all__ = ["PinService", "open_service"]

logger = get_logger(__name__)


def open_service(settings: Settings) -> PinService:
    """The service over the backend the settings name.

    :raises AosignError: the backend cannot be opened (a module refused by the path rules, no library).
    """
    from aosign_plugin.backends import open_backend

    return PinService(open_backend(settings), settings)


class PinService:
    """Status, change, unlock and the signing login for one card.

    :param backend: how the card is reached.
    :param settings: the deployment's settings (policy, audit log, dialect).
    """

    def __init__(self, backend: CardBackend, settings: Settings) -> None:
        #: why the last signing login's audit line could not be written (change and unlock carry it in their outcome)
        self.audit_failure: str | None = None
        self.backend = backend
        self.settings = settings
        self.policy = settings.policy

    # --- reading the state: never spends a try ------------------------------------------------------------------

    def status(self) -> CardStatus:
        """The card's state; no try is spent.

        Over PKCS#11, when the token's slot is a PC/SC reader holding a card that answers the dialect's SELECT, the
        counters come from the card itself (empty VERIFYs), the worse of them and the token's flags winning.
        """
        status = self.backend.status()
        if self.settings.pkcs11_card_counters and status.pin.source is CounterSource.MODULE:
            from aosign_plugin.backends.card_counters import with_card_counters

            status = with_card_counters(status, self.backend, self.settings)
        return status

    @staticmethod
    def gate(operation: Operation, status: CardStatus) -> AosignError | None:
        """The state gate: the error that stops ``operation`` before anything is asked, or None when it may go on."""
        if status.state is CardState.DEAD:
            return CardDeadError()
        if status.state is CardState.LOCKED and operation is not Operation.UNLOCK:
            return PinBlockedError()
        return None

    @staticmethod
    def notices(operation: Operation, status: CardStatus) -> list[Notice]:
        """What the user must know before typing for ``operation`` on a card in ``status``."""
        found: list[Notice] = []
        certificate = status.certificate_advice
        if certificate is not None and operation in (Operation.CHANGE_PIN, Operation.UNLOCK):
            # the PIN still works, but an expired certificate cannot sign: told first, before anything is asked
            found.append(Notice(NoticeKind.ADVICE, certificate[0], certificate=certificate[1]))
        if operation is Operation.UNLOCK:
            found.append(Notice(NoticeKind.UNLOCK_INTRO))
            code = status.unblock
            unknown = code.unknown_reason
            if unknown is not None and code.may_be_last and code.state is not PinState.FINAL_TRY:
                # what the card does not say is the worst case: this try may be the last (issue 33)
                found.append(Notice(NoticeKind.UNBLOCK_COUNT_UNKNOWN, detail=unknown.value))
            if code.state is not PinState.FINAL_TRY and (
                code.low or (code.tries_left is not None and code.tries_left <= UNBLOCK_WARN_AT)
            ):
                found.append(Notice(NoticeKind.ADVICE, Advice.UNBLOCK_LOW, code.tries_left))
            return found
        # the PIN's own advice, even when a more urgent one (few unblocking tries) leads the status
        found.extend(
            Notice(NoticeKind.ADVICE, advice, status.pin.tries_left)
            for advice in status.advices
            if advice is Advice.PIN_FINAL_TRY or advice is Advice.RESET_RECOMMENDED
        )
        pin, unknown = status.pin, status.pin.unknown_reason
        if unknown is not None and pin.may_be_last and pin.state is not PinState.FINAL_TRY:
            found.append(Notice(NoticeKind.PIN_COUNT_UNKNOWN, detail=unknown.value))
        return found

    @staticmethod
    def needs_consent(operation: Operation, status: CardStatus) -> Consent | None:
        """The yes ``operation`` needs on a card in ``status`` before its try is sent."""
        if operation is Operation.UNLOCK and status.unblock.state is PinState.FINAL_TRY:
            return Consent.UNBLOCK_FINAL_TRY
        if operation is Operation.UNLOCK and status.unblock.may_be_last:
            # a count the card does not tell is possibly the last try: the same yes, every time (issue 33)
            return Consent.UNBLOCK_UNKNOWN
        if operation is Operation.SIGN and status.pin.state is PinState.FINAL_TRY:
            return Consent.PIN_FINAL_TRY
        return None

    # --- the use cases ----------------------------------------------------------------------------------------------

    def change_pin(
        self, asker: Asker, *, echo: bool = False, shown: CardStatus | None = None, just_read: bool = False
    ) -> Outcome:
        """Ask the current PIN and the new one twice, then change it with one try.

        :param shown: the state the user was shown before (a dialog's); if the card in the reader is another card
            (:class:`CardChangedError`) or its counters moved since, nothing is asked or sent. None: the state is read
            now and is what the user is shown. Either way, the card is checked to be that card again right before
            the try is sent.
        :param just_read: ``shown`` was read by this service a moment ago, for the user to see before the first
            prompt (the command line): it is not read again before asking (the card's identity and counters are
            still checked right before the try).
        """
        return self._run(Operation.CHANGE_PIN, asker, echo=echo, shown=shown, consented=False, just_read=just_read)

    def unlock(
        self,
        asker: Asker,
        *,
        echo: bool = False,
        final_try_ok: bool = False,
        shown: CardStatus | None = None,
        just_read: bool = False,
    ) -> Outcome:
        """Ask the unblocking code from the sheet and a new PIN twice, then reset the PIN with one try of the code.

        Allowed at any time, locked or not. Before the code's last try an explicit yes is needed: ``final_try_ok``
        (given in advance), else :meth:`Asker.confirm`.
        """
        return self._run(Operation.UNLOCK, asker, echo=echo, shown=shown, consented=final_try_ok, just_read=just_read)

    def _run(
        self,
        operation: Operation,
        asker: Asker,
        *,
        echo: bool,
        shown: CardStatus | None,
        consented: bool,
        just_read: bool = False,
    ) -> Outcome:
        status: CardStatus | None = None
        error: AosignError | None = None
        try:
            # read a moment ago for the user to see (the command line): one reading, not two in a row
            status = shown if just_read and shown is not None else self._fresh(shown, asker)
            self._before_asking(operation, status, asker, consented)
            self._one_try(operation, status, asker, echo)
        except AosignError as e:
            error = e
        outcome = Outcome(operation, status, error)
        return Outcome(operation, status, error, self._audit(outcome))

    def same_card(self, shown: CardStatus, asker: Asker | None = None) -> CardStatus | None:
        """The card in the reader is still the one ``shown`` was read from (asked of the reader, no APDU).

        A card taken out and put back is the same card when it says the same serial (or identity): its counters are
        then read again (no try spent) and must still be the ones shown; ``asker`` is told it is the same card.

        :returns: the fresh reading of a card taken out and put back; None when it never left.
        :raises CardChangedError: another card is there (swapped, or taken out and another put in): nothing is sent.
        :raises CardStateChangedError: the same card, put back with other counters: nothing is sent.
        :raises CardUnavailableError: no card is there.
        """
        if shown.identity is None:
            return None
        now = self.backend.identity()
        if now.same_card(shown.identity):
            return None
        if _serial(shown) is None or not now.same_card(replace(shown.identity, insertion=None)):
            raise CardChangedError("the card in the reader is not the card that was shown", now=now)
        try:
            fresh = self.status()  # taken out and put back: is it the same card? (its serial, read without a try)
        except CardUnavailableError:
            # not readable as the card shown (over PC/SC the link of the status read ended with the card): whatever
            # is there now cannot be told from another card, so it is treated as one, and nothing is sent
            raise CardChangedError("the card in the reader is not the card that was shown", now=now) from None
        self._check_same(shown, fresh)
        if not fresh.same_counters(shown):
            raise CardStateChangedError("the card's counters changed while it was out of the reader")
        if asker is not None:
            asker.notify(Notice(NoticeKind.SAME_CARD_AGAIN))
        return fresh

    @staticmethod
    def _check_same(shown: CardStatus, fresh: CardStatus) -> bool:
        """``fresh`` is of the card ``shown`` is of; True when it was taken out and put back since (the reader's
        insertion count moved, its serial is the same).

        :raises CardChangedError: it is another card, or one that cannot be told from another.
        """
        before, now = shown.identity, fresh.identity
        if before is None or now is None or now.same_card(before):
            return False
        serial = _serial(shown)
        if serial is not None and serial == _serial(fresh) and now.same_card(replace(before, insertion=None)):
            return True
        raise CardChangedError("the card in the reader is not the card that was shown", now=now)

    def _fresh(self, shown: CardStatus | None, asker: Asker) -> CardStatus:
        if shown is not None:
            again = self.same_card(shown, asker)  # before any APDU: another card is not even read
            if again is not None:
                return again
        status = self.status()
        if shown is not None:
            if self._check_same(shown, status):
                asker.notify(Notice(NoticeKind.SAME_CARD_AGAIN))
            if not status.same_counters(shown):
                # another application spent (or reset) tries since they were shown: they must be shown again first
                raise CardStateChangedError("the card's counters changed since they were shown")
        return status

    def _before_asking(self, operation: Operation, status: CardStatus, asker: Asker, consented: bool) -> None:
        blocked = self.gate(operation, status)
        if blocked is not None:
            raise blocked
        for notice in self.notices(operation, status):
            asker.notify(notice)
        consent = self.needs_consent(operation, status)
        if consent is None:
            return
        about = "unknown_count" if consent is Consent.UNBLOCK_UNKNOWN else "final_try"
        if consented:
            if consent is Consent.UNBLOCK_FINAL_TRY:  # the PIN's last try was said by its advice already
                asker.notify(Notice(NoticeKind.FINAL_TRY_ACKNOWLEDGED, tries_left=1))
            elif consent is Consent.UNBLOCK_UNKNOWN:
                asker.notify(Notice(NoticeKind.UNKNOWN_TRY_ACKNOWLEDGED))
        elif not asker.interactive:
            raise NotConfirmedError("the last try needs --final-try", about=about)
        elif not asker.confirm(consent):
            raise NotConfirmedError("the last try was not confirmed", asked=True, about=about)

    def _pinpad(self, asker: Asker) -> bool:
        """A backend whose PINs are typed on the reader: nothing is asked here (and no policy can be applied)."""
        if self.backend.protected_path:
            asker.notify(Notice(NoticeKind.PINPAD))
            return True
        return False

    @staticmethod
    def _ask(asker: Asker, stack: ExitStack, field: Field, echo: bool) -> Secret:
        try:
            buf = asker.ask_secret(field, echo=echo)
        except EOFError as e:  # an EOFError that says ``reported`` was told to the user already (too long)
            raise NoAnswerError(f"no answer for {field.value}", reported=bool(getattr(e, "reported", False))) from None
        return stack.enter_context(Secret(buf))

    @staticmethod
    def _repeated(answer: Secret, field: Field, asker: Asker) -> None:
        """A current PIN or code of one repeated character: the card's rules let it through (it is sent), but the
        issuer never lets anyone set one, so it is most likely mistyped. Said first; on a terminal or in a window,
        sent only after a yes (a script gets the warning and the try).

        :raises NotConfirmedError: the user said no: nothing is sent.
        """
        if not repeats_one_character(answer):
            return
        asker.notify(Notice(NoticeKind.REPEATED_ANSWER, detail=field.value))
        if asker.interactive and not asker.confirm(Consent.REPEATED_ANSWER):
            raise NotConfirmedError("a one-character answer was not confirmed", asked=True, about="repeated")

    @staticmethod
    def _require(verdict: Verdict, asker: Asker) -> None:
        if not verdict.ok:
            raise PinPolicyError(verdict)
        for warning in verdict.warnings:
            asker.notify(Notice(NoticeKind.POLICY_WARNING, warning=warning))

    def _new_pin(
        self, asker: Asker, stack: ExitStack, echo: bool, current: Secret | None, code: Secret | None = None
    ) -> Secret:
        """The new PIN, typed twice and accepted by the policy. A refused one (or a confirmation that differs) is
        asked again where the asker can (a terminal), :data:`~.outcomes.NEW_PIN_ASKS` times in all; the first
        answer (``current`` or ``code``) is kept, in its buffer wiped when the operation ends, and never asked again.

        :raises PinPolicyError: the last one asked was refused (a script's: the first).
        """
        asks = NEW_PIN_ASKS if getattr(asker, "asks_again", False) else 1
        for left in range(asks - 1, -1, -1):
            new = self._ask(asker, stack, Field.NEW_PIN, echo)
            verdict = check_new_pin(new, None, current, self.policy, unblock_code=code)
            if verdict.ok:
                self._require(verdict, asker)  # its warnings
                confirm = self._ask(asker, stack, Field.CONFIRM, echo)
                verdict = check_new_pin(new, confirm, current, self.policy, unblock_code=code)
                if verdict.ok:
                    return new
                confirm.wipe()
            new.wipe()  # refused: gone now, not at the end
            if left == 0:
                raise PinPolicyError(verdict)
            for i, refusal in enumerate(verdict.refusals, start=1):  # the last one says how many asks are left
                last = i == len(verdict.refusals)
                asker.notify(Notice(NoticeKind.POLICY_REFUSED, warning=refusal, tries_left=left if last else None))
        raise AssertionError("unreachable")  # pragma: no cover

    def _one_try(self, operation: Operation, status: CardStatus, asker: Asker, echo: bool) -> None:
        """Ask the answers (each checked as it comes), then send the one try-consuming command."""
        changing = operation is Operation.CHANGE_PIN
        send = self.backend.change_pin if changing else self.backend.unblock_pin
        seen = status.pin if changing else status.unblock
        if self._pinpad(asker):
            with self._counted_by_the_card():
                send(None, None, seen=seen)
            return
        first_field = Field.CURRENT_PIN if changing else Field.UNBLOCK_CODE
        with ExitStack() as stack:
            first = self._ask(asker, stack, first_field, echo)
            self._require(check_base(first, first_field), asker)
            self._repeated(first, first_field, asker)
            new = self._new_pin(asker, stack, echo, first if changing else None, None if changing else first)
            try:
                self.same_card(status, asker)  # swapped while the answers were typed: nothing is sent
            except CardUnavailableError as e:  # taken out meanwhile: nothing is sent either, and the user is told
                e.nothing_sent = True
                raise
            self._guard(status, operation)
            logger.info("Changing PIN" if changing else "Resetting PIN with the unblocking code")
            with self._counted_by_the_card():
                send(first, new, seen=seen)

    @contextmanager
    def _leaving_card_clean(self) -> Iterator[None]:
        """Around a try sent through a PKCS#11 module: once its sessions are closed, whatever the outcome, the card
        behind the token is left as the PC/SC path leaves it (no verified PIN for the next application)."""
        try:
            yield
        finally:
            if getattr(self.backend, "slot_description", None):
                from aosign_plugin.backends.card_counters import release_card_behind

                release_card_behind(self.backend, self.settings)

    @contextmanager
    def _counted_by_the_card(self) -> Iterator[None]:
        """Around a try: the card left clean (:meth:`_leaving_card_clean`), and a wrong answer reported with what
        the card behind a PKCS#11 token says is left, read as status reads it (a module's flags tell no count)."""
        try:
            with self._leaving_card_clean():
                yield
        except PinIncorrectError as e:
            raise self._as_the_card_counts(e) from None

    def _as_the_card_counts(self, error: PinIncorrectError) -> AosignError:
        if not self.settings.pkcs11_card_counters or not getattr(self.backend, "slot_description", None):
            return error
        from aosign_plugin.backends.card_counters import card_reading

        reading = card_reading(self.backend, self.settings)
        if reading is None:
            return error
        counter = reading.pin if error.kind is SecretKind.PIN else reading.unblock
        if counter.state is PinState.BLOCKED:
            return PinBlockedError(just_now=True) if error.kind is SecretKind.PIN else CardDeadError(just_now=True)
        return PinIncorrectError(error.kind, counter.tries_left) if counter.tries_left is not None else error

    def _guard(self, shown: CardStatus, operation: Operation) -> None:
        """Where the counters come from the card behind a module, read them again right before the try (the backend
        guards its own reading inside the operation): if tries of the secret about to be sent were spent meanwhile,
        nothing is sent."""
        if shown.backend != "pkcs11" or CounterSource.CARD not in (shown.pin.source, shown.unblock.source):
            return
        now = self.status()
        seen, fresh = (shown.unblock, now.unblock) if operation is Operation.UNLOCK else (shown.pin, now.pin)
        if fresh.spent_since(seen):
            raise CardStateChangedError("the card's counters changed while the answers were typed")

    # --- the signing login ---------------------------------------------------------------------------------------

    @contextmanager
    def signing_session(self, asker: Asker, *, final_try_ok: bool = False) -> Iterator[Any]:
        """A PKCS#11 user session to sign in: state gate, consent for the last try, the PIN asked and checked
        against the card's base rules, one login, never a retry. The PIN's copy is wiped once logged in.

        :returns: python-pkcs11's ``Session`` (closed on exit).
        :raises AosignError: refused before anything was sent, or the login failed (the error says what it cost).
        """
        login = getattr(self.backend, "user_session", None)
        if login is None:
            raise NotImplementedError("signing needs the pkcs11 backend")
        status: CardStatus | None = None
        with ExitStack() as stack:
            try:  # the login is a PIN operation like the others: one audit line, whatever became of it
                status = self.status()
                self._before_asking(Operation.SIGN, status, asker, final_try_ok)
                secret: Secret | None = None
                if not self._pinpad(asker):
                    secret = self._ask(asker, stack, Field.CURRENT_PIN, echo=False)
                    self._require(check_base(secret, Field.CURRENT_PIN), asker)
                    self._repeated(secret, Field.CURRENT_PIN, asker)
                now = self.status()  # someone spent tries while the PIN was typed: nothing is sent
                stack.enter_context(self._counted_by_the_card())  # left last: after the session is logged out
                try:
                    session = stack.enter_context(login(secret, seen=status.pin, now=now.pin))
                finally:
                    if secret is not None:
                        secret.wipe()  # logged in (or not): no copy of the PIN is kept while pyHanko signs
            except AosignError as e:
                self.audit_failure = self._audit(Outcome(Operation.SIGN, status, e))
                raise
            self.audit_failure = self._audit(Outcome(Operation.SIGN, status))
            yield session

    # --- the audit log ---------------------------------------------------------------------------------------------

    def _audit(self, outcome: Outcome) -> str | None:
        """One audit line for a PIN operation (never a secret); the reason it could not be written, if any."""
        from aosign_plugin.service.audit import outcome_fields, record

        error = outcome.error
        fields = outcome_fields(outcome.operation.value, int(outcome.exit_code), error)
        return record(
            self.settings.audit,
            {
                "operation": outcome.operation.value,
                "backend": getattr(self.backend, "name", self.settings.backend.value),
                "reader": self.backend.reader,
                "exit_code": int(outcome.exit_code),
                **fields,
            },
        )


def _serial(status: CardStatus) -> str | None:
    """The card's serial as its reading tells it (the card's own, else what its identity says)."""
    if status.serial is not None:
        return status.serial
    return status.identity.serial if status.identity is not None else None
