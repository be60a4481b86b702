"""Backend "sim": the simulated card, run in this process over its state file.

Opening the connection powers the card on (nothing selected, PIN not verified).
:meth:`SimConnection.transaction` holds the state file's lock for one operation, like a PC/SC transaction
holds a real card.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from aosign_plugin.simcard.apdu_log import ApduLog, ApduLogError
from aosign_plugin.simcard.card_store import CardStateError, CardStateMissingError, CardStore
from aosign_plugin.simcard.sim_card import SimCard
from aosign_plugin.transport import CardGoneError, SmartCardConnection, TransportError

__all__ = ["SIM_READER", "SimConnection"]

SIM_READER = "AOSign simulated card"


class SimConnection(SmartCardConnection):
    """A :class:`SmartCardConnection` to the in-process simulated card whose state is ``state_path``.

    :param log_path: where the card appends its own APDU log (hashed secrets only); ``None`` for no log.
    :raises TransportError: no card has been issued at ``state_path``.
    """

    reader = SIM_READER

    def __init__(self, state_path: Path, *, log_path: Path | None = None) -> None:
        self.state_path = Path(state_path)
        self._store = CardStore(self.state_path)
        if not self._store.exists():
            raise TransportError(
                "no_sim_card",
                f"no card state at {self.state_path}; issue one with `aosign-sim issue`",
                reader=self.reader,
            )
        try:
            log = ApduLog(log_path) if log_path is not None else None
        except ApduLogError as exc:
            raise TransportError(exc.reason, exc.detail, reader=self.reader) from None
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
            raise TransportError(exc.reason, exc.detail, reader=self.reader) from None
        except ApduLogError as exc:
            raise TransportError(exc.reason, exc.detail, reader=self.reader) from None
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
            raise TransportError(exc.reason, exc.detail, reader=self.reader) from None

    def close(self) -> None:
        if self._card is not None:
            self._card.power_off()
            self._card = None
