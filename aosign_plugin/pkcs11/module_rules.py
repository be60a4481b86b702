"""Which PKCS#11 module may be loaded: only a file no other user can change, optionally of a pinned digest.

A PKCS#11 module runs inside the signing application with the user's card: loading one that another account (or
a program running as the user from a world-writable folder) could replace would hand it the PIN. So, on POSIX,
the module must be an absolute path to a regular file owned by root or the user and not writable by group or
others, in folders that are not either (all the way up; a sticky folder such as /tmp is allowed), and, when the
manifest pins a SHA-256, have that digest. When the manifest names no module, it is found through p11-kit's
module configs by name.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from pathlib import Path

__all__ = ["ModuleProblem", "check_module", "p11kit_module"]


class ModuleProblem(Exception):
    """The module may not be loaded; ``rule`` is a catalog key suffix, ``path`` the file or folder concerned."""

    def __init__(self, rule: str, path: str) -> None:
        super().__init__(f"{path}: {rule}")
        self.rule = rule
        self.path = path


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def check_module(path: str, sha256: str | None = None) -> Path:
    """The module's path once every rule holds.

    :raises ModuleProblem: ``relative``, ``missing``, ``not_a_file``, ``writable`` or ``owner`` (the file or a
        folder, named: another account could replace it), ``digest``.
    """
    p = Path(path)
    if not p.is_absolute():
        raise ModuleProblem("relative", path)
    try:
        st = os.stat(p)
    except (OSError, ValueError):  # ValueError: a NUL in the path
        raise ModuleProblem("missing", path) from None
    if not stat.S_ISREG(st.st_mode):
        raise ModuleProblem("not_a_file", path)
    if sys.platform != "win32":
        # the file itself (through any symlink) and every folder above it
        real = p.resolve()
        # the file (through any symlink), the folders above it, and those above the link itself
        uid = os.getuid()
        for node in dict.fromkeys((real, *real.parents, *p.parents)):
            st_node = os.stat(node)
            if st_node.st_uid not in (0, uid):
                raise ModuleProblem("owner", str(node))
            # a sticky folder (/tmp) lets others add files but not replace ours
            sticky_dir = stat.S_ISDIR(st_node.st_mode) and st_node.st_mode & stat.S_ISVTX
            if st_node.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not sticky_dir:
                raise ModuleProblem("writable", str(node))
    if sha256 is not None and _digest(p) != sha256.lower():
        raise ModuleProblem("digest", path)
    return p


def _p11kit_dirs() -> list[Path]:
    dirs = [Path("/etc/pkcs11/modules"), Path("/usr/share/p11-kit/modules")]
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    dirs.append(Path(config) / "pkcs11" / "modules")
    return dirs


def p11kit_module(name: str) -> str | None:
    """The ``module:`` path of p11-kit's module config named ``name`` (``opensc`` for ``opensc.module``).

    User configs (``~/.config/pkcs11/modules``) override system ones, as p11-kit does.
    """
    found: str | None = None
    for folder in _p11kit_dirs():
        conf = folder / f"{name}.module"
        try:
            lines = conf.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for line in lines:
            key, sep, value = line.partition(":")
            if sep and key.strip() == "module":
                module = value.strip()
                # p11-kit resolves a bare file name in its default module folder
                if not os.path.isabs(module):
                    multiarch = getattr(sys.implementation, "_multiarch", "")
                    module = str(Path("/usr/lib", multiarch, "pkcs11") / module)
                found = module
    return found
