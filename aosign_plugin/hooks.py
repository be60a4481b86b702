"""The plugin's hook implementations: thin, they delegate to the service and the presentation.

Loaded by the host through the ``aosign_host`` entry point. Nothing heavy is imported at module level: a backend's
libraries load only when a command needs the card.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from hostapp_stub.api import EntryOption, EntryResult, HostUI, MenuEntry, Request, hookimpl

from . import messages

__all__ = [
    "aosign_card_status",
    "aosign_change_pin",
    "aosign_manifest_problems",
    "aosign_manifest_tables",
    "aosign_register_menu_entries",
    "aosign_unlock",
]


def _labels(key: str) -> dict[str, str]:
    return {lang: messages.text(key, lang) for lang in messages.LANGUAGES}


@hookimpl
def aosign_register_menu_entries(register: Callable[[MenuEntry], None]) -> None:
    show = EntryOption("show-input", _labels("option.show_input"))
    register(
        MenuEntry(
            "status", _labels("entry.status"), "aosign_card_status", (EntryOption("json", _labels("option.json")),)
        )
    )
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
    from .settings import TABLES

    return list(TABLES)


@hookimpl
def aosign_manifest_problems(manifest: Mapping[str, Any], lang: str) -> list[str]:
    from .settings import parse_settings

    _, problems = parse_settings(manifest)
    return [f"{p.key}: {messages.text(p.message, lang, **p.params)}" for p in problems]


def _run(request: Request, ui: HostUI, action: Callable[[Any], EntryResult]) -> EntryResult:
    from .backends import open_backend
    from .errors import AosignError
    from .present import error_report
    from .service import PinService
    from .settings import parse_settings

    settings, _ = parse_settings(request.manifest)  # the host refused an invalid manifest already
    try:
        service = PinService(open_backend(settings), settings.policy)
        return action(service)
    except AosignError as e:
        code, lines = error_report(e, ui.lang)
        for line in lines:
            ui.notice(line)
        return EntryResult(int(code), {"error": type(e).__name__, "tries_left": getattr(e, "tries_left", None)})


@hookimpl
def aosign_card_status(request: Request, ui: HostUI) -> EntryResult | None:
    from .present import status_json, status_lines

    def action(service: Any) -> EntryResult:
        status = service.status()
        data = status_json(status, ui.lang)
        if request.flag("json"):
            ui.emit_json(data)
        else:
            for line in status_lines(status, ui.lang):
                ui.say(line)
        return EntryResult(0, data)

    return _run(request, ui, action)


@hookimpl
def aosign_change_pin(request: Request, ui: HostUI) -> EntryResult | None:
    def action(service: Any) -> EntryResult:
        service.change_pin(ui, echo=request.flag("show-input"))
        ui.say(messages.text("change.done", ui.lang))
        return EntryResult(0, {"result": "changed"})

    return _run(request, ui, action)


@hookimpl
def aosign_unlock(request: Request, ui: HostUI) -> EntryResult | None:
    def action(service: Any) -> EntryResult:
        service.unlock(ui, echo=request.flag("show-input"), final_try_ok=request.flag("final-try"))
        ui.say(messages.text("unlock.done", ui.lang))
        return EntryResult(0, {"result": "unlocked"})

    return _run(request, ui, action)
