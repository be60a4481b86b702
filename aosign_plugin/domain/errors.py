"""Typed errors of the plugin. No pyscard, PKCS#11 or APDU exception leaves its backend: they become these.

The texts of these exceptions are for logs and developers, in English, and never hold a PIN or code; what the user
reads comes from the message catalogs (:mod:`aosign_plugin.frontends.terminal_view`).
"""

from __future__ import annotations

from enum import Enum, unique
from typing import TYPE_CHECKING

from aosign_plugin.domain.card_status import CardIdentity, SecretKind
from hostapp_stub.api import Untrusted

if TYPE_CHECKING:
    from aosign_plugin.policy.rules import Verdict

__all__ = [
    "AosignError",
    "CardChangedError",
    "CardDeadError",
    "CardProtocolError",
    "CardRefusedInputError",
    "CardStateChangedError",
    "CardUnavailableError",
    "NoAnswerError",
    "NotConfirmedError",
    "PinBlockedError",
    "PinError",
    "PinIncorrectError",
    "PinPolicyError",
    "UnavailableReason",
]


class AosignError(Exception):
    """Base of every error the plugin raises on purpose."""


class PinError(AosignError):
    """Base of the PIN errors; ``tries_left`` is what the card said after the command (``None``: unknown)."""

    def __init__(self, message: str, *, kind: SecretKind = SecretKind.PIN, tries_left: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.tries_left = tries_left


class PinIncorrectError(PinError):
    """The card counted a wrong PIN (or unblocking code); ``tries_left`` is what remains."""

    def __init__(self, kind: SecretKind, tries_left: int | None) -> None:
        left = "unknown" if tries_left is None else str(tries_left)
        super().__init__(f"wrong {kind.value}, tries left: {left}", kind=kind, tries_left=tries_left)


class PinBlockedError(PinError):
    """The user PIN is blocked (locked); ``just_now`` when the last wrong PIN of this operation locked it."""

    def __init__(self, *, just_now: bool = False) -> None:
        super().__init__("the PIN is blocked", kind=SecretKind.PIN, tries_left=0)
        self.just_now = just_now


class CardDeadError(PinError):
    """The unblocking code is exhausted: the card is unusable for good."""

    def __init__(self, *, just_now: bool = False) -> None:
        super().__init__(
            "the unblocking code is exhausted; the card is unusable", kind=SecretKind.UNBLOCK, tries_left=0
        )
        self.just_now = just_now


class PinPolicyError(PinError):
    """Input refused before anything reached the card (policy, confirmation mismatch)."""

    def __init__(self, verdict: Verdict) -> None:
        reasons = ", ".join(r.reason.value for r in verdict.refusals)
        super().__init__(f"refused by the PIN policy: {reasons}")
        self.verdict = verdict


class CardRefusedInputError(PinError):
    """The card refused the new PIN's format (6A80/6700) without counting a try."""

    def __init__(self, sw: int) -> None:
        super().__init__(f"the card refused the new PIN (SW={sw:04X}); no try was counted")
        self.sw = sw


class NotConfirmedError(AosignError):
    """The user did not confirm a last try (``asked``), or could not be asked: nothing was sent.

    :param about: what the yes was for: ``"final_try"`` (the code's last try), ``"unknown_count"`` (a try against a
        count the card does not tell) or ``"repeated"`` (a current PIN or code of one repeated character).
    """

    def __init__(self, message: str, *, asked: bool = False, about: str = "final_try") -> None:
        super().__init__(message)
        self.asked = asked
        self.about = about


class NoAnswerError(NotConfirmedError):
    """Input ended before every answer was given: nothing was sent. ``reported``: the front end already said why
    (an answer too long to be one), so "no answer" is not said again."""

    def __init__(self, message: str, *, reported: bool = False) -> None:
        super().__init__(message)
        self.reported = reported


class CardStateChangedError(AosignError):
    """The card's counters changed between the reading shown to the user and the operation: nothing was sent."""


class CardChangedError(CardStateChangedError):
    """The card in the reader is not the card whose state was shown (swapped, or taken out and another put in):
    nothing was sent. ``now`` names the card found, when one is present."""

    def __init__(self, message: str, *, now: CardIdentity | None = None) -> None:
        super().__init__(message)
        self.now = now


@unique
class UnavailableReason(Enum):
    """Why the card cannot be reached: a stable word (JSON's ``error.code``), each with its text in the catalogs
    (``unavailable.<value>``)."""

    NO_SERVICE = "no_service"
    NO_READER = "no_reader"
    NO_CARD = "no_card"
    SEVERAL_CARDS = "several_cards"
    CARD_GONE = "card_gone"
    #: another application holds the card exclusively (PC/SC sharing violation): wait, then try again
    CARD_IN_USE = "card_in_use"
    #: another application reset the card during the operation
    CARD_RESET = "card_reset"
    NO_SIM_CARD = "no_sim_card"
    MODULE = "module"
    #: the PKCS#11 module is built for another bitness, processor, is quarantined (macOS) or misses a DLL (Windows)
    MODULE_BITNESS = "module_bitness"
    MODULE_ARCH = "module_arch"
    MODULE_QUARANTINE = "module_quarantine"
    MODULE_DEPENDENCY = "module_dependency"
    NO_TOKEN = "no_token"
    SEVERAL_TOKENS = "several_tokens"
    PROTOCOL = "protocol"
    #: the simulated card's state file: cut short or not a card state, a value no card can have, unreadable, a
    #: symbolic link, or a save that failed; its APDU log cannot be written or is not such a log
    SIM_STATE_CORRUPT = "sim_state_corrupt"
    SIM_STATE_INVALID = "sim_state_invalid"
    SIM_STATE_UNREADABLE = "sim_state_unreadable"
    SIM_STATE_SYMLINK = "sim_state_symlink"
    SIM_STATE_UNWRITABLE = "sim_state_unwritable"
    SIM_LOG_UNWRITABLE = "sim_log_unwritable"
    SIM_LOG_CORRUPT = "sim_log_corrupt"
    #: backend "auto": no AOSign card in a reader and no simulated card; AOSign cards in several readers
    NO_CARD_AUTO = "no_card_auto"
    SEVERAL_AOSIGN_CARDS = "several_aosign_cards"


class CardUnavailableError(AosignError):
    """No service, no reader, no card, no module, or the card did not answer (exit 6).

    :param reason: the case; its word is checked (an unknown word is a programming error, caught by the tests).
    :param detail: reader names, paths or the SW: never a secret; it holds what a reader, a module or a card named
        itself, so it is :class:`~hostapp_stub.api.Untrusted`.
    :param sim_state: the simulated card's state file the case is about (its fix names it: ``--state PATH``).
    """

    def __init__(self, reason: UnavailableReason | str, detail: str = "", *, sim_state: str | None = None) -> None:
        self.reason = UnavailableReason(reason)
        super().__init__(f"{self.reason.value}: {detail}" if detail else self.reason.value)
        self.detail = Untrusted(detail)
        self.sim_state = sim_state
        #: it was found before the try was sent (the card taken out while the answers were typed): nothing was sent
        self.nothing_sent = False


class CardProtocolError(CardUnavailableError):
    """The card answered a status word this protocol does not expect; ``sw`` names it.

    :param sw_text: the status word as the APDU floor names it (``SW=0x6A88 (REFERENCE_NOT_FOUND)``); the domain
        knows no status word names.
    """

    def __init__(self, sw: int, during: str, sw_text: str | None = None) -> None:
        super().__init__(UnavailableReason.PROTOCOL, f"{sw_text or f'SW=0x{sw:04X}'} during {during}")
        self.sw = sw
        self.during = during
