"""Plugin discovery: the entry-point group ``aosign_host``, loaded once per process.

Scanning every installed distribution's entry points costs ~40 ms (importlib.metadata), more than the rest of a
command. The result is therefore cached in the user's cache folder, keyed by the interpreter and by every
``sys.path`` folder with its modification time: installing or removing a distribution adds or removes a
``*.dist-info`` folder (or a ``.pth`` file) there, which changes the key, so the cache can never name a plugin
that is gone or miss one that came. A cached plugin that fails to import also forces a fresh scan.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pluggy

from . import hookspecs
from .api import HOST_COMMANDS, PROJECT, MenuEntry, StatusPanel
from .records import Record, replace

__all__ = [
    "Collision",
    "Menu",
    "PluginInfo",
    "distribution",
    "installed_plugins",
    "load_plugins",
    "menu",
    "plugin_info",
    "plugin_states",
    "status_panels",
]

_CACHE_FORMAT = 1
_pm: pluggy.PluginManager | None = None
_infos: dict[str, PluginInfo] = {}
_states: dict[str, tuple[PluginInfo, str]] = {}


class PluginInfo(Record):
    """One entry point of the ``aosign_host`` group: what it loads and which distribution brings it."""

    name: str
    value: str
    dist: str
    version: str


def _fingerprint() -> list[object]:
    """What the installed plugins depend on: the interpreter and every sys.path folder with its mtime."""
    key: list[object] = [_CACHE_FORMAT, sys.version, sys.prefix]
    for entry in sys.path:
        try:
            key.append([entry, os.stat(entry or ".").st_mtime_ns])
        except OSError:
            continue
    return key


def _cache_file() -> Path:
    from .platforms import cache_dir

    return cache_dir() / "plugins.json"


def _scan() -> list[PluginInfo]:
    from importlib.metadata import distributions

    found: list[PluginInfo] = []
    seen: set[str] = set()
    for dist in distributions():
        for ep in dist.entry_points:
            if ep.group != PROJECT or ep.name in seen:
                continue
            seen.add(ep.name)
            found.append(PluginInfo(ep.name, ep.value, dist.metadata["name"] or "", dist.version or ""))
    return found


def installed_plugins(*, use_cache: bool = True) -> list[PluginInfo]:
    """The ``aosign_host`` entry points of every installed distribution (from the cache when it is valid)."""
    path = _cache_file() if use_cache else None
    if path is not None:
        key = json.dumps(_fingerprint())
        for entry in _read_cache(path):
            if entry.get("key") == key:
                try:
                    return [PluginInfo(**item) for item in entry["plugins"]]
                except (KeyError, TypeError):
                    break
    found = _scan()
    if path is not None:
        _write_cache(path, found)
    return found


#: fingerprints kept: each way of starting the host (console script, python -m, a GUI launcher) has its own
_CACHE_ENTRIES = 4


def _read_cache(path: Path) -> list[dict[str, Any]]:
    from .cache_file import read_entries

    return read_entries(path, _CACHE_FORMAT)


def _write_cache(path: Path, found: list[PluginInfo]) -> None:
    from .cache_file import write_entry

    entry = {"key": json.dumps(_fingerprint()), "plugins": [vars(p) for p in found]}
    write_entry(path, _CACHE_FORMAT, entry, _CACHE_ENTRIES)


def _load(value: str) -> object:
    module, _, attr = value.partition(":")
    obj: object = importlib.import_module(module.strip())
    for part in attr.strip().split(".") if attr.strip() else ():
        obj = getattr(obj, part)
    return obj


def load_plugins(
    pm: pluggy.PluginManager | None = None,
    *,
    use_cache: bool = True,
    allowed: Callable[[str], bool] | None = None,
) -> pluggy.PluginManager:
    """The plugin manager with every installed plugin that may load registered; idempotent.

    :param pm: a fresh manager to fill instead of the process-wide one (tests).
    :param use_cache: False to scan the installed distributions whatever the cache says.
    :param allowed: says, by distribution name, whether a plugin may load; one that may not is never imported.
    """
    global _pm
    if pm is None:
        if _pm is not None:
            return _pm
        pm = _pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    infos = installed_plugins(use_cache=use_cache)

    def may_load(info: PluginInfo) -> bool:
        ok = allowed is None or allowed(info.dist)
        _states[info.name] = (info, "loaded" if ok else "blocked")
        return ok

    try:
        loaded = [(info, _load(info.value)) for info in infos if may_load(info)]
    except (ImportError, AttributeError):
        if not use_cache:
            raise
        # the cache named something that is gone: scan afresh (and let a real import error surface then)
        infos = installed_plugins(use_cache=False)
        _write_cache(_cache_file(), infos)
        loaded = [(info, _load(info.value)) for info in infos if may_load(info)]
    for info, plugin in loaded:
        if pm.get_plugin(info.name) is None and not pm.is_blocked(info.name):
            pm.register(plugin, name=info.name)
            _infos[info.name] = info
    pm.check_pending()
    return pm


def plugin_info(name: str) -> PluginInfo | None:
    """The distribution behind a loaded plugin."""
    return _infos.get(name)


def distribution(plugin: str) -> str:
    """The distribution that brings a loaded plugin (what a user installed), else the plugin's own name."""
    info = _infos.get(plugin)
    return info.dist if info is not None else plugin


def plugin_states() -> list[tuple[PluginInfo, str]]:
    """Every installed plugin seen by :func:`load_plugins`, with ``loaded`` or ``blocked``."""
    return list(_states.values())


class Collision(Record):
    """Two or more plugins registered one id: none of them runs it."""

    id: str
    plugins: tuple[str, ...]


class Menu(Record):
    """Every plugin's menu entries, in registration order, each tagged with its plugin; ids claimed twice are
    left out and listed in :attr:`collisions`, ids of the host's own commands in :attr:`reserved`."""

    entries: tuple[MenuEntry, ...]
    collisions: tuple[Collision, ...] = ()
    #: entries that took the id of a host command (:data:`~hostapp_stub.api.HOST_COMMANDS`): never run
    reserved: tuple[Collision, ...] = ()

    def get(self, entry_id: str) -> MenuEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def collision(self, entry_id: str) -> Collision | None:
        return next((c for c in self.collisions if c.id == entry_id), None)


T = TypeVar("T", MenuEntry, StatusPanel)


def _collect(pm: pluggy.PluginManager, hook_name: str) -> tuple[list[T], list[Collision]]:
    """Call one registration hook of every plugin; items keep the order they came in, tagged with their plugin."""
    items: list[T] = []
    owners: dict[str, list[str]] = {}
    for impl in getattr(pm.hook, hook_name).get_hookimpls():
        name: str = pm.get_name(impl.plugin) or impl.plugin_name

        def register(item: T, _name: str = name) -> None:
            owners.setdefault(item.id, []).append(_name)
            items.append(replace(item, plugin=_name))

        impl.function(register=register)
    clashes = {i: tuple(names) for i, names in owners.items() if len(names) > 1}
    kept = [item for item in items if item.id not in clashes]
    return kept, [Collision(i, names) for i, names in clashes.items()]


def menu(pm: pluggy.PluginManager) -> Menu:
    """Every plugin's menu entries; an id two plugins claim is reported and run by neither, and so is an id of the
    host's own commands (the host's command runs)."""
    entries, collisions = _collect(pm, "hostapp_register_menu_entries")
    claims: dict[str, list[str]] = {}
    for entry in entries:
        if entry.id in HOST_COMMANDS:
            claims.setdefault(entry.id, []).append(entry.plugin)
    for collision in collisions:
        if collision.id in HOST_COMMANDS:
            claims.setdefault(collision.id, []).extend(collision.plugins)
    return Menu(
        tuple(e for e in entries if e.id not in HOST_COMMANDS),
        tuple(c for c in collisions if c.id not in HOST_COMMANDS),
        tuple(Collision(i, tuple(names)) for i, names in claims.items()),
    )


def status_panels(pm: pluggy.PluginManager) -> tuple[list[StatusPanel], list[Collision]]:
    """Every plugin's status panels for the window; an id two plugins claim is shown by neither."""
    return _collect(pm, "hostapp_register_status_panels")
