"""The simulated AOSign card: the card's PIN rules as a state machine over raw command APDUs.

It speaks any :class:`~aosign_plugin.config.dialect.CardDialect`. Persistent state (hashes and counters) lives in a
:class:`~aosign_plugin.simcard.store.StateStore`; the power-on session state (selected, verified) lives here and
is cleared by :meth:`SimCard.power_off` / :meth:`SimCard.reset`.

Beside the PIN application (selected by the dialect's AID) the card has a small file system with a PKCS#15
application describing its PIN (:mod:`aosign_plugin.simcard.pkcs15_files`): SELECT by file identifier, path or DF name
(P1 00/01/02/04/08/09, P2 00/04 for the FCP, 0C for none) and READ BINARY (B0) at an offset. The PIN commands
work while the PIN application or the PKCS#15 DF 5015 (or a file in it) is current; the PIN application itself
knows no file commands (B0 there answers 6D00, as it always did).

Anti-tearing: a PIN or code check first decrements its counter and persists it, and only then compares; a
correct value refills the counter with a second write. Pulling the card between the two leaves one try spent,
never one gained.
"""

from __future__ import annotations

from aosign_plugin.apdu.iso7816 import INS_CHANGE_REFERENCE_DATA, INS_RESET_RETRY_COUNTER, INS_SELECT, INS_VERIFY, SW
from aosign_plugin.config.dialect import CardDialect, ChangeStyle
from aosign_plugin.domain.secret import wipe_bytearray
from aosign_plugin.simcard.apdu_log import ApduLog
from aosign_plugin.simcard.pkcs15_files import APP_FID, MF_FID, PKCS15_AID, CardFile, FileSystem, build_file_system
from aosign_plugin.simcard.store import SecretRecord, SimCardState, StateStore
from hostapp_stub.api import Record

__all__ = [
    "ATR",
    "PIN_MAX_LENGTH",
    "PIN_MIN_LENGTH",
    "ParsedCommand",
    "SimCard",
    "card_accepts",
    "parse_command",
]

PIN_MIN_LENGTH = 4
PIN_MAX_LENGTH = 16


def _atr(historical: bytes) -> bytes:
    # TS=3B (direct), T0=8K (TD1 follows, K historical bytes), TD1=80 (TD2 follows, T=0), TD2=01 (T=1),
    # historical bytes, TCK = XOR of T0..last historical byte (required because T=1 is offered).
    body = bytes([0x80 | len(historical), 0x80, 0x01]) + historical
    tck = 0
    for b in body:
        tck ^= b
    return bytes([0x3B]) + body + bytes([tck])


#: ``3B 8A 80 01 "AOSIGN-SIM" TCK``: the historical bytes name the card
ATR = _atr(b"AOSIGN-SIM")

_ALNUM = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def card_accepts(value: bytes | bytearray | memoryview) -> bool:
    """The card's own rule for a new PIN: 4-16 ASCII letters or digits, not one repeated character."""
    n = len(value)
    if not PIN_MIN_LENGTH <= n <= PIN_MAX_LENGTH:
        return False
    if any(b not in _ALNUM for b in value):
        return False
    return any(b != value[0] for b in value)


def _sw(sw: int) -> bytes:
    return bytes([sw >> 8, sw & 0xFF])


_INS_READ_BINARY = 0xB0
_SW_END_OF_FILE = 0x6282
#: the PIN application selected by the dialect's AID: a DF outside the file system
_PIN_APP: tuple[int, ...] = ()
_MF: tuple[int, ...] = (MF_FID,)
_PKCS15_DF = (MF_FID, APP_FID)
#: SELECT by file identifier (any, child DF, child EF), by DF name, by path from the MF or from the current DF
_SELECT_P1 = frozenset({0x00, 0x01, 0x02, 0x04, 0x08, 0x09})
#: P2 asking for the FCP template (00: "FCI", answered with the FCP too; 04: FCP); 0C asks for nothing
_FCP_P2 = frozenset({0x00, 0x04})


def _tries_sw(tries_left: int) -> int:
    return 0x63C0 | min(tries_left, 15)


class ParsedCommand(Record):
    """The header of a short command APDU; the data stays in the caller's buffer."""

    cla: int
    ins: int
    p1: int
    p2: int
    #: Lc, or ``None`` for a command without data
    lc: int | None
    #: where the data starts in the APDU
    offset: int


def parse_command(apdu: bytes | bytearray | memoryview) -> ParsedCommand | None:
    """Split a short command APDU (cases 1-4); ``None`` when malformed (the card answers 6700).

    A 5-byte APDU is case 2 (header + Le): no data. Extended length is not supported.
    """
    n = len(apdu)
    if n < 4:
        return None
    cla, ins, p1, p2 = apdu[0], apdu[1], apdu[2], apdu[3]
    if n <= 5:
        return ParsedCommand(cla, ins, p1, p2, None, 4)
    lc = apdu[4]
    if lc == 0 or n not in (5 + lc, 6 + lc):
        return None
    return ParsedCommand(cla, ins, p1, p2, lc, 5)


class SimCard:
    """The card. Feed it command APDUs with :meth:`transmit`; it answers response APDUs (data + SW1 SW2).

    :param store: where the persistent state lives; every state change is saved before the answer is returned.
    :param log: the card's own APDU log (hashed secrets only), or ``None``.
    """

    def __init__(self, store: StateStore, *, log: ApduLog | None = None) -> None:
        self.store = store
        self.log = log
        self.atr = ATR
        self.selected = False
        self.verified = False
        #: the current DF (path from the MF), or ``()`` for the PIN application
        self.current_df: tuple[int, ...] = _MF
        #: the current EF (path from the MF), if any
        self.current_ef: tuple[int, ...] | None = None
        self._fs: tuple[tuple[str, CardDialect, tuple[tuple[str, bytes], ...]], FileSystem] | None = None

    # -- power

    def power_on(self) -> bytes:
        """Power the card up (a fresh session); returns the ATR."""
        self._clear_session()
        return self.atr

    def power_off(self) -> None:
        """Power the card down: the session (selection, verified PIN) is lost."""
        self._clear_session()

    def reset(self) -> bytes:
        """Warm reset: a fresh session; returns the ATR."""
        return self.power_on()

    def _clear_session(self) -> None:
        self.selected = False
        self.verified = False
        self.current_df = _MF
        self.current_ef = None

    def files(self, state: SimCardState) -> FileSystem:
        """The card's file system for ``state`` (built once per serial and dialect)."""
        key = (state.serial, state.dialect, tuple(state.certificates))
        if self._fs is None or self._fs[0] != key:
            self._fs = (key, build_file_system(state.dialect, state.serial, state.certificates))
        return self._fs[1]

    # -- commands

    def transmit(self, apdu: bytes | bytearray) -> bytes:
        """Process one command APDU and return the response APDU.

        Holds the store's lock for the command; state changes are persisted before this returns.

        :raises aosign_plugin.simcard.store.CardStateError: the state cannot be loaded or saved.
        :raises aosign_plugin.simcard.apdu_log.ApduLogError: the APDU log cannot be written (the state was saved).
        """
        cmd = parse_command(apdu)
        scratch: list[bytearray] = []
        logged: list[tuple[int, int]] | None = None
        data = b""
        sw: int
        try:
            with self.store.locked() as state:
                if self.log is not None and cmd is not None and cmd.ins in _SECRET_INS:
                    logged = self._log_fields(state, cmd, apdu)
                if cmd is None:
                    sw = SW.WRONG_LENGTH
                elif cmd.ins in (INS_SELECT, _INS_READ_BINARY):
                    sw, data = self._file_command(state, cmd, apdu)
                else:
                    sw = self._dispatch(state, cmd, apdu, scratch)
                if self.log is not None:
                    self.log.record(apdu, sw, logged)
        finally:
            for buf in scratch:
                wipe_bytearray(buf)
        return data + _sw(sw)

    def _log_fields(
        self, state: SimCardState, cmd: ParsedCommand, apdu: bytes | bytearray
    ) -> list[tuple[int, int]] | None:
        """Where the secret fields of a PIN command lie in its data, as the dialect splits them (offset, length as
        sent, padding included), whatever the SW; ``None`` when the data cannot be split. Never their contents."""
        if cmd.lc is None:
            return []
        d = state.dialect
        count = 1 if cmd.ins == INS_VERIFY or (cmd.ins == INS_CHANGE_REFERENCE_DATA and cmd.p1 == 0x01) else 2
        if d.pad_to:
            if cmd.lc != count * d.pad_to:
                return None
            return [(i * d.pad_to, d.pad_to) for i in range(count)]
        if count == 1:
            return [(0, cmd.lc)]
        first = state.unblock.length if cmd.ins == INS_RESET_RETRY_COUNTER else state.pin.length
        if cmd.lc <= first:
            return None
        return [(0, first), (first, cmd.lc - first)]

    def _dispatch(
        self, state: SimCardState, cmd: ParsedCommand, apdu: bytes | bytearray, fields: list[bytearray]
    ) -> int:
        d = state.dialect
        if cmd.cla != d.cla:
            return SW.CLASS_NOT_SUPPORTED
        if cmd.ins not in _SECRET_INS:
            return SW.INVALID_INSTRUCTION
        if d.aid is not None and not self.selected:
            return SW.CONDITIONS_NOT_SATISFIED
        if cmd.ins == INS_VERIFY:
            return self._verify(state, cmd, apdu, fields)
        if cmd.ins == INS_CHANGE_REFERENCE_DATA:
            return self._change(state, cmd, apdu, fields)
        return self._reset_retry_counter(state, cmd, apdu, fields)

    # -- files

    def _file_command(self, state: SimCardState, cmd: ParsedCommand, apdu: bytes | bytearray) -> tuple[int, bytes]:
        """SELECT or READ BINARY: (SW, response data)."""
        if cmd.cla not in (0x00, state.dialect.cla):
            return SW.CLASS_NOT_SUPPORTED, b""
        if cmd.ins == INS_SELECT:
            return self._select(state, cmd, apdu)
        return self._read_binary(state, cmd, apdu)

    def _select(self, state: SimCardState, cmd: ParsedCommand, apdu: bytes | bytearray) -> tuple[int, bytes]:
        d = state.dialect
        if cmd.lc is None:
            return SW.WRONG_LENGTH, b""
        value = bytes(apdu[cmd.offset : cmd.offset + cmd.lc])
        if cmd.p1 == 0x04 and d.aid is not None and value == d.aid and value != PKCS15_AID:
            if cmd.p2 not in (0x00, 0x0C):
                return SW.FILE_NOT_FOUND, b""
            self.selected = True
            self.current_df, self.current_ef = _PIN_APP, None
            return SW.OK, b""
        if cmd.p2 not in _FCP_P2 and cmd.p2 != 0x0C:
            return SW.INCORRECT_PARAMETERS, b""
        if cmd.p1 not in _SELECT_P1:
            return SW.INCORRECT_PARAMETERS, b""
        fs = self.files(state)
        if cmd.p1 == 0x04:
            target = fs.by_name(value)
        else:
            if len(value) % 2:
                return SW.WRONG_LENGTH, b""
            fids = [value[i] << 8 | value[i + 1] for i in range(0, len(value), 2)]
            target = self._resolve(fs, cmd.p1, fids)
        # a failed SELECT leaves the current selection as it was (ISO 7816-4)
        if target is None:
            return SW.FILE_NOT_FOUND, b""
        if target.is_df:
            self.current_df, self.current_ef = target.path, None
        else:
            self.current_df, self.current_ef = target.path[:-1], target.path
        # the PIN is the PIN application's, and the PKCS#15 application describes it: both give access to it
        self.selected = self.current_df[:2] == _PKCS15_DF
        return SW.OK, (target.fcp() if cmd.p2 in _FCP_P2 else b"")

    def _resolve(self, fs: FileSystem, p1: int, fids: list[int]) -> CardFile | None:
        """The file that P1 (00, 01, 02, 08 or 09) and the file identifiers name, if there is one."""
        df = self.current_df if self.current_df != _PIN_APP else _MF
        if p1 in (0x00, 0x01, 0x02):
            if len(fids) != 1:
                return None
            if p1 == 0x00:
                return fs.by_fid(df, fids[0])
            found = fs.child(df, fids[0])
            if found is None or found.is_df != (p1 == 0x01):
                return None
            return found
        if p1 == 0x08:
            if fids and fids[0] == MF_FID:  # tolerated: the path should leave out the MF
                fids = fids[1:]
            return fs.by_path(_MF, fids)
        return fs.by_path(df, fids)

    def _read_binary(self, state: SimCardState, cmd: ParsedCommand, apdu: bytes | bytearray) -> tuple[int, bytes]:
        if self.current_df == _PIN_APP:
            # the PIN application has no files
            return SW.INVALID_INSTRUCTION, b""
        if cmd.p1 & 0x80:
            return SW.FUNCTION_NOT_SUPPORTED, b""  # no short EF identifiers
        if cmd.lc is not None or len(apdu) != 5:
            return SW.WRONG_LENGTH, b""
        if self.current_ef is None:
            return SW.COMMAND_NOT_ALLOWED, b""  # no current EF
        ef = self.files(state).get(self.current_ef)
        if ef is None or ef.data is None:
            return SW.COMMAND_NOT_ALLOWED, b""
        offset = cmd.p1 << 8 | cmd.p2
        wanted = apdu[4] or 256
        if offset > len(ef.data):
            return SW.WRONG_PARAMETERS, b""  # offset outside the EF
        # at the end exactly: no data and 6282, which readers take as "nothing more" (OpenSC stops there)
        chunk = ef.data[offset : offset + wanted]
        return (SW.OK if len(chunk) == wanted else _SW_END_OF_FILE), chunk

    def _ref_sw(self, d: CardDialect, cmd: ParsedCommand) -> int | None:
        """SW for a bad P1/P2 of 24/2C, or ``None`` when it names the PIN."""
        if cmd.p2 == d.pin_ref:
            return None
        if cmd.p2 == d.unblock_ref:
            # the unblocking code exists but can be neither changed nor reset
            return SW.COMMAND_NOT_ALLOWED
        return SW.REFERENCE_DATA_NOT_FOUND

    def _fields(
        self, d: CardDialect, apdu: bytes | bytearray, cmd: ParsedCommand, count: int, first_len: int
    ) -> list[bytearray] | None:
        """Split the data into ``count`` secret fields, padding stripped; ``None`` on a wrong length.

        With ``pad_to`` 0 the first of two fields is ``first_len`` bytes (the stored length of the reference
        data).
        """
        if cmd.lc is None:
            return None
        data = memoryview(apdu)[cmd.offset : cmd.offset + cmd.lc]
        out: list[bytearray] = []
        if d.pad_to:
            if len(data) != count * d.pad_to:
                return None
            for i in range(count):
                buf = bytearray(data[i * d.pad_to : (i + 1) * d.pad_to])
                while buf and buf[-1] == d.pad_byte:
                    buf.pop()
                out.append(buf)
        elif count == 1:
            out.append(bytearray(data))
        else:
            if len(data) <= first_len:
                return None
            out.append(bytearray(data[:first_len]))
            out.append(bytearray(data[first_len:]))
        return out

    def _spend_and_compare(self, state: SimCardState, record: SecretRecord, value: bytearray) -> bool:
        """Spend a try and persist it, then compare. On a match the caller refills the counter (and makes its
        change) in one more write: a tear in between leaves the try spent and nothing changed."""
        record.tries_left -= 1
        self.store.save(state)
        return bool(value) and record.matches(value)

    def _verify(self, state: SimCardState, cmd: ParsedCommand, apdu: bytes | bytearray, fields: list[bytearray]) -> int:
        d = state.dialect
        if cmd.p1 != 0x00:
            return SW.INCORRECT_PARAMETERS
        if cmd.p2 not in (d.pin_ref, d.unblock_ref):
            return SW.REFERENCE_DATA_NOT_FOUND
        if state.dead:
            return SW.AUTH_METHOD_BLOCKED
        if cmd.p2 == d.unblock_ref:
            if cmd.lc is not None:
                # the code is presented only with RESET RETRY COUNTER
                return SW.COMMAND_NOT_ALLOWED
            if state.code_status_sw is not None:
                return state.code_status_sw  # a card that does not tell its code's tries (issue 33)
            return _tries_sw(state.unblock.tries_left)
        pin = state.pin
        if cmd.lc is None:
            if pin.tries_left == 0:
                return SW.AUTH_METHOD_BLOCKED
            return SW.OK if self.verified else _tries_sw(pin.tries_left)
        parsed = self._fields(d, apdu, cmd, 1, pin.length)
        if parsed is None:
            return SW.WRONG_LENGTH
        fields.extend(parsed)
        if pin.tries_left == 0:
            return SW.AUTH_METHOD_BLOCKED
        if self._spend_and_compare(state, pin, parsed[0]):
            pin.tries_left = pin.max_tries
            self.store.save(state)
            self.verified = True
            return SW.OK
        self.verified = False
        return _tries_sw(pin.tries_left)

    def _change(self, state: SimCardState, cmd: ParsedCommand, apdu: bytes | bytearray, fields: list[bytearray]) -> int:
        d = state.dialect
        expected_p1 = 0x00 if d.change is ChangeStyle.COMBINED else 0x01
        if cmd.p1 != expected_p1:
            return SW.INCORRECT_PARAMETERS
        bad_ref = self._ref_sw(d, cmd)
        if bad_ref is not None:
            return bad_ref
        if state.dead or state.locked:
            return SW.AUTH_METHOD_BLOCKED
        pin = state.pin
        if d.change is ChangeStyle.VERIFY_THEN_SET:
            parsed = self._fields(d, apdu, cmd, 1, 0)
            if parsed is None:
                return SW.WRONG_LENGTH
            fields.extend(parsed)
            if not card_accepts(parsed[0]):
                return SW.INVALID_DATA
            if not self.verified:
                return SW.SECURITY_CONDITION_NOT_SATISFIED
            pin.replace_value(parsed[0])
            self.store.save(state)
            return SW.OK
        parsed = self._fields(d, apdu, cmd, 2, pin.length)
        if parsed is None:
            return SW.WRONG_LENGTH
        fields.extend(parsed)
        old, new = parsed
        if not card_accepts(new):
            return SW.INVALID_DATA
        if not self._spend_and_compare(state, pin, old):
            self.verified = False
            return _tries_sw(pin.tries_left)
        pin.replace_value(new)  # refills the counter too
        self.store.save(state)
        # as real cards do: the old PIN was just proven, so the PIN stays verified until the card is reset
        self.verified = True
        return SW.OK

    def _reset_retry_counter(
        self, state: SimCardState, cmd: ParsedCommand, apdu: bytes | bytearray, fields: list[bytearray]
    ) -> int:
        d = state.dialect
        if cmd.p1 != 0x00:
            return SW.INCORRECT_PARAMETERS
        bad_ref = self._ref_sw(d, cmd)
        if bad_ref is not None:
            return bad_ref
        if state.dead:
            return SW.AUTH_METHOD_BLOCKED
        code = state.unblock
        parsed = self._fields(d, apdu, cmd, 2, code.length)
        if parsed is None:
            return SW.WRONG_LENGTH
        fields.extend(parsed)
        given, new = parsed
        if not card_accepts(new):
            return SW.INVALID_DATA
        if not self._spend_and_compare(state, code, given):
            return _tries_sw(code.tries_left)
        code.tries_left = code.max_tries
        state.pin.replace_value(new)
        self.verified = False
        self.store.save(state)
        return SW.OK


_SECRET_INS = frozenset({INS_VERIFY, INS_CHANGE_REFERENCE_DATA, INS_RESET_RETRY_COUNTER})
