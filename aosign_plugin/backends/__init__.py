"""Floor 7, backends: how the service reaches the card (PC/SC, PKCS#11 in :mod:`.pkcs11`, the simulated card's link,
the card's own counters behind a token). Each is imported only when the manifest picks it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable

    from aosign_plugin.config.settings import Settings
    from aosign_plugin.domain.card_status import CardIdentity, CardStatus, Counter
    from aosign_plugin.domain.secret import Secret
    from aosign_plugin.transport.presence import Presence, PresenceWatch

__all__ = ["CardBackend", "open_backend"]


class CardBackend(Protocol):
    """The three things the service asks of a card. Errors are those of :mod:`aosign_plugin.domain.errors` only."""

    name: str
    #: the reader (or token and slot) the last operation reached; None before
    reader: str | None

    @property
    def protected_path(self) -> bool:
        """The PINs are typed on the reader's PIN pad: the service asks for none."""
        ...

    def status(self) -> CardStatus:
        """Read both counters without spending a try, with the card's identity."""
        ...

    def identity(self) -> CardIdentity:
        """Which card is there now, without an APDU (PC/SC's reader state, the token's info, the sim's state).

        :raises CardUnavailableError: none can be reached.
        """
        ...

    def watch(self, on_change: Callable[[Presence], None]) -> PresenceWatch:
        """Watch the card's presence from a background thread, without an APDU; the caller closes it."""
        ...

    def change_pin(self, old: Secret | None, new: Secret | None, *, seen: Counter) -> None:
        """Change the PIN with one try of ``old``; ``seen`` is the counter the user was shown.

        ``None`` for both: the PINs are entered on the reader's PIN pad (backends with ``protected_path``).

        :raises CardStateChangedError: the counter dropped since ``seen``; nothing was sent.
        """
        ...

    def unblock_pin(self, code: Secret | None, new: Secret | None, *, seen: Counter) -> None:
        """Reset the PIN with one try of the unblocking ``code``; ``seen`` as for :meth:`change_pin`."""
        ...


def open_backend(settings: Settings) -> CardBackend:
    """The backend the settings name (``auto``: the one it stands for now), its heavy imports done only now.

    :raises CardUnavailableError: ``auto`` finds no card, or AOSign cards in several readers.
    """
    from aosign_plugin.config.settings import Backend

    if settings.backend is Backend.PCSC:
        from aosign_plugin.backends.pcsc_backend import PcscBackend

        return PcscBackend(settings)
    if settings.backend is Backend.AUTO:
        from aosign_plugin.backends.auto_backend import choose_backend

        return choose_backend(settings)
    if settings.backend is Backend.PKCS11:
        from aosign_plugin.backends.pkcs11.backend import Pkcs11Backend

        return Pkcs11Backend(settings, unblock_style=settings.pkcs11_unblock, module_path=settings.pkcs11_module)
    from aosign_plugin.backends.sim_backend import SimBackend

    return SimBackend(settings)
