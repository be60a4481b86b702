"""The window as office staff read it (issue 28), offscreen: Japanese throughout in ``ja``, the state at a glance,
and what a screen reader and a keyboard user get (accessible names and roles, tab order, announcements, contrast)."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any QApplication exists: no display needed

import re
from collections.abc import Iterator
from pathlib import Path

import pluggy
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface, QColor, QPalette
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QGroupBox, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from aosign_plugin.frontends.gui import ChangePinDialog, PinDialog, UnlockDialog
from aosign_plugin.frontends.gui.tone_colours import contrast_ratio
from hostapp_stub.api import PROJECT, Request, Tone
from hostapp_stub.gui import panel_widget
from hostapp_stub.gui.marks import MARK_COLOURS
from hostapp_stub.gui.panel_widget import TONE_BOX, TONE_TEXT
from hostapp_stub.gui.window import MainWindow
from hostapp_stub.manifest import load_manifest
from hostapp_stub.plugins import load_plugins, menu, status_panels
from tests.support.cards import Card, edit_state, make_card

HOLDER = "山田 花子"
#: ASCII words a Japanese window may say: proper nouns and the FAQ's own (PIN, OK, ICカード)
ALLOWED = {"AOSign", "AOSignIC", "IC", "PIN", "OK", "PC/SC", "PKCS#11"}


@pytest.fixture
def card(tmp_path: Path) -> Card:
    return make_card(tmp_path, "sim", issue_options=("--holder", HOLDER))


def _request(card: Card, lang: str) -> Request:
    manifest = load_manifest(str(card.manifest), lang)
    return Request(lang=lang, manifest=manifest.data, manifest_path=manifest.path)


def _window(qtbot: QtBot, card: Card, lang: str) -> MainWindow:
    manifest = load_manifest(str(card.manifest), lang)
    pm = load_plugins(pluggy.PluginManager(PROJECT))
    window = MainWindow(pm, menu(pm).entries, status_panels(pm)[0], manifest.data, manifest.path, lang, poll_ms=0)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _dialog(qtbot: QtBot, cls: type[PinDialog], card: Card, lang: str) -> PinDialog:
    dialog = cls(_request(card, lang))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _type(dialog: PinDialog, *answers: str) -> None:
    for field, answer in zip(dialog.fields, answers, strict=True):
        edit = dialog.findChild(QLineEdit, field.value)
        assert edit is not None
        edit.setText(answer)


def _shown_texts(top: QWidget) -> list[str]:
    """Every text the window shows or gives a screen reader: titles, labels, buttons, names and descriptions."""
    texts = [top.windowTitle()]
    for widget in [top, *top.findChildren(QWidget)]:
        if not widget.isVisibleTo(top) and widget is not top:
            continue
        texts += [widget.accessibleName(), widget.accessibleDescription(), widget.toolTip()]
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QGroupBox):
            texts.append(widget.title())
        if isinstance(widget, QComboBox):
            texts.append(widget.currentText())
    return [t for t in texts if t]


def _card_data(dialog_or_status: object) -> list[str]:
    """What the card itself says (its certificate's issuer, serial numbers): data, not the window's words."""
    from aosign_plugin.config.settings import parse_settings
    from aosign_plugin.service.pin_service import open_service

    assert isinstance(dialog_or_status, Card)
    settings, _ = parse_settings(load_manifest(str(dialog_or_status.manifest), "ja").data)
    status = open_service(settings).status()
    data = [c.info.issuer for c in status.certificates] + [c.info.serial for c in status.certificates]
    return [d for d in data if d]


def _english_words(texts: list[str], data: list[str]) -> set[str]:
    words: set[str] = set()
    for text in texts:
        for item in data:
            text = text.replace(item, " ")
        words.update(re.findall(r"[A-Za-z][A-Za-z0-9#/]*", text))
    return words - ALLOWED


def _scenes(qtbot: QtBot, card: Card, lang: str) -> Iterator[QWidget]:
    yield _window(qtbot, card, lang)
    change = _dialog(qtbot, ChangePinDialog, card, lang)
    _type(change, "31415926", "19850412", "19850413")  # refused, mismatched: every feedback line
    yield change
    wrong = _dialog(qtbot, ChangePinDialog, card, lang)
    _type(wrong, "WRONG1x9z", "Hk47vQ2w", "Hk47vQ2w")
    wrong.submit()  # a wrong PIN: the message and the advice
    yield wrong
    edit_state(card, pin_tries_left=0, unblock_tries_left=1)
    yield _window(qtbot, card, lang)  # locked, one unlock try left
    yield _dialog(qtbot, ChangePinDialog, card, lang)  # the locked card's change dialog
    yield _dialog(qtbot, UnlockDialog, card, lang)  # the last try of the code: the warning and the consent
    edit_state(card, pin_tries_left=0, unblock_tries_left=0)
    yield _window(qtbot, card, lang)
    yield _dialog(qtbot, UnlockDialog, card, lang)  # dead


def test_a_japanese_window_says_no_english(qtbot: QtBot, card: Card) -> None:
    data = _card_data(card)
    for scene in _scenes(qtbot, card, "ja"):
        words = _english_words(_shown_texts(scene), data)
        assert words == set(), f"{type(scene).__name__}: {sorted(words)} in {_shown_texts(scene)}"
        scene.close()


def test_an_english_window_says_dates_in_english(qtbot: QtBot, card: Card) -> None:
    window = _window(qtbot, card, "en")
    text = window.status_text()
    assert re.search(r"valid from \d{1,2} [A-Z][a-z]{2} \d{4} to \d{1,2} [A-Z][a-z]{2} \d{4}", text), text
    assert not re.search(r"\d{4}-\d\d-\d\dT", text)
    ja = _window(qtbot, card, "ja").status_text()
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日から\d{4}年\d{1,2}月\d{1,2}日まで\(残り\d+日\)", ja), ja


def test_the_state_at_a_glance(qtbot: QtBot, card: Card) -> None:
    """Mark, colour and words for ready, warning, locked and unusable; never the colour alone."""
    seen: dict[str, tuple[Tone, str, str]] = {}
    for name, pin, code in (("ready", 10, 10), ("warning", 7, 10), ("locked", 0, 10), ("dead", 0, 0)):
        edit_state(card, pin_tries_left=pin, unblock_tries_left=code)
        window = _window(qtbot, card, "ja")
        panel = window.findChild(QGroupBox, "panel:card")
        assert panel is not None
        view = panel.view  # type: ignore[attr-defined]
        mark = panel.findChild(QLabel, "mark")
        assert mark is not None and not mark.isHidden() and not mark.pixmap().isNull()
        headline = panel.findChild(QLabel, "headline")
        assert headline is not None and headline.text() and not headline.isHidden()
        figure = panel.findChild(QLabel, "figure0")
        assert figure is not None and figure.font().pointSizeF() >= 1.8 * headline.font().pointSizeF() / 1.4
        assert f"{pin} / 10 回" == figure.text()
        seen[name] = (view.tone, headline.text(), mark.pixmap().toImage().pixelColor(16, 29).name())  # the fill
        if name != "ready":  # the advice right under the counts
            advice = panel.findChild(QLabel, "advice")
            assert advice is not None and not advice.isHidden() and advice.y() > figure.y()
        window.close()
    assert [t for t, _, _ in seen.values()] == [Tone.OK, Tone.WARN, Tone.ERROR, Tone.FATAL]
    assert len({h for _, h, _ in seen.values()}) == 4  # four different words
    assert len({c for _, _, c in seen.values()}) == 4  # four different marks


def _tree(iface: QAccessibleInterface, depth: int = 0) -> Iterator[QAccessibleInterface]:
    yield iface
    if depth > 30:
        return
    for i in range(iface.childCount()):
        child = iface.child(i)
        if child is not None and child.isValid():
            yield from _tree(child, depth + 1)


ROLES = {
    QAccessible.Role.PushButton,
    QAccessible.Role.CheckBox,
    QAccessible.Role.EditableText,
    QAccessible.Role.ComboBox,
    QAccessible.Role.Grouping,
}


def _unnamed(top: QWidget) -> list[str]:
    root = QAccessible.queryAccessibleInterface(top)
    assert root is not None and root.isValid()
    missing = []
    for iface in _tree(root):
        if iface.role() in ROLES and not iface.state().invisible:
            name = iface.text(QAccessible.Text.Name)
            if not name.strip():
                missing.append(f"{iface.role()} {iface.object().objectName()}")
    return missing


def test_the_accessible_tree_names_every_control(qtbot: QtBot, card: Card) -> None:
    for scene in _scenes(qtbot, card, "ja"):
        assert _unnamed(scene) == [], type(scene).__name__
        root = QAccessible.queryAccessibleInterface(scene)
        assert root is not None
        roles = {iface.role() for iface in _tree(root)}
        assert QAccessible.Role.PushButton in roles
        if isinstance(scene, PinDialog) and not scene.findChild(QWidget, "form").isHidden():  # type: ignore[union-attr]
            edits = [i for i in _tree(root) if i.role() is QAccessible.Role.EditableText]
            assert [i.text(QAccessible.Text.Name) for i in edits] == [
                scene.findChild(QLabel, f"feedback_{f.value}").accessibleDescription()  # type: ignore[union-attr]
                for f in scene.fields
            ]
            assert all(i.text(QAccessible.Text.Description) for i in edits)
        status = scene.findChild(QGroupBox, "status_box") or scene.findChild(QGroupBox, "panel:card")
        assert status is not None and status.accessibleName() and status.accessibleDescription()
        scene.close()


def _tab_walk(qtbot: QtBot, top: QWidget, count: int) -> list[str]:
    top.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is top, timeout=2000)
    names = []
    for _ in range(count):
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        names.append(now.objectName() if now is not None else "")
    return names


def test_tab_order_follows_the_layout(qtbot: QtBot, card: Card) -> None:
    change = _dialog(qtbot, ChangePinDialog, card, "ja")
    change.activateWindow()
    first = change.findChild(QLineEdit, "current_pin")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first, timeout=2000)  # the first field, to type at once
    walk = _tab_walk(qtbot, change, 5)
    assert walk == ["new_pin", "confirm", "show_input", "cancel", "status_box"]  # [OK] is off until all is right
    change.close()
    window = _window(qtbot, card, "ja")
    window.findChild(QComboBox, "language").setFocus()  # type: ignore[union-attr]
    walk = _tab_walk(qtbot, window, 6)  # no [support information] here: the window was given no checks
    assert walk == ["entry:status", "entry:change-pin", "entry:unlock", "panel:card", "refresh", "quit"], walk


def test_tries_left_are_announced_when_they_change(qtbot: QtBot, card: Card, monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []
    monkeypatch.setattr(panel_widget, "announce", lambda widget, message: said.append(message))
    window = _window(qtbot, card, "ja")
    window.refresh_status()
    assert said == []  # nothing changed: nothing said
    edit_state(card, pin_tries_left=8)
    window.refresh_status()
    assert len(said) == 1 and "8 / 10 回" in said[0] and "PIN(暗証番号)の残り回数" in said[0]
    window.close()
    dialog = _dialog(qtbot, ChangePinDialog, card, "ja")
    _type(dialog, "WRONG1x9z", "Hk47vQ2w", "Hk47vQ2w")
    dialog.submit()
    assert any("7 / 10 回" in s for s in said[1:]), said


def test_announce_reaches_qt_accessibility(qtbot: QtBot, card: Card) -> None:
    window = _window(qtbot, card, "ja")
    panel_widget.announce(window, "PIN(暗証番号)の残り回数: 9 / 10 回")  # no error, whichever Qt


def _dark_palette() -> QPalette:
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#2b2b2b"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#f0f0f0"))
    return palette


@pytest.mark.parametrize("dark", [False, True])
def test_contrast_of_every_tone(dark: bool) -> None:
    window = "#2b2b2b" if dark else "#efefef"  # Fusion's windows (a dark Windows/macOS palette is darker still)
    for tone, (text, background, _border) in TONE_BOX[dark].items():
        assert contrast_ratio(text, background) >= 4.5, (tone, dark)
    for tone, colour in TONE_TEXT[dark].items():
        assert contrast_ratio(colour, window) >= 4.5, (tone, dark)
    for tone, fill in MARK_COLOURS.items():
        assert contrast_ratio("#ffffff", fill) >= 4.5, tone  # the white symbol on its mark


def test_the_panels_style_follows_a_dark_palette(qtbot: QtBot) -> None:
    widget = panel_widget.PanelWidget("p")
    qtbot.addWidget(widget)
    widget.setPalette(_dark_palette())
    assert TONE_BOX[True][Tone.ERROR][1] in panel_widget.tone_style(Tone.ERROR, widget)


def test_the_focus_is_visible(qtbot: QtBot, card: Card) -> None:
    """Whatever has the keyboard focus has a ring in the highlight colour around it, in the window and the dialogs."""
    dialog = _dialog(qtbot, ChangePinDialog, card, "ja")
    dialog.activateWindow()
    first = dialog.findChild(QLineEdit, "current_pin")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is first, timeout=2000)
    highlight = dialog.palette().color(QPalette.ColorRole.Highlight).name()
    for name in ("current_pin", "show_input", "cancel", "status_box"):
        widget = dialog.findChild(QWidget, name)
        assert widget is not None
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(lambda w=widget: QApplication.focusWidget() is w, timeout=2000)
        image = dialog.grab().toImage()
        top_left = widget.mapTo(dialog, widget.rect().topLeft())
        y = top_left.y() + widget.height() // 2
        assert image.pixelColor(top_left.x() - 2, y).name() == highlight, name  # the ring, left of it
    window = _window(qtbot, card, "ja")
    window.activateWindow()
    button = window.entry_button("change-pin")
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is button, timeout=2000)
    image = window.grab().toImage()
    top_left = button.mapTo(window, button.rect().topLeft())
    assert image.pixelColor(top_left.x() - 2, top_left.y() + button.height() // 2).name() == highlight
