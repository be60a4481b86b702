"""The window's font (issue 28): a Japanese UI family per OS, its digits of the same design as its kana and kanji
(「残り1095日」 was drawn with digits from another, narrower font)."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before any QApplication exists: no display needed

from PySide6.QtGui import QFont, QFontDatabase, QTextLayout
from pytestqt.qtbot import QtBot

from hostapp_stub.gui.fonts import UI_FAMILIES, ui_font


def _families_drawing(text: str, font: QFont) -> set[str]:
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return {run.rawFont().familyName() for run in layout.glyphRuns()}


def test_each_os_has_its_japanese_families() -> None:
    assert UI_FAMILIES["win32"][:2] == ("Yu Gothic UI", "Meiryo UI")
    assert UI_FAMILIES["darwin"][0].startswith("Hiragino")
    assert "Noto Sans CJK JP" in UI_FAMILIES["linux"] and "IPAPGothic" in UI_FAMILIES["linux"]


def test_digits_and_kanji_in_one_family(qtbot: QtBot) -> None:
    installed = [f for f in UI_FAMILIES["linux"] if f in QFontDatabase.families()]
    assert installed, "no Japanese UI font: install fonts-ipafont-gothic (scripts/bootstrap --gui)"
    font = ui_font(QFont(), "linux")
    assert font.families()[0] == installed[0] and font.pointSizeF() == QFont().pointSizeF()
    assert _families_drawing("有効期限: 2029年12月3日まで(残り1095日)", font) == {installed[0]}


def test_no_family_installed_keeps_the_base_font(qtbot: QtBot) -> None:
    base = QFont("DejaVu Sans", 11)
    font = ui_font(base, "win32")  # no Windows font on this machine
    assert font.family() == base.family() and font.pointSize() == 11
