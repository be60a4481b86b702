"""The audit log: one JSON line per PIN operation, for administrators. Never a PIN, a code or the sheet.

Writing it can never lose the card's result: any failure (full disk, unwritable folder) becomes a warning for the
user, and the operation's outcome stands. The file is rotated by size (``audit.jsonl`` → ``audit.jsonl.1`` …); a
rotation that cannot happen (on Windows, while another process has the file open) never costs a line: the line is
appended to the current file and the rotation is tried again next time.

The path may hold ``{user}``, the account's name as the OS knows it, so that one path in the system manifest gives
every user a file of their own (each is created 0600, so a single file shared by several accounts works only if
the administrator makes it writable for all of them: :func:`path_warnings` says so). A home folder that does not
exist is never created for the log.

No other account can redirect or forge a user's lines (issue 26): the file is opened with ``O_NOFOLLOW`` (a planted
link is refused, never followed), ``O_NONBLOCK`` (a planted FIFO cannot hang the command) and ``O_APPEND``, and the
open descriptor must be a regular file owned by this account with one link, in a folder only this account or root
owns (a folder others can write must be sticky). Rotation checks each name it renames onto the same way and never
renames onto a name another account owns. A refusal is a warning naming the path and the reason: the line is never
written anywhere else. ``[audit] sink = "system"`` sends the lines to the OS's log instead
(:mod:`.system_log`), where one user cannot write as another: the recommendation for fleets.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from aosign_plugin.config.audit import AuditSettings
from hostapp_stub.api import json_text

__all__ = [
    "AuditRefused",
    "AuditSettings",
    "FileFacts",
    "audit_path",
    "default_audit_path",
    "folder_refusal",
    "inspect",
    "outcome_fields",
    "path_warnings",
    "record",
    "refusal",
    "refusal_text",
]


class FileFacts(NamedTuple):
    """What the OS says of the log file as opened (POSIX: ``fstat`` of the descriptor; Windows: the name's
    attributes and the handle's owner), for :func:`refusal`. ``owner_is_me`` None: the owner could not be read."""

    is_link: bool
    regular: bool
    owner_is_me: bool | None
    links: int


class AuditRefused(Exception):
    """The log file (or a name rotation would rename onto) is not this account's own: ``reason`` is the catalog key's
    last word (``link``, ``not_regular``, ``owner``, ``links``, ``folder``), ``path`` the file or folder."""

    def __init__(self, reason: str, path: Path) -> None:
        super().__init__(f"{path}: {reason}")
        self.reason = reason
        self.path = path


def refusal(facts: FileFacts) -> str | None:
    """Why a log file opened for appending is not one to write to, or None when it is this account's own."""
    if facts.is_link:
        return "link"  # another account planted a link to its own file, or to /dev/null
    if not facts.regular:
        return "not_regular"
    if facts.owner_is_me is not True:
        return "owner"  # a file another account created under this user's name: it could read and rewrite it
    if facts.links != 1:
        return "links"  # a hard link another account keeps to the file
    return None


def folder_refusal(uid: int, mode: int, gid: int, *, me: int, my_gid: int) -> bool:
    """Whether the folder holding the log (its owner ``uid``, ``mode`` and group ``gid``) lets another account
    replace the file: owned by neither this account nor root, or writable by others (or another group) without
    the sticky bit."""
    if uid not in (me, 0):
        return True
    if mode & stat.S_ISVTX:
        return False
    return bool(mode & stat.S_IWOTH or (mode & stat.S_IWGRP and gid != my_gid))


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
    if not settings.enabled or settings.path is None or settings.sink == "system":
        return []
    found: list[tuple[str, dict[str, object]]] = []
    template = str(settings.path)
    path = audit_path(settings)
    if sys.platform != "win32":
        # a folder every account can write: another user can plant a file or a link under this user's name first;
        # the log then refuses to write (and warns), so the lines are not lost silently, but not written either
        folder = _user_folder(template) if "{user}" in template else path.parent
        try:
            st = os.stat(folder)
        except OSError:
            pass
        else:
            if st.st_mode & stat.S_IWOTH:
                found.append(("audit.plantable", {"folder": folder}))
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
            folder = _user_folder(template)
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


def _user_folder(template: str) -> Path:
    """The last folder of a ``{user}`` path that is the same for every user (where each user's name is made)."""
    head = template.split("{user}", 1)[0]
    return Path(head) if head.endswith(("/", os.sep)) else Path(head).parent


def _writable(path: Path) -> bool:
    """Whether this account could append to ``path`` (or create it, and the folders it needs)."""
    from aosign_plugin.service.writable import file_writable, folder_writable

    if path.exists():
        return file_writable(path)
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder_writable(folder)


_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
#: binary: no CRLF translation on Windows (os.open there gives a text-mode descriptor without O_BINARY)
_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | _O_NOFOLLOW | _O_NONBLOCK | getattr(os, "O_BINARY", 0)


def _open_own(path: Path) -> int:
    """The log opened for appending, once it is this account's own regular file.

    :raises AuditRefused: a link, not a regular file, another account's, more than one link, or in a folder another
        account could replace it in.
    :raises OSError: the OS refused (no space, no permission...).
    """
    if sys.platform == "win32":
        return _open_own_windows(path)
    link = os.lstat(path.parent)
    if stat.S_ISLNK(link.st_mode) and link.st_uid not in (os.getuid(), 0):
        raise AuditRefused("link", path.parent)  # another account's link moves the log's folder where it chose
    st = os.stat(path.parent)
    if folder_refusal(st.st_uid, st.st_mode, st.st_gid, me=os.getuid(), my_gid=os.getgid()):
        raise AuditRefused("folder", path.parent)
    try:
        fd = os.open(path, _FLAGS | os.O_CLOEXEC, 0o600)
    except OSError as e:
        if e.errno in (errno.ELOOP, errno.EMLINK):  # O_NOFOLLOW met a link (EMLINK on FreeBSD)
            raise AuditRefused("link", path) from None
        if e.errno == errno.ENXIO:  # a FIFO nobody reads (O_NONBLOCK): not a log file
            raise AuditRefused("not_regular", path) from None
        if e.errno in (errno.EACCES, errno.EPERM):
            # Linux's fs.protected_symlinks/protected_regular refuse another account's link or file in a sticky
            # folder before O_NOFOLLOW or fstat can: say which it is, not only "Permission denied"
            planted = _planted(path)
            if planted is not None:
                raise AuditRefused(planted, path) from None
        raise
    try:
        st = os.fstat(fd)
        why = refusal(FileFacts(False, stat.S_ISREG(st.st_mode), st.st_uid == os.getuid(), st.st_nlink))
        if why is not None:
            raise AuditRefused(why, path)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _planted(path: Path) -> str | None:
    """What another account left at ``path`` (a link, a file of its own, something else), or None."""
    if sys.platform == "win32":
        return None
    st = _lstat_or_none(path)
    if st is None:
        return None
    if stat.S_ISLNK(st.st_mode):
        return "link"
    if not stat.S_ISREG(st.st_mode):
        return "not_regular"
    return "owner" if st.st_uid != os.getuid() else None


def _open_own_windows(path: Path) -> int:
    """Windows: no ``O_NOFOLLOW``; the name must not be a reparse point (a symbolic link or a junction), the handle
    opened must be that very file (same volume and file id), with one link, and owned by this account."""
    before = _lstat_or_none(path)
    if before is not None and _is_reparse(before):
        raise AuditRefused("link", path)
    fd = os.open(path, _FLAGS, 0o600)
    try:
        st = os.fstat(fd)
        after = os.lstat(path)
        same = (st.st_dev, st.st_ino) == (after.st_dev, after.st_ino)
        facts = FileFacts(_is_reparse(after) or not same, stat.S_ISREG(st.st_mode), _owned_by_me(fd), st.st_nlink)
        why = refusal(facts)
        if why is not None:
            raise AuditRefused(why, path)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _lstat_or_none(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _is_reparse(st: os.stat_result) -> bool:
    return stat.S_ISLNK(st.st_mode) or bool(getattr(st, "st_file_attributes", 0) & 0x400)  # REPARSE_POINT


def _owned_by_me(fd: int) -> bool | None:
    """Windows: whether the file's owner is this process's user (or, as Windows makes files of administrators,
    the Administrators group it belongs to); None when it cannot be read."""
    if sys.platform != "win32":
        return None
    from aosign_plugin.service.win_owner import handle_owned_by_me

    return handle_owned_by_me(fd)


def _foreign(name: Path) -> str | None:
    """Why rotation may not rename onto ``name`` (another account's, or a link), or None (ours, or not there)."""
    st = _lstat_or_none(name)
    if st is None:
        return None
    if _is_reparse(st):
        return "link"
    if sys.platform != "win32" and st.st_uid != os.getuid():
        return "owner"
    return None


def _rotate(path: Path, backups: int) -> None:
    """``audit.jsonl`` → ``.1`` → ``.2`` …, renaming onto no name another account owns.

    :raises AuditRefused: a backup name is another account's (or a link): nothing is renamed.
    :raises OSError: a rename failed (Windows: another process holds a file open).
    """
    names = [path.with_name(f"{path.name}.{i}") for i in range(1, backups + 1)]
    for name in names:
        why = _foreign(name)
        if why is not None:
            raise AuditRefused(why, name)
    for i in range(backups - 1, 0, -1):
        if os.path.lexists(names[i - 1]):
            os.replace(names[i - 1], names[i])
    if backups > 0:
        os.replace(path, names[0])
    else:
        path.unlink()


def inspect(settings: AuditSettings) -> AuditRefused | None:
    """Why the log file would be refused, found without writing or creating anything (for doctor): a folder
    another account could replace it in, or a link, a non-file or another account's file at its name."""
    path = audit_path(settings)
    if sys.platform == "win32":
        st = _lstat_or_none(path)
        return AuditRefused("link", path) if st is not None and _is_reparse(st) else None
    try:
        folder = os.stat(path.parent)
        if not stat.S_ISDIR(folder.st_mode):
            return None  # not a folder: the write fails, and says so
        if folder_refusal(folder.st_uid, folder.st_mode, folder.st_gid, me=os.getuid(), my_gid=os.getgid()):
            return AuditRefused("folder", path.parent)
        planted = _planted(path)
        if planted is not None:
            return AuditRefused(planted, path)
        st = _lstat_or_none(path)
    except OSError:
        return None  # not there yet (made as this account's on the first line), or unreadable: the write says why
    return AuditRefused("links", path) if st is not None and st.st_nlink != 1 else None


def refusal_text(refused: AuditRefused, lang: str | None) -> str:
    """The user's text for a refusal (``audit.refused.*``), naming the path."""
    return _refusal_text(refused, lang)


def _refusal_text(refused: AuditRefused, lang: str | None) -> str:
    from aosign_plugin import catalogs

    for candidate in (lang, os.environ.get("AOSIGN_LANG")):
        if candidate in catalogs.LANGUAGES:
            assert candidate is not None
            return catalogs.text(f"audit.refused.{refused.reason}", candidate, path=refused.path)
    from hostapp_stub.api import system_language

    return catalogs.text(f"audit.refused.{refused.reason}", system_language(), path=refused.path)


def record(settings: AuditSettings, fields: Mapping[str, object], lang: str | None = None) -> str | None:
    """Append one line (time, user, then ``fields``); return an error text instead of raising.

    :param fields: operation, backend, reader/token, result, tries left after: never a secret.
    :param lang: the language of a refusal's text (default: ``$AOSIGN_LANG``, else the system's).
    """
    if not settings.enabled:
        return None
    entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "user": _user(), **fields}
    if settings.sink == "system":
        from aosign_plugin.service.system_log import send

        return send(json_text(entry, indent=None), warning=entry.get("result") not in (None, "ok"))
    from aosign_plugin.config.platforms import make_folder

    path = audit_path(settings)
    # a reader's or a token's name is in it: its controls, bidi controls and separators written \u… (issue 25)
    line = (json_text(entry, indent=None) + "\n").encode("utf-8", "backslashreplace")
    rotation: AuditRefused | None = None
    try:
        if not make_folder(path.parent):
            return f"{path.parent}: no such folder (a home folder that does not exist is not created)"
        fd = _open_own(path)
        try:
            size = os.fstat(fd).st_size
            if size and size + len(line) > settings.max_bytes:
                # Windows: another process (a log shipper) holds the log open and os.replace fails; the line is
                # appended all the same and the next operation tries the rotation again. A backup name another
                # account planted: the line is appended to our own file, and the warning names that file
                try:
                    _rotate(path, settings.backups)
                except AuditRefused as e:
                    rotation = e
                except OSError:
                    pass
                else:
                    os.close(fd)
                    fd = _open_own(path)
            written = os.write(fd, line)
        finally:
            os.close(fd)
        if written != len(line):
            return f"{path}: short write"
    except AuditRefused as e:
        return _refusal_text(e, lang)
    except OSError as e:
        return f"{path}: {e.strerror or e}"
    return _refusal_text(rotation, lang) if rotation is not None else None
