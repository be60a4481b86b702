"""The simulated card's rules, on exact APDU bytes, for several dialects."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aosign_plugin.backends.sim_link import SimConnection
from aosign_plugin.config.dialect import CardDialect, ChangeStyle
from aosign_plugin.simcard.apdu_log import ApduLog, read_log
from aosign_plugin.simcard.card import ATR, SimCard, card_accepts, parse_command
from aosign_plugin.simcard.store import QUICK_KDF, CardStore, MemoryStore, SimCardState, new_card_state
from aosign_plugin.transport import CardGoneError, TransportError
from hostapp_stub.records import replace

PIN = b"12345678"
CODE = b"ABCDEFGH1234"

DEFAULT = CardDialect()
#: verify-then-set, other CLA and refs, no padding, no AID
VTS = CardDialect(aid=None, cla=0x80, pin_ref=0x01, unblock_ref=0x02, pad_to=0, change=ChangeStyle.VERIFY_THEN_SET)
#: 32-byte fields padded with 00, another AID and refs
ZPAD = CardDialect(aid=bytes.fromhex("D2760001240102"), pin_ref=0x91, unblock_ref=0x92, pad_to=32, pad_byte=0x00)
DIALECTS = [
    pytest.param(DEFAULT, id="default"),
    pytest.param(VTS, id="vts-nopad-noaid"),
    pytest.param(ZPAD, id="pad32"),
]


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


class Card:
    """A card plus dialect-aware APDU builders (the bytes a correct host sends)."""

    def __init__(self, dialect: CardDialect, *, pin: bytes = PIN, code: bytes = CODE) -> None:
        self.d = dialect
        self.store = MemoryStore(new_card_state(pin, code, dialect=dialect, kdf=QUICK_KDF))
        self.card = SimCard(self.store)
        self.pin_len = len(pin)
        self.code_len = len(code)

    @property
    def state(self) -> SimCardState:
        return self.store.state

    def send(self, apdu: bytes) -> str:
        return self.card.transmit(apdu).hex().upper()

    def cmd(self, ins: int, p1: int, p2: int, data: bytes = b"") -> bytes:
        out = bytes([self.d.cla, ins, p1, p2])
        return out + bytes([len(data)]) + data if data else out

    def field(self, value: bytes) -> bytes:
        if not self.d.pad_to or len(value) > self.d.pad_to:
            return value
        return value + bytes([self.d.pad_byte]) * (self.d.pad_to - len(value))

    def select(self) -> str:
        if self.d.aid is None:
            return "9000"
        return self.send(bytes([0x00, 0xA4, 0x04, 0x0C, len(self.d.aid)]) + self.d.aid)

    def tries(self) -> str:
        return self.send(self.cmd(0x20, 0x00, self.d.pin_ref))

    def code_tries(self) -> str:
        return self.send(self.cmd(0x20, 0x00, self.d.unblock_ref))

    def verify(self, pin: bytes) -> str:
        return self.send(self.cmd(0x20, 0x00, self.d.pin_ref, self.field(pin)))

    def change(self, old: bytes, new: bytes) -> str:
        """The dialect's change; for verify-then-set the first non-9000 answer (or the SET's)."""
        if self.d.change is ChangeStyle.COMBINED:
            sw = self.send(self.cmd(0x24, 0x00, self.d.pin_ref, self.field(old) + self.field(new)))
        else:
            sw = self.verify(old)
            if sw == "9000":
                sw = self.send(self.cmd(0x24, 0x01, self.d.pin_ref, self.field(new)))
        if sw == "9000":
            self.pin_len = len(new)
        return sw

    def unlock(self, code: bytes, new: bytes) -> str:
        sw = self.send(self.cmd(0x2C, 0x00, self.d.pin_ref, self.field(code) + self.field(new)))
        if sw == "9000":
            self.pin_len = len(new)
        return sw

    def counters(self) -> tuple[int, int]:
        return self.state.pin.tries_left, self.state.unblock.tries_left


@pytest.fixture(params=DIALECTS)
def card(request: pytest.FixtureRequest) -> Card:
    c = Card(request.param)
    assert c.select() == "9000"
    return c


# -- exact bytes, default dialect ------------------------------------------------------------------------------

SELECT = h("00 A4 04 00 0A A0 00 00 06 47 4F 53 49 47 4E")
TRIES = h("00 20 00 81")
CODE_TRIES = h("00 20 00 82")
VERIFY_RIGHT = h("00 20 00 81 10 3132333435363738 FFFFFFFFFFFFFFFF")
VERIFY_WRONG = h("00 20 00 81 10 3837363534333231 FFFFFFFFFFFFFFFF")


def test_default_dialect_exact_bytes() -> None:
    c = Card(DEFAULT)
    assert c.send(TRIES) == "6985"  # not selected yet
    assert c.send(SELECT) == "9000"
    assert c.send(TRIES) == "63CA"
    assert c.send(CODE_TRIES) == "63CA"
    answers = [c.send(VERIFY_WRONG) for _ in range(10)]
    assert answers == [f"63C{x:X}" for x in range(9, -1, -1)]
    assert c.send(VERIFY_WRONG) == "6983"
    assert c.send(VERIFY_RIGHT) == "6983"  # locked: even the right PIN
    assert c.send(TRIES) == "6983"
    assert c.counters() == (0, 10)
    unlock = h("00 2C 00 81 20 414243444546474831323334 FFFFFFFF 3837363534333231 FFFFFFFFFFFFFFFF")
    assert c.send(unlock) == "9000"
    assert c.send(TRIES) == "63CA"
    assert c.send(VERIFY_RIGHT) == "63C9"  # the old PIN is gone
    assert c.send(h("00 20 00 81 10 3837363534333231 FFFFFFFFFFFFFFFF")) == "9000"
    assert c.send(TRIES) == "9000"  # verified in this session
    change = h("00 24 00 81 20 3837363534333231 FFFFFFFFFFFFFFFF 61626364 FFFFFFFFFFFFFFFFFFFFFFFF")
    assert c.send(change) == "9000"
    assert c.send(h("00 20 00 81 10 61626364 FFFFFFFFFFFFFFFFFFFFFFFF")) == "9000"


def test_default_dialect_errors_exact_bytes() -> None:
    c = Card(DEFAULT)
    assert c.send(h("00 A4 04 00 05 A000000647")) == "6A82"
    assert c.send(SELECT) == "9000"
    assert c.send(h("80 20 00 81")) == "6E00"
    assert c.send(h("00 B0 00 00 10")) == "6D00"
    assert c.send(h("00 20 00 83")) == "6A88"
    assert c.send(h("00 24 00 01 20" + "31" * 32)) == "6A88"
    assert c.send(h("00 20 00")) == "6700"
    assert c.send(h("00 20 00 81 10 3132")) == "6700"  # Lc says 16, 2 bytes follow
    assert c.send(h("00 20 00 81 08 3132333435363738")) == "6700"  # field not padded to 16
    assert c.send(h("00 24 00 81 10 3132333435363738 FFFFFFFFFFFFFFFF")) == "6700"  # one field only
    assert c.send(h("00 2C 00 81 10 414243444546474831323334 FFFFFFFF")) == "6700"
    assert c.counters() == (10, 10)
    assert c.send(h("00 20 00 81 00")) == "63CA"  # case 2 (Le only) is an empty VERIFY too


def test_atr_is_valid_and_names_the_card() -> None:
    assert ATR[:4] == h("3B 8A 80 01")
    assert len(ATR) == 4 + 10 + 1
    assert ATR[4:14] == b"AOSIGN-SIM"
    tck = 0
    for b in ATR[1:]:
        tck ^= b
    assert tck == 0


# -- the rules, every dialect ----------------------------------------------------------------------------------


def test_ten_wrong_pins_lock_the_card(card: Card) -> None:
    assert card.tries() == "63CA"
    for left in range(9, -1, -1):
        assert card.verify(b"99999998") == f"63C{left:X}"
        assert card.tries() == ("6983" if left == 0 else f"63C{left:X}")
    assert card.verify(b"99999998") == "6983"
    assert card.verify(PIN) == "6983"
    assert card.change(PIN, b"abcd1234") == "6983"
    assert card.counters() == (0, 10)
    assert card.code_tries() == "63CA"


def test_only_a_correct_pin_resets_the_count(card: Card) -> None:
    for _ in range(3):
        card.verify(b"00000001")
    assert card.tries() == "63C7"
    card.card.power_off()
    card.card.power_on()
    assert card.select() == "9000"
    assert card.tries() == "63C7"  # power cycles do not reset it
    assert card.verify(PIN) == "9000"
    assert card.tries() == "9000"
    card.card.reset()
    assert card.select() == "9000"
    assert card.tries() == "63CA"
    assert card.counters() == (10, 10)


def test_change_pin(card: Card) -> None:
    assert card.change(b"00000000", b"abcd1234") == "63C9"
    assert card.change(PIN, b"abcd1234") == "9000"
    assert card.counters() == (10, 10)
    card.card.reset()
    card.select()
    assert card.verify(PIN) == "63C9"
    assert card.verify(b"abcd1234") == "9000"
    # back again, through a PIN of another length
    assert card.change(b"abcd1234", b"Zz9Q") == "9000"
    assert card.change(b"Zz9Q", PIN) == "9000"
    assert card.verify(PIN) == "9000"


def test_set_without_verify_is_refused() -> None:
    c = Card(VTS)
    assert c.send(h("80 24 01 01 08 6162636431323334")) == "6982"
    assert c.verify(PIN) == "9000"
    c.card.reset()
    assert c.send(h("80 24 01 01 08 6162636431323334")) == "6982"
    assert c.counters() == (10, 10)
    # the combined form is not this card's dialect
    assert c.send(h("80 24 00 01 10 3132333435363738 6162636431323334")) == "6A86"


@pytest.mark.parametrize("wrong_pins", [0, 2, 10])
def test_unlock_locked_or_not(card: Card, wrong_pins: int) -> None:
    for _ in range(wrong_pins):
        card.verify(b"00000000")
    assert card.unlock(b"WRONGCODE123", b"abcd1234") == "63C9"
    assert card.counters() == (10 - wrong_pins, 9)
    assert card.code_tries() == "63C9"
    assert card.unlock(CODE, b"abcd1234") == "9000"
    assert card.counters() == (10, 10)
    assert card.tries() == "63CA"
    assert card.verify(b"abcd1234") == "9000"


def test_unlock_never_accepts_the_users_pin(card: Card) -> None:
    assert card.unlock(PIN + b"0000", b"abcd1234") == "63C9"  # same length as the code (pad_to 0 splits there)
    assert card.counters() == (10, 9)


def test_ten_wrong_codes_kill_the_card(card: Card) -> None:
    for left in range(9, -1, -1):
        assert card.unlock(b"ZZZZZZZZZZZ1", b"abcd1234") == f"63C{left:X}"
    assert card.counters() == (10, 0)
    assert card.unlock(CODE, b"abcd1234") == "6983"
    assert card.tries() == "6983"
    assert card.code_tries() == "6983"
    assert card.verify(PIN) == "6983"
    assert card.change(PIN, b"abcd1234") == "6983"
    assert card.counters() == (10, 0)  # nothing spent any more
    card.card.reset()
    assert card.select() == "9000"  # the application is still there
    assert card.tries() == "6983"


@pytest.mark.parametrize(
    "new",
    [b"1111", b"aaaaaaaaaaaaaaaa", b"123", b"12345678901234567", b"1234-567", b"abc d", b"\xef\xbd\xb1234"],
    ids=["repeated", "repeated16", "short", "long", "dash", "space", "fullwidth"],
)
def test_card_refuses_new_pin_without_spending(card: Card, new: bytes) -> None:
    # a value wider than the card's field cannot even be padded: the length is wrong (6700), still nothing spent
    expected = "6700" if card.d.pad_to and len(new) > card.d.pad_to else "6A80"
    if card.d.change is ChangeStyle.COMBINED:
        assert card.change(b"00000000", new) == expected  # refused before the (wrong) old PIN is looked at
    else:
        assert card.verify(PIN) == "9000"
        assert card.send(card.cmd(0x24, 0x01, card.d.pin_ref, card.field(new))) == expected
    assert card.unlock(b"WRONGCODE123", new) == expected
    assert card.counters() == (10, 10)
    assert card.verify(PIN) == "9000"
    assert card.state.pin.matches(PIN)


def test_card_accepts() -> None:
    assert card_accepts(b"1234")
    assert card_accepts(b"aB3dEf7h9J1k2M4n")
    assert not card_accepts(b"aaaa")
    assert not card_accepts(b"12345678901234567")
    assert not card_accepts(b"\x001234")


def test_no_padding_splits_at_the_stored_length() -> None:
    c = Card(VTS, pin=b"1234", code=b"CODE5678")
    assert c.send(h("80 2C 00 01 0E 434F444535363738 616263313233")) == "9000"  # CODE5678 | abc123
    assert c.state.pin.length == 6
    assert c.verify(b"abc123") == "9000"
    assert c.send(h("80 2C 00 01 08 434F444535363738")) == "6700"  # no new PIN after the code
    assert c.counters() == (10, 10)


def test_no_aid_card_needs_no_select_and_has_nothing_to_select() -> None:
    c = Card(VTS)
    assert c.tries() == "63CA"
    assert c.send(SELECT) == "6A82"
    assert c.tries() == "63CA"


def test_pad32_zero_padding_exact_bytes() -> None:
    c = Card(ZPAD)
    assert c.send(h("00 A4 04 0C 07 D2760001240102")) == "9000"
    assert c.send(h("00 20 00 91 20 3132333435363738" + "00" * 24)) == "9000"
    assert c.send(h("00 20 00 91 10 3132333435363738" + "00" * 8)) == "6700"
    assert c.send(h("00 20 00 92")) == "63CA"


def test_session_state_is_lost_on_power_off() -> None:
    c = Card(DEFAULT)
    c.select()
    assert c.verify(PIN) == "9000"
    c.card.power_off()
    c.card.power_on()
    assert c.tries() == "6985"
    c.select()
    assert c.tries() == "63CA"


def test_failed_select_keeps_the_selection() -> None:
    c = Card(DEFAULT)
    c.select()
    assert c.send(h("00 A4 04 00 07 A0000003080000")) == "6A82"
    assert c.tries() == "63CA"


def test_parse_command() -> None:
    assert parse_command(b"\x00\x20\x00") is None
    cmd = parse_command(h("00 20 00 81"))
    assert cmd is not None and cmd.lc is None
    cmd = parse_command(h("00 20 00 81 02 3132 00"))
    assert cmd is not None and cmd.lc == 2 and cmd.offset == 5
    assert parse_command(h("00 20 00 81 00 31")) is None  # extended length is not spoken


# -- persistence and anti-tearing ------------------------------------------------------------------------------


class RecordingStore(MemoryStore):
    """Remembers the PIN counter at every save, and can fail the n-th save (a torn write)."""

    def __init__(self, state: SimCardState, *, fail_at: int | None = None) -> None:
        super().__init__(state)
        self.saved_tries: list[int] = []
        self.fail_at = fail_at

    def save(self, state: SimCardState) -> None:
        if self.fail_at is not None and len(self.saved_tries) + 1 == self.fail_at:
            raise OSError("card pulled")
        super().save(state)
        self.saved_tries.append(state.pin.tries_left)


def test_counter_is_persisted_before_the_compare() -> None:
    store = RecordingStore(new_card_state(PIN, CODE, dialect=VTS, kdf=QUICK_KDF))
    card = SimCard(store)
    assert card.transmit(h("80 20 00 01 08 3132333435363738")) == h("9000")
    assert store.saved_tries == [9, 10]  # spent first, refilled after the match
    assert card.transmit(h("80 20 00 01 08 3132333435363700")) == h("63C9")
    assert store.saved_tries == [9, 10, 9]


def test_torn_refill_leaves_the_try_spent() -> None:
    store = RecordingStore(new_card_state(PIN, CODE, dialect=VTS, kdf=QUICK_KDF), fail_at=2)
    card = SimCard(store)
    with pytest.raises(OSError):
        card.transmit(h("80 20 00 01 08 3132333435363738"))
    assert store.state.pin.tries_left == 9
    store.fail_at = None
    assert card.transmit(h("80 20 00 01")) == h("63C9")


def test_torn_decrement_answers_nothing_and_changes_nothing() -> None:
    store = RecordingStore(new_card_state(PIN, CODE, dialect=VTS, kdf=QUICK_KDF), fail_at=1)
    card = SimCard(store)
    with pytest.raises(OSError):
        card.transmit(h("80 2C 00 01 14 414243444546474831323334 6162636431323334"))
    assert (store.state.pin.tries_left, store.state.unblock.tries_left) == (10, 10)
    assert store.state.pin.matches(PIN)


def test_torn_unlock_changes_nothing_but_the_spent_code_try() -> None:
    store = RecordingStore(new_card_state(PIN, CODE, dialect=VTS, kdf=QUICK_KDF), fail_at=2)
    card = SimCard(store)
    with pytest.raises(OSError):
        card.transmit(h("80 2C 00 01 14 414243444546474831323334 6162636431323334"))
    assert (store.state.pin.tries_left, store.state.unblock.tries_left) == (10, 9)
    assert store.state.pin.matches(PIN)


def test_state_file_backed_card_and_no_secret_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    store = CardStore(path)
    store.create(new_card_state(PIN, CODE, kdf=QUICK_KDF))
    card = SimCard(store)
    card.transmit(SELECT)
    card.transmit(VERIFY_WRONG)
    assert CardStore(path).load().pin.tries_left == 9
    card.transmit(h("00 24 00 81 20 3132333435363738 FFFFFFFFFFFFFFFF 7365637265743939 FFFFFFFFFFFFFFFF"))
    raw = path.read_bytes()
    for secret in (PIN, CODE, b"secret99", PIN.hex().encode(), b"secret99".hex().encode()):
        assert secret not in raw
    assert CardStore(path).load().pin.matches(b"secret99")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["right", "wrong", "tries", "reset"]), max_size=25))
def test_pin_counter_matches_the_model(actions: list[str]) -> None:
    c = Card(VTS)
    left, verified = 10, False
    for action in actions:
        if action == "right":
            expected = "6983" if left == 0 else "9000"
            if left:
                left, verified = 10, True
            assert c.verify(PIN) == expected
        elif action == "wrong":
            if left == 0:
                assert c.verify(b"0000") == "6983"
            else:
                left -= 1
                verified = False
                assert c.verify(b"0000") == f"63C{left:X}"
        elif action == "tries":
            assert c.tries() == ("6983" if left == 0 else "9000" if verified else f"63C{left:X}")
        else:
            c.card.reset()
            verified = False
        assert c.state.pin.tries_left == left


# -- the card's APDU log ---------------------------------------------------------------------------------------


def test_apdu_log_proves_which_pins_reached_the_card(tmp_path: Path) -> None:
    log_path = tmp_path / "apdu.jsonl"
    store = MemoryStore(new_card_state(PIN, CODE, kdf=QUICK_KDF))
    card = SimCard(store, log=ApduLog(log_path))
    card.transmit(SELECT)
    card.transmit(TRIES)
    card.transmit(VERIFY_WRONG)
    card.transmit(h("00 24 00 81 20 3132333435363738 FFFFFFFFFFFFFFFF 7365637265743939 FFFFFFFFFFFFFFFF"))
    card.transmit(h("00 20 00 81 05 3132"))  # malformed: logged with fields null
    log = read_log(log_path)
    assert [e["seq"] for e in log.entries] == [1, 2, 3, 4, 5]
    assert [e["sw"] for e in log.entries] == ["9000", "63CA", "63C9", "9000", "6700"]
    assert [e["ins"] for e in log.entries] == [0xA4, 0x20, 0x20, 0x24, 0x20]
    assert "fields" not in log.entries[0]
    assert log.entries[1]["fields"] == []
    # where the secret fields were and how long (padding included): nothing of what they held (issue 33)
    assert log.entries[2]["fields"] == [{"offset": 0, "length": 16}]
    assert log.entries[3]["fields"] == [{"offset": 0, "length": 16}, {"offset": 16, "length": 16}]
    assert log.entries[4]["fields"] is None
    assert all(set(e) <= {"seq", "cla", "ins", "p1", "p2", "lc", "sw", "fields"} for e in log.entries)
    assert log.tries() == log.entries[2:]
    raw = log_path.read_bytes()
    for secret in (PIN, b"secret99", b"87654321", PIN.hex().encode()):
        assert secret not in raw
    # no digest of anything: no long hex string in the log at all
    assert not re.search(rb"[0-9a-f]{16}", raw)
    assert log_path.stat().st_mode & 0o777 == 0o600
    # a second writer continues the sequence
    card2 = SimCard(store, log=ApduLog(log_path))
    card2.transmit(SELECT)
    card.transmit(TRIES)
    log2 = read_log(log_path)
    assert [e["seq"] for e in log2.entries] == [1, 2, 3, 4, 5, 6, 7]
    assert json.loads(raw.splitlines()[0])["format"] == "aosign-sim-apdulog"


# -- the in-process backend's connection -----------------------------------------------------------------------


def test_sim_connection(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    with pytest.raises(TransportError, match="no_sim_card") as raised:
        SimConnection(path)
    assert raised.value.sim_state == str(path)  # its fix names this file (issue 32)
    CardStore(path).create(new_card_state(PIN, CODE, kdf=QUICK_KDF))
    log_path = tmp_path / "log.jsonl"
    conn = SimConnection(path, log_path=log_path)
    assert conn.reader == "AOSign simulated card"
    with conn.transaction():
        assert conn.send_and_receive(SELECT) == (b"", 0x9000)
        assert conn.send_and_receive(TRIES) == (b"", 0x63CA)
        assert conn.send_and_receive(VERIFY_WRONG) == (b"", 0x63C9)
    assert CardStore(path).load().pin.tries_left == 9
    conn.close()
    conn.close()
    with pytest.raises(CardGoneError):
        conn.send_and_receive(TRIES)
    with SimConnection(path) as conn2:  # a new connection is a new power-on session
        assert conn2.send_and_receive(TRIES) == (b"", 0x6985)
    assert len(read_log(log_path).entries) == 3


def test_sim_connection_transaction_excludes_others(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    CardStore(path).create(new_card_state(PIN, CODE, kdf=QUICK_KDF))
    conn = SimConnection(path)
    got_lock = threading.Event()

    def other() -> None:
        with CardStore(path).lock():
            got_lock.set()

    with conn.transaction():
        t = threading.Thread(target=other)
        t.start()
        assert not got_lock.wait(0.2)
        conn.send_and_receive(SELECT)
    assert got_lock.wait(5)
    t.join()
    conn.close()


def test_sim_connection_state_removed_mid_operation(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    CardStore(path).create(new_card_state(PIN, CODE, kdf=QUICK_KDF))
    conn = SimConnection(path)
    path.unlink()
    with pytest.raises(CardGoneError):
        conn.send_and_receive(SELECT)
    path.write_text("{}")
    with pytest.raises(TransportError, match="corrupt"):
        conn.send_and_receive(SELECT)


def test_dialect_roundtrips_through_the_state() -> None:
    for d in (DEFAULT, VTS, ZPAD, replace(DEFAULT, cla=0x80)):
        state = new_card_state(PIN, CODE, dialect=d, kdf=QUICK_KDF)
        assert SimCardState.from_json(json.loads(json.dumps(state.to_json()))).dialect == d
