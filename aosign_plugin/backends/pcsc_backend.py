"""PC/SC backend: a real reader through pcscd (or WinSCard / CryptoTokenKit's PC/SC layer)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aosign_plugin.backends.apdu_backend import ApduBackend
from aosign_plugin.config.settings import Settings
from aosign_plugin.transport import SmartCardConnection

if TYPE_CHECKING:
    from aosign_plugin.domain.card_status import CardIdentity
    from aosign_plugin.transport.presence import Presence, PresenceWatch

__all__ = ["PcscBackend"]


class PcscBackend(ApduBackend):
    """The card in the one reader that matches ``[pcsc] reader`` and holds a card.

    :param exact_reader: that reader only (the one the ``auto`` backend found holding the AOSign card).
    """

    name = "pcsc"

    def __init__(self, settings: Settings, *, exact_reader: str | None = None) -> None:
        super().__init__(
            settings.dialect,
            certificate_paths=settings.certificate_paths,
            expiry_warn_days=settings.expiry_warn_days,
        )
        self.reader_match = settings.pcsc_reader
        self.exact_reader = exact_reader
        self.busy_wait = settings.card_busy_wait

    def connect(self) -> SmartCardConnection:
        from aosign_plugin.transport.pyscard_reader import open_reader

        return open_reader(self.reader_match, exact=self.exact_reader, busy_wait=self.busy_wait)

    def _probe(self) -> CardIdentity:
        from aosign_plugin.transport.pyscard_reader import probe

        return probe(self.reader_match)

    def watch(self, on_change: Callable[[Presence], None]) -> PresenceWatch:
        from aosign_plugin.transport.pyscard_reader import PcscWatch

        return PcscWatch(self.reader_match, on_change).start()
