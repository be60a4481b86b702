"""One source for the manifest: the JSON Schema, ``manifest check`` and the manual come from the same declarations.

The schema and the check must agree on every file whose fault a schema can express (an unknown key, a wrong type,
a value out of range or not among the choices, a malformed hex string); what only the check can tell is listed in
``aosign_plugin.config.keys.SCHEMA_CANNOT_SAY`` and tested here as such.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pluggy
import pytest

from aosign_plugin.config import keys
from aosign_plugin.config.dialect import ChangeStyle, Release, UnblockStatus
from aosign_plugin.config.settings import Backend
from aosign_plugin.policy.rules import CARD_MAX_LENGTH, CARD_MIN_LENGTH, Guessable
from hostapp_stub.api import PROJECT
from hostapp_stub.manifest import Manifest, check_manifest, load_manifest_file, plugin_path_keys, resolve_paths
from hostapp_stub.manifest_schema import manifest_schema
from hostapp_stub.plugins import load_plugins

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pm() -> pluggy.PluginManager:
    return load_plugins(pluggy.PluginManager(PROJECT))


@pytest.fixture(scope="module")
def schema(pm: pluggy.PluginManager) -> dict[str, Any]:
    return manifest_schema(pm)


def test_the_shipped_schema_is_what_the_code_declares(schema: dict[str, Any]) -> None:
    shipped = json.loads((REPO / "manifest.schema.json").read_text(encoding="utf-8"))
    assert shipped == schema, "manifest.schema.json is stale: aosign-host manifest schema > manifest.schema.json"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_command_prints_the_schema(schema: dict[str, Any], tmp_path: Path) -> None:
    r = subprocess.run(
        [str(Path(sys.executable).parent / "aosign-host"), "manifest", "schema"],
        capture_output=True,
        text=True,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == schema


def test_the_declarations_are_the_codes_own_values() -> None:
    assert keys.allowed("plugin", "backend") == tuple(b.value for b in Backend)
    assert keys.allowed("policy", "guessable") == tuple(g.value for g in Guessable)
    assert keys.allowed("card", "change") == tuple(s.value for s in ChangeStyle)
    assert keys.allowed("card", "unblock_status") == tuple(s.value for s in UnblockStatus)
    assert keys.allowed("card", "release") == tuple(r.value for r in Release)
    for name in ("min_length", "max_length"):
        k = keys.key("policy", name)
        assert (k.low, k.high) == (CARD_MIN_LENGTH, CARD_MAX_LENGTH)


def test_the_example_manifest_names_its_schema() -> None:
    first = (REPO / "manifest.toml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "#:schema ./manifest.schema.json"


GOOD = [
    "",
    '[plugin]\nbackend = "sim"\nlanguage = "ja"\n',
    '[policy]\nmin_length = 6\nmax_length = 12\nguessable = "warn"\n',
    '[card]\naid = "A0000006474F5349474E"\ncla = 0x00\npin_ref = 0x81\nunblock_ref = 0x82\npad_to = 16\n'
    'pad_byte = 0xFF\nchange = "verify-then-set"\nunblock_status = "unknown"\nrelease = "unpower"\n'
    'certificates = ["3F00/5015/4331"]\n',
    '[pcsc]\nreader = "Virtual PCD"\n',
    '[pcsc]\nreader.windows = "ACS"\nreader.linux = "ACS ACR"\n',
    '[pkcs11]\ntoken = "pkcs11:token=AOSign"\nunblock = "context-specific"\ncard_counters = false\n',
    '[sim]\nstate = "card.json"\nlog = "~/apdu.log"\n',
    "[status]\nexpiry_warn_days = 30\n",
    '[audit]\nenabled = false\npath = "/var/log/aosign/{user}.jsonl"\nmax_bytes = 8192\nbackups = 0\n',
    '[plugins]\nallow = ["aosign-plugin"]\nblock = ["other"]\n',
]

BAD = [
    '[plugin]\nbakend = "sim"\n',  # unknown key
    '[plugin]\nbackend = "usb"\n',  # not a choice
    "[plugin]\nbackend = 1\n",  # wrong type
    "[policy]\nmin_length = 3\n",  # loosens the card's rules
    "[policy]\nmax_length = 17\n",
    '[policy]\nmin_length = "6"\n',
    "[card]\ncla = 256\n",
    "[card]\npad_to = 128\n",
    '[card]\naid = "A0"\n',  # too short
    '[card]\naid = "XYZ0000006474F5349"\n',
    '[card]\ncertificates = ["3F00/50G5"]\n',
    '[card]\nchange = "both"\n',
    "[pcsc]\nreader = 5\n",
    '[pcsc]\nreader.beos = "x"\n',
    '[pkcs11]\nsha256.linux = "abc"\n',
    '[pkcs11]\nmodule.plan9 = "/x.so"\n',
    '[pkcs11]\np11kit = "a b"\n',
    '[pkcs11]\ntoken = "token=AOSign"\n',
    '[pkcs11]\ncard_counters = "yes"\n',
    "[status]\nexpiry_warn_days = -1\n",
    "[audit]\nmax_bytes = 10\n",
    "[audit]\nbackups = 100\n",
    "[audit]\nenabled = 1\n",
    '[plugins]\nallow = "aosign-plugin"\n',
    "[nonsense]\nx = 1\n",
    'plugin = "sim"\n',  # not a table
]


def _verdicts(pm: pluggy.PluginManager, schema: dict[str, Any], tmp_path: Path, body: str) -> tuple[bool, bool]:
    path = tmp_path / "manifest.toml"
    path.write_text(body, encoding="utf-8")
    source = load_manifest_file(path, "explicit", "en")
    manifest = Manifest(data=source.data, sources=(source,), origins={k: source for k in source.positions})
    manifest = resolve_paths(manifest, plugin_path_keys(pm), "en")  # as every command does first
    checked = not check_manifest(pm, manifest, "en")
    valid = jsonschema.Draft202012Validator(schema).is_valid(source.data)
    return checked, valid


@pytest.mark.parametrize("body", GOOD)
def test_a_good_manifest_passes_both(
    pm: pluggy.PluginManager, schema: dict[str, Any], tmp_path: Path, body: str
) -> None:
    assert _verdicts(pm, schema, tmp_path, body) == (True, True)


@pytest.mark.parametrize("body", BAD)
def test_a_bad_manifest_fails_both(pm: pluggy.PluginManager, schema: dict[str, Any], tmp_path: Path, body: str) -> None:
    assert _verdicts(pm, schema, tmp_path, body) == (False, False)


@pytest.mark.parametrize(
    "body",
    [
        "[policy]\nmin_length = 10\nmax_length = 8\n",
        "[card]\npin_ref = 0x81\nunblock_ref = 0x81\n",
        "[card]\npad_to = 8\n",
        '[pkcs11]\nmodule.linux = "/nonexistent/module.so"\n',
    ],
)
def test_what_only_the_check_can_tell(
    pm: pluggy.PluginManager, schema: dict[str, Any], tmp_path: Path, body: str
) -> None:
    assert _verdicts(pm, schema, tmp_path, body) == (False, True)
    assert keys.SCHEMA_CANNOT_SAY


def test_the_example_manifest_passes_the_schema(schema: dict[str, Any]) -> None:
    import tomllib

    data = tomllib.loads((REPO / "manifest.toml").read_text(encoding="utf-8"))
    assert jsonschema.Draft202012Validator(schema).is_valid(data)
