"""What the service says to its front ends, as values: notices before asking, consents it needs, outcomes after.

No text is built here. A front end (the terminal, a dialog, the pyHanko signer) renders each value in its own
words, from the catalogs, and decides nothing: whether to ask, what to send and what it cost are decided by
:class:`~aosign_plugin.service.pin_service.PinService`.
"""

from __future__ import annotations

from enum import Enum, unique
from typing import TYPE_CHECKING, Protocol

from aosign_plugin.domain.errors import (
    AosignError,
    CardDeadError,
    CardRefusedInputError,
    CardStateChangedError,
    NotConfirmedError,
    PinBlockedError,
    PinIncorrectError,
    PinPolicyError,
)
from hostapp_stub.api import ExitCode, Record

if TYPE_CHECKING:
    from aosign_plugin.domain.card_status import Advice, CardStatus
    from aosign_plugin.domain.certificates import CertificateStatus
    from aosign_plugin.policy.rules import Field, Refusal

__all__ = ["NEW_PIN_ASKS", "Asker", "Consent", "Notice", "NoticeKind", "Operation", "Outcome", "exit_code_for"]


@unique
class Operation(Enum):
    """A use case of the service; the value is the menu entry's id and the audit log's ``operation``."""

    STATUS = "status"
    CHANGE_PIN = "change-pin"
    UNLOCK = "unlock"
    SIGN = "sign"


@unique
class NoticeKind(Enum):
    """What the user must know now (before typing, or along the way)."""

    #: the card's advice (:attr:`Notice.advice`), quoting :attr:`Notice.tries_left`
    ADVICE = "advice"
    #: what unlocking needs (the sheet's PIN, not the changed one) and what losing the sheet means
    UNLOCK_INTRO = "unlock_intro"
    #: the PINs are typed on the reader's PIN pad: nothing is asked here
    PINPAD = "pinpad"
    #: the policy accepts the new PIN but warns about it (:attr:`Notice.warning`)
    POLICY_WARNING = "policy_warning"
    #: the policy refused the new PIN (:attr:`Notice.warning` holds the refusal); it is asked again, ``tries_left``
    #: more times at most
    POLICY_REFUSED = "policy_refused"
    #: the last try of the unblocking code is used, acknowledged in advance (``--final-try``)
    FINAL_TRY_ACKNOWLEDGED = "final_try_acknowledged"
    #: the card's exact counters could not be read behind a PKCS#11 token: the module's flags decide
    COUNTERS_FROM_MODULE = "counters_from_module"
    # issue 33: what the card does not say is the worst case
    #: the PIN's tries are not known (:attr:`Notice.detail`: the reason word): said before the PIN is asked
    PIN_COUNT_UNKNOWN = "pin_count_unknown"
    #: the unblocking code's tries are not known (:attr:`Notice.detail`: the reason word): this try may be the last
    UNBLOCK_COUNT_UNKNOWN = "unblock_count_unknown"
    #: a try against an unknown code count is used, acknowledged in advance (``--final-try``)
    UNKNOWN_TRY_ACKNOWLEDGED = "unknown_try_acknowledged"
    #: the current PIN or the code typed is one repeated character (:attr:`Notice.detail`: the field's value)
    REPEATED_ANSWER = "repeated_answer"
    #: the card was taken out and put back (the same card): its counters were read again
    SAME_CARD_AGAIN = "same_card_again"


class Notice(Record):
    """One thing to tell the user; the front end words it."""

    kind: NoticeKind
    advice: Advice | None = None
    tries_left: int | None = None
    warning: Refusal | None = None
    #: a detail that is never a secret (a reader name, why counters could not be read)
    detail: str | None = None
    #: the certificate an advice ``certificate_expiring`` / ``certificate_expired`` is about
    certificate: CertificateStatus | None = None


@unique
class Consent(Enum):
    """A yes the service needs before it sends a try."""

    #: the unblocking code's last try: a wrong code makes the card unusable for good
    UNBLOCK_FINAL_TRY = "unblock_final_try"
    #: the PIN's last try when signing: a wrong PIN locks the card
    PIN_FINAL_TRY = "pin_final_try"
    # issue 33
    #: the unblocking code's count is not known: this try may be the last, and a wrong code may kill the card
    UNBLOCK_UNKNOWN = "unblock_unknown"
    #: the current PIN or code typed is one repeated character, which the issuer never lets anyone set
    REPEATED_ANSWER = "repeated_answer"


class Asker(Protocol):
    """What a front end gives the service: it tells, asks and confirms, in its own words and widgets."""

    @property
    def interactive(self) -> bool:
        """True when the user can be asked a question now."""
        ...

    def notify(self, notice: Notice) -> None: ...

    def ask_secret(self, field: Field, *, echo: bool) -> bytearray:
        """The answer for ``field`` in a buffer the service owns (and wipes).

        :raises EOFError: no answer. :raises KeyboardInterrupt: cancelled.
        """
        ...

    def confirm(self, consent: Consent) -> bool: ...


#: an :class:`Asker` that has ``asks_again = True`` (a terminal: the user types each answer as it is asked) is asked
#: for a refused new PIN again, this many times in all; any other (a script's answers, a dialog's fields) is asked once
NEW_PIN_ASKS = 3


class Outcome(Record):
    """How a PIN operation ended.

    :param operation: which use case.
    :param shown: the state read before anything was asked (the counters the user was shown), when it could be read.
    :param error: None when it was done; else the typed error (what it cost is in it: ``tries_left``, ``just_now``).
    :param audit_failure: why the audit line could not be written (a path and an OS error), never a secret.
    """

    operation: Operation
    shown: CardStatus | None
    error: AosignError | None = None
    audit_failure: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.OK if self.error is None else exit_code_for(self.error)

    @property
    def sent(self) -> bool:
        """A try-consuming command reached the card (and was counted, or did its job)."""
        error = self.error
        if error is None or isinstance(error, PinIncorrectError):
            return True
        return isinstance(error, PinBlockedError | CardDeadError) and error.just_now


def exit_code_for(error: AosignError) -> ExitCode:
    """CONTRACT.md's exit code for one of the plugin's errors: the one mapping, for every front end."""
    if isinstance(error, CardDeadError):
        return ExitCode.UNUSABLE
    if isinstance(error, PinBlockedError):
        return ExitCode.LOCKED
    if isinstance(error, PinIncorrectError):
        return ExitCode.WRONG_SECRET
    if isinstance(error, PinPolicyError | CardRefusedInputError | CardStateChangedError | NotConfirmedError):
        return ExitCode.USAGE
    return ExitCode.UNAVAILABLE
