"""The PIN dialogs in dark mode (Windows 10/11 and macOS hand Qt a dark palette) and the PIN field's clipboard, both
offscreen: every coloured text keeps a WCAG AA contrast (4.5:1) against what it is drawn on, in a light and a dark
palette; with 「入力内容を表示する」 ticked the field still gives nothing to the clipboard."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from aosign_plugin.frontends.gui import ChangePinDialog
from aosign_plugin.frontends.gui.secret_field import SecretLineEdit
from aosign_plugin.frontends.gui.tone_colours import box_style, contrast_ratio, text_colour
from hostapp_stub.api import Request
from hostapp_stub.manifest import load_manifest
from tests.support.cards import Card, make_card


def dark_palette() -> QPalette:
    """Roughly what Windows 11 in dark mode gives Qt 6 (and macOS's dark appearance)."""
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#202020"),
        (QPalette.ColorRole.WindowText, "#ffffff"),
        (QPalette.ColorRole.Base, "#2b2b2b"),
        (QPalette.ColorRole.Text, "#ffffff"),
        (QPalette.ColorRole.Button, "#2d2d2d"),
        (QPalette.ColorRole.ButtonText, "#ffffff"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


def light_palette() -> QPalette:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#f0f0f0"),
        (QPalette.ColorRole.WindowText, "#000000"),
        (QPalette.ColorRole.Base, "#ffffff"),
        (QPalette.ColorRole.Text, "#000000"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


PALETTES = {"light": light_palette, "dark": dark_palette}


@pytest.fixture(params=sorted(PALETTES))
def palette(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[QPalette]:
    before = qapp.palette()
    chosen = PALETTES[request.param]()
    qapp.setPalette(chosen)
    try:
        yield chosen
    finally:
        qapp.setPalette(before)


@pytest.fixture
def card(tmp_path: Path) -> Card:
    return make_card(tmp_path, "sim")


def open_change(qtbot: QtBot, card: Card, *, show_input: bool = False) -> ChangePinDialog:
    manifest = load_manifest(str(card.manifest), "en")
    options = {"show-input": True} if show_input else {}
    dialog = ChangePinDialog(Request(lang="en", manifest=manifest.data, manifest_path=manifest.path, options=options))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def colour_of(label: QLabel) -> str:
    found = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", label.styleSheet())
    assert found is not None, label.styleSheet()
    return found.group(1)


@pytest.mark.parametrize("tone", ["plain", "ok", "warn", "error"])
def test_each_tone_is_readable_on_its_background(palette: QPalette, tone: str) -> None:
    window = palette.color(QPalette.ColorRole.Window).name()
    assert contrast_ratio(text_colour(tone, palette), window) >= 4.5
    style = box_style(tone, palette)
    if style:
        text = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", style)
        background = re.search(r"background:\s*(#[0-9a-fA-F]{6})", style)
        assert text and background
        assert contrast_ratio(text.group(1), background.group(1)) >= 4.5


@pytest.mark.parametrize(
    ("typed", "tone_word"),
    [("1111", "refused"), ("Hk47vQ2w", "accepted")],
)
def test_feedback_under_the_new_pin_is_readable(
    qtbot: QtBot, palette: QPalette, card: Card, typed: str, tone_word: str
) -> None:
    dialog = open_change(qtbot, card)
    edit = dialog.findChild(QLineEdit, "new_pin")
    assert edit is not None
    qtbot.keyClicks(edit, typed)
    feedback = dialog.findChild(QLabel, "feedback_new_pin")
    assert feedback is not None and feedback.isVisible(), tone_word
    window = feedback.palette().color(QPalette.ColorRole.Window).name()
    assert contrast_ratio(colour_of(feedback), window) >= 4.5, (colour_of(feedback), window)


CLIPBOARD_KEYS = [
    (Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_Insert, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_X, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier),
]


def test_offscreen_clipboard_is_real(qtbot: QtBot) -> None:
    """The witness: a plain field with its text shown does copy on Ctrl+C here, so the test below can fail."""
    plain = QLineEdit()
    qtbot.addWidget(plain)
    plain.setText("31415926")
    plain.selectAll()
    QGuiApplication.clipboard().setText("sentinel")
    qtbot.keyClick(plain, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "31415926"


def test_shown_pin_never_reaches_the_clipboard(qtbot: QtBot, card: Card) -> None:
    dialog = open_change(qtbot, card, show_input=True)
    for name in ("current_pin", "new_pin", "confirm"):
        edit = dialog.findChild(QLineEdit, name)
        assert isinstance(edit, SecretLineEdit), name
        assert edit.echoMode() == QLineEdit.EchoMode.Normal  # shown: the FAQ's checkbox is ticked
        assert not edit.dragEnabled()
        assert edit.contextMenuPolicy() == Qt.ContextMenuPolicy.NoContextMenu
        qtbot.keyClicks(edit, "31415926")
        for key, modifier in CLIPBOARD_KEYS:
            QGuiApplication.clipboard().setText("sentinel")
            edit.selectAll()
            qtbot.keyClick(edit, key, modifier)
            assert QGuiApplication.clipboard().text() == "sentinel", (name, key)
            assert edit.text() == "31415926", (name, key)  # cut did not take it either


@pytest.mark.parametrize("show_input", [False, True])
def test_pin_fields_keep_the_input_method_out_in_every_mode(qtbot: QtBot, card: Card, show_input: bool) -> None:
    """Issue 27: Qt's setEchoMode(Normal) drops the sensitive-data hints and turns the input method on again: with
    「入力内容を表示する」 ticked an IME would see (and could learn) the PIN."""
    wanted = (
        Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText | Qt.InputMethodHint.ImhHiddenText
    )
    dialog = open_change(qtbot, card, show_input=show_input)
    box = dialog.findChild(QCheckBox, "show_input")
    assert box is not None
    for ticked in (box.isChecked(), not box.isChecked(), box.isChecked()):
        box.setChecked(ticked)  # each way, and back
        for name in ("current_pin", "new_pin", "confirm"):
            edit = dialog.findChild(QLineEdit, name)
            assert isinstance(edit, QLineEdit), name
            assert edit.inputMethodHints() & wanted == wanted, (name, ticked)
            assert not edit.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled), (name, ticked)
