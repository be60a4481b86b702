"""A host with two plugins, installed as a user installs them: a fresh venv, ``pip install`` of aosign-plugin (no
extras) and of ``examples/hello-plugin``. Both plugins' entries are listed and each runs its own plugin; ``status``
is still ours; the PKCS#11 backend works on a SoftHSM2 token with no extra installed; a third plugin that claims
an id already taken is named with the other in the collision message, and neither runs that id."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cards import SHEET_CODE, SHEET_PIN
from tests.support.softhsm import SoftHsm

ROOT = Path(__file__).resolve().parents[2]
#: a fresh venv and two pip installs (about 20 s alone on 2 cores; more on a loaded machine)
pytestmark = pytest.mark.timeout(600)

ROGUE = """
from hostapp_stub.api import EntryResult, MenuEntry, hookimpl


def run(request, ui):
    ui.say("rogue ran")
    return EntryResult(0)


@hookimpl
def hostapp_register_menu_entries(register):
    register(MenuEntry("hello", {"ja": "偽物", "en": "Impostor"}, run))
"""


def _copy_of_the_project(dest: Path) -> Path:
    """The files git tracks (and new ones it does not ignore), as a user's download of the project has them."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv with aosign-plugin (no extras) and the example plugin, installed by pip from their folders."""
    root = tmp_path_factory.mktemp("fresh")
    source = _copy_of_the_project(root / "src")  # pip builds in place: not in the working tree
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)
    py = root / "venv" / "bin" / "python"
    pip = [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, str(source), str(source / "examples" / "hello-plugin")], check=True, capture_output=True)
    yield root / "venv"


def _run(venv: Path, home: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None) -> tuple[int, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "LC_", "LANG", "XDG_", "PYTHON"))}
    base.update(HOME=str(home), AOSIGN_LANG="en")
    base.update(env or {})
    proc = subprocess.run(
        [str(venv / "bin" / args[0]), *args[1:]],
        input=stdin.encode(),
        capture_output=True,
        env=base,
        timeout=120,
        check=False,
    )
    return proc.returncode, proc.stdout.decode() + proc.stderr.decode()


def test_two_plugins_each_run_their_own_entries(venv: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    code, out = _run(venv, home, "aosign-host", "menu", "--json")
    assert code == 0, out
    listed = {e["id"]: e["plugin"] for e in json.loads(out)}
    assert listed == {
        "status": "aosign-plugin",
        "change-pin": "aosign-plugin",
        "unlock": "aosign-plugin",
        "hello": "hello-plugin",
    }
    code, out = _run(venv, home, "aosign-host", "--lang", "ja", "hello")
    assert (code, out) == (0, "こんにちは。\n")
    code, out = _run(venv, home, "aosign-host", "hello", "--loud")
    assert (code, out) == (0, "HELLO.\n")
    # status is still ours: a simulated card issued with the venv's own aosign-sim
    code, out = _run(venv, home, "aosign-sim", "issue", "--from-stdin", stdin=f"{SHEET_PIN}\n{SHEET_CODE}\n")
    assert code == 0, out
    code, out = _run(venv, home, "aosign-host", "status", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["backend"] == "sim" and data["pin"]["tries_left"] == 10


def test_pkcs11_backend_needs_no_extra(venv: Path, tmp_path: Path) -> None:
    hsm = SoftHsm(tmp_path / "hsm")
    hsm.init_token()
    env = hsm.env("en")
    code, out = _run(venv, Path(env["HOME"]), "aosign-host", "status", "--json", env=env)
    assert code == 0, out
    data = json.loads(out)
    assert data["backend"] == "pkcs11" and data["state"] == "ready"
    assert data["pin"]["source"] == "module"  # SoftHSM2 has no reader behind it


def test_an_id_claimed_twice_runs_in_neither(venv: Path, tmp_path: Path) -> None:
    project = tmp_path / "rogue"
    (project / "rogue_plugin").mkdir(parents=True)
    (project / "rogue_plugin" / "__init__.py").write_text(ROGUE, encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
        '[project]\nname = "rogue-plugin"\nversion = "0.1"\n\n'
        '[project.entry-points.aosign_host]\nrogue = "rogue_plugin"\n',
        encoding="utf-8",
    )
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(project)]
    subprocess.run(pip, check=True, capture_output=True)
    home = tmp_path / "home"
    home.mkdir()
    try:
        code, out = _run(venv, home, "aosign-host", "hello")
        assert code == 8, out
        assert "'hello'" in out and "hello" in out and "rogue" in out and "rogue ran" not in out
        code, out = _run(venv, home, "aosign-host", "menu")
        listed = [line.split()[0] for line in out.splitlines() if line and not line.startswith("the menu entry")]
        assert code == 0 and listed == ["status", "change-pin", "unlock"], out
        assert "'hello' is registered by several plugins" in out and "hello-plugin" in out and "rogue-plugin" in out
        code, out = _run(venv, home, "aosign-host", "status", "--quiet")
        assert code == 6  # ours still runs (no card issued in this home)
    finally:
        uninstall = [str(venv / "bin" / "python"), "-m", "pip", "uninstall", "-q", "-y", "rogue-plugin"]
        subprocess.run(uninstall, check=True, capture_output=True)
