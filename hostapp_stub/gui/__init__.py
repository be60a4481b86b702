"""``aosign-host gui``: the host's window (PySide6, the optional ``gui`` extra).

Nothing here imports Qt at module level: :func:`run_window` imports it, and says what to install when it is missing.
The command line imports this package only for the ``gui`` command.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pluggy

from ..api import Check, ExitCode, MenuEntry

__all__ = ["main", "run_window"]


def run_window(
    pm: pluggy.PluginManager,
    entries: Sequence[MenuEntry],
    manifest: Mapping[str, Any],
    manifest_path: Path | None,
    lang: str,
    support: Callable[[str], Sequence[Check]] | None = None,
) -> int:
    """Show the main window until it is closed; returns the exit code (0; ``USAGE`` without PySide6: the command
    cannot run on this installation, nothing was tried, and the message says how to install the window. Not
    ``UNAVAILABLE``, which tells a helpdesk to look for a reader or a card).

    :param pm: the plugin manager, plugins loaded; :param entries: their menu entries.
    :param manifest: the manifest in force, already checked; :param manifest_path: its file, None for the default.
    :param lang: the language to start in.
    :param support: runs doctor's checks in a language, for the window's "support information".
    """
    from .texts import text

    try:
        from PySide6.QtWidgets import QApplication
    except ImportError:
        print(text("missing_qt", lang), file=sys.stderr)
        return ExitCode.USAGE
    from ..plugins import status_panels
    from .fonts import ui_font
    from .window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "aosign-host"])
    if isinstance(app, QApplication):
        app.setFont(ui_font(app.font()))  # kana, kanji and digits of one Japanese UI family
    panels, _ = status_panels(pm)  # an id two plugins claim is shown by neither
    window = MainWindow(pm, entries, panels, manifest, manifest_path, lang, support=support)
    window.show()
    try:
        return int(app.exec())
    finally:
        window.deleteLater()


def main(argv: Sequence[str] | None = None) -> int:
    """``aosign-host gui [--manifest PATH] [--lang ja|en]``: the command line's own start (manifest, the plugins it
    allows, the checks), then the window. Returns the exit code (CONTRACT.md)."""
    from ..cli import main as cli_main

    return cli_main(["gui", *(sys.argv[1:] if argv is None else argv)])
