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

When the manifest names no module, it is found through p11-kit's module configs by name.
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


def check_module(path: str, sha256: str | None = None, *, pinned_by_system: bool = False) -> Path:
    """The module's path once every rule holds.

    :param sha256: the manifest's digest for this OS's module, if any.
    :param pinned_by_system: that digest comes from the system manifest (it locks it): on Windows the digest then
        stands in for the DLL file's own rights; its folders must pass all the same (no one else may add a file beside
        it).
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

    found = untrusted_file(p, pinned=sys.platform == "win32" and pinned_by_system and sha256 is not None)
    if found is not None:
        rule, where = found
        raise ModuleProblem(rule if rule in ("owner", "writable") else "missing", where)
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
