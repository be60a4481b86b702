"""Text from outside the program, and the one neutraliser every edge uses on its way out.

Text that a card, a PKCS#11 module, a PC/SC reader, a certificate or another plugin wrote is :class:`Untrusted`:
the type marks it where it enters (a record field typed ``Untrusted`` cannot be filled with a plain ``str`` without
mypy saying so). Formatting it into a message (``"{reader}".format(reader=...)``, an f-string) shows it through
:func:`visible` with its line ends made visible too, so a card cannot start a line of its own ("✓ PIN changed").

Where text leaves the program:

- a terminal, a pipe or a file (the standard streams, :mod:`hostapp_stub.console_output`): every text passes
  :func:`visible` (line ends and tabs kept; they are the program's own, an untrusted one is already escaped);
- JSON (:func:`json_text`): the same characters as ``\\u…`` escapes; the value and the JSON stay valid, and no
  line reader splits a record on U+2028 or NEL;
- the audit log: :func:`json_text` too;
- the window: :func:`visible`, in labels that show plain text only (``Qt.PlainText``), never rich text.

What is made visible: the C0 controls (ESC, so no CSI/OSC/DCS sequence; CR, BEL, BS...), DEL, the C1 controls
(``\\x9b`` CSI, NEL ``\\x85``...), the bidirectional controls (Unicode's Bidi_Control: embeddings, overrides,
isolates, marks) and the line and paragraph separators U+2028/U+2029. Everything else, Japanese included, is left
as it is.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Untrusted", "json_text", "untrusted", "visible"]


def _escape(code: int) -> str:
    named = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}.get(code)
    return named or (f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")


#: Unicode's Bidi_Control characters (ALM, LRM, RLM, LRE..RLO, LRI..PDI) and the two separators
_WIDE = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x2028, 0x2029)
_CODES = (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *_WIDE)

#: every character to show visibly, line ends and tabs included (untrusted text)
_ALL: dict[int, str] = {code: _escape(code) for code in _CODES}
#: the same without LF and TAB (the program's own text, in which an untrusted part is escaped already)
_KEEP_LINES: dict[int, str] = {code: esc for code, esc in _ALL.items() if code not in (0x0A, 0x09)}
#: JSON escapes what its encoder leaves raw with ``ensure_ascii=False`` (it escapes C0 itself)
_JSON: dict[int, str] = {code: f"\\u{code:04x}" for code in _CODES if code >= 0x7F}


def visible(text: str, *, keep_lines: bool = False) -> str:
    """``text`` with every control, bidi control and line separator shown as an escape (``\\x1b``, ``\\u202e``).

    :param keep_lines: keep LF and TAB (the program's own layout); an untrusted text keeps neither.
    """
    return str.translate(text, _KEEP_LINES if keep_lines else _ALL)


def json_text(data: Any, *, indent: int | None = 2) -> str:
    """``data`` as JSON (non-ASCII kept as it is) with the characters :func:`visible` escapes written ``\\u…``."""
    import json  # only with JSON to write: every command's start path has the neutraliser, few have JSON

    return json.dumps(data, ensure_ascii=False, indent=indent).translate(_JSON)


class Untrusted(str):
    """Text written by a card, a module, a reader, a certificate or another plugin: never interpreted on its way out.

    It is a ``str`` (equal to, and hashed like, what was read: a reader name still opens its reader); formatted into
    a message it shows as :func:`visible` makes it.
    """

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        return format(visible(str(self)), spec)

    def __repr__(self) -> str:
        return f"Untrusted({str.__repr__(self)})"


def untrusted(value: str | None) -> Untrusted | None:
    """``value`` marked :class:`Untrusted` (None stays None)."""
    return None if value is None else Untrusted(value)
