"""The window's "support information": doctor's report shown and copied to the clipboard, offscreen."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any QApplication exists: no display needed

from pathlib import Path

import pluggy
import pytest
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot

from hostapp_stub.api import PROJECT, Check
from hostapp_stub.doctor import run_checks
from hostapp_stub.gui.window import MainWindow
from hostapp_stub.manifest import check_manifest, load_manifest
from hostapp_stub.plugins import load_plugins, menu, status_panels
from tests.support.cards import Card, make_card


def make_window(qtbot: QtBot, card: Card, lang: str) -> MainWindow:
    manifest = load_manifest(str(card.manifest), lang)
    pm = load_plugins(pluggy.PluginManager(PROJECT))

    def support(in_lang: str) -> list[Check]:
        return run_checks(pm, manifest, check_manifest(pm, manifest, in_lang), in_lang, surface="window")

    window = MainWindow(
        pm, menu(pm).entries, status_panels(pm)[0], manifest.data, manifest.path, lang, poll_ms=0, support=support
    )
    qtbot.addWidget(window)
    window.show()
    return window


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_support_information_shows_and_copies_the_report(qtbot: QtBot, tmp_path: Path, lang: str) -> None:
    card = make_card(tmp_path, "sim")
    window = make_window(qtbot, card, lang)
    button = window.findChild(QPushButton, "support")
    assert isinstance(button, QPushButton) and button.isVisible()
    assert button.text() == {"ja": "サポート情報", "en": "Support information"}[lang]
    QApplication.clipboard().setText("")
    button.click()
    dialog = window.support_dialog
    assert dialog is not None and dialog.isVisible()
    report = dialog.findChild(QPlainTextEdit, "report")
    assert isinstance(report, QPlainTextEdit)
    shown = report.toPlainText()
    assert shown.startswith("✓ host: ")
    assert "✓ card: " in shown and "✗" not in shown
    assert QApplication.clipboard().text() == shown
    if os.environ.get("AOSIGN_SCREENSHOTS"):
        dialog.grab().save(str(Path(os.environ["AOSIGN_SCREENSHOTS"]) / f"support-{lang}.png"))
    # the same checks as the command line's (its home folder, and so its audit log's path, differ)
    run = card.host("doctor", lang=lang)
    assert run.code == 0

    def marks(text: str) -> list[str]:
        return [line.split(":")[0] for line in text.strip().splitlines()]

    assert marks(run.out) == marks(shown)
    window.close()


def test_support_information_names_a_failure_with_its_fix(qtbot: QtBot, tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    card.state.rename(tmp_path / "elsewhere.json")  # the simulated card is gone
    window = make_window(qtbot, card, "en")
    dialog = window.show_support()
    assert dialog is not None
    assert "✗ sim.card: " in dialog.report
    assert "Fix: To issue the simulated card: aosign-sim issue --state" in dialog.report
    assert QApplication.clipboard().text() == dialog.report
    window.close()
