"""The plugin's manifest keys, declared once: their tables, types, allowed values, defaults and meaning.

:mod:`.settings` checks a manifest against these declarations (which keys a table may hold, the choices, the ranges),
:func:`table_schemas` turns them into the JSON Schema that administrators' editors read (``aosign-host manifest
schema``, ``manifest.schema.json``), and the manual's manifest reference is generated from them. What a schema
cannot say (a module file that must exist and pass the trust rules, ``min_length`` above ``max_length``, a token
URI's attributes) is checked by :mod:`.settings` alone and named in :data:`SCHEMA_CANNOT_SAY`.
"""

from __future__ import annotations

from typing import Any

from hostapp_stub.api import Record

__all__ = ["KEYS", "OS_KEYS", "SCHEMA_CANNOT_SAY", "Key", "allowed", "key", "table_schemas", "tables"]

#: the per-OS sub-keys (``module.linux``, ``reader.windows`` ...)
OS_KEYS = ("linux", "windows", "macos")


class Key(Record):
    """One manifest key.

    ``kind`` is one of ``bool``, ``int`` (``low``..``high``), ``choice`` (``choices``), ``str`` (``pattern``),
    ``path`` (``~``, relative to the manifest's folder), ``per_os`` (a table of ``linux``/``windows``/``macos``
    strings), ``str_or_per_os`` (one string, or one per OS) and ``list`` (of strings matching ``pattern``).
    """

    table: str
    name: str
    kind: str
    default: object
    meaning: str
    choices: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None
    pattern: str | None = None
    #: for ``int`` keys: the value may be written in hex (``0x81``), as the card's documents write it
    hex: bool = False


_HEX_PATH = r"^(?:[0-9A-Fa-f]{4}/?){1,8}$"

KEYS: tuple[Key, ...] = (
    Key("plugin", "backend", "choice", "auto", "how the card is reached: `auto` (an AOSign card in a reader, else "
        "the simulated card), `sim`, `pcsc` or `pkcs11`", choices=("sim", "pcsc", "pkcs11", "auto")),
    Key("plugin", "language", "choice", None, "the language of messages when `--lang` and `$AOSIGN_LANG` are not "
        "given (else the system's)", choices=("ja", "en")),
    Key("plugin", "card_busy_wait", "int", 5, "seconds a command waits for a card another program is using (its "
        "PC/SC transaction or exclusive connection, a PKCS#11 module blocked on it) before it says so: "
        "`card_in_use`, exit 6, nothing sent", low=0, high=120),
    Key("policy", "min_length", "int", 4, "the shortest PIN allowed (may only tighten the card's 4)", low=4, high=16),
    Key("policy", "max_length", "int", 16, "the longest PIN allowed (may only tighten the card's 16)", low=4, high=16),
    Key("policy", "guessable", "choice", "refuse", "what a guessable new PIN (a date, a phone number, a plain run) "
        "gets: refused, or only a warning", choices=("refuse", "warn")),
    Key("card", "aid", "str", "A0000006474F5349474E", "the application's AID in hex (5 to 16 bytes); a `[card]` table "
        "without it: no SELECT", pattern=r"^(?:[0-9A-Fa-f]{2}){5,16}$"),
    Key("card", "cla", "int", 0x00, "the class byte of the PIN commands", low=0, high=0xFF, hex=True),
    Key("card", "pin_ref", "int", 0x81, "P2 of VERIFY and CHANGE REFERENCE DATA for the user PIN", low=0, high=0xFF,
        hex=True),
    Key("card", "unblock_ref", "int", 0x82, "the unblocking code's own reference (its tries are read with an empty "
        "VERIFY on it); not the PIN's", low=0, high=0xFF, hex=True),
    Key("card", "pad_to", "int", 16, "each PIN field padded to this many bytes; 0: no padding (else at least 16)",
        low=0, high=127),
    Key("card", "pad_byte", "int", 0xFF, "the padding byte", low=0, high=0xFF, hex=True),
    Key("card", "change", "choice", "combined", "`combined`: one CHANGE REFERENCE DATA with old and new; "
        "`verify-then-set`: VERIFY, then CHANGE REFERENCE DATA with the new PIN",
        choices=("combined", "verify-then-set")),
    Key("card", "unblock_status", "choice", "verify-empty", "how the unblocking code's tries are read: an empty "
        "VERIFY, or `unknown` (the card cannot tell: every unlock try needs an explicit yes)",
        choices=("verify-empty", "unknown")),
    Key("card", "release", "choice", "reset", "how change-pin and unlock leave the card: a warm reset or unpowered "
        "(either way no application finds the PIN verified)", choices=("reset", "unpower")),
    Key("card", "certificates", "list", None, "for a card without a PKCS#15 directory: the files holding its "
        "certificates, each a path from the MF (`3F00/5015/4331`); `[]`: none", pattern=_HEX_PATH),
    Key("pcsc", "reader", "str_or_per_os", None, "a part of the reader's name, or one per OS "
        "(`reader.windows = \"...\"`); of the readers it matches, the one holding a card is used"),
    Key("pkcs11", "module", "per_os", None, "the vendor's PKCS#11 module per OS (`module.windows = \"C:\\\\...\"`), "
        "an absolute path that passes the module rules"),
    Key("pkcs11", "sha256", "per_os", None, "the module's pinned SHA-256 per OS: any other file is refused",
        pattern=r"^[0-9A-Fa-f]{64}$"),
    Key("pkcs11", "p11kit", "str", None, "no `module` for this OS: the module of p11-kit's `<name>.module` config",
        pattern=r"^[A-Za-z0-9._-]+$"),
    Key("pkcs11", "token", "str", None, "the token, as an RFC 7512 URI (`pkcs11:token=AOSign`)",
        pattern=r"^pkcs11:"),
    Key("pkcs11", "unblock", "choice", "so-initpin", "how the unblocking code resets the PIN through the module",
        choices=("so-initpin", "context-specific", "unlogged-setpin")),
    Key("pkcs11", "card_counters", "bool", True, "read the tries from the card itself when the token's slot is a "
        "PC/SC reader holding it (the module's flags may say nothing)"),
    Key("sim", "state", "path", "~/.local/share/aosign/sim-card.json", "the simulated card's state file"),
    Key("sim", "log", "path", None, "the simulated card's own APDU log (never a PIN field)"),
    Key("status", "expiry_warn_days", "int", 60, "a certificate with fewer days left is `expiring`", low=0, high=3650),
    Key("audit", "enabled", "bool", True, "one JSON line per PIN operation (signing logins too), never a secret"),
    Key("audit", "sink", "choice", "file", "where the lines go: `file` (`path`) or `system`, the OS's log "
        "(syslog/journald, the macOS log, the Windows Event Log), where one user cannot write as another: the "
        "recommendation for fleets", choices=("file", "system")),
    Key("audit", "path", "path", "~/.local/state/aosign/audit.jsonl", "the audit log; may hold `{user}`; opened "
        "only as this account's own regular file (a planted link or file is refused with a warning)"),
    Key("audit", "max_bytes", "int", 1 << 20, "rotate the log past this size", low=4096, high=1 << 30),
    Key("audit", "backups", "int", 3, "rotated files kept", low=0, high=99),
)  # fmt: skip

#: what only ``manifest check`` can tell (the schema accepts these; the check refuses them)
SCHEMA_CANNOT_SAY = (
    "policy.min_length above policy.max_length",
    "card.unblock_ref equal to card.pin_ref",
    "card.pad_to between 1 and 15",
    "pkcs11.module: a file that is missing or fails the module rules (owner, mode, folders, digest)",
    "pkcs11.p11kit: a name p11-kit does not know",
    "pkcs11.token: the URI's attributes",
    "a key set in a user file that the system file locks (ignored, with a warning)",
)


def tables() -> dict[str, tuple[str, ...]]:
    """Each table the plugin owns, with its keys in declaration order."""
    out: dict[str, tuple[str, ...]] = {}
    for k in KEYS:
        out[k.table] = (*out.get(k.table, ()), k.name)
    return out


def key(table: str, name: str) -> Key:
    """The declaration of ``[table] name``."""
    for k in KEYS:
        if k.table == table and k.name == name:
            return k
    raise KeyError(f"{table}.{name}")


def allowed(table: str, name: str) -> tuple[str, ...]:
    """The choices of a ``choice`` key."""
    return key(table, name).choices


def _value_schema(k: Key) -> dict[str, Any]:
    text: dict[str, Any] = {"description": k.meaning.replace("`", "")}
    if k.default is not None and k.kind != "path":
        text["default"] = k.default
    if k.kind == "bool":
        return {"type": "boolean", **text}
    if k.kind == "int":
        return {"type": "integer", "minimum": k.low, "maximum": k.high, **text}
    if k.kind == "choice":
        return {"type": "string", "enum": list(k.choices), **text}
    string: dict[str, Any] = {"type": "string", "minLength": 1}
    if k.pattern:
        string["pattern"] = k.pattern
    if k.kind in ("str", "path"):
        return {**string, **text}
    per_os = {
        "type": "object",
        "properties": {name: string for name in OS_KEYS},
        "additionalProperties": False,
    }
    if k.kind == "per_os":
        return {**per_os, **text}
    if k.kind == "str_or_per_os":
        return {"anyOf": [string, per_os], **text}
    if k.kind == "list":
        return {"type": "array", "items": string, "maxItems": 32, **text}
    raise ValueError(k.kind)


def table_schemas() -> dict[str, dict[str, Any]]:
    """A JSON Schema (draft 2020-12) for each table the plugin owns: unknown keys are errors, as in the check."""
    out: dict[str, dict[str, Any]] = {}
    for table, names in tables().items():
        out[table] = {
            "type": "object",
            "properties": {name: _value_schema(key(table, name)) for name in names},
            "additionalProperties": False,
        }
    return out
