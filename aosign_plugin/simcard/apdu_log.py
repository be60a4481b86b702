"""The simulated card's own APDU log: proof of what reached the card, without a PIN ever written to disk.

JSON lines. The first line is a header; every command the card receives adds one line::

    {"seq": 3, "cla": 0, "ins": 36, "p1": 0, "p2": 129, "lc": 32, "sw": "63C9",
     "fields": [{"offset": 0, "length": 16}, {"offset": 16, "length": 16}]}

``fields`` (for VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER only) says where the secret fields lie in the
command's data, as the card's dialect splits them (offset and length as sent, padding included), and nothing of
what they hold: no value and no digest of one, which a short PIN could be recovered from (issue 33). ``null`` when
the card could not split the data. The data of any other command is not logged either, only its header and length.
A log of the first version (a salt in its header, salted PBKDF2 digests in its lines) is continued in this form.

A line cut short (a full disk, a crash in the middle of a write) stays as it is, counted in
:attr:`ApduLogContents.torn`; the next line starts on a line of its own. A log that cannot be written raises
:class:`ApduLogError`, which names the log, never the card's state.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hostapp_stub.api import Record

__all__ = [
    "LOG_FORMAT",
    "LOG_VERSION",
    "ApduLog",
    "ApduLogContents",
    "ApduLogError",
    "read_log",
]

LOG_FORMAT = "aosign-sim-apdulog"
LOG_VERSION = 2
_SECRET_INS = frozenset({0x20, 0x24, 0x2C})


class ApduLogError(Exception):
    """The card's APDU log cannot be read or written; ``detail`` names the file and what went wrong.

    :param reason: ``sim_log_unwritable`` or ``sim_log_corrupt`` (the catalogs' ``unavailable.<reason>``).
    """

    def __init__(self, reason: str, detail: str, *, path: Path) -> None:
        super().__init__(f"the simulated card's APDU log {detail}")
        self.reason = reason
        self.detail = detail
        self.path = path


class ApduLogContents(Record):
    """A parsed log: one dict per command, in order."""

    entries: list[dict[str, Any]]
    #: lines cut short (by a full disk or a crash): skipped
    torn: int = 0

    def tries(self) -> list[dict[str, Any]]:
        """The commands that carried a secret (VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER with data)."""
        return [e for e in self.entries if e.get("ins") in _SECRET_INS and e.get("lc")]


def _entry(line: bytes) -> dict[str, Any] | None:
    """One log line as a dict, or ``None`` for a line cut short (or otherwise not an entry)."""
    try:
        entry = json.loads(line)
    except ValueError:
        return None
    return entry if isinstance(entry, dict) else None


def read_log(path: Path | str) -> ApduLogContents:
    """Read a log written by :class:`ApduLog`; lines cut short are skipped and counted.

    :raises ValueError: not such a log (its header line is not one).
    :raises OSError: it cannot be read.
    """
    lines = Path(path).read_bytes().splitlines()
    if not lines:
        raise ValueError(f"{path}: empty APDU log")
    header = _entry(lines[0])
    if header is None or header.get("format") != LOG_FORMAT:
        raise ValueError(f"{path}: not an aosign-sim APDU log")
    entries: list[dict[str, Any]] = []
    torn = 0
    for line in lines[1:]:
        if not line.strip():
            continue
        entry = _entry(line)
        if entry is None:
            torn += 1
        else:
            entries.append(entry)
    return ApduLogContents(entries=entries, torn=torn)


def _seq(entry: dict[str, Any]) -> int:
    value = entry.get("seq", 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


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
        self._sync()

    def _sync(self) -> None:
        try:
            try:
                size = self.path.stat().st_size
            except FileNotFoundError:
                size = 0
            if size == self._size:
                return
            if size > 0 and self._torn_header():
                # only a header cut short (the disk was full when the log began): nothing was logged yet
                os.truncate(self.path, 0)
                size = 0
            if size == 0:
                header = {"format": LOG_FORMAT, "version": LOG_VERSION}
                self._seq = 0
                self._append(json.dumps(header).encode() + b"\n")
                return
            try:
                contents = read_log(self.path)
            except ValueError as exc:
                raise ApduLogError("sim_log_corrupt", f"{self.path}: {exc}", path=self.path) from None
            self._seq = max((_seq(e) for e in contents.entries), default=0)
            self._size = self.path.stat().st_size
        except OSError as exc:
            raise ApduLogError("sim_log_unwritable", f"{self.path}: {exc.strerror or exc}", path=self.path) from None

    def _torn_header(self) -> bool:
        """The file is this log's header cut short, and nothing else."""
        with open(self.path, "rb") as fh:
            head = fh.read(4096)
        start = json.dumps({"format": LOG_FORMAT}).encode()[:-1]
        return b"\n" not in head and (head.startswith(start) or start.startswith(head))

    def _append(self, line: bytes) -> None:
        """Append ``line`` whole: a torn last line is ended first, and a short write is written on.

        :raises OSError: the disk is full, or the file cannot be written.
        """
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            end = os.fstat(fd).st_size
            if end > 0:
                os.lseek(fd, end - 1, os.SEEK_SET)
                if os.read(fd, 1) != b"\n":
                    line = b"\n" + line
            view = memoryview(line)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            self._size = os.fstat(fd).st_size
        finally:
            os.close(fd)

    def record(
        self,
        apdu: bytes | bytearray,
        sw: int,
        fields: Sequence[tuple[int, int]] | None,
    ) -> None:
        """Log one command and the status word the card answered; never the command's data.

        :param fields: where the secret fields lie in the data (offset, length), or ``None`` if it could not split it.
        :raises ApduLogError: the log cannot be written (a full disk): it names the log.
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
                entry["fields"] = None if fields is None else [{"offset": o, "length": k} for o, k in fields]
            try:
                self._append(json.dumps(entry).encode() + b"\n")
            except OSError as exc:
                self._size = -1  # read again next time: the line may be torn
                raise ApduLogError(
                    "sim_log_unwritable", f"{self.path}: {exc.strerror or exc}", path=self.path
                ) from None
