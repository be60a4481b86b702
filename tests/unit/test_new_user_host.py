"""What a new user meets at the host (issue 32 items 6 and 7): ``--help`` laid out by display width in Japanese,
the usage line broken between its parts only, a command to type never split; ``gui`` without PySide6 says how to
install the window and exits 2, not the "no card" code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hostapp_stub.display_width import display_width, wrap

HOST = Path(sys.executable).parent / "aosign-host"
PIP = 'pip install "aosign-plugin[gui]"'


def _run(*args: str, columns: int = 80, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "LC_", "LANG"))}
    base.update(COLUMNS=str(columns), AOSIGN_MANIFEST=os.devnull, **(env or {}))
    return subprocess.run([str(HOST), *args], capture_output=True, text=True, env=base, timeout=60, check=False)


@pytest.mark.parametrize("columns", [80, 60, 40])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_help_fits_the_terminal_and_never_splits_the_install_command(lang: str, columns: int) -> None:
    run = _run("--lang", lang, "--help", columns=columns)
    assert run.returncode == 0, run.stderr
    assert PIP in run.stdout  # whole, on one line
    for line in run.stdout.splitlines():
        if PIP not in line:  # a line holding the unbreakable command alone may be wider than a narrow terminal
            assert display_width(line) <= columns, (columns, line)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_usage_breaks_between_its_parts_only(lang: str) -> None:
    wide = _run("--lang", lang, "--help", columns=200).stdout.splitlines()[0]
    narrow = _run("--lang", lang, "--help", columns=40).stdout.split("\n\n")[0].splitlines()
    assert len(narrow) > 1
    assert " ".join(narrow).split() == wide.split()  # no word cut in two
    indent = len(narrow[1]) - len(narrow[1].lstrip())
    first_part = narrow[0].index("[") if "[" in narrow[0] else 0
    assert indent == display_width(narrow[0][:first_part])  # continuations start under the first part
    assert all(display_width(line) <= 40 for line in narrow)


def test_wrap_by_display_width() -> None:
    assert wrap("あいうえおかきくけこ", 10) == ["あいうえお", "かきくけこ"]
    assert wrap("ウィンドウです(必要です: pip install 'x[y]')。", 12)[-1].startswith("pip install 'x[y]')")
    assert all(not line.startswith(("、", "。", ")")) for line in wrap("あ、い。う)え" * 5, 4))
    assert wrap("aosign-plugin is one word", 8)[0] == "aosign-plugin"


def test_gui_without_pyside6_says_how_to_install_it(tmp_path: Path) -> None:
    broken = tmp_path / "PySide6"
    broken.mkdir()
    (broken / "__init__.py").write_text("raise ImportError('No module named PySide6')\n")
    for lang in ("ja", "en"):
        run = _run("--lang", lang, "gui", env={"PYTHONPATH": str(tmp_path)})
        assert run.returncode == 2, run.stderr  # bad usage, nothing tried: not 6 ("no reader, no card")
        assert PIP in run.stderr
        assert "scripts/bootstrap --gui" in run.stderr
        assert "Traceback" not in run.stderr
