"""The host's window and the plugin's PIN dialogs, offscreen, against the simulated card (in process, and one flow
over pcscd): typing into the fields, toggling 「入力内容を表示する」, clicking [OK], reading what the dialog says.
The card's own APDU log is the witness of what was sent."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any QApplication exists: no display needed

import json
import subprocess
import sys
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import TypeVar

import pluggy
import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from aosign_plugin import catalogs
from aosign_plugin.frontends.gui import ChangePinDialog, PinDialog, UnlockDialog
from hostapp_stub.api import PROJECT, Request
from hostapp_stub.gui import main as gui_main
from hostapp_stub.gui.window import MainWindow
from hostapp_stub.manifest import load_manifest
from hostapp_stub.plugins import load_plugins, menu, status_panels
from tests.support.cards import SHEET_CODE, SHEET_PIN, Card, make_card

W = TypeVar("W", bound=QWidget)

NEW_PIN = "Hk47vQ2w"
LOCK_MESSAGE = "PIN(暗証番号)の変更に失敗しました。ICカードはロックされています。"
WRONG_PIN = "PIN(暗証番号)が不正です。"


@pytest.fixture
def sim_card(tmp_path: Path) -> Card:
    return make_card(tmp_path, "sim")


def request_for(card: Card, lang: str = "ja", **flags: bool) -> Request:
    manifest = load_manifest(str(card.manifest), lang)
    options = {name.replace("_", "-"): value for name, value in flags.items()}  # show_input: --show-input
    return Request(lang=lang, manifest=manifest.data, manifest_path=manifest.path, options=options)


def open_dialog(qtbot: QtBot, cls: type[PinDialog], card: Card, lang: str = "ja", **flags: bool) -> PinDialog:
    dialog = cls(request_for(card, lang, **flags))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def child(parent: QWidget, kind: type[W], name: str) -> W:
    widget = parent.findChild(kind, name)
    assert widget is not None, name
    return widget


def text_of(dialog: QWidget, name: str) -> str:
    label = child(dialog, QLabel, name)
    return "" if label.isHidden() else label.text()


def fill(qtbot: QtBot, dialog: PinDialog, *answers: str) -> None:
    """Type each answer into its field, in the dialog's order (first field, new PIN, new PIN again)."""
    for field, answer in zip(dialog.fields, answers, strict=True):
        edit = child(dialog, QLineEdit, field.value)
        edit.clear()
        type_text(qtbot, edit, answer)


def type_text(qtbot: QtBot, edit: QLineEdit, text: str) -> None:
    """Type ASCII on the keyboard; anything else arrives as an input method commits it (全角 from an IME)."""
    for char in text:
        if char.isascii():
            qtbot.keyClicks(edit, char)
        else:
            event = QInputMethodEvent()
            event.setCommitString(char)
            QApplication.sendEvent(edit, event)


def click(qtbot: QtBot, dialog: QWidget, name: str) -> None:
    qtbot.mouseClick(child(dialog, QPushButton, name), Qt.MouseButton.LeftButton)


def tick(qtbot: QtBot, box: QCheckBox) -> None:
    """Click a checkbox on its box (its middle may be empty space)."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def ok_enabled(dialog: PinDialog) -> bool:
    return child(dialog, QPushButton, "ok").isEnabled()


def all_texts(dialog: QWidget) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel))


def assert_wiped(dialog: QWidget) -> None:
    edits = dialog.findChildren(QLineEdit)
    assert edits
    for edit in edits:
        assert edit.text() == ""
        assert not edit.isUndoAvailable() and not edit.isRedoAvailable()


def audit_lines() -> list[dict[str, object]]:
    path = Path(os.environ["XDG_STATE_HOME"]) / "aosign" / "audit.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- the change dialog ---------------------------------------------------------------------------------------------


def test_change_pin_and_back(qtbot: QtBot, card: Card) -> None:
    dialog = open_dialog(qtbot, ChangePinDialog, card)
    # the tries left are shown before anything is typed; nothing can be sent yet
    assert "PIN(暗証番号)の残り回数: 10 / 10 回" in dialog.status_text()
    assert not ok_enabled(dialog)
    assert dialog.focusWidget() is child(dialog, QLineEdit, "current_pin")
    edits = [child(dialog, QLineEdit, f.value) for f in dialog.fields]
    assert all(e.echoMode() is QLineEdit.EchoMode.Password for e in edits)

    fill(qtbot, dialog, SHEET_PIN, NEW_PIN, NEW_PIN)
    assert ok_enabled(dialog)
    assert "このPIN(暗証番号)は使用できます。" in text_of(dialog, "feedback_new_pin")
    assert "新しいPIN(暗証番号)と一致しています。" in text_of(dialog, "feedback_confirm")
    show = child(dialog, QCheckBox, "show_input")
    assert show.text() == "入力内容を表示する"
    tick(qtbot, show)
    assert all(e.echoMode() is QLineEdit.EchoMode.Normal for e in edits)
    tick(qtbot, show)
    assert all(e.echoMode() is QLineEdit.EchoMode.Password for e in edits)

    click(qtbot, dialog, "ok")
    assert "以上で、PIN(暗証番号)の変更は完了です。" in dialog.message_text()
    assert all(e.text() == "" for e in edits)  # handed over and gone from the widgets
    assert child(dialog, QPushButton, "ok").isHidden()
    assert child(dialog, QPushButton, "cancel").text() == "閉じる"
    assert card.counters() == (10, 10)
    assert len(card.try_commands()) == 1
    click(qtbot, dialog, "cancel")
    assert_wiped(dialog)
    assert dialog.entry_result().exit_code == 0

    # back again, in English, with the keyboard only: Enter is [OK]
    dialog = open_dialog(qtbot, ChangePinDialog, card, lang="en")
    assert "PIN tries left: 10 of 10" in dialog.status_text()
    fill(qtbot, dialog, NEW_PIN, SHEET_PIN, SHEET_PIN)
    qtbot.keyClick(child(dialog, QLineEdit, "confirm"), Qt.Key.Key_Return)
    assert "The PIN has been changed." in dialog.message_text()
    assert card.counters() == (10, 10)
    assert len(card.try_commands()) == 2
    audit = audit_lines()
    assert [(a["operation"], a["result"], a["backend"]) for a in audit] == [("change-pin", "ok", card.backend)] * 2
    assert SHEET_PIN not in json.dumps(audit) and NEW_PIN not in json.dumps(audit)


def test_wrong_pin_one_try_per_click(qtbot: QtBot, sim_card: Card) -> None:
    dialog = open_dialog(qtbot, ChangePinDialog, sim_card)
    fill(qtbot, dialog, "27182818", NEW_PIN, NEW_PIN)
    ok = child(dialog, QPushButton, "ok")
    ok.click()
    ok.click()  # a second click finds the fields empty and [OK] disabled: nothing more is sent
    said = dialog.message_text()
    assert WRONG_PIN in said and "残り9回入力できます。" in said
    assert "[入力内容を表示する]にチェックを入れて、PIN(暗証番号)に誤りがないかご確認ください。" in said
    assert "9 / 10 回" in dialog.status_text()
    assert not ok_enabled(dialog)
    assert len(sim_card.try_commands()) == 1
    assert dialog.entry_result().exit_code == 3

    fill(qtbot, dialog, "27182819", NEW_PIN, NEW_PIN)
    click(qtbot, dialog, "ok")
    assert len(sim_card.try_commands()) == 2
    # two wrong: the issuer's advice to reset, said for the window (a button, not a command line), and said once
    said = dialog.message_text()
    assert "リセットをおすすめします" in said and "[ICカードのロック解除(PIN(暗証番号)のリセット)]" in said
    assert child(dialog, QLabel, "advice").isHidden()
    fresh = open_dialog(qtbot, ChangePinDialog, sim_card)  # before anything is typed, the advice is there too
    assert "リセットをおすすめします" in text_of(fresh, "advice") and "8 / 10 回" in fresh.status_text()
    fresh.reject()
    assert not child(dialog, QPushButton, "to_unlock").isHidden()
    assert "aosign-host" not in all_texts(dialog)
    # a correct PIN resets the count
    fill(qtbot, dialog, SHEET_PIN, NEW_PIN, NEW_PIN)
    click(qtbot, dialog, "ok")
    assert sim_card.counters() == (10, 10)


def test_lock_then_unlock_with_the_sheet(qtbot: QtBot, sim_card: Card) -> None:
    dialog = open_dialog(qtbot, ChangePinDialog, sim_card)
    for i in range(9):
        fill(qtbot, dialog, f"9{i}7{i}5{i}3x", NEW_PIN, NEW_PIN)
        click(qtbot, dialog, "ok")
        assert f"残り{9 - i}回" in dialog.message_text()
        assert len(sim_card.try_commands()) == i + 1
    # before the last try the user is told it is the last, and what a wrong PIN does: after the ninth wrong PIN,
    # and in a dialog opened then, before anything is typed
    assert "次が最後の1回です" in dialog.message_text() and "ロックされます" in dialog.message_text()
    fresh = open_dialog(qtbot, ChangePinDialog, sim_card)
    assert "次が最後の1回です" in text_of(fresh, "advice") and "ロックされます" in text_of(fresh, "advice")
    fresh.reject()
    fill(qtbot, dialog, "LastTry99", NEW_PIN, NEW_PIN)
    click(qtbot, dialog, "ok")
    said = dialog.message_text()
    assert (
        WRONG_PIN in said
        and LOCK_MESSAGE in said
        and "[ICカードのロック解除(PIN(暗証番号)のリセット)]をクリック" in said
    )
    assert sim_card.counters() == (0, 10)
    assert not child(dialog, QWidget, "form").isEnabled()
    assert "ロックしています" in dialog.status_text()
    assert dialog.entry_result().exit_code == 4
    click(qtbot, dialog, "to_unlock")
    assert dialog.next_entry == "unlock" and not dialog.isVisible()
    assert_wiped(dialog)

    # locked: the change dialog says so at once and asks nothing
    again = open_dialog(qtbot, ChangePinDialog, sim_card)
    assert LOCK_MESSAGE in again.message_text()
    assert not child(again, QWidget, "form").isEnabled() and not ok_enabled(again)
    again.reject()

    unlock = open_dialog(qtbot, UnlockDialog, sim_card)
    assert catalogs.text("unlock.intro", "ja") == text_of(unlock, "intro")
    assert not child(unlock, QPushButton, "lost_sheet").isHidden()
    assert "ロック解除の残り回数: 10 / 10 回" in unlock.status_text()
    fill(qtbot, unlock, SHEET_CODE, NEW_PIN, NEW_PIN)
    click(qtbot, unlock, "ok")
    assert "PIN(暗証番号)をリセットしました。" in unlock.message_text()
    assert sim_card.counters() == (10, 10)
    assert len(sim_card.try_commands()) == 11
    assert unlock.entry_result().exit_code == 0


# --- the policy, live -----------------------------------------------------------------------------------------


REFUSALS = [
    # (first field, new PIN, again, the field that says why, what it says)
    (SHEET_PIN, "", "", "feedback_new_pin", "半角英数字4桁以上、16桁以内"),
    (SHEET_PIN, "a1b", "a1b", "feedback_new_pin", "桁数が足りません"),
    (SHEET_PIN, "a1b2c3d4e5f6g7h8i", "a1b2c3d4e5f6g7h8i", "feedback_new_pin", "桁数が多すぎます"),
    (SHEET_PIN, "１２３４５Ab", "１２３４５Ab", "feedback_new_pin", "全角文字"),
    (SHEET_PIN, "ab 12cd", "ab 12cd", "feedback_new_pin", "空白"),
    (SHEET_PIN, "ab-12cd", "ab-12cd", "feedback_new_pin", "記号"),
    (SHEET_PIN, "abcé12", "abcé12", "feedback_new_pin", "半角英数字以外の文字"),
    (SHEET_PIN, "111111", "111111", "feedback_new_pin", "すべて同じ文字列"),
    (SHEET_PIN, "19850412", "19850412", "feedback_new_pin", "日付"),
    (SHEET_PIN, "09012345678", "09012345678", "feedback_new_pin", "電話番号"),
    (SHEET_PIN, "abcd", "abcd", "feedback_new_pin", "連続した数字や文字"),
    (SHEET_PIN, "9876", "9876", "feedback_new_pin", "連続した数字や文字"),
    (SHEET_PIN, SHEET_PIN, SHEET_PIN, "feedback_new_pin", "現在のPIN(暗証番号)と同じです"),
    (SHEET_PIN, NEW_PIN, "Hk47vQ2x", "feedback_confirm", "一致しません"),
    (SHEET_PIN, NEW_PIN, "", "feedback_confirm", ""),
    ("12", NEW_PIN, NEW_PIN, "feedback_current_pin", "桁数が足りません"),
    ("", NEW_PIN, NEW_PIN, "feedback_current_pin", ""),
]


def test_ok_disabled_for_each_refusal_and_nothing_sent(qtbot: QtBot, sim_card: Card) -> None:
    before = sim_card.apdu_log().entries
    dialog = open_dialog(qtbot, ChangePinDialog, sim_card)
    for first, new, again, where, why in REFUSALS:
        fill(qtbot, dialog, first, new, again)
        assert not ok_enabled(dialog), (new, again)
        assert why in text_of(dialog, where), (new, text_of(dialog, where))
        if why:
            assert text_of(dialog, where).startswith("✗") or (where == "feedback_new_pin" and not new)
        qtbot.keyClick(child(dialog, QLineEdit, "confirm"), Qt.Key.Key_Return)  # Enter does nothing either
        dialog.submit()
    # a control character cannot be typed, but it can be pasted
    child(dialog, QLineEdit, "new_pin").setText("ab\t12cd")
    assert "制御文字" in text_of(dialog, "feedback_new_pin") and not ok_enabled(dialog)
    # and the same dialog goes on once the answers are right
    fill(qtbot, dialog, SHEET_PIN, NEW_PIN, NEW_PIN)
    assert ok_enabled(dialog)
    dialog.reject()
    assert sim_card.counters() == (10, 10)
    assert sim_card.try_commands() == []
    log = sim_card.apdu_log()
    assert {e["ins"] for e in log.entries[len(before) :]} <= {0xA4, 0x20, 0xB0}  # reading the state only
    assert audit_lines() == []


def test_guessable_only_warned_when_the_manifest_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim", card_table='[policy]\nguessable = "warn"\n')
    dialog = open_dialog(qtbot, ChangePinDialog, card, lang="en")
    fill(qtbot, dialog, SHEET_PIN, "19850412", "19850412")
    assert ok_enabled(dialog)
    assert text_of(dialog, "feedback_new_pin").startswith("⚠")
    fill(qtbot, dialog, SHEET_PIN, "111111", "111111")  # never only a warning
    assert not ok_enabled(dialog)
    dialog.reject()


# --- the unlock dialog: the code's last tries, the dead card ----------------------------------------------


def spend_codes(qtbot: QtBot, dialog: PinDialog, card: Card, count: int) -> None:
    for i in range(count):
        fill(qtbot, dialog, f"WRONGCODE{i:03d}", NEW_PIN, NEW_PIN)
        click(qtbot, dialog, "ok")
        left = 9 - i
        assert f"あと{left}回" in dialog.message_text()
        if left <= 3 and left > 1:
            assert f"ロック解除の残り回数は{left}回です" in text_of(dialog, "advice")
    assert card.counters()[1] == 10 - count


def test_last_unlock_try_needs_the_checkbox(qtbot: QtBot, sim_card: Card) -> None:
    dialog = open_dialog(qtbot, UnlockDialog, sim_card)
    spend_codes(qtbot, dialog, sim_card, 9)
    final_ok = child(dialog, QCheckBox, "final_try_ok")
    assert not final_ok.isHidden() and not final_ok.isChecked()
    assert "ロック解除の残りは1回です" in text_of(dialog, "final_warning")
    fill(qtbot, dialog, SHEET_CODE, NEW_PIN, NEW_PIN)
    assert not ok_enabled(dialog)
    qtbot.keyClick(child(dialog, QLineEdit, "confirm"), Qt.Key.Key_Return)
    assert len(sim_card.try_commands()) == 9
    tick(qtbot, final_ok)
    assert ok_enabled(dialog)
    tick(qtbot, final_ok)
    assert not ok_enabled(dialog)
    tick(qtbot, final_ok)
    click(qtbot, dialog, "ok")
    assert "PIN(暗証番号)をリセットしました。" in dialog.message_text()
    assert sim_card.counters() == (10, 10)


def test_dead_card_screen(qtbot: QtBot, sim_card: Card) -> None:
    dialog = open_dialog(qtbot, UnlockDialog, sim_card)
    spend_codes(qtbot, dialog, sim_card, 9)
    fill(qtbot, dialog, "WRONGCODE999", NEW_PIN, NEW_PIN)
    tick(qtbot, child(dialog, QCheckBox, "final_try_ok"))
    click(qtbot, dialog, "ok")
    assert sim_card.counters() == (10, 0)
    assert "ロック解除の操作において連続して10回誤入力したため" in dialog.message_text()
    assert dialog.entry_result().exit_code == 5
    assert not child(dialog, QWidget, "dead_card").isHidden() and child(dialog, QWidget, "form").isHidden()
    dialog.reject()
    sent = len(sim_card.try_commands())

    for cls, lang in ((ChangePinDialog, "ja"), (UnlockDialog, "ja"), (UnlockDialog, "en")):
        dead = open_dialog(qtbot, cls, sim_card, lang=lang)
        assert not child(dead, QWidget, "dead_card").isHidden()
        assert child(dead, QWidget, "form").isHidden() and child(dead, QPushButton, "ok").isHidden()
        page = all_texts(child(dead, QWidget, "dead_card"))
        if lang == "ja":
            for words in ("失効手続", "新規申込", "失効申込手続", "新規申込手続", "「PIN(暗証番号)について」を紛失"):
                assert words in page, words
            assert "失効済のAOSignICカードはご利用できません" in page
        else:
            assert "Revocation (失効手続)" in page and "New application (新規申込)" in page and "sheet is lost" in page
        assert dead.entry_result().exit_code == 5
        dead.reject()
    assert len(sim_card.try_commands()) == sent  # nothing asked, nothing sent


def test_tries_spent_elsewhere_after_showing_them(qtbot: QtBot, sim_card: Card) -> None:
    dialog = open_dialog(qtbot, ChangePinDialog, sim_card)
    assert "10 / 10 回" in dialog.status_text()
    assert sim_card.host("change-pin", answers=["27182818", NEW_PIN, NEW_PIN]).code == 3  # another application
    fill(qtbot, dialog, SHEET_PIN, NEW_PIN, NEW_PIN)
    click(qtbot, dialog, "ok")
    assert "表示した後にカードの残り回数が変わりました" in dialog.message_text()
    assert "9 / 10 回" in dialog.status_text()
    assert len(sim_card.try_commands()) == 1  # only the other application's
    assert dialog.entry_result().exit_code == 2


def test_no_card_then_read_again(qtbot: QtBot, sim_card: Card) -> None:
    hidden = sim_card.state.with_name("card-out.json")
    sim_card.state.rename(hidden)
    dialog = open_dialog(qtbot, ChangePinDialog, sim_card)
    assert "模擬カードがまだ発行されていません" in dialog.status_text()
    assert child(dialog, QWidget, "form").isHidden() and child(dialog, QPushButton, "ok").isHidden()
    assert dialog.message_text() == ""  # said once, in the status box
    assert dialog.entry_result().exit_code == 6
    hidden.rename(sim_card.state)
    click(qtbot, dialog, "reload")
    assert "10 / 10 回" in dialog.status_text() and not child(dialog, QWidget, "form").isHidden()
    assert child(dialog, QPushButton, "reload").isHidden()
    dialog.reject()


# --- wiping and the keyboard ----------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["escape", "cancel", "close"])
def test_fields_wiped_on_close(qtbot: QtBot, sim_card: Card, how: str) -> None:
    dialog = open_dialog(qtbot, UnlockDialog, sim_card, show_input=True)
    fill(qtbot, dialog, SHEET_CODE, NEW_PIN, NEW_PIN)
    assert child(dialog, QLineEdit, "new_pin").echoMode() is QLineEdit.EchoMode.Normal  # the flag ticks the box
    if how == "escape":
        qtbot.keyClick(child(dialog, QLineEdit, "new_pin"), Qt.Key.Key_Escape)
    elif how == "cancel":
        click(qtbot, dialog, "cancel")
    else:
        dialog.close()
    assert not dialog.isVisible()
    assert_wiped(dialog)
    assert not any(secret in all_texts(dialog) for secret in (SHEET_CODE, NEW_PIN))
    assert dialog.entry_result().exit_code == 130
    assert sim_card.try_commands() == []


def test_tab_order(qtbot: QtBot, sim_card: Card) -> None:
    dialog = open_dialog(qtbot, ChangePinDialog, sim_card)
    order = ["current_pin", "new_pin", "confirm", "show_input", "final_try_ok", "ok", "cancel", "to_unlock"]
    for name, following in pairwise(order):
        assert dialog.findChild(QWidget, name).nextInFocusChain().objectName() == following  # type: ignore[union-attr]


# --- the host's window --------------------------------------------------------------------------------------------


def make_window(qtbot: QtBot, card: Card, lang: str = "ja", poll_ms: int = 0) -> MainWindow:
    manifest = load_manifest(str(card.manifest), lang)
    pm = load_plugins(pluggy.PluginManager(PROJECT))
    window = MainWindow(pm, menu(pm).entries, status_panels(pm)[0], manifest.data, manifest.path, lang, poll_ms=poll_ms)
    qtbot.addWidget(window)
    window.show()
    return window


def test_window_entries_language_and_card_presence(qtbot: QtBot, sim_card: Card) -> None:
    window = make_window(qtbot, sim_card, poll_ms=50)  # the card's panel has a watch: the timer never reads it
    labels = {e: window.entry_button(e).text() for e in ("status", "change-pin", "unlock")}
    assert labels == {
        "status": "カードの状態を表示",
        "change-pin": "PIN(暗証番号)の変更",
        "unlock": "ICカードのロック解除(PIN(暗証番号)のリセット)",
    }
    assert "PIN(暗証番号)の残り回数: 10 / 10 回" in window.status_text()
    languages = child(window, QWidget, "language")
    from PySide6.QtWidgets import QComboBox

    assert isinstance(languages, QComboBox)
    languages.setCurrentIndex(languages.findData("en"))
    assert window.entry_button("change-pin").text() == "Change the PIN"
    assert "PIN tries left: 10 of 10" in window.status_text()

    # idle: nothing is read (the watch looks at the card's state file, not at the card)
    reads, apdus = window.reads["card"], len(sim_card.apdu_log().entries)
    qtbot.wait(600)
    assert window.reads["card"] == reads and len(sim_card.apdu_log().entries) == apdus
    # the card taken out, then put back: the watch shows both, the first as what is awaited (not an error)
    hidden = sim_card.state.with_name("card-out.json")
    sim_card.state.rename(hidden)
    waiting = catalogs.text("wait.no_sim_card", "en")
    qtbot.waitUntil(lambda: waiting in window.status_text(), timeout=3000)
    panel = window.findChild(QWidget, "panel:card")
    assert panel is not None and panel.findChild(QLabel, "mark").isHidden()  # plain: no mark, not red
    hidden.rename(sim_card.state)
    qtbot.waitUntil(lambda: "PIN tries left: 10 of 10" in window.status_text(), timeout=3000)
    # a try spent elsewhere changes the card's state file: shows too
    sim_card.host("change-pin", answers=["27182818", NEW_PIN, NEW_PIN])
    qtbot.waitUntil(lambda: "PIN tries left: 9 of 10" in window.status_text(), timeout=3000)
    assert len(sim_card.try_commands()) == 1  # watching spent nothing and sent no secret
    # [refresh] reads it now
    reads = window.reads["card"]
    click(qtbot, window, "refresh")
    assert window.reads["card"] == reads + 1
    window.close()


def drive_modal(action: Callable[[QWidget], None], errors: list[BaseException]) -> None:
    """Run ``action`` on the modal dialog as soon as it is open; close it whatever happens."""

    waited = [0]

    def run() -> None:
        modal = QApplication.activeModalWidget()
        if modal is None:
            waited[0] += 1
            if waited[0] < 500:  # 5 s
                QTimer.singleShot(10, run)
            else:
                errors.append(AssertionError("no dialog opened"))
            return
        try:
            action(modal)
        except BaseException as e:  # reported by the test, after the dialog is closed
            errors.append(e)
        finally:
            if modal.isVisible():
                modal.close()

    QTimer.singleShot(0, run)


def test_window_opens_the_plugin_dialog(qtbot: QtBot, sim_card: Card) -> None:
    window = make_window(qtbot, sim_card)
    errors: list[BaseException] = []

    def change(modal: QWidget) -> None:
        assert isinstance(modal, ChangePinDialog)
        fill(qtbot, modal, SHEET_PIN, NEW_PIN, NEW_PIN)
        click(qtbot, modal, "ok")
        assert "以上で、PIN(暗証番号)の変更は完了です。" in modal.message_text()

    drive_modal(change, errors)
    click(qtbot, window, "entry:change-pin")
    assert not errors, errors
    assert window.last_result is not None and window.last_result.exit_code == 0
    assert sim_card.counters() == (10, 10) and len(sim_card.try_commands()) == 1

    # an entry without a dialog of its own runs with the window's generic prompts: its lines in a message box
    shown: list[str] = []

    def status(modal: QWidget) -> None:
        shown.append(all_texts(modal))

    drive_modal(status, errors)
    window.last_result = None
    button = window.entry_button("status")
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Return)  # the keyboard works in the main window too
    assert not errors, errors
    assert len(shown) == 1 and "PIN(暗証番号)の残り回数: 10 / 10 回" in shown[0]
    assert window.last_result is not None and window.last_result.exit_code == 0


def test_window_chains_change_to_unlock(qtbot: QtBot, tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    for i in range(2):
        card.host("change-pin", answers=[f"2718281{i}", NEW_PIN, NEW_PIN])
    window = make_window(qtbot, card)
    errors: list[BaseException] = []

    def to_unlock(modal: QWidget) -> None:
        assert isinstance(modal, ChangePinDialog)
        click(qtbot, modal, "to_unlock")
        drive_modal(unlock, errors)

    def unlock(modal: QWidget) -> None:
        assert isinstance(modal, UnlockDialog)
        fill(qtbot, modal, SHEET_CODE, NEW_PIN, NEW_PIN)
        click(qtbot, modal, "ok")

    drive_modal(to_unlock, errors)
    click(qtbot, window, "entry:change-pin")
    assert not errors, errors
    assert window.last_result is not None and window.last_result.exit_code == 0
    assert card.counters() == (10, 10)


def test_gui_main(qtbot: QtBot, sim_card: Card) -> None:
    def close_all() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(10, close_all)
            return
        assert "Change the PIN" in [b.text() for b in windows[0].findChildren(QPushButton)]
        for w in windows:
            w.close()

    QTimer.singleShot(0, close_all)
    assert gui_main(["--manifest", str(sim_card.manifest), "--lang", "en"]) == 0
    bad = sim_card.manifest.with_name("bad.toml")
    bad.write_text("[nonsense]\nx = 1\n", encoding="utf-8")
    assert gui_main(["--manifest", str(bad)]) == 7


def test_command_line_never_loads_qt(sim_card: Card) -> None:
    code = (
        "import sys\n"
        "import aosign_plugin.frontends.gui.window_wording, aosign_plugin.frontends.gui.answer_prompter\n"
        "from hostapp_stub.cli import main\n"
        "from hostapp_stub.plugins import load_plugins, menu\n"
        "rc = main(['menu'])\n"
        "for entry in menu(load_plugins()).entries:\n"
        "    entry.run  # the entries' functions load no Qt either\n"
        "qt = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
        "assert not qt, qt\n"
        "sys.exit(rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=sim_card.env("en"), capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr.decode()


def test_qt_binding_keeps_none_alive(qtbot: QtBot) -> None:
    """PySide6 6.12.0 on Python 3.11 drops a reference to None on every call of a method returning nothing, until
    the interpreter aborts ("none_dealloc"): such a binding must fail here, loudly, not crash a user's window."""
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(1000):
        label.setText("x")
        label.setVisible(False)
    assert abs(sys.getrefcount(None) - before) < 100, "this PySide6 loses references to None: use another version"
