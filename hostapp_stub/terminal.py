"""The terminal UI: masked prompts that read secrets into bytearrays, never into ``str``.

On a terminal, echo is turned off (unless asked to show input, like the FAQ's 「入力内容を表示する」) and the bytes
are read one at a time from the file descriptor, so no Python-level buffer keeps a copy. When standard input is not
a terminal, answers are read one per line, in the order they are asked.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from typing import Any, TextIO

__all__ = ["TerminalUI"]


def _read_line_fd(fd: int) -> bytearray:
    """One line from ``fd`` into a bytearray, without the line end. :raises EOFError: nothing before EOF."""
    buf = bytearray()
    got_any = False
    while True:
        b = os.read(fd, 1)  # one byte at a time: nothing beyond this line is consumed, nothing is copied
        if not b:
            if not got_any:
                raise EOFError
            break
        got_any = True
        if b == b"\n":
            break
        buf += b
    if buf.endswith(b"\r"):
        del buf[-1]
    return buf


if sys.platform != "win32":

    def _read_secret_posix_tty(fd: int, echo: bool) -> bytearray:
        import termios

        old = termios.tcgetattr(fd)
        new = termios.tcgetattr(fd)
        if not echo:
            new[3] &= ~termios.ECHO
            new[3] |= termios.ECHONL
        try:
            termios.tcsetattr(fd, termios.TCSAFLUSH, new)
            return _read_line_fd(fd)
        finally:
            termios.tcsetattr(fd, termios.TCSAFLUSH, old)


else:

    def _read_secret_windows_console(echo: bool, out: TextIO) -> bytearray:
        import msvcrt

        buf = bytearray()
        while True:
            ch = msvcrt.getwch()
            if ch in ("\r", "\n"):
                out.write("\n")
                return buf
            if ch == "\x03":
                raise KeyboardInterrupt
            if ch == "\x1a" and not buf:
                raise EOFError
            if ch == "\b":
                if buf:
                    del buf[-1]
                    if echo:
                        out.write("\b \b")
                continue
            buf += ch.encode("utf-8")
            if echo:
                out.write(ch)
            out.flush()


class TerminalUI:
    """The host's :class:`~hostapp_stub.api.HostUI` for a terminal or a script."""

    def __init__(self, lang: str, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> None:
        self.lang = lang
        self.out = stdout or sys.stdout
        self.err = stderr or sys.stderr
        self._fd = 0

    @property
    def interactive(self) -> bool:
        try:
            return os.isatty(self._fd)
        except OSError:
            return False

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def notice(self, text: str) -> None:
        print(text, file=self.err, flush=True)

    def emit_json(self, data: Mapping[str, Any]) -> None:
        print(json.dumps(data, ensure_ascii=False, indent=2), file=self.out, flush=True)

    def ask_secret(self, label: str, *, echo: bool = False) -> bytearray:
        if not self.interactive:
            return _read_line_fd(self._fd)
        self.err.write(label + ": ")
        self.err.flush()
        if sys.platform == "win32":
            return _read_secret_windows_console(echo, self.err)
        else:
            return _read_secret_posix_tty(self._fd, echo)

    def confirm(self, question: str) -> bool:
        if not self.interactive:
            return False
        self.err.write(question + " [y/N]: ")
        self.err.flush()
        try:
            answer = _read_line_fd(self._fd)
        except EOFError:
            return False
        return answer.strip().lower() in (b"y", b"yes", "はい".encode())
