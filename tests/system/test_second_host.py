"""aosign-plugin in a host that is not hostapp_stub (issue 24): a fresh venv with aosign-plugin installed by pip, and
``tiny_host.py`` (pluggy, the host API and its own UI) that runs ``status``, ``change-pin`` and ``unlock`` on the
simulated card. The plugin must import nothing of hostapp_stub beyond what the API itself is made of."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cards import SHEET_CODE, SHEET_PIN
from tests.system.test_example_plugin import _copy_of_the_project

HERE = Path(__file__).resolve().parent
#: a fresh venv and a pip install (about 20 s alone on 2 cores; more on a loaded machine)
pytestmark = pytest.mark.timeout(600)

#: what the API is made of: ``hostapp_stub.api`` and ``hookspecs`` and the frozen-record base they use
API_MODULES = {
    "hostapp_stub",
    "hostapp_stub.api",
    "hostapp_stub.hookspecs",
    "hostapp_stub.records",
    # the untrusted-text type and its neutraliser (issue 25): part of the API, as the records are
    "hostapp_stub.untrusted",
}


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("second-host")
    source = _copy_of_the_project(root / "src")
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)
    py = root / "venv" / "bin" / "python"
    pip = [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(source)]
    subprocess.run(pip, check=True, capture_output=True)
    yield root / "venv"


def _env(home: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "LC_", "LANG", "XDG_", "PYTHON"))}
    return {**base, "HOME": str(home)}


def _tiny(venv: Path, manifest: Path, *args: str, stdin: str = "") -> tuple[int, str, set[str]]:
    proc = subprocess.run(
        [str(venv / "bin" / "python"), str(HERE / "tiny_host.py"), str(manifest), "en", *args],
        input=stdin.encode(),
        capture_output=True,
        env=_env(manifest.parent),
        timeout=120,
        check=False,
    )
    err = proc.stderr.decode().splitlines()
    report = json.loads(err[-1])
    assert report["exit_code"] == proc.returncode
    return proc.returncode, proc.stdout.decode() + "\n".join(err[:-1]), set(report["hostapp_stub"])


def test_the_api_is_made_of_these_modules(venv: Path, tmp_path: Path) -> None:
    """What importing the API alone loads: the set the plugin is held to below (it may load nothing more)."""
    probe = "import json, sys, hostapp_stub.api, hostapp_stub.hookspecs; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", probe], capture_output=True, env=_env(tmp_path), check=True
    ).stdout
    assert {m for m in json.loads(out) if m.split(".")[0] == "hostapp_stub"} == API_MODULES


def test_status_change_pin_and_unlock_in_a_second_host(venv: Path, tmp_path: Path) -> None:
    home = tmp_path
    state = home / "card.json"
    issue = [str(venv / "bin" / "aosign-sim"), "issue", "--state", str(state), "--from-stdin"]
    subprocess.run(issue, input=f"{SHEET_PIN}\n{SHEET_CODE}\n".encode(), env=_env(home), check=True)
    manifest = home / "manifest.toml"
    manifest.write_text(
        f'[plugin]\nbackend = "sim"\n\n[sim]\nstate = "{state}"\n\n[audit]\npath = "{home / "audit.jsonl"}"\n',
        encoding="utf-8",
    )

    code, out, modules = _tiny(venv, manifest, "menu")
    assert code == 0 and "tiny> status:" in out and "tiny> change-pin:" in out and "tiny> unlock:" in out, out

    code, out, modules = _tiny(venv, manifest, "status", "--json")
    assert code == 0, out
    assert json.loads(out.splitlines()[0])["pin"]["tries_left"] == 10
    assert modules <= API_MODULES, modules - API_MODULES

    new_pin = "Kx7mQ2pZ"
    code, out, modules = _tiny(venv, manifest, "change-pin", stdin=f"{SHEET_PIN}\n{new_pin}\n{new_pin}\n")
    assert code == 0, out
    assert "tiny> " in out  # said through the tiny host's own UI
    assert modules <= API_MODULES, modules - API_MODULES

    code, out, _ = _tiny(venv, manifest, "change-pin", stdin=f"Wrong9pin\n{SHEET_PIN}\n{SHEET_PIN}\n")
    assert code == 3, out  # one try counted

    third = "Ab3dE5gH"
    code, out, modules = _tiny(venv, manifest, "unlock", stdin=f"{SHEET_CODE}\n{third}\n{third}\n")
    assert code == 0, out
    assert modules <= API_MODULES, modules - API_MODULES
    code, out, _ = _tiny(venv, manifest, "status", "--json")
    assert code == 0 and json.loads(out.splitlines()[0])["pin"]["tries_left"] == 10
    assert (home / "audit.jsonl").read_text(encoding="utf-8").count("\n") >= 3
