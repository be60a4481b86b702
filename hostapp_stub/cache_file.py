"""The host's small JSON caches (plugin discovery, parsed manifests): one file of keyed entries, newest first.

A cache only ever saves work: a file that is missing, corrupt or of another format reads as empty, and one that
cannot be written (a read-only home, a full disk, no home at all) is simply not written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["nesting_depth", "read_entries", "write_entry"]


#: a cache file larger than this, or nested deeper, was not written by us: it reads as empty (and is rewritten)
MAX_BYTES = 4 << 20
MAX_DEPTH = 32


def read_entries(path: Path, fmt: int) -> list[dict[str, Any]]:
    """The entries of the cache file ``path`` in format ``fmt``; ``[]`` for anything unreadable, larger than
    :data:`MAX_BYTES` or nested deeper than :data:`MAX_DEPTH` (never a ``RecursionError`` for its readers)."""
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return []
        data: Any = json.loads(raw.decode("utf-8"))
        if nesting_depth(data, MAX_DEPTH) > MAX_DEPTH or data.get("format") != fmt:
            return []
        entries = data["entries"]
        return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return []


def write_entry(path: Path, fmt: int, entry: dict[str, Any], keep: int) -> None:
    """Put ``entry`` (with its ``key``) first in the cache file, replacing one of the same key; ``keep`` in all."""
    kept = [e for e in read_entries(path, fmt) if e.get("key") != entry["key"]][: keep - 1]
    from .platforms import make_folder

    try:
        text = json.dumps({"format": fmt, "entries": [entry, *kept]})
        if not make_folder(path.parent):
            return  # no home folder (HOME=/nonexistent): no cache, and no home made for one
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except (OSError, ValueError, TypeError):
        pass  # a read-only or full cache folder (or a value JSON cannot hold) only costs the next start the work


def nesting_depth(value: object, limit: int) -> int:
    """How deep tables (mappings) and arrays (lists) nest in ``value``, counted without recursion and stopping
    once past ``limit`` (so a hostile file costs no more than ``limit`` levels' walk)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children: Iterable[object] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth) for child in children)
    return deepest
