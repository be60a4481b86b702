"""Guessable PIN patterns beyond the FAQ's examples: pure predicates over a PIN's bytes, no card, no prompts.

Each predicate looks at the whole PIN (``buf`` holds only half-width ASCII letters and digits when the policy
calls it) and reads it byte by byte: no ``str`` or ``bytes`` copy of a PIN is made. Letters are compared without
regard to case, since ``Password`` is as guessable as ``password``.
"""

from __future__ import annotations

__all__ = [
    "COMMON_PASSWORDS",
    "DAYS_IN_MONTH",
    "digits_value",
    "is_common",
    "is_date_other_order",
    "is_digit",
    "is_era_date",
    "is_leap",
    "is_near_repeat",
    "is_repeated_block",
    "is_year",
]

DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

Day = tuple[int, int, int]

#: Japanese eras as forms write them: the letter, then the first and the last day of the era
_ERAS: dict[int, tuple[Day, Day]] = {
    ord("t"): ((1912, 7, 30), (1926, 12, 24)),  # 大正
    ord("s"): ((1926, 12, 25), (1989, 1, 7)),  # 昭和
    ord("h"): ((1989, 1, 8), (2019, 4, 30)),  # 平成
    ord("r"): ((2019, 5, 1), (2048, 12, 31)),  # 令和 (open: the years still to come)
}

#: the most common passwords and keyboard walks (lower case; compared without regard to case)
COMMON_PASSWORDS: frozenset[bytes] = frozenset(
    {
        b"password", b"passw0rd", b"password1", b"password12", b"password123", b"pass", b"pass1234", b"passwd",
        b"qwerty", b"qwerty1", b"qwerty12", b"qwerty123", b"qwertyuiop", b"qwer", b"qwer1234", b"asdf",
        b"asdfgh", b"asdfghjkl", b"asdf1234", b"zxcv", b"zxcvbn", b"zxcvbnm", b"qazwsx", b"1qaz2wsx",
        b"zaq12wsx", b"1q2w3e", b"1q2w3e4r", b"1q2w3e4r5t", b"q1w2e3r4", b"abc123", b"abcd1234",
        b"a1b2c3", b"a1b2c3d4", b"123abc", b"1234abcd", b"123qwe", b"qwe123", b"iloveyou", b"letmein",
        b"welcome", b"welcome1", b"admin", b"admin123", b"administrator", b"root", b"login", b"guest",
        b"test", b"test123", b"test1234", b"secret", b"changeme", b"default", b"master", b"monkey",
        b"dragon", b"football", b"baseball", b"soccer", b"sunshine", b"princess", b"superman", b"batman",
        b"trustno1", b"shadow", b"michael", b"jennifer", b"whatever", b"starwars", b"pokemon", b"doraemon",
        b"sakura", b"hello", b"hello123", b"nihon", b"tokyo", b"osaka", b"aosign", b"pin", b"pincode",
    }
)  # fmt: skip


def _lower(b: int) -> int:
    return b | 0x20 if 0x41 <= b <= 0x5A else b


def is_digit(b: int) -> bool:
    return 0x30 <= b <= 0x39


def _all_digits(buf: memoryview, start: int = 0) -> bool:
    return all(is_digit(buf[i]) for i in range(start, len(buf)))


def digits_value(buf: memoryview, start: int, count: int) -> int:
    value = 0
    for i in range(start, start + count):
        value = value * 10 + buf[i] - 0x30
    return value


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _is_day(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12 or not 1 <= day <= DAYS_IN_MONTH[month]:
        return False
    return not (month == 2 and day == 29 and not is_leap(year))


def _is_day_two_digit_year(yy: int, month: int, day: int) -> bool:
    return _is_day(1900 + yy, month, day) or _is_day(2000 + yy, month, day)


def is_date_other_order(buf: memoryview) -> bool:
    """A date with the day or the month first: DDMMYYYY, MMDDYYYY (1900-2099), DDMMYY or MMDDYY."""
    n = len(buf)
    if n not in (6, 8) or not _all_digits(buf):
        return False
    a, b = digits_value(buf, 0, 2), digits_value(buf, 2, 2)
    if n == 8:
        year = digits_value(buf, 4, 4)
        return 1900 <= year <= 2099 and (_is_day(year, b, a) or _is_day(year, a, b))
    yy = digits_value(buf, 4, 2)
    return _is_day_two_digit_year(yy, b, a) or _is_day_two_digit_year(yy, a, b)


def _in_era(era: tuple[Day, Day], era_year: int, month: int, day: int) -> bool:
    """The day exists and falls within the era (元年 starts on the era's first day)."""
    first, last = era
    year = first[0] + era_year - 1
    return era_year >= 1 and _is_day(year, month, day) and first <= (year, month, day) <= last


def _era_day(era_year: int, month: int, day: int) -> bool:
    return any(_in_era(era, era_year, month, day) for era in _ERAS.values())


def is_era_date(buf: memoryview) -> bool:
    """A Japanese era date as forms write birthdays: ``S600412`` (昭和60年4月12日), ``H010108``, ``R50501``
    (a letter, the era year in one or two digits, MMDD), or the era digits alone (``600412``, ``630229``)."""
    n = len(buf)
    era = _ERAS.get(_lower(buf[0])) if n else None
    if era is not None:
        if n not in (6, 7) or not _all_digits(buf, 1):
            return False
        return _in_era(era, digits_value(buf, 1, n - 5), digits_value(buf, n - 4, 2), digits_value(buf, n - 2, 2))
    if n != 6 or not _all_digits(buf):
        return False
    return _era_day(digits_value(buf, 0, 2), digits_value(buf, 2, 2), digits_value(buf, 4, 2))


def is_year(buf: memoryview) -> bool:
    """A year alone, 1900-2099 (``1985``, ``2000``)."""
    return len(buf) == 4 and _all_digits(buf) and 1900 <= digits_value(buf, 0, 4) <= 2099


def is_repeated_block(buf: memoryview) -> bool:
    """A block of two or more characters repeated at least twice (``123123``, ``abcabc``, ``1212``,
    ``1231231``); letters without regard to case."""
    n = len(buf)
    for period in range(2, n // 2 + 1):
        if all(_lower(buf[i]) == _lower(buf[i - period]) for i in range(period, n)):
            return True
    return False


def is_near_repeat(buf: memoryview) -> bool:
    """One character throughout but for one or two (``aaaaab``, ``1111121``, ``aAaA``): at most one other
    character in a PIN of up to 9, two from 10, three from 15; letters without regard to case."""
    n = len(buf)
    if n < 4:
        return False
    counts: dict[int, int] = {}
    for b in buf:
        key = _lower(b)
        counts[key] = counts.get(key, 0) + 1
    return n - max(counts.values()) <= max(1, n // 5)


def is_common(buf: memoryview) -> bool:
    """One of the most common passwords or keyboard walks (:data:`COMMON_PASSWORDS`), whatever the case."""
    n = len(buf)
    return any(len(word) == n and all(_lower(buf[i]) == word[i] for i in range(n)) for word in COMMON_PASSWORDS)
