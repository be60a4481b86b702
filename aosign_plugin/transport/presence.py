"""Presence: whether a card is in the reader, and which, learnt from the PC/SC service (or the simulated card's
state file) without a single APDU, and watched from a background thread.

A :class:`PresenceWatch` calls its ``on_change`` with a :class:`Presence` once when it starts and then each time what
it sees changes (a card arrives or leaves, a reader comes or goes, the service stops or comes back); never for a
mere change of who uses the card (another application's transaction), so that reading the status after a change
does not itself wake the watch. The callback runs on the watch's thread.
"""

from __future__ import annotations

from collections.abc import Callable

from aosign_plugin.domain.card_status import CardIdentity
from aosign_plugin.domain.logs import get_logger
from hostapp_stub.api import Record

__all__ = ["Presence", "PresenceWatch"]

logger = get_logger(__name__)


class Presence(Record):
    """What the watch sees now.

    :param state: ``card`` (a card is in a reader), or what is awaited: ``no_card``, ``no_reader``, ``no_service``,
        ``no_sim_card`` — the reason codes of :class:`~aosign_plugin.transport.TransportError`.
    :param cards: the cards present (reader, ATR, event count).
    :param detail: reader names or the service's error; never APDU data.
    """

    state: str
    cards: tuple[CardIdentity, ...] = ()
    detail: str = ""


class PresenceWatch:
    """A background thread that reports :class:`Presence` changes; :meth:`close` stops it (and waits for it).

    Subclasses implement :meth:`_watch`, which blocks in the service (never a busy loop) until :attr:`_stopping`
    is set, calling :meth:`_report` with what they see; :meth:`_interrupt` wakes a blocking call.
    """

    def __init__(self, on_change: Callable[[Presence], None], *, name: str) -> None:
        import threading  # only when a watch is made: a status reads the card without one

        self._on_change = on_change
        self._stopping = threading.Event()
        self._last: Presence | None = None
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)

    def start(self) -> PresenceWatch:
        self._thread.start()
        return self

    @property
    def last(self) -> Presence | None:
        """What was reported last (None before the first report)."""
        return self._last

    def _main(self) -> None:
        try:
            self._watch()
        except Exception:  # a watch must never take its host down; it says why it stopped
            import traceback

            logger.warning("the card watch stopped: %s", traceback.format_exc(limit=3))

    def _watch(self) -> None:
        raise NotImplementedError

    def _interrupt(self) -> None:
        """Wake the thread from a blocking call (it then sees :attr:`_stopping`)."""

    def _report(self, presence: Presence) -> None:
        if presence == self._last or self._stopping.is_set():
            return
        self._last = presence
        self._on_change(presence)

    def close(self, timeout: float = 5.0) -> None:
        """Stop watching; idempotent. No callback comes after it returns (unless the thread hung for ``timeout``)."""
        import threading

        self._stopping.set()
        self._interrupt()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)
