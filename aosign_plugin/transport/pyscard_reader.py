"""PC/SC transport over pyscard's thin ``smartcard.scard`` layer: the only module that imports pyscard.

The low-level layer is used (not ``smartcard.System``) because it is all we need and it loads fastest.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from smartcard import scard

from aosign_plugin.domain.card_status import CardIdentity
from aosign_plugin.transport import CardGoneError, SmartCardConnection, TransportError
from aosign_plugin.transport.presence import Presence, PresenceWatch

__all__ = ["PcscConnection", "PcscWatch", "open_reader", "probe"]

#: pcsc-lite's (and WinSCard's) pseudo reader whose state changes when a reader is plugged in or out
PNP_READER = "\\\\?PnP?\\Notification"
#: how long one SCardGetStatusChange blocks before the watch looks again (SCardCancel ends it at once)
WAIT_MS = 60_000
#: how long the watch waits before trying the service again when it is not running
RETRY_S = 1.0

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

    def identity(self) -> CardIdentity:
        """Which card this is (reader, ATR, the reader's card event count), from the service: no APDU."""
        hresult, _reader, _state, _protocol, atr = scard.SCardStatus(self._hcard)
        if hresult != scard.SCARD_S_SUCCESS:
            raise CardGoneError(f"{self.reader}: {_message(hresult)}", reader=self.reader)
        insertion: int | None = None
        hresult, states = scard.SCardGetStatusChange(self._hcontext, 0, [(self.reader, scard.SCARD_STATE_UNAWARE)])
        if hresult == scard.SCARD_S_SUCCESS and states:
            insertion = _events(states[0][1])
        return CardIdentity(reader=self.reader, atr=bytes(atr).hex().upper(), insertion=insertion)

    def close(self) -> None:
        if self._hcard is not None:
            scard.SCardDisconnect(self._hcard, scard.SCARD_LEAVE_CARD)
            self._hcard = None
            scard.SCardReleaseContext(self._hcontext)


def _events(event_state: int) -> int:
    """The reader's card event count: the high word of its state (pcsc-lite, WinSCard)."""
    return (event_state >> 16) & 0xFFFF


def _card_of(reader: str, event_state: int, atr: list[int]) -> CardIdentity | None:
    """The card a reader state shows, None when it holds none that answered (empty, or mute)."""
    if not event_state & scard.SCARD_STATE_PRESENT or event_state & scard.SCARD_STATE_MUTE:
        return None
    return CardIdentity(reader=reader, atr=bytes(atr).hex().upper(), insertion=_events(event_state))


def _candidates(hcontext: Any, match: str | None) -> list[str]:
    hresult, readers = scard.SCardListReaders(hcontext, [])
    if hresult in (scard.SCARD_E_NO_SERVICE, scard.SCARD_E_SERVICE_STOPPED):
        raise TransportError("no_service", _message(hresult))
    if hresult == scard.SCARD_E_NO_READERS_AVAILABLE or (hresult == scard.SCARD_S_SUCCESS and not readers):
        raise TransportError("no_reader")
    if hresult != scard.SCARD_S_SUCCESS:
        raise TransportError("no_reader", _message(hresult))
    candidates = [r for r in readers if match is None or match.casefold() in r.casefold()]
    if not candidates:
        raise TransportError("no_reader", ", ".join(readers))
    return candidates


def _holding(hcontext: Any, match: str | None) -> CardIdentity:
    """The one card in the readers ``match`` picks (all when None), from the service's reader states: no APDU."""
    candidates = _candidates(hcontext, match)
    hresult, states = scard.SCardGetStatusChange(hcontext, 0, [(r, scard.SCARD_STATE_UNAWARE) for r in candidates])
    if hresult != scard.SCARD_S_SUCCESS:
        raise TransportError("no_reader", _message(hresult))
    holding = [card for card in (_card_of(*state) for state in states) if card is not None]
    if not holding:
        raise TransportError("no_card", ", ".join(candidates))
    if len(holding) > 1:
        raise TransportError("several_cards", ", ".join(str(card.reader) for card in holding))
    return holding[0]


def probe(match: str | None) -> CardIdentity:
    """Which card is in the reader now (reader, ATR, event count), asked of the service alone: no APDU, no
    connection.

    :raises TransportError: as :func:`open_reader`.
    """
    hcontext = _context()
    try:
        return _holding(hcontext, match)
    finally:
        scard.SCardReleaseContext(hcontext)


def open_reader(match: str | None) -> PcscConnection:
    """Connect to the one reader holding a card among those whose name contains ``match`` (all when None).

    :raises TransportError: its text starts with a reason code: ``no_service``, ``no_reader``, ``no_card`` or
        ``several_cards``, followed by the reader names involved; a guess is never made.
    """
    hcontext = _context()
    try:
        card = _holding(hcontext, match)
        assert card.reader is not None
        return PcscConnection(hcontext, card.reader)
    except BaseException:
        scard.SCardReleaseContext(hcontext)
        raise


_SERVICE_GONE = {scard.SCARD_E_NO_SERVICE, scard.SCARD_E_SERVICE_STOPPED, scard.SCARD_E_INVALID_HANDLE}


class PcscWatch(PresenceWatch):
    """Watches the readers ``match`` picks through ``SCardGetStatusChange`` (blocking, woken by ``SCardCancel``):
    cards arriving and leaving, readers plugged in and out (the PnP pseudo reader), the service stopping and coming
    back (tried again every :data:`RETRY_S`). Sends no APDU and never connects to a card."""

    def __init__(self, match: str | None, on_change: Callable[[Presence], None]) -> None:
        super().__init__(on_change, name="aosign-pcsc-watch")
        self.match = match
        self._hcontext: Any = None

    def _interrupt(self) -> None:
        hcontext = self._hcontext
        if hcontext is not None:
            scard.SCardCancel(hcontext)

    def _watch(self) -> None:
        while not self._stopping.is_set():
            hresult, hcontext = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if hresult != scard.SCARD_S_SUCCESS:
                self._report(Presence("no_service", detail=_message(hresult)))
                self._stopping.wait(RETRY_S)
                continue
            self._hcontext = hcontext
            try:
                if not self._stopping.is_set():
                    self._follow(hcontext)
            finally:
                self._hcontext = None
                scard.SCardReleaseContext(hcontext)

    def _follow(self, hcontext: Any) -> None:
        """Follow the readers until the service goes away (then return) or the watch is closed."""
        known: dict[str, int] = {}
        pnp = scard.SCARD_STATE_UNAWARE
        while not self._stopping.is_set():
            try:
                readers = _candidates(hcontext, self.match)
            except TransportError as e:
                if e.reason.value == "no_service":
                    self._report(Presence("no_service", detail=e.detail))
                    self._stopping.wait(RETRY_S)
                    return
                readers = []
                self._report(Presence("no_reader", detail=e.detail))
            query = [(r, known.get(r, scard.SCARD_STATE_UNAWARE)) for r in readers] + [(PNP_READER, pnp)]
            hresult, states = scard.SCardGetStatusChange(hcontext, WAIT_MS, query)
            if hresult == scard.SCARD_E_CANCELLED or self._stopping.is_set():
                return
            if hresult in _SERVICE_GONE:
                self._report(Presence("no_service", detail=_message(hresult)))
                self._stopping.wait(RETRY_S)
                return
            if hresult == scard.SCARD_E_TIMEOUT:
                continue
            if hresult != scard.SCARD_S_SUCCESS:  # a reader went away mid-call: list them again, calmly
                known.clear()
                self._stopping.wait(0.2)
                continue
            cards: list[CardIdentity] = []
            for name, event_state, atr in states:
                if name == PNP_READER:
                    pnp = event_state & ~scard.SCARD_STATE_CHANGED
                    continue
                known[name] = event_state & ~scard.SCARD_STATE_CHANGED
                card = _card_of(name, event_state, atr)
                if card is not None:
                    cards.append(card)
            if readers:
                state = "card" if cards else "no_card"
                self._report(Presence(state, tuple(cards), ", ".join(readers)))
