"""The host's language decision, argparse's own texts in it, and the host's English singular forms."""

from __future__ import annotations

import argparse

import pytest

from hostapp_stub.argparse_texts import use_language
from hostapp_stub.language import env_language, pick_language
from hostapp_stub.messages import text


@pytest.mark.parametrize(
    ("candidates", "lang"),
    [
        (("en", "ja", "ja"), "en"),
        (("xx", "ja", None), "ja"),  # an invalid --lang is the parser's to refuse; it never becomes a language
        ((None, "fr", "en"), "en"),  # nor does an invalid AOSIGN_LANG (was KeyError: 'fr')
        ((None, None, "ja"), "ja"),
    ],
)
def test_pick_language(candidates: tuple[str | None, ...], lang: str) -> None:
    assert pick_language(*candidates) == lang


def test_pick_language_falls_back_to_the_systems(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert pick_language(None, "fr", "") == "ja"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert pick_language("xx") == "en"


def test_empty_aosign_lang_is_unset() -> None:
    assert env_language({"AOSIGN_LANG": ""}) is None
    assert env_language({}) is None
    assert env_language({"AOSIGN_LANG": "fr"}) == "fr"  # reported by the command line, not dropped


def test_argparse_speaks_the_users_language(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        use_language("ja")
        parser = argparse.ArgumentParser(prog="aosign-host")
        parser.add_argument("--lang", choices=("ja", "en"))
        help_text = parser.format_help()
        assert help_text.startswith("使い方: aosign-host") and "このヘルプを表示して終了します" in help_text
        assert "オプション:" in help_text
        with pytest.raises(SystemExit):
            parser.parse_args(["--lang", "xx"])
        err = capsys.readouterr().err
        assert "aosign-host: エラー: 引数 --lang: 'xx' は選べません" in err
    finally:
        use_language("en")
    assert argparse.ArgumentParser(prog="p").format_help().startswith("usage: p")


def test_host_singular_forms() -> None:
    assert text("manifest.problems", "en", path="m.toml", count=1) == "m.toml: 1 problem."
    assert text("manifest.problems", "en", path="m.toml", count=3) == "m.toml: 3 problems."
    assert text("manifest.problems", "ja", path="m.toml", count=1) == "m.toml: 1件の問題があります。"
