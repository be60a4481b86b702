"""The marks beside a state: drawn, not taken from a font, so that they look the same on every OS and in every
screenshot. Each tone has its own shape as well as its own colour (a state is never told by colour alone):

- ``ok``: a check mark in a green circle;
- ``warn``: an exclamation mark in an amber triangle;
- ``error``: an exclamation mark in a red circle (locked, or cannot be read: it can be put right);
- ``fatal``: a cross in a dark red octagon (unusable for good).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

__all__ = ["MARK_COLOURS", "paint_mark_pixmap"]

#: the fill of each mark; the white symbol on it has a contrast of at least 4.5:1 (checked by the tests)
MARK_COLOURS = {"ok": "#1b5e20", "warn": "#8a4b00", "error": "#b3261e", "fatal": "#5d0a0a"}


def _symbol_pen(size: float) -> QPen:
    pen = QPen(QColor("#ffffff"), max(1.5, size * 0.12))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _paint(painter: QPainter, tone: str, s: float) -> None:
    fill = QColor(MARK_COLOURS[tone])
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    if tone == "warn":
        painter.drawPolygon(
            QPolygonF([QPointF(s / 2, s * 0.04), QPointF(s * 0.98, s * 0.94), QPointF(s * 0.02, s * 0.94)])
        )
        painter.setPen(_symbol_pen(s))
        painter.drawLine(QPointF(s / 2, s * 0.38), QPointF(s / 2, s * 0.62))
        painter.drawPoint(QPointF(s / 2, s * 0.78))
        return
    if tone == "fatal":
        k = s * 0.29
        points = [(k, 0), (s - k, 0), (s, k), (s, s - k), (s - k, s), (k, s), (0, s - k), (0, k)]
        painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in points]))
        painter.setPen(_symbol_pen(s))
        painter.drawLine(QPointF(s * 0.32, s * 0.32), QPointF(s * 0.68, s * 0.68))
        painter.drawLine(QPointF(s * 0.68, s * 0.32), QPointF(s * 0.32, s * 0.68))
        return
    painter.drawEllipse(QRectF(0, 0, s, s))
    painter.setPen(_symbol_pen(s))
    if tone == "ok":
        path = QPainterPath(QPointF(s * 0.28, s * 0.52))
        path.lineTo(QPointF(s * 0.44, s * 0.68))
        path.lineTo(QPointF(s * 0.72, s * 0.34))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        return
    # error: an exclamation mark in a red circle
    painter.drawLine(QPointF(s / 2, s * 0.24), QPointF(s / 2, s * 0.56))
    painter.drawPoint(QPointF(s / 2, s * 0.76))


def paint_mark_pixmap(tone: str, size: int, device_pixel_ratio: float = 1.0) -> QPixmap:
    """The mark of ``tone`` (``ok``, ``warn``, ``error``, ``fatal``; anything else: transparent) at ``size`` logical
    pixels, sharp at ``device_pixel_ratio``."""
    pixmap = QPixmap(max(1, round(size * device_pixel_ratio)), max(1, round(size * device_pixel_ratio)))
    pixmap.setDevicePixelRatio(device_pixel_ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    if tone in MARK_COLOURS:
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        _paint(painter, tone, float(size))
        painter.end()
    return pixmap
