"""The built-in default ``backend = "auto"``: an AOSign card in a reader, else the issued simulated card.

A reader counts when the card in it answers the AOSign application's SELECT (the dialect's AID). One such reader:
the PC/SC backend on that reader. Two or more: an error naming them, never a guess. None (or no PC/SC service, or
no pyscard): the simulated card when one has been issued. Neither: an error that names both ways.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aosign_plugin.domain.errors import CardUnavailableError

if TYPE_CHECKING:
    from aosign_plugin.backends import CardBackend
    from aosign_plugin.config.settings import Settings

__all__ = ["choose_backend"]


def _aosign_readers(settings: Settings) -> tuple[list[str], str]:
    """The readers holding an AOSign card, and what PC/SC showed (for the message when there is none)."""
    try:
        from aosign_plugin.transport.pyscard_reader import aosign_readers
    except ImportError:  # pyscard is not installed here: no PC/SC for this user
        return [], "PC/SC: pyscard is not installed"
    from aosign_plugin.apdu.iso7816 import INS_SELECT, encode_command
    from aosign_plugin.transport import TransportError

    dialect = settings.dialect
    select = encode_command(dialect.cla, INS_SELECT, 0x04, 0x00, dialect.aid) if dialect.aid is not None else None
    try:
        holding, aosign = aosign_readers(select, settings.pcsc_reader, busy_wait=settings.card_busy_wait)
    except TransportError as e:
        if e.reason.value == "card_in_use":  # it may be the AOSign card: say so, never fall back to another card
            raise CardUnavailableError(e.reason, e.detail) from None
        return [], f"PC/SC: {e.reason.value}"
    if not holding:
        return [], "PC/SC: no card in a reader"
    return aosign, "PC/SC: no AOSign card in " + ", ".join(holding)


def choose_backend(settings: Settings) -> CardBackend:
    """The backend ``auto`` stands for now (each command looks again).

    :raises CardUnavailableError: ``several_aosign_cards`` (the readers named) or ``no_card_auto`` (what PC/SC
        showed, and where the simulated card would be).
    """
    readers, seen = _aosign_readers(settings)
    if len(readers) > 1:
        raise CardUnavailableError("several_aosign_cards", ", ".join(readers))
    if readers:
        from aosign_plugin.backends.pcsc_backend import PcscBackend

        return PcscBackend(settings, exact_reader=readers[0])
    from aosign_plugin.backends.sim_backend import SimBackend
    from aosign_plugin.simcard.store import CardStore

    sim = SimBackend(settings)
    if CardStore(sim.state_path).exists():
        return sim
    raise CardUnavailableError("no_card_auto", f"{seen}; {sim.state_path}", sim_state=str(sim.state_path))
