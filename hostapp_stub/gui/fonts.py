"""The window's font: a Japanese UI font whose Latin letters and digits come from the same family, per OS.

Qt's default font on a Japanese system is often a Latin family with a CJK fallback: digits inside Japanese text
(「残り1095日」) are then drawn from another, narrower font. Naming a Japanese family first gives kana, kanji and digits
one design. The first family of the OS's list that is installed is used; none: Qt's default stays.
"""

from __future__ import annotations

import sys

from PySide6.QtGui import QFont, QFontDatabase

__all__ = ["UI_FAMILIES", "ui_font"]

#: Japanese UI families, best first, per ``sys.platform``
UI_FAMILIES = {
    "win32": ("Yu Gothic UI", "Meiryo UI", "Meiryo", "MS UI Gothic"),
    "darwin": ("Hiragino Sans", "Hiragino Kaku Gothic ProN", "Hiragino Kaku Gothic Pro"),
    "linux": ("Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "IPAPGothic", "IPAGothic", "VL PGothic"),
}


def ui_font(base: QFont, platform: str | None = None) -> QFont:
    """``base`` with its family set to the first installed Japanese UI family of ``platform`` (default: this OS);
    ``base`` itself when none is installed. Its size is kept."""
    families = UI_FAMILIES.get(platform or sys.platform, UI_FAMILIES["linux"])
    installed = set(QFontDatabase.families())
    chosen = [family for family in families if family in installed]
    font = QFont(base)
    if chosen:
        font.setFamilies(chosen)
    return font
