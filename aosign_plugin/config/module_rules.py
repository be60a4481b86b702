"""Which PKCS#11 module may be loaded: only a file no other account can change, optionally of a pinned digest.

A PKCS#11 module runs inside the signing application with the user's card: loading one that another account (or
a program running as the user from a folder it can write) could replace would hand it the PIN. So the module must
be an absolute path to a regular file and, when the manifest pins a SHA-256, have that digest. Then, per OS (the
decisions are the host's, through :func:`hostapp_stub.api.untrusted_file`):

- POSIX: the file and the folders above it (through any symlink, and above the link itself) owned by root or the
  user and not writable by group or others (a sticky folder such as /tmp is allowed);
- Windows: the same rule as the system manifest's: no right to change or replace the DLL or its folders for anyone
  but Administrators, SYSTEM and TrustedInstaller (a module under ``Program Files`` or ``System32`` passes as
  installed; one under the user's profile does not); on the DLL's own folder, not even the right to add a file
  (Windows loads the DLL's dependencies from there: a planted one would load with the PIN; a folder under
  ``ProgramData`` inherits that right for every user and fails until its DACL is made administrators-only). When the
  system manifest pins the DLL's SHA-256, the digest, checked right before loading, stands in for the file's own
  rights; its folders must pass all the same (a digest cannot vouch for what lies beside the file).

When the manifest names no module, it is found through p11-kit's module configs by name (:mod:`.p11kit_config`).
When the system manifest locks the module, it is the administrator's: root's file in root's folders, named by
root's configs.
"""

from __future__ import annotations

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
    import hashlib  # only when a module is hashed, not for every manifest check

    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def check_module(
    path: str, sha256: str | None = None, *, pinned_by_system: bool = False, administrator: bool = False
) -> Path:
    """The module's path once every rule holds.

    :param sha256: the manifest's digest for this OS's module, if any.
    :param pinned_by_system: that digest comes from the system manifest (it locks it): on Windows the digest then
        stands in for the DLL file's own rights; its folders must pass all the same (no one else may add a file beside
        it).
    :param administrator: the system manifest locks the module: on POSIX the file and its folders must be root's
        (not the user's, and no sticky folder such as /tmp), as for the system manifest itself.
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
    from hostapp_stub.api import untrusted_file

    found = untrusted_file(
        p,
        pinned=sys.platform == "win32" and pinned_by_system and sha256 is not None,
        administrator=administrator,
    )
    if found is not None:
        rule, where = found
        raise ModuleProblem(rule if rule in ("owner", "writable") else "missing", where)
    if sha256 is not None and _digest(p) != sha256.lower():
        raise ModuleProblem("digest", path)
    return p


def p11kit_module(name: str, *, administrator: bool = False) -> str | None:
    """The ``module:`` path of p11-kit's module config named ``name`` (``opensc`` for ``opensc.module``), found in
    p11-kit's order and with its rules (:mod:`.p11kit_config`).

    :param administrator: the system manifest locks the module: no user config is read, and the config must be the
        administrators' alone (:class:`~.p11kit_config.ConfigUntrusted` otherwise).
    """
    from aosign_plugin.config.p11kit_config import find_module

    found = find_module(name, administrator=administrator)
    return found.module if found is not None else None


def _p11kit_dirs() -> list[Path]:
    """The module config folders p11-kit reads for this user, in its order (:func:`.p11kit_config.folders`)."""
    from aosign_plugin.config.p11kit_config import folders

    return [folder for folder, _ in folders(administrator=False)]
