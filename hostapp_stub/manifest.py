"""Finding and reading the deployment manifest; its tables are checked by the plugins that own them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy

from .messages import text

__all__ = ["Manifest", "ManifestError", "check_manifest", "load_manifest", "locate_manifest"]

#: tables the host itself owns (none yet)
HOST_TABLES: tuple[str, ...] = ()


class ManifestError(Exception):
    """The manifest cannot be read or parsed; the text names the file and the line."""


@dataclass(frozen=True)
class Manifest:
    """A parsed manifest and where it came from (``path`` None: the built-in default)."""

    data: Mapping[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def display(self, lang: str) -> str:
        return str(self.path) if self.path else text("manifest.builtin", lang)


def locate_manifest(explicit: str | None) -> Path | None:
    """``--manifest``, else ``$AOSIGN_MANIFEST``, else the first existing config location, else None."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("AOSIGN_MANIFEST")
    if env:
        return Path(env)
    from .platforms import manifest_locations

    for candidate in manifest_locations():
        if candidate.is_file():
            return candidate
    return None


def load_manifest(path: Path | None, lang: str) -> Manifest:
    """Parse the manifest at ``path`` (None: the built-in default, an empty manifest).

    :raises ManifestError: unreadable, or not valid TOML (the text gives the line and column).
    """
    if path is None:
        return Manifest()
    import tomllib

    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ManifestError(text("manifest.read_error", lang, path=path, error=e.strerror or e)) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ManifestError(text("manifest.syntax", lang, path=path, error=e)) from None
    return Manifest(data=data, path=path)


def check_manifest(pm: pluggy.PluginManager, manifest: Manifest, lang: str) -> list[str]:
    """Every problem of the manifest: tables no plugin owns, then each plugin's findings."""
    owned = set(HOST_TABLES)
    for tables in pm.hook.aosign_manifest_tables():
        owned.update(tables)
    where = manifest.display(lang)
    problems = [
        text("manifest.unknown_table", lang, path=where, table=name) for name in manifest.data if name not in owned
    ]
    for found in pm.hook.aosign_manifest_problems(manifest=manifest.data, lang=lang):
        problems.extend(f"{where}: {p}" for p in found)
    return problems
