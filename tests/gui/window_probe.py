"""Opens the host's window and each PIN dialog in the states that make them tallest, on the screen and at the scale
the environment gives Qt (``QT_QPA_PLATFORM=offscreen:configfile=...``, ``QT_SCALE_FACTOR``), and prints what
``test_window_sizes`` checks, as JSON: run in a process of its own per screen and scale.

    python -m tests.gui.window_probe FOLDER
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QScrollArea, QWidget

from aosign_plugin.frontends.gui import ChangePinDialog, PinDialog, UnlockDialog
from hostapp_stub.api import PROJECT, Request
from hostapp_stub.gui.fonts import ui_font
from hostapp_stub.gui.window import MainWindow
from hostapp_stub.manifest import load_manifest
from hostapp_stub.plugins import load_plugins, menu, status_panels
from tests.support.cards import Card, edit_state, make_card


def _request(card: Card, lang: str) -> Request:
    manifest = load_manifest(str(card.manifest), lang)
    return Request(lang=lang, manifest=manifest.data, manifest_path=manifest.path)


def _window(card: Card, lang: str) -> QWidget:
    import pluggy

    manifest = load_manifest(str(card.manifest), lang)
    pm = load_plugins(pluggy.PluginManager(PROJECT))
    return MainWindow(pm, menu(pm).entries, status_panels(pm)[0], manifest.data, manifest.path, lang, poll_ms=0)


def _typed(card: Card, lang: str) -> QWidget:
    dialog = ChangePinDialog(_request(card, lang))
    for field, answer in zip(dialog.fields, ("31415926", "19850412", "19850413"), strict=True):
        edit = dialog.findChild(QLineEdit, field.value)
        assert edit is not None
        edit.setText(answer)  # a birth date refused, a mismatch: every feedback line shows
    return dialog


def _wrong(card: Card, lang: str) -> QWidget:
    edit_state(card, pin_tries_left=2)
    dialog = ChangePinDialog(_request(card, lang))
    for field, answer in zip(dialog.fields, ("WRONG1x9z", "Hk47vQ2w", "Hk47vQ2w"), strict=True):
        edit = dialog.findChild(QLineEdit, field.value)
        assert edit is not None
        edit.setText(answer)
    dialog.submit()  # one wrong PIN: the longest message, the final-try advice
    return dialog


def _final(card: Card, lang: str) -> QWidget:
    edit_state(card, pin_tries_left=0, unblock_tries_left=1)
    return UnlockDialog(_request(card, lang))


def _dead(card: Card, lang: str) -> QWidget:
    edit_state(card, pin_tries_left=0, unblock_tries_left=0)
    return UnlockDialog(_request(card, lang))


def _locked_window(card: Card, lang: str) -> QWidget:
    edit_state(card, pin_tries_left=0, unblock_tries_left=2)
    return _window(card, lang)


SCENES: dict[str, Callable[[Card, str], QWidget]] = {
    "window": _window,
    "window-locked": _locked_window,
    "change-typed": _typed,
    "change-wrong": _wrong,
    "unlock-final": _final,
    "unlock-dead": _dead,
}


def measure(widget: QWidget) -> dict[str, Any]:
    """Where the widget lies on its screen, and whether each part of it can be seen (scrolled to, where it
    scrolls)."""
    screen = widget.screen().availableGeometry()
    frame = widget.frameGeometry()
    scroll = widget.findChild(QScrollArea, "scroll")
    assert scroll is not None
    content = scroll.widget()
    assert content is not None
    bar = scroll.verticalScrollBar()
    clipped = []
    for label in content.findChildren(QLabel):
        if label.isVisibleTo(widget) and label.wordWrap() and label.height() < label.heightForWidth(label.width()):
            clipped.append(label.objectName() or label.text()[:30])
    buttons_out = []
    for button in widget.findChildren(QAbstractButton):
        if not button.isVisibleTo(widget):
            continue
        bottom_right = button.mapTo(widget, button.rect().bottomRight())
        inside_scroll = content.isAncestorOf(button)
        if not inside_scroll and (bottom_right.y() >= widget.height() or bottom_right.x() >= widget.width()):
            buttons_out.append(button.objectName())
        if inside_scroll:
            left = button.mapTo(scroll.viewport(), button.rect().topLeft()).x()
            if left < 0 or left + button.width() > scroll.viewport().width() + 1:
                buttons_out.append(button.objectName())
    return {
        "screen": [screen.x(), screen.y(), screen.width(), screen.height()],
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "content_height": content.height(),
        "viewport_height": scroll.viewport().height(),
        "content_width": content.width(),
        "viewport_width": scroll.viewport().width(),
        "scroll_max": bar.maximum(),
        "clipped": clipped,
        "buttons_out": buttons_out,
    }


def main(folder: str) -> int:
    app = QApplication.instance() or QApplication(["probe"])
    assert isinstance(app, QApplication)
    app.setFont(ui_font(app.font()))
    base = Path(folder)
    (base / "template").mkdir()
    template = make_card(base / "template", "sim")
    results: dict[str, Any] = {}
    for name, scene in SCENES.items():
        for lang in ("ja", "en"):
            here = base / f"{name}-{lang}"
            here.mkdir()
            state = here / "card.json"
            shutil.copy(template.state, state)
            manifest = here / "manifest.toml"
            manifest.write_text(template.manifest.read_text().replace(str(template.state), str(state)))
            card = Card(backend="sim", home=template.home, state=state, log=here / "log.jsonl", manifest=manifest)
            widget = scene(card, lang)
            widget.show()
            for _ in range(3):
                app.processEvents()
            if isinstance(widget, MainWindow):
                widget.fit_to_texts()
                app.processEvents()
            results[f"{name}-{lang}"] = measure(widget)
            if isinstance(widget, PinDialog):
                widget.reject()
            widget.close()
            widget.deleteLater()
            app.processEvents()
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
