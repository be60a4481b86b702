"""p11-kit module names as distributions ship them: the name the manifest gives, then its known other names.

p11-kit names a module after its config file (``<name>.module``), and distributions name OpenSC's differently:
``opensc-pkcs11.module`` on Debian and Ubuntu, ``opensc.module`` on Fedora, Arch and openSUSE. So a manifest's
``[pkcs11] p11kit = "opensc"`` is looked up as given first, then under the other names of the same module; an
unknown name is answered with the names p11-kit knows here. Which folders are read, and in which order, is
:func:`~aosign_plugin.config.module_rules.p11kit_module`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aosign_plugin.config.p11kit_config import Found

__all__ = ["ALIASES", "find_p11kit_config", "find_p11kit_module", "known_p11kit_modules"]

#: the names one module goes by across distributions (each name's group; the name given is always tried first)
_GROUPS: tuple[tuple[str, ...], ...] = (
    ("opensc", "opensc-pkcs11"),  # Fedora, Arch, openSUSE · Debian, Ubuntu
    ("softhsm2", "softhsm"),  # Debian, Fedora · older packages
    ("onepin-opensc", "onepin-opensc-pkcs11"),
)
#: per name, the other names of its module
ALIASES: dict[str, tuple[str, ...]] = {
    name: tuple(n for n in group if n != name) for group in _GROUPS for name in group
}


def find_p11kit_config(name: str, *, administrator: bool = False) -> Found | None:
    """The config (and the module it names) of p11-kit's ``name``, else of one of its :data:`ALIASES`, found in
    p11-kit's order and with its rules (:func:`.p11kit_config.find_module`).

    :param administrator: the system manifest locks the module: root's configs only.
    :raises ConfigUntrusted: ``administrator`` and the config that decides is not the administrators' alone.
    """
    from aosign_plugin.config.p11kit_config import find_module

    for candidate in (name, *ALIASES.get(name.casefold(), ())):
        found = find_module(candidate, administrator=administrator)
        if found is not None:
            return found
    return None


def find_p11kit_module(name: str, *, administrator: bool = False) -> tuple[str | None, str | None]:
    """The module path p11-kit's config ``name`` (else one of its :data:`ALIASES`) names, and the name found.

    :returns: ``(path, name found)``, or ``(None, None)`` when no config of any of those names is installed.
    """
    found = find_p11kit_config(name, administrator=administrator)
    if found is None:
        return None, None
    return found.module, found.config.name.removesuffix(".module")


def known_p11kit_modules() -> list[str]:
    """The module names p11-kit knows on this system (its config files' names, sorted), as ``p11-kit
    list-modules`` would name them; empty where p11-kit keeps none (Windows, macOS without it)."""
    from aosign_plugin.config.module_rules import _p11kit_dirs

    found: set[str] = set()
    for folder in _p11kit_dirs():
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        found.update(p.name.removesuffix(".module") for p in entries if p.name.endswith(".module"))
    return sorted(found)
