"""The host's hook specifications. Plugins implement them with :data:`hostapp_stub.api.hookimpl`.

The host is generic: its hooks know menu entries, status panels and manifest tables, never what a plugin does. An
entry carries the function that runs it, so no hook is called to run an entry and no plugin can answer for
another's. All hooks are called with keyword arguments only, through ``pm.hook``, one plugin at a time.

Every call the host makes into a plugin is guarded (``hostapp_stub.plugins``): a plugin that raises while it is
imported, in a hook, or in an entry's ``run``, a panel's ``read`` or ``watch``, is named on standard error (its
distribution, version, the hook, the exception's type and first line; the traceback with ``-v``) and what it would
have added is left out; everything else works. ``doctor`` and the window's support information list it as a failed
check whose fix is to update or remove that distribution. An entry whose ``run`` raises ends the command with exit
9. A registration hook that hands ``register`` something other than a :class:`~hostapp_stub.api.MenuEntry` or
:class:`~hostapp_stub.api.StatusPanel` (or one without an id, texts per language and a function) counts as raising.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pluggy import HookspecMarker

from .api import PROJECT, Check, MenuEntry, Request, StatusPanel

hookspec = HookspecMarker(PROJECT)


@hookspec
def hostapp_register_menu_entries(register: Callable[[MenuEntry], None]) -> None:
    """Add the plugin's menu entries.

    :param register: call it once per :class:`~hostapp_stub.api.MenuEntry`.
    """


@hookspec
def hostapp_register_status_panels(register: Callable[[StatusPanel], None]) -> None:
    """Add the plugin's status panels for the host's window.

    :param register: call it once per :class:`~hostapp_stub.api.StatusPanel`.
    """


@hookspec
def hostapp_manifest_tables() -> list[str]:  # type: ignore[empty-body]
    """The top-level manifest tables the plugin owns (a table nobody owns is an error).

    :returns: table names.
    """


@hookspec
def hostapp_manifest_problems(  # type: ignore[empty-body]
    manifest: Mapping[str, Any], lang: str
) -> list[tuple[str, str]]:
    """Check the plugin's tables of the manifest.

    :param manifest: the parsed manifest (merged from the system and user files).
    :param lang: the language for the texts.
    :returns: one ``(dotted key, text)`` per problem (empty when all is well); the host adds file, line, column.
    """


@hookspec
def hostapp_manifest_paths() -> list[str]:  # type: ignore[empty-body]
    """The plugin's keys whose values are file paths, dotted (``audit.path``).

    The host makes each absolute before the plugin sees it: ``~``, ``%VAR%`` on Windows, then relative to the folder
    of the manifest file that set it.

    :returns: dotted keys.
    """


@hookspec
def hostapp_manifest_warnings(  # type: ignore[empty-body]
    manifest: Mapping[str, Any], system_keys: frozenset[str], lang: str
) -> list[tuple[str, str]]:
    """What ``manifest check`` should warn about in the plugin's tables without refusing the manifest.

    :param manifest: the parsed manifest, paths made absolute.
    :param system_keys: the dotted keys whose values come from the system manifest (they serve every user).
    :param lang: the language for the texts.
    :returns: one ``(dotted key, text)`` per warning.
    """


@hookspec
def hostapp_manifest_schema() -> dict[str, dict[str, Any]]:  # type: ignore[empty-body]
    """The JSON Schema (draft 2020-12) of each manifest table the plugin owns, for ``aosign-host manifest schema``
    (administrators' editors validate and complete the manifest with it).

    Declare it from the same place as the checks of :func:`hostapp_manifest_problems`, so the two cannot disagree;
    what a schema cannot say (a file that must exist, a value relative to another) is left to those checks.

    :returns: ``{table name: schema of that table}``.
    """


@hookspec
def hostapp_doctor_checks(request: Request) -> list[Check]:  # type: ignore[empty-body]
    """Diagnose the plugin's part of the set-up for ``aosign-host doctor``, in the order a helpdesk would ask.

    Nothing a check does may change anything, cost a try or show a secret; a check that cannot run is a failed
    :class:`~hostapp_stub.api.Check` with the reason, never an exception.

    :param request: the language and the manifest in force (``surface`` says where the texts are shown).
    :returns: the plugin's checks, each with a fix when it failed.
    """
