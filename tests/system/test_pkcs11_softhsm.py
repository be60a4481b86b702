"""The PKCS#11 backend on a real module: SoftHSM2, one token store per test, no mocks.

End to end, ``aosign-host`` runs as a subprocess with ``SOFTHSM2_CONF`` in its environment and the answers on
standard input; the token itself (a python-pkcs11 login, its flags) is the witness. In process, the backend's
flag mapping, its guard, its error mapping and its session hygiene are checked against the same module.

SoftHSM2 never locks a PIN (it only ever sets ``*_PIN_COUNT_LOW``): the final-try and locked flags are checked on
literal flag values here; the lock path end to end needs another module.
"""

from __future__ import annotations

import _ctypes
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pkcs11
import pytest

from aosign_plugin.backends.pkcs11.backend import (
    CKF_PROTECTED_AUTHENTICATION_PATH,
    CKF_SO_PIN_COUNT_LOW,
    CKF_SO_PIN_FINAL_TRY,
    CKF_SO_PIN_LOCKED,
    CKF_TOKEN_INITIALIZED,
    CKF_USER_PIN_COUNT_LOW,
    CKF_USER_PIN_FINAL_TRY,
    CKF_USER_PIN_INITIALIZED,
    CKF_USER_PIN_LOCKED,
    Pkcs11Backend,
    UnblockStyle,
    _pin_args,
    counters_from_flags,
)
from aosign_plugin.config.settings import Backend, Settings
from aosign_plugin.domain.card_status import CardState, Counter, CounterSource, PinState, SecretKind
from aosign_plugin.domain.errors import (
    CardRefusedInputError,
    CardStateChangedError,
    CardUnavailableError,
    PinIncorrectError,
    UnavailableReason,
)
from aosign_plugin.domain.secret import Secret
from hostapp_stub.records import replace
from tests.support.softhsm import CODE, LABEL, MODULE, PIN, SoftHsm, session_is_open

WRONG_PIN = "PIN(暗証番号)が不正です。"
CHANGED = "以上で、PIN(暗証番号)の変更は完了です。"
NEW_PIN = "Hk47vQ2w"


@pytest.fixture
def hsm(tmp_path: Path) -> Iterator[SoftHsm]:
    """A fresh store holding one token, AOSign, with PIN and CODE."""
    store = SoftHsm(tmp_path)
    store.init_token()
    yield store


def backend(uri: str = f"pkcs11:token={LABEL}", **kwargs: Any) -> Pkcs11Backend:
    return Pkcs11Backend(Settings(backend=Backend.PKCS11, pkcs11_modules={"linux": MODULE}, pkcs11_token=uri), **kwargs)


def secret(text: str) -> Secret:
    return Secret.from_ascii(text)


# --- end to end: aosign-host ---------------------------------------------------------------------------------------


def test_status(hsm: SoftHsm) -> None:
    run = hsm.host("status", "--json")
    assert run.code == 0, run.text
    data = run.json()
    assert data["backend"] == "pkcs11"
    assert data["state"] == "ready"
    assert data["reader"].startswith(f"{LABEL} (SoftHSM slot ID 0x")
    assert data["pin"] == {"tries_left": None, "max_tries": 10, "source": "module", "reason": "module_gives_no_count"}
    assert data["unblock"] == {
        "tries_left": None,
        "max_tries": 10,
        "source": "module",
        "reason": "module_gives_no_count",
    }
    assert data["advice"] is None
    run = hsm.host("status")
    assert run.code == 0 and LABEL in run.out, run.text
    # reading the state logged nobody in: a wrong login would have set COUNT_LOW
    assert not hsm.flags() & (CKF_USER_PIN_COUNT_LOW | CKF_SO_PIN_COUNT_LOW)


def test_change_then_the_new_pin_works(hsm: SoftHsm) -> None:
    run = hsm.host("change-pin", answers=[PIN, NEW_PIN, NEW_PIN])
    assert run.code == 0, run.text
    assert CHANGED in run.out
    assert hsm.pin_works(NEW_PIN)
    run = hsm.host("change-pin", answers=[NEW_PIN, PIN, PIN], lang="en")
    assert run.code == 0, run.text
    assert "The PIN has been changed." in run.out
    assert hsm.pin_works(PIN)
    assert not hsm.flags() & CKF_USER_PIN_COUNT_LOW


def test_wrong_pin(hsm: SoftHsm) -> None:
    run = hsm.host("change-pin", answers=["27182818", NEW_PIN, NEW_PIN])
    assert run.code == 3, run.text
    assert WRONG_PIN in run.err
    # the module gives no count: said honestly, and the status shows "low" without inventing a number
    data = hsm.host("status", "--json").json()
    assert data["pin"]["tries_left"] is None
    assert data["advice_code"] == "reset_recommended"
    assert hsm.pin_works(PIN)  # unchanged


def test_unlock_with_the_code(hsm: SoftHsm) -> None:
    # the module tells no count of the code: each try may be the last, so a script needs --final-try (issue 33)
    run = hsm.host("unlock", answers=[CODE, NEW_PIN, NEW_PIN])
    assert run.code == 2 and "--final-try" in run.err, run.text
    assert hsm.pin_works(PIN) and not hsm.flags() & CKF_SO_PIN_COUNT_LOW
    run = hsm.host("unlock", "--final-try", answers=[CODE, NEW_PIN, NEW_PIN])
    assert run.code == 0, run.text
    assert hsm.pin_works(NEW_PIN)
    assert not hsm.pin_works(PIN)
    assert hsm.host("unlock", "--final-try", answers=[CODE, PIN, PIN]).code == 0  # and back
    assert hsm.pin_works(PIN)


def test_wrong_code(hsm: SoftHsm) -> None:
    run = hsm.host("unlock", "--final-try", answers=["WR0NGC0DE123", NEW_PIN, NEW_PIN])
    assert run.code == 3, run.text
    assert "ロック解除" in run.err
    assert hsm.flags() & CKF_SO_PIN_COUNT_LOW
    assert hsm.pin_works(PIN)  # nothing was reset
    data = hsm.host("status", "--json").json()
    assert data["unblock"]["tries_left"] is None and data["advice_code"] == "unblock_low"


def test_policy_refusal_reaches_no_module(hsm: SoftHsm) -> None:
    # a wrong current PIN with a refused new one: had the module seen the login, it would say COUNT_LOW
    run = hsm.host("change-pin", answers=["27182818", "111111", "111111"])
    assert run.code == 2, run.text
    assert "すべて同じ文字" in run.err and "カードには何も送っていません" in run.err
    run = hsm.host("change-pin", answers=[PIN, "19850412", "19850412"])
    assert run.code == 2, run.text
    run = hsm.host("change-pin", answers=[PIN, NEW_PIN, NEW_PIN + "x"])
    assert run.code == 2, run.text
    run = hsm.host("unlock", "--final-try", answers=["WR0NGC0DE123", "111111", "111111"])
    assert run.code == 2, run.text
    assert not hsm.flags() & (CKF_USER_PIN_COUNT_LOW | CKF_SO_PIN_COUNT_LOW)
    assert hsm.pin_works(PIN)


@pytest.mark.parametrize("query", ["?pin-value=31415926", "?pin-source=file:/31415926.txt", ";pin-value=31415926"])
def test_uri_with_a_pin_is_refused(hsm: SoftHsm, query: str) -> None:
    manifest = hsm.write_manifest(token=f"pkcs11:token={LABEL}{query}", name="pin.toml")
    for lang in ("ja", "en"):
        run = hsm.host("status", manifest=manifest, lang=lang)
        # the manifest is invalid (a PIN never lives in config): exit 7, at the key's line, never quoting the value
        assert run.code == 7, run.text
        assert "pin-" in run.err and f"{manifest}:" in run.err and "pkcs11.token" in run.err
        assert "31415926" not in run.text
    run = hsm.host("change-pin", manifest=manifest, answers=[PIN, NEW_PIN, NEW_PIN])
    assert run.code == 7 and "31415926" not in run.text
    assert hsm.pin_works(PIN)


def test_missing_module(hsm: SoftHsm, tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere" / "libvendor-pkcs11.so")
    manifest = hsm.write_manifest(module=missing, name="missing.toml")
    run = hsm.host("status", manifest=manifest)
    assert run.code == 7, run.text  # caught by the manifest check, naming the path
    assert missing in run.err


def test_no_module_for_this_os(hsm: SoftHsm) -> None:
    manifest = hsm.root / "windows-only.toml"
    manifest.write_text(
        '[plugin]\nbackend = "pkcs11"\n[pkcs11]\nmodule.windows = "C:\\\\vendor\\\\p11.dll"\n', encoding="utf-8"
    )
    run = hsm.host("status", manifest=manifest)
    assert run.code == 6, run.text
    assert "module.linux" in run.err


@pytest.mark.parametrize(
    "path",
    [
        shutil.which("ls") or "/usr/bin/ls",  # an executable
        __file__,  # a text file
        _ctypes.__file__,  # a shared library without C_GetFunctionList
    ],
    ids=["executable", "text", "library"],
)
def test_not_a_module(hsm: SoftHsm, path: str) -> None:
    manifest = hsm.write_manifest(module=path, name="notamodule.toml")
    run = hsm.host("status", manifest=manifest)
    assert run.code == 6, run.text
    assert path in run.err


def test_not_a_module_copied_to_a_temp_dir(hsm: SoftHsm, tmp_path: Path) -> None:
    copy = tmp_path / "libfake-pkcs11.so"
    shutil.copy(shutil.which("ls") or "/usr/bin/ls", copy)
    manifest = hsm.write_manifest(module=str(copy), name="copy.toml")
    run = hsm.host("status", manifest=manifest)
    # a safe place (tmp_path is root's, /tmp sticky), so the backend tries it and finds no PKCS#11 module
    assert run.code == 6, run.text
    assert str(copy) in run.err


def test_c_initialize_failing(hsm: SoftHsm, tmp_path: Path) -> None:
    run = hsm.host("status", env={"SOFTHSM2_CONF": str(tmp_path / "no-such.conf")})
    assert run.code == 6, run.text
    assert MODULE in run.err and "C_Initialize" in run.err


def test_several_tokens_need_a_choice(hsm: SoftHsm) -> None:
    hsm.init_token(label="Other")
    manifest = hsm.write_manifest(token="pkcs11:", name="any.toml")
    run = hsm.host("status", manifest=manifest, lang="en")
    assert run.code == 6, run.text
    assert f"'{LABEL}'" in run.err and "'Other'" in run.err
    # the label chooses; so does the serial when two share a label
    assert hsm.host("status", "--json").json()["reader"].startswith(f"{LABEL} (")
    hsm.init_token(label=LABEL)
    run = hsm.host("status", lang="en")
    assert run.code == 6 and run.err.count(f"'{LABEL}' serial ") == 2, run.text
    serial = run.err.split(f"'{LABEL}' serial ")[1].split()[0]
    manifest = hsm.write_manifest(token=f"pkcs11:token={LABEL};serial={serial}", name="serial.toml")
    assert hsm.host("status", manifest=manifest).code == 0


def test_one_token_needs_no_choice(hsm: SoftHsm) -> None:
    # SoftHSM2 always adds an empty slot with a blank token: it is not a choice
    for manifest in (hsm.write_manifest(token="pkcs11:", name="any.toml"), hsm.write_manifest(token=None)):
        run = hsm.host("status", "--json", manifest=manifest)
        assert run.code == 0, run.text


def test_no_matching_token(hsm: SoftHsm) -> None:
    manifest = hsm.write_manifest(token="pkcs11:token=Nobody", name="nobody.toml")
    run = hsm.host("status", manifest=manifest, lang="en")
    assert run.code == 6, run.text
    assert "pkcs11:token=Nobody" in run.err and f"'{LABEL}'" in run.err


# --- in process: the mapping, the guard, the sessions --------------------------------------------------------------

ALL = CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED


@pytest.mark.parametrize(
    ("flags", "pin", "unblock", "state"),
    [
        (ALL, Counter(None), Counter(None), CardState.READY),
        (ALL | CKF_USER_PIN_COUNT_LOW, Counter(None, low=True), Counter(None), CardState.READY),
        (
            ALL | CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY,
            Counter(1, low=True, final=True),
            Counter(None),
            CardState.READY,
        ),
        (ALL | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED, Counter(0, blocked=True), Counter(None), CardState.LOCKED),
        (ALL | CKF_SO_PIN_COUNT_LOW, Counter(None), Counter(None, low=True), CardState.READY),
        (ALL | CKF_SO_PIN_FINAL_TRY, Counter(None), Counter(1, final=True), CardState.READY),
        (
            ALL | CKF_USER_PIN_LOCKED | CKF_SO_PIN_LOCKED,
            Counter(0, blocked=True),
            Counter(0, blocked=True),
            CardState.DEAD,
        ),
        # a user PIN never initialised: the way out is the unblocking code (C_InitPIN), as for a locked one
        (CKF_TOKEN_INITIALIZED, Counter(None, blocked=True), Counter(None), CardState.LOCKED),
    ],
)
def test_flags_to_counters(flags: int, pin: Counter, unblock: Counter, state: CardState) -> None:
    module = CounterSource.MODULE  # the token's flags: what the module says, not what the card said
    assert counters_from_flags(flags) == (replace(pin, source=module), replace(unblock, source=module))
    from aosign_plugin.domain.card_status import CardStatus

    assert CardStatus("pkcs11", None, pin, unblock).state is state


def test_status_from_real_flags(hsm: SoftHsm) -> None:
    with hsm.loaded() as lib:
        b = backend()
        status = b.status()
        assert (status.pin.state, status.unblock.state) == (PinState.OK, PinState.OK)
        assert status.pin.tries_left is None and status.advice is None
        assert b.protected_path is False  # SoftHSM2 has no PIN pad
        token = lib.get_token(token_label=LABEL)
        for kwargs in ({"user_pin": "27182818"}, {"so_pin": "WR0NGC0DE123"}):
            with pytest.raises(pkcs11.PinIncorrect):
                token.open(rw=True, **kwargs)  # read/write: a leaked read-only session blocks SO logins
        lib.finalize()  # closes the sessions python-pkcs11 leaked
        lib.initialize()
        status = b.status()
        low = Counter(None, low=True, source=CounterSource.MODULE)
        assert status.pin == low and status.unblock == low
        # both counters low: both advices, the unblocking code's (the more dangerous) first
        assert [a.value for a in status.advices] == ["unblock_low", "reset_recommended"]


def test_the_guard_sends_nothing(hsm: SoftHsm) -> None:
    with hsm.loaded() as lib:
        b = backend()
        seen = b.status()
        token = lib.get_token(token_label=LABEL)
        with pytest.raises(pkcs11.PinIncorrect):  # someone else spends a try
            token.open(user_pin="27182818")
        lib.finalize()
        lib.initialize()
        with pytest.raises(CardStateChangedError):
            b.change_pin(secret(PIN), secret(NEW_PIN), seen=seen.pin)
        # reading again, the user sees "low" and may go on: the right PIN changes it (and clears COUNT_LOW)
        b.change_pin(secret(PIN), secret(NEW_PIN), seen=b.status().pin)
    assert hsm.pin_works(NEW_PIN)


def test_errors_map_to_the_plugins_own(hsm: SoftHsm) -> None:
    with hsm.loaded():
        b = backend()
        s = b.status()
        with pytest.raises(PinIncorrectError) as wrong:
            b.change_pin(secret("27182818"), secret(NEW_PIN), seen=s.pin)
        assert (wrong.value.kind, wrong.value.tries_left) == (SecretKind.PIN, None)
        with pytest.raises(PinIncorrectError) as wrong:
            b.unblock_pin(secret("WR0NGC0DE123"), secret(NEW_PIN), seen=s.unblock)
        assert (wrong.value.kind, wrong.value.tries_left) == (SecretKind.UNBLOCK, None)
        s = b.status()
        # SoftHSM2's own PIN length rule (4..255): refused, no try counted by us, nothing changed
        for new in ("12", "x" * 256):
            with pytest.raises(CardRefusedInputError):
                b.change_pin(secret(PIN), secret(new), seen=s.pin)
            with pytest.raises(CardRefusedInputError):
                b.unblock_pin(secret(CODE), secret(new), seen=s.unblock)
        with pytest.raises(ValueError, match="protected authentication path"):
            b.change_pin(None, None, seen=s.pin)
    assert hsm.pin_works(PIN)


def test_no_session_left_after_a_failed_login(hsm: SoftHsm) -> None:
    with hsm.loaded() as lib:
        token = lib.get_token(token_label=LABEL)
        # the witness works: bare python-pkcs11 leaves the failed login's session open...
        probe = token.open()
        first = probe.handle
        probe.close()
        with pytest.raises(pkcs11.PinIncorrect):
            token.open(user_pin="27182818")  # read-only, like most callers
        assert session_is_open(first + 1)
        # ...and that leaked read-only session blocks any SO login
        with pytest.raises(pkcs11.SessionReadOnlyExists):
            token.open(rw=True, so_pin=CODE)
        b = backend()
        probe = token.open()
        before = probe.handle
        probe.close()
        for _ in range(2):
            with pytest.raises(PinIncorrectError):
                b.change_pin(secret("27182818"), secret(NEW_PIN), seen=b.status().pin)
            with pytest.raises(PinIncorrectError):
                b.unblock_pin(secret("WR0NGC0DE123"), secret(NEW_PIN), seen=b.status().unblock)
        probe = token.open()
        after = probe.handle
        probe.close()
        # every session the backend opened is closed: after a failed login it re-initialises the module through
        # python-pkcs11's own function table (SoftHSM2 then numbers sessions from 1 again)
        assert [h for h in range(1, max(before, after) + 16) if session_is_open(h)] == []
        # and an SO login works again: C_Finalize also closed what bare python-pkcs11 had leaked
        token.open(rw=True, so_pin=CODE).close()
        # a successful operation closes its session too
        b.change_pin(secret(PIN), secret(NEW_PIN), seen=b.status().pin)
        b.unblock_pin(secret(CODE), secret(PIN), seen=b.status().unblock)
        probe = token.open()
        assert [h for h in range(after, probe.handle) if session_is_open(h)] == []
        probe.close()
    assert hsm.pin_works(PIN)


def test_context_specific_style_is_refused_by_softhsm(hsm: SoftHsm) -> None:
    with hsm.loaded():
        b = backend(unblock_style="context-specific")
        assert b.unblock_style is UnblockStyle.CONTEXT_SPECIFIC
        with pytest.raises(CardUnavailableError) as info:
            b.unblock_pin(secret(CODE), secret(NEW_PIN), seen=b.status().unblock)
        assert info.value.reason is UnavailableReason.MODULE
        assert "unblock style context-specific not supported by this module" in info.value.detail
        assert "OperationNotInitialized" in info.value.detail
    assert not hsm.flags() & CKF_SO_PIN_COUNT_LOW  # no try of the code was spent
    assert hsm.pin_works(PIN)


def test_unknown_unblock_style() -> None:
    with pytest.raises(CardUnavailableError, match="unknown unblock style; use one of: so-initpin"):
        backend(unblock_style="guess")


def test_pin_copies_are_wiped() -> None:
    with _pin_args(secret(PIN), None) as (arg, nothing):
        assert arg is not None and nothing is None
        assert arg.encode("utf-8") == bytearray(PIN.encode())
        buf = arg.encode()
        assert repr(arg) == "_PinArg(***)"
    assert buf == bytearray()


def test_flag_values_match_python_pkcs11() -> None:
    from pkcs11 import TokenFlag

    assert CKF_USER_PIN_COUNT_LOW == TokenFlag.USER_PIN_COUNT_LOW
    assert CKF_USER_PIN_FINAL_TRY == TokenFlag.USER_PIN_FINAL_TRY
    assert CKF_USER_PIN_LOCKED == TokenFlag.USER_PIN_LOCKED
    assert CKF_SO_PIN_COUNT_LOW == TokenFlag.SO_PIN_COUNT_LOW
    assert CKF_SO_PIN_FINAL_TRY == TokenFlag.SO_PIN_FINAL_TRY
    assert CKF_SO_PIN_LOCKED == TokenFlag.SO_PIN_LOCKED
    assert CKF_USER_PIN_INITIALIZED == TokenFlag.USER_PIN_INITIALIZED
    assert CKF_TOKEN_INITIALIZED == TokenFlag.TOKEN_INITIALIZED
    assert CKF_PROTECTED_AUTHENTICATION_PATH == TokenFlag.PROTECTED_AUTHENTICATION_PATH


def test_pkcs11_is_imported_only_by_its_backend() -> None:
    code = (
        "import sys\n"
        "import aosign_plugin.frontends.hooks, aosign_plugin.service.pin_service, aosign_plugin.config.settings\n"
        "import aosign_plugin.frontends.terminal_view\n"
        "import aosign_plugin.backends, aosign_plugin.config.token_uri\n"
        "from aosign_plugin.backends import open_backend\n"
        "from aosign_plugin.config.settings import Backend, Settings\n"
        "open_backend(Settings(backend=Backend.SIM))\n"  # the default, auto, may find no card at all here
        "assert 'pkcs11' not in sys.modules, 'pkcs11 imported'\n"
        "from aosign_plugin.backends.pkcs11.backend import Pkcs11Backend\n"
        "assert 'pkcs11' not in sys.modules, 'pkcs11 imported by the backend module itself'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_raw_calls_reach_the_right_functions(hsm: SoftHsm) -> None:
    """The function-list calls python-pkcs11 lacks land on C_SetPIN, C_InitPIN and C_CloseAllSessions."""
    from aosign_plugin.backends.pkcs11.backend import _raw

    with hsm.loaded() as lib:
        token = lib.get_token(token_label=LABEL)
        raw = _raw(MODULE)
        user = token.open(rw=True, user_pin=PIN)
        assert raw.set_pin_on_pinpad(user.handle) == 0x07  # SoftHSM2 has no pad: CKR_ARGUMENTS_BAD for NULL PINs
        user.close()
        so = token.open(rw=True, so_pin=CODE)
        assert raw.init_pin_on_pinpad(so.handle) == 0x07
        assert session_is_open(so.handle)
        so.close()
        assert not session_is_open(so.handle)
    assert hsm.pin_works(PIN)
