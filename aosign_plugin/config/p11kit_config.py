"""Which p11-kit module config names a module, read in p11-kit's own order and with its rules for a system component.

p11-kit (``p11-kit/conf.c``) reads ``/etc/pkcs11/pkcs11.conf``, whose ``user-config`` (``none``, ``merge`` (the
default), ``only``, ``override``) says whether the user's configs count; the user's ``~/.config/pkcs11/pkcs11.conf``
may narrow that further. Module configs then load from the user's ``~/.config/pkcs11/modules`` (when user configs
count), then ``/etc/pkcs11/modules``, then ``/usr/share/p11-kit/modules`` (unless the mode is ``only``); the first
config of a name wins, so the administrator's ``/etc`` overrides the package's ``/usr/share``.

When the administrator's manifest locks the module (``[pkcs11]``, ``pkcs11.module`` or ``pkcs11.p11kit``), the
module is the administrator's, as for a system component (p11-kit ignores user configs in setuid programs): no user
config is read, and the config that names the module must be one only the administrators can change.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "PACKAGE_MODULES",
    "SYSTEM_CONF",
    "SYSTEM_MODULES",
    "ConfigUntrusted",
    "Found",
    "config_value",
    "find_module",
    "folders",
    "user_mode",
]

SYSTEM_CONF = Path("/etc/pkcs11/pkcs11.conf")
SYSTEM_MODULES = Path("/etc/pkcs11/modules")
PACKAGE_MODULES = Path("/usr/share/p11-kit/modules")
USER_MODES = ("none", "merge", "only", "override")
#: a config file is a few lines; anything larger is not one
_MAX_BYTES = 64 * 1024


class Found(NamedTuple):
    """The module a config names, and the config file that named it (for doctor: where the path came from)."""

    module: str
    config: Path
    user: bool


class ConfigUntrusted(Exception):
    """A p11-kit config that decides the administrator's module can be changed by another account (``rule``:
    ``owner``, ``writable`` or ``unreadable``, ``path``: the file or folder)."""

    def __init__(self, rule: str, path: str) -> None:
        super().__init__(f"{path}: {rule}")
        self.rule = rule
        self.path = path


def _read(path: Path) -> list[str] | None:
    try:
        with open(path, "rb") as f:
            raw = f.read(_MAX_BYTES + 1)
    except (OSError, ValueError):
        return None
    if len(raw) > _MAX_BYTES:
        return None
    return raw.decode("utf-8", "replace").splitlines()


def config_value(lines: list[str], key: str) -> str | None:
    """``key: value`` of a p11-kit config (``#`` comments; the last of a key wins, as p11-kit's parser does)."""
    found: str | None = None
    for line in lines:
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        name, sep, value = text.partition(":")
        if sep and name.strip() == key:
            found = value.strip()
    return found


def _user_config_home() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME")
    return Path(config) if config and os.path.isabs(config) else Path.home() / ".config"


def user_mode(system_lines: list[str] | None, user_lines: list[str] | None) -> str:
    """The effective ``user-config``: the system file's (``merge`` when it says nothing, ``none`` when it is there
    but unreadable: what the administrator wrote cannot be known); the user's file may only narrow it further when
    the system lets user configs count."""
    if system_lines is None:
        return "merge"
    mode = config_value(system_lines, "user-config") or "merge"
    if mode not in USER_MODES:
        mode = "merge"
    if mode != "none" and user_lines is not None:
        mine = config_value(user_lines, "user-config")
        if mine in USER_MODES:
            mode = mine
    return mode


def _system_lines() -> list[str] | None:
    if not os.path.lexists(SYSTEM_CONF):
        return None
    lines = _read(SYSTEM_CONF)
    return lines if lines is not None else ["user-config: none"]


def folders(*, administrator: bool) -> list[tuple[Path, bool]]:
    """The module config folders p11-kit reads, in its order (the first config of a name wins), each with whether
    it is the user's."""
    found: list[tuple[Path, bool]] = []
    if not administrator:
        user_home = _user_config_home() / "pkcs11"
        mode = user_mode(_system_lines(), _read(user_home / "pkcs11.conf"))
        if mode != "none":
            found.append((user_home / "modules", True))
        if mode == "only":
            return found
    return [*found, (SYSTEM_MODULES, False), (PACKAGE_MODULES, False)]


def find_module(name: str, *, administrator: bool) -> Found | None:
    """The module p11-kit's config ``<name>.module`` names, p11-kit's way (see the module docstring).

    :param administrator: the administrator's manifest locks the module: user configs are never read, and the
        config found (and the folders above it) must be one only the administrators can change.
    :raises ConfigUntrusted: ``administrator`` and the config that decides is not the administrators' alone.
    """
    return _first(name, folders(administrator=administrator), administrator=administrator)


def _first(name: str, folders: list[tuple[Path, bool]], *, administrator: bool) -> Found | None:
    for folder, user in folders:
        conf = folder / f"{name}.module"
        if not os.path.lexists(conf):
            continue
        if administrator:
            _check_trusted(conf)
        lines = _read(conf)
        module = config_value(lines, "module") if lines is not None else None
        if not module:
            continue
        if not os.path.isabs(module):
            # p11-kit resolves a bare file name in its default module folder
            multiarch = getattr(sys.implementation, "_multiarch", "")
            module = str(Path("/usr/lib", multiarch, "pkcs11") / module)
        return Found(module, conf, user)
    return None


def _check_trusted(conf: Path) -> None:
    from hostapp_stub.api import untrusted_file

    found = untrusted_file(conf, administrator=True)
    if found is not None:
        raise ConfigUntrusted(*found)
