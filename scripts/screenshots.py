#!/usr/bin/env python3
"""Make the README's screenshots: the host's window and each PIN dialog, in Japanese and English, offscreen.

    .venv/bin/python scripts/screenshots.py [--out docs]

Each scene runs on its own freshly issued simulated card (in a temporary folder), driven through the real dialogs
and service: the states shown (wrong PIN, locked, the code's last try, dead card) are reached by clicking [OK].
Japanese needs a CJK font (Debian: fonts-ipafont-gothic); without one the script stops instead of drawing boxes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from aosign_plugin.frontends.gui import ChangePinDialog, PinDialog, UnlockDialog
from hostapp_stub.api import Request
from hostapp_stub.gui.window import MainWindow
from hostapp_stub.manifest import load_manifest
from hostapp_stub.plugins import load_plugins, menu, status_panels

#: the simulated card's sheet: its initial PIN and its unblocking code (made up; a test card)
SHEET_PIN = "31415926"
SHEET_CODE = "QX7RT2KM9WZ4"
NEW_PIN = "Hk47vQ2w"
LANGUAGES = ("ja", "en")


class Card:
    """A freshly issued simulated card in ``folder``, and the manifest that names it."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True)
        self.state = folder / "card.json"
        self.manifest = folder / "manifest.toml"
        sim = Path(sys.executable).parent / "aosign-sim"
        subprocess.run(
            [str(sim), "issue", "--state", str(self.state), "--from-stdin"],
            input=f"{SHEET_PIN}\n{SHEET_CODE}\n".encode(),
            capture_output=True,
            check=True,
        )
        self.manifest.write_text(f'[plugin]\nbackend = "sim"\n\n[sim]\nstate = "{self.state}"\n', encoding="utf-8")

    def request(self, lang: str) -> Request:
        manifest = load_manifest(str(self.manifest), lang)
        return Request(lang=lang, manifest=manifest.data, manifest_path=manifest.path)


def _type(dialog: PinDialog, *answers: str) -> None:
    for field, answer in zip(dialog.fields, answers, strict=True):
        edit = dialog.findChild(QLineEdit, field.value)
        assert edit is not None
        edit.setText(answer)


def _tries(dialog: PinDialog, count: int, *, final: bool = False) -> None:
    """Click [OK] ``count`` times with a wrong first answer (a wrong PIN or code)."""
    for i in range(count):
        _type(dialog, f"WRONG{i:02d}x9z", NEW_PIN, NEW_PIN)
        if final:
            dialog.findChild(QWidget, "final_try_ok").setChecked(True)  # type: ignore[union-attr]
        dialog.submit()


def _spent(card: Card, cls: type[PinDialog], count: int, *, final: bool = False) -> None:
    dialog = cls(card.request("ja"))
    _tries(dialog, count, final=final)
    dialog.reject()
    dialog.deleteLater()


def main_window(card: Card, lang: str) -> QWidget:
    manifest = load_manifest(str(card.manifest), lang)
    pm = load_plugins(allowed=manifest.plugin_allowed)
    window = MainWindow(pm, menu(pm).entries, status_panels(pm)[0], manifest.data, manifest.path, lang, poll_ms=0)
    window.resize(600, window.sizeHint().height())
    return window


def change_pin(card: Card, lang: str) -> QWidget:
    dialog = ChangePinDialog(card.request(lang))
    _type(dialog, SHEET_PIN, "19850412", "19850412")  # a birth date: refused, [OK] stays disabled
    return dialog


def change_pin_wrong(card: Card, lang: str) -> QWidget:
    dialog = ChangePinDialog(card.request(lang))
    _tries(dialog, 2)
    return dialog


def change_pin_locked(card: Card, lang: str) -> QWidget:
    dialog = ChangePinDialog(card.request(lang))
    _tries(dialog, 10)
    return dialog


def unlock(card: Card, lang: str) -> QWidget:
    _spent(card, ChangePinDialog, 10)
    dialog = UnlockDialog(card.request(lang))
    _type(dialog, SHEET_CODE, NEW_PIN, NEW_PIN)
    return dialog


def unlock_final_try(card: Card, lang: str) -> QWidget:
    _spent(card, UnlockDialog, 9)
    dialog = UnlockDialog(card.request(lang))
    _type(dialog, SHEET_CODE, NEW_PIN, NEW_PIN)
    return dialog


def dead_card(card: Card, lang: str) -> QWidget:
    _spent(card, UnlockDialog, 9)
    _spent(card, UnlockDialog, 1, final=True)
    return UnlockDialog(card.request(lang))


SCENES: dict[str, Callable[[Card, str], QWidget]] = {
    "main-window": main_window,
    "change-pin": change_pin,
    "change-pin-wrong": change_pin_wrong,
    "change-pin-locked": change_pin_locked,
    "unlock": unlock,
    "unlock-final-try": unlock_final_try,
    "dead-card": dead_card,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "docs")
    parser.add_argument("--only", choices=sorted(SCENES), action="append", help="make only these scenes")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    if not QFontDatabase.families(QFontDatabase.WritingSystem.Japanese):
        print("no Japanese font: install one (Debian: apt-get install fonts-ipafont-gothic)", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="aosign-shots-") as tmp:
        for var in ("HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
            os.environ[var] = str(Path(tmp) / var.lower())  # the audit log and caches stay in the temporary folder
        for var in ("AOSIGN_MANIFEST", "AOSIGN_LANG"):
            os.environ.pop(var, None)
        for name, scene in SCENES.items():
            if args.only and name not in args.only:
                continue
            for lang in LANGUAGES:
                widget = scene(Card(Path(tmp) / f"{name}-{lang}"), lang)
                widget.show()
                app.processEvents()
                for edit in widget.findChildren(QLineEdit):
                    edit.deselect()  # focus selects a field's text: the dots read better without the highlight
                path = args.out / f"{name}-{lang}.png"
                if not widget.grab().save(str(path), "PNG", 0):  # quality 0: the smallest file
                    print(f"could not write {path}", file=sys.stderr)
                    return 1
                print(path)
                widget.close()
                widget.deleteLater()
                app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
