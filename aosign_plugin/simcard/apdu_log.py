"""The simulated card's own APDU log: proof of what reached the card, without a PIN ever written to disk.

JSON lines. The first line is a header holding a random salt; every command the card receives adds one line::

    {"seq": 3, "cla": 0, "ins": 36, "p1": 0, "p2": 129, "lc": 32, "sw": "63C9",
     "fields": ["<old>", "<new>"], "apdu": "<digest>"}

``fields`` (for VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER only) lists the secret fields the card
parsed, padding stripped, each as :func:`field_digest`; ``null`` when the card could not split the data.
``apdu`` is the same salted digest of the whole command, so a repeated command shows as a repeated digest.
Tests compute ``field_digest(log.salt, b"1234")`` to see whether a PIN reached the card.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["LOG_FORMAT", "LOG_ITERATIONS", "ApduLog", "ApduLogContents", "field_digest", "read_log"]

LOG_FORMAT = "aosign-sim-apdulog"
LOG_ITERATIONS = 1000
_SECRET_INS = frozenset({0x20, 0x24, 0x2C})


def field_digest(log_salt: bytes, secret: bytes | bytearray | memoryview) -> str:
    """The log's digest of one secret field (or a whole APDU): 32 hex digits of salted PBKDF2-SHA256."""
    return hashlib.pbkdf2_hmac("sha256", secret, log_salt, LOG_ITERATIONS).hex()[:32]


@dataclass(frozen=True)
class ApduLogContents:
    """A parsed log: its salt and one dict per command, in order."""

    salt: bytes = field(repr=False)
    entries: list[dict[str, Any]]

    def digest(self, secret: bytes | bytearray | memoryview) -> str:
        """:func:`field_digest` with this log's salt."""
        return field_digest(self.salt, secret)

    def secret_fields(self) -> list[str]:
        """Every secret-field digest logged, in order."""
        out: list[str] = []
        for entry in self.entries:
            out.extend(entry.get("fields") or [])
        return out


def read_log(path: Path | str) -> ApduLogContents:
    """Read a log written by :class:`ApduLog`.

    :raises ValueError: not such a log.
    """
    lines = Path(path).read_bytes().splitlines()
    if not lines:
        raise ValueError(f"{path}: empty APDU log")
    header = json.loads(lines[0])
    if not isinstance(header, dict) or header.get("format") != LOG_FORMAT:
        raise ValueError(f"{path}: not an aosign-sim APDU log")
    entries = [json.loads(line) for line in lines[1:] if line.strip()]
    return ApduLogContents(salt=bytes.fromhex(header["salt"]), entries=entries)


class ApduLog:
    """Appends one line per command to ``path`` (mode 0600); continues an existing log with its salt.

    Several writers may share one file as long as they write under the card store's lock: the sequence number
    is re-read whenever the file grew behind this object's back.
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._mutex = threading.Lock()
        self._size = -1
        self._seq = 0
        self.salt = b""
        self._sync()

    def _sync(self) -> None:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size == self._size:
            return
        if size == 0:
            self.salt = secrets.token_bytes(16)
            header = {
                "format": LOG_FORMAT,
                "version": 1,
                "salt": self.salt.hex(),
                "iterations": LOG_ITERATIONS,
            }
            self._append(json.dumps(header).encode() + b"\n")
            self._seq = 0
            return
        contents = read_log(self.path)
        self.salt = contents.salt
        self._seq = max((int(e.get("seq", 0)) for e in contents.entries), default=0)
        self._size = self.path.stat().st_size

    def _append(self, line: bytes) -> None:
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
            self._size = os.fstat(fd).st_size
        finally:
            os.close(fd)

    def record(
        self,
        apdu: bytes | bytearray,
        sw: int,
        fields: Sequence[bytes | bytearray] | None,
    ) -> None:
        """Log one command and the status word the card answered.

        :param fields: the secret fields the card parsed (padding stripped), or ``None`` if it could not.
        """
        with self._mutex:
            self._sync()
            self._seq += 1
            n = len(apdu)
            entry: dict[str, Any] = {
                "seq": self._seq,
                "cla": apdu[0] if n > 0 else None,
                "ins": apdu[1] if n > 1 else None,
                "p1": apdu[2] if n > 2 else None,
                "p2": apdu[3] if n > 3 else None,
                "lc": apdu[4] if n > 5 else None,
                "sw": f"{sw:04X}",
            }
            if n > 1 and apdu[1] in _SECRET_INS:
                entry["fields"] = None if fields is None else [field_digest(self.salt, f) for f in fields]
            entry["apdu"] = field_digest(self.salt, apdu)
            self._append(json.dumps(entry).encode() + b"\n")
