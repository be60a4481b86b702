"""The window shows a plugin's, a card's and a reader's words as plain text (issue 25): a token label with a link
or ``<!--`` no longer hides the card's state, tries and advice, and controls are shown visibly."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from collections.abc import Callable

import pluggy
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from hostapp_stub.api import PROJECT, EntryResult, HostUI, MenuEntry, PanelView, Request, StatusPanel, hookimpl
from hostapp_stub.gui.window import MainWindow

HOSTILE = 'Reader <a href="https://evil.example/">click</a> <b>bold</b> <!-- \x1b[31m\u202eX'
AFTER = "PIN tries left: 10 of 10"


class _Plugin:
    @hookimpl
    def hostapp_register_status_panels(self, register: Callable[[StatusPanel], None]) -> None:
        register(StatusPanel("card", {"ja": "card", "en": "card"}, lambda request: PanelView((HOSTILE, AFTER))))

    @hookimpl
    def hostapp_register_menu_entries(self, register: Callable[[MenuEntry], None]) -> None:
        def run(request: Request, ui: HostUI) -> EntryResult:
            ui.say(HOSTILE)
            ui.say(AFTER)
            return EntryResult(0)

        register(MenuEntry("say", {"ja": "say", "en": "say"}, run))

        def ask(request: Request, ui: HostUI) -> EntryResult:
            answer = ui.ask_secret(HOSTILE)
            return EntryResult(0 if answer == bytearray(b"31415926") else 3)

        register(MenuEntry("ask", {"ja": "ask", "en": "ask"}, ask))


def _window(qtbot: QtBot) -> MainWindow:
    from hostapp_stub import hookspecs
    from hostapp_stub.plugins import menu, status_panels

    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(_Plugin(), name="hostile")
    window = MainWindow(pm, menu(pm).entries, status_panels(pm)[0], {}, None, "en", poll_ms=0)
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_panel_shows_a_card_s_words_as_plain_text(qtbot: QtBot) -> None:
    window = _window(qtbot)
    window.refresh_status()
    label = window.findChild(QLabel, "status")
    assert label is not None and label.textFormat() == Qt.TextFormat.PlainText
    shown = label.text()
    assert "<!--" in shown and AFTER in shown  # the comment hides nothing
    assert "\x1b" not in shown and "\u202e" not in shown and "\\x1b[31m\\u202eX" in shown


def test_what_an_entry_says_is_shown_as_plain_text(qtbot: QtBot) -> None:
    window = _window(qtbot)
    seen: list[tuple[Qt.TextFormat, str]] = []

    def look() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, look)
            return
        seen.append((box.textFormat(), box.text()))
        box.close()

    QTimer.singleShot(0, look)
    window.run_entry(window.entries[0])
    assert seen and seen[0][0] == Qt.TextFormat.PlainText
    assert "<!--" in seen[0][1] and AFTER in seen[0][1] and "\x1b" not in seen[0][1]


def test_a_plugin_s_prompt_is_plain_text(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QInputDialog

    window = _window(qtbot)
    seen: list[tuple[Qt.TextFormat, str]] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(10, answer)
            return
        label = dialog.findChild(QLabel)
        assert label is not None
        seen.append((label.textFormat(), label.text()))
        dialog.setTextValue("31415926")
        dialog.accept()

    QTimer.singleShot(0, answer)
    result = window.run_entry(next(e for e in window.entries if e.id == "ask"))
    assert result is not None and result.exit_code == 0
    assert seen and seen[0][0] == Qt.TextFormat.PlainText and "\\x1b[31m" in seen[0][1]
