"""Loading a vendor's PKCS#11 module the way each OS needs, and naming the cause when it does not load.

- Windows: a vendor DLL often needs sibling DLLs from its own folder. Python makes every ``LoadLibrary`` use the
  "default directories" (the application's folder, System32 and folders added by ``os.add_dll_directory``), which
  leave that folder out: the load then fails with error 126. :func:`prepare_load` adds the folder
  (``os.add_dll_directory``, kept for the life of the process, for DLLs the module loads later by name) and loads
  the module itself first with ``LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_DEFAULT_DIRS``; python-pkcs11's
  own ``LoadLibrary`` of the same path then finds it already loaded.
- macOS and Windows: when loading fails, :func:`explain_failure` reads the file's header (bitness, architecture) and,
  on macOS, the ``com.apple.quarantine`` mark, and :mod:`.module_format` names the cause.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from aosign_plugin.backends.pkcs11.module_format import HEADER_BYTES, LoadCause, diagnose, python_arch, read_binary_info

__all__ = ["cause_detail", "explain_failure", "is_quarantined", "prepare_load"]

_LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR = 0x00000100
_LOAD_LIBRARY_SEARCH_DEFAULT_DIRS = 0x00001000

#: per folder, the handle ``os.add_dll_directory`` returned (removing it would undo the search path)
_dll_dirs: dict[str, Any] = {}
#: per module path, the preloaded library (kept so it stays loaded for python-pkcs11)
_preloaded: dict[str, Any] = {}


def _os_key() -> str:
    from aosign_plugin.config.platforms import os_key

    return os_key()


def prepare_load(path: str) -> None:
    """Make ``path`` loadable by python-pkcs11 on this OS (Windows: its folder searched, the module preloaded).

    :raises OSError: Windows could not load the module (``winerror`` says why: 126, 193...).
    """
    if sys.platform != "win32":
        return
    import ctypes

    full = os.path.abspath(path)
    folder = os.path.dirname(full)
    if folder not in _dll_dirs:
        _dll_dirs[folder] = os.add_dll_directory(folder)
    if full not in _preloaded:
        _preloaded[full] = ctypes.WinDLL(
            full, winmode=_LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | _LOAD_LIBRARY_SEARCH_DEFAULT_DIRS
        )


def is_quarantined(path: str) -> bool:
    """The file carries macOS's ``com.apple.quarantine`` extended attribute (False elsewhere or when unreadable)."""
    if sys.platform != "darwin":
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    getxattr = libc.getxattr
    # macOS: ssize_t getxattr(const char *path, const char *name, void *value, size_t size, u_int32_t position,
    # int options); value NULL asks for the size only
    getxattr.restype = ctypes.c_ssize_t
    getxattr.argtypes = [
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_uint32,
        ctypes.c_int,
    ]
    return int(getxattr(os.fsencode(path), b"com.apple.quarantine", None, 0, 0, 0)) >= 0


def explain_failure(path: str, winerror: int | None = None, text: str = "") -> LoadCause | None:
    """Why the module at ``path`` did not load, when its header or its marks show it; else ``None``.

    :param winerror: ``OSError.winerror`` of the failed load on Windows.
    :param text: the loader's error text (``dlerror()`` as python-pkcs11 reports it).
    """
    import platform
    import struct

    try:
        with open(path, "rb") as f:
            head = f.read(HEADER_BYTES)
    except OSError:
        return None
    here = _os_key()
    return diagnose(
        os_key=here,
        info=read_binary_info(head),
        python=python_arch(here, platform.machine(), struct.calcsize("P") * 8),
        winerror=winerror,
        text=text,
        quarantined=is_quarantined(path),
    )


def cause_detail(path: str, cause: LoadCause) -> str:
    """The ``detail`` of the user's message: the path, and the architectures when they are the cause."""
    if cause.module_arch:
        return f"{path} (module: {cause.module_arch}, Python: {cause.python_arch})"
    return path
