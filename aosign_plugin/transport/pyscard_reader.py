"""PC/SC transport over pyscard's thin ``smartcard.scard`` layer: the only module that imports pyscard.

The low-level layer is used (not ``smartcard.System``) because it is all we need and it loads fastest.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from smartcard import scard

from aosign_plugin.transport import CardGoneError, SmartCardConnection, TransportError

__all__ = ["PcscConnection", "aosign_readers", "open_reader"]

_GONE = {
    scard.SCARD_W_REMOVED_CARD,
    scard.SCARD_E_NO_SMARTCARD,
    scard.SCARD_W_RESET_CARD,
    scard.SCARD_W_UNPOWERED_CARD,
    scard.SCARD_W_UNRESPONSIVE_CARD,
    scard.SCARD_E_COMM_DATA_LOST,
    scard.SCARD_E_NO_SERVICE,
    scard.SCARD_E_SERVICE_STOPPED,
    scard.SCARD_E_READER_UNAVAILABLE,
    scard.SCARD_E_UNKNOWN_READER,
    scard.SCARD_E_INVALID_HANDLE,
    scard.SCARD_E_NOT_TRANSACTED,
}


def _message(hresult: int) -> str:
    return f"{scard.SCardGetErrorMessage(hresult).strip()} (0x{hresult & 0xFFFFFFFF:08X})"


def _context() -> Any:
    hresult, hcontext = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        raise TransportError("no_service", _message(hresult))
    return hcontext


class PcscConnection(SmartCardConnection):
    """One card in one reader, shared; :meth:`transaction` makes an operation exclusive."""

    def __init__(self, hcontext: Any, reader: str) -> None:
        self._hcontext = hcontext
        self.reader = reader
        hresult, self._hcard, self._protocol = scard.SCardConnect(
            hcontext, reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
        )
        if hresult != scard.SCARD_S_SUCCESS:
            self._hcard = None
            raise CardGoneError(f"{reader}: {_message(hresult)}", reader=reader)

    def send_and_receive(self, apdu: bytes | bytearray) -> tuple[bytes, int]:
        if self._hcard is None:
            raise CardGoneError("connection closed", reader=self.reader)
        command = list(apdu)
        try:
            hresult, response = scard.SCardTransmit(self._hcard, self._protocol, command)
        finally:
            command.clear()
        if hresult != scard.SCARD_S_SUCCESS:
            raise CardGoneError(f"{self.reader}: {_message(hresult)}", reader=self.reader)
        if len(response) < 2:
            raise CardGoneError(f"{self.reader}: response shorter than a status word", reader=self.reader)
        return bytes(response[:-2]), response[-2] << 8 | response[-1]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        hresult = scard.SCardBeginTransaction(self._hcard)
        if hresult != scard.SCARD_S_SUCCESS:
            raise CardGoneError(f"{self.reader}: {_message(hresult)}", reader=self.reader)
        try:
            yield
        finally:
            scard.SCardEndTransaction(self._hcard, scard.SCARD_LEAVE_CARD)

    def close(self) -> None:
        if self._hcard is not None:
            scard.SCardDisconnect(self._hcard, scard.SCARD_LEAVE_CARD)
            self._hcard = None
            scard.SCardReleaseContext(self._hcontext)


def _present(hcontext: Any, readers: list[str]) -> list[str]:
    hresult, states = scard.SCardGetStatusChange(hcontext, 0, [(r, scard.SCARD_STATE_UNAWARE) for r in readers])
    if hresult != scard.SCARD_S_SUCCESS:
        raise TransportError("no_reader", _message(hresult))
    return [name for name, event, _atr in states if event & scard.SCARD_STATE_PRESENT]


def _answers_select(hcontext: Any, reader: str, select: list[int]) -> bool:
    """The card in ``reader`` answers ``select`` with 9000 or 61xx (shared access; the card is left as it is)."""
    hresult, hcard, protocol = scard.SCardConnect(
        hcontext, reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
    )
    if hresult != scard.SCARD_S_SUCCESS:
        return False
    try:
        hresult, response = scard.SCardTransmit(hcard, protocol, select)
        if hresult != scard.SCARD_S_SUCCESS or len(response) < 2:
            return False
        sw = int(response[-2]) << 8 | int(response[-1])
        return sw == 0x9000 or sw & 0xFF00 == 0x6100
    finally:
        scard.SCardDisconnect(hcard, scard.SCARD_LEAVE_CARD)


def aosign_readers(select: bytes | bytearray | None, match: str | None = None) -> tuple[list[str], list[str]]:
    """The readers (whose name contains ``match``, all when None) holding a card, and of those the ones whose
    card answers ``select`` (the AOSign application's SELECT; ``None``: every card counts).

    :raises TransportError: ``no_service`` (no PC/SC service); no reader at all is two empty lists.
    """
    hcontext = _context()
    try:
        hresult, readers = scard.SCardListReaders(hcontext, [])
        if hresult != scard.SCARD_S_SUCCESS or not readers:
            return [], []
        candidates = [r for r in readers if match is None or match.casefold() in r.casefold()]
        holding = _present(hcontext, candidates) if candidates else []
        if select is None:
            return holding, holding
        return holding, [r for r in holding if _answers_select(hcontext, r, list(select))]
    finally:
        scard.SCardReleaseContext(hcontext)


def open_reader(match: str | None, *, exact: str | None = None) -> PcscConnection:
    """Connect to the one reader holding a card among those whose name contains ``match`` (all when None).

    :param exact: the reader's whole name (the one that the ``auto`` backend found): that reader only.
    :raises TransportError: its text starts with a reason code: ``no_service``, ``no_reader``, ``no_card`` or
        ``several_cards``, followed by the reader names involved; a guess is never made.
    """
    hcontext = _context()
    try:
        hresult, readers = scard.SCardListReaders(hcontext, [])
        if hresult == scard.SCARD_E_NO_READERS_AVAILABLE or (hresult == scard.SCARD_S_SUCCESS and not readers):
            raise TransportError("no_reader")
        if hresult != scard.SCARD_S_SUCCESS:
            raise TransportError("no_reader", _message(hresult))
        if exact is not None:
            candidates = [r for r in readers if r == exact]
        else:
            candidates = [r for r in readers if match is None or match.casefold() in r.casefold()]
        if not candidates:
            raise TransportError("no_reader", ", ".join(readers))
        holding = _present(hcontext, candidates)
        if not holding:
            raise TransportError("no_card", ", ".join(candidates))
        if len(holding) > 1:
            raise TransportError("several_cards", ", ".join(holding))
        return PcscConnection(hcontext, holding[0])
    except BaseException:
        scard.SCardReleaseContext(hcontext)
        raise
