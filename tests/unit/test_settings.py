"""The plugin's manifest tables: every problem named, nothing silently ignored."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from aosign_plugin import catalogs
from aosign_plugin.config.dialect import ChangeStyle, UnblockStatus
from aosign_plugin.config.settings import Backend, parse_settings
from aosign_plugin.policy.rules import Guessable

REPO = Path(__file__).resolve().parents[2]


def test_repository_manifest_is_valid() -> None:
    data = tomllib.loads((REPO / "manifest.toml").read_text(encoding="utf-8"))
    settings, problems = parse_settings(data)
    assert problems == []
    assert settings.backend is Backend.SIM
    assert settings.dialect.aid == bytes.fromhex("A0000006474F5349474E")


def test_empty_manifest_is_the_default() -> None:
    settings, problems = parse_settings({})
    assert problems == []
    # CONTRACT.md: the built-in default is backend "auto" (an AOSign card in a reader, else the simulated card)
    assert settings.backend is Backend.AUTO and settings.policy.min_length == 4
    # no [card] table: the AOSign card's own dialect, AID included
    assert settings.dialect.aid == bytes.fromhex("A0000006474F5349474E")
    # a [card] table that omits aid: no SELECT (CONTRACT.md)
    settings, problems = parse_settings({"card": {"cla": 0}})
    assert problems == [] and settings.dialect.aid is None


def test_full_dialect() -> None:
    settings, problems = parse_settings(
        tomllib.loads(
            """
[plugin]
backend = "pcsc"
[policy]
min_length = 6
guessable = "warn"
[card]
cla = 0x80
pin_ref = 0x01
unblock_ref = 0x02
pad_to = 0
change = "verify-then-set"
unblock_status = "unknown"
[pcsc]
reader = "Virtual PCD 00 01"
[pkcs11]
module.linux = "/usr/lib/softhsm/libsofthsm2.so"
module.windows = 'C:\\Program Files\\Vendor\\vendor-p11.dll'
token = "pkcs11:token=AOSign"
"""
        )
    )
    assert problems == []
    d = settings.dialect
    assert (d.cla, d.pin_ref, d.unblock_ref, d.pad_to) == (0x80, 0x01, 0x02, 0)
    assert d.change is ChangeStyle.VERIFY_THEN_SET and d.unblock_status is UnblockStatus.UNKNOWN
    assert settings.policy.min_length == 6 and settings.policy.guessable is Guessable.WARN
    assert settings.pcsc_reader == "Virtual PCD 00 01"
    assert settings.pkcs11_modules["windows"].startswith("C:\\")


@pytest.mark.parametrize(
    ("toml", "key", "message"),
    [
        ('[plugin]\nbackend = "usb"', "plugin.backend", "manifest.one_of"),
        ('[plugin]\nlanguage = "fr"', "plugin.language", "manifest.one_of"),
        ("[plugin]\nbakend = 'sim'", "plugin.bakend", "manifest.unknown_key"),
        ("[policy]\nmin_length = 2", "policy.min_length", "manifest.loosens"),
        ("[policy]\nmax_length = 20", "policy.max_length", "manifest.loosens"),
        ("[policy]\nmin_length = '6'", "policy.min_length", "manifest.want_int"),
        ("[policy]\nmin_length = true", "policy.min_length", "manifest.want_int"),
        ("[policy]\nmin_length = 12\nmax_length = 8", "policy.min_length", "manifest.min_over_max"),
        ("[policy]\nguessable = 'ignore'", "policy.guessable", "manifest.one_of"),
        ("[card]\naid = 'XYZ'", "card.aid", "manifest.bad_aid"),
        ("[card]\naid = 'A000'", "card.aid", "manifest.bad_aid"),
        ("[card]\ncla = 256", "card.cla", "manifest.out_of_range"),
        ("[card]\npin_ref = -1", "card.pin_ref", "manifest.out_of_range"),
        ("[card]\npad_to = 8", "card.pad_to", "manifest.bad_pad_to"),
        ("[card]\nchange = 'both'", "card.change", "manifest.one_of"),
        ("[card]\npin_ref = 0x82", "card.unblock_ref", "manifest.same_refs"),
        ("card = 1", "card", "manifest.not_a_table"),
        ("[pkcs11]\nmodule.linux = 'lib/softhsm2.so'", "pkcs11.module.linux", "manifest.module_absolute"),
        ("[pkcs11]\nmodule.bsd = '/usr/lib/x.so'", "pkcs11.module.bsd", "manifest.unknown_key"),
        ("[pkcs11]\nmodule = '/usr/lib/x.so'", "pkcs11.module", "manifest.module_table"),
        ("[pkcs11]\ntoken = 'AOSign'", "pkcs11.token", "manifest.token_uri"),
        ("[sim]\nstate = ''", "sim.state", "manifest.want_str"),
    ],
)
def test_bad_values_are_named(toml: str, key: str, message: str) -> None:
    _, problems = parse_settings(tomllib.loads(toml))
    assert [(p.key, p.message) for p in problems] == [(key, message)]
    for lang in catalogs.LANGUAGES:
        assert catalogs.text(problems[0].message, lang, **problems[0].params)


def test_every_problem_at_once() -> None:
    _, problems = parse_settings(tomllib.loads("[plugin]\nbackend = 1\nx = 2\n[card]\ncla = 'a'\npad_to = 3"))
    assert {p.key for p in problems} == {"plugin.backend", "plugin.x", "card.cla", "card.pad_to"}
