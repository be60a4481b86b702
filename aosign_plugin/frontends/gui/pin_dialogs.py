"""The change-PIN and unlock dialogs, driven by the same service layer as the command line.

A dialog has no PIN logic of its own. It reads the card's state through :class:`~.pin_service.PinService`
(no try spent) and shows the tries left before anything is typed; whether the operation may go on (the state
gate), what to say before typing and whether a last try needs a yes are the service's answers
(:meth:`~.PinService.gate`, :meth:`~.PinService.notices`, :meth:`~.PinService.needs_consent`). It checks every
answer with the one policy as it is typed and enables [OK] only when nothing is refused and both new PINs match;
one click on [OK] empties the fields into bytearrays and hands them to the service through an
:class:`~.answer_prompter.AnswerPrompter`, with the state the dialog showed: the service sends exactly one try, or
nothing if the card's counters moved since, and writes the audit line. The fields are emptied when the dialog
closes, whichever way.

Only the GUI imports this module (it imports PySide6).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from itertools import pairwise
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QFont, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from aosign_plugin import catalogs
from aosign_plugin.domain.card_status import Advice, CardState, CardStatus
from aosign_plugin.domain.errors import AosignError, CardUnavailableError, PinError, PinIncorrectError
from aosign_plugin.domain.secret import Secret
from aosign_plugin.frontends.glance import glance
from aosign_plugin.frontends.gui.answer_prompter import AnswerPrompter
from aosign_plugin.frontends.gui.secret_field import SecretLineEdit
from aosign_plugin.frontends.gui.tone_colours import box_style, text_colour
from aosign_plugin.frontends.gui.window_wording import window_lines
from aosign_plugin.frontends.terminal_view import consent_text, error_report, notice_text
from aosign_plugin.policy.rules import Field, check_base, check_new_pin, repeats_one_character
from aosign_plugin.service.outcomes import NoticeKind, Operation, Outcome
from aosign_plugin.service.pin_service import PinService
from hostapp_stub.api import (
    EntryResult,
    ExitCode,
    PanelView,
    Request,
    Tone,
    add_focus_ring,
    announce,
    panel_widget,
    visible,
)

__all__ = ["DIALOGS", "BoxTone", "ChangePinDialog", "PinDialog", "UnlockDialog", "run_entry"]

_WIDTH = 600
#: the narrowest the dialog may be made (a 1024×768 screen at 200 % has 512 logical pixels)
_MIN_WIDTH = 360


class BoxTone(Enum):
    """How a text is shown: plain, done, to heed, or gone wrong."""

    PLAIN = "plain"
    OK = "ok"
    WARN = "warn"
    ERROR = "error"


_MARK = {BoxTone.PLAIN: "", BoxTone.OK: "✓ ", BoxTone.WARN: "⚠ ", BoxTone.ERROR: "✗ "}
_SEVERITY = [BoxTone.PLAIN, BoxTone.OK, BoxTone.WARN, BoxTone.ERROR]


def _error_lines(error: AosignError, lang: str) -> tuple[ExitCode, list[str]]:
    code, lines = error_report(error, lang)
    left = error.tries_left if isinstance(error, PinError) else None
    detail = error.detail if isinstance(error, CardUnavailableError) else None
    lines = window_lines(lines, lang, left=left, detail=detail)
    if isinstance(error, PinIncorrectError):
        lines.append(catalogs.text("gui.wrong.check_input", lang))
    return code, lines


def _wrapping_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _set_box(label: QLabel, lines: Sequence[str], tone: BoxTone) -> None:
    label.setText(visible("\n".join(lines), keep_lines=True))  # a card's, a reader's words: shown, never run
    label.setStyleSheet(box_style(tone.value, label.palette()))  # readable in dark mode too
    label.setVisible(bool(lines))


class PinDialog(QDialog):
    """What both PIN dialogs share: the state shown first, masked fields with live feedback, one try per click.

    :param request: the host's request: language, manifest (which card, which policy), ``show-input`` flag.
    :param parent: the host's window.
    """

    #: the menu entry this dialog runs
    entry_id: ClassVar[str]
    #: the service's use case behind it
    operation: ClassVar[Operation]
    #: the fields, in the order the service asks them
    fields: ClassVar[tuple[Field, ...]]
    _title_key: ClassVar[str]
    _intro_key: ClassVar[str]
    _done_key: ClassVar[str]

    def __init__(self, request: Request, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = request.lang
        self._request = request
        #: the menu entry to open next (the change dialog's [ICカードのロック解除(PIN(暗証番号)のリセット)]); None: none
        self.next_entry: str | None = None
        #: the result of the last operation, or of the state found when opened
        self.outcome: EntryResult | None = None
        #: try-consuming operations run from this dialog (one per click on [OK] that reached the card)
        self.operations = 0
        self._status: CardStatus | None = None
        self._load_error: AosignError | None = None
        self._final_required = False
        self._done = False
        self._closed = False
        self._service: PinService | None = None
        try:
            from aosign_plugin.config.settings import parse_settings
            from aosign_plugin.service.pin_service import open_service

            settings, _ = parse_settings(request.manifest)  # the host refused an invalid manifest already
            self._service = open_service(settings)
        except AosignError as e:
            self._load_error = e
        self._build()
        add_focus_ring(self)  # focus visible, as in the host's window
        self.reload()

    # --- layout ---------------------------------------------------------------------------------------------

    def _build(self) -> None:
        t = self._t
        self.setWindowTitle(t(self._title_key))
        self.setModal(True)
        self.resize(_WIDTH, 400)
        outer = self._outer = QVBoxLayout(self)
        # everything but the buttons scrolls when the screen is too small for it (800×600, or 200 % scaling)
        self._scroll = QScrollArea()
        self._scroll.setObjectName("scroll")
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = QWidget()
        body.setObjectName("body")
        layout = self._layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        self._scroll.setWidget(body)
        outer.addWidget(self._scroll, 1)

        heading = _wrapping_label("heading")
        heading.setText(t(self._title_key))
        heading.setAccessibleName(t(self._title_key))
        font = QFont(heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        heading.setFont(font)
        layout.addWidget(heading)

        # the state at a glance, as the host's window shows it: mark and words, the tries left large, advice under
        self._status_box = panel_widget("status_box")
        self._status_box.setTitle(t("gui.status.heading"))
        self._status_label: QLabel = self._status_box.details
        self._status_label.setObjectName("status")
        self._advice_label: QLabel = self._status_box.advice
        layout.addWidget(self._status_box)
        # what the last try did, right under the state it left the card in
        self._message = _wrapping_label("message")
        self._message.setAccessibleName(t("gui.a11y.message"))
        self._message.setVisible(False)
        layout.addWidget(self._message)

        self._intro = _wrapping_label("intro")
        self._intro.setText(t(self._intro_key))
        layout.addWidget(self._intro)

        self._form = QWidget()
        self._form.setObjectName("form")
        form = QVBoxLayout(self._form)
        form.setContentsMargins(0, 0, 0, 0)
        self._edits: dict[Field, QLineEdit] = {}
        self._feedback: dict[Field, QLabel] = {}
        # the code's last try: said before anything is typed, agreed to (the checkbox below) before [OK]
        self._final_warning = _wrapping_label("final_warning")
        self._final_warning.setVisible(False)
        form.addWidget(self._final_warning)
        for field in self.fields:
            label = QLabel(t(f"prompt.{field.value}"))
            label.setWordWrap(True)
            edit = SecretLineEdit()  # no copy, cut or drag, even while shown
            edit.setObjectName(field.value)
            edit.setAccessibleName(label.text())
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(64)
            edit.setInputMethodHints(
                Qt.InputMethodHint.ImhHiddenText
                | Qt.InputMethodHint.ImhSensitiveData
                | Qt.InputMethodHint.ImhNoPredictiveText
                | Qt.InputMethodHint.ImhNoAutoUppercase
            )
            edit.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)  # no copy of a PIN to the clipboard
            edit.textChanged.connect(self._validate)
            label.setBuddy(edit)
            feedback = _wrapping_label(f"feedback_{field.value}")
            feedback.setVisible(False)
            form.addWidget(label)
            form.addWidget(edit)
            form.addWidget(feedback)
            self._edits[field] = edit
            self._feedback[field] = feedback
        self._show = QCheckBox(t("gui.show_input"))
        self._show.setObjectName("show_input")
        self._show.setChecked(self._request.flag("show-input"))
        self._show.toggled.connect(self._set_echo)
        form.addWidget(self._show)
        self._final_check = QCheckBox(t("gui.final_try.agree"))
        self._final_check.setObjectName("final_try_ok")
        self._final_check.setVisible(False)
        self._final_check.toggled.connect(self._validate)
        form.addWidget(self._final_check)
        layout.addWidget(self._form)

        self._dead = self._dead_page()
        layout.addWidget(self._dead)

        layout.addStretch(1)  # room to spare goes below, never above the title

        buttons = self._buttons_row = QHBoxLayout()
        self._lost = QPushButton(t("gui.lost_sheet.heading"))
        self._lost.setObjectName("lost_sheet")
        self._lost.setAutoDefault(False)
        self._lost.clicked.connect(self._show_lost_sheet)
        self._to_unlock = QPushButton(t("entry.unlock"))  # the words of the host's menu button
        self._to_unlock.setObjectName("to_unlock")
        self._to_unlock.setAutoDefault(False)
        self._to_unlock.clicked.connect(self._go_unlock)
        self._reload = QPushButton(t("gui.reload"))
        self._reload.setObjectName("reload")
        self._reload.setAutoDefault(False)
        self._reload.clicked.connect(self._reload_clicked)
        self._ok = QPushButton(t("gui.ok"))
        self._ok.setObjectName("ok")
        self._ok.setDefault(True)  # Enter = [OK], only while it is enabled
        self._ok.clicked.connect(self.submit)
        self._cancel = QPushButton(t("gui.cancel"))
        self._cancel.setObjectName("cancel")
        self._cancel.setAutoDefault(False)
        self._cancel.clicked.connect(self.reject)  # Esc does the same
        buttons.addWidget(self._lost)
        buttons.addWidget(self._to_unlock)
        buttons.addWidget(self._reload)
        buttons.addStretch(1)
        buttons.addWidget(self._ok)
        buttons.addWidget(self._cancel)
        outer.addLayout(buttons)
        self._describe()

        chain: list[QWidget] = [
            self._status_box,  # the state, read before typing (Shift+Tab from the first field)
            *self._edits.values(),
            self._show,
            self._final_check,
            self._ok,
            self._cancel,
            self._to_unlock,
            self._lost,
            self._reload,
        ]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        self._set_echo(self._show.isChecked())

    def _dead_page(self) -> QWidget:
        t = self._t
        page = QWidget()
        page.setObjectName("dead_card")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        title = _wrapping_label("dead_title")
        title.setText(t("gui.dead.title"))
        font = QFont(title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        title.setFont(font)
        layout.addWidget(title)
        for key in ("gui.dead.steps", "gui.dead.revoke", "gui.dead.apply", "gui.dead.no_operation"):
            label = _wrapping_label(key.replace(".", "_"))
            label.setText(t(key))
            layout.addWidget(label)
        heading = _wrapping_label("dead_lost_heading")
        heading.setText(t("gui.lost_sheet.heading"))
        bold = QFont(heading.font())
        bold.setBold(True)
        heading.setFont(bold)
        layout.addWidget(heading)
        lost = _wrapping_label("dead_lost_sheet")
        lost.setText(t("gui.lost_sheet.text"))
        layout.addWidget(lost)
        page.setVisible(False)
        return page

    def _t(self, key: str, **params: object) -> str:
        return catalogs.text(key, self.lang, **params)

    # --- the card's state -------------------------------------------------------------------------------------

    @property
    def status(self) -> CardStatus | None:
        """The state last read (no try spent), or None when the card could not be read."""
        return self._status

    def reload(self) -> None:
        """Read the card's state again (no try spent) and show it."""
        if self._service is not None:
            try:
                self._status = self._service.status()
                self._load_error = None
            except AosignError as e:
                self._status = None
                self._load_error = e
        self._apply_state()
        self._state_message()

    def _reload_clicked(self) -> None:
        self._set_message([], BoxTone.PLAIN)
        self.reload()

    def _state_message(self) -> None:
        """When the state itself stops the operation (the service's gate), say so as the command line would."""
        status = self._status
        if self.operations == 0:
            self.outcome = None  # read again: the state now decides
        if self._load_error is not None:
            code, _ = _error_lines(self._load_error, self.lang)  # the status box says it: no card, no reader…
            self.outcome = EntryResult(int(code), {"error": type(self._load_error).__name__})
            return
        stop = PinService.gate(self.operation, status) if status is not None else None
        if stop is not None:
            code, lines = _error_lines(stop, self.lang)
            tries = stop.tries_left if isinstance(stop, PinError) else None
            self.outcome = EntryResult(int(code), {"error": type(stop).__name__, "tries_left": tries})
            self._set_message(lines, BoxTone.ERROR)

    def _apply_state(self) -> None:
        status = self._status
        dead = status is not None and status.state is CardState.DEAD
        title = self._t("gui.status.heading")
        if status is None:
            error = self._load_error
            lines = _error_lines(error, self.lang)[1] if error is not None else []
            view = PanelView((), Tone.ERROR, headline=self._t("gui.state.unknown"), advice=tuple(lines))
        else:
            seen = glance(status, self.lang)
            advice, tone = self._advice(status)  # what this dialog's operation is told before typing
            if dead:
                advice = []  # the page below says what to do, step by step
            shown = seen.tone
            if advice and tone is BoxTone.ERROR and shown in (Tone.OK, Tone.WARN):
                shown = Tone.ERROR  # the last try: said in red
            figures, details = seen.figures, tuple(seen.details)
            view = PanelView(details, shown, headline=seen.headline, figures=figures, advice=tuple(advice))
        self._status_box.show_view(view, title)
        usable = status is not None and not self._done and PinService.gate(self.operation, status) is None
        # what cannot be used is not shown: a locked card in the change dialog, a dead card, no card, done
        self._dead.setVisible(dead)
        self._intro.setVisible(usable)
        self._form.setVisible(usable)
        self._form.setEnabled(usable)
        self._ok.setVisible(usable)
        self._reload.setVisible(status is None)
        self._to_unlock.setVisible(self._offer_unlock(status))
        self._lost.setVisible(self.entry_id == "unlock" and not dead)
        self._cancel.setText(self._t("gui.close" if (self._done or not usable) else "gui.cancel"))
        # Enter: [OK] while there is something to send, else [閉じる] (a keyboard closes a finished dialog too)
        self._ok.setDefault(usable)
        self._cancel.setDefault(not usable)
        self._final_required = status is not None and PinService.needs_consent(self.operation, status) is not None
        self._final_warning.setVisible(self._final_required)
        self._final_check.setVisible(self._final_required)
        if self._final_required:
            consent = PinService.needs_consent(self.operation, status) if status is not None else None
            question = consent_text(consent, self.lang) if consent is not None else self._t("unlock.final_try")
            _set_box(self._final_warning, [question], BoxTone.ERROR)
        else:
            self._final_check.setChecked(False)
        self._validate()
        self._fit(exactly=True)
        first = self._edits.get(self.fields[0])
        if usable and first is not None:
            first.setFocus()
        elif not self._to_unlock.isHidden():
            self._to_unlock.setFocus()
        else:
            self._cancel.setFocus()

    def _offer_unlock(self, status: CardStatus | None) -> bool:
        return False

    def _advice(self, status: CardStatus) -> tuple[list[str], BoxTone]:
        """The service's advice before typing, in the window's words (the final-try question has its own box)."""
        lines: list[str] = []
        tone = BoxTone.PLAIN
        for notice in PinService.notices(self.operation, status):
            unknown = notice.kind in (NoticeKind.PIN_COUNT_UNKNOWN, NoticeKind.UNBLOCK_COUNT_UNKNOWN)
            if not unknown and (notice.kind is not NoticeKind.ADVICE or notice.advice is None):
                continue  # the intro is the dialog's own text
            lines += window_lines([notice_text(notice, self.lang)], self.lang, left=notice.tries_left)
            urgent = unknown or notice.advice in (Advice.PIN_FINAL_TRY, Advice.UNBLOCK_LOW)
            tone = BoxTone.ERROR if urgent or tone is BoxTone.ERROR else BoxTone.WARN
        return lines, tone

    # --- live policy feedback -----------------------------------------------------------------------------------

    def _validate(self) -> None:
        """Check every answer as typed; [OK] is enabled only when the policy refuses nothing and both new PINs match."""
        if self._closed or not self._edits:
            return
        service = self._service
        secrets = {field: Secret(bytearray(edit.text(), "utf-8")) for field, edit in self._edits.items()}
        try:
            first_field = self.fields[0]
            first, new, confirm = secrets[first_field], secrets[Field.NEW_PIN], secrets[Field.CONFIRM]
            current = first if first_field is Field.CURRENT_PIN else None
            code = first if first_field is Field.UNBLOCK_CODE else None
            ok = service is not None
            if len(first):
                verdict = check_base(first, first_field)
                items = [(BoxTone.ERROR, r.message(self.lang)) for r in verdict.refusals]
                if verdict.ok and repeats_one_character(first):  # issue 33: most likely mistyped; [OK] is the yes
                    items.append((BoxTone.WARN, self._t("gui.answer.repeated")))
                self._show_feedback(first_field, items)
                ok = ok and verdict.ok
            else:
                self._show_feedback(first_field, [])
                ok = False
            policy = service.policy if service is not None else None
            if not len(new) or policy is None:
                hint = self._t(
                    "gui.hint.new_pin",
                    min_length=policy.min_length if policy else 4,
                    max_length=policy.max_length if policy else 16,
                )
                self._show_feedback(Field.NEW_PIN, [(BoxTone.PLAIN, hint)])
                ok = False
            else:
                verdict = check_new_pin(new, None, current, policy, unblock_code=code)
                items = [(BoxTone.ERROR, r.message(self.lang)) for r in verdict.refusals]
                items += [(BoxTone.WARN, w.message(self.lang)) for w in verdict.warnings]
                self._show_feedback(Field.NEW_PIN, items or [(BoxTone.OK, self._t("gui.feedback.usable"))])
                ok = ok and verdict.ok
            if not len(confirm) or policy is None:
                self._show_feedback(Field.CONFIRM, [])
                ok = False
            else:
                verdict = check_new_pin(new, confirm, current, policy, unblock_code=code)
                refused = [r for r in verdict.refusals if r.field is Field.CONFIRM]
                items = [(BoxTone.ERROR, r.message(self.lang)) for r in refused]
                self._show_feedback(Field.CONFIRM, items or [(BoxTone.OK, self._t("gui.feedback.match"))])
                ok = ok and verdict.ok
        finally:
            for secret in secrets.values():
                secret.wipe()
        if self._final_required and not self._final_check.isChecked():
            ok = False
        self._ok.setEnabled(ok and self._form.isEnabled() and not self._done)
        self._fit()

    def _fit(self, *, exactly: bool = False) -> None:
        """Grow to show every wrapped line (feedback and messages come and go as the user types), never beyond the
        screen: what does not fit then scrolls.

        :param exactly: also shrink to fit (when shown, and after a message: a long one gone leaves no blank space).
        """
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        frame = self.frameGeometry()
        extra_w, extra_h = max(0, frame.width() - self.width()), max(0, frame.height() - self.height())
        width = _WIDTH if screen is None else min(_WIDTH, screen.width() - extra_w)
        self.setMinimumWidth(min(_MIN_WIDTH, width))
        width = max(width, self.width()) if not exactly else width
        if screen is not None:
            width = min(width, screen.width() - extra_w)
        outer, body = self._outer, self._layout
        body.activate()
        margins = outer.contentsMargins()
        inner = width - margins.left() - margins.right()
        content = body.totalHeightForWidth(inner) if body.hasHeightForWidth() else body.totalSizeHint().height()
        buttons = self._buttons_row.sizeHint().height()
        need = content + buttons + outer.spacing() + margins.top() + margins.bottom()
        if screen is not None:
            need = min(need, screen.height() - extra_h)
        if need > self.height() or width != self.width() or (exactly and need != self.height()):
            self.resize(width, need)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit(exactly=True)

    def _show_feedback(self, field: Field, items: Sequence[tuple[BoxTone, str]]) -> None:
        label = self._feedback[field]
        tone = max((tone for tone, _ in items), key=_SEVERITY.index, default=BoxTone.PLAIN)
        said = "\n".join(_MARK[tone] + text for tone, text in items)
        label.setText(said)
        label.setStyleSheet(f"QLabel {{ color: {text_colour(tone.value, label.palette())}; }}")
        label.setVisible(bool(items))
        edit = self._edits.get(field)
        if edit is not None:  # a screen reader reads the check with the field: no need to find the label below
            edit.setAccessibleDescription(" ".join(part for part in (self._t("gui.a11y.field"), said) if part))

    def _describe(self) -> None:
        """Accessible names and descriptions: what each control is and what it does, for screen readers."""
        t = self._t
        self._status_box.setAccessibleName(t("gui.a11y.status"))
        self._status_box.setAccessibleDescription(t("gui.a11y.state_description"))
        self._advice_label.setAccessibleName(t("gui.a11y.advice"))
        for field, label in self._feedback.items():
            label.setAccessibleName(t("gui.a11y.feedback"))
            label.setAccessibleDescription(t(f"prompt.{field.value}"))
        for edit in self._edits.values():
            edit.setAccessibleDescription(t("gui.a11y.field"))
        self._final_warning.setAccessibleName(t("unlock.final_try"))
        for widget, name, key in (
            (self._show, t("gui.show_input"), "gui.a11y.show_input"),
            (self._final_check, t("gui.final_try.agree"), "gui.a11y.final_try"),
            (self._ok, t("gui.ok"), "gui.a11y.ok"),
            (self._cancel, None, "gui.a11y.cancel"),
            (self._reload, t("gui.reload"), "gui.a11y.reload"),
            (self._to_unlock, t("entry.unlock"), "gui.a11y.to_unlock"),
            (self._lost, t("gui.lost_sheet.heading"), "gui.a11y.lost_sheet"),
        ):
            if name is not None:
                widget.setAccessibleName(name)
            widget.setAccessibleDescription(t(key))

    def _set_echo(self, show: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if show else QLineEdit.EchoMode.Password
        for edit in self._edits.values():
            edit.setEchoMode(mode)

    # --- one click, one try -----------------------------------------------------------------------------------

    def submit(self) -> None:
        """What [OK] (or Enter) does: hand the typed answers to the service, which sends exactly one try (or nothing,
        when the card's counters moved since the dialog showed them)."""
        service, shown = self._service, self._status
        if not self._ok.isEnabled() or service is None or shown is None or self._closed:
            return
        self._ok.setEnabled(False)  # one click, one try: a second click finds it disabled
        answers = {field: bytearray(edit.text(), "utf-8") for field, edit in self._edits.items()}
        self._clear_fields()  # the widgets hold no PIN from here on
        with AnswerPrompter(answers, confirmed=self._final_check.isChecked()) as prompter:
            outcome = self._operate(service, prompter, shown)
        self._after(outcome)

    def _operate(self, service: PinService, prompter: AnswerPrompter, shown: CardStatus) -> Outcome:
        raise NotImplementedError

    def _after(self, outcome: Outcome) -> None:
        if outcome.sent:
            self.operations += 1
        error = outcome.error
        if error is None:
            self._done = True
            lines, tone = [self._t(self._done_key)], BoxTone.OK
            result = EntryResult(0, {"result": "changed" if self.entry_id == "change-pin" else "unlocked"})
        else:
            code, lines = _error_lines(error, self.lang)
            tone = BoxTone.WARN if code is ExitCode.USAGE else BoxTone.ERROR
            tries = error.tries_left if isinstance(error, PinError) else None
            result = EntryResult(int(code), {"error": type(error).__name__, "tries_left": tries})
        if outcome.audit_failure:
            lines.append(self._t("audit.failed", detail=outcome.audit_failure))
        self.reload()  # the tries left now (no try spent); the lines below say what just happened
        self.outcome = result
        self._set_message(lines, tone)

    def _set_message(self, lines: Sequence[str], tone: BoxTone) -> None:
        _set_box(self._message, lines, tone)
        advice = self._advice_label.text()
        if lines and advice and all(line in lines for line in advice.split("\n")):
            self._advice_label.setVisible(False)  # said once is enough: the message says it already
        self._fit(exactly=True)
        if lines:
            self._scroll.ensureWidgetVisible(self._message)  # on a small screen too
            announce(self._message, "\n".join(lines))  # a screen reader says what the try did

    def status_text(self) -> str:
        """What the status box says now, in reading order: the state, the tries left, the advice, the details."""
        return str(self._status_box.text())

    def message_text(self) -> str:
        """What the dialog says about the last operation (or the state that stops it)."""
        return "" if self._message.isHidden() else self._message.text()

    # --- the other buttons ----------------------------------------------------------------------------------------

    def _show_lost_sheet(self) -> None:
        QMessageBox.information(self, self._t("gui.lost_sheet.heading"), self._t("gui.lost_sheet.text"))

    def _go_unlock(self) -> None:
        self.next_entry = "unlock"
        self.accept()

    # --- wiping ---------------------------------------------------------------------------------------------------

    def _clear_fields(self) -> None:
        for edit in self._edits.values():
            edit.blockSignals(True)
            edit.setText("")  # also clears the undo/redo history, which would hold what was typed
            edit.blockSignals(False)
        self._validate()

    def _wipe(self) -> None:
        """Empty every field and drop the dialog's references to them; the dialog cannot be used again."""
        if self._closed:
            return
        self._clear_fields()
        self._closed = True
        for edit in self._edits.values():
            edit.setEnabled(False)
        self._edits = {}

    def done(self, result: int) -> None:
        """Accept, reject (Esc, [キャンセル]) and close all end here: the fields are wiped first."""
        self._wipe()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._wipe()
        super().closeEvent(event)

    def entry_result(self) -> EntryResult:
        """The result for the host: the last operation's, else the state's, else cancelled."""
        return self.outcome or EntryResult(int(ExitCode.CANCELLED), {"result": "cancelled"})


class ChangePinDialog(PinDialog):
    """「PIN(暗証番号)の変更」: the current PIN, the new PIN, the new PIN again."""

    entry_id = "change-pin"
    operation = Operation.CHANGE_PIN
    fields = (Field.CURRENT_PIN, Field.NEW_PIN, Field.CONFIRM)
    _title_key = "entry.change_pin"
    _intro_key = "gui.change.intro"
    _done_key = "change.done"

    def _offer_unlock(self, status: CardStatus | None) -> bool:
        if status is None or status.state is CardState.DEAD:
            return False
        return any(a in (Advice.UNLOCK, Advice.RESET_RECOMMENDED, Advice.PIN_FINAL_TRY) for a in status.advices)

    def _operate(self, service: PinService, prompter: AnswerPrompter, shown: CardStatus) -> Outcome:
        return service.change_pin(prompter, echo=self._show.isChecked(), shown=shown)


class UnlockDialog(PinDialog):
    """「ICカードのロック解除」: the PIN printed on the sheet, the new PIN, the new PIN again."""

    entry_id = "unlock"
    operation = Operation.UNLOCK
    fields = (Field.UNBLOCK_CODE, Field.NEW_PIN, Field.CONFIRM)
    _title_key = "entry.unlock"
    _intro_key = "unlock.intro"
    _done_key = "unlock.done"

    def _operate(self, service: PinService, prompter: AnswerPrompter, shown: CardStatus) -> Outcome:
        # the last try of the code is confirmed through the prompter: the dialog's checkbox answers the question
        return service.unlock(prompter, echo=self._show.isChecked(), final_try_ok=False, shown=shown)


#: the dialog of each menu entry that has one
DIALOGS: dict[str, type[PinDialog]] = {ChangePinDialog.entry_id: ChangePinDialog, UnlockDialog.entry_id: UnlockDialog}


def run_entry(entry_id: str, request: Request, parent: object = None) -> EntryResult | None:
    """Open the dialog of ``entry_id`` modally over ``parent`` and return its result once it is closed.

    The change dialog may lead on to the unlock dialog (its [ICカードのロック解除(PIN(暗証番号)のリセット)] button);
    the last one's result is returned. Each dialog is deleted when closed.

    :param parent: the host's window (a ``QWidget``), or None.
    :returns: None when ``entry_id`` has no dialog (the host then runs the entry its own way).
    """
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        return None  # no window to show a dialog in: the host runs the entry its own way
    owner = parent if isinstance(parent, QWidget) else None
    result: EntryResult | None = None
    current: str | None = entry_id
    while current is not None and current in DIALOGS:
        dialog = DIALOGS[current](request, owner)
        try:
            dialog.exec()
            result = dialog.entry_result()
            current = dialog.next_entry
        finally:
            dialog.deleteLater()
    return result
