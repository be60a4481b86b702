"""Session: the card's PIN operations over APDUs, in the card's dialect.

One :class:`PinSession` lives inside one PC/SC transaction. It selects the application, reads counters with empty
VERIFYs (no try spent) and sends each try-consuming command exactly once. Status words become the typed errors of
:mod:`aosign_plugin.domain.errors`; no :class:`~aosign_plugin.apdu.iso7816.ApduError` leaves this module.
"""

from __future__ import annotations

from aosign_plugin.apdu.iso7816 import (
    INS_CHANGE_REFERENCE_DATA,
    INS_RESET_RETRY_COUNTER,
    INS_SELECT,
    INS_VERIFY,
    SW,
    ApduError,
    ApduProtocol,
    sw_name,
)
from aosign_plugin.config.dialect import CardDialect, ChangeStyle, UnblockStatus
from aosign_plugin.domain.card_status import MAX_TRIES, Counter, SecretKind, UnknownReason
from aosign_plugin.domain.errors import (
    CardDeadError,
    CardProtocolError,
    CardRefusedInputError,
    PinBlockedError,
    PinIncorrectError,
)
from aosign_plugin.domain.logs import get_logger
from aosign_plugin.domain.secret import Secret, wipe_bytearray

__all__ = ["PinSession"]

logger = get_logger(__name__)


def _retries_from_sw(sw: int) -> int | None:
    """``63Cx`` → x (0-15); anything else → None (``6300``: wrong, but the count is not given)."""
    return sw & 0x0F if sw & 0xFFF0 == 0x63C0 else None


def _wrong_entry(sw: int) -> bool:
    """The card counted a wrong entry: ``63Cx``, or ``6300`` without a count."""
    return sw & 0xFFF0 == 0x63C0 or sw == SW.NO_INFORMATION


def _counter(left: int) -> Counter:
    """What the card said: ``left`` tries as they are, out of the issuer's :data:`MAX_TRIES`; a card that counts
    more than that has a maximum of its own, which it does not tell (``None``, never a guess)."""
    return Counter(tries_left=left, max_tries=MAX_TRIES if left <= MAX_TRIES else None, blocked=left == 0)


class PinSession:
    """PIN verbs on one card connection.

    :param protocol: the APDU protocol over an open connection (inside its transaction).
    :param dialect: the card's APDU dialect.
    :raises CardProtocolError: the application could not be selected.
    """

    def __init__(self, protocol: ApduProtocol, dialect: CardDialect) -> None:
        self.protocol = protocol
        self.dialect = dialect
        if dialect.aid is not None:
            self._send(INS_SELECT, 0x04, 0x00, dialect.aid, during="SELECT")

    def _send(self, ins: int, p1: int, p2: int, data: bytes | bytearray = b"", *, during: str) -> bytes:
        try:
            return self.protocol.send_apdu(self.dialect.cla, ins, p1, p2, data)
        except ApduError as e:
            if ins == INS_SELECT:
                raise CardProtocolError(e.sw, during, sw_name(e.sw)) from None
            raise

    # --- reading counters: never spends a try -------------------------------------------------------------------

    def _read_counter(self, ref: int, kind: SecretKind) -> Counter:
        logger.debug("Reading %s tries", kind.value)
        try:
            self._send(INS_VERIFY, 0x00, ref, during=f"reading {kind.value} tries")
        except ApduError as e:
            left = _retries_from_sw(e.sw)
            if left is not None:
                return _counter(left)
            if e.sw == SW.AUTH_METHOD_BLOCKED:
                return Counter(tries_left=0, blocked=True)
            raise CardProtocolError(e.sw, f"reading {kind.value} tries", sw_name(e.sw)) from None
        # 9000: already verified in this card session, so the counter was reset by a correct entry
        return Counter(tries_left=MAX_TRIES, verified=True)

    def pin_counter(self) -> Counter:
        """The user PIN's tries, read with an empty VERIFY."""
        return self._read_counter(self.dialect.pin_ref, SecretKind.PIN)

    def unblock_counter(self) -> Counter:
        """The unblocking code's tries: an empty VERIFY on its reference, or unknown per the dialect.

        Only ``63Cx`` (x left) and ``6983`` (blocked) tell the count. Any other answer (``9000``, ``6985``,
        ``6A88``, ``6982``, ...) says nothing about it: the count is unknown, never a number, and the service takes
        it as possibly the last try.
        """
        if self.dialect.unblock_status is UnblockStatus.UNKNOWN:
            return Counter(tries_left=None, unknown=UnknownReason.NOT_READ)
        logger.debug("Reading %s tries", SecretKind.UNBLOCK.value)
        try:
            self._send(INS_VERIFY, 0x00, self.dialect.unblock_ref, during="reading unblock tries")
        except ApduError as e:
            left = _retries_from_sw(e.sw)
            if left is not None:
                return _counter(left)
            if e.sw == SW.AUTH_METHOD_BLOCKED:
                return Counter(tries_left=0, blocked=True)
            sw = e.sw
        else:
            sw = SW.OK
        # a card that cannot tell the code's tries this way still takes PINs: unknown rather than refusing to work
        logger.debug("The card does not tell the unblocking code's tries (%s)", f"{sw:04X}")
        return Counter(tries_left=None, unknown=UnknownReason.CARD_DOES_NOT_TELL)

    # --- try-consuming commands: each sent once, never repeated --------------------------------------------------

    def _raise_for(self, e: ApduError, kind: SecretKind, during: str) -> None:
        left = _retries_from_sw(e.sw)
        if left == 0 or e.sw == SW.AUTH_METHOD_BLOCKED:
            just_now = left == 0
            if kind is SecretKind.UNBLOCK:
                raise CardDeadError(just_now=just_now) from None
            raise PinBlockedError(just_now=just_now) from None
        if _wrong_entry(e.sw):
            raise PinIncorrectError(kind, left) from None
        if e.sw in (SW.INVALID_DATA, SW.WRONG_LENGTH):
            raise CardRefusedInputError(e.sw) from None
        raise CardProtocolError(e.sw, during, sw_name(e.sw)) from None

    def _fields(self, *secrets: Secret) -> bytearray:
        data = bytearray()
        for s in secrets:
            field = self.dialect.pin_field(s)
            data.extend(field)
            wipe_bytearray(field)
        return data

    def verify_pin(self, pin: Secret) -> None:
        """VERIFY the user PIN (one try)."""
        logger.debug("Verifying PIN")
        data = self._fields(pin)
        try:
            self._send(INS_VERIFY, 0x00, self.dialect.pin_ref, data, during="VERIFY")
        except ApduError as e:
            self._raise_for(e, SecretKind.PIN, "VERIFY")
        finally:
            wipe_bytearray(data)

    def change_pin(self, old: Secret, new: Secret) -> None:
        """Change the user PIN in the dialect's style (one try of the old PIN)."""
        logger.debug("Changing PIN (%s)", self.dialect.change.value)
        if self.dialect.change is ChangeStyle.COMBINED:
            data = self._fields(old, new)
            p1 = 0x00
        else:
            self.verify_pin(old)
            data = self._fields(new)
            p1 = 0x01
        try:
            self._send(INS_CHANGE_REFERENCE_DATA, p1, self.dialect.pin_ref, data, during="CHANGE REFERENCE DATA")
        except ApduError as e:
            self._raise_for(e, SecretKind.PIN, "CHANGE REFERENCE DATA")
        finally:
            wipe_bytearray(data)

    def unblock_pin(self, code: Secret, new: Secret) -> None:
        """RESET RETRY COUNTER with the unblocking code and a new PIN (one try of the code)."""
        logger.debug("Resetting PIN with the unblocking code")
        data = self._fields(code, new)
        try:
            self._send(INS_RESET_RETRY_COUNTER, 0x00, self.dialect.pin_ref, data, during="RESET RETRY COUNTER")
        except ApduError as e:
            self._raise_for(e, SecretKind.UNBLOCK, "RESET RETRY COUNTER")
        finally:
            wipe_bytearray(data)
