"""The simulated card's state file: atomic writes, the cross-process lock, validation; and ``aosign-sim``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from aosign_plugin.config.dialect import CardDialect, ChangeStyle
from aosign_plugin.simcard.store import (
    QUICK_KDF,
    CardStateCorruptError,
    CardStateMissingError,
    CardStateUnwritableError,
    CardStore,
    SimCardState,
    new_card_state,
)

PIN = b"12345678"
CODE = b"ABCDEFGH1234"
SHEET_SENTENCE = "「PIN(暗証番号)について」の用紙は再発行ができませんので、なくさないよう大切に保管してください。"


def issued(path: Path, **kwargs: object) -> CardStore:
    store = CardStore(path)
    store.create(new_card_state(PIN, CODE, kdf=QUICK_KDF, **kwargs))  # type: ignore[arg-type]
    return store


def test_roundtrip_and_file_modes(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "card.json"
    store = issued(path, dialect=CardDialect(aid=None, pad_to=0, change=ChangeStyle.VERIFY_THEN_SET))
    state = store.load()
    assert state.dialect == CardDialect(aid=None, pad_to=0, change=ChangeStyle.VERIFY_THEN_SET)
    assert state.pin.length == 8 and state.unblock.length == 12
    assert (state.pin.tries_left, state.pin.max_tries, state.unblock.tries_left) == (10, 10, 10)
    assert state.pin.matches(PIN) and not state.pin.matches(CODE)
    obj = json.loads(path.read_text())
    assert set(obj) == {"version", "serial", "issued", "dialect", "pin", "unblock"}
    assert set(obj["pin"]) == {"kdf", "salt", "hash", "length", "tries_left", "max_tries"}
    assert obj["version"] == 2 and obj["pin"]["kdf"] == {"name": "scrypt", "n": 16, "r": 1, "p": 1}
    if sys.platform != "win32":
        assert path.stat().st_mode & 0o777 == 0o600
        assert store.lock_path.stat().st_mode & 0o777 == 0o600
    assert store.lock_path == tmp_path / "sub" / "card.json.lock"
    assert "salt" not in repr(state.pin) and "digest" not in repr(state.pin)


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    store = issued(tmp_path / "card.json")
    serial = store.load().serial
    with pytest.raises(FileExistsError):
        store.create(new_card_state(b"1111", b"2222", kdf=QUICK_KDF))
    assert store.load().serial == serial
    store.create(new_card_state(b"13572468", CODE, kdf=QUICK_KDF), force=True)
    assert store.load().pin.matches(b"13572468")


def test_crash_between_write_and_rename_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "card.json"
    store = issued(path)
    before = path.read_bytes()
    state = store.load()
    state.pin.tries_left = 3

    def crash(src: object, dst: object) -> None:
        raise OSError("power lost")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(CardStateUnwritableError, match="could not be written: power lost"):
        store.save(state)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.json", "card.json.lock"]
    assert CardStore(path).load().pin.tries_left == 10
    store.save(state)
    assert CardStore(path).load().pin.tries_left == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.json", "card.json.lock"]


def test_missing_state(tmp_path: Path) -> None:
    with pytest.raises(CardStateMissingError, match="no simulated card state at"):
        CardStore(tmp_path / "none.json").load()
    with pytest.raises(CardStateMissingError), CardStore(tmp_path / "none.json").locked():
        pass


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda o: "not json {", "corrupt"),
        (lambda o: [], "JSON object"),
        (lambda o: {**o, "extra": 1}, "must have the keys"),
        (lambda o: {**o, "certificates": [{"label": "x"}]}, "certificates"),
        (lambda o: {**o, "certificates": [{"label": "x", "der": "zz"}]}, "certificates"),
        (lambda o: {**o, "key": 5}, "key"),
        (lambda o: {**o, "version": 99}, "version"),
        (lambda o: {**o, "serial": ""}, "serial"),
        (lambda o: {**o, "pin": {**o["pin"], "tries_left": 11}}, "tries_left"),
        (lambda o: {**o, "pin": {**o["pin"], "tries_left": "9"}}, "pin.tries_left"),
        (lambda o: {**o, "unblock": {**o["unblock"], "hash": "zz"}}, "unblock.hash"),
        (lambda o: {**o, "unblock": {**o["unblock"], "salt": "00"}}, "salt"),
        (lambda o: {**o, "dialect": {**o["dialect"], "pad_to": 3}}, "pad_to"),
        (lambda o: {**o, "dialect": {**o["dialect"], "change": "sideways"}}, "dialect"),
    ],
)
def test_corrupt_state_is_a_clear_error(tmp_path: Path, mutate: object, message: str) -> None:
    path = tmp_path / "card.json"
    issued(path)
    obj = json.loads(path.read_text())
    new = mutate(obj)  # type: ignore[operator]
    path.write_text(new if isinstance(new, str) else json.dumps(new))
    with pytest.raises(CardStateCorruptError, match=message) as info:
        CardStore(path).load()
    assert str(path) in str(info.value)


def test_truncated_file_is_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    issued(path)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(CardStateCorruptError):
        CardStore(path).load()


def test_locked_is_reentrant_and_loads_once(tmp_path: Path) -> None:
    store = issued(tmp_path / "card.json")
    with store.locked() as outer:
        outer.pin.tries_left = 7
        with store.locked() as inner:
            assert inner is outer
            store.save(inner)
    assert CardStore(tmp_path / "card.json").load().pin.tries_left == 7


_WORKER = textwrap.dedent(
    """
    import sys, time
    from aosign_plugin.simcard.store import CardStore
    store = CardStore(sys.argv[1])
    for _ in range(int(sys.argv[2])):
        with store.locked() as state:
            n = int(state.serial.split("-")[1])
            time.sleep(0.002)  # widen the read-modify-write window
            state.serial = f"N-{n + 1}"
            store.save(state)
    """
)


def test_concurrent_processes_are_serialized_by_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    store = issued(path, serial="N-0")
    workers, rounds = 4, 15
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, str(path), str(rounds)]) for _ in range(workers)]
    for p in procs:
        assert p.wait(60) == 0
    assert store.load().serial == f"N-{workers * rounds}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.json", "card.json.lock"]


def test_state_copy_is_deep(tmp_path: Path) -> None:
    state = new_card_state(PIN, CODE, kdf=QUICK_KDF)
    other = state.copy()
    other.pin.tries_left = 1
    assert state.pin.tries_left == 10
    assert isinstance(SimCardState.from_json(state.to_json()), SimCardState)


# -- aosign-sim issue / show -----------------------------------------------------------------------------------


def sim(
    *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "aosign_plugin.simcard.cli", *args],
        input=stdin if stdin is not None else b"",
        capture_output=True,
        timeout=30,
        env={**os.environ, **(env or {})},
    )


def test_issue_from_stdin_prints_the_sheet_once(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    r = sim(
        "issue", "--state", str(path), "--from-stdin", "--pad-to", "0", "--no-aid", stdin=b"24681357\nQWERTY123456\n"
    )
    assert r.returncode == 0, r.stderr
    sheet = r.stdout.decode()
    assert "「PIN(暗証番号)について」" in sheet
    assert "24681357" in sheet and "QWERTY123456" in sheet
    assert SHEET_SENTENCE in sheet
    state = CardStore(path).load()
    assert state.serial in sheet
    assert state.pin.matches(b"24681357") and state.unblock.matches(b"QWERTY123456")
    assert state.dialect.pad_to == 0 and state.dialect.aid is None
    assert b"24681357" not in path.read_bytes() and b"QWERTY123456" not in path.read_bytes()

    again = sim("issue", "--state", str(path), "--from-stdin", stdin=b"11223344\nQWERTY123456\n")
    assert again.returncode == 2 and b"--force" in again.stderr and again.stdout == b""
    assert CardStore(path).load().pin.matches(b"24681357")


def test_issue_random_values(tmp_path: Path) -> None:
    # the issuer's sheet: one PIN, the card's first PIN and its unblocking code
    path = tmp_path / "card.json"
    r = sim("issue", "--state", str(path), "--lang", "en", "--change", "verify-then-set", "--cla", "0x80")
    assert r.returncode == 0, r.stderr
    sheet = r.stdout.decode()
    pin = re.search(r"^PIN: (\S+)$", sheet, re.M)
    assert pin and re.fullmatch(r"[0-9]{8}", pin.group(1))
    assert "PIN for unlocking" not in sheet
    assert SHEET_SENTENCE in sheet
    state = CardStore(path).load()
    assert state.pin.matches(pin.group(1).encode()) and state.unblock.matches(pin.group(1).encode())
    assert state.dialect.change is ChangeStyle.VERIFY_THEN_SET and state.dialect.cla == 0x80
    r2 = sim("issue", "--state", str(path), "--force")
    assert r2.returncode == 0
    assert pin.group(1) not in r2.stdout.decode()


def test_issue_separate_code_and_keep(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    r = sim("issue", "--state", str(path), "--lang", "en", "--separate-code")
    sheet = r.stdout.decode()
    pin = re.search(r"^PIN: (\S+)$", sheet, re.M)
    code = re.search(r"^PIN for unlocking: (\S+)$", sheet, re.M)
    assert pin and code and re.fullmatch(r"[A-Z0-9]{12}", code.group(1))
    state = CardStore(path).load()
    assert state.pin.matches(pin.group(1).encode()) and state.unblock.matches(code.group(1).encode())
    before = path.read_bytes()
    kept = sim("issue", "--state", str(path), "--keep")
    assert kept.returncode == 0 and kept.stdout == b"" and path.read_bytes() == before


def test_issue_one_line_from_stdin(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    r = sim("issue", "--state", str(path), "--from-stdin", stdin=b"Abcd1234\n")
    assert r.returncode == 0, r.stderr
    state = CardStore(path).load()
    assert state.pin.matches(b"Abcd1234") and state.unblock.matches(b"Abcd1234")


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["--from-stdin"], b"1111\nQWERTY123456\n"),  # the card refuses it
        (["--from-stdin"], b""),  # nothing
        (["--from-stdin"], b"\n12345678\n"),  # an empty first line
        (["--pad-to", "5"], b""),
        (["--aid", "zz"], b""),
        (["--pin-ref", "0x82"], b""),
    ],
)
def test_issue_bad_usage(tmp_path: Path, args: list[str], stdin: bytes) -> None:
    path = tmp_path / "card.json"
    r = sim("issue", "--state", str(path), *args, stdin=stdin)
    assert r.returncode == 2
    assert r.stdout == b""
    assert not path.exists()


def test_show(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    missing = sim("show", "--state", str(path))
    assert missing.returncode == 6 and b"aosign-sim issue" in missing.stderr
    store = issued(path)
    with store.locked() as state:
        state.pin.tries_left = 0
        store.save(state)
    r = sim("show", "--state", str(path), "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["state"] == "locked"
    assert info["pin"]["tries_left"] == 0 and info["unblock"] == {"tries_left": 10, "max_tries": 10}
    assert info["dialect"]["aid"] == "A0000006474F5349474E"
    for secret in ("salt", "hash", PIN.decode(), CODE.decode()):
        assert secret not in r.stdout.decode()
    text = sim("show", "--state", str(path))
    assert text.returncode == 0 and b"locked" in text.stdout


def test_default_state_path_is_the_user_data_dir(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    r = sim("issue", stdin=b"", env=env)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "data" / "aosign" / "sim-card.json").is_file()


def test_cli_imports_stay_light() -> None:
    code = (
        "import sys, aosign_plugin.simcard.cli; heavy = {'smartcard', 'platformdirs', 'click', 'pluggy'};"
        " print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert r.stdout.strip() == "[]", r.stdout
