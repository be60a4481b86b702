"""The host's widget for a :class:`~hostapp_stub.api.PanelView`: the state at a glance.

A mark and a headline (shape, colour and words: never colour alone), the figures large enough to read from a
distance, the advice right under them, then the details. The window's status panels use it, and plugins' own
dialogs get it through :func:`hostapp_stub.api.panel_widget`, so that a state looks the same everywhere. When the
figures change, screen readers are told (an accessibility announcement, like a live region's update).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..api import PanelView, Tone
from ..untrusted import visible
from .marks import paint_mark_pixmap

__all__ = ["MARK_SIZE", "TONE_BOX", "TONE_TEXT", "PanelWidget", "announce", "tone_style"]

#: (text, background, border) of a boxed text per tone, for light and dark windows: each pair at least 4.5:1
TONE_BOX = {
    False: {
        Tone.OK: ("#1b5e20", "#e8f5e9", "#81c784"),
        Tone.WARN: ("#6d3a00", "#fff4e5", "#ffb74d"),
        Tone.ERROR: ("#b3261e", "#fdecea", "#e57373"),
        Tone.FATAL: ("#5d0a0a", "#f6e3e3", "#a05050"),
    },
    True: {
        Tone.OK: ("#c8e6c9", "#1b3320", "#4caf50"),
        Tone.WARN: ("#ffe0b2", "#3d2a12", "#ffb74d"),
        Tone.ERROR: ("#ffcdd2", "#3f1a1a", "#e57373"),
        Tone.FATAL: ("#ffd7d7", "#2a0c0c", "#c06060"),
    },
}
#: the colour of a figure's value per tone, on the palette's window (plain: the palette's own text)
TONE_TEXT = {
    False: {Tone.OK: "#1b5e20", Tone.WARN: "#8a4b00", Tone.ERROR: "#b3261e", Tone.FATAL: "#7a0e0e"},
    True: {Tone.OK: "#81c784", Tone.WARN: "#ffb74d", Tone.ERROR: "#ff8a80", Tone.FATAL: "#ffab91"},
}
#: the mark beside a panel's headline (logical pixels)
MARK_SIZE = 32


def _dark(widget: QWidget) -> bool:
    return widget.palette().color(QPalette.ColorRole.Window).lightness() < 128


def tone_style(tone: Tone, widget: QWidget) -> str:
    """The style sheet of a boxed text of ``tone`` in ``widget``'s palette (plain: none of its own)."""
    if tone is Tone.PLAIN:
        return "QLabel { padding: 4px; }"
    text_colour, background, border = TONE_BOX[_dark(widget)][tone]
    return f"QLabel {{ color: {text_colour}; background: {background}; border: 1px solid {border}; padding: 6px; }}"


def announce(widget: QWidget, message: str) -> None:
    """Have screen readers say ``message`` now (a live region's update): Qt's announcement event where there is
    one (Qt 6.8), else the widget's name changed."""
    from PySide6 import QtGui

    event_type = getattr(QtGui, "QAccessibleAnnouncementEvent", None)
    event = event_type(widget, message) if event_type is not None else None
    if event is None:
        widget.setAccessibleName(message)
        event = QtGui.QAccessibleEvent(widget, QtGui.QAccessible.Event.NameChanged)
    QtGui.QAccessible.updateAccessibility(event)


class PanelWidget(QGroupBox):
    """One status panel: the mark and headline, the figures large, the advice right under, then the details."""

    def __init__(self, name: str = "panel", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.view: PanelView | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.mark = QLabel()
        self.mark.setObjectName("mark")
        self.mark.setFixedSize(MARK_SIZE, MARK_SIZE)
        self.headline = QLabel()
        self.headline.setObjectName("headline")
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.headline.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self.headline.setFont(font)
        top.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.headline, 1)
        layout.addLayout(top)
        self.figures_row = QHBoxLayout()
        layout.addLayout(self.figures_row)
        self.figure_labels: list[tuple[QLabel, QLabel]] = []
        self.advice = QLabel()
        self.advice.setObjectName("advice")
        self.advice.setWordWrap(True)
        self.advice.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.advice)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.details)
        # reached with Tab: a screen reader then reads the whole state (its accessible description); the window's
        # focus ring shows it
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    def _figure_widgets(self, count: int) -> None:
        while len(self.figure_labels) < count:
            column = QVBoxLayout()
            label, value = QLabel(), QLabel()
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setObjectName(f"figure{len(self.figure_labels)}")
            font = QFont(value.font())
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 2.0)  # read from a distance
            value.setFont(font)
            column.addWidget(label)
            column.addWidget(value)
            self.figures_row.addLayout(column, 1)
            self.figure_labels.append((label, value))
        for i, (label, value) in enumerate(self.figure_labels):
            label.setVisible(i < count)
            value.setVisible(i < count)

    def show_view(self, view: PanelView, title: str) -> None:
        """Show ``view`` under the accessible name ``title``; when its figures changed, have screen readers say
        them."""
        before = self.view
        self.view = view
        self.mark.setPixmap(paint_mark_pixmap(view.tone.value, MARK_SIZE, self.devicePixelRatioF()))
        self.mark.setVisible(view.tone is not Tone.PLAIN)
        self.headline.setText(visible(view.headline, keep_lines=True))  # a plugin's, a card's words: shown, not run
        self.headline.setVisible(bool(view.headline))
        self._figure_widgets(len(view.figures))
        dark = _dark(self)
        for (label, value), figure in zip(self.figure_labels, view.figures, strict=False):
            label.setText(visible(figure.label))
            value.setText(visible(figure.value))
            colour = TONE_TEXT[dark].get(figure.tone)
            value.setStyleSheet(f"QLabel {{ color: {colour}; }}" if colour else "")
            value.setAccessibleName(f"{figure.label}: {figure.value}")
        self.advice.setText(visible("\n".join(view.advice), keep_lines=True))
        self.advice.setStyleSheet(tone_style(view.tone, self))
        self.advice.setVisible(bool(view.advice))
        self.details.setText(visible("\n".join(view.lines), keep_lines=True))
        self.details.setVisible(bool(view.lines))
        self.setAccessibleName(title)
        self.setAccessibleDescription(self.text())
        said = [f"{f.label}: {f.value}" for f in view.figures]
        if before is not None and said != [f"{f.label}: {f.value}" for f in before.figures]:
            announce(self, " ".join([view.headline, *said]))

    def text(self) -> str:
        """Everything the panel says, in reading order."""
        view = self.view
        if view is None:
            return ""
        parts = [view.headline] if view.headline else []
        parts += [f"{f.label}: {f.value}" for f in view.figures]
        return "\n".join([*parts, *view.advice, *view.lines])
