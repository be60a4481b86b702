"""The PIN policy, on literal values (like yubikit's ``_do_check_key_support`` tests)."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from aosign_plugin.domain.secret import Secret
from aosign_plugin.policy.rules import (
    CARD_MAX_LENGTH,
    CARD_MIN_LENGTH,
    Field,
    Guessable,
    PolicySettings,
    Reason,
    Refusal,
    Severity,
    Verdict,
    _code_points,
    check_base,
    check_new_pin,
)
from hostapp_stub.records import replace

R = Reason
DEFAULT = PolicySettings()
WARN = PolicySettings(guessable=Guessable.WARN)
LANGS = ("ja", "en")


def _new(pin: str, settings: PolicySettings = DEFAULT) -> Verdict:
    return check_new_pin(Secret.from_ascii(pin), settings=settings)


# --- new PIN alone, default settings ---

ACCEPTED = [
    "a1b2",  # 4: the shortest
    "a1b2c3d4e5f6g7h8",  # 16: the longest
    "k9m2p7",
    "Pq7w0rdX",
    # not dates
    "0230",  # 30 February, and no month 30
    "1332",  # no month 13 or 32
    "3104",  # 31 April
    "19000229",  # 1900 is not a leap year
    "20230229",
    "21000101",  # year out of 1900-2099
    "18991231",
    "290229",  # 29 February 1929 or 2029, and 29th month: no order makes it a day
    # not phone numbers
    "09112345678",  # 091 is not a mobile prefix
    "0012345679",  # 00 is the international prefix (and no run: 0012345678 is a run with a 0 added)
    "031234567",  # 9 digits
    "12345678901",  # no leading 0
    # not runs
    "1235",
    "7890",  # no wrap-around from 9 to 0
    "abce",
    "12ab",
    "1358",  # 1357 is a run with a step of 2 (issue 32)
    "abc124",
]


@pytest.mark.parametrize("pin", ACCEPTED)
def test_accepted(pin: str) -> None:
    verdict = _new(pin)
    assert verdict.ok
    assert verdict.refusals == ()
    assert verdict.warnings == ()
    assert verdict.first_message("ja") is None


REFUSED = [
    ("", (R.EMPTY,)),
    ("a1b", (R.TOO_SHORT,)),
    ("x9", (R.TOO_SHORT,)),
    ("a1b2c3d4e5f6g7h8i", (R.TOO_LONG,)),
    ("k9m2p7q4w8e1r5t6y", (R.TOO_LONG,)),
    ("１２３４", (R.FULL_WIDTH,)),  # four characters, twelve bytes: not too long
    ("ｐａｓｓ", (R.FULL_WIDTH,)),
    ("pass\u3000word", (R.FULL_WIDTH,)),  # ideographic space
    ("pa￥ss1", (R.FULL_WIDTH,)),
    ("１２３", (R.TOO_SHORT, R.FULL_WIDTH)),
    ("ａ" * 17, (R.TOO_LONG, R.FULL_WIDTH)),
    ("pass word", (R.SPACE,)),
    (" k9m2", (R.SPACE,)),
    ("a b c d e", (R.SPACE,)),  # one refusal per class
    ("pass-word", (R.SYMBOL,)),
    ("k9m2!", (R.SYMBOL,)),
    ("!" * 17, (R.TOO_LONG, R.SYMBOL)),  # bad characters: no REPEATED
    ("café1234", (R.NON_ASCII,)),
    ("ひらがなabc", (R.NON_ASCII,)),
    ("пароль12", (R.NON_ASCII,)),
    ("pass\tword", (R.CONTROL,)),
    ("k9m2\x7f", (R.CONTROL,)),
    ("\x00\x00\x00\x00", (R.CONTROL,)),
    ("k9m2\x85", (R.CONTROL,)),  # C1 control (NEL)
    ("ｐａ ss!é\n", (R.FULL_WIDTH, R.SPACE, R.SYMBOL, R.NON_ASCII, R.CONTROL)),
    ("ab\n", (R.TOO_SHORT, R.CONTROL)),
    ("7777", (R.REPEATED,)),
    ("zzzzzzzz", (R.REPEATED,)),
    ("0000000000000000", (R.REPEATED,)),
    ("1111", (R.REPEATED,)),  # also 11 November: the repeat is what the card refuses
    ("111", (R.TOO_SHORT, R.REPEATED)),
    ("0412", (R.DATE,)),  # MMDD
    ("3112", (R.DATE,)),  # DDMM
    ("0229", (R.DATE,)),  # MMDD, some year has it
    ("2902", (R.DATE,)),  # DDMM
    ("19850412", (R.DATE,)),
    ("20000229", (R.DATE,)),  # 2000 is a leap year
    ("20240229", (R.DATE,)),
    ("850412", (R.DATE,)),
    ("000229", (R.DATE,)),  # 29 February 2000
    ("09012345678", (R.PHONE,)),
    ("08098765432", (R.PHONE,)),
    ("07011112222", (R.PHONE,)),
    ("0312345678", (R.PHONE,)),
    ("0612345678", (R.PHONE,)),
    ("1234", (R.SEQUENCE,)),
    ("abcd", (R.SEQUENCE,)),
    ("9876", (R.SEQUENCE,)),
    ("ZYXW", (R.SEQUENCE,)),
    ("aBcDe", (R.SEQUENCE,)),
    ("lmnopqrstu", (R.SEQUENCE,)),
    ("0123456789", (R.PHONE, R.SEQUENCE)),
    ("0123", (R.SEQUENCE, R.DATE)),  # a run, and 23 January (the shape is told first: issue 32)
]


@pytest.mark.parametrize(("pin", "reasons"), REFUSED)
def test_refused(pin: str, reasons: tuple[Reason, ...]) -> None:
    verdict = _new(pin)
    assert not verdict.ok
    assert verdict.reasons == reasons
    assert verdict.warnings == ()
    for refusal in verdict.refusals:
        assert refusal.severity is Severity.REFUSE
        assert refusal.field is Field.NEW_PIN
        assert (refusal.min_length, refusal.max_length) == (4, 16)


@pytest.mark.parametrize(
    ("pin", "min_length", "max_length", "reasons"),
    [
        ("k9m2p7", 8, 16, (R.TOO_SHORT,)),
        ("k9m2p7q8", 8, 16, ()),
        ("k9m2p7q8r", 4, 8, (R.TOO_LONG,)),
        ("k9m2", 4, 4, ()),
        ("k9m2p", 4, 4, (R.TOO_LONG,)),
        ("1234", 8, 16, (R.TOO_SHORT, R.SEQUENCE)),
        ("ｋ９ｍ２ｐ７", 8, 16, (R.TOO_SHORT, R.FULL_WIDTH)),
    ],
)
def test_tightened_length(pin: str, min_length: int, max_length: int, reasons: tuple[Reason, ...]) -> None:
    verdict = _new(pin, PolicySettings(min_length, max_length))
    assert verdict.reasons == reasons
    assert all((r.min_length, r.max_length) == (min_length, max_length) for r in verdict.refusals)


# --- guessable=warn ---


@pytest.mark.parametrize(
    ("pin", "refused", "warned"),
    [
        ("19850412", (), (R.DATE,)),
        ("0412", (), (R.DATE,)),
        ("09012345678", (), (R.PHONE,)),
        ("0312345678", (), (R.PHONE,)),
        ("1234", (), (R.SEQUENCE,)),
        ("ZYXW", (), (R.SEQUENCE,)),
        ("0123456789", (), (R.PHONE, R.SEQUENCE)),
        ("7777", (R.REPEATED,), ()),  # the card refuses it: never only a warning
        ("zzzzzzzz", (R.REPEATED,), ()),
        ("k9m2p7", (), ()),
    ],
)
def test_guessable_warn(pin: str, refused: tuple[Reason, ...], warned: tuple[Reason, ...]) -> None:
    verdict = _new(pin, WARN)
    assert verdict.reasons == refused
    assert verdict.ok is (refused == ())
    assert tuple(w.reason for w in verdict.warnings) == warned
    for warning in verdict.warnings:
        assert warning.severity is Severity.WARN
        assert warning.key == f"policy.warn.{warning.reason.value}"
        refusal = replace(warning, severity=Severity.REFUSE)
        for lang in LANGS:
            assert warning.message(lang)
            assert warning.message(lang) != refusal.message(lang)


@pytest.mark.parametrize("reason", [R.REPEATED, R.EMPTY, R.TOO_SHORT, R.MISMATCH])
def test_only_guessable_reasons_can_warn(reason: Reason) -> None:
    with pytest.raises(ValueError):
        Refusal(reason, Severity.WARN, Field.NEW_PIN, 4, 16)


# --- confirmation and current PIN ---


@pytest.mark.parametrize(
    ("new", "confirm", "current", "refusals"),
    [
        ("k9m2p7", "k9m2p7", None, ()),
        ("k9m2p7", "k9m2p8", None, ((R.MISMATCH, Field.CONFIRM),)),
        ("k9m2p7", "K9M2P7", None, ((R.MISMATCH, Field.CONFIRM),)),
        ("k9m2p7", "", None, ((R.EMPTY, Field.CONFIRM),)),
        ("k9m2p7", None, "k9m2p7", ((R.SAME_AS_CURRENT, Field.NEW_PIN),)),
        ("Lk5j4h", "Lk5j4h", "Lk5j4h", ((R.SAME_AS_CURRENT, Field.NEW_PIN),)),
        ("k9m2p7", "k9m2p7", "a1b2c3", ()),
        (
            "k9m2p7",
            "x",
            "k9m2p7",
            ((R.SAME_AS_CURRENT, Field.NEW_PIN), (R.MISMATCH, Field.CONFIRM)),
        ),
        ("1234", "1235", None, ((R.SEQUENCE, Field.NEW_PIN), (R.MISMATCH, Field.CONFIRM))),
        ("", "k9m2p7", "k9m2p7", ((R.EMPTY, Field.NEW_PIN),)),  # empty: nothing else
        ("", "", None, ((R.EMPTY, Field.NEW_PIN),)),
    ],
)
def test_confirm_and_current(
    new: str, confirm: str | None, current: str | None, refusals: tuple[tuple[Reason, Field], ...]
) -> None:
    verdict = check_new_pin(
        Secret.from_ascii(new),
        confirm=None if confirm is None else Secret.from_ascii(confirm),
        current=None if current is None else Secret.from_ascii(current),
    )
    assert tuple((r.reason, r.field) for r in verdict.refusals) == refusals


# --- existing PINs and codes: the card's base rules only ---


@pytest.mark.parametrize(
    ("pin", "field", "reasons"),
    [
        ("a1b2", Field.CURRENT_PIN, ()),  # an old 4-character PIN works whatever the policy says
        ("1234", Field.CURRENT_PIN, ()),
        ("1111", Field.CURRENT_PIN, ()),
        ("19850412", Field.UNBLOCK_CODE, ()),
        ("09012345678", Field.UNBLOCK_CODE, ()),
        ("a1b2c3d4e5f6g7h8", Field.UNBLOCK_CODE, ()),
        ("", Field.CURRENT_PIN, (R.EMPTY,)),
        ("abc", Field.CURRENT_PIN, (R.TOO_SHORT,)),
        ("a" * 17, Field.UNBLOCK_CODE, (R.TOO_LONG,)),
        ("１２３４", Field.UNBLOCK_CODE, (R.FULL_WIDTH,)),
        ("a1b2 ", Field.CURRENT_PIN, (R.SPACE,)),
        ("a1b2\n", Field.UNBLOCK_CODE, (R.CONTROL,)),
    ],
)
def test_check_base(pin: str, field: Field, reasons: tuple[Reason, ...]) -> None:
    verdict = check_base(Secret.from_ascii(pin), field)
    assert verdict.reasons == reasons
    assert verdict.warnings == ()
    for refusal in verdict.refusals:
        assert refusal.field is field
        assert (refusal.min_length, refusal.max_length) == (CARD_MIN_LENGTH, CARD_MAX_LENGTH)


def test_check_base_ignores_a_tighter_policy() -> None:
    strict = PolicySettings(min_length=8)
    assert _new("a1b2", strict).reasons == (R.TOO_SHORT,)
    assert check_base(Secret.from_ascii("a1b2"), Field.CURRENT_PIN).ok


# --- settings may only tighten ---


@pytest.mark.parametrize(
    "kwargs",
    [
        {"min_length": 2},
        {"min_length": 3},
        {"max_length": 20},
        {"max_length": 17},
        {"min_length": 10, "max_length": 8},
        {"min_length": 0, "max_length": 0},
    ],
)
def test_settings_refuse_loosening(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        PolicySettings(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [{"min_length": "8"}, {"max_length": 8.0}, {"min_length": True}, {"guessable": "warn"}],
)
def test_settings_refuse_wrong_types(kwargs: dict[str, object]) -> None:
    with pytest.raises(TypeError):
        PolicySettings(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("min_length", "max_length", "guessable"),
    [(4, 16, Guessable.REFUSE), (8, 16, Guessable.REFUSE), (4, 4, Guessable.WARN), (16, 16, Guessable.WARN)],
)
def test_settings_accept_tightening(min_length: int, max_length: int, guessable: Guessable) -> None:
    settings = PolicySettings(min_length, max_length, guessable)
    assert (settings.min_length, settings.max_length, settings.guessable) == (
        min_length,
        max_length,
        guessable,
    )


# --- messages never carry the PIN ---

# (reason, new, confirm, current, settings): PINs unlike any example quoted in the catalogs
LEAK_CASES = [
    (R.EMPTY, "", None, None, DEFAULT),
    (R.EMPTY, "q7w8e9", "", None, DEFAULT),
    (R.TOO_SHORT, "q7w", None, None, DEFAULT),
    (R.TOO_SHORT, "Zx5v9b", None, None, PolicySettings(8, 12)),
    (R.TOO_LONG, "q7w8e9r0t1y2u3i4o", None, None, DEFAULT),
    (R.TOO_LONG, "Lk" * 5, None, None, PolicySettings(4, 8)),
    (R.FULL_WIDTH, "ｑ７ｗ８", None, None, DEFAULT),
    (R.FULL_WIDTH, "q7\u3000w8", None, None, DEFAULT),
    (R.SPACE, "q7 w8", None, None, DEFAULT),
    (R.SPACE, " Lk5j", None, None, DEFAULT),
    (R.SYMBOL, "q7-w8", None, None, DEFAULT),
    (R.SYMBOL, "Lk5j$", None, None, DEFAULT),
    (R.NON_ASCII, "q7w8ü", None, None, DEFAULT),
    (R.NON_ASCII, "Lkかな5", None, None, DEFAULT),
    (R.CONTROL, "q7w8\t", None, None, DEFAULT),
    (R.CONTROL, "Lk5j\r", None, None, DEFAULT),
    (R.REPEATED, "7777", None, None, DEFAULT),
    (R.REPEATED, "zzzzzz", None, None, WARN),
    (R.DATE, "19921103", None, None, DEFAULT),
    (R.DATE, "0617", None, None, WARN),
    (R.PHONE, "08055512345", None, None, DEFAULT),
    (R.PHONE, "0455551234", None, None, WARN),
    (R.SEQUENCE, "5678", None, None, DEFAULT),
    (R.SEQUENCE, "klmnop", None, None, WARN),
    (R.SAME_AS_CURRENT, "q7w8e9", None, "q7w8e9", DEFAULT),
    (R.SAME_AS_CURRENT, "Lk5j4h", "Lk5j4h", "Lk5j4h", DEFAULT),
    (R.MISMATCH, "q7w8e9", "q7w8e0", None, DEFAULT),
    (R.MISMATCH, "Lk5j4h", "Lk5j4H", "x1y2z3", DEFAULT),
    (R.DATE_ORDER, "17061992", None, None, DEFAULT),
    (R.DATE_ORDER, "061792", None, None, WARN),
    (R.ERA_DATE, "H071103", None, None, DEFAULT),
    (R.ERA_DATE, "r031231", None, None, WARN),
    (R.YEAR, "1977", None, None, DEFAULT),
    (R.YEAR, "2031", None, None, WARN),
    (R.REPEATED_BLOCK, "q7wq7wq7w", None, None, DEFAULT),
    (R.REPEATED_BLOCK, "Lk5Lk5", None, None, WARN),
    (R.COMMON, "sunshine", None, None, DEFAULT),
    (R.COMMON, "Dragon", None, None, WARN),
    (R.NEAR_REPEAT, "zzzzzzq", None, None, DEFAULT),
    (R.NEAR_REPEAT, "77787777", None, None, WARN),
]

#: (new PIN, the unblocking code typed in the same unlock)
LEAK_CODE_CASES = [("Q7w8E9r0", "Q7w8E9r0"), ("Lk5j4hG3", "Lk5j4hG3")]


def test_leak_cases_cover_every_reason_twice() -> None:
    for reason in Reason:
        if reason is R.SAME_AS_CODE:
            assert len(LEAK_CODE_CASES) >= 2
            continue
        assert sum(case[0] is reason for case in LEAK_CASES) >= 2, reason


@pytest.mark.parametrize(("new", "code"), LEAK_CODE_CASES)
def test_same_as_code_names_the_fix_not_the_pin(new: str, code: str) -> None:
    verdict = check_new_pin(Secret.from_ascii(new), unblock_code=Secret.from_ascii(code))
    assert verdict.reasons == (R.SAME_AS_CODE,)
    for lang in LANGS:
        for shown in (verdict.refusals[0].message(lang), verdict.refusals[0].field_label(lang), repr(verdict)):
            assert new not in shown and code not in shown


@pytest.mark.parametrize(("reason", "new", "confirm", "current", "settings"), LEAK_CASES)
def test_messages_name_the_fix_not_the_pin(
    reason: Reason, new: str, confirm: str | None, current: str | None, settings: PolicySettings
) -> None:
    verdict = check_new_pin(
        Secret.from_ascii(new),
        confirm=None if confirm is None else Secret.from_ascii(confirm),
        current=None if current is None else Secret.from_ascii(current),
        settings=settings,
    )
    found = verdict.refusals + verdict.warnings
    assert reason in {r.reason for r in found}
    typed = [s for s in (new, confirm, current) if s]
    for lang in LANGS:
        for refusal in found:
            for shown in (refusal.message(lang), refusal.field_label(lang), repr(refusal)):
                assert shown
                for pin in typed:
                    assert pin not in shown
        assert all(pin not in repr(verdict) for pin in typed)
    if reason in (R.TOO_SHORT, R.TOO_LONG):
        refusal = next(r for r in found if r.reason is reason)
        for lang in LANGS:
            assert str(settings.min_length) in refusal.message(lang)
            assert str(settings.max_length) in refusal.message(lang)


def test_refusal_holds_no_secret() -> None:
    assert list(Refusal._fields) == [
        "reason",
        "severity",
        "field",
        "min_length",
        "max_length",
    ]
    # the same problem in two PINs gives the very same refusal
    assert _new("q7w-8").refusals == _new("x1-y2z").refusals


def test_tightened_length_in_the_faq_wording() -> None:
    verdict = _new("k9m2p7", PolicySettings(8, 12))
    assert verdict.first_message("ja") == (
        "PIN(暗証番号)の桁数が足りません。半角英数字8桁以上、12桁以内になるよう入力してください。"
    )
    assert verdict.messages("en") == ("Too short: use at least 8 characters (8 to 12 half-width letters and digits).",)


@pytest.mark.parametrize("lang", ["fr", "", "JA"])
def test_unknown_language(lang: str) -> None:
    with pytest.raises(ValueError):
        _new("abc").refusals[0].message(lang)


# --- secret hygiene ---


def test_checks_leave_the_secrets_intact_and_wipeable() -> None:
    new, confirm, current = (
        Secret.from_ascii("k9m2p7"),
        Secret.from_ascii("k9m2p8"),
        Secret.from_ascii("a1b2"),
    )
    check_new_pin(new, confirm=confirm, current=current, settings=WARN)
    check_base(current, Field.CURRENT_PIN)
    assert new.view().tobytes() == b"k9m2p7"
    for secret in (new, confirm, current):
        secret.wipe()  # would raise BufferError if a view were still exported
        assert secret.wiped


def test_a_wiped_secret_is_empty() -> None:
    secret = Secret.from_ascii("k9m2p7")
    secret.wipe()
    assert _new("").reasons == check_new_pin(secret).reasons == (R.EMPTY,)


# --- properties ---

_ALNUM = string.ascii_letters + string.digits
_PIN_TEXT = st.one_of(
    st.text(max_size=24),
    st.text(alphabet=_ALNUM, max_size=20),
    st.text(alphabet=_ALNUM + " -\t　１ａé\x7f", max_size=20),
)


@given(
    text=_PIN_TEXT,
    min_length=st.integers(CARD_MIN_LENGTH, CARD_MAX_LENGTH),
    span=st.integers(0, 12),
    warn=st.booleans(),
)
def test_property_a_passing_pin_is_valid(text: str, min_length: int, span: int, warn: bool) -> None:
    settings = PolicySettings(
        min_length, min(CARD_MAX_LENGTH, min_length + span), Guessable.WARN if warn else Guessable.REFUSE
    )
    verdict = check_new_pin(Secret.from_ascii(text), confirm=Secret.from_ascii(text), settings=settings)
    for refusal in verdict.refusals + verdict.warnings:
        for lang in LANGS:
            assert refusal.message(lang)
    if verdict.ok:
        assert re.fullmatch(r"[A-Za-z0-9]+", text)
        assert settings.min_length <= len(text) <= settings.max_length
        assert len(set(text)) > 1


def _expected_classes(text: str) -> set[Reason]:
    out: set[Reason] = set()
    for ch in text:
        cp = ord(ch)
        if cp < 0x20 or 0x7F <= cp <= 0x9F:
            out.add(R.CONTROL)
        elif ch == " ":
            out.add(R.SPACE)
        elif cp < 0x7F:
            if ch not in _ALNUM:
                out.add(R.SYMBOL)
        elif 0xFF01 <= cp <= 0xFF5E or cp == 0x3000 or 0xFFE0 <= cp <= 0xFFE6:
            out.add(R.FULL_WIDTH)
        else:
            out.add(R.NON_ASCII)
    return out


def _has_legacy_full_width(data: bytes) -> bool:
    """Bytes that are not UTF-8 and hold a full-width character as Shift_JIS or EUC-JP writes it (Python's own
    codecs say so): a legacy Japanese terminal's input, which gets the full-width hint (issue 33; its own tests in
    tests/unit/test_worst_case.py), not the UTF-8 reading below."""
    try:
        data.decode("utf-8")
        return False
    except UnicodeDecodeError:
        pass
    for i in range(len(data) - 1):
        for encoding in ("shift_jis", "euc_jp"):
            try:
                ch = data[i : i + 2].decode(encoding)
            except UnicodeDecodeError:
                continue
            if len(ch) == 1 and (0xFF01 <= ord(ch) <= 0xFF5E or ch == "\u3000"):
                return True
    return False


@given(data=st.binary(max_size=24))
def test_property_any_bytes(data: bytes) -> None:
    assume(not _has_legacy_full_width(data))
    decoded = data.decode("utf-8", "replace")
    assert list(_code_points(memoryview(data))) == [ord(ch) for ch in decoded]
    verdict = check_base(Secret(bytearray(data)), Field.UNBLOCK_CODE)
    expected = _expected_classes(decoded)
    if not data:
        expected = {R.EMPTY}
    elif len(decoded) < CARD_MIN_LENGTH:
        expected.add(R.TOO_SHORT)
    elif len(decoded) > CARD_MAX_LENGTH:
        expected.add(R.TOO_LONG)
    assert set(verdict.reasons) == expected
    assert list(verdict.reasons) == sorted(verdict.reasons, key=list(Reason).index)
    check_new_pin(Secret(bytearray(data)), confirm=Secret(bytearray(data[:3])))
