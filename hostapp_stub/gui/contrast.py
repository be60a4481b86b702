"""The host window's colours, chosen by the palette's lightness: every text at least 4.5:1 (WCAG AA) against what
it is drawn on, in a light and in a dark palette.

Windows 10/11 and macOS hand Qt a dark palette in dark mode; a fixed dark grey (the status note's ``#555555``) then
sits on a near-black window at 2.2:1. The boxed tones have a colour set per lightness; the de-emphasised note is
blended from the palette's own text and window colours, never below 4.5:1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..api import Tone

if TYPE_CHECKING:
    from PySide6.QtGui import QPalette

__all__ = ["MIN_CONTRAST", "contrast_ratio", "note_style", "status_style"]

#: WCAG 2 AA for normal text
MIN_CONTRAST = 4.5

#: (text, background, border) of the boxed tones, for a light and a dark window
_BOX = {
    False: {Tone.WARN: ("#6d3a00", "#fff4e5", "#ffb74d"), Tone.ERROR: ("#b3261e", "#fdecea", "#e57373")},
    True: {Tone.WARN: ("#ffe0b2", "#3d2a12", "#ffb74d"), Tone.ERROR: ("#ffcdd2", "#3f1a1a", "#e57373")},
}


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _blend(a: str, b: str, weight: float) -> str:
    mix = (round(x * weight + y * (1 - weight)) for x, y in zip(_rgb(a), _rgb(b), strict=True))
    return "#{:02x}{:02x}{:02x}".format(*mix)


def _window(palette: QPalette) -> tuple[str, str]:
    from PySide6.QtGui import QPalette

    return (
        palette.color(QPalette.ColorRole.WindowText).name(),
        palette.color(QPalette.ColorRole.Window).name(),
    )


def note_colour(palette: QPalette) -> str:
    """A de-emphasised text colour on the palette's window: the text colour blended toward the window, no further
    than 4.5:1 allows (the text colour itself when even that is too little)."""
    text, window = _window(palette)
    for weight in (0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        colour = _blend(text, window, weight)
        if contrast_ratio(colour, window) >= MIN_CONTRAST:
            return colour
    return text


def note_style(palette: QPalette) -> str:
    return f"QLabel {{ color: {note_colour(palette)}; }}"


def status_style(tone: Tone, palette: QPalette) -> str:
    """A status panel's style sheet: the palette's own colours when plain, else a box of the tone's colours for the
    palette's lightness."""
    if tone not in (Tone.WARN, Tone.ERROR):
        return "QLabel { padding: 4px; }"
    from PySide6.QtGui import QPalette

    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    text, background, border = _BOX[dark][tone]
    return f"QLabel {{ color: {text}; background: {background}; border: 1px solid {border}; padding: 4px; }}"
