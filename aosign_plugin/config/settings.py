"""The plugin's settings: its tables of the deployment manifest, checked and turned into frozen values.

Unknown keys and wrong types are errors, never silently ignored; ``[policy]`` may only tighten the card's rules.
Each problem names the key and what is allowed, in the catalogs' words (``manifest.*``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from enum import Enum, unique
from pathlib import Path
from typing import Any

from aosign_plugin.config import keys as declared
from aosign_plugin.config.audit import AuditSettings
from aosign_plugin.config.dialect import CardDialect, ChangeStyle, Release, UnblockStatus
from aosign_plugin.config.keys import OS_KEYS, Key, tables
from aosign_plugin.config.platforms import os_key
from aosign_plugin.policy.rules import CARD_MAX_LENGTH, CARD_MIN_LENGTH, Guessable, PolicySettings
from hostapp_stub.api import Record, field

__all__ = [
    "PATH_KEYS",
    "TABLES",
    "Backend",
    "DeployedSettings",
    "SettingProblem",
    "Settings",
    "SettingsUnusable",
    "load_deployed_settings",
    "module_locked",
    "parse_settings",
]


@unique
class Backend(Enum):
    """How the card is reached."""

    SIM = "sim"
    PCSC = "pcsc"
    PKCS11 = "pkcs11"
    #: the built-in default: an AOSign card in a reader, else the issued simulated card (backends/auto_backend.py)
    AUTO = "auto"


#: the manifest tables this plugin owns, with their keys (declared in :mod:`.keys`)
TABLES: dict[str, tuple[str, ...]] = tables()

#: keys whose values are file paths: the host makes them absolute (``~``, ``%VAR%`` on Windows, then relative to
#: the folder of the manifest that set them) before this module sees them
PATH_KEYS = ("sim.state", "sim.log", "audit.path")


class SettingProblem(Record):
    """One thing wrong in the manifest: ``key`` is dotted (``card.pad_to``); ``message`` a catalog key."""

    key: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)


class Settings(Record):
    """Everything the plugin reads from the manifest, validated."""

    backend: Backend = Backend.AUTO
    language: str | None = None
    policy: PolicySettings = field(default_factory=PolicySettings)
    dialect: CardDialect = field(default_factory=CardDialect)
    pcsc_reader: str | None = None
    pkcs11_modules: Mapping[str, str] = field(default_factory=dict)
    pkcs11_sha256: Mapping[str, str] = field(default_factory=dict)
    #: this OS's module, from ``module.<os>`` or found through p11-kit
    pkcs11_module: str | None = None
    #: this OS's ``sha256.<os>`` is locked by the system manifest (so it is the administrator's)
    pkcs11_pinned_by_system: bool = False
    #: the system manifest locks the module (``pkcs11``, ``pkcs11.module`` or ``pkcs11.p11kit``): it is the
    #: administrator's (root's file, named by root's p11-kit configs; no option or user config may name another)
    pkcs11_module_locked: bool = False
    #: where this OS's module path came from: the manifest key, or the p11-kit config file that named it
    pkcs11_module_source: str | None = None
    #: how the unblocking code resets the PIN over PKCS#11 (OpenSC's user_pin_unblock_style)
    pkcs11_unblock: str = "so-initpin"
    #: read the counters from the card itself when the token's slot is a PC/SC reader (the module's flags may say
    #: nothing: OpenSC's generic driver never asks the card)
    pkcs11_card_counters: bool = True
    pkcs11_token: str | None = None
    sim_state: Path | None = None
    sim_log: Path | None = None
    audit: AuditSettings = field(default_factory=AuditSettings)
    #: ``[card] certificates``: the files holding the card's certificates, each a path from the MF (a card without
    #: a PKCS#15 directory); ``None``: read the PKCS#15 directory
    certificate_paths: tuple[bytes, ...] | None = None
    #: ``[status] expiry_warn_days``: a certificate with fewer days left is "expiring"
    expiry_warn_days: int = 60
    #: ``[plugin] card_busy_wait``: seconds to wait for a card another program is using (its transaction, an
    #: exclusive connection, a module blocked on it) before saying so (``card_in_use``, exit 6; nothing sent)
    card_busy_wait: int = 5


class _Checker:
    def __init__(self, manifest: Mapping[str, Any]) -> None:
        self.manifest = manifest
        self.problems: list[SettingProblem] = []

    def table(self, name: str) -> Mapping[str, Any]:
        value = self.manifest.get(name, {})
        if not isinstance(value, Mapping):
            self.problems.append(SettingProblem(name, "manifest.not_a_table"))
            return {}
        for key in value:
            if key not in TABLES[name]:
                self.problems.append(
                    SettingProblem(f"{name}.{key}", "manifest.unknown_key", {"allowed": ", ".join(TABLES[name])})
                )
        return value

    def choice(self, table: Mapping[str, Any], name: str, key: str) -> str | None:
        allowed = _declared(name, key).choices
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, str) or value not in allowed:
            self.problems.append(SettingProblem(f"{name}.{key}", "manifest.one_of", {"allowed": ", ".join(allowed)}))
            return None
        return value

    def integer(
        self, table: Mapping[str, Any], name: str, key: str, out_of_range: str = "manifest.out_of_range"
    ) -> int | None:
        declared = _declared(name, key)
        low, high = declared.low, declared.high
        assert low is not None and high is not None, declared
        if key not in table:
            return None
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.append(SettingProblem(f"{name}.{key}", "manifest.want_int", {"low": low, "high": high}))
            return None
        if not low <= value <= high:
            self.problems.append(SettingProblem(f"{name}.{key}", out_of_range, {"low": low, "high": high}))
            return None
        return value

    def per_os(
        self, table: Mapping[str, Any], key: str, check: Callable[[str], str | None], bad: str
    ) -> dict[str, str]:
        """A ``[pkcs11] key.<os>`` table: each value a string that ``check`` accepts (and may normalise)."""
        out: dict[str, str] = {}
        if key not in table:
            return out
        value = table[key]
        allowed = {"allowed": ", ".join(OS_KEYS)}
        if not isinstance(value, Mapping):
            self.problems.append(SettingProblem(f"pkcs11.{key}", "manifest.module_table", allowed))
            return out
        for os_name, item in value.items():
            checked = check(item) if isinstance(item, str) else None
            if os_name not in OS_KEYS:
                self.problems.append(SettingProblem(f"pkcs11.{key}.{os_name}", "manifest.unknown_key", allowed))
            elif checked is None:
                self.problems.append(SettingProblem(f"pkcs11.{key}.{os_name}", bad))
            else:
                out[os_name] = checked
        return out

    def boolean(self, table: Mapping[str, Any], name: str, key: str) -> bool | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, bool):
            self.problems.append(SettingProblem(f"{name}.{key}", "manifest.want_bool"))
            return None
        return value

    def string(self, table: Mapping[str, Any], name: str, key: str) -> str | None:
        if key not in table:
            return None
        value = table[key]
        if not isinstance(value, str) or not value:
            self.problems.append(SettingProblem(f"{name}.{key}", "manifest.want_str"))
            return None
        return value


def _declared(table: str, name: str) -> Key:
    return declared.key(table, name)


def _policy(c: _Checker) -> PolicySettings:
    t = c.table("policy")
    # the card's own range: a value outside it would loosen the card's rules, which a manifest may not do
    lo = c.integer(t, "policy", "min_length", "manifest.loosens")
    hi = c.integer(t, "policy", "max_length", "manifest.loosens")
    guess = c.choice(t, "policy", "guessable")
    lo = CARD_MIN_LENGTH if lo is None else lo
    hi = CARD_MAX_LENGTH if hi is None else hi
    if lo > hi:
        c.problems.append(SettingProblem("policy.min_length", "manifest.min_over_max"))
        return PolicySettings()
    return PolicySettings(min_length=lo, max_length=hi, guessable=Guessable(guess) if guess else Guessable.REFUSE)


def _dialect(c: _Checker) -> CardDialect:
    t = c.table("card")
    # CONTRACT.md: a [card] table that omits aid means no SELECT; without a [card] table at all, the AOSign card's
    # own dialect (the defaults, AID included) applies
    kwargs: dict[str, Any] = {"aid": None} if "card" in c.manifest else {}
    if "aid" in t:
        aid = t["aid"]
        try:
            raw = bytes.fromhex(aid) if isinstance(aid, str) else b""
        except ValueError:
            raw = b""
        if not 5 <= len(raw) <= 16:
            c.problems.append(SettingProblem("card.aid", "manifest.bad_aid"))
        else:
            kwargs["aid"] = raw
    for key in ("cla", "pin_ref", "unblock_ref", "pad_byte"):
        value = c.integer(t, "card", key)
        if value is not None:
            kwargs[key] = value
    pad_to = c.integer(t, "card", "pad_to")
    if pad_to is not None:
        if 0 < pad_to < CARD_MAX_LENGTH:
            c.problems.append(SettingProblem("card.pad_to", "manifest.bad_pad_to", {"high": CARD_MAX_LENGTH}))
        else:
            kwargs["pad_to"] = pad_to
    change = c.choice(t, "card", "change")
    if change:
        kwargs["change"] = ChangeStyle(change)
    status = c.choice(t, "card", "unblock_status")
    if status:
        kwargs["unblock_status"] = UnblockStatus(status)
    release = c.choice(t, "card", "release")
    if release:
        kwargs["release"] = Release(release)
    try:
        return CardDialect(**kwargs)
    except ValueError:
        c.problems.append(SettingProblem("card.unblock_ref", "manifest.same_refs"))
        return CardDialect()


#: at most this many certificate files in ``[card] certificates``
_MAX_CERTIFICATE_PATHS = 32


def _certificate_paths(c: _Checker) -> tuple[bytes, ...] | None:
    """``[card] certificates``: a list of paths such as ``"3F00/5015/4331"`` (from the MF; the leading 3F00 may be
    left out), each 1 to 8 file identifiers of 4 hex digits."""
    t = c.manifest.get("card", {})
    if not isinstance(t, Mapping) or "certificates" not in t:
        return None
    value = t["certificates"]
    if not isinstance(value, list) or len(value) > _MAX_CERTIFICATE_PATHS:
        problem = SettingProblem("card.certificates", "manifest.certificate_paths", {"high": _MAX_CERTIFICATE_PATHS})
        c.problems.append(problem)
        return None
    out: list[bytes] = []
    for item in value:
        digits = item.replace("/", "").replace(" ", "") if isinstance(item, str) else ""
        try:
            raw = bytes.fromhex(digits) if digits and len(digits) % 4 == 0 else b""
        except ValueError:
            raw = b""
        if not raw.startswith(b"\x3f\x00"):
            raw = b"\x3f\x00" + raw if raw else b""
        if not 4 <= len(raw) <= 16:
            c.problems.append(
                SettingProblem("card.certificates", "manifest.certificate_paths", {"high": _MAX_CERTIFICATE_PATHS})
            )
            return None
        out.append(raw)
    return tuple(out)


def _path(c: _Checker, t: Mapping[str, Any], name: str, key: str) -> Path | None:
    value = c.string(t, name, key)
    if not value:
        return None
    if "\x00" in value:
        c.problems.append(SettingProblem(f"{name}.{key}", "manifest.bad_path"))
        return None
    try:
        path = Path(value).expanduser()
    except RuntimeError:  # ~someone who has no home folder here
        c.problems.append(SettingProblem(f"{name}.{key}", "manifest.no_home"))
        return None
    if not path.is_absolute():  # the host makes every path absolute (PATH_KEYS); a caller that did not: refused
        c.problems.append(SettingProblem(f"{name}.{key}", "manifest.path_not_absolute"))
        return None
    return path


def _reader(c: _Checker, t: Mapping[str, Any]) -> str | None:
    """``[pcsc] reader``: one substring, or one per OS (``reader.windows = "..."``) where the names differ; a table
    without this OS's key matches every reader, as an absent key does."""
    value = t.get("reader")
    if not isinstance(value, Mapping):
        return c.string(t, "pcsc", "reader")
    allowed = {"allowed": ", ".join(OS_KEYS)}
    out: dict[str, str] = {}
    for key, item in value.items():
        if key not in OS_KEYS:
            c.problems.append(SettingProblem(f"pcsc.reader.{key}", "manifest.unknown_key", allowed))
        elif not isinstance(item, str) or not item:
            c.problems.append(SettingProblem(f"pcsc.reader.{key}", "manifest.want_str"))
        else:
            out[key] = item
    return out.get(os_key())


def parse_settings(manifest: Mapping[str, Any]) -> tuple[Settings, list[SettingProblem]]:
    """Check the plugin's tables of a parsed manifest.

    :param manifest: the whole manifest as parsed TOML (tables this plugin does not own are ignored here).
    :returns: the settings (defaults where a value was wrong) and every problem found.
    """
    c = _Checker(manifest)
    plugin = c.table("plugin")
    backend = c.choice(plugin, "plugin", "backend")
    language = c.choice(plugin, "plugin", "language")
    busy_wait = c.integer(plugin, "plugin", "card_busy_wait")
    policy = _policy(c)
    dialect = _dialect(c)
    pcsc = c.table("pcsc")
    reader = _reader(c, pcsc)
    p11 = c.table("pkcs11")
    # %VAR% is expanded on Windows, for this OS's module, in _check_this_os_module
    modules = c.per_os(
        p11, "module", lambda v: v if _is_absolute(v) or v.startswith("%") else None, "manifest.module_absolute"
    )
    digests = c.per_os(p11, "sha256", lambda v: v.lower() if _is_sha256(v) else None, "manifest.bad_sha256")
    p11kit = c.string(p11, "pkcs11", "p11kit")
    if p11kit is not None and not re.fullmatch(r"[A-Za-z0-9._-]+", p11kit):
        c.problems.append(SettingProblem("pkcs11.p11kit", "manifest.p11kit_name"))
        p11kit = None
    pinned = _locked_by_system(manifest, f"pkcs11.sha256.{os_key()}") and os_key() in digests
    locked = module_locked(manifest)
    module, source = _check_this_os_module(c, modules, digests, p11kit, pinned=pinned, locked=locked)
    unblock = c.choice(p11, "pkcs11", "unblock")
    card_counters = c.boolean(p11, "pkcs11", "card_counters")
    token = c.string(p11, "pkcs11", "token")
    if token is not None and not token.startswith("pkcs11:"):
        c.problems.append(SettingProblem("pkcs11.token", "manifest.token_uri"))
        token = None
    elif token is not None:
        from aosign_plugin.config.token_uri import validate_uri

        for detail in validate_uri(token):
            c.problems.append(SettingProblem("pkcs11.token", "manifest.token_uri_invalid", {"detail": detail}))
            token = None
    sim = c.table("sim")
    audit_table = c.table("audit")
    enabled = c.boolean(audit_table, "audit", "enabled")
    sink = c.choice(audit_table, "audit", "sink")
    max_bytes = c.integer(audit_table, "audit", "max_bytes")
    backups = c.integer(audit_table, "audit", "backups")
    status_table = c.table("status")
    warn_days = c.integer(status_table, "status", "expiry_warn_days")
    audit = AuditSettings(
        enabled=True if enabled is None else enabled,
        sink=sink or "file",
        path=_path(c, audit_table, "audit", "path"),
        max_bytes=AuditSettings.max_bytes if max_bytes is None else max_bytes,
        backups=AuditSettings.backups if backups is None else backups,
    )
    settings = Settings(
        backend=Backend(backend) if backend else Backend.AUTO,
        language=language,
        policy=policy,
        dialect=dialect,
        pcsc_reader=reader,
        pkcs11_modules=modules,
        pkcs11_sha256=digests,
        pkcs11_module=module,
        pkcs11_pinned_by_system=pinned,
        pkcs11_module_locked=locked,
        pkcs11_module_source=source,
        pkcs11_unblock=unblock or "so-initpin",
        pkcs11_card_counters=True if card_counters is None else card_counters,
        pkcs11_token=token,
        sim_state=_path(c, sim, "sim", "state"),
        sim_log=_path(c, sim, "sim", "log"),
        certificate_paths=_certificate_paths(c),
        expiry_warn_days=60 if warn_days is None else warn_days,
        card_busy_wait=5 if busy_wait is None else busy_wait,
        audit=audit,
    )
    unique = list({(p.key, p.message, tuple(sorted(p.params.items()))): p for p in c.problems}.values())
    return settings, unique


def _is_sha256(text: str) -> bool:
    return len(text) == 64 and all(ch in "0123456789abcdefABCDEF" for ch in text)


def _locked_by_system(manifest: Mapping[str, Any], key: str) -> bool:
    """Whether the system manifest locks ``key``: only the system file's ``[manifest]`` reaches the merged
    manifest (the host ignores the table in any other file), so a locked key's value is the administrator's."""
    table = manifest.get("manifest")
    locked = table.get("locked") if isinstance(table, Mapping) else None
    if not isinstance(locked, list):
        return False
    return any(isinstance(lk, str) and (key == lk or key.startswith(lk + ".")) for lk in locked)


def module_locked(manifest: Mapping[str, Any]) -> bool:
    """Whether the system manifest locks the module (``pkcs11``, ``pkcs11.module`` or a key under it, or
    ``pkcs11.p11kit``: locking the module by path locks it by p11-kit name too, they name one thing)."""
    table = manifest.get("manifest")
    locked = table.get("locked") if isinstance(table, Mapping) else None
    if not isinstance(locked, list):
        return False
    keys = [k for k in locked if isinstance(k, str)]
    return any(k in ("pkcs11", "pkcs11.p11kit", "pkcs11.module") or k.startswith("pkcs11.module.") for k in keys)


def _check_this_os_module(
    c: _Checker,
    modules: Mapping[str, str],
    digests: Mapping[str, str],
    p11kit: str | None,
    *,
    pinned: bool,
    locked: bool,
) -> tuple[str | None, str | None]:
    """The rules of :mod:`.module_rules` for this OS's module, when the manifest names or finds one; with where its
    path came from."""
    from aosign_plugin.config.module_rules import ModuleProblem, check_module
    from aosign_plugin.config.p11kit_config import ConfigUntrusted
    from hostapp_stub.api import expand_path as expand_manifest_path

    here = os_key()
    key = f"pkcs11.module.{here}"
    path = modules.get(here)
    source = f"[pkcs11] module.{here}"
    if path is not None:
        try:  # %VAR% on Windows; a module path must be absolute after that (never relative to the manifest)
            path = str(expand_manifest_path(path, None))
        except (ValueError, RuntimeError):
            c.problems.append(SettingProblem(key, "manifest.module_absolute"))
            return None, None
    if path is None and p11kit is not None:
        from aosign_plugin.config.p11kit_names import ALIASES, find_p11kit_config, known_p11kit_modules

        key = "pkcs11.p11kit"
        try:
            found = find_p11kit_config(p11kit, administrator=locked)
        except ConfigUntrusted as e:
            rule = e.rule if e.rule in ("owner", "writable") else "unreadable"
            c.problems.append(SettingProblem(key, f"manifest.p11kit_untrusted.{rule}", {"path": e.path}))
            return None, None
        if found is None:
            tried = ", ".join(f"{n}.module" for n in (p11kit, *ALIASES.get(p11kit.casefold(), ())))
            known = ", ".join(known_p11kit_modules()) or "-"
            params = {"name": p11kit, "tried": tried, "known": known}
            c.problems.append(SettingProblem(key, "manifest.p11kit_unknown_known", params))
            return None, None
        path, source = found.module, str(found.config)
    if path is None:
        return None, None
    try:
        check_module(path, digests.get(here), pinned_by_system=pinned, administrator=locked)
    except ModuleProblem as e:
        message = f"manifest.module_{e.rule}" + ("_admin" if locked and e.rule == "owner" else "")
        c.problems.append(SettingProblem(key, message, {"path": e.path}))
        return None, None
    return path, source


def _is_absolute(path: str) -> bool:
    # absolute on the OS it is meant for: POSIX "/..." or Windows "C:\..." / "\\server\share"
    return path.startswith("/") or path.startswith("\\\\") or (len(path) > 2 and path[1] == ":" and path[2] in "\\/")


# --- the settings for a program of the plugin that runs outside a host (issue 24) ------------------------------------


class SettingsUnusable(Exception):
    """The deployment manifest cannot be read, or the plugin's tables in it have problems: ``lines`` says each, with
    its file and line, in the language asked for."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class DeployedSettings(Record):
    """The plugin's settings from the manifest in force, and which keys the administrator's system manifest locks.

    :param locked_by: the system manifest that locks a dotted key (``pkcs11.token``), or None.
    """

    settings: Settings
    locked_by: Callable[[str], Path | None]


def load_deployed_settings(explicit: str | None, lang: str) -> DeployedSettings:
    """The plugin's settings for a program of the plugin that runs outside a host (the pyHanko signer): the
    deployment manifest found and merged as the host finds it (:func:`hostapp_stub.api.read_manifest`: ``explicit``,
    else ``$AOSIGN_MANIFEST``, else the user's file, over the system file), this plugin's tables checked as
    ``aosign-host manifest check`` checks them.

    :param explicit: a manifest file named by the user (``--manifest``), or None.
    :param lang: the language of the problem texts.
    :raises SettingsUnusable: the manifest cannot be read, or it has problems (CONTRACT.md: exit 7).
    """
    from aosign_plugin import catalogs
    from hostapp_stub.api import ManifestUnreadable, read_manifest

    try:
        view = read_manifest(explicit, lang, PATH_KEYS)
    except ManifestUnreadable as e:
        raise SettingsUnusable([str(e)]) from None
    settings, found = parse_settings(view.data)
    problems = list(view.problems)
    problems += [view.describe(p.key, catalogs.text(p.message, lang, **p.params)) for p in found]
    if problems:
        raise SettingsUnusable(problems)
    return DeployedSettings(settings, view.locked_by)
