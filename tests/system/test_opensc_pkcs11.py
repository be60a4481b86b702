"""OpenSC's PKCS#11 module over the simulated card: a real PKCS#11 token that locks and dies.

Real parts, no skipping: pcscd (started here unless one runs), vsmartcard's vpcd, ``aosign-sim serve`` on vpcd's
second reader ("Virtual PCD 00 01", port 35964), Debian's ``opensc-pkcs11.so`` driven by ``pkcs11-tool`` and by
python-pkcs11, each in its own process. OpenSC finds the card through its generic driver and the card's PKCS#15
application (:mod:`~.pkcs15_files`); the configuration each test writes (:data:`OPENSC_CONF`) turns the
generic driver on and chooses OpenSC's unblock style. The card's own APDU log proves what reached the card.

Measured facts these tests pin down (OpenSC 0.23):

- One ``C_Login`` with a wrong PIN is one VERIFY carrying that PIN; one ``C_InitPIN`` after an SO login is one
  RESET RETRY COUNTER ``00 2C 00 pin_ref`` carrying code || new PIN. No empty VERIFY is ever sent: OpenSC's
  generic driver does not have ``SC_CARD_CAP_ISO7816_PIN_INFO`` ("Card does not support PIN status queries").
- Hence the token flags: a fresh process sees none of COUNT_LOW / FINAL_TRY / LOCKED; within a process OpenSC
  keeps the count of the last ``63Cx``, and reports FINAL_TRY at 1 and LOCKED at 0 (never COUNT_LOW: it would
  need the maximum, which only that status query gives).
- The token has no SO PIN (the code is presented only inside RESET RETRY COUNTER), so ``C_Login(CKU_SO, code)``
  checks nothing and reaches no card; with ``user_pin_unblock_style = init_pin_in_so_session`` OpenSC keeps the
  code for ``C_InitPIN``, which answers CKR_PIN_INCORRECT for a wrong code. No SO_PIN_* flag ever shows, and the
  code's ``63Cx`` is filed under the *user* PIN's flags (FINAL_TRY / LOCKED) in that process.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest

from aosign_plugin.config.dialect import CardDialect
from aosign_plugin.simcard.apdu_log import ApduLogContents, read_log
from aosign_plugin.simcard.card import SimCard
from aosign_plugin.simcard.pkcs15_files import PKCS15_AID, build_file_system, serial_octets
from aosign_plugin.simcard.store import QUICK_KDF, CardStore, MemoryStore, new_card_state
from tests.support.cards import SHEET_CODE, SHEET_PIN, issue_card
from tests.support.opensc import MODULE, OPENSC_CONF, PORT, READER
from tests.support.realparts import serve_card, stop_process

NEW_PIN = "27182818"
WRONG_PIN = "11112222"
WRONG_CODE = "WRONGCODE123"

#: python-pkcs11 in its own process: ``<module> <reader> <pin> <n>`` tries ``pin`` n times in one process and
#: prints, per try, the error and the user PIN flags OpenSC reports right after it
_FLAGS_SCRIPT = """\
import json, sys
import pkcs11
from pkcs11 import TokenFlag
from pkcs11.exceptions import PinIncorrect, PinLocked
lib = pkcs11.lib(sys.argv[1])
reader, pin, n = sys.argv[2], sys.argv[3], int(sys.argv[4])
def token():
    return next(s.get_token() for s in lib.get_slots(token_present=True) if s.slot_description.startswith(reader))
def flags(t):
    names = ("USER_PIN_COUNT_LOW", "USER_PIN_FINAL_TRY", "USER_PIN_LOCKED")
    return [name for name in names if t.flags & TokenFlag[name]]
t = token()
out = {"before": flags(t), "serial": t.serial.decode().strip(), "tries": []}
for _ in range(n):
    try:
        t.open(user_pin=pin).close()
        result = "ok"
    except PinIncorrect:
        result = "CKR_PIN_INCORRECT"
    except PinLocked:
        result = "CKR_PIN_LOCKED"
    out["tries"].append([result, flags(token())])
print(json.dumps(out))
"""

#: ``<module> <reader> <new> <code>...``: per code, C_Login(CKU_SO, code) then C_InitPIN(new), in one process;
#: prints the error and the PIN flags (user and SO) OpenSC reports right after each
_UNLOCK_SCRIPT = """\
import json, sys
import pkcs11
from pkcs11 import TokenFlag
from pkcs11.exceptions import PinIncorrect, PinLocked
lib = pkcs11.lib(sys.argv[1])
reader, new, codes = sys.argv[2], sys.argv[3], sys.argv[4:]
def token():
    return next(s.get_token() for s in lib.get_slots(token_present=True) if s.slot_description.startswith(reader))
names = [f"{who}_PIN_{what}" for who in ("USER", "SO") for what in ("COUNT_LOW", "FINAL_TRY", "LOCKED")]
out = []
for code in codes:
    session = token().open(rw=True, so_pin=code)  # OpenSC: no SO PIN on the token, the login checks nothing
    try:
        session.init_pin(new)
        result = "ok"
    except PinIncorrect:
        result = "CKR_PIN_INCORRECT"
    except PinLocked:
        result = "CKR_PIN_LOCKED"
    finally:
        session.close()
    out.append([result, [name for name in names if token().flags & TokenFlag[name]]])
print(json.dumps(out))
"""

#: ``<module> <reader> <old> <new>``: C_Login(USER, old) then C_SetPIN(old, new) in that session
_SETPIN_SCRIPT = """\
import sys
import pkcs11
lib = pkcs11.lib(sys.argv[1])
t = next(s.get_token() for s in lib.get_slots(token_present=True) if s.slot_description.startswith(sys.argv[2]))
with t.open(rw=True, user_pin=sys.argv[3]) as s:
    s.set_pin(sys.argv[3], sys.argv[4])
print("changed")
"""

#: the APDU log's secret fields of a PIN command in the default dialect: where they were, 16 bytes each
ONE = [{"offset": 0, "length": 16}]
TWO = [{"offset": 0, "length": 16}, {"offset": 16, "length": 16}]


@dataclass
class Tool:
    """One finished process."""

    code: int
    out: str


@dataclass
class P11Card:
    """An issued card served to vpcd, and OpenSC configured to reach it."""

    state: Path
    log: Path
    env: dict[str, str]
    server: subprocess.Popen[bytes] | None = None

    def tool(self, *args: str) -> Tool:
        """``pkcs11-tool --module opensc-pkcs11.so ARGS`` (stderr folded into the output)."""
        proc = subprocess.run(
            ["pkcs11-tool", "--module", MODULE, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=self.env,
            timeout=30,
            check=False,
        )
        return Tool(proc.returncode, proc.stdout.decode(errors="replace"))

    def python(self, script: str, *args: str) -> str:
        proc = subprocess.run(
            [sys.executable, "-c", script, MODULE, *args],
            capture_output=True,
            env=self.env,
            timeout=30,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")
        return proc.stdout.decode()

    def login(self, pin: str) -> Tool:
        return self.tool("--slot-description", READER, "--login", "--pin", pin, "--list-objects")

    def unlock(self, code: str, new: str) -> Tool:
        """SO login with the code, then C_InitPIN with the new PIN."""
        return self.tool(
            "--slot-description", READER, "--login", "--login-type", "so", "--so-pin", code, "--init-pin",
            "--new-pin", new,
        )  # fmt: skip

    def apdus(self) -> ApduLogContents:
        return read_log(self.log)

    def pin_commands(self, since: int = 0) -> list[dict[str, Any]]:
        """The logged VERIFY / CHANGE REFERENCE DATA / RESET RETRY COUNTER commands after entry ``since``."""
        return [e for e in self.apdus().entries[since:] if e["ins"] in (0x20, 0x24, 0x2C)]

    def mark(self) -> int:
        return len(self.apdus().entries) if self.log.exists() else 0

    def counters(self) -> tuple[int, int]:
        state = CardStore(self.state).load()
        return state.pin.tries_left, state.unblock.tries_left


def _opensc_env(tmp_path: Path) -> dict[str, str]:
    conf = tmp_path / "opensc.conf"
    conf.write_text(OPENSC_CONF, encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENSC_", "PKCS11_"))}
    env.update(OPENSC_CONF=str(conf), HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"))
    return env


class MakeCard(Protocol):
    def __call__(self, *issue_options: str, pin_tries: int | None = None) -> P11Card: ...


@pytest.fixture
def make_p11card(pcscd: None, tmp_path: Path) -> Iterator[MakeCard]:
    """Issue a card (``aosign-sim issue`` options for another dialect; ``pin_tries`` to start it with fewer tries)
    and serve it in vpcd's second reader; stopped after the test."""
    cards: list[P11Card] = []

    def make(*issue_options: str, pin_tries: int | None = None) -> P11Card:
        assert shutil.which("pkcs11-tool") and os.path.exists(MODULE), "Debian: apt-get install opensc opensc-pkcs11"
        d = tmp_path / f"card{len(cards)}"
        d.mkdir()
        state, log = d / "card.json", d / "card-apdus.jsonl"
        issue_card(state, SHEET_PIN, SHEET_CODE, *issue_options)
        if pin_tries is not None:
            store = CardStore(state)
            with store.locked() as s:
                s.pin.tries_left = pin_tries
                store.save(s)
        card = P11Card(state=state, log=log, env=_opensc_env(tmp_path))
        cards.append(card)
        card.server = serve_card(state, PORT, log)
        return card

    try:
        yield make
    finally:
        for card in cards:
            stop_process(card.server)


# -- the file system OpenSC reads, in process ------------------------------------------------------------------


def h(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


SERIAL = "AOSIM-4821-0937"


def _card(dialect: CardDialect | None = None) -> SimCard:
    state = new_card_state(b"12345678", b"ABCDEFGH1234", dialect=dialect, serial=SERIAL, kdf=QUICK_KDF)
    return SimCard(MemoryStore(state))


def send(card: SimCard, apdu: str) -> str:
    return card.transmit(h(apdu)).hex().upper()


def test_select_and_read_binary_exact_bytes() -> None:
    card = _card()
    fs = build_file_system(CardDialect(), SERIAL)
    ef_dir = fs.get((0x3F00, 0x2F00))
    assert ef_dir is not None and ef_dir.data is not None
    # SELECT MF with FCP, EF.DIR by file id with FCP (size 80 02), READ BINARY in two pieces
    assert send(card, "00 A4 00 04 02 3F00") == "620A8201388302 3F00 8A0105 9000".replace(" ", "")
    size = len(ef_dir.data)
    assert send(card, "00 A4 02 04 02 2F00") == f"620E8002{size:04X}820101 83022F00 8A0105 9000".replace(" ", "")
    assert send(card, "00 B0 00 00 05") == ef_dir.data[:5].hex().upper() + "9000"
    assert send(card, f"00 B0 00 05 {size:02X}") == ef_dir.data[5:].hex().upper() + "6282"  # end before Le
    assert send(card, f"00 B0 00 {size:02X} 10") == "6282"  # at the end: nothing more
    assert send(card, f"00 B0 00 {size + 1:02X} 10") == "6B00"  # beyond it
    assert send(card, "00 B0 00 00 00")[-4:] == "6282"  # Le 00 = 256
    assert send(card, "00 B0 80 00 10") == "6A81"  # no short EF identifiers
    # the PKCS#15 DF by its name, by path from the MF (P1 08) and from the current DF (P1 09); no answer with 0C
    assert send(card, "00 A4 04 0C 0F " + PKCS15_AID.hex()) == "9000"
    assert send(card, "00 A4 04 00 0F " + PKCS15_AID.hex()).startswith("62")
    assert "840F" + PKCS15_AID.hex().upper() in send(card, "00 A4 08 00 02 5015")
    assert send(card, "00 A4 09 0C 02 5032") == "9000"  # TokenInfo, from DF 5015
    assert send(card, "00 B0 00 00 02")[:2] == "30"
    assert send(card, "00 A4 08 0C 04 5015 4401") == "9000"  # AODF
    assert send(card, "00 A4 02 0C 02 5015") == "6A82"  # P1 02: an EF only
    assert send(card, "00 A4 01 0C 02 5015") == "6A82"  # P1 01 from DF 5015: a child DF of it only
    assert send(card, "00 A4 05 0C 02 5015") == "6A86"
    assert send(card, "00 A4 08 08 02 5015") == "6A86"
    assert send(card, "00 A4 08 0C 03 501550") == "6700"


def test_pin_commands_follow_the_current_df() -> None:
    card = _card()
    assert send(card, "00 20 00 81") == "6985"  # MF: no application selected
    assert send(card, "00 A4 08 0C 02 5015") == "9000"
    assert send(card, "00 20 00 81") == "63CA"
    assert send(card, "00 A4 08 0C 04 5015 5031") == "9000"  # an EF in the PKCS#15 DF keeps the PIN reachable
    assert send(card, "00 20 00 81 10 3132333435363738 FFFFFFFFFFFFFFFF") == "9000"
    assert send(card, "00 A4 08 0C 02 9999") == "6A82"  # a failed SELECT changes nothing
    assert send(card, "00 20 00 81") == "9000"
    assert send(card, "00 A4 00 0C 02 3F00") == "9000"  # leaving the application
    assert send(card, "00 20 00 81") == "6985"
    assert send(card, "00 A4 04 0C 0A A0000006474F5349474E") == "9000"  # the PIN application: no files
    assert send(card, "00 20 00 81") == "9000"
    assert send(card, "00 B0 00 00 10") == "6D00"
    assert send(card, "00 A4 00 0C 02 2F00") == "9000"  # EF.DIR, by file id from there
    assert send(card, "00 B0 00 00 01") == "619000"
    assert send(card, "00 20 00 81") == "6985"
    card.power_off()
    card.power_on()
    assert send(card, "00 B0 00 00 10") == "6986"  # the MF again: no current EF


def test_aodf_follows_the_dialect() -> None:
    zpad = CardDialect(aid=h("D2760001240102"), pin_ref=0x91, unblock_ref=0x92, pad_to=32, pad_byte=0x00)
    aodf = build_file_system(zpad, "AOSIM-0000-0001").get((0x3F00, 0x5015, 0x4401))
    assert aodf is not None and aodf.data is not None
    data = aodf.data.hex().upper()
    # user PIN: flags case-sensitive, local, initialized, needs-padding; asciiNumeric; 4 / stored 32 / 16;
    # reference 91; padChar 00; path 3F00 5015; protected by the unblocking PIN (authId 02)
    assert "0302 02CC 0A0101 020104 020120 020110 8002 0091 040100 3006 04043F005015".replace(" ", "") in data
    assert "04 01 02 30 03 04 01 01".replace(" ", "") in data
    # unblocking PIN: + change-disabled, unblock-disabled, unblockingPin (no soPin); reference 92
    assert "0302 01FE 0A0101 020104 020120 020110 8002 0092".replace(" ", "") in data
    nopad = build_file_system(CardDialect(pad_to=0), "X").get((0x3F00, 0x5015, 0x4401))
    assert nopad is not None and nopad.data is not None
    assert "0302 03C8 0A0101 020104 020110 020110 8002 0081".replace(" ", "") in nopad.data.hex().upper()
    assert serial_octets("AOSIM-4821-0937") == h("48210937")
    assert serial_octets("AOSIM-123") == h("0123")
    assert serial_octets("NODIGITS") == b"NODIGITS"


# -- through pcscd, vpcd and OpenSC ----------------------------------------------------------------------------


def test_pkcs11_tool_lists_a_token_with_a_user_pin(make_p11card: MakeCard) -> None:
    card = make_p11card()
    listed = card.tool("--list-slots")
    assert listed.code == 0, listed.out
    serial = CardStore(card.state).load().serial
    slot = listed.out[listed.out.index(READER) :]
    assert re.search(r"token label\s+: AOSign\n", slot), listed.out
    assert re.search(r"token manufacturer\s+: AOSign \(simulated\)\n", slot)
    assert re.search(r"token model\s+: PKCS#15\n", slot)
    assert re.search(r"token flags\s+: login required, token initialized, PIN initialized\n", slot)
    assert re.search(rf"serial num\s+: {serial_octets(serial).hex().upper()}\n", slot)  # 4821-0937 → 48210937
    assert re.search(r"pin min/max\s+: 4/16\n", slot)
    # listing reads files only: no PIN command, and no empty VERIFY either
    assert card.pin_commands() == []
    assert {e["ins"] for e in card.apdus().entries} == {0xA4, 0xB0}


def test_wrong_pins_one_verify_each_then_locked(make_p11card: MakeCard) -> None:
    card = make_p11card()
    # pkcs11-tool: one wrong PIN, one VERIFY carrying it
    mark = card.mark()
    run = card.login(WRONG_PIN)
    assert run.code == 1 and "CKR_PIN_INCORRECT" in run.out, run.out
    (verify,) = card.pin_commands(mark)
    assert (verify["p1"], verify["p2"], verify["lc"], verify["sw"]) == (0x00, 0x81, 16, "63C9")
    assert verify["fields"] == ONE  # where the PIN was, never what it was (issue 33)
    assert card.counters() == (9, 10)
    # a fresh process knows nothing of the count: OpenSC's generic driver sends no empty VERIFY
    assert "final try" not in card.tool("--slot-description", READER, "--list-token-slots").out.lower()

    # python-pkcs11, nine more wrong PINs and one more in one process: flags from the last 63Cx
    mark = card.mark()
    out = json.loads(card.python(_FLAGS_SCRIPT, READER, WRONG_PIN, "10"))
    assert (out["before"], out["serial"]) == ([], serial_octets(CardStore(card.state).load().serial).hex().upper())
    assert out["tries"] == [
        *[["CKR_PIN_INCORRECT", []]] * 7,  # 63C8 .. 63C2: no COUNT_LOW (OpenSC does not know the maximum)
        ["CKR_PIN_INCORRECT", ["USER_PIN_FINAL_TRY"]],  # 63C1
        ["CKR_PIN_INCORRECT", ["USER_PIN_LOCKED"]],  # 63C0
        ["CKR_PIN_LOCKED", ["USER_PIN_LOCKED"]],  # 6983: the VERIFY is sent, no try is spent
    ]
    commands = card.pin_commands(mark)
    assert [(e["p2"], e["lc"], e["sw"]) for e in commands] == [
        *[(0x81, 16, f"63C{x:X}") for x in range(8, -1, -1)],
        (0x81, 16, "6983"),
    ]
    assert all(e["fields"] == ONE for e in commands)
    assert card.counters() == (0, 10)
    # locked: even the right PIN gets CKR_PIN_LOCKED
    run = card.login(SHEET_PIN)
    assert run.code == 1 and "CKR_PIN_LOCKED" in run.out, run.out


def test_unlock_with_the_sheet_code_then_change(make_p11card: MakeCard) -> None:
    card = make_p11card(pin_tries=0)
    mark = card.mark()
    run = card.unlock(WRONG_CODE, NEW_PIN)
    assert run.code == 1 and "C_InitPIN failed: rv = CKR_PIN_INCORRECT" in run.out, run.out
    run = card.unlock(SHEET_CODE, NEW_PIN)
    assert run.code == 0 and "User PIN successfully initialized" in run.out, run.out
    # the SO "login" reaches no card: one RESET RETRY COUNTER per C_InitPIN, 00 2C 00 81 code || new
    assert [(e["ins"], e["p1"], e["p2"], e["lc"], e["sw"], e["fields"]) for e in card.pin_commands(mark)] == [
        (0x2C, 0x00, 0x81, 32, "63C9", TWO),
        (0x2C, 0x00, 0x81, 32, "9000", TWO),
    ]
    assert card.counters() == (10, 10)
    assert card.login(NEW_PIN).code == 0

    # change: C_Login(USER) + C_SetPIN(old, new) = VERIFY old, then 00 24 00 81 old || new
    mark = card.mark()
    assert card.python(_SETPIN_SCRIPT, READER, NEW_PIN, "abc12345").strip() == "changed"
    assert [(e["ins"], e["p1"], e["sw"], e["fields"]) for e in card.pin_commands(mark)] == [
        (0x20, 0x00, "9000", ONE),
        (0x24, 0x00, "9000", TWO),
    ]
    assert card.login("abc12345").code == 0
    # a PIN out of 4..16 is refused by the module: nothing reaches the card
    mark = card.mark()
    assert "CKR_PIN_LEN_RANGE" in card.login("123").out
    assert "CKR_PIN_LEN_RANGE" in card.login("1234567890ABCDEFG").out
    assert card.pin_commands(mark) == []


def test_ten_wrong_codes_make_the_card_dead(make_p11card: MakeCard) -> None:
    card = make_p11card()  # the PIN is not locked: the flags below are the code's count, not the PIN's
    codes = [f"WRONGCODE{i:03d}" for i in range(11)]
    mark = card.mark()
    # four wrong codes from pkcs11-tool, each in its own process
    answers = [card.unlock(code, NEW_PIN) for code in codes[:4]]
    assert all(a.code == 1 and "C_InitPIN failed: rv = CKR_PIN_INCORRECT" in a.out for a in answers)
    # seven more in one python-pkcs11 process: OpenSC files the code's 63Cx under the *user* PIN's flags
    out = json.loads(card.python(_UNLOCK_SCRIPT, READER, NEW_PIN, *codes[4:]))
    assert out == [
        *[["CKR_PIN_INCORRECT", []]] * 4,  # 63C5 .. 63C2
        ["CKR_PIN_INCORRECT", ["USER_PIN_FINAL_TRY"]],  # 63C1: the code's last try, shown as the PIN's
        ["CKR_PIN_INCORRECT", ["USER_PIN_LOCKED"]],  # 63C0: the card is dead
        ["CKR_PIN_LOCKED", ["USER_PIN_LOCKED"]],  # 6983
    ]  # and never an SO_PIN_* flag: the token has no SO PIN
    commands = card.pin_commands(mark)
    assert [(e["ins"], e["p1"], e["p2"], e["lc"], e["sw"]) for e in commands] == [
        *[(0x2C, 0x00, 0x81, 32, f"63C{x:X}") for x in range(9, -1, -1)],
        (0x2C, 0x00, 0x81, 32, "6983"),
    ]
    assert [e["fields"] for e in commands] == [TWO for _ in codes]
    assert card.counters() == (10, 0)
    # dead: the sheet code and the right PIN both get CKR_PIN_LOCKED
    assert "C_InitPIN failed: rv = CKR_PIN_LOCKED" in card.unlock(SHEET_CODE, NEW_PIN).out
    assert "C_Login failed: rv = CKR_PIN_LOCKED" in card.login(SHEET_PIN).out
    assert card.counters() == (10, 0)


def test_another_dialect_is_spoken_as_its_aodf_says(make_p11card: MakeCard) -> None:
    card = make_p11card(
        "--aid", "D2760001240102", "--pin-ref", "0x91", "--unblock-ref", "0x92", "--pad-to", "32", "--pad-byte", "0"
    )
    mark = card.mark()
    assert "CKR_PIN_INCORRECT" in card.login(WRONG_PIN).out
    assert card.login(SHEET_PIN).code == 0
    assert [(e["p2"], e["lc"], e["sw"]) for e in card.pin_commands(mark)] == [(0x91, 32, "63C9"), (0x91, 32, "9000")]
    assert len(card.pin_commands(mark)[0]["fields"]) == 1
    assert card.counters() == (10, 10)
    mark = card.mark()
    assert card.unlock(SHEET_CODE, NEW_PIN).code == 0
    (rrc,) = card.pin_commands(mark)
    assert (rrc["ins"], rrc["p2"], rrc["lc"], rrc["sw"]) == (0x2C, 0x91, 64, "9000")
