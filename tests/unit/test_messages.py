"""The catalogs: ja and en agree, every policy reason has its text, and FAQ wording is verbatim."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from aosign_plugin.catalogs import catalog, en, ja, text
from aosign_plugin.policy.rules import CARD_MAX_LENGTH, CARD_MIN_LENGTH, Field, Reason

# The issuer's FAQ (a copy of ../shared/seed-faq-ja.txt): whatever a catalog quotes in 「」 must be found in it.
_FAQ_TEXT = (Path(__file__).parents[1] / "data" / "faq-ja.txt").read_text(encoding="utf-8")

#: English singular forms (``KEY.one``, used when ``left`` or ``count`` is 1): Japanese has no plural
_SINGULAR = sorted(k for k in en.MESSAGES if k.endswith(".one"))
_KEYS = sorted((set(ja.MESSAGES) | set(en.MESSAGES)) - set(_SINGULAR))
_GUESSABLE = (Reason.DATE, Reason.PHONE, Reason.SEQUENCE)
_POLICY_PARAMS = {"min_length", "max_length"}


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_same_keys() -> None:
    assert set(ja.MESSAGES) == set(en.MESSAGES) - set(_SINGULAR)
    assert catalog("ja") is ja.MESSAGES
    assert catalog("en") is en.MESSAGES


@pytest.mark.parametrize("key", _SINGULAR)
def test_singular_forms(key: str) -> None:
    base = key.removesuffix(".one")
    assert _placeholders(en.MESSAGES[key]) <= _placeholders(en.MESSAGES[base])
    params = dict.fromkeys(_placeholders(en.MESSAGES[base]), 1)
    assert text(base, "en", **params) == en.MESSAGES[key].format(**params)
    assert "1 tries" not in text(base, "en", **params) and " 1 unlock tries" not in text(base, "en", **params)
    params.update(left=2, count=2)
    assert text(base, "en", **params) == en.MESSAGES[base].format(**params)


def test_no_plural_left_for_one() -> None:
    """Every English text that counts (``{left}``/``{count}`` before a plural noun) has its singular form."""
    for key in _KEYS:
        if (
            re.search(r"\{(left|count)\} (unlock )?(tries|problems)", en.MESSAGES[key])
            or "({left} tries" in en.MESSAGES[key]
        ):
            assert f"{key}.one" in en.MESSAGES, key


@pytest.mark.parametrize("key", _KEYS)
def test_same_placeholders(key: str) -> None:
    assert _placeholders(ja.MESSAGES[key]) == _placeholders(en.MESSAGES[key])


@pytest.mark.parametrize("key", _KEYS)
def test_not_blank(key: str) -> None:
    for cat in (ja.MESSAGES, en.MESSAGES):
        assert cat[key].strip() == cat[key] != ""


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_has_a_message(reason: Reason) -> None:
    for lang in ("ja", "en"):
        assert text(f"policy.{reason.value}", lang, min_length=4, max_length=16)
        if reason in _GUESSABLE:
            assert text(f"policy.warn.{reason.value}", lang, min_length=4, max_length=16)


@pytest.mark.parametrize("field", list(Field))
def test_every_field_has_a_label(field: Field) -> None:
    for lang in ("ja", "en"):
        assert text(f"policy.field.{field.value}", lang)


@pytest.mark.parametrize("key", [k for k in _KEYS if k.startswith("policy.")])
def test_policy_placeholders_are_the_lengths(key: str) -> None:
    assert _placeholders(ja.MESSAGES[key]) <= _POLICY_PARAMS


@pytest.mark.parametrize(
    ("key", "phrase"),
    [
        ("policy.empty", "半角英数字4桁以上、16桁以内になるよう入力してください。"),
        ("policy.too_short", "半角英数字4桁以上、16桁以内になるよう入力してください。"),
        ("policy.too_long", "半角英数字4桁以上、16桁以内になるよう入力してください。"),
        ("policy.repeated", "すべて同じ文字列"),
        ("policy.repeated", "は認められません。"),
        ("policy.date", "他人に類推されやすいもの(例:生年月日、電話番号)は避けてください。"),
        ("policy.phone", "他人に類推されやすいもの(例:生年月日、電話番号)は避けてください。"),
        ("policy.warn.date", "他人に類推されやすいもの(例:生年月日、電話番号)は避けてください。"),
        ("policy.warn.phone", "他人に類推されやすいもの(例:生年月日、電話番号)は避けてください。"),
        ("policy.sequence", "覚えやすく、かつ他人からは推測されにくいPIN(暗証番号)"),
        (
            "policy.warn.sequence",
            "覚えやすく、かつ他人からは推測されにくいPIN(暗証番号)に変更されることをおすすめします。",
        ),
        ("policy.field.unblock_code", "「PIN(暗証番号)について」に記載のPIN(暗証番号)"),
        ("policy.field.current_pin", "現在のPIN(暗証番号)"),
        ("policy.field.new_pin", "新しいPIN(暗証番号)"),
    ],
)
def test_faq_wording_verbatim(key: str, phrase: str) -> None:
    assert phrase.strip("「」") in _FAQ_TEXT
    rendered = text(key, "ja", min_length=CARD_MIN_LENGTH, max_length=CARD_MAX_LENGTH)
    assert phrase in rendered


@pytest.mark.parametrize("key", _KEYS)
def test_quotes_are_faq_verbatim(key: str) -> None:
    for quoted in re.findall(r"「([^「」]*)」", ja.MESSAGES[key]):
        assert quoted in _FAQ_TEXT, quoted


def test_per_language_is_each_catalogs_text() -> None:
    """A menu label as the host reads it: the text of each language, nothing for another."""
    from aosign_plugin.catalogs import LANGUAGES, PerLanguage, text

    label = PerLanguage("entry.status")
    assert dict(label) == {lang: text("entry.status", lang) for lang in LANGUAGES}
    assert label["ja"] != label["en"]
    assert label.get("fr") is None
    assert len(label) == 2 and list(label) == ["ja", "en"]
