"""The host's hook specifications. Plugins implement them with :data:`hostapp_stub.api.hookimpl`.

All hooks are called with keyword arguments only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pluggy import HookspecMarker

from .api import PROJECT, EntryResult, HostUI, MenuEntry, Request

hookspec = HookspecMarker(PROJECT)


@hookspec
def aosign_register_menu_entries(register: Callable[[MenuEntry], None]) -> None:
    """Add the plugin's menu entries.

    :param register: call it once per :class:`~hostapp_stub.api.MenuEntry`.
    """


@hookspec
def aosign_manifest_tables() -> list[str]:  # type: ignore[empty-body]
    """The top-level manifest tables the plugin owns (a table nobody owns is an error).

    :returns: table names.
    """


@hookspec
def aosign_manifest_problems(  # type: ignore[empty-body]
    manifest: Mapping[str, Any], lang: str
) -> list[tuple[str, str]]:
    """Check the plugin's tables of the manifest.

    :param manifest: the parsed manifest (merged from the system and user files).
    :param lang: the language for the texts.
    :returns: one ``(dotted key, text)`` per problem (empty when all is well); the host adds file, line, column.
    """


@hookspec(firstresult=True)
def aosign_card_status(request: Request, ui: HostUI) -> EntryResult | None:
    """Show the card's state without spending a try. Stops at first non-None result.

    :param request: language, manifest and flags (``json``).
    :param ui: where to print.
    :returns: the exit code and the status as JSON-ready data.
    """


@hookspec(firstresult=True)
def aosign_change_pin(request: Request, ui: HostUI) -> EntryResult | None:
    """Change the card's PIN, asking the user through ``ui``. Stops at first non-None result.

    :param request: language, manifest and flags (``show-input``).
    :param ui: prompts and output; PINs come back from it as bytearrays.
    :returns: the exit code of CONTRACT.md.
    """


@hookspec(firstresult=True)
def aosign_unlock(request: Request, ui: HostUI) -> EntryResult | None:
    """Reset (unlock) the PIN with the unblocking code from the sheet. Stops at first non-None result.

    :param request: language, manifest and flags (``show-input``, ``final-try``).
    :param ui: prompts and output.
    :returns: the exit code of CONTRACT.md.
    """


@hookspec(firstresult=True)
def aosign_gui_run(entry_id: str, request: Request, parent: object) -> EntryResult | None:
    """Run a menu entry with the plugin's own dialog in the host's window. Stops at first non-None result.

    Called by ``aosign-host gui`` only. An implementation imports its GUI toolkit (PySide6) inside the function,
    never at module level: the command line loads the same hook modules and must not load Qt.

    :param entry_id: the id of the menu entry chosen (``change-pin``); ids are unique across plugins, so a plugin
        answers only for the entries it registered.
    :param request: language, manifest and the entry's flags, as for the entry's own hook.
    :param parent: the host's main window, a ``PySide6.QtWidgets.QWidget`` (typed ``object`` so that this module
        never imports Qt), or None.
    :returns: the result once the dialog is closed; None when the plugin has no dialog for this entry: the host
        then calls the entry's own hook with its generic window prompts.
    """
