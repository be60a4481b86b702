"""PC/SC transport over pyscard's thin ``smartcard.scard`` layer: the only module that imports pyscard.

The low-level layer is used (not ``smartcard.System``) because it is all we need and it loads fastest; it is loaded
without running the ``smartcard`` package's ``__init__`` (see :func:`_load_scard`). Every failed
call is named by :mod:`.pcsc_codes` (our own texts per return code; pyscard's ``SCardGetErrorMessage`` is never
called: before pyscard 2.2.1 it raised ``UnicodeDecodeError`` on Japanese Windows).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any, TypeVar

from aosign_plugin.config.platforms import os_key
from aosign_plugin.domain.card_status import CardIdentity
from aosign_plugin.transport import CardGoneError, SmartCardConnection, TransportError
from aosign_plugin.transport.pcsc_codes import Stage, classify, context_dead, describe
from aosign_plugin.transport.presence import Presence, PresenceWatch
from hostapp_stub.api import Untrusted, untrusted

__all__ = [
    "PcscConnection",
    "PcscWatch",
    "aosign_readers",
    "open_named_reader",
    "open_reader",
    "probe",
    "service_socket",
    "survey",
]


def _load_scard() -> ModuleType:
    """pyscard's ``smartcard.scard`` layer, without the ``smartcard`` package's ``__init__``.

    That ``__init__`` loads pyscard's whole high-level framework (sessions, reader factories, card-connection
    observers: ~7 ms, more than the APDUs of ``status``), which this module never uses. The package is put in
    ``sys.modules`` unrun only while its ``scard`` layer loads; then it and what loaded under it are taken out again,
    so this module keeps a private copy of the layer, and a later ``import smartcard`` (another plugin's) imports
    pyscard as usual. When pyscard is imported already, its own layer is used. No pyscard:
    :class:`ModuleNotFoundError`, as an import would raise.
    """
    import importlib
    import importlib.util

    if "smartcard" in sys.modules:
        return importlib.import_module("smartcard.scard")

    spec = importlib.util.find_spec("smartcard")
    if spec is None:
        raise ModuleNotFoundError("No module named 'smartcard'", name="smartcard")
    if spec.submodule_search_locations is None:  # a module of that name, not pyscard's package
        raise ModuleNotFoundError(f"'smartcard' at {spec.origin} is not pyscard's package", name="smartcard.scard")
    before = set(sys.modules)
    sys.modules["smartcard"] = importlib.util.module_from_spec(spec)  # the package's folders; __init__ not run
    try:
        return importlib.import_module("smartcard.scard")
    finally:
        for name in set(sys.modules) - before:
            if name == "smartcard" or name.startswith("smartcard."):
                del sys.modules[name]


scard = _load_scard()

#: pcsc-lite's (and WinSCard's) pseudo reader whose state changes when a reader is plugged in or out
PNP_READER = "\\\\?PnP?\\Notification"
#: how long one SCardGetStatusChange blocks before the watch looks again (SCardCancel ends it at once)
WAIT_MS = 60_000
#: how long the watch waits before trying the service again when it is not running (or its context died)
RETRY_S = 1.0
#: without the PnP pseudo reader (macOS): how long one SCardGetStatusChange waits before the readers are listed again
POLL_MS = 1_000
#: how long connecting or beginning a transaction waits for another program holding the card (``[plugin]
#: card_busy_wait`` sets it per deployment)
BUSY_WAIT_S = 5.0

T = TypeVar("T")

_PROTOCOLS = scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
_W_RESET_CARD = scard.SCARD_W_RESET_CARD & 0xFFFFFFFF
#: how the card is left when the connection ends (:attr:`SmartCardConnection.release`)
_DISPOSITION = {
    "leave": scard.SCARD_LEAVE_CARD,
    "reset": scard.SCARD_RESET_CARD,
    "unpower": scard.SCARD_UNPOWER_CARD,
}


def _failure(hresult: int, stage: Stage, *, names: str = "", reader: str | None = None) -> TransportError:
    """The transport error for a failed call: the reason per :func:`.pcsc_codes.classify`, our own detail text."""
    reason = classify(hresult, stage, os_key())
    detail = f"{names}: {describe(hresult)}" if names else describe(hresult)
    if reason == "card_gone":
        return CardGoneError(detail, reader=reader)
    return TransportError(reason, detail, reader=reader)


def _message(hresult: int) -> str:
    return describe(hresult)


def _context() -> Any:
    hresult, hcontext = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        raise _failure(hresult, Stage.CONTEXT)
    return hcontext


class PcscConnection(SmartCardConnection):
    """One card in one reader, shared; :meth:`transaction` makes an operation exclusive."""

    def __init__(self, hcontext: Any, reader: str, *, busy_wait: float = BUSY_WAIT_S) -> None:
        """Connect (shared) to the card in ``reader``; the connection owns ``hcontext`` from now on (released at
        :meth:`close`, or here when connecting fails).

        :param busy_wait: how long connecting, and later beginning a transaction, may wait for another program that
            holds the card (its transaction or an exclusive connection): then ``card_in_use``, nothing sent.
        """
        self._hcontext = hcontext
        self.reader = reader
        self.busy_wait = busy_wait
        #: the card's security state was cleared at the end of the transaction (nothing left to do at close)
        self._released = False
        self._hcard: Any = None

        def abandon(result: tuple[int, Any, Any]) -> None:
            if result[0] == scard.SCARD_S_SUCCESS:
                scard.SCardDisconnect(result[1], scard.SCARD_LEAVE_CARD)
            scard.SCardReleaseContext(hcontext)

        hresult, hcard, self._protocol = self._bounded(
            lambda: scard.SCardConnect(hcontext, reader, scard.SCARD_SHARE_SHARED, _PROTOCOLS), abandon, "SCardConnect"
        )
        if hresult != scard.SCARD_S_SUCCESS:
            scard.SCardReleaseContext(hcontext)
            self._hcontext = None
            raise _failure(hresult, Stage.CONNECT, names=reader, reader=reader)
        self._hcard = hcard

    def _bounded(self, call: Callable[[], T], abandon: Callable[[T], None], what: str) -> T:
        """``call`` within :attr:`busy_wait`. Given up on (the limit, Ctrl-C): the handle and the context belong to
        the abandoned call from then on (``abandon`` frees them when it returns), and this connection is closed."""
        from aosign_plugin.transport.bounded import BusyError, bounded_call

        try:
            return bounded_call(call, self.busy_wait, abandon, name=f"aosign-{what}")
        except (BusyError, KeyboardInterrupt) as e:
            self._hcard = None
            self._hcontext = None
            if isinstance(e, BusyError):
                detail = f"{self.reader}: {what} waited {e.waited:g} s"
                raise TransportError("card_in_use", detail, reader=self.reader) from None
            raise

    def send_and_receive(self, apdu: bytes | bytearray) -> tuple[bytes, int]:
        if self._hcard is None:
            raise CardGoneError("connection closed", reader=self.reader)
        command = list(apdu)
        try:
            hresult, response = scard.SCardTransmit(self._hcard, self._protocol, command)
        finally:
            command.clear()
        if hresult != scard.SCARD_S_SUCCESS:
            raise _failure(hresult, Stage.TRANSMIT, names=self.reader or "", reader=self.reader)
        if len(response) < 2:
            raise CardGoneError(f"{self.reader}: response shorter than a status word", reader=self.reader)
        return bytes(response[:-2]), response[-2] << 8 | response[-1]

    def _begin(self) -> None:
        hcard, hcontext = self._hcard, self._hcontext

        def abandon(hresult: int) -> None:
            if hresult == scard.SCARD_S_SUCCESS:
                scard.SCardEndTransaction(hcard, scard.SCARD_LEAVE_CARD)
            scard.SCardDisconnect(hcard, scard.SCARD_LEAVE_CARD)
            scard.SCardReleaseContext(hcontext)

        hresult = self._bounded(lambda: int(scard.SCardBeginTransaction(hcard)), abandon, "SCardBeginTransaction")
        if hresult & 0xFFFFFFFF == _W_RESET_CARD:
            # another application reset the card since we connected: nothing of ours was sent yet (no APDU at all),
            # so reconnecting once, before anything is sent, repeats nothing
            hresult, self._protocol = scard.SCardReconnect(
                self._hcard, scard.SCARD_SHARE_SHARED, _PROTOCOLS, scard.SCARD_LEAVE_CARD
            )
            if hresult == scard.SCARD_S_SUCCESS:
                hresult = self._bounded(
                    lambda: int(scard.SCardBeginTransaction(hcard)), abandon, "SCardBeginTransaction"
                )
        if hresult != scard.SCARD_S_SUCCESS:
            raise _failure(hresult, Stage.TRANSACTION, names=self.reader or "", reader=self.reader)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._hcard is None:
            raise CardGoneError("connection closed", reader=self.reader)
        self._begin()
        try:
            yield
        finally:
            # clearing the security state inside our transaction: no other application gets the card verified in
            # between
            disposition = _DISPOSITION[self.release]
            hresult = scard.SCardEndTransaction(self._hcard, disposition)
            # macOS's PC/SC layer (CryptoTokenKit's) is not relied upon to honour EndTransaction's disposition: there
            # the card is reset again at disconnect
            self._released = (
                hresult == scard.SCARD_S_SUCCESS and disposition != scard.SCARD_LEAVE_CARD and sys.platform != "darwin"
            )

    def identity(self) -> CardIdentity:
        """Which card this is (reader, ATR, the reader's card event count), from the service: no APDU."""
        hresult, _reader, _state, _protocol, atr = scard.SCardStatus(self._hcard)
        if hresult != scard.SCARD_S_SUCCESS:
            raise CardGoneError(f"{self.reader}: {_message(hresult)}", reader=self.reader)
        insertion: int | None = None
        hresult, states = scard.SCardGetStatusChange(self._hcontext, 0, [(self.reader, scard.SCARD_STATE_UNAWARE)])
        if hresult == scard.SCARD_S_SUCCESS and states and _COUNTS_EVENTS:
            insertion = _events(states[0][1])
        return CardIdentity(reader=untrusted(self.reader), atr=bytes(atr).hex().upper(), insertion=insertion)

    def close(self) -> None:
        if self._hcard is not None:
            disposition = scard.SCARD_LEAVE_CARD if self._released else _DISPOSITION[self.release]
            scard.SCardDisconnect(self._hcard, disposition)
            self._hcard = None
            scard.SCardReleaseContext(self._hcontext)
            self._hcontext = None


def _events(event_state: int) -> int:
    """The reader's card event count: the high word of its state (pcsc-lite, WinSCard)."""
    return (event_state >> 16) & 0xFFFF


#: Apple's PC/SC does not count card events in the high word of a reader's state (it stays 0): there a card is told
#: apart by its ATR and serial alone
_COUNTS_EVENTS = sys.platform != "darwin"


def _card_of(reader: str, event_state: int, atr: list[int], *, counts: bool = _COUNTS_EVENTS) -> CardIdentity | None:
    """The card a reader state shows, None when it holds none that answered (empty, or mute).

    :param counts: the PC/SC layer counts card events (not macOS's): the count is part of the identity.
    """
    if not event_state & scard.SCARD_STATE_PRESENT or event_state & scard.SCARD_STATE_MUTE:
        return None
    return CardIdentity(
        reader=Untrusted(reader), atr=bytes(atr).hex().upper(), insertion=_events(event_state) if counts else None
    )


def _listed(hcontext: Any, match: str | None) -> list[str]:
    """The readers whose name contains ``match`` (all when None). :raises TransportError: none at all, or failed."""
    hresult, readers = scard.SCardListReaders(hcontext, [])
    if hresult == scard.SCARD_E_NO_READERS_AVAILABLE or (hresult == scard.SCARD_S_SUCCESS and not readers):
        raise TransportError("no_reader")
    if hresult != scard.SCARD_S_SUCCESS:
        raise _failure(hresult, Stage.READERS)
    return [r for r in readers if match is None or match.casefold() in r.casefold()]


def _nameable(name: str) -> bool:
    """pyscard (2.3 on Linux and macOS) passes a reader's name back to PC/SC as ASCII only (its issue #106): a
    reader that names itself otherwise (a Japanese name, a control character) cannot be asked about or used."""
    return name.isascii()


def _states(hcontext: Any, readers: list[str]) -> tuple[int, list[tuple[str, int, list[int]]]]:
    """``SCardGetStatusChange`` for ``readers`` now; a reader pyscard cannot name shows no card (never a
    ``UnicodeEncodeError`` out of pyscard)."""
    asked = [r for r in readers if _nameable(r)]
    states: list[tuple[str, int, list[int]]] = []
    if asked:
        hresult, states = scard.SCardGetStatusChange(hcontext, 0, [(r, scard.SCARD_STATE_UNAWARE) for r in asked])
        if hresult != scard.SCARD_S_SUCCESS:
            return hresult, []
    return scard.SCARD_S_SUCCESS, [*states, *((r, 0, []) for r in readers if not _nameable(r))]


def _present(hcontext: Any, readers: list[str]) -> list[str]:
    hresult, states = _states(hcontext, readers)
    if hresult != scard.SCARD_S_SUCCESS:
        raise _failure(hresult, Stage.READERS, names=", ".join(readers))
    return [name for name, event, _atr in states if event & scard.SCARD_STATE_PRESENT]


def _holding(hcontext: Any, match: str | None, exact: str | None = None) -> CardIdentity:
    """The one card in the readers ``match`` picks (all when None; ``exact``: that reader only), from the service's
    reader states: no APDU."""
    listed = _listed(hcontext, None if exact is not None else match)
    candidates = [r for r in listed if r == exact] if exact is not None else listed
    if not candidates:
        raise TransportError("no_reader", ", ".join(_listed(hcontext, None)))
    hresult, states = _states(hcontext, candidates)
    if hresult != scard.SCARD_S_SUCCESS:
        raise _failure(hresult, Stage.READERS, names=", ".join(candidates))
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


def _answers_select(reader: str, select: list[int], busy_wait: float) -> bool | None:
    """The card in ``reader`` answers ``select`` with 9000 or 61xx (shared access; the card is left as it is);
    ``None``: another program holds the card (past ``busy_wait``, or a sharing violation)."""
    try:
        conn = PcscConnection(_context(), reader, busy_wait=busy_wait)
    except TransportError as e:
        return None if e.reason.value == "card_in_use" else False
    try:
        _data, sw = conn.send_and_receive(bytes(select))
    except TransportError as e:
        return None if e.reason.value == "card_in_use" else False
    finally:
        conn.close()
    return sw == 0x9000 or sw & 0xFF00 == 0x6100


def aosign_readers(
    select: bytes | bytearray | None, match: str | None = None, *, busy_wait: float = BUSY_WAIT_S
) -> tuple[list[str], list[str]]:
    """The readers (whose name contains ``match``, all when None) holding a card, and of those the ones whose
    card answers ``select`` (the AOSign application's SELECT; ``None``: every card counts).

    :raises TransportError: ``no_service`` (no PC/SC service); ``card_in_use`` (no card answered, and another
        program held a card past ``busy_wait``: it may be the AOSign card); no reader at all is two empty lists.
    """
    hcontext = _context()
    try:
        hresult, readers = scard.SCardListReaders(hcontext, [])
        if hresult != scard.SCARD_S_SUCCESS or not readers:
            return [], []
        candidates = [r for r in readers if match is None or match.casefold() in r.casefold()]
        holding = _present(hcontext, candidates) if candidates else []
    finally:
        scard.SCardReleaseContext(hcontext)
    if select is None:
        return holding, holding
    answers = {r: _answers_select(r, list(select), busy_wait) for r in holding}
    aosign = [r for r, yes in answers.items() if yes]
    busy = [r for r, yes in answers.items() if yes is None]
    if busy and not aosign:
        raise TransportError("card_in_use", ", ".join(busy))
    return holding, aosign


def open_reader(match: str | None, *, exact: str | None = None, busy_wait: float = BUSY_WAIT_S) -> PcscConnection:
    """Connect to the one reader holding a card among those whose name contains ``match`` (all when None).

    :param exact: the reader's whole name (the one that the ``auto`` backend found): that reader only.
    :param busy_wait: how long to wait for another program holding the card (:class:`PcscConnection`).
    :raises TransportError: its reason is one of :func:`.pcsc_codes.classify`'s or ``several_cards``, with the
        reader names involved; a guess is never made.
    """
    hcontext = _context()
    try:
        card = _holding(hcontext, match, exact)
        assert card.reader is not None
    except BaseException:
        scard.SCardReleaseContext(hcontext)
        raise
    return PcscConnection(hcontext, card.reader, busy_wait=busy_wait)  # owns the context from here


# --- for ``aosign-host doctor``: what PC/SC shows, read without touching a card ----------------------------------


def service_socket() -> str | None:
    """pcsc-lite's socket (Linux and other POSIX but macOS): ``$PCSCLITE_CSOCK_NAME`` or ``/run/pcscd/pcscd.comm``;
    None where the service is no daemon with a socket (Windows, macOS)."""
    import os
    import sys

    if sys.platform in ("win32", "darwin"):
        return None
    return os.environ.get("PCSCLITE_CSOCK_NAME") or "/run/pcscd/pcscd.comm"


def survey() -> list[tuple[str, bytes | None, bool]]:
    """Every reader with the ATR of the card it holds (None: empty) and whether that card is mute.

    :raises TransportError: ``no_service`` (the service did not answer), ``no_reader`` (it failed to list them).
    """
    hcontext = _context()
    try:
        hresult, readers = scard.SCardListReaders(hcontext, [])
        if hresult == scard.SCARD_E_NO_READERS_AVAILABLE or (hresult == scard.SCARD_S_SUCCESS and not readers):
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            raise _failure(hresult, Stage.READERS)
        hresult, states = _states(hcontext, readers)
        if hresult != scard.SCARD_S_SUCCESS:
            raise _failure(hresult, Stage.READERS)
        found: list[tuple[str, bytes | None, bool]] = []
        for name, event, atr in states:
            present = bool(event & scard.SCARD_STATE_PRESENT)
            found.append((Untrusted(name), bytes(atr) if present else None, bool(event & scard.SCARD_STATE_MUTE)))
        return found
    finally:
        scard.SCardReleaseContext(hcontext)


def open_named_reader(reader: str, *, busy_wait: float = BUSY_WAIT_S) -> PcscConnection:
    """Connect (shared) to the card in the reader named exactly ``reader``.

    :raises TransportError: ``no_service``, ``card_in_use`` (held by another program past ``busy_wait``), or
        ``card_gone`` (the card could not be reached).
    """
    return PcscConnection(_context(), reader, busy_wait=busy_wait)  # owns the context from here


def _same(hresult: int, code: int) -> bool:
    """One return code, whether it came signed (WinSCard's LONG) or unsigned."""
    return (hresult ^ code) & 0xFFFFFFFF == 0


class PcscWatch(PresenceWatch):
    """Watches the readers ``match`` picks through ``SCardGetStatusChange`` (woken by ``SCardCancel``): cards
    arriving and leaving, readers plugged in and out, the service stopping and coming back. Sends no APDU and never
    connects to a card.

    Where the PC/SC layer has the PnP pseudo reader (pcsc-lite, WinSCard), reader changes wake the wait; Apple's PC/SC
    never had it, so there each wait is bounded (:data:`POLL_MS`) and the readers are listed again after it. A context
    the service answers as dead (:func:`.pcsc_codes.context_dead`, or any failure to list the readers) is released
    and a new one established after :data:`RETRY_S`: the watch never keeps asking a dead context.

    Every PC/SC call goes through the module's ``scard`` (a test puts recorded WinSCard or PC/SC.framework answers
    there). The OS is :func:`hostapp_stub.platforms.os_key`'s.
    """

    #: consecutive failures of a wait, not known to mean a dead context, after which the context is renewed anyway
    MAX_ODD_FAILURES = 3

    def __init__(self, match: str | None, on_change: Callable[[Presence], None]) -> None:
        super().__init__(on_change, name="aosign-pcsc-watch")
        self.match = match
        self._os = os_key()
        #: the PnP pseudo reader wakes the wait when a reader comes or goes (never on macOS: Apple's PC/SC lacks it)
        self.pnp = self._os != "macos"
        #: the high word of a reader's state counts card events (not on macOS: there it stays 0)
        self._counts_events = self._os != "macos"
        self._hcontext: Any = None
        #: how long to wait before a new context, and how long one bounded wait lasts without PnP (seconds / ms)
        self.retry_s = RETRY_S
        self.poll_ms = POLL_MS

    def _interrupt(self) -> None:
        hcontext = self._hcontext
        if hcontext is not None:
            scard.SCardCancel(hcontext)

    def _dead(self, hresult: int, stage: Stage) -> None:
        """Say why the context is being renewed (in the user's terms)."""
        self._report(Presence(classify(hresult, stage, self._os), detail=_message(hresult)))

    def _watch(self) -> None:
        api = scard
        while not self._stopping.is_set():
            hresult, hcontext = api.SCardEstablishContext(api.SCARD_SCOPE_USER)
            if hresult != api.SCARD_S_SUCCESS:
                self._dead(hresult, Stage.CONTEXT)
                self._stopping.wait(self.retry_s)
                continue
            self._hcontext = hcontext
            try:
                if not self._stopping.is_set():
                    self._follow(hcontext)
            finally:
                self._hcontext = None
                api.SCardReleaseContext(hcontext)
            self._stopping.wait(self.retry_s)  # a context just died: calmly, never a tight loop of new ones

    def _readers(self, hcontext: Any) -> list[str] | None:
        """The readers to watch; None when the context is dead (any failure to list them but "none there")."""
        api = scard
        hresult, listed = api.SCardListReaders(hcontext, [])
        if _same(hresult, api.SCARD_E_NO_READERS_AVAILABLE) or (hresult == api.SCARD_S_SUCCESS and not listed):
            self._report(Presence("no_reader"))
            return []
        if hresult != api.SCARD_S_SUCCESS:
            self._dead(hresult, Stage.READERS)
            return None
        readers = [r for r in listed if self.match is None or self.match.casefold() in r.casefold()]
        if not readers:
            self._report(Presence("no_reader", detail=", ".join(listed)))
        return readers

    def _follow(self, hcontext: Any) -> None:
        """Follow the readers until the context dies (then return) or the watch is closed."""
        api = scard
        known: dict[str, int] = {}
        pnp = api.SCARD_STATE_UNAWARE
        odd = 0
        while not self._stopping.is_set():
            readers = self._readers(hcontext)
            if readers is None:
                return
            query = [(r, known.get(r, api.SCARD_STATE_UNAWARE)) for r in readers if _nameable(r)]
            if self.pnp:
                query.append((PNP_READER, pnp))
            elif not query:  # no PnP and no reader: nothing to wait on but time
                self._stopping.wait(self.poll_ms / 1000)
                continue
            hresult, states = api.SCardGetStatusChange(hcontext, WAIT_MS if self.pnp else self.poll_ms, query)
            if _same(hresult, api.SCARD_E_CANCELLED) or self._stopping.is_set():
                return
            if context_dead(hresult):
                self._dead(hresult, Stage.READERS)
                return
            if _same(hresult, api.SCARD_E_TIMEOUT):
                odd = 0
                continue
            if hresult != api.SCARD_S_SUCCESS:  # a reader went away mid-call: list them again, calmly
                odd += 1
                if odd >= self.MAX_ODD_FAILURES:  # not known as dead, but not working either: a new context
                    self._dead(hresult, Stage.READERS)
                    return
                known.clear()
                self._stopping.wait(0.2)
                continue
            odd = 0
            cards: list[CardIdentity] = []
            moved = False
            for name, event_state, atr in states:
                now = event_state & ~api.SCARD_STATE_CHANGED
                if name == PNP_READER:
                    moved = moved or now != pnp
                    pnp = now
                    continue
                moved = moved or now != known.get(name)
                known[name] = now
                card = _card_of(name, event_state, atr, counts=self._counts_events)
                if card is not None:
                    cards.append(card)
            if readers:
                state = "card" if cards else "no_card"
                self._report(Presence(state, tuple(cards), ", ".join(readers)))
            if not moved:  # a layer that answers at once with nothing new (seen on macOS): never spin
                self._stopping.wait(self.poll_ms / 1000)
