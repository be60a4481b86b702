"""APDU layer: command encoding, status words, and one ``send_apdu`` that raises on anything but 9000.

Traffic logging is opt-in below DEBUG (:data:`LOG_LEVEL_TRAFFIC`) and never shows the data of VERIFY, CHANGE
REFERENCE DATA or RESET RETRY COUNTER: those carry PINs.
"""

from __future__ import annotations

from enum import IntEnum, unique

from aosign_plugin.domain.logs import get_logger
from aosign_plugin.domain.secret import wipe_bytearray
from aosign_plugin.transport import SmartCardConnection

__all__ = [
    "INS_CHANGE_REFERENCE_DATA",
    "INS_GET_RESPONSE",
    "INS_RESET_RETRY_COUNTER",
    "INS_SELECT",
    "INS_VERIFY",
    "LOG_LEVEL_TRAFFIC",
    "SECRET_INS",
    "SW",
    "ApduError",
    "ApduProtocol",
    "encode_command",
    "format_command",
    "sw_name",
]

logger = get_logger(__name__)

#: below DEBUG, like ykman's TRAFFIC level
LOG_LEVEL_TRAFFIC = 5

INS_SELECT = 0xA4
INS_VERIFY = 0x20
INS_CHANGE_REFERENCE_DATA = 0x24
INS_RESET_RETRY_COUNTER = 0x2C
INS_GET_RESPONSE = 0xC0

#: instructions whose data is a PIN or code: never logged, never resent
SECRET_INS = frozenset({INS_VERIFY, INS_CHANGE_REFERENCE_DATA, INS_RESET_RETRY_COUNTER})

_MAX_GET_RESPONSE = 16


@unique
class SW(IntEnum):
    """ISO 7816-4 status words the card speaks."""

    OK = 0x9000
    NO_INFORMATION = 0x6300
    WRONG_LENGTH = 0x6700
    SECURITY_CONDITION_NOT_SATISFIED = 0x6982
    AUTH_METHOD_BLOCKED = 0x6983
    CONDITIONS_NOT_SATISFIED = 0x6985
    COMMAND_NOT_ALLOWED = 0x6986
    INVALID_DATA = 0x6A80
    FUNCTION_NOT_SUPPORTED = 0x6A81
    FILE_NOT_FOUND = 0x6A82
    INCORRECT_PARAMETERS = 0x6A86
    REFERENCE_DATA_NOT_FOUND = 0x6A88
    WRONG_PARAMETERS = 0x6B00
    INVALID_INSTRUCTION = 0x6D00
    CLASS_NOT_SUPPORTED = 0x6E00


def sw_name(sw: int) -> str:
    """``0x6983`` → ``SW=0x6983 (AUTH_METHOD_BLOCKED)``; ``63Cx`` and ``61xx`` are named too."""
    try:
        name = SW(sw).name
    except ValueError:
        if sw & 0xFFF0 == 0x63C0:
            name = f"VERIFY_FAIL_{sw & 0x0F}_LEFT"
        elif sw >> 8 == 0x61:
            name = "MORE_DATA"
        elif sw >> 8 == 0x6C:
            name = "WRONG_LE"
        else:
            name = "UNKNOWN"
    return f"SW=0x{sw:04X} ({name})"


class ApduError(Exception):
    """The card answered a status word other than 9000."""

    def __init__(self, data: bytes, sw: int) -> None:
        super().__init__(data, sw)
        self.data = data
        self.sw = sw

    def __str__(self) -> str:
        return f"APDU error: {sw_name(self.sw)}"


def encode_command(
    cla: int, ins: int, p1: int, p2: int, data: bytes | bytearray = b"", le: int | None = None
) -> bytearray:
    """A short command APDU (ISO 7816-4 cases 1 to 4) as a fresh buffer.

    :param le: expected response length, 1-256 (256 is sent as 00); ``None`` for no Le.
    :raises ValueError: a header byte out of range or data over 255 bytes.
    """
    for value in (cla, ins, p1, p2):
        if not 0 <= value <= 0xFF:
            raise ValueError("APDU header bytes must be 0x00-0xFF")
    if len(data) > 255:
        raise ValueError("command data over 255 bytes needs extended length, which the card does not use")
    out = bytearray((cla, ins, p1, p2))
    if data:
        out.append(len(data))
        out.extend(data)
    if le is not None:
        if not 1 <= le <= 256:
            raise ValueError("Le must be 1-256")
        out.append(le & 0xFF)
    return out


def format_command(apdu: bytes | bytearray) -> str:
    """Hex of a command for the traffic log, with the data of PIN commands replaced by its length."""
    if len(apdu) >= 4 and apdu[1] in SECRET_INS and len(apdu) > 5:
        return f"{bytes(apdu[:5]).hex()} <{apdu[4]} bytes redacted>"
    return bytes(apdu).hex()


class ApduProtocol:
    """Sends APDUs over a :class:`SmartCardConnection`; follows ``61xx`` with GET RESPONSE.

    A command carrying a secret is never sent twice: a ``6Cxx`` answer to it is an error, not a resend.
    """

    def __init__(self, connection: SmartCardConnection) -> None:
        self.connection = connection

    def _transmit(self, apdu: bytearray) -> tuple[bytes, int]:
        if logger.isEnabledFor(LOG_LEVEL_TRAFFIC):
            logger.log(LOG_LEVEL_TRAFFIC, "SEND: %s", format_command(apdu))
        data, sw = self.connection.send_and_receive(apdu)
        if logger.isEnabledFor(LOG_LEVEL_TRAFFIC):
            logger.log(LOG_LEVEL_TRAFFIC, "RECV: %s %04X", data.hex(), sw)
        return data, sw

    def send_apdu(
        self, cla: int, ins: int, p1: int, p2: int, data: bytes | bytearray = b"", le: int | None = None
    ) -> bytes:
        """Send one command; return its response data.

        The command buffer is wiped after sending when the instruction carries a secret.

        :raises ApduError: the card answered anything but 9000 (after following 61xx).
        :raises transport.TransportError: the card could not be reached.
        """
        apdu = encode_command(cla, ins, p1, p2, data, le)
        try:
            resp, sw = self._transmit(apdu)
        finally:
            if ins in SECRET_INS:
                wipe_bytearray(apdu)
        if sw >> 8 == 0x6C and ins not in SECRET_INS and le is not None:
            resend = encode_command(cla, ins, p1, p2, data, (sw & 0xFF) or 256)
            resp, sw = self._transmit(resend)
        chunks = [resp]
        rounds = 0
        while sw >> 8 == 0x61:
            rounds += 1
            if rounds > _MAX_GET_RESPONSE:
                raise ApduError(b"".join(chunks), sw)
            resp, sw = self._transmit(encode_command(cla, INS_GET_RESPONSE, 0, 0, b"", (sw & 0xFF) or 256))
            chunks.append(resp)
        body = b"".join(chunks)
        if sw != SW.OK:
            raise ApduError(body, sw)
        return body
