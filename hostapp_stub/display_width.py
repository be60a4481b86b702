"""Text laid out by the columns a terminal gives it: East Asian wide and full-width characters (Unicode's East Asian
Width W and F) take two columns, the others one. :mod:`textwrap` counts characters, so Japanese lines come out up to
twice too wide, and it breaks at hyphens and inside nothing else: a Japanese sentence (no spaces) stays one unbroken
word. Here a line may break at a space or beside a wide character, never inside an ASCII word, never before closing
punctuation or after opening punctuation (「」(), 、。), and never inside a command the user is to type
(``pip install "aosign-plugin[gui]"``).
"""

from __future__ import annotations

import re

__all__ = ["display_width", "wrap"]

#: commands kept on one line whatever the width (a line too narrow for one holds it alone)
_COMMAND = re.compile(r"""pip install (?:"[^"]*"|'[^']*'|[^\s)(]+)""")
#: may not start a line (closing punctuation) / may not end one (opening punctuation)
_NO_START = frozenset("、。,.，．:;：；!?！？)）]］}｝」』】〕〉》ー…ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
_NO_END = frozenset("(（[［{｛「『【〔〈《")


def _wide(ch: str) -> bool:
    import unicodedata  # only when text is laid out (help, not every start)

    return unicodedata.east_asian_width(ch) in ("W", "F")


def display_width(text: str) -> int:
    """The columns ``text`` takes on a terminal (no control characters in it)."""
    return sum(2 if ord(ch) > 0x10FF and _wide(ch) else 1 for ch in text)


def _units(text: str) -> list[str]:
    """The pieces a line may break between; ``" "`` stands for a space (a break that is dropped at a line's end)."""
    units: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == " ":
            units.append(" ")
            i += 1
            continue
        m = _COMMAND.match(text, i)
        if m:
            units.append(m.group(0))
            i = m.end()
            continue
        if ord(ch) > 0x10FF and _wide(ch):
            units.append(ch)
            i += 1
            continue
        j = i + 1
        while j < len(text) and text[j] != " " and not (ord(text[j]) > 0x10FF and _wide(text[j])):
            if _COMMAND.match(text, j):
                break
            j += 1
        units.append(text[i:j])
        i = j
    # no closing punctuation at a line's start, no opening one at its end: glue them to their neighbour
    glued: list[str] = []
    for unit in units:
        if glued and glued[-1] != " " and unit != " " and (unit[0] in _NO_START or glued[-1][-1] in _NO_END):
            glued[-1] += unit
        else:
            glued.append(unit)
    return glued


def wrap(text: str, width: int) -> list[str]:
    """``text`` (white space folded to single spaces) in lines of at most ``width`` columns; a piece that cannot be
    broken and is wider than ``width`` has a line of its own."""
    text = " ".join(text.split())
    lines: list[str] = []
    line, used = "", 0
    pending_space = False
    for unit in _units(text):
        if unit == " ":
            pending_space = bool(line)
            continue
        size = display_width(unit)
        gap = 1 if pending_space else 0
        if line and used + gap + size > width:
            lines.append(line)
            line, used = unit, size
        else:
            line += " " * gap + unit
            used += gap + size
        pending_space = False
    if line:
        lines.append(line)
    return lines
