"""The audit log: one JSON line per PIN operation, for administrators. Never a PIN, a code or the sheet.

Writing it can never lose the card's result: any failure (full disk, unwritable folder) becomes a warning for the
user, and the operation's outcome stands. The file is rotated by size (``audit.jsonl`` → ``audit.jsonl.1`` …); a
rotation that cannot happen (on Windows, while another process has the file open) never costs a line: the line is
appended to the current file and the rotation is tried again next time.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["AuditSettings", "default_audit_path", "outcome_fields", "record"]


@dataclass(frozen=True)
class AuditSettings:
    """The manifest's ``[audit]`` table."""

    enabled: bool = True
    path: Path | None = None
    max_bytes: int = 1 << 20
    backups: int = 3


#: the audit line's ``result`` word for each exit code (stable for administrators' scripts)
RESULT_WORDS = {0: "ok", 2: "bad_input", 3: "wrong_secret", 4: "locked", 5: "dead", 6: "no_card", 130: "cancelled"}


def outcome_fields(operation: str, exit_code: int, error: object | None = None) -> dict[str, object]:
    """The result and the tries left after an operation, for its audit line.

    :param exit_code: the operation's exit code (CONTRACT.md), written as its word (``ok``, ``wrong_secret``...).
    :param error: the plugin's error, if the operation ended in one (its ``kind`` and ``tries_left`` are read).
    """
    from aosign_plugin.domain.card_status import MAX_TRIES, SecretKind

    result = RESULT_WORDS.get(exit_code, str(exit_code))
    if error is None:
        return {
            "result": result,
            "pin_tries_left": MAX_TRIES,
            "unblock_tries_left": MAX_TRIES if operation == "unlock" else None,
        }
    tries = getattr(error, "tries_left", None)
    kind = getattr(error, "kind", None)
    return {
        "result": result,
        "pin_tries_left": tries if kind is SecretKind.PIN else None,
        "unblock_tries_left": tries if kind is SecretKind.UNBLOCK else None,
    }


def default_audit_path() -> Path:
    """The user's state folder (``~/.local/state/aosign/audit.jsonl`` on Linux)."""
    import platformdirs

    return platformdirs.user_state_path("aosign", appauthor=False) / "audit.jsonl"


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (a service account without one)
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def _rotate(path: Path, backups: int) -> None:
    for i in range(backups - 1, 0, -1):
        older = path.with_name(f"{path.name}.{i}")
        if older.exists():
            os.replace(older, path.with_name(f"{path.name}.{i + 1}"))
    if backups > 0:
        os.replace(path, path.with_name(f"{path.name}.1"))
    else:
        path.unlink()


def record(settings: AuditSettings, fields: Mapping[str, object]) -> str | None:
    """Append one line (time, user, then ``fields``); return an error text instead of raising.

    :param fields: operation, backend, reader/token, result, tries left after: never a secret.
    """
    if not settings.enabled:
        return None
    path = settings.path or default_audit_path()
    entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "user": _user(), **fields}
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size and size + len(line) > settings.max_bytes:
            # Windows: another process (a log shipper) holds the log open and os.replace fails; the line is
            # appended all the same and the next operation tries the rotation again
            with contextlib.suppress(OSError):
                _rotate(path, settings.backups)
        # binary: no CRLF translation on Windows (os.open there gives a text-mode descriptor without O_BINARY)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        try:
            written = os.write(fd, line)
        finally:
            os.close(fd)
        if written != len(line):
            return f"{path}: short write"
    except OSError as e:
        return f"{path}: {e.strerror or e}"
    return None
