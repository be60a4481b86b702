"""Where each key of a TOML document stands (line and column), for problems that name their place.

``tomllib`` parses but keeps no positions; this reads the text once more, line by line, for table headers and
``key = value`` lines (dotted and quoted keys included). Values spanning lines (arrays, multi-line strings) are
skipped over so their contents are never taken for keys.
"""

from __future__ import annotations

import re

__all__ = ["Position", "key_positions", "locate"]

Position = tuple[int, int]  # 1-based line and column

_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_KEY = rf"(?:{_BARE}|{_QUOTED})(?:\s*\.\s*(?:{_BARE}|{_QUOTED}))*"
_HEADER = re.compile(rf"^(\s*)\[\[?\s*({_KEY})\s*\]\]?\s*(?:#.*)?$")
_ASSIGN = re.compile(rf"^(\s*)({_KEY})\s*=")
_PART = re.compile(rf"{_BARE}|{_QUOTED}")


def _parts(key: str) -> list[str]:
    out = []
    for m in _PART.finditer(key):
        part = m.group(0)
        out.append(part[1:-1] if part[0] in "\"'" else part)
    return out


def _open_brackets(value: str) -> int:
    """How many ``[``/``{`` a value leaves open, ignoring those inside strings."""
    depth = 0
    quote = ""
    i = 0
    while i < len(value):
        ch = value[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            break
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        i += 1
    return depth


def key_positions(text: str) -> dict[str, Position]:
    """Every table and key of ``text`` as a dotted path (``pkcs11.module.linux``) → its line and column."""
    positions: dict[str, Position] = {}
    table: list[str] = []
    depth = 0
    in_multiline = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if in_multiline in line:
                in_multiline = ""
            continue
        if depth > 0:
            depth += _open_brackets(line)
            continue
        m = _HEADER.match(line)
        if m:
            table = _parts(m.group(2))
            positions.setdefault(".".join(table), (number, len(m.group(1)) + 1))
            continue
        m = _ASSIGN.match(line)
        if not m:
            continue
        keys = _parts(m.group(2))
        for i in range(1, len(keys) + 1):  # a dotted key also places its prefixes (module.linux: module)
            positions.setdefault(".".join([*table, *keys[:i]]), (number, len(m.group(1)) + 1))
        path = ".".join([*table, *keys])
        value = line[m.end() :]
        for delim in ('"""', "'''"):
            if value.count(delim) % 2 == 1:
                in_multiline = delim
        if not in_multiline:
            depth = max(_open_brackets(value), 0)
            # an inline table on one line: its keys stand on this line too
            brace = value.find("{")
            if brace >= 0:
                for inner in re.finditer(rf"({_KEY})\s*=", value[brace:]):
                    inner_path = ".".join([*path.split("."), *_parts(inner.group(1))])
                    col = len(line) - len(value) + brace + inner.start() + 1
                    positions.setdefault(inner_path, (number, col))
    return positions


def locate(positions: dict[str, Position], key: str) -> Position | None:
    """The place of ``key``, or of its nearest enclosing table or key that has one."""
    parts = key.split(".")
    while parts:
        found = positions.get(".".join(parts))
        if found:
            return found
        parts.pop()
    return None
