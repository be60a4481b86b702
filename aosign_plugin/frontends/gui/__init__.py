"""The plugin's dialogs for the host's window (PySide6): change the PIN, unlock the card.

The dialogs load Qt, so they are imported on first use (``run_entry``, ``ChangePinDialog``…): the
``aosign_gui_run`` hook does that when the host's window asks for a dialog. :mod:`.prompter` and :mod:`.wording`
import no Qt. The dialogs are driven by :class:`~.pin_service.PinService`, like the command line: the same
state checks, the same policy, the same texts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aosign_plugin.frontends.gui.answer_prompter import AnswerPrompter
from aosign_plugin.frontends.gui.window_wording import window_lines

if TYPE_CHECKING:
    from aosign_plugin.frontends.gui.pin_dialogs import DIALOGS, ChangePinDialog, PinDialog, UnlockDialog, run_entry

__all__ = ["DIALOGS", "AnswerPrompter", "ChangePinDialog", "PinDialog", "UnlockDialog", "run_entry", "window_lines"]

_DIALOG_NAMES = frozenset({"DIALOGS", "ChangePinDialog", "PinDialog", "UnlockDialog", "run_entry"})


def __getattr__(name: str) -> Any:
    if name in _DIALOG_NAMES:
        from aosign_plugin.frontends.gui import pin_dialogs as dialogs

        return getattr(dialogs, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
