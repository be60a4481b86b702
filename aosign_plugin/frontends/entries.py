"""The plugin's menu entries as the host runs them: on a terminal (or with the host's generic window prompts), and
the card's status panel in the host's window.

Each entry asks the service (:mod:`aosign_plugin.service.pin_service`), which decides everything, and renders what
it says with the terminal's words (:mod:`.terminal_view`) or, in the host's window, the window's
(:mod:`.gui.window_wording`). Nothing heavy is imported at module level.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aosign_plugin import catalogs
from aosign_plugin.service.outcomes import Operation
from hostapp_stub.api import Closeable, EntryResult, ExitCode, HostUI, PanelView, Request, Tone

if TYPE_CHECKING:
    from aosign_plugin.backends import CardBackend
    from aosign_plugin.domain.card_status import CardStatus
    from aosign_plugin.domain.errors import AosignError
    from aosign_plugin.policy.rules import Field
    from aosign_plugin.service.outcomes import Consent, Notice, Outcome
    from aosign_plugin.service.pin_service import PinService

__all__ = ["HostAsker", "read_card_panel", "run_change_pin", "run_status", "run_unlock", "watch_card_panel"]

#: what a missing card (reader, service, token) is: awaited on a terminal and shown as a state in the window
WAITABLE = ("no_card", "no_reader", "no_service", "no_sim_card", "no_token")
#: how often a terminal waiting for a card wakes to let Ctrl-C in (the watch itself blocks in the service)
_WAKE_S = 1.0
#: while waiting for a card, the service is asked again this often even when the watch says nothing (a watch that
#: lost its service, a PC/SC layer that misses an event): the wait never depends on the watch alone
_PROBE_S = 5.0
#: the window's card panel: how long one read waits for a card another program holds (the window must not freeze),
#: and how often it looks again while the card is in use (no card event says when the other program lets go)
_PANEL_BUSY_WAIT_S = 1
_PANEL_BUSY_RETRY_S = 3.0
#: the card panel's last read found the card in use (one window per process reads it)
_panel_busy = [False]


def _for_surface(
    lines: list[str], request: Request, *, left: int | None = None, detail: str | None = None
) -> list[str]:
    """Lines in the words of where they are shown: a window names buttons where a terminal names commands."""
    if request.surface != "window":
        return lines
    from aosign_plugin.frontends.gui.window_wording import window_lines  # no Qt in it

    return window_lines(lines, request.lang, left=left, detail=detail)


class HostAsker:
    """The service's :class:`~aosign_plugin.service.outcomes.Asker` over the host's UI (a terminal, a script, or
    the host's generic window prompts): notices, prompts and questions in the user's words."""

    def __init__(self, ui: HostUI, request: Request) -> None:
        self.ui = ui
        self.request = request

    @property
    def interactive(self) -> bool:
        return self.ui.interactive

    @property
    def asks_again(self) -> bool:
        """Each answer is typed as it is asked (not a script's lines): a refused new PIN can be asked again."""
        return self.ui.interactive

    def notify(self, notice: Notice) -> None:
        from aosign_plugin.frontends.terminal_view import notice_text

        for line in _for_surface([notice_text(notice, self.ui.lang)], self.request, left=notice.tries_left):
            self.ui.notice(line)

    def ask_secret(self, field: Field, *, echo: bool) -> bytearray:
        from aosign_plugin.frontends.terminal_view import prompt_text

        return self.ui.ask_secret(prompt_text(field, self.ui.lang), echo=echo)

    def confirm(self, consent: Consent) -> bool:
        from aosign_plugin.frontends.terminal_view import consent_text

        return self.ui.confirm(consent_text(consent, self.ui.lang))


def _open(request: Request, *, busy_wait: int | None = None) -> PinService:
    """The service for the manifest in force (the host refused an invalid one already).

    :param busy_wait: at most this many seconds' wait for a card another program holds (the window's panel: it
        shows the state and looks again), instead of ``[plugin] card_busy_wait``.
    :raises AosignError: the backend cannot be opened.
    """
    from aosign_plugin.config.settings import parse_settings
    from aosign_plugin.service.pin_service import open_service
    from hostapp_stub.api import replace

    settings, _ = parse_settings(request.manifest)
    if busy_wait is not None and busy_wait < settings.card_busy_wait:
        settings = replace(settings, card_busy_wait=busy_wait)
    return open_service(settings)


def _report(error: AosignError, request: Request, ui: HostUI) -> EntryResult:
    """Say an error that stopped the entry (text, or JSON for scripts) and give its result."""
    from aosign_plugin.domain.errors import CardUnavailableError, PinError
    from aosign_plugin.frontends.terminal_view import error_report

    code, lines = error_report(error, ui.lang)
    if request.flag("json"):
        reason = error.reason.value if isinstance(error, CardUnavailableError) else type(error).__name__
        ui.emit_json({"error": {"code": reason, "exit_code": int(code), "message": " ".join(lines)}})
    elif not request.flag("quiet"):
        left = error.tries_left if isinstance(error, PinError) else None
        detail = error.detail if isinstance(error, CardUnavailableError) else None
        for line in _for_surface(lines, request, left=left, detail=detail):
            ui.notice(line)
    tries = error.tries_left if isinstance(error, PinError) else None
    return EntryResult(int(code), {"error": type(error).__name__, "tries_left": tries})


def run_status(request: Request, ui: HostUI) -> EntryResult:
    """``status [--json] [--quiet]``: the card's state, no try spent."""
    from aosign_plugin.domain.card_status import CardState
    from aosign_plugin.domain.errors import AosignError
    from aosign_plugin.frontends.terminal_view import status_json, status_lines

    try:
        service = _open(request)
        _wait_for_card(service.backend, request, ui)
        status = service.status()
    except AosignError as e:
        return _report(e, request, ui)
    except KeyboardInterrupt:
        return _cancelled(ui)
    data = status_json(status, ui.lang)
    if request.flag("quiet"):
        codes = {CardState.READY: ExitCode.OK, CardState.LOCKED: ExitCode.LOCKED, CardState.DEAD: ExitCode.UNUSABLE}
        code = codes[status.state]
        if code is ExitCode.OK and not status.can_sign:  # the PIN works, the certificate cannot sign today
            code = ExitCode.CANNOT_SIGN
        return EntryResult(int(code), data)
    if request.flag("json"):
        ui.emit_json(data)
    else:
        for line in _for_surface(status_lines(status, ui.lang), request, left=status.pin.tries_left):
            ui.say(line)
    return EntryResult(0, data)


def _missing(backend: CardBackend) -> str | None:
    """What is missing for a card to be reached (a reason of :data:`WAITABLE`), asked without an APDU; None when a
    card is there (or when what stops it is not something to wait for: the operation then says it)."""
    from aosign_plugin.domain.errors import CardUnavailableError

    try:
        backend.identity()
    except CardUnavailableError as e:
        return e.reason.value if e.reason.value in WAITABLE else None
    return None


def _awaited_fix(missing: str, backend: CardBackend, lang: str) -> list[str]:
    """The command that ends the wait, when it is one (a simulated card to issue: at the backend's state file)."""
    from aosign_plugin.simcard.fixes import fault_fix

    fix = fault_fix(missing, getattr(backend, "state_path", None), lang)
    return [fix] if fix else []


def _wait_for_card(backend: CardBackend, request: Request, ui: HostUI) -> None:
    """On a terminal with no card (no reader, no service): say what is awaited and wait for it, watching the
    service (no APDU, no busy loop). ``--no-wait``, ``--quiet``, ``--json`` or a non-terminal standard input: no
    wait, the operation fails at once as before (exit 6).

    :raises KeyboardInterrupt: the user stopped waiting (Ctrl-C).
    """
    if request.flag("no-wait") or request.flag("quiet") or request.flag("json") or not ui.interactive:
        return
    missing = _missing(backend)
    if missing is None:
        return
    import threading  # only to wait: a status that finds its card needs no thread

    woken = threading.Event()
    watch = backend.watch(lambda _presence: woken.set())
    try:
        import time

        said = None
        probed = time.monotonic()
        while missing is not None:
            if missing != said:
                ui.notice(catalogs.text(f"wait.{missing}", ui.lang) + " " + catalogs.text("wait.cli_hint", ui.lang))
                for line in _awaited_fix(missing, backend, ui.lang):
                    ui.notice(line)
                said = missing
            woken.wait(_WAKE_S)
            if woken.is_set() or time.monotonic() - probed >= _PROBE_S:
                woken.clear()
                probed = time.monotonic()
                missing = _missing(backend)
    finally:
        watch.close()


def _finish(outcome: Outcome, request: Request, ui: HostUI, done_key: str, done_word: str) -> EntryResult:
    if outcome.error is not None:
        result = _report(outcome.error, request, ui)
    else:
        ui.say(catalogs.text(done_key, ui.lang))
        result = EntryResult(0, {"result": done_word})
    if outcome.audit_failure:
        ui.notice(catalogs.text("audit.failed", ui.lang, detail=outcome.audit_failure))
    return result


def _cancelled(ui: HostUI) -> EntryResult:
    ui.notice("\n" + catalogs.text("cancelled", ui.lang))
    return EntryResult(int(ExitCode.CANCELLED), {"result": "cancelled"})


def _run_pin_entry(request: Request, ui: HostUI, operation: Operation) -> EntryResult:
    """A PIN entry: open the service, let it ask and send its one try, say how it ended."""
    from aosign_plugin.domain.errors import AosignError

    try:
        service = _open(request)
    except AosignError as e:
        return _report(e, request, ui)
    asker, echo = HostAsker(ui, request), request.flag("show-input")
    try:
        _wait_for_card(service.backend, request, ui)
        shown = _show_before_asking(service, ui)
        if operation is Operation.CHANGE_PIN:
            outcome = service.change_pin(asker, echo=echo, shown=shown, just_read=True)
            return _finish(outcome, request, ui, "change.done", "changed")
        outcome = service.unlock(asker, echo=echo, final_try_ok=request.flag("final-try"), shown=shown, just_read=True)
        return _finish(outcome, request, ui, "unlock.done", "unlocked")
    except KeyboardInterrupt:
        return _cancelled(ui)


def _show_before_asking(service: PinService, ui: HostUI) -> CardStatus | None:
    """The card's state and tries, said before the first prompt (as the window shows them), so that "changed since
    they were shown" is true when it is said. None when the card cannot be read: the service then says why (and
    writes its audit line)."""
    from aosign_plugin.domain.errors import AosignError
    from aosign_plugin.frontends.terminal_view import before_asking_line

    try:
        shown = service.status()
    except AosignError:
        return None
    ui.notice(before_asking_line(shown, ui.lang))
    return shown


def run_change_pin(request: Request, ui: HostUI) -> EntryResult:
    """``change-pin [--show-input]``: the current PIN, the new PIN twice, one try."""
    return _run_pin_entry(request, ui, Operation.CHANGE_PIN)


def run_unlock(request: Request, ui: HostUI) -> EntryResult:
    """``unlock [--show-input] [--final-try]``: the sheet's code, the new PIN twice, one try of the code."""
    return _run_pin_entry(request, ui, Operation.UNLOCK)


def read_card_panel(request: Request) -> PanelView:
    """The card's status for the host's window: read without spending a try, in the window's words. With no card
    (no reader, no service), what is awaited, as a state: no APDU is sent then."""
    from aosign_plugin.domain.errors import AosignError, CardUnavailableError
    from aosign_plugin.frontends.glance import glance
    from aosign_plugin.frontends.terminal_view import error_report

    _panel_busy[0] = False
    try:
        service = _open(request, busy_wait=_PANEL_BUSY_WAIT_S)
        missing = _missing(service.backend)
        if missing is not None:
            fix = _awaited_fix(missing, service.backend, request.lang)
            return PanelView((catalogs.text(f"wait.{missing}", request.lang), *fix), Tone.PLAIN)
        status = service.status()
    except AosignError as e:
        if isinstance(e, CardUnavailableError) and e.reason.value in WAITABLE:  # it left between the two looks
            return PanelView((catalogs.text(f"wait.{e.reason.value}", request.lang),), Tone.PLAIN)
        if isinstance(e, CardUnavailableError) and e.reason.value == "card_in_use":
            # a state, not a failure: the panel looks again (watch_card_panel) until the other program lets go
            _panel_busy[0] = True
            return PanelView((catalogs.text("wait.card_in_use", request.lang),), Tone.PLAIN)
        _, lines = error_report(e, request.lang)
        detail = e.detail if isinstance(e, CardUnavailableError) else None
        headline = catalogs.text("gui.state.unknown", request.lang)
        return PanelView((), Tone.ERROR, headline=headline, advice=tuple(_for_surface(lines, request, detail=detail)))
    seen = glance(status, request.lang)  # the state at a glance: mark and headline, the counts large, the advice
    advice = _for_surface(seen.advice, request, left=status.pin.tries_left)
    return PanelView(tuple(seen.details), seen.tone, headline=seen.headline, figures=seen.figures, advice=tuple(advice))


class _NoWatch:
    def close(self) -> None:
        pass


class _BusyRetry:
    """While the card panel's last read found the card in use, say "changed" every few seconds so that the window
    reads it again (another program's transaction ending is no card event the presence watch could see)."""

    def __init__(self, changed: Callable[[], None], watch: Closeable) -> None:
        import threading

        self._changed = changed
        self._watch = watch
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="aosign-busy-retry", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopping.wait(_PANEL_BUSY_RETRY_S):
            if _panel_busy[0]:
                self._changed()

    def close(self) -> None:
        self._stopping.set()
        self._watch.close()


def watch_card_panel(request: Request, changed: Callable[[], None]) -> Closeable:
    """The card panel's watch for the host's window: the PC/SC service's reader states (or the simulated card's
    state file, or the PKCS#11 slot list), in a background thread; ``changed`` is called when a card arrives or
    leaves, a reader or the service comes or goes. No APDU, no session, no login.

    The first look is what the window reads as it opens: only changes after it call back.
    """
    from aosign_plugin.domain.errors import AosignError

    try:
        backend = _open(request).backend
        seen = [False]

        def on_presence(_presence: object) -> None:
            if seen[0]:
                changed()
            seen[0] = True

        return _BusyRetry(changed, backend.watch(on_presence))
    except AosignError:
        return _BusyRetry(changed, _NoWatch())  # the panel says why; [refresh], or the retry when in use, reads again
