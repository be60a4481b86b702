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
from aosign_plugin.config.dialect import CardDialect
from aosign_plugin.domain.card_status import CardIdentity, CardStatus, Counter, SecretKind
from aosign_plugin.domain.certificates import DEFAULT_EXPIRY_WARN_DAYS
from aosign_plugin.domain.errors import CardStateChangedError, CardUnavailableError, UnavailableReason
from aosign_plugin.domain.secret import Secret
from aosign_plugin.session.pin_session import PinSession
from aosign_plugin.transport import SmartCardConnection, TransportError
from hostapp_stub.api import replace, untrusted

if TYPE_CHECKING:
    from aosign_plugin.transport.presence import Presence, PresenceWatch

__all__ = ["ApduBackend"]


class ApduBackend(abc.ABC):
    """A backend that speaks the card's APDUs through a :class:`SmartCardConnection`."""

    name = "apdu"

    def __init__(
        self,
        dialect: CardDialect,
        *,
        certificate_paths: tuple[bytes, ...] | None = None,
        expiry_warn_days: int = DEFAULT_EXPIRY_WARN_DAYS,
    ) -> None:
        self.dialect = dialect
        #: ``[card] certificates``: files to read the certificates from; ``None``: the PKCS#15 directory
        self.certificate_paths = certificate_paths
        self.expiry_warn_days = expiry_warn_days
        self.reader: str | None = None
        self._identity: CardIdentity | None = None
        #: the card's serial as the last status read it: where the reader counts no card events (macOS), the one
        #: thing that tells a card swapped while the answers were typed from the card that was read
        self._serial: str | None = None

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
            raise CardUnavailableError(e.reason, e.detail, sim_state=e.sim_state) from None

    @contextmanager
    def _session(self, *, pin: bool = False, serial: str | None = None) -> Iterator[PinSession]:
        """One connection, one transaction. ``pin``: the operation sends a PIN or code, so the card's security state
        is cleared as it ends (the dialect's ``release``), whatever the outcome: no application that connects next
        finds the PIN verified.

        :param serial: the serial of the card the operation is for: where the reader tells neither a card event
            count nor a serial (Apple's PC/SC), it is read again inside the transaction, before anything else is
            sent; another card there is :class:`CardChangedError` (nothing sent).
        """
        try:
            with self.connect() as conn:
                self.reader = conn.reader
                if pin:
                    conn.release = self.dialect.release.value
                self._identity = conn.identity()
                with conn.transaction():
                    if serial is not None and self._identity.insertion is None and self._identity.serial is None:
                        self._same_serial(conn, serial)
                    yield PinSession(ApduProtocol(conn), self.dialect)
        except TransportError as e:
            raise CardUnavailableError(e.reason, e.detail, sim_state=e.sim_state) from None

    def _same_serial(self, conn: SmartCardConnection, serial: str) -> None:
        """The card in the transaction has ``serial`` (its PKCS#15 TokenInfo, read without a PIN)."""
        from aosign_plugin.apdu.iso7816 import ApduError
        from aosign_plugin.domain.errors import CardChangedError
        from aosign_plugin.session.pkcs15_reader import DirectoryError, Pkcs15Reader

        reader = Pkcs15Reader(ApduProtocol(conn))
        found: str | None = None
        try:
            for app in reader.applications():
                found = reader.serial(app)
                if found is not None:
                    break
        except (ApduError, DirectoryError):
            found = None
        if found != serial:
            now = replace(self._identity, serial=found) if self._identity is not None else None
            raise CardChangedError("the card in the reader is not the card that was read", now=now)

    @staticmethod
    def _read(session: PinSession, backend: str, reader: str | None) -> CardStatus:
        pin = session.pin_counter()
        unblock = session.unblock_counter()
        return CardStatus(backend=backend, reader=untrusted(reader), pin=pin, unblock=unblock)

    def status(self) -> CardStatus:
        with self._session() as session:
            status = self._with_certificates(session, self._read(session, self.name, self.reader))
        self._serial = status.serial
        identity = self._identity
        if identity is not None and identity.serial is None and status.serial is not None:
            # the serial is part of which card it is: where the reader counts no card events (macOS), a card swapped
            # for another of the same type (one ATR) differs only there
            identity = replace(identity, serial=status.serial)
        return replace(status, identity=identity)

    def _with_certificates(self, session: PinSession, status: CardStatus) -> CardStatus:
        """The status with the card's serial and certificates, read in the same transaction without a PIN."""
        from aosign_plugin.backends.certificate_cache import CertificateCache, default_cache_path, evaluate
        from aosign_plugin.session.pkcs15_reader import Pkcs15Reader

        reader = Pkcs15Reader(session.protocol)
        if self.certificate_paths is not None:
            serial, found = None, tuple(reader.read_files(self.certificate_paths))
        else:
            reading = reader.read()
            serial, found = reading.serial, reading.certificates
        certificates, unreadable = evaluate(
            found, warn_days=self.expiry_warn_days, cache=CertificateCache(default_cache_path())
        )
        return replace(status, serial=serial, certificates=certificates, unreadable_certificates=unreadable)

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
        with self._session(pin=True, serial=self._serial) as session:
            if kind is SecretKind.PIN:
                self._guard(session.pin_counter(), seen)
                session.change_pin(first, new)
            else:
                self._guard(session.unblock_counter(), seen)
                session.unblock_pin(first, new)
