"""A line edit for a PIN that never gives it to the clipboard, even while it is shown (show-input mode).

Qt's ``QLineEdit`` refuses copy, cut and drag only while it masks the text (``Password``); with the text shown
(``Normal``, the FAQ's 「入力内容を表示する」) Ctrl+C, Ctrl+Insert, Ctrl+X, Shift+Delete, the context menu, a drag and,
on X11, selecting with the mouse (the primary selection) would each put the PIN on a clipboard that every other
application can read.

Nor to an input method: Qt's ``setEchoMode(Normal)`` clears the sensitive-data hints and turns the input method
back on, so a Japanese IME (or a touch keyboard's prediction) would see, and could learn, a PIN shown in
「入力内容を表示する」 mode. Here every echo mode keeps ``ImhSensitiveData | ImhNoPredictiveText | ImhHiddenText``
(and no auto-capitals), and the input method off, as the masked field has it.
"""

from __future__ import annotations

from PySide6.QtGui import QKeyEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QLineEdit, QWidget

__all__ = ["SecretLineEdit"]

_NO_CLIPBOARD = (QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Cut)


class SecretLineEdit(QLineEdit):
    """A ``QLineEdit`` with no way out to the clipboard: no copy, cut, drag or context menu, in any echo mode."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(False)
        from PySide6.QtCore import Qt

        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        from hostapp_stub.api import no_core_dumps

        no_core_dumps()  # a secret will be typed here: a crash from now on dumps no core holding it
        self._keep_private()

    def _keep_private(self) -> None:
        from PySide6.QtCore import Qt

        hint = Qt.InputMethodHint
        self.setInputMethodHints(
            hint.ImhHiddenText | hint.ImhSensitiveData | hint.ImhNoPredictiveText | hint.ImhNoAutoUppercase
        )
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)

    def setEchoMode(self, mode: QLineEdit.EchoMode) -> None:
        super().setEchoMode(mode)
        self._keep_private()  # Qt resets both for Normal: a PIN shown is still a PIN

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if any(event.matches(key) for key in _NO_CLIPBOARD):
            event.accept()  # swallowed: neither copied nor passed on to the dialog
            return
        super().keyPressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        # QLineEdit copies a mouse selection to the X11 primary selection on release (Normal echo only)
        from PySide6.QtGui import QGuiApplication

        if self.echoMode() == QLineEdit.EchoMode.Normal and QGuiApplication.clipboard().supportsSelection():
            self.deselect()
        super().mouseReleaseEvent(event)
