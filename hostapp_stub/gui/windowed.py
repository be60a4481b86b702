"""``aosign-host-gui``: the window started without a console (a ``gui-scripts`` entry point).

On Windows a ``gui-scripts`` launcher runs under ``pythonw``: no console window opens, and ``sys.stdout`` and
``sys.stderr`` are ``None``. Whatever the command line would have printed before the window shows (an invalid
manifest, exit 7; PySide6 missing; a plugin clash) would be lost, or flash past in a console that closes at once.
Here it is caught and shown in a message box instead; where a console stream exists it still gets the text too.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

__all__ = ["TeeStream", "main", "run_windowed", "show_message_box"]

#: the QApplication made for a message box, kept referenced (PySide6 would otherwise destroy it at once)
_apps: list[object] = []


class TeeStream(io.TextIOBase):
    """A text stream that keeps what is written and passes it on to ``target`` when there is one."""

    def __init__(self, target: TextIO | None) -> None:
        super().__init__()
        self.target = target
        self._kept = io.StringIO()

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        self._kept.write(s)
        if self.target is not None:
            # a console that went away or cannot show a character: the box still has the text
            with contextlib.suppress(OSError, ValueError, UnicodeError):
                self.target.write(s)
        return len(s)

    def flush(self) -> None:
        if self.target is not None:
            with contextlib.suppress(OSError, ValueError):
                self.target.flush()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def kept(self) -> str:
        """Everything written so far."""
        return self._kept.getvalue()


def _language(argv: Sequence[str]) -> str:
    from ..cli import _pre_lang

    lang = _pre_lang(argv) or os.environ.get("AOSIGN_LANG")
    if lang in ("ja", "en"):
        return lang
    from ..platforms import system_language

    return system_language()


def _native_box(title: str, message: str) -> bool:
    """Windows' own message box, for when Qt itself is missing; False elsewhere."""
    if sys.platform != "win32":
        return False
    import ctypes

    mb_iconerror = 0x10
    ctypes.windll.user32.MessageBoxW(None, message, title, mb_iconerror)
    return True


def show_message_box(title: str, message: str) -> None:
    """Show ``message`` in a modal error box and wait until the user closes it (Qt, else Windows' own box)."""
    try:
        from PySide6.QtWidgets import QApplication, QMessageBox
    except ImportError:
        _native_box(title, message)
        return
    if QApplication.instance() is None:
        _apps.append(QApplication([sys.argv[0] if sys.argv else "aosign-host-gui"]))
    from PySide6.QtCore import Qt

    from ..untrusted import visible

    # a plugin's or the OS's words may be in it: plain text, controls shown (issue 25)
    box = QMessageBox(
        QMessageBox.Icon.Critical, title, visible(message, keep_lines=True), QMessageBox.StandardButton.Ok
    )
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setObjectName("start_error")
    try:
        box.exec()
    finally:
        box.deleteLater()


def run_windowed(
    argv: Sequence[str],
    *,
    start: Callable[[list[str]], int] | None = None,
    report: Callable[[str, str], None] = show_message_box,
) -> int:
    """Run ``aosign-host gui ARGV`` with the standard streams caught; a failed start is shown with ``report``.

    :param start: the command line's start (``hostapp_stub.cli.main``); :param report: ``(title, message)``.
    :returns: the exit code (CONTRACT.md); 1 for an error no code names.
    """
    if start is None:
        from ..cli import main as cli_main

        start = cli_main
    saved = sys.stdout, sys.stderr
    out, err = TeeStream(saved[0]), TeeStream(saved[1])
    sys.stdout, sys.stderr = out, err
    try:
        code = start(["gui", *argv])
    except SystemExit as e:  # argparse on a bad argument (exit 2, its usage on stderr), or --help (0)
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if isinstance(e.code, str):
            err.write(e.code + "\n")
    except Exception as e:  # the window is the only place left to say it; no traceback to a missing console
        err.write(f"{type(e).__name__}: {e}\n")
        code = 1
    finally:
        sys.stdout, sys.stderr = saved
    said = (err.kept() + out.kept()).strip()
    if code != 0:
        from .texts import text

        lang = _language(argv)
        # every failed start has its box, even one that said nothing: the exit code is then what there is to say
        report(text("start_failed", lang), said or text("start_failed_code", lang, code=code))
    return code


def main() -> int:
    """The ``aosign-host-gui`` entry point."""
    return run_windowed(sys.argv[1:])
