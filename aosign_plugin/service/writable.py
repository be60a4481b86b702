"""Whether this account can write a file, or create one in a folder: asked of ``os.access`` on POSIX, decided by
trying on Windows.

On Windows ``os.access`` looks only at the read-only attribute, never at the DACL: it says "writable" for
``C:\\Program Files`` and for a share the user may only read. There the answer is had by doing what the writer would:
an existing file is opened for appending (nothing written), a folder gets a new empty file made with
``O_CREAT | O_EXCL`` and removed at once. On POSIX ``os.access`` is the kernel's own answer (ACLs included).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

__all__ = ["file_writable", "folder_writable"]


def file_writable(path: Path, *, by_trying: bool = sys.platform == "win32") -> bool:
    """This account could append to the existing file ``path``."""
    if not by_trying:
        return os.access(path, os.W_OK)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    except OSError:
        return False
    os.close(fd)
    return True


def folder_writable(folder: Path, *, by_trying: bool = sys.platform == "win32") -> bool:
    """This account could create a file in ``folder``."""
    if not by_trying:
        return os.access(folder, os.W_OK | os.X_OK)
    import secrets

    probe = folder / f".aosign-write-test-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:
        return False
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)
    return True
