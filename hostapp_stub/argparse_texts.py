"""argparse's own texts (``usage:``, ``show this help message and exit``, its errors) in the user's language.

argparse looks its texts up through the module-level ``_`` and ``ngettext`` (gettext) at the moment it uses them;
:func:`use_language` points those at the host's table, so ``--help`` and usage errors are all in one language.
Texts not in the table (another Python's new wording) stay English.
"""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["ArgumentParser", "HelpFormatter", "use_language"]

_JA: dict[str, str] = {
    "usage: ": "使い方: ",
    "positional arguments": "引数",
    "options": "オプション",
    "optional arguments": "オプション",
    "show this help message and exit": "このヘルプを表示して終了します",
    "%(prog)s: error: %(message)s\n": "%(prog)s: エラー: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "引数 %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "次の引数が必要です: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "%(value)r は選べません(選べる値: %(choices)s)",
    "unrecognized arguments: %s": "認識できない引数です: %s",
    "expected one argument": "値を1つ指定してください",
    "expected at most one argument": "値は1つまで指定できます",
    "expected at least one argument": "値を1つ以上指定してください",
    "ambiguous option: %(option)s could match %(matches)s": ("オプション %(option)s があいまいです(候補: %(matches)s)"),
    "not allowed with argument %s": "引数 %s とは同時に指定できません",
    "ignored explicit argument %r": "値 %r は指定できません",
    "one of the arguments %s is required": "引数 %s のいずれかが必要です",
    "invalid %(type)s value: %(value)r": "%(value)r は %(type)s の値として正しくありません",
    "can't open '%(filename)s': %(error)s": "'%(filename)s' を開けません: %(error)s",
    "unexpected option string: %s": "予期しないオプションです: %s",
}
_JA_PLURAL: dict[str, str] = {"expected %s argument": "値を%s個指定してください"}


def _ja_gettext(message: str) -> str:
    return _JA.get(message, message)


def _ja_ngettext(singular: str, plural: str, n: int) -> str:
    if singular in _JA_PLURAL:
        return _JA_PLURAL[singular]
    return singular if n == 1 else plural


def _as_written(message: str) -> str:
    return message


def _as_written_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def use_language(lang: str) -> None:
    """Translate argparse's own texts into ``lang`` (``ja``); English (as argparse writes them) for any other value.

    English does not go through gettext: its search for a catalog (``locale`` and a stat per language variant) costs
    a few milliseconds on every start and finds none for argparse's texts.
    """
    ja = lang == "ja"
    setattr(argparse, "_", _ja_gettext if ja else _as_written)  # noqa: B010
    setattr(argparse, "ngettext", _ja_ngettext if ja else _as_written_plural)  # noqa: B010


def _terminal_width() -> int:
    """``shutil.get_terminal_size().columns`` without importing shutil (and bz2, lzma with it: ~3 ms a start)."""
    import os
    import sys

    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help formatter, told the terminal's width (argparse's own asks shutil, on every ``add_argument``),
    laying text out by display width (:mod:`hostapp_stub.display_width`): a Japanese help line fits the terminal,
    a command to type is never split, the usage line breaks between its parts only."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24, width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position, _terminal_width() - 2 if width is None else width)

    def _split_lines(self, text: str, width: int) -> list[str]:
        from .display_width import wrap

        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        from .display_width import wrap

        return "\n".join(indent + line for line in wrap(text, width - len(indent)))

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None) -> str:
        # argparse measures the prefix (``使い方: ``) by characters: laid out with a stand-in of the prefix's display
        # width, its continuation lines are indented to where the first one's parts start, and fit the terminal
        from .display_width import display_width

        if prefix is None:
            prefix = str(getattr(argparse, "_")("usage: "))  # noqa: B009 (set by use_language, not in the stubs)
        pad = display_width(prefix)
        if pad == len(prefix):
            return str(super()._format_usage(usage, actions, groups, prefix))
        text = str(super()._format_usage(usage, actions, groups, "\0" * pad))
        return prefix + text[pad:]


class ArgumentParser(argparse.ArgumentParser):
    """An ``argparse.ArgumentParser`` with :class:`HelpFormatter`; its sub-parsers are of this class too.

    No abbreviations (``allow_abbrev=False``): ``--manif PATH`` or ``--la ja`` is an error, never a guess.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
