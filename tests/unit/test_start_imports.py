"""What a command's start does not import (issue 16): each module here was once on the path of ``menu`` or of a
``status`` and cost milliseconds of every start; each is imported only where it is used."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sysconfig.get_path("scripts"))  # where pip put the scripts (Windows: Scripts\, not beside python.exe)

#: the modules checked, and what pulled each in before
NOT_ON_START = (
    "platformdirs",  # the plugin-discovery cache's folder; the certificate cache's folder
    "tempfile",  # through platformdirs.unix
    "random",  # through tempfile
    "hmac",  # Secret.__eq__, which no start compares
    "asn1crypto",  # a certificate already in the certificate cache is not parsed again
    "PySide6",
    "pkcs11",
    "logging",  # only with -v
    "tomllib",  # a manifest file parsed before comes from the parse cache
    "dataclasses",  # the frozen records (hostapp_stub.records); with it inspect's cost came a second time
    "shutil",  # argparse's help formatter asked it the terminal's width on every add_argument
    "locale",  # gettext's catalog search for argparse's English texts
    "copy",  # the manifest's tables copied before its paths are resolved
    "hostapp_stub.tomlpos",  # a key's line and column: only for a problem or a warning
    "aosign_plugin.catalogs.ja",  # (these starts are in English) the menu labels of both languages
)

#: what ``menu`` does not need of the plugin: its entries' code and the card's layers below it
CARD_LAYERS = (
    "aosign_plugin.frontends.entries",
    "aosign_plugin.service.outcomes",
    "aosign_plugin.service.pin_service",
    "aosign_plugin.domain.errors",
    "aosign_plugin.domain.card_status",
    "aosign_plugin.domain.certificates",
    "aosign_plugin.backends",
    "aosign_plugin.transport",
)

PROBE = """
import json, sys
from hostapp_stub.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _started(args: list[str], env: dict[str, str]) -> tuple[int, set[str]]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, check=True, cwd=ROOT
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    return found["code"], set(found["modules"])


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return [n for n in names if n in modules or any(m.startswith(n + ".") for m in modules)]


@pytest.fixture
def sim_env(tmp_path: Path) -> dict[str, str]:
    state = tmp_path / "card.json"
    subprocess.run(
        [str(BIN / "aosign-sim"), "issue", "--state", str(state), "--from-stdin"],
        input=b"31415926\n",
        capture_output=True,
        check=True,
    )
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(f'[plugin]\nbackend = "sim"\n\n[sim]\nstate = {json.dumps(str(state))}\n', encoding="utf-8")
    return {
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "PATH": "/usr/bin:/bin",
        "AOSIGN_LANG": "en",
        "AOSIGN_MANIFEST": str(manifest),
    }


def test_menu_imports_nothing_it_does_not_use(sim_env: dict[str, str]) -> None:
    for _ in range(2):  # the first start fills the caches; the second is the usual one
        code, modules = _started(["menu"], sim_env)
        assert code == 0
    assert _loaded(modules, (*NOT_ON_START, "hashlib")) == []
    # the card's layers load when an entry runs, not to list the menu
    assert _loaded(modules, CARD_LAYERS) == []


def test_status_imports_nothing_it_does_not_use(sim_env: dict[str, str]) -> None:
    """``status --json`` on the simulated card with a certificate: its digest is looked up (hashlib); the simulated
    card's own store needs tempfile and secrets (so random and hmac, shutil through tempfile) and keeps its state in
    (mutable) dataclasses, a PC/SC card does not."""
    for _ in range(2):
        code, modules = _started(["status", "--json"], sim_env)
        assert code == 0
    sim_needs = ("tempfile", "random", "hmac", "shutil", "dataclasses", "copy")  # copy: through dataclasses
    assert _loaded(modules, tuple(n for n in NOT_ON_START if n not in sim_needs)) == []
    assert "hashlib" in modules  # the certificate's digest: the probe does see what a start imports


def test_pcsc_status_loads_only_pyscards_low_layer(tmp_path: Path) -> None:
    """Over PC/SC, ``status`` loads pyscard's ``smartcard.scard`` layer and not the package's ``__init__`` with its
    high-level framework (``smartcard.Session``, ``smartcard.System``...). Here the service is not there (its socket
    points nowhere): the command ends with exit 6 after loading the layer and trying it."""
    manifest = tmp_path / "manifest.toml"
    manifest.write_text('[plugin]\nbackend = "pcsc"\n', encoding="utf-8")
    env = {
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "PATH": "/usr/bin:/bin",
        "AOSIGN_LANG": "en",
        "AOSIGN_MANIFEST": str(manifest),
        "PCSCLITE_CSOCK_NAME": str(tmp_path / "no-pcscd.comm"),
    }
    for _ in range(2):
        code, modules = _started(["status", "--json", "--no-wait"], env)
        assert code == 6
    assert "aosign_plugin.transport.pyscard_reader" in modules
    assert "smartcard.scard._scard" not in modules  # a private copy: nothing of pyscard stays in sys.modules
    assert _loaded(modules, ("smartcard", *NOT_ON_START, "hashlib", "threading")) == []  # threading: for a watch
