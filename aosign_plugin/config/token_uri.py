"""RFC 7512 ``pkcs11:`` URIs that pick a token: parsed into one frozen value, pure, no PKCS#11 library needed.

Only what picks a token (or the library that holds it) is accepted: ``token``, ``manufacturer``, ``serial``,
``model``, ``slot-id``, ``slot-description``, ``slot-manufacturer``, ``library-description``,
``library-manufacturer`` and ``library-version``. Everything else is refused with a problem that names what to
fix, never silently ignored:

- ``pin-value`` and ``pin-source`` (a PIN never lives in configuration), wherever they appear;
- the object attributes ``object``, ``type`` and ``id`` (this setting picks a token, not a key);
- ``module-name`` and ``module-path`` (the module comes from ``[pkcs11] module.<os>``);
- vendor attributes (``x-...``), unknown names, repeated attributes, a fragment, characters RFC 7512 wants
  percent-encoded (a space is ``%20``), broken ``%`` escapes, and values that are not UTF-8 or exceed the field
  widths of ``CK_TOKEN_INFO`` / ``CK_SLOT_INFO`` / ``CK_INFO``.

Problem texts quote no value from the URI (a value may be a PIN typed in the wrong place) and name an attribute
only when it is one RFC 7512 defines; other attributes are named by their position.
"""

from __future__ import annotations

from hostapp_stub.api import Record

__all__ = ["SCHEME", "Pkcs11Uri", "UriError", "parse_uri", "validate_uri"]

SCHEME = "pkcs11"

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
#: RFC 7512 ``pk11-pchar``: unreserved, ``pk11-path-res-avail`` (no ``;``, ``/``, ``?``, ``#``, ``%``)
_PATH_CHARS = _UNRESERVED | frozenset(":[]@!$'()*+,=&")
#: RFC 7512 ``pk11-qchar``: unreserved, ``pk11-query-res-avail`` (no ``&``, ``#``, ``%``)
_QUERY_CHARS = _UNRESERVED | frozenset(":[]@!$'()*+,=/?|")
_HEX = frozenset("0123456789abcdefABCDEF")

#: text attributes we match, with the width of the PKCS#11 field they are compared with (bytes)
_TEXT_ATTRS: dict[str, int] = {
    "token": 32,
    "manufacturer": 32,
    "serial": 16,
    "model": 16,
    "slot-description": 64,
    "slot-manufacturer": 32,
    "library-description": 32,
    "library-manufacturer": 32,
}
_NUMBER_ATTRS = ("slot-id", "library-version")
_OBJECT_ATTRS = ("object", "type", "id")
_PIN_ATTRS = ("pin-value", "pin-source")
_MODULE_ATTRS = ("module-name", "module-path")
_PATH_NAMES = (*_TEXT_ATTRS, *_NUMBER_ATTRS, *_OBJECT_ATTRS)
_QUERY_NAMES = (*_PIN_ATTRS, *_MODULE_ATTRS)
_SUPPORTED = ", ".join((*_TEXT_ATTRS, *_NUMBER_ATTRS))


class UriError(ValueError):
    """The text is not a ``pkcs11:`` URI this plugin accepts; ``problems`` says why (no value is quoted)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class Pkcs11Uri(Record):
    """The token a ``pkcs11:`` URI picks; ``None`` fields match anything.

    Texts are compared with the PKCS#11 fields after their blank padding is removed.
    """

    token: str | None = None
    manufacturer: str | None = None
    serial: str | None = None
    model: str | None = None
    slot_id: int | None = None
    slot_description: str | None = None
    slot_manufacturer: str | None = None
    library_description: str | None = None
    library_manufacturer: str | None = None
    #: ``(major, minor)``; ``library-version=2`` means 2.0
    library_version: tuple[int, int] | None = None

    @property
    def picks_any(self) -> bool:
        """True for a bare ``pkcs11:``: every token matches."""
        return all(getattr(self, name) is None for name in self._fields)

    def matches_library(self, description: str, manufacturer: str, version: tuple[int, int]) -> bool:
        """Whether the module's ``CK_INFO`` fits the ``library-*`` attributes."""
        return (
            _same(self.library_description, description)
            and _same(self.library_manufacturer, manufacturer)
            and (self.library_version is None or self.library_version == tuple(version))
        )

    def matches_slot(self, slot_id: int, description: str, manufacturer: str) -> bool:
        """Whether a slot's id and ``CK_SLOT_INFO`` fit the ``slot-*`` attributes."""
        return (
            (self.slot_id is None or self.slot_id == slot_id)
            and _same(self.slot_description, description)
            and _same(self.slot_manufacturer, manufacturer)
        )

    def matches_token(self, label: str, manufacturer: str, serial: str, model: str) -> bool:
        """Whether a token's ``CK_TOKEN_INFO`` fits the token attributes."""
        return (
            _same(self.token, label)
            and _same(self.manufacturer, manufacturer)
            and _same(self.serial, serial)
            and _same(self.model, model)
        )

    def __str__(self) -> str:
        """The URI in RFC 7512's canonical form (attributes in the RFC's order, reserved characters encoded)."""
        parts: list[str] = []
        for field_name in self._fields:
            value = getattr(self, field_name)
            if value is None:
                continue
            name = field_name.replace("_", "-")
            if isinstance(value, tuple):
                text = f"{value[0]}.{value[1]}"
            elif isinstance(value, int):
                text = str(value)
            else:
                text = _encode(value)
            parts.append(f"{name}={text}")
        return f"{SCHEME}:" + ";".join(parts)


def _same(wanted: str | None, actual: str) -> bool:
    return wanted is None or wanted.rstrip(" ") == actual.rstrip(" ")


def _encode(value: str) -> str:
    out: list[str] = []
    for ch in value:
        if ch in _PATH_CHARS and ch != "&":
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8"))
    return "".join(out)


def _decode(raw: str, allowed: frozenset[str], where: str, problems: list[str]) -> str | None:
    """Percent-decode ``raw``; on a problem, record it (without the value) and return ``None``."""
    out = bytearray()
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "%":
            if i + 2 < len(raw) and raw[i + 1] in _HEX and raw[i + 2] in _HEX:
                out.append(int(raw[i + 1 : i + 3], 16))
                i += 3
                continue
            problems.append(f"{where}: a '%' not followed by two hex digits")
            return None
        if ch not in allowed:
            problems.append(f"{where}: a character RFC 7512 wants percent-encoded (a space is %20)")
            return None
        out.append(ord(ch))
        i += 1
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(f"{where}: the value is not UTF-8 once percent-decoded")
        return None


def _label(name: str, known: tuple[str, ...], kind: str, position: int) -> str:
    # only names RFC 7512 defines are quoted: anything else may be a secret typed in the wrong place
    return f"'{name}'" if name in known else f"{kind} attribute {position}"


def _parse(text: str) -> tuple[Pkcs11Uri, list[str]]:
    problems: list[str] = []
    scheme, colon, rest = text.partition(":")
    if not colon or scheme.lower() != SCHEME:
        return Pkcs11Uri(), ['not a PKCS#11 URI: it must start with "pkcs11:"']
    rest, hash_, _fragment = rest.partition("#")
    if hash_:
        problems.append("a PKCS#11 URI has no fragment ('#'): remove it and what follows")
    path, qmark, query = rest.partition("?")
    values: dict[str, str] = {}

    known_all = (*_PATH_NAMES, *_QUERY_NAMES)
    if qmark and not query:
        problems.append("an empty query after '?': remove the '?'")
    for kind, part, sep, own, allowed in (
        ("path", path, ";", _PATH_NAMES, _PATH_CHARS),
        ("query", query, "&", _QUERY_NAMES, _QUERY_CHARS),
    ):
        for position, item in enumerate(part.split(sep) if part else [], start=1):
            name, eq, raw_value = item.partition("=")
            raw = raw_value if eq else None
            where = _label(name, known_all, kind, position)
            if name in _PIN_ATTRS:
                problems.append(f"{where}: a PIN never lives in configuration; remove it (the PIN is asked for)")
                continue
            if not name:
                problems.append(f"{kind} attribute {position} is empty or has no name")
                continue
            if raw is None:
                problems.append(f"{where} has no '=' and value")
                continue
            if name in _MODULE_ATTRS:
                problems.append(f"{where}: the module comes from [pkcs11] module.<os>; remove it from the URI")
                continue
            if name in _OBJECT_ATTRS:
                problems.append(f"{where} names an object; this setting picks a token: remove it")
                continue
            if name.startswith("x-"):
                problems.append(f"{where} is vendor-specific (x-...), not supported; use: {_SUPPORTED}")
                continue
            if name not in known_all:
                hint = " (attribute names are lower-case)" if name.lower() in known_all else ""
                problems.append(f"{where} is not an attribute this setting knows{hint}; use: {_SUPPORTED}")
                continue
            if name not in own:
                home = "path (before '?')" if kind == "query" else "query (after '?')"
                problems.append(f"{where} belongs in the {home}")
                continue
            if name in values:
                problems.append(f"{where} is given more than once")
                continue
            value = _decode(raw, allowed, where, problems)
            if value is not None:
                values[name] = value

    texts: dict[str, str] = {}
    for name, width in _TEXT_ATTRS.items():
        if name in values:
            if len(values[name].encode("utf-8")) > width:
                problems.append(f"'{name}' is longer than the {width} bytes PKCS#11 gives it")
            else:
                texts[name] = values[name]
    slot_id: int | None = None
    if "slot-id" in values:
        raw_id = values["slot-id"]
        if raw_id.isascii() and raw_id.isdigit():
            slot_id = int(raw_id)
        else:
            problems.append("'slot-id' must be a decimal number")
    version: tuple[int, int] | None = None
    if "library-version" in values:
        major, dot, minor = values["library-version"].partition(".")
        if major.isascii() and major.isdigit() and (not dot or (minor.isascii() and minor.isdigit())):
            version = (int(major), int(minor) if dot else 0)
        else:
            problems.append("'library-version' must be a number, or two numbers joined by '.'")
    uri = Pkcs11Uri(
        token=texts.get("token"),
        manufacturer=texts.get("manufacturer"),
        serial=texts.get("serial"),
        model=texts.get("model"),
        slot_id=slot_id,
        slot_description=texts.get("slot-description"),
        slot_manufacturer=texts.get("slot-manufacturer"),
        library_description=texts.get("library-description"),
        library_manufacturer=texts.get("library-manufacturer"),
        library_version=version,
    )
    return uri, problems


def validate_uri(text: str) -> list[str]:
    """Every problem with ``text`` as a token URI (empty: fine). Texts quote no value from the URI."""
    return _parse(text)[1]


def parse_uri(text: str) -> Pkcs11Uri:
    """The token ``text`` picks.

    :raises UriError: the URI is refused; see the module docstring for what and why.
    """
    uri, problems = _parse(text)
    if problems:
        raise UriError(problems)
    return uri
