"""The one PIN policy: pure functions over :class:`~aosign_plugin.domain.secret.Secret` values, no card, no prompts.

The card's rules (issuer FAQ): 4 to 16 half-width ASCII letters and digits, never one repeated character,
and guessable PINs (dates, phone numbers, plain runs) to be avoided; :mod:`~aosign_plugin.policy.guessable` adds
the patterns the FAQ does not list (other date orders, Japanese era dates, years, repeated blocks, near-repeats,
common passwords). A deployment may only tighten these (:class:`PolicySettings`). :func:`check_base` applies
the card's base rules to a PIN or code that already exists; :func:`check_new_pin` applies the whole policy to a new PIN.

Secrets are read through :meth:`Secret.view` and decoded byte by byte: no ``str`` or ``bytes`` copy of a PIN
is made, and nothing in a :class:`Refusal` or its message comes from the PIN.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum, unique

from aosign_plugin import catalogs
from aosign_plugin.domain.secret import Secret
from aosign_plugin.policy.guessable import (
    DAYS_IN_MONTH,
    digits_value,
    is_common,
    is_date_other_order,
    is_digit,
    is_era_date,
    is_leap,
    is_near_repeat,
    is_repeated_block,
    is_year,
)
from hostapp_stub.api import Record

__all__ = [
    "CARD_MAX_LENGTH",
    "CARD_MIN_LENGTH",
    "Field",
    "Guessable",
    "PolicySettings",
    "Reason",
    "Refusal",
    "Severity",
    "Verdict",
    "check_base",
    "check_new_pin",
    "repeats_one_character",
]

CARD_MIN_LENGTH = 4
CARD_MAX_LENGTH = 16


@unique
class Reason(Enum):
    """Why a PIN is refused or warned about; the value is the message key suffix (``policy.<value>``)."""

    EMPTY = "empty"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    FULL_WIDTH = "full_width"
    SPACE = "space"
    SYMBOL = "symbol"
    NON_ASCII = "non_ascii"
    CONTROL = "control"
    REPEATED = "repeated"
    DATE = "date"
    PHONE = "phone"
    SEQUENCE = "sequence"
    DATE_ORDER = "date_order"
    ERA_DATE = "era_date"
    YEAR = "year"
    REPEATED_BLOCK = "repeated_block"
    COMMON = "common"
    NEAR_REPEAT = "near_repeat"
    SAME_AS_CURRENT = "same_as_current"
    SAME_AS_CODE = "same_as_code"
    MISMATCH = "mismatch"


@unique
class Severity(Enum):
    """A refusal stops the operation; a warning is shown and the operation goes on."""

    REFUSE = "refuse"
    WARN = "warn"


@unique
class Guessable(Enum):
    """What the deployment does with guessable PINs (dates, phone numbers, runs)."""

    REFUSE = "refuse"
    WARN = "warn"


@unique
class Field(Enum):
    """Which answer a refusal is about."""

    CURRENT_PIN = "current_pin"
    UNBLOCK_CODE = "unblock_code"
    NEW_PIN = "new_pin"
    CONFIRM = "confirm"


#: the only reasons that settings may turn into warnings; the card itself refuses a repeated character
_GUESSABLE = frozenset(
    {
        Reason.DATE,
        Reason.PHONE,
        Reason.SEQUENCE,
        Reason.DATE_ORDER,
        Reason.ERA_DATE,
        Reason.YEAR,
        Reason.REPEATED_BLOCK,
        Reason.COMMON,
        Reason.NEAR_REPEAT,
    }
)
#: the order refusals are told in: the card's rules; then the guessable readings that fit only few PINs (a phone
#: number, a year), the shapes (runs, blocks, near-repeats, common words), and last what the digits may read as
#: (``123123`` is a block repeated before it is 31 December 2023; ``600412`` an era date before 12 April 1960), so
#: the first reason told is the one the policy's own examples illustrate (tests/unit/test_policy_examples.py)
_REASON_ORDER = {
    reason: i
    for i, reason in enumerate(
        (
            Reason.EMPTY,
            Reason.TOO_SHORT,
            Reason.TOO_LONG,
            Reason.FULL_WIDTH,
            Reason.SPACE,
            Reason.SYMBOL,
            Reason.NON_ASCII,
            Reason.CONTROL,
            Reason.REPEATED,
            Reason.PHONE,
            Reason.YEAR,
            Reason.SEQUENCE,
            Reason.REPEATED_BLOCK,
            Reason.NEAR_REPEAT,
            Reason.COMMON,
            Reason.ERA_DATE,
            Reason.DATE,
            Reason.DATE_ORDER,
            Reason.SAME_AS_CURRENT,
            Reason.SAME_AS_CODE,
            Reason.MISMATCH,
        )
    )
}
_FIELD_ORDER = {field: i for i, field in enumerate(Field)}


class Refusal(Record):
    """One problem with one answer. It holds no part of the PIN: it can be shown, logged and compared."""

    reason: Reason
    severity: Severity
    field: Field
    min_length: int
    max_length: int

    def __post_init__(self) -> None:
        if self.severity is Severity.WARN and self.reason not in _GUESSABLE:
            raise ValueError(f"{self.reason.name} is always refused, it cannot be a warning")

    @property
    def key(self) -> str:
        """The message key: ``policy.<reason>``, or ``policy.warn.<reason>`` for a warning."""
        if self.severity is Severity.WARN:
            return f"policy.warn.{self.reason.value}"
        return f"policy.{self.reason.value}"

    def message(self, lang: str) -> str:
        """What to fix, in ``lang`` (``ja`` or ``en``); never contains the PIN.

        :raises ValueError: an unsupported language.
        """
        return catalogs.text(self.key, lang, min_length=self.min_length, max_length=self.max_length)

    def field_label(self, lang: str) -> str:
        """The short name of the answer concerned (``新しいPIN(暗証番号)``, ``the new PIN``)."""
        return catalogs.text(f"policy.field.{self.field.value}", lang)


class PolicySettings(Record):
    """A deployment's policy (manifest ``[policy]``); it may only tighten the card's rules.

    :raises ValueError: ``min_length`` below 4, ``max_length`` above 16, or min above max.
    :raises TypeError: a length that is not an ``int`` or ``guessable`` that is not a :class:`Guessable`.
    """

    min_length: int = CARD_MIN_LENGTH
    max_length: int = CARD_MAX_LENGTH
    guessable: Guessable = Guessable.REFUSE

    def __post_init__(self) -> None:
        for name in ("min_length", "max_length"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int, not {type(value).__name__}")
        if not isinstance(self.guessable, Guessable):
            raise TypeError(f"guessable must be a Guessable, not {type(self.guessable).__name__}")
        if self.min_length < CARD_MIN_LENGTH:
            raise ValueError(
                f"min_length {self.min_length} is below the card's minimum of {CARD_MIN_LENGTH}: "
                "the policy may only tighten the card's rules"
            )
        if self.max_length > CARD_MAX_LENGTH:
            raise ValueError(
                f"max_length {self.max_length} is above the card's maximum of {CARD_MAX_LENGTH}: "
                "the policy may only tighten the card's rules"
            )
        if self.min_length > self.max_length:
            raise ValueError(f"min_length {self.min_length} is above max_length {self.max_length}")


_DEFAULT_SETTINGS = PolicySettings()


class Verdict(Record):
    """The outcome of a check: refusals (the operation must not go on) and warnings (it may)."""

    refusals: tuple[Refusal, ...]
    warnings: tuple[Refusal, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing is refused (warnings may remain)."""
        return not self.refusals

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """The refusals' reasons, in order."""
        return tuple(r.reason for r in self.refusals)

    def first_message(self, lang: str) -> str | None:
        """The first refusal's message, or ``None`` when nothing is refused."""
        return self.refusals[0].message(lang) if self.refusals else None

    def messages(self, lang: str) -> tuple[str, ...]:
        """Every refusal's message, then every warning's."""
        return tuple(r.message(lang) for r in (*self.refusals, *self.warnings))


# --- decoding and classifying, on byte values only ---

_REPLACEMENT = 0xFFFD  # stands for a byte sequence that is not UTF-8: counted as one NON_ASCII character
#: second-byte ranges that exclude overlong forms, surrogates and code points above U+10FFFF
_SECOND_BYTE = {0xE0: (0xA0, 0xBF), 0xED: (0x80, 0x9F), 0xF0: (0x90, 0xBF), 0xF4: (0x80, 0x8F)}


def _code_points(buf: memoryview) -> Iterator[int]:
    """Decode UTF-8 from ``buf`` one code point at a time.

    Malformed input yields U+FFFD once per maximal ill-formed subpart (as ``bytes.decode("utf-8", "replace")``
    does), so overlong forms, surrogates and values above U+10FFFF never come out as code points.
    """
    i, n = 0, len(buf)
    while i < n:
        lead = buf[i]
        if lead < 0x80:
            yield lead
            i += 1
            continue
        if 0xC2 <= lead <= 0xDF:
            need, cp = 1, lead & 0x1F
        elif 0xE0 <= lead <= 0xEF:
            need, cp = 2, lead & 0x0F
        elif 0xF0 <= lead <= 0xF4:
            need, cp = 3, lead & 0x07
        else:
            yield _REPLACEMENT
            i += 1
            continue
        low, high = _SECOND_BYTE.get(lead, (0x80, 0xBF))
        j = i + 1
        while j <= i + need and j < n and low <= buf[j] <= high:
            cp = cp << 6 | buf[j] & 0x3F
            j += 1
            low, high = 0x80, 0xBF
        yield cp if j == i + need + 1 else _REPLACEMENT
        i = j


def _is_alnum(b: int) -> bool:
    return 0x30 <= b <= 0x39 or 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A


def _classify(cp: int) -> Reason | None:
    """The character-class reason for one code point; ``None`` for an ASCII letter or digit."""
    if cp < 0x20 or cp == 0x7F or 0x80 <= cp <= 0x9F:
        return Reason.CONTROL
    if cp == 0x20:
        return Reason.SPACE
    if cp < 0x7F:
        return None if _is_alnum(cp) else Reason.SYMBOL
    # full-width ASCII forms, the ideographic space, and the full-width signs (￥ ￠ ￡ ￢ ￣ ￤)
    if 0xFF01 <= cp <= 0xFF5E or cp == 0x3000 or 0xFFE0 <= cp <= 0xFFE6:
        return Reason.FULL_WIDTH
    return Reason.NON_ASCII


#: full-width ASCII forms and the ideographic space in the legacy Japanese terminal encodings, as (lead byte, lowest
#: trail byte, highest trail byte): EUC-JP (A3 B0-B9 digits, A3 C1-DA and E1-FA letters, A1 A1 space) and
#: Shift_JIS/cp932 (82 4F-58 digits, 82 60-79 and 81-9A letters, 81 40 space)
_LEGACY_FULL_WIDTH = (
    (0xA3, 0xB0, 0xB9),
    (0xA3, 0xC1, 0xDA),
    (0xA3, 0xE1, 0xFA),
    (0xA1, 0xA1, 0xA1),
    (0x82, 0x4F, 0x58),
    (0x82, 0x60, 0x79),
    (0x82, 0x81, 0x9A),
    (0x81, 0x40, 0x40),
)


def _legacy_full_width(buf: memoryview) -> tuple[bool, tuple[int, set[Reason]] | None]:
    """Whether ``buf`` (not UTF-8) holds a full-width letter, digit or space as an EUC-JP or Shift_JIS terminal sends
    it (the Japanese input is on there too: the user gets the same hint, issue 33); when those are all its non-ASCII
    bytes, also its length and reasons read that way (a Shift_JIS trail byte may look like ASCII)."""
    found, rest, i, n = False, False, 0, len(buf)
    length, reasons = 0, set()
    while i < n:
        if buf[i] < 0x80:
            reason = _classify(buf[i])
            if reason is not None:
                reasons.add(reason)
            length, i = length + 1, i + 1
        elif i + 1 < n and any(buf[i] == lead and low <= buf[i + 1] <= high for lead, low, high in _LEGACY_FULL_WIDTH):
            found, length, i = True, length + 1, i + 2
            reasons.add(Reason.FULL_WIDTH)
        else:
            rest, i = True, i + 1
    return found, ((length, reasons) if found and not rest else None)


def _scan(buf: memoryview) -> tuple[int, set[Reason]]:
    """Count the characters of ``buf`` and collect the character-class reasons found."""
    length = 0
    found: set[Reason] = set()
    invalid = False  # not UTF-8: perhaps a legacy Japanese terminal's bytes
    for cp in _code_points(buf):
        length += 1
        invalid = invalid or cp == _REPLACEMENT
        reason = _classify(cp)
        if reason is not None:
            found.add(reason)
    if invalid:
        full_width, legacy = _legacy_full_width(buf)
        if legacy is not None:
            return legacy
        if full_width:
            found.add(Reason.FULL_WIDTH)
    return length, found


# --- guessable patterns; ``buf`` holds only ASCII letters and digits here ---


def _is_day(year: int | None, month: int, day: int) -> bool:
    """A real calendar day; ``year=None`` accepts 29 February (some year has it)."""
    if not 1 <= month <= 12 or not 1 <= day <= DAYS_IN_MONTH[month]:
        return False
    return not (month == 2 and day == 29 and year is not None and not is_leap(year))


def _is_date(buf: memoryview) -> bool:
    """YYYYMMDD (1900-2099), YYMMDD (19YY or 20YY), MMDD or DDMM: the whole PIN, a valid day."""
    n = len(buf)
    if n not in (4, 6, 8) or not all(is_digit(b) for b in buf):
        return False
    if n == 8:
        year = digits_value(buf, 0, 4)
        return 1900 <= year <= 2099 and _is_day(year, digits_value(buf, 4, 2), digits_value(buf, 6, 2))
    if n == 6:
        yy, month, day = digits_value(buf, 0, 2), digits_value(buf, 2, 2), digits_value(buf, 4, 2)
        return _is_day(1900 + yy, month, day) or _is_day(2000 + yy, month, day)
    first, second = digits_value(buf, 0, 2), digits_value(buf, 2, 2)
    return _is_day(None, first, second) or _is_day(None, second, first)


def _is_phone(buf: memoryview) -> bool:
    """A Japanese phone number, the whole PIN: mobile 070/080/090 + 8 digits, or landline 0 + 9 digits."""
    n = len(buf)
    if n not in (10, 11) or not all(is_digit(b) for b in buf) or buf[0] != 0x30:
        return False
    if n == 11:
        return buf[1] in (0x37, 0x38, 0x39) and buf[2] == 0x30
    return buf[1] != 0x30  # 00 is the international prefix, not an area code


def _is_run(buf: memoryview) -> bool:
    """The whole of ``buf`` a run of digits or of letters (any case) with one constant step: ``1234``, ``9876``,
    ``13579``, ``acegi``. No wrap-around from 9 to 0 (``7890`` is not one)."""
    n = len(buf)
    if n < 2:
        return False
    if all(is_digit(b) for b in buf):
        fold = 0
    elif all(not is_digit(b) for b in buf):
        fold = 0x20  # letters only here: a|0x20 folds to lower case
    else:
        return False
    step = (buf[1] | fold) - (buf[0] | fold)
    return step != 0 and all((buf[i] | fold) - (buf[i - 1] | fold) == step for i in range(2, n))


def _is_sequence(buf: memoryview) -> bool:
    """A run (:func:`_is_run`), the whole PIN, or a run of four or more with one character added before or after
    it (``H01234``, ``1234a``): the added character hides nothing."""
    n = len(buf)
    return _is_run(buf) or (n >= 5 and (_is_run(buf[1:]) or _is_run(buf[:-1])))


def _is_repeated(buf: memoryview) -> bool:
    """One character throughout (``1111``, ``aaaa``); case matters, as it does to the card."""
    return len(buf) >= 2 and all(b == buf[0] for b in buf)


def repeats_one_character(secret: Secret) -> bool:
    """The answer is one character repeated (``1111``, ``aaaa``): a PIN the issuer never lets anyone set, so a
    current PIN or code like it is most likely mistyped (issue 33: warned about before its try is sent)."""
    with secret.view() as buf:
        return _is_repeated(buf)


# --- the checks ---


def _base_refusals(buf: memoryview, field: Field, min_length: int, max_length: int) -> tuple[list[Refusal], bool]:
    """Emptiness, length and character classes; also says whether every character is a letter or digit."""

    def refuse(reason: Reason) -> Refusal:
        return Refusal(reason, Severity.REFUSE, field, min_length, max_length)

    if len(buf) == 0:
        return [refuse(Reason.EMPTY)], False
    length, found = _scan(buf)
    out: list[Refusal] = []
    if length < min_length:
        out.append(refuse(Reason.TOO_SHORT))
    elif length > max_length:
        out.append(refuse(Reason.TOO_LONG))
    out.extend(refuse(reason) for reason in found)
    return out, not found


def _sorted(refusals: list[Refusal]) -> tuple[Refusal, ...]:
    return tuple(sorted(refusals, key=lambda r: (_REASON_ORDER[r.reason], _FIELD_ORDER[r.field])))


def check_base(secret: Secret, field: Field) -> Verdict:
    """The card's base rules only: 4 to 16 half-width ASCII letters and digits.

    For a PIN or code that already exists (the current PIN, the unblocking code from the sheet): a tighter
    deployment policy and the guessable rules do not apply, so an old PIN still works.

    :param secret: the answer, as typed.
    :param field: which answer it is; the refusals carry it.
    """
    with secret.view() as buf:
        refusals, _ = _base_refusals(buf, field, CARD_MIN_LENGTH, CARD_MAX_LENGTH)
    return Verdict(_sorted(refusals))


def _guessable_reasons(buf: memoryview) -> Iterator[Reason]:
    """The guessable patterns the whole PIN matches; a date in another order only when it is not a plain date."""
    date = _is_date(buf)
    if date:
        yield Reason.DATE
    if _is_phone(buf):
        yield Reason.PHONE
    if _is_sequence(buf):
        yield Reason.SEQUENCE
    if not date and is_date_other_order(buf):
        yield Reason.DATE_ORDER
    if is_era_date(buf):  # ``600412`` is 昭和60年4月12日 even though it is also 12 April 1960
        yield Reason.ERA_DATE
    if is_year(buf):
        yield Reason.YEAR
    if is_repeated_block(buf):
        yield Reason.REPEATED_BLOCK
    if is_common(buf):
        yield Reason.COMMON
    if is_near_repeat(buf):
        yield Reason.NEAR_REPEAT


def check_new_pin(
    new: Secret,
    confirm: Secret | None = None,
    current: Secret | None = None,
    settings: PolicySettings = _DEFAULT_SETTINGS,
    *,
    unblock_code: Secret | None = None,
) -> Verdict:
    """The whole policy for a new PIN.

    Refused: empty (then nothing else is reported), a length outside ``settings``, any character other than
    a half-width ASCII letter or digit (one refusal per kind of character), one repeated character, the
    current PIN again, the unblocking code typed in the same unlock (the FAQ: keep them apart), and a
    confirmation that differs. Guessable PINs (dates in any order, Japanese era dates, a year, phone numbers,
    runs, repeated blocks, near-repeats, the most common passwords) are refused, or only warned about when
    ``settings.guessable`` is :attr:`Guessable.WARN`. The pattern rules are checked only when every character
    is valid, and the guessable ones not for a repeated character (always refused).

    :param new: the new PIN.
    :param confirm: the new PIN typed again; ``None`` when not asked yet.
    :param current: the current PIN (change, not unlock); ``None`` to skip the comparison.
    :param unblock_code: the unblocking code typed in the same unlock; ``None`` to skip the comparison.
    :param settings: the deployment's policy.
    :returns: refusals on :attr:`Field.NEW_PIN`, and on :attr:`Field.CONFIRM` for the confirmation, in a
        stable order (the policy's order of reasons, :data:`_REASON_ORDER`, then :class:`Field`).
    """
    lo, hi = settings.min_length, settings.max_length
    with new.view() as buf:
        refusals, valid_chars = _base_refusals(buf, Field.NEW_PIN, lo, hi)
        if refusals and refusals[0].reason is Reason.EMPTY:
            return Verdict(tuple(refusals))
        warnings: list[Refusal] = []
        if valid_chars:
            if _is_repeated(buf):
                refusals.append(Refusal(Reason.REPEATED, Severity.REFUSE, Field.NEW_PIN, lo, hi))
            else:
                severity = Severity.WARN if settings.guessable is Guessable.WARN else Severity.REFUSE
                sink = warnings if severity is Severity.WARN else refusals
                sink.extend(Refusal(reason, severity, Field.NEW_PIN, lo, hi) for reason in _guessable_reasons(buf))
    if current is not None and new == current:
        refusals.append(Refusal(Reason.SAME_AS_CURRENT, Severity.REFUSE, Field.NEW_PIN, lo, hi))
    if unblock_code is not None and new == unblock_code:
        refusals.append(Refusal(Reason.SAME_AS_CODE, Severity.REFUSE, Field.NEW_PIN, lo, hi))
    if confirm is not None:
        if len(confirm) == 0:
            refusals.append(Refusal(Reason.EMPTY, Severity.REFUSE, Field.CONFIRM, lo, hi))
        elif new != confirm:
            refusals.append(Refusal(Reason.MISMATCH, Severity.REFUSE, Field.CONFIRM, lo, hi))
    return Verdict(_sorted(refusals), _sorted(warnings))
