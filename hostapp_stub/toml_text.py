"""A manifest value shown as TOML, the way the administrator wrote it: ``0x81`` stays ``0x81``, ``true`` stays
``true``, ``1_048_576`` stays as written. The value's own text is taken from its file when it stands on the key's line
and reads back as the very value parsed (checked with :mod:`tomllib`, so a comment or the rest of an inline table is
never taken for it); else (a value over several lines) it is written out as TOML.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from collections.abc import Mapping

__all__ = ["as_written", "toml_value"]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


def toml_value(value: object) -> str:
    """``value`` (as :mod:`tomllib` gives it) written as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string: JSON's escapes are TOML's
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        items = ", ".join(f"{_key(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{ " + items + " }" if items else "{}"
    return json.dumps(str(value), ensure_ascii=False)


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _same(a: object, b: object) -> bool:
    """Equal and of the same types throughout (``1`` is not ``true``, ``1`` is not ``1.0``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def as_written(text: str, position: tuple[int, int] | None, value: object) -> str:
    """The text of the value whose key stands at ``position`` (1-based line and column) in ``text``, as written,
    when it reads back as ``value``; else :func:`toml_value`."""
    import tomllib

    lines = text.splitlines()
    if position is None or not 1 <= position[0] <= len(lines):
        return toml_value(value)
    line = lines[position[0] - 1][position[1] - 1 :]
    equals = line.find("=")
    if equals < 0:
        return toml_value(value)
    rest = line[equals + 1 :].strip()
    # where the value may end: before a comment, a comma or a brace (inside an inline table), or the line's end
    ends = sorted({i for i, ch in enumerate(rest) if ch in "#,}"} | {len(rest)})
    for end in ends:
        candidate = rest[:end].rstrip()
        if not candidate:
            continue
        try:
            parsed = tomllib.loads(f"v = {candidate}\n")["v"]
        except tomllib.TOMLDecodeError:
            continue
        if _same(parsed, value):
            return candidate
    return toml_value(value)
