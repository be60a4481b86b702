"""What differs between Windows, macOS and Linux for the plugin's own files, in one place: the simulated card's
state, the audit log, the certificate cache, the account's name.

The plugin keeps its files in the project's user folders (``aosign``, platformdirs with ``appauthor=False``, as
the host does for its own, so that ``aosign-sim``, the pyHanko signer and every host find the same simulated card):
Linux ``~/.local/share/aosign``, ``~/.local/state/aosign``, ``~/.cache/aosign`` (or ``$XDG_*_HOME/aosign``);
Windows ``%LOCALAPPDATA%\\aosign`` (``...\\Cache`` for the cache); macOS ``~/Library/Application Support/aosign``
and ``~/Library/Caches/aosign``. They are the plugin's, not a host's: a plugin takes nothing from a host but its API
(issue 24), and runs in hosts that have no such folders.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Literal

__all__ = [
    "APP",
    "cache_dir",
    "default_audit_path",
    "default_sim_state",
    "login_name",
    "make_folder",
    "os_key",
    "shell_word",
]

APP = "aosign"
Kind = Literal["data", "state", "cache"]

#: Linux: each user folder's XDG variable, and its place under the home folder when the variable is unset
_XDG: dict[str, tuple[str, tuple[str, ...]]] = {
    "data": ("XDG_DATA_HOME", (".local", "share")),
    "state": ("XDG_STATE_HOME", (".local", "state")),
    "cache": ("XDG_CACHE_HOME", (".cache",)),
}


def os_key() -> str:
    """The manifest's name for this OS: ``windows``, ``macos`` or ``linux`` (other POSIX counts as linux)."""
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


def user_folder(kind: Kind) -> Path:
    """The plugin's folder of ``kind`` for this user (see the module docstring)."""
    if os_key() == "linux":
        # the usual cases of platformdirs' XDG rule without importing it (~15 ms a start); anything odd is left to it
        variable, under_home = _XDG[kind]
        xdg, home = os.environ.get(variable, ""), os.environ.get("HOME", "")
        if os.path.isabs(xdg):
            return Path(xdg, APP)
        if os.path.isabs(home):
            return Path(home, *under_home, APP)
    if sys.platform == "win32":
        from platformdirs.windows import Windows as Dirs
    elif sys.platform == "darwin":
        from platformdirs.macos import MacOS as Dirs
    else:
        from platformdirs.unix import Unix as Dirs
    dirs = Dirs(APP, appauthor=False)
    folder = {"data": dirs.user_data_dir, "state": dirs.user_state_dir, "cache": dirs.user_cache_dir}[kind]
    return Path(folder)


def default_sim_state() -> Path:
    """Where the simulated card keeps its state when the manifest says nothing (the user's data folder)."""
    return user_folder("data") / "sim-card.json"


def default_audit_path() -> Path:
    """The audit log when the manifest names none (the user's state folder)."""
    return user_folder("state") / "audit.jsonl"


def cache_dir() -> Path:
    """The plugin's cache folder (certificates already parsed)."""
    return user_folder("cache")


def make_folder(folder: Path) -> bool:
    """Create ``folder`` (and its parents) unless that would create a home folder that does not exist.

    :returns: whether the folder is there now; False when it would be inside a home folder that is not there
        (``HOME=/nonexistent``, a service account): that is never created, whatever would live in it is skipped.
    :raises OSError: the folder cannot be created.
    """
    if folder.is_dir():
        return True
    home = Path(os.path.expanduser("~"))
    if not home.is_dir() and (folder == home or home in folder.parents):
        return False
    folder.mkdir(parents=True, exist_ok=True)
    return True


def login_name() -> str:
    """The account's name, from the OS (never from ``USER``/``USERNAME``, which the user may set to anything)."""
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        size = wintypes.DWORD(257)
        buffer = ctypes.create_unicode_buffer(257)
        advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
        if advapi32.GetUserNameW(buffer, ctypes.byref(size)):
            return str(buffer.value)
        return "unknown"
    import pwd

    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # a uid with no account (a container): the number names it
        return str(os.getuid())


def shell_word(word: str) -> str:
    """``word`` as one argument of a command line the user types in this OS's usual shell, quoted only when it
    must be: POSIX shells get :func:`shlex.quote`; Windows (cmd.exe and PowerShell alike) double quotes around a
    word with spaces or shell characters (a path holds no ``"`` there)."""
    if sys.platform == "win32":
        return f'"{word}"' if not word or any(c in word for c in " \t&|<>^()%!;,='`$@{}[]") else word
    import shlex

    return shlex.quote(word)
