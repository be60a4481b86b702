"""``aosign-host gui``, with every focus change and every window shown printed as a JSON line (for the keyboard
test under Xvfb, which types through the X server and reads these lines to see where the keys went).

    python -m tests.gui.focus_reporter [aosign-host gui options]
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


def _say(**what: object) -> None:
    print(json.dumps(what, ensure_ascii=False), flush=True)


class _Shown(QObject):
    """Says each window shown, and moves the keyboard focus as a window manager would (Xvfb runs none): to a window
    shown, and back to its owner when a dialog closes."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() is QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            _say(shown=type(watched).__name__, title=watched.windowTitle())
            QTimer.singleShot(100, watched.activateWindow)
        if event.type() is QEvent.Type.Hide and isinstance(watched, QWidget) and watched.isWindow():
            _say(hidden=type(watched).__name__)
            owner = watched.parentWidget()
            if owner is not None:  # a dialog closed: its window gets the focus back, as a window manager gives it
                QTimer.singleShot(100, owner.window().activateWindow)
        return False


def main() -> int:
    app = QApplication([sys.argv[0], "-platform", "xcb"])

    def focus(_old: QWidget | None, new: QWidget | None) -> None:
        if new is None:
            _say(focus=None)
        else:
            window = new.window()
            _say(focus=new.objectName(), cls=type(new).__name__, window=type(window).__name__)

    app.focusChanged.connect(focus)

    def active(_window: object) -> None:
        widget = QApplication.activeWindow()
        _say(active=type(widget).__name__ if widget is not None else None)

    app.focusWindowChanged.connect(active)
    shown = _Shown()
    app.installEventFilter(shown)
    from hostapp_stub.cli import main as cli_main

    code = cli_main(["gui", *sys.argv[1:]])
    _say(exit=code)
    return code


if __name__ == "__main__":
    sys.exit(main())
