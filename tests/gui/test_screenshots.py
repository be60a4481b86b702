"""The screenshots in docs/ are what the window draws now (issue 28): ``scripts/screenshots.py --check`` draws every
scene again (font, style, clock and card pinned) and fails when one differs beyond a small pixel tolerance."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "screenshots.py"


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--check", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def test_the_screenshots_in_docs_are_current() -> None:
    run = _check()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "the screenshots match the window" in run.stdout


def test_a_stale_screenshot_fails_the_check(tmp_path: Path) -> None:
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QColor, QImage, QPainter

    for name in ("main-window-ja.png", "main-window-en.png"):
        shutil.copy(ROOT / "docs" / name, tmp_path / name)
    image = QImage(str(tmp_path / "main-window-ja.png"))
    painter = QPainter(image)
    painter.fillRect(QRect(20, 20, 60, 30), QColor("#123456"))  # a small change: a word that is no longer there
    painter.end()
    image.save(str(tmp_path / "main-window-ja.png"))
    run = _check("--out", str(tmp_path), "--only", "main-window")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "main-window-ja.png" in run.stdout and "main-window-en.png" not in run.stdout
