"""The window's words for the texts of :mod:`~.terminal_view` that name a command (no Qt here).

The command line says "run aosign-host unlock"; a window says which button to click. The catalogs' ``gui.*`` texts
name the menu entry [ICカードのロック解除(PIN(暗証番号)のリセット)], which is both the host window's menu button and
the change dialog's button, so the same words are right in the dialogs and in the host's status panel.
"""

from __future__ import annotations

from collections.abc import Sequence

from aosign_plugin import catalogs

__all__ = ["WINDOW_TEXTS", "window_lines"]

#: catalog key of a command-line text → the key of its window text (same placeholders)
WINDOW_TEXTS = {
    "pin.locked_howto": "gui.locked_howto",
    "advice.unlock": "gui.locked_howto",
    "advice.reset_recommended": "gui.advice.reset_recommended",
    "card.state_changed": "gui.card.state_changed",
    "card.changed": "gui.card.changed",
    "unlock.not_confirmed": "gui.unlock.not_confirmed",
    "unavailable.card_gone": "gui.unavailable.card_gone",
    "unavailable.card_reset": "gui.unavailable.card_reset",
}


def window_lines(lines: Sequence[str], lang: str, *, left: int | None = None, detail: str | None = None) -> list[str]:
    """``lines`` from :mod:`~.terminal_view`, with the texts that name a command said for a window.

    :param left: the tries left the lines were made with (for the texts that quote it).
    :param detail: the detail of a :class:`~aosign_plugin.domain.errors.CardUnavailableError`.
    """
    params: dict[str, object] = {"left": "?" if left is None else left, "detail": detail or "-"}
    cli = {catalogs.text(key, lang, **params): window_key for key, window_key in WINDOW_TEXTS.items()}
    return [catalogs.text(cli[line], lang, **params) if line in cli else line for line in lines]
