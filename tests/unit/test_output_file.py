"""Issue 27: ``--output FILE`` (UTF-8, written whole or not at all), ``--version``, ``python -m hostapp_stub``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hostapp_stub.output_file import write_atomic
from tests.support.cards import BIN, Card, make_card


def test_write_atomic_replaces_and_is_utf8(tmp_path: Path) -> None:
    target = tmp_path / "s.json"
    target.write_bytes(b"old")
    write_atomic(target, '{"label": "状態を表示します"}\n')
    assert target.read_bytes() == '{"label": "状態を表示します"}\n'.encode()  # no BOM, \n only
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]  # no temporary file left


def test_write_atomic_failure_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "inventory"
    target.mkdir()  # os.replace cannot put a file over a folder: the write fails after the text was written
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.is_dir() and list(target.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["inventory"]
    with pytest.raises(OSError):
        write_atomic(tmp_path / "missing" / "x.json", "new")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_write_atomic_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "s.json"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert target.stat().st_mode & 0o777 == 0o640
    fresh = tmp_path / "fresh.json"
    write_atomic(fresh, "new")
    assert fresh.stat().st_mode & 0o777 != 0o600  # as open() makes it (umask), not mkstemp's private mode


@pytest.fixture
def sim_card(tmp_path: Path) -> Card:
    return make_card(tmp_path, "sim")


def test_status_json_to_a_file_in_japanese(sim_card: Card, tmp_path: Path) -> None:
    out = tmp_path / "status.json"
    run = sim_card.host("status", "--json", "--output", str(out), lang="ja")
    assert run.code == 0, run.text
    assert run.out == ""  # everything went to the file
    data = json.loads(out.read_bytes().decode("utf-8"))
    assert data["state"] == "ready" and data["pin"]["tries_left"] == 10
    menu = tmp_path / "menu.json"
    run = sim_card.host("--output", str(menu), "menu", "--json", lang="ja")
    assert run.code == 0, run.text
    labels = [e["label"] for e in json.loads(menu.read_text(encoding="utf-8"))]
    assert any(any(ord(ch) > 0x3000 for ch in label) for label in labels)  # Japanese, as UTF-8


def test_output_that_cannot_be_written_is_said_and_keeps_the_exit_code(sim_card: Card, tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    run = sim_card.host("status", "--json", "--output", str(folder), lang="en")
    assert run.code == 0  # the card was read; only the file failed (CONTRACT.md: a message never changes the code)
    assert "could not write the output file" in run.err and str(folder) in run.err
    assert run.out == ""


def test_version_needs_no_manifest(tmp_path: Path) -> None:
    env = {**os.environ, "AOSIGN_MANIFEST": str(tmp_path / "broken.toml"), "HOME": str(tmp_path)}
    (tmp_path / "broken.toml").write_text("[plugin\n")
    for argv in ([str(BIN / "aosign-host"), "--version"], [sys.executable, "-m", "hostapp_stub", "--version"]):
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60, check=False)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith("aosign-host 0.1.0 (Python "), proc.stdout


def test_python_dash_m_runs_the_same_commands(sim_card: Card) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "hostapp_stub", "status", "--json"],
        capture_output=True,
        env=sim_card.env("en"),
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["backend"] == "sim"
