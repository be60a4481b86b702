"""The plugin's hook implementations: thin, they delegate to the service and the presentation.

Loaded by the host through the ``aosign_host`` entry point. Nothing heavy is imported at module level: a backend's
libraries load only when a command needs the card.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aosign_plugin import catalogs
from hostapp_stub.api import EntryOption, EntryResult, HostUI, MenuEntry, Request, hookimpl

__all__ = [
    "aosign_card_status",
    "aosign_change_pin",
    "aosign_gui_run",
    "aosign_manifest_problems",
    "aosign_manifest_tables",
    "aosign_register_menu_entries",
    "aosign_unlock",
]


def _labels(key: str) -> dict[str, str]:
    return {lang: catalogs.text(key, lang) for lang in catalogs.LANGUAGES}


@hookimpl
def aosign_register_menu_entries(register: Callable[[MenuEntry], None]) -> None:
    show = EntryOption("show-input", _labels("option.show_input"))
    status_options = (EntryOption("json", _labels("option.json")), EntryOption("quiet", _labels("option.quiet")))
    register(MenuEntry("status", _labels("entry.status"), "aosign_card_status", status_options))
    register(MenuEntry("change-pin", _labels("entry.change_pin"), "aosign_change_pin", (show,)))
    register(
        MenuEntry(
            "unlock",
            _labels("entry.unlock"),
            "aosign_unlock",
            (show, EntryOption("final-try", _labels("option.final_try"))),
        )
    )


@hookimpl
def aosign_manifest_tables() -> list[str]:
    from aosign_plugin.service.settings import TABLES

    return list(TABLES)


@hookimpl
def aosign_manifest_problems(manifest: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    from aosign_plugin.service.settings import parse_settings

    _, problems = parse_settings(manifest)
    return [(p.key, catalogs.text(p.message, lang, **p.params)) for p in problems]


def _run(
    request: Request, ui: HostUI, action: Callable[[Any], EntryResult], operation: str | None = None
) -> EntryResult:
    """Open the backend, run ``action(service)``, turn errors into texts and exit codes, audit PIN operations."""
    from aosign_plugin.backends import open_backend
    from aosign_plugin.domain.errors import AosignError, CardUnavailableError, PinError
    from aosign_plugin.frontends.terminal_view import error_report
    from aosign_plugin.service.audit import outcome_fields
    from aosign_plugin.service.pin_service import PinService
    from aosign_plugin.service.settings import parse_settings

    settings, _ = parse_settings(request.manifest)  # the host refused an invalid manifest already
    backend: Any = None
    audit: dict[str, object] = {}
    try:
        backend = open_backend(settings)
        result = action(PinService(backend, settings.policy))
        audit = outcome_fields(operation or "", "ok")
    except AosignError as e:
        code, lines = error_report(e, ui.lang)
        if request.flag("json"):
            reason = e.reason if isinstance(e, CardUnavailableError) else type(e).__name__
            ui.emit_json({"error": {"code": reason, "exit_code": int(code), "message": " ".join(lines)}})
        elif not request.flag("quiet"):
            if request.surface == "window":
                from aosign_plugin.frontends.gui.window_wording import window_lines  # no Qt in it

                detail = e.detail if isinstance(e, CardUnavailableError) else None
                lines = window_lines(lines, ui.lang, left=getattr(e, "tries_left", None), detail=detail)
            for line in lines:
                ui.notice(line)
        audit = outcome_fields(operation or "", code.name.lower(), e)
        tries = e.tries_left if isinstance(e, PinError) else None
        result = EntryResult(int(code), {"error": type(e).__name__, "tries_left": tries})
    if operation is not None:
        from aosign_plugin.service.audit import record

        warning = record(
            settings.audit,
            {
                "operation": operation,
                "backend": settings.backend.value,
                "reader": getattr(backend, "reader", None),
                "exit_code": result.exit_code,
                **audit,
            },
        )
        if warning:
            ui.notice(catalogs.text("audit.failed", ui.lang, detail=warning))
    return result


@hookimpl
def aosign_card_status(request: Request, ui: HostUI) -> EntryResult | None:
    from aosign_plugin.domain.card_status import CardState
    from aosign_plugin.frontends.terminal_view import ExitCode, status_json, status_lines

    def action(service: Any) -> EntryResult:
        status = service.status()
        data = status_json(status, ui.lang)
        if request.flag("quiet"):
            codes = {CardState.READY: ExitCode.OK, CardState.LOCKED: ExitCode.LOCKED, CardState.DEAD: ExitCode.DEAD}
            return EntryResult(int(codes[status.state]), data)
        if request.flag("json"):
            ui.emit_json(data)
        else:
            lines = status_lines(status, ui.lang)
            if request.surface == "window":
                from aosign_plugin.frontends.gui.window_wording import window_lines  # no Qt in it

                lines = window_lines(lines, ui.lang, left=status.pin.tries_left)
            for line in lines:
                ui.say(line)
        return EntryResult(0, data)

    return _run(request, ui, action)


@hookimpl
def aosign_change_pin(request: Request, ui: HostUI) -> EntryResult | None:
    def action(service: Any) -> EntryResult:
        service.change_pin(ui, echo=request.flag("show-input"))
        ui.say(catalogs.text("change.done", ui.lang))
        return EntryResult(0, {"result": "changed"})

    return _run(request, ui, action, "change-pin")


@hookimpl
def aosign_unlock(request: Request, ui: HostUI) -> EntryResult | None:
    def action(service: Any) -> EntryResult:
        service.unlock(ui, echo=request.flag("show-input"), final_try_ok=request.flag("final-try"))
        ui.say(catalogs.text("unlock.done", ui.lang))
        return EntryResult(0, {"result": "unlocked"})

    return _run(request, ui, action, "unlock")


@hookimpl
def aosign_gui_run(entry_id: str, request: Request, parent: object) -> EntryResult | None:
    """The PIN dialogs for ``change-pin`` and ``unlock``; None for the other entries (and other plugins')."""
    if entry_id not in ("change-pin", "unlock"):
        return None
    from aosign_plugin.frontends.gui import (
        run_entry,  # PySide6: loaded only here, when the host's window asks for a dialog
    )

    return run_entry(entry_id, request, parent)
