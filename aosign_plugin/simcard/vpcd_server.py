"""Serve the simulated card to vsmartcard's vpcd (the virtual reader driver of pcscd).

The card is a TCP client of vpcd. Each message is a 2-byte big-endian length, then the payload. A 1-byte
payload is a control: 0 power off, 1 power on, 2 reset, 4 get ATR (answered with the ATR). A longer payload is
a command APDU, answered with the response APDU.

Faults for tests (:class:`Fault`): the card can vanish (power off, link closed) or go mute (never answer again)
before or after the card runs a chosen command, counted from the start of serving.

Card quirk of the link, not of the card: vpcd writes the length and the payload in two writes without
``TCP_NODELAY``, so delayed ACK stalls every APDU by ~40 ms unless ``TCP_QUICKACK`` is set again before every
``recv`` (Linux clears it by itself).
"""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Callable
from enum import Enum, IntEnum, unique
from typing import Literal

from aosign_plugin.domain.secret import wipe_bytearray
from aosign_plugin.simcard.apdu_log import ApduLog
from aosign_plugin.simcard.card import SimCard
from aosign_plugin.simcard.store import CardStore
from hostapp_stub.api import Record

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "ApduHook",
    "Fault",
    "FaultAction",
    "StopServing",
    "VpcdControl",
    "VpcdServer",
    "connect_vpcd",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 35963

#: Fault-injection hook, consulted around every command APDU: ``hook("before", command)`` may return a
#: response to send instead of running the card; ``hook("after", response)`` may return a replacement
#: response. Returning ``None`` changes nothing; raising stops the server (a pulled card).
ApduHook = Callable[[Literal["before", "after"], bytes], bytes | None]


@unique
class VpcdControl(IntEnum):
    """The 1-byte control messages of vpcd."""

    POWER_OFF = 0
    POWER_ON = 1
    RESET = 2
    GET_ATR = 4


class StopServing(Exception):
    """Raised by :meth:`VpcdServer.request_stop` (from a signal handler) to leave a blocking call."""


class _Vanished(Exception):
    """A :class:`Fault` pulled the card: leave :meth:`VpcdServer.serve`."""


@unique
class FaultAction(Enum):
    """What the card does when its :class:`Fault` fires."""

    #: power off and close the link to vpcd: the card left the reader (the server stops)
    VANISH = "vanish"
    #: never answer again (not even the ATR), keeping the link open until vpcd closes it or a stop is requested
    MUTE = "mute"


class Fault(Record):
    """Where the served card fails: at the ``nth`` command APDU with instruction ``ins`` (any command when
    ``None``), counted from the start of serving; ``before`` the card runs it (it never reaches the card) or
    ``after`` (its effect is persisted, its answer is never sent).
    """

    when: Literal["before", "after"]
    ins: int | None = None
    nth: int = 1
    action: FaultAction = FaultAction.VANISH

    def __post_init__(self) -> None:
        if self.when not in ("before", "after"):
            raise ValueError("when must be before or after")
        if self.ins is not None and not 0 <= self.ins <= 0xFF:
            raise ValueError("ins must be a byte (00-FF)")
        if self.nth < 1:
            raise ValueError("nth must be 1 or more")

    def matches(self, apdu: bytes | bytearray) -> bool:
        """Whether ``apdu`` counts towards :attr:`nth`."""
        return self.ins is None or (len(apdu) > 1 and apdu[1] == self.ins)

    def describe(self) -> str:
        """``vanish before command #1 with INS 24``: the spec in words."""
        which = "command" if self.ins is None else f"command with INS {self.ins:02X}"
        return f"{self.action.value} {self.when} {which} #{self.nth}"

    @classmethod
    def parse(cls, spec: str) -> Fault:
        """``when=before|after[,ins=HEX][,nth=N][,action=vanish|mute]``, e.g. ``ins=24,when=after``.

        ``ins`` is hex (``24`` or ``0x24``): CHANGE REFERENCE DATA; ``nth`` is decimal, 1 by default.

        :raises ValueError: naming the bad part.
        """
        values: dict[str, str] = {}
        for part in spec.split(","):
            key, sep, value = part.strip().partition("=")
            if not sep or key not in ("when", "ins", "nth", "action") or key in values:
                raise ValueError(f"bad fault part {part.strip()!r} (want when=, ins=, nth=, action=, each once)")
            values[key] = value.strip()
        if values.get("when") not in ("before", "after"):
            raise ValueError("a fault needs when=before or when=after")
        when: Literal["before", "after"] = "before" if values["when"] == "before" else "after"
        try:
            ins = int(values["ins"], 16) if "ins" in values else None
            nth = int(values.get("nth", "1"), 10)
        except ValueError:
            raise ValueError("ins must be hex and nth a decimal number") from None
        try:
            action = FaultAction(values.get("action", FaultAction.VANISH.value))
        except ValueError:
            raise ValueError("action must be vanish or mute") from None
        return cls(when=when, ins=ins, nth=nth, action=action)


def _quickack(sock: socket.socket) -> None:
    if sys.platform == "linux":
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


def connect_vpcd(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, timeout: float = 10.0) -> socket.socket:
    """Connect to vpcd, retrying until ``timeout`` seconds passed (pcscd may still be starting).

    :raises ConnectionError: vpcd did not accept the connection in time.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            sock = socket.create_connection((host, port), timeout=1.0)
        except OSError as exc:
            if time.monotonic() >= deadline:
                raise ConnectionError(f"vpcd is not listening on {host}:{port} ({exc.strerror or exc})") from None
            time.sleep(0.05)
            continue
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        _quickack(sock)
        return sock


class VpcdServer:
    """One card inserted in one vpcd reader.

    :param store: the card's state; loaded and saved per command under its lock.
    :param log: the card's APDU log, or ``None``.
    :param hook: see :data:`ApduHook`.
    :param fault: make the card vanish or go mute at one command (tests).
    :param on_fault: called with the fault and the command's number when it fires (before the link closes).
    """

    def __init__(
        self,
        store: CardStore,
        *,
        log: ApduLog | None = None,
        hook: ApduHook | None = None,
        fault: Fault | None = None,
        on_fault: Callable[[Fault, int], None] | None = None,
    ) -> None:
        self.card = SimCard(store, log=log)
        self.hook = hook
        self.fault = fault
        self.on_fault = on_fault
        #: command APDUs received since serving started
        self.commands = 0
        #: the fault fired (the card vanished or went mute)
        self.fault_fired = False
        self._fault_count = 0
        self._muted = False
        self._busy = False
        self._stop = False
        self._sock: socket.socket | None = None

    def request_stop(self) -> None:
        """Stop serving (safe from a signal handler): at once when idle, else after the current APDU."""
        self._stop = True
        if not self._busy:
            raise StopServing

    def serve(self, sock: socket.socket) -> bool:
        """Answer vpcd on ``sock`` until vpcd closes it or :meth:`request_stop` is called; closes ``sock``.

        :returns: True when stopped on request, False when vpcd closed the link (pcscd stopped) or the card
            vanished (:attr:`fault_fired`).
        """
        self._sock = sock
        try:
            while not self._stop:
                header = self._recv_exact(sock, 2)
                if header is None:
                    return False
                size = header[0] << 8 | header[1]
                payload = self._recv_exact(sock, size)
                if payload is None:
                    return False
                self._busy = True
                try:
                    reply = self._handle(payload)
                    if reply is not None:
                        sock.sendall(len(reply).to_bytes(2, "big") + reply)
                finally:
                    wipe_bytearray(payload)
                    self._busy = False
            return True
        except StopServing:
            return True
        except _Vanished:
            return False
        finally:
            self._sock = None
            sock.close()

    def _recv_exact(self, sock: socket.socket, n: int) -> bytearray | None:
        buf = bytearray(n)
        view = memoryview(buf)
        got = 0
        while got < n:
            _quickack(sock)
            try:
                k = sock.recv_into(view[got:], n - got)
            except ConnectionError:
                k = 0
            if k == 0:
                return None
            got += k
        return buf

    def _fault_due(self, payload: bytearray) -> bool:
        fault = self.fault
        if fault is None or self.fault_fired or not fault.matches(payload):
            return False
        self._fault_count += 1
        return self._fault_count == fault.nth

    def _fire(self) -> None:
        assert self.fault is not None
        self.fault_fired = True
        if self.on_fault is not None:
            self.on_fault(self.fault, self.commands)
        if self.fault.action is FaultAction.VANISH:
            self.card.power_off()
            raise _Vanished
        self._muted = True

    def _handle(self, payload: bytearray) -> bytes | None:
        if self._muted:
            return None
        if len(payload) == 1:
            ctrl = payload[0]
            if ctrl == VpcdControl.POWER_OFF:
                self.card.power_off()
            elif ctrl in (VpcdControl.POWER_ON, VpcdControl.RESET):
                self.card.power_on()
            elif ctrl == VpcdControl.GET_ATR:
                return self.card.atr
            return None
        self.commands += 1
        fire = self._fault_due(payload)
        if fire and self.fault is not None and self.fault.when == "before":
            self._fire()
            return None
        if self.hook is not None:
            replaced = self.hook("before", bytes(payload))
            if replaced is not None:
                return replaced
        resp = self.card.transmit(payload)
        if self.hook is not None:
            replaced = self.hook("after", resp)
            if replaced is not None:
                resp = replaced
        if fire:
            self._fire()
            return None
        return resp
