"""The dialogs' text colours, chosen by the palette's lightness so that they stay readable in dark mode.

Windows 10/11 and macOS give Qt a dark palette when the user picks dark mode: fixed dark text colours (``#555555``)
then sit on a near-black window. Each tone has a light-mode and a dark-mode colour set, both with a contrast ratio
of at least 4.5:1 (WCAG AA) against their background; the plain (de-emphasised) text is blended from the palette's
own text and window colours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hostapp_stub.api import contrast_ratio

if TYPE_CHECKING:
    from PySide6.QtGui import QPalette

__all__ = ["box_style", "contrast_ratio", "is_dark", "text_colour"]

#: (text, background, border) per tone, for light and dark windows
_BOX = {
    False: {
        "ok": ("#1b5e20", "#e8f5e9", "#81c784"),
        "warn": ("#6d3a00", "#fff4e5", "#ffb74d"),
        "error": ("#b3261e", "#fdecea", "#e57373"),
    },
    True: {
        "ok": ("#c8e6c9", "#1b3320", "#4caf50"),
        "warn": ("#ffe0b2", "#3d2a12", "#ffb74d"),
        "error": ("#ffcdd2", "#3f1a1a", "#e57373"),
    },
}
#: text colours of the tones shown without a box (the plain one is blended from the palette)
_TEXT = {
    False: {"ok": "#1b5e20", "warn": "#8a4b00", "error": "#b3261e"},
    True: {"ok": "#81c784", "warn": "#ffb74d", "error": "#ff8a80"},
}


def is_dark(palette: QPalette) -> bool:
    """The palette's window is dark (its lightness below the middle)."""
    from PySide6.QtGui import QPalette

    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _blend(a: str, b: str, weight: float) -> str:
    ra, ga, ba = _rgb(a)
    rb, gb, bb = _rgb(b)
    mix = (round(x * weight + y * (1 - weight)) for x, y in zip((ra, ga, ba), (rb, gb, bb), strict=True))
    return "#{:02x}{:02x}{:02x}".format(*mix)


def text_colour(tone: str, palette: QPalette) -> str:
    """The colour of a line of ``tone`` (``plain``, ``ok``, ``warn``, ``error``) on the palette's window."""
    from PySide6.QtGui import QPalette

    if tone == "plain":
        text = palette.color(QPalette.ColorRole.WindowText).name()
        window = palette.color(QPalette.ColorRole.Window).name()
        return _blend(text, window, 0.75)
    return _TEXT[is_dark(palette)][tone]


def box_style(tone: str, palette: QPalette) -> str:
    """The style sheet of a boxed message of ``tone`` (empty for ``plain``: the palette's own colours)."""
    if tone == "plain":
        return ""
    text, background, border = _BOX[is_dark(palette)][tone]
    return f"QLabel {{ color: {text}; background: {background}; border: 1px solid {border}; padding: 6px; }}"
