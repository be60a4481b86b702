"""Finding, reading, merging and checking the deployment manifest.

Where it comes from: ``--manifest PATH``, else ``$AOSIGN_MANIFEST`` (that one file), else the system's config
location merged with the user's (system first; the user file may override a key unless the system file locks it
in ``[manifest] locked``), else the built-in default (no file: the simulated card).

The host owns two tables: ``[manifest]`` (``locked``: keys or tables the user file may not set) and ``[plugins]``
(``allow``/``block``: which plugin distributions may load). Every other table belongs to a plugin, which checks
it; a table nobody owns is an error. Each problem names its file, line and column.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .messages import text

if TYPE_CHECKING:
    from .tomlpos import Position

__all__ = [
    "HOST_TABLES",
    "Manifest",
    "ManifestError",
    "Problem",
    "Source",
    "check_manifest",
    "load_manifest",
    "load_manifest_file",
    "locate_manifest",
]

HOST_TABLES: dict[str, tuple[str, ...]] = {"manifest": ("locked",), "plugins": ("allow", "block")}


class ManifestError(Exception):
    """A manifest file cannot be read or parsed; the text names the file, line and column."""


@dataclass(frozen=True)
class Source:
    """One manifest file as read: where it is, what it says and (found when first asked) where each key stands."""

    path: Path
    origin: str  # "explicit", "env", "user", "system"
    data: Mapping[str, Any]
    text: str = ""

    @cached_property
    def positions(self) -> dict[str, Position]:
        from .tomlpos import key_positions

        return key_positions(self.text)


@dataclass(frozen=True)
class Problem:
    """One problem, at a place when it has one."""

    path: Path | None
    position: Position | None
    key: str | None
    text: str

    def format(self, lang: str) -> str:
        where = str(self.path) if self.path else text("manifest.builtin", lang)
        if self.position:
            where += f":{self.position[0]}:{self.position[1]}"
        return f"{where}: {self.key}: {self.text}" if self.key else f"{where}: {self.text}"


@dataclass(frozen=True)
class Manifest:
    """The manifest in force: merged data, and for each key the source it came from."""

    data: Mapping[str, Any] = field(default_factory=dict)
    sources: tuple[Source, ...] = ()
    origins: Mapping[str, Source] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()

    @property
    def path(self) -> Path | None:
        """The file that decides (the last one read), None for the built-in default."""
        return self.sources[-1].path if self.sources else None

    def display(self, lang: str) -> str:
        if not self.sources:
            return text("manifest.builtin", lang)
        return ", ".join(str(s.path) for s in self.sources)

    def place(self, key: str) -> tuple[Path | None, Position | None]:
        """The file and position a dotted key (or its nearest enclosing key) came from."""
        from .tomlpos import locate

        parts = key.split(".")
        while parts:
            source = self.origins.get(".".join(parts))
            if source is not None:
                return source.path, locate(source.positions, key)
            parts.pop()
        if self.sources:
            return self.sources[-1].path, None
        return None, None

    def locked_by(self, key: str) -> Path | None:
        """The system manifest that locks ``key`` (``[manifest] locked``), or None when nothing locks it."""
        for source in self.sources:
            if source.origin == "system" and _is_locked(key, _locked(source)):
                return source.path
        return None

    def plugin_allowed(self, dist: str) -> bool:
        """Whether the ``[plugins]`` table lets distribution ``dist`` load (names compare case-insensitively)."""
        table = self.data.get("plugins", {})
        if not isinstance(table, Mapping):
            return True
        norm = _norm(dist)
        block = table.get("block", [])
        allow = table.get("allow")
        if not isinstance(block, list) or (allow is not None and not isinstance(allow, list)):
            return False  # a list that is not a list of names: load nothing rather than guess
        if norm in {_norm(str(b)) for b in block}:
            return False
        return allow is None or norm in {_norm(str(a)) for a in allow}


def _norm(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def locate_manifest(explicit: str | None) -> tuple[list[tuple[Path, str]], bool]:
    """The files to read, each with its origin, and whether it is one explicit file.

    ``--manifest``, else ``$AOSIGN_MANIFEST``, else the existing system and user files (system first).
    """
    if explicit:
        return [(Path(explicit), "explicit")], True
    env = os.environ.get("AOSIGN_MANIFEST")
    if env:
        return [(Path(env), "env")], True
    from .platforms import manifest_locations

    user, system = manifest_locations()
    found = [(p, origin) for p, origin in ((system, "system"), (user, "user")) if p.is_file()]
    return found, False


def load_manifest_file(path: Path, origin: str, lang: str) -> Source:
    """Read and parse one manifest file.

    :raises ManifestError: unreadable, or not valid TOML (the text gives the line and column).
    """
    import tomllib

    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ManifestError(text("manifest.read_error", lang, path=path, error=e.strerror or e)) from None
    try:
        body = raw.decode("utf-8")
        data = tomllib.loads(body)
    except UnicodeDecodeError as e:
        raise ManifestError(text("manifest.syntax", lang, path=path, error=f"not UTF-8 ({e.reason})")) from None
    except tomllib.TOMLDecodeError as e:
        raise ManifestError(text("manifest.syntax", lang, path=path, error=e)) from None
    return Source(path=path, origin=origin, data=data, text=body)


def _walk(data: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, Any]]:
    for key, value in data.items():
        path = f"{prefix}{key}"
        yield path, value
        if isinstance(value, Mapping):
            yield from _walk(value, path + ".")


def _merge(into: dict[str, Any], data: Mapping[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        elif isinstance(value, Mapping):
            into[key] = {}
            _merge(into[key], value)
        else:
            into[key] = value


def _locked(source: Source) -> list[str]:
    table = source.data.get("manifest", {})
    locked = table.get("locked", []) if isinstance(table, Mapping) else []
    return [str(k) for k in locked] if isinstance(locked, list) else []


def _is_locked(key: str, locked: list[str]) -> bool:
    return any(key == lk or key.startswith(lk + ".") for lk in locked)


def _without(data: Mapping[str, Any], locked: list[str], prefix: str = "") -> dict[str, Any]:
    """``data`` less every key under a locked one."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if _is_locked(path, locked):
            continue
        out[key] = _without(value, locked, path + ".") if isinstance(value, Mapping) else value
    return out


def load_manifest(explicit: str | None, lang: str) -> Manifest:
    """The manifest in force (see the module docstring).

    :raises ManifestError: a file cannot be read or parsed.
    """
    files, _ = locate_manifest(explicit)
    sources = [load_manifest_file(path, origin, lang) for path, origin in files]
    merged: dict[str, Any] = {}
    origins: dict[str, Source] = {}
    problems: list[Problem] = []
    locked: list[str] = []
    for source in sources:
        data: Mapping[str, Any] = source.data
        if source.origin == "system":
            locked = _locked(source)
        elif source.origin == "user":
            # the user file may not lock keys, nor set one the system file locked: named, and never applied
            refused = ["manifest", *locked]
            for key, _ in _walk(data):
                if _is_locked(key, refused):
                    from .tomlpos import locate

                    where = locate(source.positions, key)
                    problems.append(Problem(source.path, where, key, text("manifest.locked", lang)))
            data = _without(data, refused)
        _merge(merged, data)
        for key, _ in _walk(data):
            origins[key] = source
    # one problem per locked key the user set (its sub-keys need no problem of their own)
    seen: set[str] = set()
    unique = []
    for problem in problems:
        if not any(problem.key and problem.key.startswith(k + ".") for k in seen):
            unique.append(problem)
            seen.add(problem.key or "")
    return Manifest(data=merged, sources=tuple(sources), origins=origins, problems=tuple(unique))


def _host_problems(manifest: Manifest, lang: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for table, keys in HOST_TABLES.items():
        value = manifest.data.get(table)
        if value is None:
            continue
        if not isinstance(value, Mapping):
            found.append((table, text("manifest.not_a_table", lang)))
            continue
        for key, item in value.items():
            if key not in keys:
                found.append((f"{table}.{key}", text("manifest.unknown_key", lang, allowed=", ".join(keys))))
            elif not isinstance(item, list) or not all(isinstance(x, str) and x for x in item):
                found.append((f"{table}.{key}", text("manifest.want_names", lang)))
    return found


def check_manifest(pm: Any, manifest: Manifest, lang: str) -> list[Problem]:
    """Every problem of the manifest: merge conflicts, unknown tables, the host's tables, each plugin's findings."""
    owned = set(HOST_TABLES)
    for tables in pm.hook.hostapp_manifest_tables():
        owned.update(tables)
    problems = list(manifest.problems)
    found = [(name, text("manifest.unknown_table", lang)) for name in manifest.data if name not in owned]
    found += _host_problems(manifest, lang)
    for plugin_found in pm.hook.hostapp_manifest_problems(manifest=manifest.data, lang=lang):
        found.extend(plugin_found)
    for key, message in found:
        path, position = manifest.place(key)
        problems.append(Problem(path, position, key, message))
    return sorted(problems, key=lambda p: (str(p.path), p.position or (0, 0)))
