"""Plugins: found through the entry-point group ``aosign_host``, loaded once per process, each call into one guarded.

**Identity.** A plugin is one entry point of one distribution: it is registered with pluggy under
``<distribution>:<entry point>`` (``aosign-plugin:aosign``). Two distributions that use one entry-point name both
load, side by side; neither replaces the other, and ``plugins`` and ``doctor`` say that the name is shared. Their
menu entries meet the usual rule: an id two plugins claim runs in neither (exit 8), so no distribution can take
another's entries over.

**The manifest first.** ``[plugins] allow``/``block`` (distribution names, compared PEP 503-normalised) are applied
to the list of entry points before anything is imported: a plugin kept out never runs a line of its code.

**pluggy's machinery.** This is pluggy's own ``load_setuptools_entrypoints`` with the manifest as a filter and the
distribution in the name (pluggy's loader knows neither); each loaded plugin is recorded where
:meth:`pluggy.PluginManager.list_plugin_distinfo` reports it. Hooks are called through ``pm.hook`` (one plugin at a
time, through :meth:`pluggy.PluginManager.subset_hook_caller`, so that hook wrappers and tracing still apply).

**Isolation.** Importing a plugin, registering it and every call into it that the host makes (each hook, and, in
:mod:`.cli`, :mod:`.gui` and :mod:`.doctor`, each entry's ``run``, each panel's ``read``/``watch``) is guarded: a
plugin that raises is recorded as a :class:`PluginFailure` (its distribution, version, the hook, the exception's
type and first line), reported on standard error by the command line, listed by ``doctor`` and the window's support
information, and its contribution is left out; everything else works.

**The discovery cache.** Listing every installed distribution's entry points costs ~45 ms a start (importlib.metadata
reads each distribution's metadata; 49 distributions in our test venv, median of 21 interleaved starts: 114 ms
scanning against 67 ms from the cache, ``benchmarks/plugin_discovery.py``). The listing (never the decision what
loads: the manifest is applied to it on every start) is therefore cached in the user's cache folder, keyed by the
interpreter and by every ``sys.path`` folder with its modification time: installing or removing a distribution adds
or removes a ``*.dist-info`` folder (or a ``.pth`` file) there, which changes the key. A cached entry point that
fails to import forces a fresh scan before it is reported as a failure.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pluggy

from . import hookspecs
from .api import HOST_COMMANDS, PROJECT, MenuEntry, StatusPanel
from .records import Record, replace

__all__ = [
    "Collision",
    "Menu",
    "PluginFailure",
    "PluginInfo",
    "call_each",
    "clear_failures",
    "distribution",
    "failures",
    "guarded",
    "installed_plugins",
    "load_plugins",
    "menu",
    "normalize",
    "on_failure",
    "plugin_info",
    "plugin_states",
    "record_failure",
    "shared_names",
    "status_panels",
    "visible",
]

_CACHE_FORMAT = 2
_pm: pluggy.PluginManager | None = None
_infos: dict[str, PluginInfo] = {}
_states: dict[str, tuple[PluginInfo, str]] = {}
_failures: list[PluginFailure] = []
_reporters: list[Callable[[PluginFailure], None]] = []


class PluginInfo(Record):
    """One entry point of the ``aosign_host`` group: what it loads and which distribution brings it."""

    name: str
    value: str
    dist: str
    version: str

    @property
    def key(self) -> str:
        """The name the plugin is registered under: distribution and entry point (``aosign-plugin:aosign``)."""
        return f"{self.dist}:{self.name}"


class PluginFailure(Record):
    """A call into a plugin that raised: who, where, and what (the traceback only for ``-v``).

    :param plugin: the plugin's registered name (:attr:`PluginInfo.key`, or the name a test registered it under).
    :param hook: the hook, or ``import``, ``register``, ``run <entry>``, ``read <panel>``, ``watch <panel>``.
    :param error: the exception's type; ``message`` its first line (control characters made visible).
    """

    plugin: str
    dist: str
    version: str
    hook: str
    error: str
    message: str
    trace: str = ""


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares it: runs of ``-``, ``_`` and ``.`` are one ``-``, lower case."""
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


def visible(text: str) -> str:
    """Text from a plugin, safe for a terminal or the window: control, format (bidi) and line-breaking characters
    are shown as escapes, never interpreted."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


# --- failures ----------------------------------------------------------------------------------------------------


def on_failure(reporter: Callable[[PluginFailure], None]) -> None:
    """Have ``reporter`` told of each plugin failure as it happens (the command line prints it on stderr)."""
    _reporters.append(reporter)


def clear_failures() -> None:
    """Forget the failures recorded so far (a test, or a long-running host after its plugins were reloaded)."""
    _failures.clear()


def failures() -> list[PluginFailure]:
    """Every plugin failure of this process, in the order they happened."""
    return list(_failures)


def record_failure(plugin: str, hook: str, error: BaseException, *, report: bool = True) -> PluginFailure:
    """Record that ``plugin`` raised ``error`` in ``hook`` and (unless ``report`` is False: the caller says it
    itself) tell the reporters."""
    import traceback

    info = _infos.get(plugin) or next((i for i, _ in _states.values() if i.key == plugin), None)
    try:
        lines = str(error).strip().splitlines()
    except Exception:  # an exception whose __str__ raises too
        lines = []
    failure = PluginFailure(
        plugin=plugin,
        dist=visible(info.dist if info is not None else plugin),
        version=visible(info.version if info is not None else "?"),
        hook=visible(hook),
        error=type(error).__name__,
        message=visible(lines[0]) if lines else "",
        trace="".join(traceback.format_exception(error)),
    )
    if any(replace(f, trace="") == replace(failure, trace="") for f in _failures):
        return failure  # the same call made again (the menu is read by the command and by doctor): said once
    _failures.append(failure)
    for reporter in _reporters if report else ():
        reporter(failure)
    return failure


class _Guard:
    """The context manager of :func:`guarded`; ``failed`` tells the caller whether the block raised."""

    def __init__(self, plugin: str, hook: str) -> None:
        self.plugin, self.hook, self.failed = plugin, hook, False

    def __enter__(self) -> _Guard:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _tb: object) -> bool:
        if error is None or not isinstance(error, Exception):
            return False  # KeyboardInterrupt and SystemExit are the user's or the process's, not a plugin's bug
        self.failed = True
        record_failure(self.plugin, self.hook, error)
        return True


def guarded(plugin: str, hook: str) -> _Guard:
    """``with guarded(entry.plugin, "run change-pin") as g:``: an exception in the block is recorded as the
    plugin's failure and swallowed (``g.failed`` says so); Ctrl-C and ``SystemExit`` pass through."""
    return _Guard(plugin, hook)


# --- discovery -----------------------------------------------------------------------------------------------------


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
    """Every ``aosign_host`` entry point of every installed distribution; a distribution found twice on
    ``sys.path`` counts once (the first, the one Python imports)."""
    from importlib.metadata import distributions

    found: list[PluginInfo] = []
    seen: set[str] = set()
    for dist in distributions():
        name = dist.metadata["name"] or ""
        if normalize(name) in seen:
            continue
        seen.add(normalize(name))
        for ep in dist.entry_points:
            if ep.group == PROJECT:
                found.append(PluginInfo(ep.name, ep.value, name, dist.version or ""))
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


class _HostPluginManager(pluggy.PluginManager):
    """pluggy's manager whose :meth:`list_plugin_distinfo` also reports the plugins this module loaded; their
    distributions are looked up only when asked (a few ms each, which a start does not spend)."""

    def __init__(self, project_name: str) -> None:
        super().__init__(project_name)
        self._pending_dists: list[tuple[object, str]] = []

    def _fill_distinfo(self) -> None:
        from importlib.metadata import PackageNotFoundError, distribution

        pending, self._pending_dists = self._pending_dists, []
        for plugin, name in pending:
            try:
                self._plugin_distinfo.append((plugin, distribution(name)))
            except PackageNotFoundError:
                continue

    def list_plugin_distinfo(self) -> list[Any]:
        self._fill_distinfo()
        return super().list_plugin_distinfo()

    def list_plugin_distributions(self) -> list[Any]:
        self._fill_distinfo()
        return super().list_plugin_distributions()


def _record_distribution(pm: pluggy.PluginManager, plugin: object, dist: str) -> None:
    if isinstance(pm, _HostPluginManager):
        pm._pending_dists.append((plugin, dist))
        return
    import contextlib
    from importlib.metadata import PackageNotFoundError, distribution

    with contextlib.suppress(PackageNotFoundError):
        pm._plugin_distinfo.append((plugin, distribution(dist)))  # what pluggy's own loader records


def _import(value: str) -> object:
    import importlib

    module, _, attr = value.partition(":")
    obj: object = importlib.import_module(module.strip())
    for part in attr.strip().split(".") if attr.strip() else ():
        obj = getattr(obj, part)
    return obj


def _register(pm: pluggy.PluginManager, info: PluginInfo, plugin: object) -> bool:
    """Register one imported plugin; one that pluggy refuses (an unknown hook, a bad signature, an object already
    registered under another name) is recorded as failed and left out.

    Two entry points that load one object (a distribution pointing at another's module) must not make whichever
    comes first on ``sys.path`` the owner of the other's entries: the distribution that ships the module keeps it and
    the other is named as failed; when that cannot be told, neither is kept and both are named."""
    existing = pm.get_name(plugin)
    if existing is not None:
        other = _infos.get(existing)
        owner = _shipping(info.value, (other.dist if other else "", info.dist))
        if owner is not None and other is not None and owner == other.dist:
            record_failure(info.key, "register", ValueError(f"loads the plugin of {other.dist} ({existing})"))
            return False
        pm.unregister(plugin)
        _infos.pop(existing, None)
        if isinstance(pm, _HostPluginManager):
            pm._pending_dists = [(p, d) for p, d in pm._pending_dists if p is not plugin]
        if other is not None:
            _states[existing] = (other, "failed")
            record_failure(existing, "register", ValueError(f"loads the plugin of {info.dist} ({info.key})"))
        if owner != info.dist:
            record_failure(info.key, "register", ValueError(f"loads the same plugin as {existing}"))
            return False
    with guarded(info.key, "register") as guard:
        pm.register(plugin, name=info.key)
        try:
            pm.check_pending()
        except pluggy.PluginValidationError:
            pm.unregister(plugin)
            raise
    return not guard.failed


def _shipping(value: str, dists: tuple[str, str]) -> str | None:
    """Which one of ``dists`` ships the top-level package of entry point ``value`` (None: neither, or both)."""
    from importlib.metadata import packages_distributions

    top = value.partition(":")[0].strip().split(".")[0]
    shippers = {normalize(d) for d in packages_distributions().get(top, [])}
    found = [d for d in dists if normalize(d) in shippers]
    return found[0] if len(found) == 1 else None


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
        pm = _pm = _HostPluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    infos = installed_plugins(use_cache=use_cache)
    rescanned = not use_cache
    pending = list(infos)
    while pending:
        info = pending.pop(0)
        ok = allowed is None or allowed(info.dist)
        _states[info.key] = (info, "loaded" if ok else "blocked")
        if not ok or pm.has_plugin(info.key) or pm.is_blocked(info.key):
            continue
        try:
            plugin = _import(info.value)
        except Exception as error:
            if not rescanned:
                # the cache named something that is gone: scan afresh, then report what still fails
                rescanned = True
                fresh = installed_plugins(use_cache=False)
                _write_cache(_cache_file(), fresh)
                done = {key for key, (_, state) in _states.items() if state != "failed"} - {info.key}
                _states.pop(info.key, None)
                pending = [i for i in fresh if i.key not in done]
                continue
            _states[info.key] = (info, "failed")
            record_failure(info.key, "import", error)
            continue
        if _register(pm, info, plugin):
            _infos[info.key] = info
            _record_distribution(pm, plugin, info.dist)
        else:
            _states[info.key] = (info, "failed")
    return pm


def plugin_info(name: str) -> PluginInfo | None:
    """The entry point and distribution behind a loaded plugin."""
    return _infos.get(name)


def distribution(plugin: str) -> str:
    """The distribution that brings a loaded plugin (what a user installed), else the plugin's own name."""
    info = _infos.get(plugin)
    return info.dist if info is not None else plugin


def plugin_states() -> list[tuple[PluginInfo, str]]:
    """Every installed plugin seen by :func:`load_plugins`, with ``loaded``, ``blocked`` or ``failed``."""
    return list(_states.values())


def shared_names() -> dict[str, list[PluginInfo]]:
    """Entry-point names that several distributions use (each loads as its own plugin; none replaces another)."""
    by_name: dict[str, list[PluginInfo]] = {}
    for info, _state in _states.values():
        by_name.setdefault(info.name, []).append(info)
    return {name: infos for name, infos in by_name.items() if len(infos) > 1}


# --- calling the plugins ---------------------------------------------------------------------------------------------


def _each_plugin(pm: pluggy.PluginManager, hook_name: str) -> Iterator[tuple[str, pluggy.HookCaller]]:
    """Each plugin implementing ``hook_name`` (in registration order) with a caller of ``pm.hook`` for it alone."""
    impls = [i for i in getattr(pm.hook, hook_name).get_hookimpls() if not (i.hookwrapper or i.wrapper)]
    for impl in impls:
        name: str = pm.get_name(impl.plugin) or impl.plugin_name
        others = [i.plugin for i in impls if i.plugin is not impl.plugin]
        yield name, pm.subset_hook_caller(hook_name, others)


def call_each(
    pm: pluggy.PluginManager, hook_name: str, check: Callable[[Any], bool] | None = None, /, **kwargs: Any
) -> list[tuple[str, Any]]:
    """Call one hook through ``pm.hook``, one plugin at a time; a plugin that raises (or returns what ``check``
    refuses) is recorded as failed and left out.

    :returns: ``(plugin name, its result)`` for each plugin that answered (None results are left out, as pluggy does).
    """
    answers: list[tuple[str, Any]] = []
    for name, caller in _each_plugin(pm, hook_name):
        with guarded(name, hook_name):
            for result in caller(**kwargs):
                if check is not None and not check(result):
                    raise TypeError(f"{hook_name} returned {type(result).__name__}")
                answers.append((name, result))
    return answers


def list_of(kind: type | tuple[type, ...]) -> Callable[[Any], bool]:
    """A ``check`` for :func:`call_each`: a list whose items are all ``kind``."""
    return lambda value: isinstance(value, list) and all(isinstance(item, kind) for item in value)


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


def _collect(pm: pluggy.PluginManager, hook_name: str, kind: type[T]) -> tuple[list[T], list[Collision]]:
    """Call one registration hook of every plugin; items keep the order they came in, tagged with their plugin. A
    plugin whose hook raises, or that registers what is not a ``kind``, adds nothing."""
    items: list[T] = []
    owners: dict[str, list[str]] = {}
    for name, caller in _each_plugin(pm, hook_name):
        mine: list[T] = []
        with guarded(name, hook_name) as guard:
            caller(register=_registrar(kind, name, mine))
        if guard.failed:
            continue
        for item in mine:
            owners.setdefault(item.id, []).append(name)
            items.append(item)
    clashes = {i: tuple(names) for i, names in owners.items() if len(names) > 1}
    kept = [item for item in items if item.id not in clashes]
    return kept, [Collision(i, names) for i, names in clashes.items()]


def _registrar(kind: type[T], name: str, mine: list[T]) -> Callable[[T], None]:
    """The ``register`` call-back one plugin gets: it refuses what the host could not show or run."""

    def register(item: T) -> None:
        if not isinstance(item, kind) or not _well_formed(item):
            raise TypeError(f"register() wants a {kind.__name__}, got {type(item).__name__}")
        mine.append(replace(item, plugin=name))

    return register


def _well_formed(item: MenuEntry | StatusPanel) -> bool:
    """What the host relies on when it shows or runs an item: a text id, texts per language, a function."""
    from collections.abc import Mapping

    texts, runs = (item.label, item.run) if isinstance(item, MenuEntry) else (item.title, item.read)
    return isinstance(item.id, str) and isinstance(texts, Mapping) and callable(runs)


def menu(pm: pluggy.PluginManager) -> Menu:
    """Every plugin's menu entries; an id two plugins claim is reported and run by neither, and so is an id of the
    host's own commands (the host's command runs)."""
    entries, collisions = _collect(pm, "hostapp_register_menu_entries", MenuEntry)
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
    return _collect(pm, "hostapp_register_status_panels", StatusPanel)
