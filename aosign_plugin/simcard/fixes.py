"""The fix of a fault that is a command to type, one text per fault for the terminal, the window, doctor and
``aosign-sim``: the command names the very file the fault is about, so that following it as written fixes it.

``aosign-sim issue`` without ``--state`` issues the card at the default place: for a card kept elsewhere (the
manifest's ``[sim] state``) it would leave the broken card as it is, or replace another one. So every fix that issues
a simulated card names its state file, quoted for this OS's shell (:func:`aosign_plugin.config.platforms.shell_word`).
"""

from __future__ import annotations

from pathlib import Path

from aosign_plugin import catalogs

__all__ = ["SIM_ISSUE", "SIM_REISSUE", "fault_fix", "issue_command"]

#: no simulated card where the settings look for one: issue it there
SIM_ISSUE = frozenset({"no_sim_card", "no_card_auto"})
#: a simulated card whose state is not a card state any more: only a new card (``--force``) replaces it
SIM_REISSUE = frozenset({"sim_state_corrupt", "sim_state_invalid"})


def issue_command(state: str | Path, *, force: bool = False) -> str:
    """``aosign-sim issue [--force] --state PATH``, PATH quoted for the shell where it must be."""
    from aosign_plugin.config.platforms import shell_word

    return " ".join(["aosign-sim", "issue", *(["--force"] if force else []), "--state", shell_word(str(state))])


def fault_fix(reason: object, sim_state: str | Path | None, lang: str) -> str | None:
    """The fix of a card that cannot be reached, when it is a command (else None: the fault's text says it).

    :param reason: the fault's word (an :class:`~aosign_plugin.domain.errors.UnavailableReason` or its value).
    :param sim_state: the simulated card's state file the fault is about (``CardUnavailableError.sim_state``).
    """
    word = str(getattr(reason, "value", reason))
    if sim_state is None:
        return None
    if word in SIM_REISSUE:
        return catalogs.text("fix.sim_reissue", lang, command=issue_command(sim_state, force=True))
    if word in SIM_ISSUE:
        return catalogs.text("fix.sim_issue", lang, command=issue_command(sim_state))
    return None
