"""Backend "sim": the simulated card, run in this process over its state file.

Opening the connection powers the card on (nothing selected, PIN not verified).
:meth:`SimConnection.transaction` holds the state file's lock for one operation, like a PC/SC transaction
holds a real card.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from aosign_plugin.domain.card_status import CardIdentity
from aosign_plugin.simcard.apdu_log import ApduLog, ApduLogError
from aosign_plugin.simcard.card import ATR, SimCard
from aosign_plugin.simcard.store import CardStateError, CardStateMissingError, CardStore
from aosign_plugin.transport import CardGoneError, SmartCardConnection, TransportError
from aosign_plugin.transport.presence import Presence, PresenceWatch
from hostapp_stub.api import Untrusted, untrusted

__all__ = ["SIM_READER", "SimConnection", "SimWatch", "sim_identity"]

SIM_READER = "AOSign simulated card"
#: how often the state file's inode and mtime are looked at (a stat: no APDU, no read of the card)
SIM_WATCH_S = 0.2


def sim_identity(state_path: Path) -> CardIdentity:
    """Which simulated card is at ``state_path``: its serial (the card's own, from its state). No APDU.

    :raises TransportError: no card there (``no_sim_card``).
    """
    store = CardStore(state_path)
    where = str(state_path)
    try:
        serial = store.load().serial
    except CardStateMissingError:
        raise TransportError("no_sim_card", where, reader=SIM_READER, sim_state=where) from None
    except CardStateError as exc:  # broken, unreadable, a symlink: named as the card store names it
        raise TransportError(exc.reason, exc.detail, reader=SIM_READER, sim_state=where) from None
    except OSError as exc:
        raise TransportError(
            "sim_state_unreadable", f"{state_path}: {exc.strerror or exc}", reader=SIM_READER, sim_state=where
        ) from None
    return CardIdentity(reader=Untrusted(SIM_READER), atr=ATR.hex().upper(), serial=untrusted(serial))


class SimWatch(PresenceWatch):
    """Watches the simulated card's state file (exists, inode, mtime, size): never its APDUs."""

    def __init__(self, state_path: Path, on_change: Callable[[Presence], None]) -> None:
        super().__init__(on_change, name="aosign-sim-watch")
        self.state_path = Path(state_path)

    def _watch(self) -> None:
        seen: tuple[int, int, int] | bool | None = False
        while not self._stopping.is_set():
            try:
                st = os.stat(self.state_path)
                now: tuple[int, int, int] | None = (st.st_ino, st.st_mtime_ns, st.st_size)
            except OSError:
                now = None
            if now != seen:
                seen = now
                try:
                    card = sim_identity(self.state_path)
                    # the counters may have moved (another process used the card): a new reading is due
                    self._report(Presence("card", (card,), detail=str(now)))
                except TransportError as e:
                    self._report(Presence("no_sim_card", detail=e.detail))
            self._stopping.wait(SIM_WATCH_S)


class SimConnection(SmartCardConnection):
    """A :class:`SmartCardConnection` to the in-process simulated card whose state is ``state_path``.

    :param log_path: where the card appends its own APDU log (hashed secrets only); ``None`` for no log.
    :raises TransportError: no card has been issued at ``state_path``.
    """

    reader = SIM_READER

    def __init__(self, state_path: Path, *, log_path: Path | None = None) -> None:
        self.state_path = Path(state_path)
        self._store = CardStore(self.state_path)
        where = str(self.state_path)
        if not self._store.exists():
            raise TransportError("no_sim_card", where, reader=self.reader, sim_state=where)
        try:
            log = ApduLog(log_path) if log_path is not None else None
        except ApduLogError as exc:
            raise TransportError(exc.reason, exc.detail, reader=self.reader, sim_state=where) from None
        self._card: SimCard | None = SimCard(self._store, log=log)
        self._card.power_on()

    def _live_card(self) -> SimCard:
        if self._card is None:
            raise CardGoneError("the connection to the simulated card is closed", reader=self.reader)
        return self._card

    def send_and_receive(self, apdu: bytes | bytearray) -> tuple[bytes, int]:
        card = self._live_card()
        try:
            resp = card.transmit(apdu)
        except CardStateMissingError:
            raise CardGoneError(
                f"the simulated card's state file {self.state_path} disappeared", reader=self.reader
            ) from None
        except CardStateError as exc:
            raise TransportError(exc.reason, exc.detail, reader=self.reader, sim_state=str(self.state_path)) from None
        except ApduLogError as exc:
            raise TransportError(exc.reason, exc.detail, reader=self.reader, sim_state=str(self.state_path)) from None
        return resp[:-2], resp[-2] << 8 | resp[-1]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the state file's lock (and the loaded state) for one operation."""
        self._live_card()
        try:
            with self._store.locked():
                yield
        except CardStateMissingError:
            raise CardGoneError(f"no simulated card state at {self.state_path}", reader=self.reader) from None
        except CardStateError as exc:
            raise TransportError(exc.reason, exc.detail, reader=self.reader, sim_state=str(self.state_path)) from None

    def identity(self) -> CardIdentity:
        return sim_identity(self.state_path)

    def close(self) -> None:
        if self._card is not None:
            self._card.power_off()
            self._card = None
