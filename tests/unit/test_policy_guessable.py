"""Guessable PINs beyond the FAQ's examples (issue 12 item 11), and the new PIN against the unblocking code."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aosign_plugin.domain.secret import Secret
from aosign_plugin.policy.rules import (
    Field,
    Guessable,
    PolicySettings,
    Reason,
    Severity,
    Verdict,
    check_new_pin,
)

R = Reason
WARN = PolicySettings(guessable=Guessable.WARN)

#: each PIN with the reason it must be refused for (among possibly others)
GUESSABLE = [
    ("04121985", R.DATE_ORDER),  # DDMMYYYY
    ("12041985", R.DATE_ORDER),  # MMDDYYYY
    ("120485", R.DATE_ORDER),  # MMDDYY
    ("010229", R.DATE_ORDER),  # 1 February 1929
    ("S600412", R.ERA_DATE),  # 昭和60年4月12日
    ("s600412", R.ERA_DATE),
    ("H010108", R.ERA_DATE),  # 平成元年1月8日, the era's first day
    ("R050501", R.ERA_DATE),
    ("R50501", R.ERA_DATE),  # one-digit era year
    ("630229", R.ERA_DATE),  # 昭和63年2月29日: 1988 was a leap year (1963 and 2063 are not)
    ("1985", R.YEAR),
    ("2000", R.YEAR),
    ("123123", R.REPEATED_BLOCK),
    ("abcabc", R.REPEATED_BLOCK),
    ("AbcaBC", R.REPEATED_BLOCK),
    ("a1a1a1", R.REPEATED_BLOCK),
    ("password", R.COMMON),
    ("Password", R.COMMON),
    ("qwerty", R.COMMON),
    ("Passw0rd", R.COMMON),
    ("1qaz2wsx", R.COMMON),
    ("iloveyou", R.COMMON),
    ("aaaaab", R.NEAR_REPEAT),
    ("1111121", R.NEAR_REPEAT),
    ("aAaA", R.NEAR_REPEAT),
    ("0000000000x1", R.NEAR_REPEAT),
]

#: close to the patterns above, but not guessable by them
NOT_GUESSABLE = [
    "H010107",  # 平成 began on 8 January 1989
    "S640108",  # and 昭和 ended the day before
    "T010229",  # 大正 began in July 1912
    "R010430",  # 令和 began on 1 May 2019
    "2100",  # years beyond 2099 and before 1900 are not taken for a year
    "1899",
    "32131985",  # no day 32
    "abcab1",
    "k9m2p7",
    "a1b2",
    "qwerty12x",
    "aaabbb",
]


DEFAULT = PolicySettings()


def _new(pin: str, policy: PolicySettings = DEFAULT) -> Verdict:
    return check_new_pin(Secret.from_ascii(pin), settings=policy)


@pytest.mark.parametrize(("pin", "reason"), GUESSABLE)
def test_guessable_refused_with_its_own_reason(pin: str, reason: Reason) -> None:
    verdict = _new(pin)
    assert reason in verdict.reasons
    assert not verdict.ok


@pytest.mark.parametrize(("pin", "reason"), GUESSABLE)
def test_guessable_only_warned_when_the_deployment_says_so(pin: str, reason: Reason) -> None:
    verdict = _new(pin, WARN)
    assert verdict.ok, verdict.reasons
    warned = [w for w in verdict.warnings if w.reason is reason]
    assert warned and warned[0].severity is Severity.WARN


@pytest.mark.parametrize("pin", NOT_GUESSABLE)
def test_near_misses_accepted(pin: str) -> None:
    verdict = _new(pin)
    assert verdict.ok, verdict.reasons
    assert not verdict.warnings


@pytest.mark.parametrize("reason", sorted({r for _, r in GUESSABLE}, key=lambda r: r.value))
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_each_reason_has_its_own_text(reason: Reason, lang: str) -> None:
    pin = next(p for p, r in GUESSABLE if r is reason)
    refusal = next(r for r in _new(pin).refusals if r.reason is reason)
    warning = next(w for w in _new(pin, WARN).warnings if w.reason is reason)
    others = {r.message(lang) for p, rr in GUESSABLE if rr is not reason for r in _new(p).refusals if r.reason is rr}
    assert refusal.message(lang) not in others
    assert refusal.message(lang) != warning.message(lang)
    # a fixed text: the same for every PIN with this reason (nothing of the PIN is in it)
    for other, rr in GUESSABLE:
        if rr is reason:
            assert refusal.message(lang) in [r.message(lang) for r in _new(other).refusals]


def test_the_era_texts_name_the_eras() -> None:
    refusal = next(r for r in _new("S600412").refusals if r.reason is R.ERA_DATE)
    assert "昭和" in refusal.message("ja") and "平成" in refusal.message("ja")
    assert "Showa" in refusal.message("en")


# --- the unblocking code typed in the same unlock ---


def test_new_pin_equal_to_the_unblocking_code_is_refused() -> None:
    code = Secret.from_ascii("K7Q2M9X4")
    verdict = check_new_pin(Secret.from_ascii("K7Q2M9X4"), Secret.from_ascii("K7Q2M9X4"), unblock_code=code)
    assert verdict.reasons == (R.SAME_AS_CODE,)
    assert verdict.refusals[0].field is Field.NEW_PIN
    for lang in ("ja", "en"):
        assert "K7Q2M9X4" not in verdict.refusals[0].message(lang)


def test_same_as_code_is_refused_even_when_guessable_only_warns() -> None:
    code = Secret.from_ascii("K7Q2M9X4")
    verdict = check_new_pin(Secret.from_ascii("K7Q2M9X4"), settings=WARN, unblock_code=code)
    assert R.SAME_AS_CODE in verdict.reasons


def test_new_pin_differing_from_the_code_passes() -> None:
    code = Secret.from_ascii("K7Q2M9X4")
    verdict = check_new_pin(Secret.from_ascii("K7Q2M9X5"), Secret.from_ascii("K7Q2M9X5"), unblock_code=code)
    assert verdict.ok and not verdict.warnings


# --- random strong PINs are never refused ---

STRONG_EXAMPLES = 3000
_ALNUM = string.ascii_letters + string.digits


def _strong(chars: list[str]) -> bool:
    """A strong PIN: distinct characters, upper and lower case letters and digits, 8 to 16 of them."""
    return any(c.isupper() for c in chars) and any(c.islower() for c in chars) and any(c.isdigit() for c in chars)


@settings(max_examples=STRONG_EXAMPLES, deadline=None)
@given(st.lists(st.sampled_from(_ALNUM), min_size=8, max_size=16, unique=True).filter(_strong))
def test_random_strong_pins_are_never_refused(chars: list[str]) -> None:
    verdict = _new("".join(chars))
    assert verdict.ok, verdict.reasons
    assert not verdict.warnings, [w.reason for w in verdict.warnings]
