"""PC/SC return codes and what each means for the user, on Linux/macOS (pcsc-lite) and Windows (WinSCard).

Pure: no pyscard. :mod:`.pyscard_reader` hands every return code it gets here; the user reads our own catalog text
for the reason (``unavailable.<reason>``), never the PC/SC library's message (pyscard's ``SCardGetErrorMessage``
raised ``UnicodeDecodeError`` on Japanese Windows before 2.2.1, and its texts are English only).

Where the OSes differ: Windows stops its Smart Card service when the last reader is unplugged (and never starts it on
a PC that has had none), so there ``SCARD_E_NO_SERVICE`` means "connect the reader", not "the service is not
running".
"""

from __future__ import annotations

from enum import Enum, unique

__all__ = ["CODE_NAMES", "Stage", "classify", "context_dead", "describe"]

#: the codes we name, with WinSCard's (and pcsc-lite's) symbol; the values are the same on every OS
CODE_NAMES: dict[int, str] = {
    0x80100001: "SCARD_F_INTERNAL_ERROR",
    0x80100002: "SCARD_E_CANCELLED",
    0x80100003: "SCARD_E_INVALID_HANDLE",
    0x80100004: "SCARD_E_INVALID_PARAMETER",
    0x80100006: "SCARD_E_NO_MEMORY",
    0x80100008: "SCARD_E_INSUFFICIENT_BUFFER",
    0x80100009: "SCARD_E_UNKNOWN_READER",
    0x8010000A: "SCARD_E_TIMEOUT",
    0x8010000B: "SCARD_E_SHARING_VIOLATION",
    0x8010000C: "SCARD_E_NO_SMARTCARD",
    0x8010000D: "SCARD_E_UNKNOWN_CARD",
    0x8010000F: "SCARD_E_PROTO_MISMATCH",
    0x80100010: "SCARD_E_NOT_READY",
    0x80100011: "SCARD_E_INVALID_VALUE",
    0x80100012: "SCARD_E_SYSTEM_CANCELLED",
    0x80100013: "SCARD_F_COMM_ERROR",
    0x80100014: "SCARD_F_UNKNOWN_ERROR",
    0x80100016: "SCARD_E_NOT_TRANSACTED",
    0x80100017: "SCARD_E_READER_UNAVAILABLE",
    0x80100018: "SCARD_P_SHUTDOWN",
    0x8010001D: "SCARD_E_NO_SERVICE",
    0x8010001E: "SCARD_E_SERVICE_STOPPED",
    0x8010002E: "SCARD_E_NO_READERS_AVAILABLE",
    0x8010002F: "SCARD_E_COMM_DATA_LOST",
    0x80100031: "SCARD_E_SERVER_TOO_BUSY",
    0x80100065: "SCARD_W_UNSUPPORTED_CARD",
    0x80100066: "SCARD_W_UNRESPONSIVE_CARD",
    0x80100067: "SCARD_W_UNPOWERED_CARD",
    0x80100068: "SCARD_W_RESET_CARD",
    0x80100069: "SCARD_W_REMOVED_CARD",
    # Win32 errors WinSCard passes through when its service goes away under a connection
    0x00000006: "ERROR_INVALID_HANDLE",
    0x0000006D: "ERROR_BROKEN_PIPE",
}

_NO_SERVICE = 0x8010001D
_SERVICE_STOPPED = 0x8010001E
_SHARING_VIOLATION = 0x8010000B
_RESET_CARD = 0x80100068
_NO_READERS = 0x8010002E
_NO_SMARTCARD = 0x8010000C
_REMOVED = 0x80100069
_UNKNOWN_READER = 0x80100009
_READER_UNAVAILABLE = 0x80100017
_TIMEOUT = 0x8010000A
_SYSTEM_CANCELLED = 0x80100012
_INVALID_HANDLE = 0x80100003
_SHUTDOWN = 0x80100018
_ERROR_INVALID_HANDLE = 0x00000006
_ERROR_BROKEN_PIPE = 0x0000006D

#: return codes of a call on a context (``SCardGetStatusChange``, ``SCardListReaders``) that mean the context itself
#: is dead, whatever the user is told: it must be released and established again, never asked again.
#: ``SCARD_E_SYSTEM_CANCELLED``: Windows' answer when the last reader is unplugged (the Smart Card service stops);
#: ``ERROR_INVALID_HANDLE`` (6) and ``ERROR_BROKEN_PIPE`` (0x6D): WinSCard on a context whose service went away;
#: ``SCARD_E_NO_SERVICE``/``SCARD_E_SERVICE_STOPPED``/``SCARD_E_INVALID_HANDLE``: pcsc-lite's (and WinSCard's) for the
#: same; ``SCARD_P_SHUTDOWN``: the service is shutting down.
_CONTEXT_DEAD = frozenset(
    {
        _SYSTEM_CANCELLED,
        _ERROR_INVALID_HANDLE,
        _ERROR_BROKEN_PIPE,
        _NO_SERVICE,
        _SERVICE_STOPPED,
        _INVALID_HANDLE,
        _SHUTDOWN,
    }
)


@unique
class Stage(Enum):
    """Which PC/SC call answered."""

    #: ``SCardEstablishContext``
    CONTEXT = "context"
    #: ``SCardListReaders`` / ``SCardGetStatusChange``
    READERS = "readers"
    #: ``SCardConnect`` (or ``SCardReconnect``)
    CONNECT = "connect"
    #: ``SCardBeginTransaction``
    TRANSACTION = "transaction"
    #: ``SCardTransmit`` inside our transaction
    TRANSMIT = "transmit"


def _unsigned(code: int) -> int:
    # WinSCard's LONG is signed: 0x8010001D may come through as -2146435043
    return code & 0xFFFFFFFF


def describe(code: int) -> str:
    """Our own short text for a return code, e.g. ``SCARD_E_SHARING_VIOLATION (0x8010000B)``: symbol and number,
    never the PC/SC library's message."""
    code = _unsigned(code)
    name = CODE_NAMES.get(code, "PC/SC error")
    return f"{name} (0x{code:08X})"


def context_dead(code: int) -> bool:
    """Whether a failed ``SCardGetStatusChange`` says its context is dead (release it, establish a new one).

    Decided on the raw code alone, apart from :func:`classify` (what the user is told): the watch needs one answer
    on every OS, the user another per OS. Any failure of ``SCardListReaders`` other than "no readers" counts as a
    dead context too (the caller decides that: it is not a property of the code).
    """
    return _unsigned(code) in _CONTEXT_DEAD


def classify(code: int, stage: Stage, os_key: str) -> str:
    """The reason (a catalog key suffix of ``unavailable.*``) for a failed PC/SC call.

    :param code: the return code, signed or unsigned.
    :param stage: which call answered.
    :param os_key: ``windows``, ``macos`` or ``linux`` (:func:`hostapp_stub.platforms.os_key`).
    :returns: ``no_service`` (the PC/SC service is not running: Linux and macOS only), ``no_reader`` (connect the
        reader), ``no_card``, ``card_in_use`` (another application holds the card exclusively: wait, then try
        again), ``card_reset`` (another application reset the card: check the status, then try again) or
        ``card_gone`` (the card or reader went away, or any other failure during the operation).
    """
    code = _unsigned(code)
    if code in (_NO_SERVICE, _SERVICE_STOPPED):
        if os_key == "windows":
            # Windows' Smart Card service runs only while a reader is plugged in
            return "no_reader" if stage in (Stage.CONTEXT, Stage.READERS) else "card_gone"
        return "no_service" if stage in (Stage.CONTEXT, Stage.READERS) else "card_gone"
    if (
        code in (_SYSTEM_CANCELLED, _ERROR_INVALID_HANDLE, _ERROR_BROKEN_PIPE)
        and os_key == "windows"
        and stage in (Stage.CONTEXT, Stage.READERS)
    ):
        # Windows cancels every wait when the last reader is unplugged, and its service then stops under the context:
        # plug one in
        return "no_reader"
    if code == _SHARING_VIOLATION:
        return "card_in_use"
    if code == _RESET_CARD:
        return "card_reset"
    if stage is Stage.CONTEXT:
        return "no_service"
    if stage is Stage.READERS:
        if code in (_NO_READERS, _UNKNOWN_READER, _READER_UNAVAILABLE, _TIMEOUT):
            return "no_reader"
        return "no_service"
    if stage is Stage.CONNECT and code in (_NO_SMARTCARD, _REMOVED):
        return "no_card"
    return "card_gone"
