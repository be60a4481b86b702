"""Every dialog with the keyboard alone, on a real X display (issue 28): keys typed through the X server (XTEST, as
a keyboard does), the window on Qt's xcb platform, no mouse. The window prints where each key moved the focus
(:mod:`tests.gui.focus_reporter`); the card's state file says what was done."""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.gui.test_window_xcb import display  # noqa: F401  (the fixture: a private Xvfb)
from tests.support.cards import SHEET_PIN, Card, make_card

ROOT = Path(__file__).resolve().parents[2]
NEW_PIN = "hk47vq2w"


class Keyboard:
    """Key presses sent to an X display through the XTEST extension."""

    def __init__(self, name: str) -> None:
        self.x11 = ctypes.cdll.LoadLibrary("libX11.so.6")
        self.xtst = ctypes.cdll.LoadLibrary("libXtst.so.6")
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x11.XStringToKeysym.restype = ctypes.c_ulong
        self.x11.XStringToKeysym.argtypes = [ctypes.c_char_p]
        self.x11.XKeysymToKeycode.restype = ctypes.c_ubyte
        self.x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self.x11.XFlush.argtypes = [ctypes.c_void_p]
        self.x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
        self.display = self.x11.XOpenDisplay(name.encode())
        assert self.display, f"cannot open {name}"

    def key(self, name: str) -> None:
        code = self.x11.XKeysymToKeycode(self.display, self.x11.XStringToKeysym(name.encode()))
        assert code, name
        self.xtst.XTestFakeKeyEvent(self.display, code, 1, 0)
        self.xtst.XTestFakeKeyEvent(self.display, code, 0, 0)
        self.x11.XFlush(self.display)
        time.sleep(0.05)

    def chord(self, modifier: str, name: str) -> None:
        """``name`` pressed while ``modifier`` is held (Shift+Tab)."""
        mod = self.x11.XKeysymToKeycode(self.display, self.x11.XStringToKeysym(modifier.encode()))
        self.xtst.XTestFakeKeyEvent(self.display, mod, 1, 0)
        self.key(name)
        self.xtst.XTestFakeKeyEvent(self.display, mod, 0, 0)
        self.x11.XFlush(self.display)
        time.sleep(0.05)

    def type(self, text: str) -> None:
        for char in text:  # lower-case letters and digits: their keysyms are their names
            self.key(char)

    def close(self) -> None:
        self.x11.XCloseDisplay(self.display)


class Window:
    """``aosign-host gui`` under the focus reporter, its lines read as they come."""

    def __init__(self, card: Card, screen: str) -> None:
        env = card.env("ja")
        env.pop("QT_QPA_PLATFORM", None)
        env["DISPLAY"] = screen
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.gui.focus_reporter"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        #: where the lines caused by the last keys begin
        self.mark = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("{"):
                self.lines.put(json.loads(line))

    def _more(self, deadline: float) -> bool:
        try:
            self.seen.append(self.lines.get(timeout=max(0.05, deadline - time.monotonic())))
        except queue.Empty:
            return False
        return True

    def wait_for(self, timeout: float = 15, **expected: object) -> dict[str, Any]:
        """The first line since the last keys that has every ``expected`` key and value (``...``: any value but
        None), whatever else those keys caused and in which order."""
        deadline = time.monotonic() + timeout
        index = self.mark
        while True:
            while index < len(self.seen):
                line = self.seen[index]
                index += 1
                if all(
                    (line.get(k) is not None and k in line) if v is ... else line.get(k) == v
                    for k, v in expected.items()
                ):
                    return line
            if time.monotonic() >= deadline or not self._more(deadline):
                raise AssertionError(f"never {expected}; saw {self.seen[self.mark :]}")

    def press(self, keyboard: Keyboard, *names: str) -> None:
        """Press the keys ``names`` one after the other (``Shift_L+Tab``: a chord); what they cause is looked for
        from here on."""
        while self._more(time.monotonic() + 0.3):
            pass  # what came before belongs to the keys before
        self.mark = len(self.seen)
        for name in names:
            if "+" in name:
                keyboard.chord(*name.split("+"))
            else:
                keyboard.key(name)

    def walk(self, keyboard: Keyboard, count: int, key: str = "Tab") -> list[str]:
        """Where the focus goes on each of ``count`` presses of ``key``."""
        names = []
        for _ in range(count):
            self.press(keyboard, key)
            names.append(str(self.wait_for(timeout=10, focus=...)["focus"]))
        return names

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
        _out, err = self.proc.communicate(timeout=15)
        return err


@pytest.fixture
def keyboard(display: str) -> Any:  # noqa: F811
    board = Keyboard(display)
    yield board
    board.close()


def test_every_dialog_by_keyboard_alone(display: str, keyboard: Keyboard, tmp_path: Path) -> None:  # noqa: F811
    card = make_card(tmp_path, "sim")
    window = Window(card, display)
    k = keyboard
    try:
        window.wait_for(shown="MainWindow", timeout=30)
        window.wait_for(active="MainWindow")
        window.wait_for(focus="entry:status")  # the window starts at its menu
        assert [line["shown"] for line in window.seen if "shown" in line] == ["MainWindow"]  # no stray window
        # the menu, the status (read with Tab), the buttons: in the order they are laid out
        assert window.walk(k, 4) == ["entry:change-pin", "entry:unlock", "panel:card", "support"]
        assert window.walk(k, 3, "Shift_L+Tab") == ["panel:card", "entry:unlock", "entry:change-pin"]

        # the change dialog, opened with Enter: the focus is in its first field
        window.press(k, "Return")
        window.wait_for(active="ChangePinDialog")
        window.wait_for(focus="current_pin")
        assert window.walk(k, 5) == ["new_pin", "confirm", "show_input", "cancel", "status_box"]
        window.press(k, "Escape")  # closes it, nothing sent
        window.wait_for(active="MainWindow")

        # a PIN changed with the keyboard alone: type, Tab, type, Tab, type, Enter
        window.press(k, "Return")
        window.wait_for(active="ChangePinDialog")
        window.wait_for(focus="current_pin")
        window.press(k, *SHEET_PIN, "Tab", *NEW_PIN, "Tab", *NEW_PIN, "Return")  # Enter: [OK], the default button
        window.wait_for(focus="cancel")  # done: [閉じる] has the focus
        window.press(k, "Return")  # and is the default now
        window.wait_for(hidden="ChangePinDialog")
        window.wait_for(active="MainWindow")

        # the unlock dialog: its fields, then [「PIN(暗証番号)について」を紛失した場合] and its message box
        window.press(k, "Tab")
        window.wait_for(focus="entry:unlock")
        window.press(k, "Return")
        window.wait_for(active="UnlockDialog")
        window.wait_for(focus="unblock_code")
        assert window.walk(k, 5) == ["new_pin", "confirm", "show_input", "cancel", "lost_sheet"]
        window.press(k, "space")  # a button is pressed with Space too
        window.wait_for(active="QMessageBox")
        window.press(k, "Return")  # its [OK]
        window.wait_for(active="UnlockDialog")
        window.press(k, "Escape")
        window.wait_for(active="MainWindow")

        # out of the window with the keyboard: the status, [サポート情報], [状態を読み直す], [終了]
        assert window.walk(k, 4) == ["panel:card", "support", "refresh", "quit"]
        window.press(k, "Return")
        window.wait_for(exit=0)
    finally:
        err = window.stop()
    assert "Traceback" not in err, err
    # the PIN was changed by the keyboard: the new PIN is the card's (and is changed back)
    back = card.host("change-pin", answers=[NEW_PIN, SHEET_PIN, SHEET_PIN])
    assert back.code == 0, back.text
