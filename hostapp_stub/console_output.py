"""Standard streams the host can always use: open, and never failing on a character.

Called first thing by the command line:

- a standard descriptor that is closed (``aosign-host change-pin <&-``) is opened on the null device, so that no
  file the host opens later takes its number (a manifest read as the answers) and reading it is the end of input;
- redirected output (a file, a pipe) is UTF-8 on every OS, JSON included (Windows would write the ANSI code page,
  cp932, and fail on "ë"); characters that cannot be written are escaped, never a traceback;
- a terminal or console keeps its own encoding, and gets what it can show: a character it cannot show is
  replaced (``PYTHONIOENCODING=ascii`` with Japanese texts prints ``?``, it does not fail);
- a reader that leaves early (``aosign-host status --json | head -3``) is no error: what it no longer reads is
  dropped, and the command ends with its own exit code (a PIN changed before its message could be written is still
  reported as changed by the code), never with a ``BrokenPipeError`` traceback;
- every text written passes the terminal edge (:class:`OutputEdge`): no control, escape sequence or bidi control
  from a card, a module or a plugin reaches the terminal (issue 25);
- output that cannot be written (``> /dev/full``, EIO, a closed descriptor) is no traceback and never changes what
  the exit code says happened to the card; what was lost is said on the other stream (:func:`finish`).
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from typing import TextIO

from .untrusted import visible

__all__ = ["OutputEdge", "ReaderMayLeave", "finish", "setup_streams"]


def _reopen_closed_std_fds() -> set[int]:
    """Hold each closed standard descriptor's number with the null device; returns the numbers that were closed."""
    closed = set()
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:  # closed: hold its number with the null device
            closed.add(fd)
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if sys.stdout is None:
        sys.stdout = open(1, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
    return closed


class OutputEdge:
    """A standard stream as the program writes to it: the terminal edge (every text through
    :func:`~hostapp_stub.untrusted.visible`, line ends kept) and a write that never fails the command.

    A write or flush that fails (a full disk: ENOSPC, EIO, a descriptor closed before the start) is kept: the
    stream's descriptor then writes to the null device (so neither the text still buffered nor the interpreter's
    last flush at exit raises), and what could not be written is kept (up to :data:`KEPT`) for :func:`finish` to say
    on the other stream. A reader that leaves (EPIPE: ``| head -1``) is no failure: what it no longer reads is
    dropped. Every other attribute is the stream's own.
    """

    #: the most text kept for saying it on the other stream
    KEPT = 1 << 20

    def __init__(self, stream: TextIO, name: str, *, closed: bool = False) -> None:
        self._stream = stream
        self.name = name
        #: why writing failed (the first failure), None while it works
        self.error: OSError | None = OSError(errno.EBADF, os.strerror(errno.EBADF)) if closed else None
        self.reader_left = False
        self._unflushed: list[str] = []  # written since the last flush that worked: lost too when a flush fails
        self.lost: list[str] = []
        self._lost_size = 0

    def write(self, text: str) -> int:
        shown = visible(text, keep_lines=True)
        if self.error is not None or self.reader_left:
            self._lose([shown])
            return len(text)
        try:
            self._stream.write(shown)
        except (OSError, ValueError) as e:
            self._failed(e, shown)
        else:
            if self._lost_size + sum(map(len, self._unflushed)) < self.KEPT:
                self._unflushed.append(shown)
        return len(text)

    def flush(self) -> None:
        if self.error is not None or self.reader_left:
            return
        try:
            self._stream.flush()
        except (OSError, ValueError) as e:
            self._failed(e, "")
        else:
            self._unflushed.clear()

    def _lose(self, texts: list[str]) -> None:
        if self.reader_left:
            return
        for text in texts:
            if text and self._lost_size < self.KEPT:
                self.lost.append(text)
                self._lost_size += len(text)

    def _failed(self, error: OSError | ValueError, text: str) -> None:
        if isinstance(error, BrokenPipeError):
            self.reader_left = True
        else:
            self.error = error if isinstance(error, OSError) else OSError(errno.EBADF, str(error))
            self._lose([*self._unflushed, text])
        self._unflushed.clear()
        # the descriptor now writes to the null device: the text still buffered, and the interpreter's last flush
        # at exit, go nowhere without failing
        with contextlib.suppress(OSError, ValueError):
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, self._stream.fileno())
            finally:
                os.close(null)
        with contextlib.suppress(OSError, ValueError):
            self._stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


#: kept for callers of the earlier name
ReaderMayLeave = OutputEdge


def _is_terminal(stream: io.TextIOWrapper) -> bool:
    try:
        return stream.isatty()
    except (OSError, ValueError):
        return False


def setup_streams() -> None:
    """Make ``sys.stdout`` and ``sys.stderr`` safe to print anything to (see the module's text)."""
    closed = _reopen_closed_std_fds()
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper):  # a test's capture, or already replaced: leave it
            continue
        if _is_terminal(stream):
            stream.reconfigure(errors="replace")
        else:
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    if not isinstance(sys.stdout, OutputEdge):
        sys.stdout = OutputEdge(sys.stdout, "stdout", closed=1 in closed)
    if not isinstance(sys.stderr, OutputEdge):
        sys.stderr = OutputEdge(sys.stderr, "stderr", closed=2 in closed)


def finish(code: int, lang: str, *, output_only: bool, machine: bool) -> int:
    """Flush the standard streams at the end of a command and give its exit code.

    What one stream could not take is said on the other, when it can take it (a result lost on standard output goes
    to standard error; a message lost on standard error goes to standard output unless that carries JSON, ``machine``).
    The exit code stays the command's (what happened to the card), except for a command whose only product is its
    output (``output_only``): when standard output failed, it ends with :attr:`~hostapp_stub.api.ExitCode.NOT_WRITTEN`.
    """
    out, err = sys.stdout, sys.stderr
    for stream in (out, err):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    if not isinstance(out, OutputEdge) or not isinstance(err, OutputEdge):
        return code
    from .messages import text

    for failed, other in ((out, err), (err, out)):
        if failed.error is None or not failed.lost or other.error is not None or other.reader_left:
            continue
        if other is out and machine:
            continue
        lost = "".join(failed.lost)
        reason = failed.error.strerror or str(failed.error)
        other.write(text(f"output.lost_{failed.name}", lang, error=reason) + "\n" + lost.rstrip("\n") + "\n")
        other.flush()
    if output_only and out.error is not None and out.lost:  # ``status --quiet >&-`` lost nothing: its code stands
        from .api import ExitCode

        return int(ExitCode.NOT_WRITTEN)
    return code
