"""The card's own counters behind a PKCS#11 token: what the card says, not only what the module's flags say.

Many modules never ask a card they do not know for its counters (OpenSC's generic driver: "Card does not support
PIN status queries"), so their token flags show no COUNT_LOW, FINAL_TRY or LOCKED even for a locked card. When the
token's slot is a PC/SC reader holding a card that answers the card dialect's SELECT, the counters are read from the
card itself with the same empty VERIFYs as the PC/SC backend (no try spent), and cross-checked with the flags: the
worse wins. ``[pkcs11] card_counters = false`` turns this off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aosign_plugin.domain.card_status import CardStatus
from aosign_plugin.domain.errors import AosignError
from hostapp_stub.api import replace

if TYPE_CHECKING:
    from aosign_plugin.backends import CardBackend
    from aosign_plugin.config.settings import Settings

__all__ = ["card_reading", "release_card_behind", "with_card_counters"]

#: PKCS#11's CK_SLOT_INFO.slotDescription: 64 bytes, blank-padded (a longer reader name is cut)
_SLOT_DESCRIPTION_BYTES = 64


def _slot_reader(backend: CardBackend) -> str | None:
    """The PC/SC reader name the token's slot stands for (as OpenSC and most modules over PC/SC name slots)."""
    from aosign_plugin.backends.pkcs11.backend import Pkcs11Backend

    description = backend.slot_description if isinstance(backend, Pkcs11Backend) else None
    if not description:
        return None
    name = description.encode("utf-8")[:_SLOT_DESCRIPTION_BYTES].decode("utf-8", "ignore").strip()
    return name or None


def card_reading(backend: CardBackend, settings: Settings) -> CardStatus | None:
    """The card's own counters behind the token (empty VERIFYs over PC/SC, no try spent), as status reads them;
    None when the slot is not a PC/SC reader, pyscard cannot reach it, the reader holds no card, or the card does
    not answer the dialect's SELECT."""
    reader = _slot_reader(backend)
    if reader is None:
        return None
    try:
        from aosign_plugin.backends.pcsc_backend import PcscBackend

        # the counters only: the certificates are the token's (certificate_paths=(): no file read over PC/SC)
        return PcscBackend(replace(settings, pcsc_reader=reader, certificate_paths=())).status()
    except (AosignError, ImportError):
        return None


def with_card_counters(status: CardStatus, backend: CardBackend, settings: Settings) -> CardStatus:
    """``status`` (from the module's flags) with the card's own counters where the card can be read.

    Returns ``status`` unchanged when the slot is not a PC/SC reader, pyscard cannot reach it, the reader holds no
    card, or the card does not answer the dialect's SELECT.
    """
    exact = card_reading(backend, settings)
    if exact is None:
        return status
    return replace(status, pin=exact.pin.worse(status.pin), unblock=exact.unblock.worse(status.unblock))


def release_card_behind(backend: CardBackend, settings: Settings) -> bool:
    """After a PIN operation through the module (its sessions logged out and closed): where the token's slot is a
    PC/SC reader, clear the card's security state the way the PC/SC path ends its PIN operations (an empty
    transaction ended with the dialect's ``release``: a reset, or unpowering), so that the next application finds
    no verified PIN (a module's ``C_Logout`` may leave the card itself verified: OpenSC's generic driver does).

    :returns: whether the card was released so; False where the slot is no PC/SC reader or it cannot be reached.
    """
    reader = _slot_reader(backend)
    if reader is None:
        return False
    try:
        from aosign_plugin.transport import TransportError
        from aosign_plugin.transport.pyscard_reader import open_named_reader
    except ImportError:
        return False
    try:
        with open_named_reader(reader, busy_wait=settings.card_busy_wait) as conn:
            conn.release = settings.dialect.release.value
            with conn.transaction():
                pass
    except TransportError as e:
        from aosign_plugin.domain.logs import get_logger

        # a slot that is no reader here (SoftHSM2's), or no PC/SC service: nothing of the module's to clear over PC/SC
        get_logger(__name__).debug("could not reset the card behind the token: %s", e.reason.value)
        return False
    return True
