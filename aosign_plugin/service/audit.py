"""The audit log: one JSON line per PIN operation, for administrators. Never a PIN, a code or the sheet.

Writing it can never lose the card's result: any failure (full disk, unwritable folder) becomes a warning for the
user, and the operation's outcome stands. The file is rotated by size (``audit.jsonl`` → ``audit.jsonl.1`` …); a
rotation that cannot happen (on Windows, while another process has the file open) never costs a line: the line is
appended to the current file and the rotation is tried again next time.

The path may hold ``{user}``, the account's name as the OS knows it, so that one path in the system manifest gives
every user a file of their own (each is created 0600, so a single file shared by several accounts works only if
the administrator makes it writable for all of them: :func:`path_warnings` says so). A home folder that does not
exist is never created for the log.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from aosign_plugin.config.audit import AuditSettings
from hostapp_stub.api import json_text

__all__ = ["AuditSettings", "audit_path", "default_audit_path", "outcome_fields", "path_warnings", "record"]


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
    from aosign_plugin.config.platforms import default_audit_path as default

    return default()


def _user() -> str:
    from aosign_plugin.config.platforms import login_name

    return login_name()


def audit_path(settings: AuditSettings) -> Path:
    """The log file for this account: the manifest's path with ``{user}`` filled in, else the default."""
    if settings.path is None:
        return default_audit_path()
    # a name that could leave its folder (a separator, "..") is made harmless
    name = re.sub(r"[\\/:\x00]", "_", _user())
    return Path(str(settings.path).replace("{user}", "_" if name in (".", "..") else name))


def path_warnings(settings: AuditSettings, *, shared: bool) -> list[tuple[str, dict[str, object]]]:
    """Why the log would not be writable for every account it serves, as catalog keys and their parameters.

    :param shared: the path comes from the system manifest, so it serves every user.
    """
    if not settings.enabled or settings.path is None:
        return []
    found: list[tuple[str, dict[str, object]]] = []
    template = str(settings.path)
    path = audit_path(settings)
    if shared and sys.platform != "win32":  # on Windows the folder's DACL decides; not judged here
        if "{user}" not in template:
            # one file for every user: the first creates it 0600, and nobody else may then append
            try:
                st = os.stat(path)
            except OSError:
                found.append(("audit.shared_missing", {"path": path}))
            else:
                if not st.st_mode & stat.S_IWOTH:
                    found.append(("audit.shared_file", {"path": path}))
        else:
            # each user's file is made in the last folder that is the same for all: everyone must create files there
            head = template.split("{user}", 1)[0]
            folder = Path(head) if head.endswith(("/", os.sep)) else Path(head).parent
            try:
                st = os.stat(folder)
            except OSError:
                found.append(("audit.folder_missing", {"folder": folder}))
            else:
                if not st.st_mode & stat.S_IWOTH:
                    found.append(("audit.folder_shared", {"folder": folder}))
    if not _writable(path):
        found.append(("audit.not_writable", {"path": path}))
    return found


def _writable(path: Path) -> bool:
    """Whether this account could append to ``path`` (or create it, and the folders it needs)."""
    from aosign_plugin.service.writable import file_writable, folder_writable

    if path.exists():
        return file_writable(path)
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder_writable(folder)


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
    from aosign_plugin.config.platforms import make_folder

    path = audit_path(settings)
    entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "user": _user(), **fields}
    # a reader's or a token's name is in it: its controls, bidi controls and separators written \u… (issue 25)
    line = (json_text(entry, indent=None) + "\n").encode("utf-8", "backslashreplace")
    try:
        if not make_folder(path.parent):
            return f"{path.parent}: no such folder (a home folder that does not exist is not created)"
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
