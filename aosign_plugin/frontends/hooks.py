"""The plugin's hook implementations: thin. They register the menu entries and the status panel, each carrying the
function that runs it (:mod:`.entries`, and the PIN dialogs of :mod:`.gui` in the host's window), and hand the
manifest's tables to :mod:`aosign_plugin.config.settings`.

Loaded by the host through the ``aosign_host`` entry point. Nothing heavy is imported at module level: a backend's
libraries load only when an entry needs the card, Qt only when the window opens a dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aosign_plugin import catalogs
from aosign_plugin.catalogs import PerLanguage
from hostapp_stub.api import (
    Check,
    Closeable,
    EntryOption,
    EntryResult,
    HostUI,
    MenuEntry,
    PanelView,
    Request,
    StatusPanel,
    hookimpl,
)

__all__ = [
    "hostapp_doctor_checks",
    "hostapp_manifest_paths",
    "hostapp_manifest_problems",
    "hostapp_manifest_schema",
    "hostapp_manifest_tables",
    "hostapp_manifest_warnings",
    "hostapp_register_menu_entries",
    "hostapp_register_status_panels",
]


# The entries and the panel load the card's layers (service, domain, backends) when they run, not when the host
# lists the menu: ``aosign-host menu`` and every other plugin's entry start without them.


def _run_status(request: Request, ui: HostUI) -> EntryResult:
    from aosign_plugin.frontends.entries import run_status

    return run_status(request, ui)


def _run_change_pin(request: Request, ui: HostUI) -> EntryResult:
    from aosign_plugin.frontends.entries import run_change_pin

    return run_change_pin(request, ui)


def _run_unlock(request: Request, ui: HostUI) -> EntryResult:
    from aosign_plugin.frontends.entries import run_unlock

    return run_unlock(request, ui)


def _read_card_panel(request: Request) -> PanelView:
    from aosign_plugin.frontends.entries import read_card_panel

    return read_card_panel(request)


def _watch_card_panel(request: Request, changed: Callable[[], None]) -> Closeable:
    from aosign_plugin.frontends.entries import watch_card_panel

    return watch_card_panel(request, changed)


def _dialog(entry_id: str) -> Callable[[Request, object], EntryResult | None]:
    def run_in_window(request: Request, parent: object) -> EntryResult | None:
        from aosign_plugin.frontends.gui import run_entry  # PySide6: loaded only here, by the host's window

        return run_entry(entry_id, request, parent)

    return run_in_window


@hookimpl
def hostapp_register_menu_entries(register: Callable[[MenuEntry], None]) -> None:
    show = EntryOption("show-input", PerLanguage("option.show_input"))
    no_wait = EntryOption("no-wait", PerLanguage("option.no_wait"))
    status_options = (
        EntryOption("json", PerLanguage("option.json")),
        EntryOption("quiet", PerLanguage("option.quiet")),
        no_wait,
    )
    register(MenuEntry("status", PerLanguage("entry.status"), _run_status, status_options, output_only=True))
    change = (show, no_wait)
    register(MenuEntry("change-pin", PerLanguage("entry.change_pin"), _run_change_pin, change, _dialog("change-pin")))
    final_try = EntryOption("final-try", PerLanguage("option.final_try"))
    unlock = (show, final_try, no_wait)
    register(MenuEntry("unlock", PerLanguage("entry.unlock"), _run_unlock, unlock, _dialog("unlock")))


@hookimpl
def hostapp_register_status_panels(register: Callable[[StatusPanel], None]) -> None:
    register(StatusPanel("card", PerLanguage("panel.card"), _read_card_panel, _watch_card_panel))


@hookimpl
def hostapp_manifest_schema() -> dict[str, dict[str, Any]]:
    from aosign_plugin.config.keys import table_schemas

    return table_schemas()


@hookimpl
def hostapp_manifest_tables() -> list[str]:
    from aosign_plugin.config.settings import TABLES

    return list(TABLES)


@hookimpl
def hostapp_manifest_paths() -> list[str]:
    from aosign_plugin.config.settings import PATH_KEYS

    return list(PATH_KEYS)


@hookimpl
def hostapp_manifest_warnings(
    manifest: Mapping[str, Any], system_keys: frozenset[str], lang: str
) -> list[tuple[str, str]]:
    from aosign_plugin.config.settings import parse_settings
    from aosign_plugin.service.audit import path_warnings

    settings, _ = parse_settings(manifest)
    found = path_warnings(settings.audit, shared="audit.path" in system_keys)
    return [("audit.path", catalogs.text(key, lang, **params)) for key, params in found]


@hookimpl
def hostapp_manifest_problems(manifest: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    from aosign_plugin.config.settings import parse_settings

    _, problems = parse_settings(manifest)
    return [(p.key, catalogs.text(p.message, lang, **p.params)) for p in problems]


@hookimpl
def hostapp_doctor_checks(request: Request) -> list[Check]:
    from aosign_plugin.frontends.doctor_checks import doctor_checks  # imported for doctor only

    return doctor_checks(request)
