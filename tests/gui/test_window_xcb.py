"""``aosign-host gui`` on a real X display (issue 12, item 13): Qt's xcb platform plugin aborted (SIGABRT) without
Debian's libxcb-cursor0 and friends, which ``scripts/bootstrap --gui``/``--test`` now install. The test starts its own
Xvfb, runs the window as a user does, and takes a screenshot of the X screen (not of the widget) to see it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cards import BIN, make_card

#: a helper that screenshots the whole X screen through the X server, as any screenshot tool does
_GRAB = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(["grab", "-platform", "xcb"])
image = app.primaryScreen().grabWindow(0).toImage()
image.save(sys.argv[1])
light = sum(1 for y in range(0, image.height(), 4) for x in range(0, image.width(), 4)
            if image.pixelColor(x, y).lightness() > 200)
print(light)
"""


pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="X11 (Xvfb): the Linux job runs it")


@pytest.fixture
def display(tmp_path: Path) -> Iterator[str]:
    """A private Xvfb (1024x768), stopped by its own pid."""
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as fh:
            number = fh.readline().strip()
        assert number, "Xvfb did not say its display"
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(10)


def test_gui_runs_on_a_real_x_display(display: str, tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    data = json.loads(card.state.read_text())
    data["pin"]["tries_left"], data["unblock"]["tries_left"] = 0, 2
    card.state.write_text(json.dumps(data))
    env = card.env("en")
    env.pop("QT_QPA_PLATFORM", None)
    env["DISPLAY"] = display
    shot = Path(os.environ.get("AOSIGN_XCB_SCREENSHOT", tmp_path / "xcb.png"))
    gui = subprocess.Popen(
        [str(BIN / "aosign-host"), "gui"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        light = 0
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and gui.poll() is None:
            time.sleep(0.5)
            grab = subprocess.run(
                [sys.executable, "-c", _GRAB, str(shot)], env=env, capture_output=True, text=True, timeout=30
            )
            assert grab.returncode == 0, grab.stderr
            light = int(grab.stdout.strip() or 0)
            if light > 2000:  # the window is drawn: an empty Xvfb screen is black
                break
        assert gui.poll() is None, f"aosign-host gui exited with {gui.returncode}: {gui.stderr.read()}"  # type: ignore[union-attr]
        assert light > 2000, "no window on the X screen"
    finally:
        gui.terminate()
        _out, err = gui.communicate(timeout=10)
    assert "could not be initialized" not in err and "xcb-cursor0" not in err, err
