"""What the card says about itself: counters, derived states and the advice shown to the user."""

from __future__ import annotations

from enum import Enum, unique

from aosign_plugin.domain.certificates import CertificateStatus, CertState, UnreadableCertificate
from hostapp_stub.api import Record, Untrusted

__all__ = [
    "ADVICE_URGENCY",
    "MAX_TRIES",
    "UNBLOCK_WARN_AT",
    "Advice",
    "CardIdentity",
    "CardState",
    "CardStatus",
    "Counter",
    "CounterSource",
    "PinState",
    "SecretKind",
    "SignReadiness",
    "UnknownReason",
]

#: the issuer's rule for the user PIN and for the unblocking code (FAQ Q31-B)
MAX_TRIES = 10


@unique
class SecretKind(Enum):
    """Which secret a counter or an error is about."""

    PIN = "pin"
    UNBLOCK = "unblock"


@unique
class PinState(Enum):
    """A counter's state, derived from its tries left (or from PKCS#11 token flags)."""

    OK = "ok"
    COUNT_LOW = "count_low"
    FINAL_TRY = "final_try"
    BLOCKED = "blocked"


@unique
class CounterSource(Enum):
    """Where a counter was read: the card itself (an empty VERIFY) or a PKCS#11 module's token flags."""

    CARD = "card"
    MODULE = "module"


@unique
class UnknownReason(Enum):
    """Why a counter's tries are not known (CONTRACT.md: ``null``, never a number); the value is the stable word of
    ``status --json`` (``"reason"``) and the catalogs' ``status.unknown.<value>``."""

    #: the card answered the empty VERIFY with something other than ``63Cx``/``6983`` (``9000``, ``6985``, ...)
    CARD_DOES_NOT_TELL = "card_does_not_tell"
    #: the deployment's dialect says the card cannot tell (``[card] unblock_status = "unknown"``)
    NOT_READ = "not_read"
    #: a PKCS#11 module's token flags give no count
    MODULE_GIVES_NO_COUNT = "module_gives_no_count"


#: the states in order of urgency (a higher rank is worse)
_RANK = {PinState.OK: 0, PinState.COUNT_LOW: 1, PinState.FINAL_TRY: 2, PinState.BLOCKED: 3}


@unique
class CardState(Enum):
    """The card as a whole (CONTRACT.md ``state``)."""

    READY = "ready"
    LOCKED = "locked"
    DEAD = "dead"


@unique
class SignReadiness(Enum):
    """Whether the card can sign today, and if not the first reason why (``status --json``'s ``can_sign_reason``)."""

    OK = "ok"
    #: the unblocking code is exhausted: the card is unusable for good
    CARD_DEAD = "card_dead"
    #: the PIN is locked: unlock it first
    PIN_LOCKED = "pin_locked"
    #: the holder's certificate has expired: renew it
    CERTIFICATE_EXPIRED = "certificate_expired"
    #: the holder's certificate is not valid yet
    CERTIFICATE_NOT_YET_VALID = "certificate_not_yet_valid"


@unique
class Advice(Enum):
    """What the user should do next; each has a text in the catalogs (``advice.<value>``)."""

    #: 2+ wrong PINs already: the issuer recommends resetting with the sheet (Q31-F)
    RESET_RECOMMENDED = "reset_recommended"
    #: one PIN try left: a wrong PIN locks the card
    PIN_FINAL_TRY = "pin_final_try"
    #: PIN locked: unlock with the sheet's code (Q31-D/E)
    UNLOCK = "unlock"
    #: few unblocking-code tries left: a wrong code can make the card unusable for good
    UNBLOCK_LOW = "unblock_low"
    #: the unblocking code is exhausted: revoke (失効手続) and apply for a new card (新規申込)
    REVOKE = "revoke"
    #: a certificate has fewer than ``[status] expiry_warn_days`` days left: apply for renewal
    CERTIFICATE_EXPIRING = "certificate_expiring"
    #: a certificate has expired: this card can no longer sign
    CERTIFICATE_EXPIRED = "certificate_expired"


#: most urgent first: where several advices apply, ``advice_code`` is the first of them in this order
#: the advices from the most urgent (the card is lost for good) to the least
ADVICE_URGENCY = (
    Advice.REVOKE,
    Advice.CERTIFICATE_EXPIRED,
    Advice.UNBLOCK_LOW,
    Advice.UNLOCK,
    Advice.PIN_FINAL_TRY,
    Advice.CERTIFICATE_EXPIRING,
    Advice.RESET_RECOMMENDED,
)


class Counter(Record):
    """A retry counter as read without spending a try.

    :param tries_left: exact count, or ``None`` where the backend cannot know it without spending a try.
    :param max_tries: the counter's maximum as the card or its dialect says it; ``None`` when the card counts
        more tries than the dialect's maximum (the card's own maximum is then unknown: it is not invented).
    :param verified: the card answered 9000 to the empty VERIFY (already verified in this card session).
    :param low: the backend reports "count low" without a number (PKCS#11 ``*_COUNT_LOW``).
    :param final: the backend reports "final try" without a number (PKCS#11 ``*_FINAL_TRY``).
    :param blocked: the counter is exhausted.
    :param source: where it was read.
    :param unknown: why ``tries_left`` is ``None`` (see :attr:`unknown_reason`, which gives a default).
    """

    tries_left: int | None
    max_tries: int | None = MAX_TRIES
    verified: bool = False
    low: bool = False
    final: bool = False
    blocked: bool = False
    source: CounterSource = CounterSource.CARD
    unknown: UnknownReason | None = None

    @property
    def unknown_reason(self) -> UnknownReason | None:
        """Why the count is not known; ``None`` when it is."""
        if self.tries_left is not None:
            return None
        if self.unknown is not None:
            return self.unknown
        return (
            UnknownReason.MODULE_GIVES_NO_COUNT
            if self.source is CounterSource.MODULE
            else UnknownReason.CARD_DOES_NOT_TELL
        )

    @property
    def may_be_last(self) -> bool:
        """The next try may be the last one and nothing says otherwise: the final try, or a count not known (the
        worst case is assumed: it is never taken for a number)."""
        state = self.state
        if state is PinState.BLOCKED:
            return False
        return state is PinState.FINAL_TRY or self.tries_left is None

    @property
    def state(self) -> PinState:
        if self.blocked or self.tries_left == 0:
            return PinState.BLOCKED
        if self.final or self.tries_left == 1:
            return PinState.FINAL_TRY
        if self.low or (
            self.tries_left is not None and self.max_tries is not None and self.tries_left < self.max_tries
        ):
            return PinState.COUNT_LOW
        return PinState.OK

    @property
    def wrong_so_far(self) -> int | None:
        """Consecutive wrong entries counted by the card, when it tells."""
        if self.tries_left is None or self.max_tries is None:
            return None
        return self.max_tries - self.tries_left

    @property
    def told(self) -> bool:
        """The reading says something: an exact count, or a flag (low, final, blocked)."""
        return self.tries_left is not None or self.low or self.final or self.blocked

    def spent_since(self, seen: Counter) -> bool:
        """Tries were spent since ``seen`` was shown (fewer left, a worse state, or blocked): the user must see the
        counter again before choosing to try. The one guard every backend applies inside its operation."""
        if _RANK[self.state] > _RANK[seen.state]:
            return True
        return self.tries_left is not None and seen.tries_left is not None and self.tries_left < seen.tries_left

    def worse(self, other: Counter) -> Counter:
        """Of two readings of one counter, the more urgent (the card's own count wins a tie)."""
        return other if _RANK[other.state] > _RANK[self.state] else self

    def to_json(self) -> dict[str, object]:
        reason = self.unknown_reason
        return {
            "tries_left": self.tries_left,
            "max_tries": self.max_tries,
            "source": self.source.value,
            "reason": reason.value if reason is not None else None,
        }


#: the unblocking code's tries below which we warn before asking for it
UNBLOCK_WARN_AT = 3


class CardIdentity(Record):
    """Which card a reading is of, learnt without an APDU and without spending a try.

    :param reader: the reader (or token slot) holding it.
    :param atr: the card's ATR in hex (PC/SC's ``SCardStatus``/``SCardGetStatusChange``), when the backend has one.
    :param serial: the card's serial, where the backend knows it (a PKCS#11 token, the simulated card).
    :param insertion: the reader's card event count (PC/SC's high word of the reader state): it moves when a card
        leaves or arrives, so a card taken out and another put in is told apart even when both have one ATR.
    """

    reader: Untrusted | None
    atr: str | None = None
    serial: Untrusted | None = None
    insertion: int | None = None

    def same_card(self, other: CardIdentity) -> bool:
        """Both name one card, left in its reader since: nothing known on both sides differs."""
        pairs = (
            (self.reader, other.reader),
            (self.atr, other.atr),
            (self.serial, other.serial),
            (self.insertion, other.insertion),
        )
        return all(a is None or b is None or a == b for a, b in pairs)

    def to_json(self) -> dict[str, object]:
        return {"reader": self.reader, "atr": self.atr, "serial": self.serial}


class CardStatus(Record):
    """One reading of the card, taken without spending a try; ``identity`` says which card it is of.

    :param serial: the card's serial number as the card tells it (PKCS#15 TokenInfo, the PKCS#11 token), if it does.
    :param certificates: the certificates read without a PIN, each with its state when it was read.
    :param unreadable_certificates: those the card's directory names but that could not be read or parsed.
    """

    backend: str
    reader: Untrusted | None
    pin: Counter
    unblock: Counter
    serial: Untrusted | None = None
    certificates: tuple[CertificateStatus, ...] = ()
    unreadable_certificates: tuple[UnreadableCertificate, ...] = ()
    identity: CardIdentity | None = None

    def same_counters(self, other: CardStatus) -> bool:
        """Both readings show the same counts and states (what the user was shown still holds)."""
        return all(
            (a.tries_left, a.state) == (b.tries_left, b.state)
            for a, b in ((self.pin, other.pin), (self.unblock, other.unblock))
        )

    @property
    def state(self) -> CardState:
        if self.unblock.state is PinState.BLOCKED:
            return CardState.DEAD
        if self.pin.state is PinState.BLOCKED:
            return CardState.LOCKED
        return CardState.READY

    @property
    def signing_certificates(self) -> tuple[CertificateStatus, ...]:
        """The certificates a signature would be made with: the holder's (not a self-issued CA certificate the
        card also carries), or all of them when every one is self-issued."""
        held = tuple(c for c in self.certificates if c.info.subject != c.info.issuer)
        return held or self.certificates

    @property
    def signing(self) -> tuple[SignReadiness, CertificateStatus | None]:
        """Whether the card can sign today and, when a certificate is why not, that certificate.

        The PIN's state first (a dead or locked card signs nothing); then the certificates: when the card shows
        certificates and none of the holder's is inside its validity period today, it cannot sign. A card whose
        certificates could not be read at all is judged by its PIN alone.
        """
        state = self.state
        if state is CardState.DEAD:
            return SignReadiness.CARD_DEAD, None
        if state is CardState.LOCKED:
            return SignReadiness.PIN_LOCKED, None
        certs = self.signing_certificates
        if not certs or any(c.state in (CertState.VALID, CertState.EXPIRING) for c in certs):
            return SignReadiness.OK, None
        coming = [c for c in certs if c.state is CertState.NOT_YET_VALID]
        if coming:  # a renewed certificate already on the card: it becomes valid first
            return SignReadiness.CERTIFICATE_NOT_YET_VALID, min(coming, key=lambda c: c.info.not_before)
        return SignReadiness.CERTIFICATE_EXPIRED, max(certs, key=lambda c: c.info.not_after)

    @property
    def can_sign(self) -> bool:
        """The card can sign today (:attr:`signing`)."""
        return self.signing[0] is SignReadiness.OK

    @property
    def certificate_advice(self) -> tuple[Advice, CertificateStatus] | None:
        """The certificates' advice and the certificate it is about: an expired one first, else the one that
        expires soonest."""
        expired = [c for c in self.certificates if c.state is CertState.EXPIRED]
        if expired:
            return Advice.CERTIFICATE_EXPIRED, min(expired, key=lambda c: c.days_left)
        expiring = [c for c in self.certificates if c.state is CertState.EXPIRING]
        if expiring:
            return Advice.CERTIFICATE_EXPIRING, min(expiring, key=lambda c: c.days_left)
        return None

    @property
    def advices(self) -> tuple[Advice, ...]:
        """Every advice that applies (the PIN's, the unblocking code's and the certificates'), most urgent first
        (:data:`ADVICE_URGENCY`); CONTRACT.md's ``advice_code`` is the first."""
        found = set(self.pin_advices)
        certificate = self.certificate_advice
        if certificate is not None:
            found.add(certificate[0])
        return tuple(a for a in ADVICE_URGENCY if a in found)

    @property
    def pin_advices(self) -> tuple[Advice, ...]:
        """The advices of the PIN and the unblocking code alone, most urgent first."""
        state = self.state
        found: set[Advice] = set()
        if state is CardState.DEAD:
            return (Advice.REVOKE,)
        if state is CardState.LOCKED:
            found.add(Advice.UNLOCK)
        elif self.pin.state is PinState.FINAL_TRY:
            # the last try: both the lock warning and the issuer's advice to reset with the sheet (Q31-F)
            found.add(Advice.PIN_FINAL_TRY)
            found.add(Advice.RESET_RECOMMENDED)
        else:
            wrong = self.pin.wrong_so_far
            if (wrong is not None and wrong >= 2) or (wrong is None and self.pin.low):
                found.add(Advice.RESET_RECOMMENDED)
        left = self.unblock.tries_left
        if self.unblock.final or self.unblock.low or (left is not None and left <= UNBLOCK_WARN_AT):
            found.add(Advice.UNBLOCK_LOW)
        return tuple(a for a in ADVICE_URGENCY if a in found)

    @property
    def advice(self) -> Advice | None:
        """The most urgent advice of the PIN and the unblocking code (the certificates' is
        :attr:`certificate_advice`; all of them, :attr:`advices`), or ``None``."""
        advices = self.pin_advices
        return advices[0] if advices else None
