"""Everything that differs between Windows, macOS and Linux, in one place: where files live, the OS's names, the
system language, and how a path written in a manifest is read.

Every location comes from :func:`location`. The user's folders come from platformdirs (``appauthor=False``
everywhere, so the simulated card, the audit log and the caches are found by every program of the project); the
user's environment may move those (``XDG_*``), they are the user's own. The system manifest's folder comes from
the OS only, never from the environment, because it holds the administrator's locks:

- Linux and other POSIX: ``/etc/xdg/aosign/`` (fixed; ``XDG_CONFIG_DIRS`` is not read);
- Windows: ``aosign`` in the ProgramData known folder, asked of the shell (``SHGetKnownFolderPath``), never
  ``%PROGRAMDATA%``/``%ALLUSERSPROFILE%``;
- macOS: ``/Library/Application Support/aosign/``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # typing only: platformdirs is imported when a location is asked for
    from platformdirs.api import PlatformDirsABC as _Dirs

__all__ = [
    "APP",
    "MANIFEST_NAME",
    "Kind",
    "cache_dir",
    "default_audit_path",
    "default_sim_state",
    "expand_manifest_path",
    "location",
    "login_name",
    "make_folder",
    "manifest_locations",
    "no_core_dumps",
    "os_key",
    "system_language",
]

APP = "aosign"
MANIFEST_NAME = "manifest.toml"
Kind = Literal["config", "data", "state", "cache", "system"]

LINUX_SYSTEM_FOLDER = Path("/etc/xdg/aosign")
MACOS_SYSTEM_FOLDER = Path("/Library/Application Support/aosign")


def os_key() -> str:
    """The manifest's name for this OS: ``windows``, ``macos`` or ``linux`` (other POSIX counts as linux)."""
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


#: Linux: each user folder's XDG variable, and its place under the home folder when the variable is unset
_XDG: dict[str, tuple[str, tuple[str, ...]]] = {
    "config": ("XDG_CONFIG_HOME", (".config",)),
    "data": ("XDG_DATA_HOME", (".local", "share")),
    "state": ("XDG_STATE_HOME", (".local", "state")),
    "cache": ("XDG_CACHE_HOME", (".cache",)),
}


def location(kind: Kind) -> Path:
    """The project's folder of ``kind`` on this OS.

    ``config``, ``data``, ``state``, ``cache``: the user's (Linux ``~/.config/aosign``, ``~/.local/share/aosign``,
    ``~/.local/state/aosign``, ``~/.cache/aosign``; Windows ``%LOCALAPPDATA%\\aosign`` for the first three and
    ``%LOCALAPPDATA%\\aosign\\Cache``; macOS ``~/Library/Application Support/aosign`` and ``~/Library/Caches/aosign``).
    ``system``: the folder of the administrator's manifest (see the module docstring).
    """
    if kind == "system":
        if sys.platform == "win32":
            return _program_data() / APP
        if sys.platform == "darwin":
            return MACOS_SYSTEM_FOLDER
        return LINUX_SYSTEM_FOLDER
    if os_key() == "linux":
        # every start needs the cache (plugin discovery) and the config (the user's manifest): the usual cases of
        # platformdirs' XDG rule without importing platformdirs (~15 ms with the tempfile, shutil and hashlib it
        # pulls in); anything odd is left to it. Tests compare the two.
        variable, under_home = _XDG[kind]
        xdg, home = os.environ.get(variable, ""), os.environ.get("HOME", "")
        if os.path.isabs(xdg):
            return Path(xdg, APP)
        if os.path.isabs(home):
            return Path(home, *under_home, APP)
    dirs = _user_dirs()
    folder = {
        "config": dirs.user_config_dir,
        "data": dirs.user_data_dir,
        "state": dirs.user_state_dir,
        "cache": dirs.user_cache_dir,
    }[kind]
    return Path(folder)


def _user_dirs() -> _Dirs:
    # the class for the OS this runs on, chosen here (platformdirs chooses once, when it is first imported)
    if sys.platform == "win32":
        from platformdirs.windows import Windows

        return Windows(APP, appauthor=False)
    if sys.platform == "darwin":
        from platformdirs.macos import MacOS

        return MacOS(APP, appauthor=False)
    from platformdirs.unix import Unix

    return Unix(APP, appauthor=False)


def _program_data() -> Path:
    """The ProgramData known folder, from the shell (an administrator may have moved it; a user cannot)."""
    if sys.platform != "win32":
        raise OSError(0, "the ProgramData known folder exists only on Windows")
    import ctypes
    from ctypes import wintypes

    class GUID(ctypes.Structure):
        _fields_ = [
            ("Data1", wintypes.DWORD),
            ("Data2", wintypes.WORD),
            ("Data3", wintypes.WORD),
            ("Data4", wintypes.BYTE * 8),
        ]

    # FOLDERID_ProgramData {62AB5D82-FDC1-4DC3-A9DD-070D1D495D97}
    folder_id = GUID(0x62AB5D82, 0xFDC1, 0x4DC3, (wintypes.BYTE * 8)(*b"\xa9\xdd\x07\x0d\x1d\x49\x5d\x97"))
    shell32 = ctypes.WinDLL("shell32", use_last_error=True)
    ole32 = ctypes.WinDLL("ole32", use_last_error=True)
    shell32.SHGetKnownFolderPath.argtypes = [
        ctypes.POINTER(GUID),
        wintypes.DWORD,
        wintypes.HANDLE,
        ctypes.POINTER(ctypes.c_wchar_p),
    ]
    shell32.SHGetKnownFolderPath.restype = ctypes.c_long
    ole32.CoTaskMemFree.argtypes = [ctypes.c_void_p]
    found = ctypes.c_wchar_p()
    result = shell32.SHGetKnownFolderPath(ctypes.byref(folder_id), 0, None, ctypes.byref(found))
    try:
        if result != 0 or not found.value:
            raise OSError(0, f"SHGetKnownFolderPath(FOLDERID_ProgramData) failed: 0x{result & 0xFFFFFFFF:08X}")
        return Path(found.value)
    finally:
        ole32.CoTaskMemFree(ctypes.cast(found, ctypes.c_void_p))


def manifest_locations() -> tuple[Path, Path]:
    """The user's manifest file and the system's (neither need exist)."""
    return location("config") / MANIFEST_NAME, location("system") / MANIFEST_NAME


def cache_dir() -> Path:
    """The host's cache folder (plugin discovery)."""
    return location("cache")


def default_sim_state() -> Path:
    """Where the simulated card keeps its state when the manifest says nothing (the user's data folder)."""
    return location("data") / "sim-card.json"


def default_audit_path() -> Path:
    """The audit log when the manifest names none (the user's state folder)."""
    return location("state") / "audit.jsonl"


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


def expand_manifest_path(value: str, folder: Path | None) -> Path:
    """A path as written in a manifest, made absolute.

    ``~`` is the user's home; on Windows ``%VAR%`` is expanded first (``$VAR`` is never expanded, on any OS); a
    path still relative then is relative to ``folder``, the manifest file's folder. A UNC path
    (``\\\\server\\share\\...``) is absolute.

    :raises ValueError: ``%VAR%`` names a variable that is not set, or the path stays relative with no folder.
    :raises RuntimeError: ``~user`` names an account that has no home here.
    """
    from pathlib import PurePosixPath, PureWindowsPath

    text = value
    pure: type[PurePosixPath | PureWindowsPath] = PurePosixPath
    if sys.platform == "win32":
        text = _expand_percent(text)
        pure = PureWindowsPath
    if text.startswith("~"):
        text = str(Path(text).expanduser())  # RuntimeError: ~someone with no home here
    path = pure(text)
    if not path.is_absolute():
        if folder is None:
            raise ValueError("relative")
        path = pure(str(folder)) / path
    return Path(str(path))


def _expand_percent(text: str) -> str:
    """``%VAR%`` → the variable's value (``%%`` is a ``%``); a variable that is not set is an error."""
    out: list[str] = []
    i = 0
    while i < len(text):
        start = text.find("%", i)
        if start < 0:
            out.append(text[i:])
            break
        end = text.find("%", start + 1)
        if end < 0:
            out.append(text[i:])
            break
        out.append(text[i:start])
        name = text[start + 1 : end]
        if not name:
            out.append("%")
        else:
            value = os.environ.get(name)
            if value is None:
                raise ValueError(f"%{name}%")
            out.append(value)
        i = end + 1
    return "".join(out)


def _language_from_env() -> str | None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return None


def macos_language() -> str | None:
    """The first of the user's languages in macOS's settings (``defaults read -g AppleLanguages``), or None."""
    import subprocess

    from .language import first_apple_language

    try:
        argv = ["defaults", "read", "-g", "AppleLanguages"]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return first_apple_language(done.stdout)


def system_language() -> str:
    """``ja`` when the user's language is Japanese, else ``en``: Windows' UI language; on macOS the user's
    language setting unless ``LC_ALL``/``LC_MESSAGES`` say otherwise (Terminal sets ``LANG`` on its own)."""
    if sys.platform == "win32":
        import ctypes

        lang_id = ctypes.windll.kernel32.GetUserDefaultUILanguage()
        return "ja" if lang_id & 0x3FF == 0x11 else "en"
    if sys.platform == "darwin" and not (os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES")):
        return macos_language() or _language_from_env() or "en"
    return _language_from_env() or "en"


# --- secrets at a crash (issue 25) ----------------------------------------------------------------------------------

_no_dumps = False


def no_core_dumps() -> None:
    """From now on (the process is about to hold a secret) a crash writes no core dump holding it.

    - Linux: ``RLIMIT_CORE`` 0 (a core file) and ``prctl(PR_SET_DUMPABLE, 0)``: the kernel then dumps no core even
      to a pipe (systemd-coredump, apport ignore ``RLIMIT_CORE``) unless an administrator set
      ``fs.suid_dumpable`` to 2 (then only root can read it); other processes of the user can no longer read the
      process's memory (``/proc/PID/mem``, ptrace).
    - macOS and other POSIX: ``RLIMIT_CORE`` 0 (macOS writes ``/cores/core.PID`` only when that limit allows).
      ``PT_DENY_ATTACH`` is not used: it would also stop the user's own debugging and crash reporting.
    - Windows writes no core file; Windows Error Reporting's dialog is turned off for the process
      (``SetErrorMode(SEM_NOGPFAULTERRORBOX)``). A dump is still written where an administrator configured WER
      ``LocalDumps`` or a debugger is attached: that is the administrator's choice, documented in the README.

    Set once; never undone (the process ends after the command; the window keeps it until it closes).
    """
    global _no_dumps
    if _no_dumps:
        return
    _no_dumps = True
    if sys.platform == "win32":
        import ctypes

        sem_failcriticalerrors, sem_nogpfaulterrorbox = 0x0001, 0x0002
        kernel32 = ctypes.windll.kernel32
        kernel32.SetErrorMode(kernel32.GetErrorMode() | sem_failcriticalerrors | sem_nogpfaulterrorbox)
        return
    import resource

    # the soft limit is the one the kernel dumps by; the hard one is left as it was, so that the programs this
    # process starts later (a shell, a helper) keep what their user allowed them (lowering it cannot be undone)
    _, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (0, hard))
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_dumpable = 4
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(pr_set_dumpable, 0, 0, 0, 0)
        except (OSError, AttributeError):  # a libc without prctl (not met on Linux): the limit above still holds
            pass
