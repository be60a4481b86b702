"""The main window grows with its texts (issue 12, item 12): a locked card's advice was cut off ("…click [Unlock")
because the window's minimum size was fixed at its first layout."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any QApplication exists: no display needed

import json
from pathlib import Path

import pluggy
import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from hostapp_stub.api import PROJECT
from hostapp_stub.gui.window import MainWindow
from hostapp_stub.manifest import load_manifest
from hostapp_stub.plugins import load_plugins, menu, status_panels
from tests.support.cards import Card, make_card


def _window(qtbot: QtBot, card: Card, lang: str) -> MainWindow:
    manifest = load_manifest(str(card.manifest), lang)
    pm = load_plugins(pluggy.PluginManager(PROJECT))
    window = MainWindow(pm, menu(pm).entries, status_panels(pm)[0], manifest.data, manifest.path, lang, poll_ms=0)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _whole(window: MainWindow, label: QLabel) -> bool:
    """The label is as tall as its text needs at its width, and lies inside the window."""
    bottom = label.mapTo(window, label.rect().bottomLeft()).y()
    return label.height() >= label.heightForWidth(label.width()) and bottom <= window.height()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_locked_card_advice_shows_whole(qtbot: QtBot, tmp_path: Path, lang: str) -> None:
    card = make_card(tmp_path, "sim")
    window = _window(qtbot, card, lang)
    status = window.findChild(QLabel, "status")
    assert isinstance(status, QLabel)
    first = window.height()
    qtbot.waitUntil(lambda: _whole(window, status), timeout=2000)

    data = json.loads(card.state.read_text())
    data["pin"]["tries_left"], data["unblock"]["tries_left"] = 0, 2
    card.state.write_text(json.dumps(data))
    window.refresh_status()
    unlock = {"ja": "[ICカードのロック解除(PIN(暗証番号)のリセット)]", "en": "[Unlock the card (reset the PIN)]"}[lang]
    assert unlock in window.status_text()
    assert {"ja": "ロック解除の残り回数は2回", "en": "2 unlock tries left"}[lang] in window.status_text()
    qtbot.waitUntil(lambda: _whole(window, status), timeout=2000)
    assert window.height() > first  # it grew
    assert window.minimumHeight() <= window.height()
    window.close()


def test_the_window_shrinks_back_after_a_long_message(qtbot: QtBot, tmp_path: Path) -> None:
    """Issue 28: the window grew for a locked card's advice and kept the blank space once the card was ready."""
    card = make_card(tmp_path, "sim")
    window = _window(qtbot, card, "ja")
    window.fit_to_texts()
    ready = window.height()
    data = json.loads(card.state.read_text())
    data["pin"]["tries_left"], data["unblock"]["tries_left"] = 0, 2
    card.state.write_text(json.dumps(data))
    window.refresh_status()
    qtbot.waitUntil(lambda: window.height() > ready, timeout=2000)
    data["pin"]["tries_left"], data["unblock"]["tries_left"] = 10, 10
    card.state.write_text(json.dumps(data))
    window.refresh_status()
    qtbot.waitUntil(lambda: window.height() == ready, timeout=2000)
    window.close()


def test_a_dialog_shrinks_back_and_keeps_its_title_on_top(qtbot: QtBot, tmp_path: Path) -> None:
    """A wrong PIN's message makes the dialog taller; reading the card again drops the message and the height, and
    no blank space ever grows above the title."""
    from PySide6.QtWidgets import QLineEdit, QPushButton

    from aosign_plugin.frontends.gui import ChangePinDialog
    from hostapp_stub.api import Request

    card = make_card(tmp_path, "sim")
    manifest = load_manifest(str(card.manifest), "ja")
    dialog = ChangePinDialog(Request(lang="ja", manifest=manifest.data, manifest_path=manifest.path))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    heading = dialog.findChild(QLabel, "heading")
    assert heading is not None
    top = heading.mapTo(dialog, heading.rect().topLeft()).y()
    first = dialog.height()
    for field, answer in zip(dialog.fields, ("WRONG1x9z", "Hk47vQ2w", "Hk47vQ2w"), strict=True):
        edit = dialog.findChild(QLineEdit, field.value)
        assert edit is not None
        edit.setText(answer)
    dialog.submit()
    assert dialog.message_text() and dialog.height() > first
    assert heading.mapTo(dialog, heading.rect().topLeft()).y() == top
    dialog._reload_clicked()  # what [カードを読み直す] does: the message goes
    assert not dialog.message_text()
    assert dialog.height() == first and heading.mapTo(dialog, heading.rect().topLeft()).y() == top
    dialog.resize(dialog.width(), first + 300)  # more room than it needs: the room goes below, not above the title
    qtbot.wait(50)
    assert heading.mapTo(dialog, heading.rect().topLeft()).y() == top
    assert heading.height() == heading.heightForWidth(heading.width())  # its text is not pushed down either
    assert dialog.findChild(QPushButton, "cancel") is not None
    dialog.reject()
