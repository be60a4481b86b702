"""A focus ring that a keyboard user sees: two pixels in the palette's highlight colour around the focused control.

Qt's Fusion style marks a focused button with a thin line of nearly the button's own colour, and native styles
differ; a style sheet would give up the native look of every button. The ring is a transparent layer over the
window, ignored by the mouse, that draws one rectangle around whatever has the keyboard focus, wherever it is
scrolled to.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

__all__ = ["FocusRing", "add_focus_ring"]

_WIDTH = 2


class FocusRing(QWidget):
    """The ring over ``window`` (a top-level widget); made by :func:`add_focus_ring`."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("focus_ring")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_moved)
        for area in window.findChildren(QAbstractScrollArea):
            area.verticalScrollBar().valueChanged.connect(self.update)
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        window = self.parentWidget()
        if window is not None and watched is window and event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            self.setGeometry(window.rect())
            self.raise_()
        return False

    def _focus_moved(self, _old: QWidget | None, _new: QWidget | None) -> None:
        self.raise_()
        self.update()

    def target(self) -> QRect | None:
        """Where the ring is drawn now (in the window), or None: nothing of this window has the keyboard focus."""
        window = self.parentWidget()
        focused = QApplication.focusWidget()
        if window is None or focused is None or focused is self or focused.window() is not window:
            return None
        if not focused.isVisible() or focused.focusPolicy() == Qt.FocusPolicy.NoFocus:
            return None
        top_left = focused.mapTo(window, focused.rect().topLeft())
        ring = QRect(top_left, focused.size()).adjusted(-_WIDTH, -_WIDTH, _WIDTH, _WIDTH)
        clip = focused.visibleRegion().boundingRect()  # scrolled partly out of view: only what shows
        if clip.isEmpty():
            return None
        return ring

    def paintEvent(self, event: QPaintEvent) -> None:
        ring = self.target()
        if ring is None:
            return
        painter = QPainter(self)
        pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), _WIDTH)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        half = _WIDTH // 2
        painter.drawRect(ring.adjusted(half, half, -half, -half))
        painter.end()


def add_focus_ring(window: QWidget) -> FocusRing:
    """Draw a visible focus ring in ``window`` from now on (call once its widgets are made)."""
    return FocusRing(window)
