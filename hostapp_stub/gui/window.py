"""The host's main window: every plugin's menu entries, and the plugins' status panels kept up to date.

The window knows nothing of what the plugins do. It lists the entries they registered, in the user's language; a
click runs the entry's own dialog when its plugin gave one (``MenuEntry.run_in_window``), else the entry's function
with :class:`WindowUI`, generic window prompts. Each status panel shows what its plugin reads
(``StatusPanel.read``): when the window opens, when the panel's watch (``StatusPanel.watch``, the plugin's own
background thread) says it changed, after each entry run from the window, and when the user clicks [refresh]. A panel
without a watch is read on a timer. An idle window with watched panels reads nothing.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pluggy
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..api import Check, Closeable, EntryResult, MenuEntry, PanelView, Request, StatusPanel, Tone
from ..plugins import record_failure
from ..untrusted import json_text, visible
from .contrast import note_style
from .focus_ring import add_focus_ring
from .panel_widget import PanelWidget
from .texts import LANGUAGE_NAMES, text

__all__ = ["POLL_MS", "MainWindow", "SupportDialog", "WindowUI"]

#: runs ``aosign-host doctor``'s checks in a language (the host's and every plugin's)
SupportChecks = Callable[[str], Sequence[Check]]

#: how often the status panels without a watch are read (ms)
POLL_MS = 1000
#: the window's narrowest and shortest (less only where the screen is smaller: 200 % scaling)
MIN_WIDTH = 560
MIN_HEIGHT = 240


class _Relay(QObject):
    """Carries a panel's "read me again" from its watch's thread to the window's (a queued signal)."""

    changed = Signal(str)


def plain_message(
    parent: QWidget | None, icon: QMessageBox.Icon, title: str, message: str, *, question: bool = False
) -> bool:
    """A message box that shows ``message`` as plain text, controls visible (a plugin's, a card's or a reader's
    words are in it: never rich text, never a link); True when a question was answered yes."""
    buttons = (
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No if question else QMessageBox.StandardButton.Ok
    )
    box = QMessageBox(icon, visible(title), visible(message, keep_lines=True), buttons, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    if question:
        box.setDefaultButton(QMessageBox.StandardButton.No)
    try:
        return box.exec() == QMessageBox.StandardButton.Yes
    finally:
        box.deleteLater()


class WindowUI:
    """The :class:`~hostapp_stub.api.HostUI` for entries without a dialog of their own: each question is a small
    window; what the entry says is shown when it is done.

    :param title: the entry's label, the title of every window it opens.
    """

    def __init__(self, lang: str, parent: QWidget | None, title: str) -> None:
        self.lang = lang
        self.parent = parent
        self.title = title
        self.lines: list[str] = []

    @property
    def interactive(self) -> bool:
        return True

    def say(self, text: str) -> None:
        self.lines.append(text)

    def notice(self, text: str) -> None:
        self.lines.append(text)

    def emit_json(self, data: Mapping[str, Any]) -> None:
        self.lines.append(json_text(data))

    def ask_secret(self, label: str, *, echo: bool = False) -> bytearray:
        """:raises KeyboardInterrupt: the user cancelled."""
        from ..platforms import no_core_dumps

        no_core_dumps()
        dialog = QInputDialog(self.parent)
        dialog.setWindowTitle(visible(self.title))
        dialog.setLabelText(visible(label, keep_lines=True))
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal if echo else QLineEdit.EchoMode.Password)
        for shown in dialog.findChildren(QLabel):  # a plugin's words: plain text, never a link
            shown.setTextFormat(Qt.TextFormat.PlainText)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                raise KeyboardInterrupt
            return bytearray(dialog.textValue(), "utf-8")
        finally:
            dialog.setTextValue("")
            dialog.deleteLater()

    def confirm(self, question: str) -> bool:
        return plain_message(self.parent, QMessageBox.Icon.Question, self.title, question, question=True)


class MainWindow(QMainWindow):
    """The host's window.

    :param pm: the plugin manager, plugins loaded.
    :param entries: their menu entries.
    :param panels: their status panels.
    :param manifest: the manifest in force (passed on in every :class:`~hostapp_stub.api.Request`).
    :param manifest_path: the file it came from, None for the built-in default.
    :param lang: the language to start in (``ja`` or ``en``); the window can switch.
    :param poll_ms: how often the panels without a watch are read; 0 reads them only on demand
        (:meth:`refresh_status`).
    :param support: runs doctor's checks for the "support information" action (None: no such action).
    """

    def __init__(
        self,
        pm: pluggy.PluginManager,
        entries: Sequence[MenuEntry],
        panels: Sequence[StatusPanel],
        manifest: Mapping[str, Any],
        manifest_path: Path | None,
        lang: str,
        *,
        poll_ms: int = POLL_MS,
        support: SupportChecks | None = None,
    ) -> None:
        super().__init__()
        self.support = support
        #: the support information dialog, once opened
        self.support_dialog: SupportDialog | None = None
        self.pm = pm
        self.entries = list(entries)
        self.panels = list(panels)
        self.manifest = manifest
        self.manifest_path = manifest_path
        self.lang = lang
        #: the last result of a menu entry run from the window
        self.last_result: EntryResult | None = None
        self._status_seen: dict[str, PanelView] = {}
        self._running = False
        #: how many times each panel was read (tests and benchmarks watch it)
        self.reads: dict[str, int] = {panel.id: 0 for panel in self.panels}
        #: panels whose watch called while an entry ran: read once it is done
        self._pending: set[str] = set()
        self._watches: dict[str, Closeable] = {}
        self._relay = _Relay(self)
        self._relay.changed.connect(self._panel_changed)
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._poll)
        self._start_watches()
        add_focus_ring(self)  # focus visible, whatever the style
        self.set_language(lang)
        if self.entries:
            self._buttons[self.entries[0].id].setFocus()  # a keyboard starts at the menu: Tab, then Enter
        if poll_ms > 0 and any(panel.id not in self._watches for panel in self.panels):
            self._timer.start()

    def _build(self) -> None:
        # the whole window scrolls when the screen is too small for it (800×600 at 200 %: 400×300 logical pixels)
        self._scroll = QScrollArea()
        self._scroll.setObjectName("scroll")
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        central = QWidget()
        central.setObjectName("content")
        layout = QVBoxLayout(central)

        top = QHBoxLayout()
        self._title = QLabel()
        font = self._title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self._title.setFont(font)
        self._lang_label = QLabel()
        self._lang_box = QComboBox()
        self._lang_box.setObjectName("language")
        for code, name in LANGUAGE_NAMES.items():
            self._lang_box.addItem(name, code)
        self._lang_label.setBuddy(self._lang_box)
        self._lang_box.currentIndexChanged.connect(self._language_chosen)
        top.addWidget(self._title)
        top.addStretch(1)
        top.addWidget(self._lang_label)
        top.addWidget(self._lang_box)
        layout.addLayout(top)

        self._menu_box = QGroupBox()
        menu = QVBoxLayout(self._menu_box)
        self._buttons: dict[str, QPushButton] = {}
        for entry in self.entries:
            button = QPushButton()
            button.setObjectName(f"entry:{entry.id}")
            button.setMinimumHeight(36)
            button.clicked.connect(lambda *_args, e=entry: self.run_entry(e))
            menu.addWidget(button)
            self._buttons[entry.id] = button
        self._menu_empty = QLabel()
        menu.addWidget(self._menu_empty)
        layout.addWidget(self._menu_box)

        self._panel_boxes: dict[str, PanelWidget] = {}
        self._panel_labels: dict[str, QLabel] = {}
        for panel in self.panels:
            box = PanelWidget(f"panel:{panel.id}")
            box.details.setObjectName("status" if len(self._panel_labels) == 0 else f"status:{panel.id}")
            layout.addWidget(box)
            self._panel_boxes[panel.id] = box
            self._panel_labels[panel.id] = box.details
        self._status_note = QLabel()
        self._status_note.setWordWrap(True)
        self._status_note.setStyleSheet(note_style(self.palette()))
        layout.addWidget(self._status_note)

        bottom = QHBoxLayout()
        self._support = QPushButton()
        self._support.setObjectName("support")
        self._support.clicked.connect(self.show_support)
        bottom.addWidget(self._support)
        self._refresh = QPushButton()
        self._refresh.setObjectName("refresh")
        self._refresh.clicked.connect(lambda *_args: self.refresh_status())
        bottom.addWidget(self._refresh)
        bottom.addStretch(1)
        self._quit = QPushButton()
        self._quit.setObjectName("quit")
        self._quit.clicked.connect(self.close)
        bottom.addWidget(self._quit)
        layout.addLayout(bottom)

        self._scroll.setWidget(central)
        self.setCentralWidget(self._scroll)
        # shown or hidden once they are in the window: a widget without a parent shown is a window of its own, which
        # flashed on the screen at start
        self._menu_empty.setVisible(not self.entries)
        self._status_note.setVisible(bool(self.panels))
        self._support.setVisible(self.support is not None)
        self._refresh.setVisible(bool(self.panels))
        self.setMinimumWidth(MIN_WIDTH)

    # --- language ---------------------------------------------------------------------------------------------

    def set_language(self, lang: str) -> None:
        """Show every text in ``lang`` (``ja`` or ``en``), the plugins' entries and the card's status too."""
        self.lang = lang
        index = self._lang_box.findData(lang)
        if index != self._lang_box.currentIndex():
            self._lang_box.blockSignals(True)
            self._lang_box.setCurrentIndex(index)
            self._lang_box.blockSignals(False)
        self.setWindowTitle(text("window.title", lang))
        self._title.setText(text("window.title", lang))
        self._lang_label.setText(text("lang.label", lang))
        self._menu_box.setTitle(text("menu.heading", lang))
        self._menu_empty.setText(text("menu.empty", lang))
        for entry in self.entries:
            self._buttons[entry.id].setText(entry.label.get(lang) or entry.id)
        for panel in self.panels:
            self._panel_boxes[panel.id].setTitle(panel.title.get(lang) or panel.id)
        watched = bool(self._watches) and len(self._watches) == len(self.panels)
        self._status_note.setText(text("status.watched" if watched else "status.auto", lang))
        self._refresh.setText(text("refresh", lang))
        self._quit.setText(text("quit", lang))
        self._support.setText(text("support.button", lang))
        self._describe(lang)
        self._status_seen = {}
        self.refresh_status()

    def _describe(self, lang: str) -> None:
        """Accessible names and descriptions (what a screen reader says of each control), and the tab order: the
        language, the menu's entries, the status panels, then the buttons at the bottom, as they are laid out."""
        self._lang_box.setAccessibleName(text("lang.label", lang))
        self._lang_box.setAccessibleDescription(text("a11y.language", lang))
        for entry in self.entries:
            button = self._buttons[entry.id]
            label = entry.label.get(lang) or entry.id
            button.setAccessibleName(label)
        for panel in self.panels:
            box = self._panel_boxes[panel.id]
            title = panel.title.get(lang) or panel.id
            box.setAccessibleName(title)
        for button, key in (
            (self._refresh, "a11y.refresh"),
            (self._support, "a11y.support"),
            (self._quit, "a11y.quit"),
        ):
            button.setAccessibleName(button.text())
            button.setAccessibleDescription(text(key, lang))
        chain: list[QWidget] = [
            self._lang_box,
            *self._buttons.values(),
            *self._panel_boxes.values(),
            self._support,
            self._refresh,
            self._quit,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _language_chosen(self, index: int) -> None:
        lang = self._lang_box.itemData(index)
        if isinstance(lang, str) and lang != self.lang:
            self.set_language(lang)

    # --- the plugins' status panels -----------------------------------------------------------------------------

    def request(self, entry: MenuEntry | None = None) -> Request:
        """The request for a plugin: the window's language, the manifest, no flags."""
        options = {opt.name: False for opt in entry.options} if entry is not None else {}
        return Request(
            lang=self.lang, manifest=self.manifest, manifest_path=self.manifest_path, options=options, surface="window"
        )

    def _start_watches(self) -> None:
        """Start each panel's watch; a watch that cannot start leaves its panel on the timer."""
        for panel in self.panels:
            if panel.watch is None:
                continue
            try:
                self._watches[panel.id] = panel.watch(self.request(), self._notifier(panel.id))
            except Exception as e:  # a plugin's bug must not take the window down with it
                record_failure(panel.plugin, f"watch {panel.id}", e)  # for the support information (issue 24)
                failed = text("status.failed", self.lang, plugin=panel.plugin, error=f"{type(e).__name__}: {e}")
                self._panel_labels[panel.id].setText(visible(failed, keep_lines=True))

    def _notifier(self, panel_id: str) -> Callable[[], None]:
        """The call-back a panel's watch gets: safe from any thread (a queued signal to the window's)."""

        def changed() -> None:
            self._relay.changed.emit(panel_id)

        return changed

    def _stop_watches(self) -> None:
        watches, self._watches = self._watches, {}
        for watch in watches.values():
            with contextlib.suppress(Exception):  # closing a plugin's watch must not stop the window from closing
                watch.close()

    def _panel_changed(self, panel_id: str) -> None:
        """A panel's watch said it changed: read that panel (after the entry running now, if any)."""
        if self._running:
            self._pending.add(panel_id)
            return
        self.refresh_status([panel_id])

    def _poll(self) -> None:
        self.refresh_status([p.id for p in self.panels if p.id not in self._watches])

    def refresh_status(self, panel_ids: Sequence[str] | None = None) -> None:
        """Read the status panels (all, or those named; a panel's read changes nothing) and show what changed."""
        if self._running:
            return
        for panel in self.panels:
            if panel_ids is not None and panel.id not in panel_ids:
                continue
            self.reads[panel.id] += 1
            try:
                view = panel.read(self.request())
            except Exception as e:  # a plugin's bug must not take the window down with it
                failure = record_failure(panel.plugin, f"read {panel.id}", e)  # for the support information
                error = f"{failure.error}: {failure.message}"
                failed = text("status.failed", self.lang, plugin=failure.dist, error=error)
                view = PanelView((), Tone.ERROR, headline="", advice=(failed,))
            if view != self._status_seen.get(panel.id):  # repaint only on a change
                self._status_seen[panel.id] = view
                self._panel_boxes[panel.id].show_view(view, panel.title.get(self.lang) or panel.id)
                QTimer.singleShot(0, self.fit_to_texts)  # once the layout has taken the new text in

    def fit_to_texts(self) -> None:
        """Make the window as tall as its texts need at its width: it grows for a long message (a locked card's
        advice was cut off at the bottom) and shrinks back once the message is gone, never beyond the screen (what
        does not fit then scrolls).
        """
        content = self._scroll.widget()
        layout = content.layout() if content is not None else None
        if content is None or layout is None:
            return
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:
            self.setMinimumWidth(min(MIN_WIDTH, screen.width() - self._frame_width()))
            if self.width() > screen.width() - self._frame_width():
                self.resize(screen.width() - self._frame_width(), self.height())
        layout.invalidate()
        layout.activate()
        width = self._scroll.viewport().width()
        fits = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.totalMinimumSize().height()
        need = fits + self.height() - self._scroll.height()
        if screen is not None:
            need = min(need, screen.height() - self._frame_height())
        self.setMinimumHeight(min(need, MIN_HEIGHT))
        if self.height() != need:
            self.resize(self.width(), need)  # grows for a long message, shrinks back once it is gone

    def _frame_width(self) -> int:
        return max(0, self.frameGeometry().width() - self.width())

    def _frame_height(self) -> int:
        """The height the window system adds above and below (title bar, borders); 0 before it is shown."""
        return max(0, self.frameGeometry().height() - self.height())

    def status_text(self, panel_id: str | None = None) -> str:
        """What a status panel (the first, by default) says now, in reading order."""
        if not self.panels:
            return ""
        return self._panel_boxes[panel_id or self.panels[0].id].text()

    # --- running an entry -------------------------------------------------------------------------------------

    def entry_button(self, entry_id: str) -> QPushButton:
        return self._buttons[entry_id]

    def run_entry(self, entry: MenuEntry) -> EntryResult | None:
        """Run ``entry``: its plugin's own dialog when it has one, else its function with :class:`WindowUI`."""
        if self._running:
            return None
        self._running = True  # no panel reads while the entry runs
        label = entry.label.get(self.lang) or entry.id
        result: EntryResult | None = None
        try:
            if entry.run_in_window is not None:
                result = entry.run_in_window(self.request(entry), self)
            if result is None:
                result = self._run_with_window_ui(entry, label)
        except Exception as e:  # shown, not raised: the window stays usable
            failure = record_failure(entry.plugin, f"run {entry.id}", e)  # for the support information (issue 24)
            error = f"{failure.dist} {failure.version}: {failure.error}: {failure.message}"
            plain_message(self, QMessageBox.Icon.Critical, label, text("failed", self.lang, entry=label, error=error))
        finally:
            self._running = False
        self.last_result = result
        self._pending.clear()
        self.refresh_status()  # after each of its own entries, and for the watches that called meanwhile
        return result

    def _run_with_window_ui(self, entry: MenuEntry, label: str) -> EntryResult | None:
        ui = WindowUI(self.lang, self, label)
        try:
            result = entry.run(self.request(entry), ui)
        except KeyboardInterrupt:
            plain_message(self, QMessageBox.Icon.Information, label, text("cancelled", self.lang))
            return None
        if ui.lines:
            icon = QMessageBox.Icon.Information if result.exit_code == 0 else QMessageBox.Icon.Warning
            plain_message(self, icon, label, "\n".join(ui.lines))
        return result

    # --- support information -------------------------------------------------------------------------------------

    def show_support(self) -> SupportDialog | None:
        """Run doctor's checks (nothing they do changes anything), show the report and copy it to the clipboard."""
        if self.support is None or self._running:
            return None
        from ..doctor import render

        self._running = True  # no panel reads while the checks talk to the card
        try:
            checks = list(self.support(self.lang))
            report = "\n".join(render(checks, self.lang))
        except Exception as e:  # shown, not raised: the window stays usable
            report = text("support.failed", self.lang, error=f"{type(e).__name__}: {e}")
        finally:
            self._running = False
        if self.support_dialog is not None:
            self.support_dialog.close()
        self.support_dialog = SupportDialog(self, report, self.lang)
        self.support_dialog.copy()
        self.support_dialog.show()
        return self.support_dialog

    def changeEvent(self, event: QEvent) -> None:
        # dark mode switched on or off while the window is open: every colour again, for the new palette
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange) and hasattr(
            self, "_status_note"
        ):
            self._status_note.setStyleSheet(note_style(self.palette()))
            for panel in self.panels:  # the marks, the figures' and the advice's colours
                view = self._status_seen.get(panel.id)
                if view is not None:
                    self._panel_boxes[panel.id].show_view(view, panel.title.get(self.lang) or panel.id)
        super().changeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter clicks the focused button, as in a dialog (a main window only knows Space)."""
        focused = self.focusWidget()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and isinstance(focused, QPushButton):
            focused.click()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._timer.stop()
        self._stop_watches()
        super().closeEvent(event)


class SupportDialog(QDialog):
    """The support information: doctor's report, selectable, copied to the clipboard for the helpdesk."""

    def __init__(self, parent: QWidget, report: str, lang: str) -> None:
        super().__init__(parent)
        self.lang = lang
        self.report = report
        self.setWindowTitle(text("support.title", lang))
        layout = QVBoxLayout(self)
        self._text = QPlainTextEdit(report)
        self._text.setObjectName("report")
        self._text.setAccessibleName(text("a11y.report", lang))
        self._text.setReadOnly(True)
        self._text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        layout.addWidget(self._text)
        self._note = QLabel()
        self._note.setObjectName("copied")
        self._note.setWordWrap(True)
        layout.addWidget(self._note)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        copy = QPushButton(text("support.copy", lang))
        copy.setObjectName("copy")
        copy.clicked.connect(self.copy)
        close = QPushButton(text("support.close", lang))
        close.setObjectName("close")
        close.clicked.connect(self.close)
        buttons.addWidget(copy)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        screen = parent.screen().availableGeometry()
        self.resize(min(760, screen.width()), min(480, screen.height()))  # the report scrolls on a small screen

    def copy(self) -> None:
        """Put the report on the clipboard (it holds no secret: doctor reads none)."""
        from PySide6.QtWidgets import QApplication

        QApplication.clipboard().setText(self.report)
        self._note.setText(text("support.copied", self.lang))
