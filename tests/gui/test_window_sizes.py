"""The window and the dialogs on small screens and at high scaling (issue 28): on 1024×768 and 800×600 at 100 %,
150 % and 200 % (``QT_SCALE_FACTOR``), every window lies inside the screen, no text is cut off, the buttons can be
seen, and what does not fit scrolls. At 1024×768 and 100 % nothing needs to scroll. One process per screen and scale
(:mod:`tests.gui.window_probe`): a scale is fixed when Qt starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def probe(tmp_path: Path, width: int, height: int, scale: float) -> dict[str, Any]:
    config = tmp_path / "screen.json"
    screen = {"name": "probe", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96, "dpr": 1}
    config.write_text(json.dumps({"screens": [screen]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}", "QT_SCALE_FACTOR": str(scale)}
    folder = tmp_path / "cards"
    folder.mkdir()
    run = subprocess.run(
        [sys.executable, "-m", "tests.gui.window_probe", str(folder)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("width", "height", "scale"),
    [(1024, 768, 1.0), (800, 600, 1.0), (1024, 768, 1.5), (800, 600, 1.5), (1024, 768, 2.0), (800, 600, 2.0)],
)
def test_every_window_fits_the_screen(tmp_path: Path, width: int, height: int, scale: float) -> None:
    results = probe(tmp_path, width, height, scale)
    assert len(results) == 12
    for scene, got in results.items():
        sx, sy, sw, sh = got["screen"]
        fx, fy, fw, fh = got["frame"]
        where = f"{scene} at {width}x{height} {scale:.0%}: {got}"
        assert (sw, sh) == (round(width / scale), round(height / scale)) or abs(sw - width / scale) <= 1, where
        assert fx >= sx and fy >= sy and fx + fw <= sx + sw and fy + fh <= sy + sh, where  # inside the screen
        assert got["clipped"] == [], where  # no text cut off
        assert got["buttons_out"] == [], where  # every button can be seen
        assert got["content_width"] <= got["viewport_width"], where  # nothing to scroll sideways
        # whatever is taller than the window can be scrolled to
        assert got["scroll_max"] >= got["content_height"] - got["viewport_height"], where
        if (width, height, scale) == (1024, 768, 1.0):
            assert got["scroll_max"] == 0, where  # at the usual size, nothing needs scrolling
