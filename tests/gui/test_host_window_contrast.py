"""Issue 27: every text of the host window at least 4.5:1 against what it is drawn on, in a light and a dark palette
(Windows 10/11 and macOS hand Qt a dark one in dark mode), and again when the palette changes while it is open."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import re
from pathlib import Path

import pluggy
import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from hostapp_stub.api import Tone
from hostapp_stub.gui.contrast import MIN_CONTRAST, contrast_ratio, note_style, status_style
from hostapp_stub.gui.window import MainWindow
from hostapp_stub.manifest import load_manifest
from hostapp_stub.plugins import load_plugins, menu, status_panels
from tests.gui.test_dark_mode_and_clipboard import dark_palette, light_palette
from tests.support.cards import Card, make_card

PALETTES = {"light": light_palette, "dark": dark_palette}


def colours(style: str, palette: QPalette) -> tuple[str, str]:
    """The text colour and the background a label with ``style`` is drawn with (the window's, when it sets none)."""
    colour = re.search(r"(?<![-\w])color: (#[0-9a-fA-F]{6})", style)
    background = re.search(r"background: (#[0-9a-fA-F]{6})", style)
    text = colour.group(1) if colour else palette.color(QPalette.ColorRole.WindowText).name()
    ground = background.group(1) if background else palette.color(QPalette.ColorRole.Window).name()
    return text, ground


@pytest.mark.parametrize("name", sorted(PALETTES))
def test_every_style_keeps_the_contrast(name: str, qapp: QApplication) -> None:
    palette = PALETTES[name]()
    for style in (note_style(palette), *(status_style(tone, palette) for tone in Tone)):
        text, ground = colours(style, palette)
        assert contrast_ratio(text, ground) >= MIN_CONTRAST, (name, style)


def test_the_old_note_colour_failed_in_dark_mode() -> None:
    assert contrast_ratio("#555555", "#202020") < MIN_CONTRAST  # what the window had: 2.2:1


def _window(qtbot: QtBot, card: Card) -> MainWindow:
    manifest = load_manifest(str(card.manifest), "en")
    pm: pluggy.PluginManager = load_plugins(allowed=manifest.plugin_allowed)
    window = MainWindow(pm, menu(pm).entries, status_panels(pm)[0], manifest.data, manifest.path, "en", poll_ms=0)
    qtbot.addWidget(window)
    return window


@pytest.mark.parametrize("start", sorted(PALETTES))
def test_window_texts_in_both_palettes_and_after_a_switch(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, start: str
) -> None:
    card = make_card(tmp_path, "sim")
    before = qapp.palette()
    try:
        qapp.setPalette(PALETTES[start]())
        window = _window(qtbot, card)
        window.show()
        other = "light" if start == "dark" else "dark"
        for name in (start, other):
            if name != start:
                qapp.setPalette(PALETTES[name]())
                qtbot.wait(10)
            palette = window.palette()
            assert (
                palette.color(QPalette.ColorRole.Window).name()
                == PALETTES[name]().color(QPalette.ColorRole.Window).name()
            )
            for label in window.findChildren(QLabel):
                if not label.isVisible() or not label.text():
                    continue
                text, ground = colours(label.styleSheet(), palette)
                assert contrast_ratio(text, ground) >= MIN_CONTRAST, (name, label.objectName(), label.styleSheet())
    finally:
        qapp.setPalette(before)
