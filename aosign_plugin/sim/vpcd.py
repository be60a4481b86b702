"""Serve the simulated card to vsmartcard's vpcd (the virtual reader driver of pcscd).

The card is a TCP client of vpcd. Each message is a 2-byte big-endian length, then the payload. A 1-byte
payload is a control: 0 power off, 1 power on, 2 reset, 4 get ATR (answered with the ATR). A longer payload is
a command APDU, answered with the response APDU.

Card quirk of the link, not of the card: vpcd writes the length and the payload in two writes without
``TCP_NODELAY``, so delayed ACK stalls every APDU by ~40 ms unless ``TCP_QUICKACK`` is set again before every
``recv`` (Linux clears it by itself).
"""

from __future__ import annotations

import socket
import sys
import time
from collections.abc import Callable
from enum import IntEnum, unique
from typing import Literal

from ..secret import wipe_bytearray
from .apdulog import ApduLog
from .card import SimCard
from .store import CardStore

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "ApduHook",
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
    """

    def __init__(self, store: CardStore, *, log: ApduLog | None = None, hook: ApduHook | None = None) -> None:
        self.card = SimCard(store, log=log)
        self.hook = hook
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

        :returns: True when stopped on request, False when vpcd closed the link (pcscd stopped).
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

    def _handle(self, payload: bytearray) -> bytes | None:
        if len(payload) == 1:
            ctrl = payload[0]
            if ctrl == VpcdControl.POWER_OFF:
                self.card.power_off()
            elif ctrl in (VpcdControl.POWER_ON, VpcdControl.RESET):
                self.card.power_on()
            elif ctrl == VpcdControl.GET_ATR:
                return self.card.atr
            return None
        if self.hook is not None:
            replaced = self.hook("before", bytes(payload))
            if replaced is not None:
                return replaced
        resp = self.card.transmit(payload)
        if self.hook is not None:
            replaced = self.hook("after", resp)
            if replaced is not None:
                return replaced
        return resp
