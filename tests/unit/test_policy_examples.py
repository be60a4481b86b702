"""The policy's words and its examples agree (issue 32 item 4): every example a refusal's text gives is refused, and
refused first for the rule it illustrates, so the first reason the user reads is the one the text names."""

from __future__ import annotations

import pytest

from aosign_plugin import catalogs
from aosign_plugin.domain.secret import Secret
from aosign_plugin.policy.rules import Guessable, PolicySettings, Reason, check_new_pin

R = Reason

#: (example, the rule it illustrates): the examples of the catalogs' ``policy.*`` texts, the README's and the
#: FAQ's (CONTRACT.md: 19850412, 850412, 0412, 09012345678, 0312345678, 1234, abcd, 9876, 111111, aaaa)
EXAMPLES = [
    ("111111", R.REPEATED),
    ("aaaa", R.REPEATED),
    ("19850412", R.DATE),
    ("850412", R.DATE),
    ("0412", R.DATE),
    ("09012345678", R.PHONE),
    ("0312345678", R.PHONE),
    ("1234", R.SEQUENCE),
    ("abcd", R.SEQUENCE),
    ("9876", R.SEQUENCE),
    ("13579", R.SEQUENCE),
    ("H01234", R.SEQUENCE),
    ("04121985", R.DATE_ORDER),
    ("120485", R.DATE_ORDER),
    ("S600412", R.ERA_DATE),
    ("600412", R.ERA_DATE),
    ("1985", R.YEAR),
    ("2000", R.YEAR),
    ("123123", R.REPEATED_BLOCK),
    ("abcabc", R.REPEATED_BLOCK),
    ("password", R.COMMON),
    ("qwerty", R.COMMON),
    ("abc123", R.COMMON),
    ("aaaaab", R.NEAR_REPEAT),
    ("1111121", R.NEAR_REPEAT),
]

#: examples the texts give that are not PINs of their own (the FAQ's dates as words, the character classes)
_TEXT_ONLY = {"policy.date", "policy.phone"}


@pytest.mark.parametrize(("pin", "reason"), EXAMPLES)
def test_example_refused_first_for_the_rule_it_illustrates(pin: str, reason: Reason) -> None:
    verdict = check_new_pin(Secret.from_ascii(pin))
    assert not verdict.ok
    assert verdict.refusals[0].reason is reason, verdict.reasons


@pytest.mark.parametrize(("pin", "reason"), [e for e in EXAMPLES if e[1] is not R.REPEATED])
def test_example_warned_first_for_the_rule_it_illustrates(pin: str, reason: Reason) -> None:
    verdict = check_new_pin(Secret.from_ascii(pin), settings=PolicySettings(guessable=Guessable.WARN))
    assert verdict.ok
    assert verdict.warnings[0].reason is reason


# the date and phone rules keep the FAQ's wording, which names dates and phone numbers without digits
@pytest.mark.parametrize(("pin", "reason"), [e for e in EXAMPLES if f"policy.{e[1].value}" not in _TEXT_ONLY])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_text_of_the_rule_gives_the_example(pin: str, reason: Reason, lang: str) -> None:
    """The rule's own text (refusal and warning) quotes the example: words and examples are one list."""
    assert pin in catalogs.text(f"policy.{reason.value}", lang, min_length=4, max_length=16)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_rule_has_its_own_words(lang: str) -> None:
    """Every refusal names the rule that refused it: no two reasons share a text."""
    texts = [catalogs.text(f"policy.{r.value}", lang, min_length=4, max_length=16) for r in Reason]
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize("pin", ["13579", "97531", "2468", "acegi", "H01234", "1234a", "x9876"])
def test_runs_with_a_step_or_one_added_character_are_runs(pin: str) -> None:
    assert check_new_pin(Secret.from_ascii(pin)).refusals[0].reason is R.SEQUENCE


@pytest.mark.parametrize("pin", ["k9m2p7", "a1b2", "1357x9", "H0123x5", "s1m9q"])
def test_not_runs(pin: str) -> None:
    verdict = check_new_pin(Secret.from_ascii(pin))
    assert R.SEQUENCE not in verdict.reasons
