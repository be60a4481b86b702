"""Floor 4, transport: the one abstract connection to a card. No module but :mod:`.pyscard_reader` imports
pyscard (the simulated card's in-process link is a backend's: :mod:`aosign_plugin.backends.sim_link`)."""

from __future__ import annotations

import abc
import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aosign_plugin.domain.card_status import CardIdentity

from aosign_plugin.domain.errors import UnavailableReason

__all__ = ["CardGoneError", "SmartCardConnection", "TransportError"]


class TransportError(Exception):
    """The card could not be reached: no service, no reader, no card, or it went away.

    :param reason: the case (a word of :class:`~aosign_plugin.domain.errors.UnavailableReason`, checked).
    :param detail: what is involved (reader names, a path, the service's error); never APDU data.
    :param sim_state: the simulated card's state file, when the case is about it.
    """

    def __init__(
        self,
        reason: UnavailableReason | str,
        detail: str = "",
        *,
        reader: str | None = None,
        sim_state: str | None = None,
    ) -> None:
        self.reason = UnavailableReason(reason)
        super().__init__(f"{self.reason.value}: {detail}" if detail else self.reason.value)
        self.detail = detail
        self.reader = reader
        self.sim_state = sim_state


class CardGoneError(TransportError):
    """The card left (or the service stopped) in the middle of an operation."""

    def __init__(self, detail: str = "", *, reader: str | None = None) -> None:
        super().__init__("card_gone", detail, reader=reader)


class SmartCardConnection(abc.ABC):
    """A connection to one card that exchanges raw APDUs."""

    #: a name for the reader or the simulated card, shown in status
    reader: str | None = None
    #: how the card is left when the transaction (else the connection) ends: ``leave`` it as it is, or clear its
    #: security state (a verified PIN) with a warm ``reset`` or by ``unpower``-ing it; PIN operations set it
    release: str = "leave"

    @abc.abstractmethod
    def send_and_receive(self, apdu: bytes | bytearray) -> tuple[bytes, int]:
        """Send one command APDU; return the response data and the status word (``SW1 << 8 | SW2``).

        :raises TransportError: the card could not be reached.
        """

    def identity(self) -> CardIdentity:
        """Which card this is (reader, ATR, serial or event count where known), without an APDU; by default only the
        reader is known.

        :raises TransportError: the card could not be reached.
        """
        from aosign_plugin.domain.card_status import CardIdentity
        from hostapp_stub.api import untrusted

        return CardIdentity(reader=untrusted(self.reader))

    @abc.abstractmethod
    def close(self) -> None:
        """Release the card; idempotent."""

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the card exclusively for one operation (a PC/SC transaction); nothing to do by default."""
        yield

    def __enter__(self) -> SmartCardConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
