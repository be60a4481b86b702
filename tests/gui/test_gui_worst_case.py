"""Issue 33 in the window's dialogs: a code count the card does not tell needs the explicit yes (the checkbox) before
anything is sent; an unknown count is said before typing; a one-character current PIN is warned about as typed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit
from pytestqt.qtbot import QtBot

from aosign_plugin import catalogs
from aosign_plugin.frontends.gui import ChangePinDialog, UnlockDialog
from tests.gui.test_gui import NEW_PIN, all_texts, child, click, fill, ok_enabled, open_dialog, text_of, tick
from tests.support.cards import SHEET_CODE, SHEET_PIN, Card, make_card
from tests.support.realparts import stop_process


@pytest.fixture(params=["9000", "6985", "6A88", "6982"])
def silent_card(request: pytest.FixtureRequest, tmp_path: Path) -> Card:
    card = make_card(tmp_path, "sim", issue_options=("--code-status-answer", str(request.param)))
    data = json.loads(card.state.read_text())
    data["unblock"]["tries_left"] = 1  # one code try left, which the card does not say
    card.state.write_text(json.dumps(data))
    return card


def _code_tries_sent(card: Card) -> int:
    return sum(1 for e in card.try_commands() if e["ins"] == 0x2C)


def test_an_unknown_code_count_needs_the_checkbox(qtbot: QtBot, silent_card: Card) -> None:
    dialog = open_dialog(qtbot, UnlockDialog, silent_card, lang="en")
    reason = catalogs.text("status.unknown.card_does_not_tell", "en")
    assert reason in all_texts(dialog)  # the code's count shown as unknown, with why (never a number)
    assert catalogs.text("notice.unblock_count_unknown", "en", reason=reason) in text_of(dialog, "advice")
    assert catalogs.text("unlock.unknown_try", "en") in text_of(dialog, "final_warning")
    final_ok = child(dialog, QCheckBox, "final_try_ok")
    assert not final_ok.isHidden() and not final_ok.isChecked()
    fill(qtbot, dialog, SHEET_CODE, NEW_PIN, NEW_PIN)
    assert not ok_enabled(dialog)
    qtbot.keyClick(child(dialog, QLineEdit, "confirm"), Qt.Key.Key_Return)  # Enter does not send it either
    assert _code_tries_sent(silent_card) == 0 and silent_card.counters() == (10, 1)
    tick(qtbot, final_ok)
    click(qtbot, dialog, "ok")
    assert dialog.entry_result().exit_code == 0 and silent_card.counters() == (10, 10)
    assert _code_tries_sent(silent_card) == 1


def test_a_repeated_current_pin_is_warned_as_typed(qtbot: QtBot, tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    try:
        dialog = open_dialog(qtbot, ChangePinDialog, card)
        fill(qtbot, dialog, "1111", NEW_PIN, NEW_PIN)
        assert catalogs.text("gui.answer.repeated", "ja") in text_of(dialog, "feedback_current_pin")
        assert ok_enabled(dialog)  # the card's rules let it through: the click is the yes
        fill(qtbot, dialog, SHEET_PIN, NEW_PIN, NEW_PIN)
        assert catalogs.text("gui.answer.repeated", "ja") not in text_of(dialog, "feedback_current_pin")
        dialog.reject()
    finally:
        stop_process(card.server)
