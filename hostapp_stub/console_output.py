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
  reported as changed by the code), never with a ``BrokenPipeError`` traceback.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys

__all__ = ["ReaderMayLeave", "setup_streams"]


def _reopen_closed_std_fds() -> None:
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:  # closed: hold its number with the null device
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if sys.stdout is None:
        sys.stdout = open(1, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115


class ReaderMayLeave:
    """A text stream whose reader may stop reading (a closed pipe): from then on its output goes to the null
    device instead of raising ``BrokenPipeError`` (every other attribute is the stream's own)."""

    def __init__(self, stream: io.TextIOWrapper) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._reader_left()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._reader_left()

    def _reader_left(self) -> None:
        # the descriptor now writes to the null device: the text still buffered, and the interpreter's last flush
        # at exit, go nowhere without failing
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, self._stream.fileno())
        finally:
            os.close(null)
        with contextlib.suppress(BrokenPipeError):
            self._stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _is_terminal(stream: io.TextIOWrapper) -> bool:
    try:
        return stream.isatty()
    except (OSError, ValueError):
        return False


def setup_streams() -> None:
    """Make ``sys.stdout`` and ``sys.stderr`` safe to print anything to (see the module's text)."""
    _reopen_closed_std_fds()
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper):  # a test's capture, or already replaced: leave it
            continue
        if _is_terminal(stream):
            stream.reconfigure(errors="replace")
        else:
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    if isinstance(sys.stdout, io.TextIOWrapper) and not _is_terminal(sys.stdout):
        sys.stdout = ReaderMayLeave(sys.stdout)
    if isinstance(sys.stderr, io.TextIOWrapper) and not _is_terminal(sys.stderr):
        sys.stderr = ReaderMayLeave(sys.stderr)
