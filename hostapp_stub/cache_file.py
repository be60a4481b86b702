"""The host's small JSON caches (plugin discovery, parsed manifests): one file of keyed entries, newest first.

A cache only ever saves work: a file that is missing, corrupt or of another format reads as empty, and one that
cannot be written (a read-only home, a full disk, no home at all) is simply not written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

__all__ = ["read_entries", "write_entry"]


def read_entries(path: Path, fmt: int) -> list[dict[str, Any]]:
    """The entries of the cache file ``path`` in format ``fmt``; ``[]`` for anything unreadable."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != fmt:
            return []
        entries = data["entries"]
        return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
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
