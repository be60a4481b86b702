"""Plugin discovery: the entry-point group ``aosign_host``, loaded once per process."""

from __future__ import annotations

import pluggy

from . import hookspecs
from .api import PROJECT, MenuEntry

__all__ = ["DuplicateEntryError", "load_plugins", "menu_entries"]

_pm: pluggy.PluginManager | None = None


class DuplicateEntryError(Exception):
    """Two plugins registered the same menu entry id."""


def load_plugins(pm: pluggy.PluginManager | None = None) -> pluggy.PluginManager:
    """The plugin manager with every installed plugin registered; idempotent.

    :param pm: a fresh manager to fill instead of the process-wide one (tests).
    """
    global _pm
    if pm is None:
        if _pm is not None:
            return _pm
        pm = _pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.load_setuptools_entrypoints(PROJECT)
    pm.check_pending()
    return pm


def menu_entries(pm: pluggy.PluginManager) -> list[MenuEntry]:
    """Every plugin's menu entries, in registration order, each tagged with its plugin's name.

    :raises DuplicateEntryError: two entries share an id.
    """
    entries: list[MenuEntry] = []
    seen: dict[str, str] = {}
    for impl in pm.hook.aosign_register_menu_entries.get_hookimpls():
        name = pm.get_name(impl.plugin) or impl.plugin_name

        def register(entry: MenuEntry, _name: str = name) -> None:
            if entry.id in seen:
                raise DuplicateEntryError(f"menu entry {entry.id!r} registered by {seen[entry.id]} and {_name}")
            seen[entry.id] = _name
            entries.append(
                MenuEntry(id=entry.id, label=entry.label, hook=entry.hook, options=entry.options, plugin=_name)
            )

        impl.function(register=register)
    return entries
