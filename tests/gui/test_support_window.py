"""The window's "support information": doctor's report shown and copied to the clipboard, offscreen."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any QApplication exists: no display needed

from collections.abc import Callable
from pathlib import Path

import pluggy
import pytest
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot

from hostapp_stub.api import PROJECT, Check, EntryResult, HostUI, MenuEntry, PanelView, Request, StatusPanel, hookimpl
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


class _Broken:
    """A third-party plugin whose panel cannot be read and whose entry raises (issue 24)."""

    @hookimpl
    def hostapp_register_status_panels(self, register: Callable[[StatusPanel], None]) -> None:
        def read(request: Request) -> PanelView:
            raise LookupError("the panel's source is gone")

        register(StatusPanel("broken-panel", {"ja": "壊れた", "en": "Broken"}, read))

    @hookimpl
    def hostapp_register_menu_entries(self, register: Callable[[MenuEntry], None]) -> None:
        def run(request: Request, ui: HostUI) -> EntryResult:
            raise RuntimeError("the entry broke")

        register(MenuEntry("broken", {"ja": "壊れた", "en": "Broken"}, run))


def test_a_failing_plugin_is_named_in_the_window_and_its_support_information(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hostapp_stub.plugins import clear_failures

    clear_failures()
    card = make_card(tmp_path, "sim")
    manifest = load_manifest(str(card.manifest), "en")
    pm = load_plugins(pluggy.PluginManager(PROJECT))
    pm.register(_Broken(), name="broken-plugin")

    def support(in_lang: str) -> list[Check]:
        return run_checks(pm, manifest, check_manifest(pm, manifest, in_lang), in_lang, surface="window")

    window = MainWindow(
        pm, menu(pm).entries, status_panels(pm)[0], manifest.data, manifest.path, "en", poll_ms=0, support=support
    )
    qtbot.addWidget(window)
    window.show()
    try:
        assert "broken-plugin could not read its status: LookupError: the panel's source is gone" in (
            window.status_text("broken-panel")
        )
        assert "Card" not in window.status_text("broken-panel")
        shown: list[str] = []
        # the window's message box (plain text, modal): what it would show
        monkeypatch.setattr(
            "hostapp_stub.gui.window.plain_message",
            lambda parent, icon, title, message, **kw: shown.append(message) or False,
        )
        broken = next(e for e in menu(pm).entries if e.id == "broken")
        assert window.run_entry(broken) is None
        assert "RuntimeError: the entry broke" in shown[0]
        dialog = window.show_support()
        assert dialog is not None
        line = next(x for x in dialog.report.splitlines() if x.startswith("✗ plugin.broken-plugin: "))
        assert "read broken-panel: LookupError: the panel's source is gone" in line
        assert "run broken: RuntimeError: the entry broke" in line
        assert "Fix: Update or remove broken-plugin" in dialog.report
        assert "✓ card: " in dialog.report  # aosign-plugin's checks still ran
    finally:
        window.close()
        pm.unregister(name="broken-plugin")
        clear_failures()
