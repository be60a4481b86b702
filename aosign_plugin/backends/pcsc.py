"""PC/SC backend: a real reader through pcscd (or WinSCard / CryptoTokenKit's PC/SC layer)."""

from __future__ import annotations

from ..settings import Settings
from ..transport import SmartCardConnection
from .apdu import ApduBackend

__all__ = ["PcscBackend"]


class PcscBackend(ApduBackend):
    """The card in the one reader that matches ``[pcsc] reader`` and holds a card."""

    name = "pcsc"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings.dialect)
        self.reader_match = settings.pcsc_reader

    def connect(self) -> SmartCardConnection:
        from ..transport.pcsc import open_reader

        return open_reader(self.reader_match)
