"""Issue 33: the simulated card keeps no crackable secret. Its state file holds scrypt hashes with their parameters
(a version 1 file, PBKDF2 only, is still read and upgraded on its next write); its APDU log holds no digest of a
PIN field at all, only where the redacted fields were and how long."""

from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path

import pytest

from aosign_plugin.simcard.store import (
    DEFAULT_KDF,
    QUICK_KDF,
    CardStateInvalidError,
    CardStore,
    Scrypt,
    SecretRecord,
    new_card_state,
)

PIN = b"27182818"
CODE = b"QX7RT2KM9WZ4"


def _v1_record(value: bytes, iterations: int = 2000, tries: int = 10) -> dict[str, object]:
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", value, salt, iterations)
    return {
        "salt": salt.hex(),
        "hash": digest.hex(),
        "length": len(value),
        "iterations": iterations,
        "tries_left": tries,
        "max_tries": 10,
    }


def _v1_file(path: Path) -> None:
    """A state file as the first version wrote it (PBKDF2, 2000 rounds)."""
    state = new_card_state(PIN, CODE, kdf=QUICK_KDF).to_json()
    state["version"] = 1
    state["pin"] = _v1_record(PIN, tries=7)
    state["unblock"] = _v1_record(CODE)
    path.write_text(json.dumps(state))


def test_a_new_card_keeps_scrypt_hashes_with_their_parameters(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    CardStore(path).create(new_card_state(PIN, CODE))
    obj = json.loads(path.read_text())
    assert obj["version"] == 2
    for name in ("pin", "unblock"):
        assert obj[name]["kdf"] == {"name": "scrypt", "n": 1 << 14, "r": 8, "p": 1}
        assert "iterations" not in obj[name] and "pbkdf2" not in obj[name]
    state = CardStore(path).load()
    assert state.pin.kdf == DEFAULT_KDF and state.pin.matches(PIN) and not state.pin.matches(CODE)
    salt = bytes.fromhex(obj["pin"]["salt"])
    assert bytes.fromhex(obj["pin"]["hash"]) == hashlib.scrypt(PIN, salt=salt, n=1 << 14, r=8, p=1, dklen=32)


def test_the_parameters_can_be_raised(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    CardStore(path).create(new_card_state(PIN, CODE, kdf=Scrypt(n=1 << 15, r=8, p=1)))
    state = CardStore(path).load()
    assert state.pin.kdf == Scrypt(n=1 << 15, r=8, p=1) and state.pin.matches(PIN)
    state.pin.replace_value(b"Hk47vQ2w")  # a new PIN keeps the card's parameters
    assert state.pin.to_json()["kdf"]["n"] == 1 << 15


def test_an_old_file_is_read_and_upgraded_on_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    _v1_file(path)
    store = CardStore(path)
    state = store.load()
    assert state.pin.kdf is None and state.pin.matches(PIN) and not state.pin.matches(CODE)
    assert state.pin.tries_left == 7
    assert json.loads(path.read_text())["version"] == 1  # reading writes nothing

    state.pin.tries_left = 6  # the next write (a try spent)
    store.save(state)
    obj = json.loads(path.read_text())
    assert obj["version"] == 2
    for name in ("pin", "unblock"):
        assert obj[name]["kdf"] == DEFAULT_KDF.to_json() and obj[name]["pbkdf2"]["iterations"] == 2000
        assert "iterations" not in obj[name]
    again = CardStore(path).load()
    assert again.pin.matches(PIN) and again.unblock.matches(CODE) and not again.pin.matches(b"27182819")
    assert again.pin.tries_left == 6
    # a new value drops the PBKDF2 step: scrypt alone
    again.pin.replace_value(b"Hk47vQ2w")
    assert "pbkdf2" not in again.pin.to_json() and again.pin.matches(b"Hk47vQ2w")


@pytest.mark.parametrize(
    "kdf", [{"name": "scrypt", "n": 3, "r": 8, "p": 1}, {"name": "pbkdf2", "n": 16, "r": 1, "p": 1}, "scrypt"]
)
def test_bad_parameters_are_named(tmp_path: Path, kdf: object) -> None:
    path = tmp_path / "card.json"
    CardStore(path).create(new_card_state(PIN, CODE, kdf=QUICK_KDF))
    obj = json.loads(path.read_text())
    obj["pin"]["kdf"] = kdf
    path.write_text(json.dumps(obj))
    with pytest.raises(CardStateInvalidError, match=r"pin\.kdf"):
        CardStore(path).load()


def test_a_record_holds_no_value() -> None:
    record = SecretRecord.create(PIN, kdf=QUICK_KDF)
    text = json.dumps(record.to_json()) + repr(record)
    assert PIN.decode() not in text and PIN.hex() not in text
