"""The card operations over APDUs, shared by the PC/SC and the in-process simulated card backends.

Each operation opens the card, runs inside one transaction and closes it again: the card is never held while the
user types.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from aosign_plugin.apdu.iso7816 import ApduProtocol
from aosign_plugin.domain.card_status import CardIdentity, CardStatus, Counter, SecretKind
from aosign_plugin.domain.errors import CardStateChangedError, CardUnavailableError, UnavailableReason
from aosign_plugin.domain.secret import Secret
from aosign_plugin.session.dialect import CardDialect
from aosign_plugin.session.pin_session import PinSession
from aosign_plugin.transport import SmartCardConnection, TransportError

if TYPE_CHECKING:
    from aosign_plugin.transport.presence import Presence, PresenceWatch

__all__ = ["ApduBackend"]


class ApduBackend(abc.ABC):
    """A backend that speaks the card's APDUs through a :class:`SmartCardConnection`."""

    name = "apdu"

    def __init__(self, dialect: CardDialect) -> None:
        self.dialect = dialect
        self.reader: str | None = None
        self._identity: CardIdentity | None = None

    @property
    def protected_path(self) -> bool:
        return False  # a PC/SC PIN-pad reader is not supported: the PINs are asked here

    @abc.abstractmethod
    def connect(self) -> SmartCardConnection:
        """Open the card. :raises TransportError: it cannot be reached."""

    def _probe(self) -> CardIdentity:
        """Which card is there, without an APDU (by default, what its connection says).

        :raises TransportError: none can be reached.
        """
        with self.connect() as conn:
            return conn.identity()

    def watch(self, on_change: Callable[[Presence], None]) -> PresenceWatch:
        """Start watching the card's presence (no APDU); the caller closes the watch. The PC/SC and simulated
        card backends have one."""
        raise NotImplementedError(f"the {self.name} backend cannot watch its card")

    def identity(self) -> CardIdentity:
        """Which card is in the reader now, without an APDU and without a transaction.

        :raises CardUnavailableError: none (no service, no reader, no card).
        """
        try:
            return self._probe()
        except TransportError as e:
            raise CardUnavailableError(e.reason, e.detail) from None

    @contextmanager
    def _session(self) -> Iterator[PinSession]:
        try:
            with self.connect() as conn:
                self.reader = conn.reader
                self._identity = conn.identity()
                with conn.transaction():
                    yield PinSession(ApduProtocol(conn), self.dialect)
        except TransportError as e:
            raise CardUnavailableError(e.reason, e.detail) from None

    @staticmethod
    def _read(session: PinSession, backend: str, reader: str | None) -> CardStatus:
        pin = session.pin_counter()
        unblock = session.unblock_counter()
        return CardStatus(backend=backend, reader=reader, pin=pin, unblock=unblock)

    def status(self) -> CardStatus:
        with self._session() as session:
            status = self._read(session, self.name, self.reader)
        return CardStatus(status.backend, status.reader, status.pin, status.unblock, self._identity)

    @staticmethod
    def _guard(now: Counter, seen: Counter) -> None:
        if now.spent_since(seen):
            raise CardStateChangedError("the card's counter changed since it was shown")

    def change_pin(self, old: Secret | None, new: Secret | None, *, seen: Counter) -> None:
        self._send_try(SecretKind.PIN, old, new, seen)

    def unblock_pin(self, code: Secret | None, new: Secret | None, *, seen: Counter) -> None:
        self._send_try(SecretKind.UNBLOCK, code, new, seen)

    def _send_try(self, kind: SecretKind, first: Secret | None, new: Secret | None, seen: Counter) -> None:
        """In one transaction: read the counter of ``kind`` again (the guard), then send its one try."""
        if first is None or new is None:
            raise CardUnavailableError(UnavailableReason.PROTOCOL, "this backend has no PIN pad")
        with self._session() as session:
            if kind is SecretKind.PIN:
                self._guard(session.pin_counter(), seen)
                session.change_pin(first, new)
            else:
                self._guard(session.unblock_counter(), seen)
                session.unblock_pin(first, new)
