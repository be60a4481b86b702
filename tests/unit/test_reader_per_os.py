"""``[pcsc] reader`` per OS: reader names differ between pcsc-lite, WinSCard and macOS (the same reader is
"SCM Microsystems Inc. SCR 3310 [CCID Interface] 00 00" on Linux, "SCM Microsystems Inc. SCR3310 USB Smart Card
Reader 0" on Windows), so one manifest can name it for each."""

from __future__ import annotations

import sys

import pytest

from aosign_plugin.config.settings import parse_settings

TABLE = {"linux": "SCR 3310", "windows": "SCR3310 USB", "macos": "SCR3310"}


@pytest.mark.parametrize(
    ("platform", "expected"), [("linux", "SCR 3310"), ("win32", "SCR3310 USB"), ("darwin", "SCR3310")]
)
def test_this_os_value_is_used(monkeypatch: pytest.MonkeyPatch, platform: str, expected: str) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    settings, problems = parse_settings({"pcsc": {"reader": TABLE}})
    assert problems == []
    assert settings.pcsc_reader == expected


def test_an_os_left_out_matches_every_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    settings, problems = parse_settings({"pcsc": {"reader": {"windows": "SCR3310 USB"}}})
    assert problems == [] and settings.pcsc_reader is None


def test_one_string_still_means_every_os() -> None:
    settings, problems = parse_settings({"pcsc": {"reader": "Virtual PCD"}})
    assert problems == [] and settings.pcsc_reader == "Virtual PCD"


def test_wrong_keys_and_values_are_named() -> None:
    _settings, problems = parse_settings({"pcsc": {"reader": {"win": "x", "linux": "", "macos": 3}}})
    assert sorted((p.key, p.message) for p in problems) == [
        ("pcsc.reader.linux", "manifest.want_str"),
        ("pcsc.reader.macos", "manifest.want_str"),
        ("pcsc.reader.win", "manifest.unknown_key"),
    ]
