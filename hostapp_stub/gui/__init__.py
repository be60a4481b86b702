"""``aosign-host gui``: the host's window (PySide6, the optional ``gui`` extra).

Nothing here imports Qt at module level: :func:`run_window` imports it, and says what to install when it is missing.
The command line imports this package only for the ``gui`` command.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pluggy

from ..api import MenuEntry

__all__ = ["EXIT_NO_GUI", "main", "run_window"]

#: PySide6 is not installed (like a missing PKCS#11 module: the part the command needs is absent)
EXIT_NO_GUI = 6
_EXIT_USAGE = 2
_EXIT_MANIFEST = 7
_LANGUAGES = ("ja", "en")


def run_window(
    pm: pluggy.PluginManager,
    entries: Sequence[MenuEntry],
    manifest: Mapping[str, Any],
    manifest_path: Path | None,
    lang: str,
) -> int:
    """Show the main window until it is closed; returns the exit code (0, or :data:`EXIT_NO_GUI`).

    :param pm: the plugin manager, plugins loaded; :param entries: their menu entries.
    :param manifest: the manifest in force, already checked; :param manifest_path: its file, None for the default.
    :param lang: the language to start in.
    """
    from .texts import text

    try:
        from PySide6.QtWidgets import QApplication
    except ImportError:
        print(text("missing_qt", lang), file=sys.stderr)
        return EXIT_NO_GUI
    from .window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "aosign-host"])
    window = MainWindow(pm, entries, manifest, manifest_path, lang)
    window.show()
    try:
        return int(app.exec())
    finally:
        window.deleteLater()


def _manifest_lang(data: Mapping[str, Any]) -> str | None:
    plugin = data.get("plugin")
    value = plugin.get("language") if isinstance(plugin, Mapping) else None
    return value if value in _LANGUAGES else None


def main(argv: Sequence[str] | None = None) -> int:
    """``aosign-host gui [--manifest PATH] [--lang ja|en]`` on its own: the same start as the command line (manifest,
    plugins the manifest allows, the manifest checked), then the window. Returns the exit code (CONTRACT.md)."""
    import argparse

    from ..manifest import ManifestError, check_manifest, load_manifest
    from ..messages import text as host_text
    from ..platforms import system_language
    from ..plugins import DuplicateEntryError, load_plugins, menu_entries

    parser = argparse.ArgumentParser(prog="aosign-host gui")
    parser.add_argument("--manifest", metavar="PATH")
    parser.add_argument("--lang", choices=_LANGUAGES)
    args = parser.parse_args(sys.argv[1:] if argv is None else list(argv))
    env_lang = os.environ.get("AOSIGN_LANG")
    early = args.lang or (env_lang if env_lang in _LANGUAGES else None)
    try:
        manifest = load_manifest(args.manifest, early or system_language())
    except ManifestError as e:
        print(e, file=sys.stderr)
        return _EXIT_MANIFEST
    lang = early or _manifest_lang(manifest.data) or system_language()
    pm = load_plugins(allowed=manifest.plugin_allowed)
    try:
        entries = menu_entries(pm)
    except DuplicateEntryError as e:
        print(host_text("plugin.duplicate", lang, error=e), file=sys.stderr)
        return _EXIT_USAGE
    problems = check_manifest(pm, manifest, lang)
    if problems:
        for problem in problems:
            print(problem.format(lang), file=sys.stderr)
        return _EXIT_MANIFEST
    return run_window(pm, entries, manifest.data, manifest.path, lang)
