"""The Windows console prompt: keys exactly as ``msvcrt.getwch`` delivers them, edited into a UTF-8 bytearray.

A Windows console hands over one UTF-16 code unit per call:

- arrow, function and editing keys arrive as a prefix (``'\\x00'`` or ``'\\xe0'``) followed by a second code (such
  as ``'H'`` for the up arrow), which UCRT's ``_getwch`` hands over from its own push-back buffer on the next call:
  the prefix always takes the next code with it (``_kbhit`` cannot see that buffer, so it is never asked), and both
  are dropped. A typed 「à」 is U+00E0 too: when the code after ``'\\xe0'`` is none that an enhanced key gives
  (UCRT's ``_getextendedkeycode`` table), it was a typed 「à」 followed by that key, and both are kept (the policy
  then names 「à」 as a character it does not accept); 「à」 followed by a letter that an arrow key also gives
  (``H``, ``K``, ...) cannot be told apart from that arrow key;
- ``WEOF`` (U+FFFF: no console, or reading it failed) ends the input: the answer is wiped, nothing is used;
- an answer longer than ``limit`` bytes is refused (wiped) as soon as it is;
- a character outside the BMP arrives as two calls, a high and then a low surrogate: they are joined into one
  character; a lone surrogate becomes U+FFFD (so the policy names it as a character it does not accept);
- Backspace removes the last whole character (all of its UTF-8 bytes), and its echo erases one or two columns;
- Enter ends the answer, Ctrl-C cancels, Ctrl-Z on an empty answer is the end of input, Esc empties the answer.

:class:`KeyEditor` is the pure state machine (no console needed: the tests drive it with recorded keystrokes);
:func:`read_console_line` runs it over ``getwch`` and echoes with ``putwch``, so what is shown goes to the console
even when standard error is redirected. The bytes are never held in a ``str``; the buffer is wiped on every path.

Git Bash (mintty) gives a native program no console but a pipe that its own terminal emulation echoes:
:func:`is_msys_pty_name` recognises such a pipe by its name.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["KeyEditor", "is_console", "is_msys_pty_name", "read_console_line", "stdin_is_msys_pty"]

_ENTER = ("\r", "\n")
_BACKSPACE = ("\b", "\x7f")
_CTRL_C = "\x03"
_CTRL_Z = "\x1a"
_ESC = "\x1b"
#: what ``_getwch`` returns when there is no console or reading it fails
_WEOF = "\uffff"
#: the second codes ``_getwch`` gives after ``'\xe0'`` (UCRT's enhanced-key table: Home, Up, PgUp, Left, Right,
#: End, Down, PgDn, Insert, Delete, plain and with Shift or Ctrl; F11 and F12 with their modifiers)
_ENHANCED_SECOND = frozenset(
    "GHIKMOPQRS"  # plain and Shift
    "\x73\x74\x75\x76\x77\x84\x8d\x91\x92\x93"  # Ctrl
    "\x85\x86\x87\x88\x89\x8a\x8b\x8c"  # F11, F12 (plain, Shift, Ctrl, Alt)
)


def _append_utf8(buf: bytearray, cp: int) -> None:
    """Append code point ``cp`` as UTF-8, byte by byte (no ``str``/``bytes`` copy of it is made)."""
    if cp < 0x80:
        buf.append(cp)
    elif cp < 0x800:
        buf.append(0xC0 | cp >> 6)
        buf.append(0x80 | cp & 0x3F)
    elif cp < 0x10000:
        buf.append(0xE0 | cp >> 12)
        buf.append(0x80 | cp >> 6 & 0x3F)
        buf.append(0x80 | cp & 0x3F)
    else:
        buf.append(0xF0 | cp >> 18)
        buf.append(0x80 | cp >> 12 & 0x3F)
        buf.append(0x80 | cp >> 6 & 0x3F)
        buf.append(0x80 | cp & 0x3F)


def _wipe(buf: bytearray) -> None:
    for i in range(len(buf)):
        buf[i] = 0
    del buf[:]


class KeyEditor:
    """One answer being typed on a Windows console.

    :param echo: show what is typed (``--show-input``); otherwise nothing is echoed but the final line end.
    """

    def __init__(self, *, echo: bool, limit: int = 1024) -> None:
        self.echo = echo
        self.limit = limit
        self.buf = bytearray()
        self.done = False
        self._prefix: str | None = None
        self._high: int | None = None

    def feed(self, key: str) -> str:
        """Take one key as ``getwch`` returned it; return what to echo.

        :raises KeyboardInterrupt: Ctrl-C (the buffer is wiped).
        :raises EOFError: Ctrl-Z on an empty answer, or ``WEOF`` (the buffer is wiped).
        :raises AnswerTooLongError: the answer grew beyond ``limit`` bytes (the buffer is wiped).
        """
        if key == _WEOF:  # no console (or it failed): never an answer, whatever was typed before
            self.wipe()
            raise EOFError
        prefix, self._prefix = self._prefix, None
        if prefix is not None:
            if prefix == "\x00" or key in _ENHANCED_SECOND:  # the second half of a special key: dropped with it
                return ""
            shown = self._add(0xE0)  # a typed 「à」, then this key as itself
            return shown + self.feed(key)
        if key in ("\x00", "\xe0"):
            self._prefix = key
            return ""
        cp = ord(key)
        if 0xDC00 <= cp <= 0xDFFF:  # a low surrogate: joins a pending high one, else it stands alone
            high, self._high = self._high, None
            if high is None:
                return self._add(0xFFFD)
            return self._add(0x10000 + ((high - 0xD800) << 10) + (cp - 0xDC00))
        shown = ""
        if self._high is not None:  # a high surrogate not followed by a low one
            self._high = None
            shown = self._add(0xFFFD)
        if 0xD800 <= cp <= 0xDBFF:
            self._high = cp
            return shown
        if key in _ENTER:
            self.done = True
            return shown + "\r\n"
        if key == _CTRL_C:
            self.wipe()
            raise KeyboardInterrupt
        if key == _CTRL_Z and not self.buf:
            raise EOFError
        if key in _BACKSPACE:
            return shown + self._backspace()
        if key == _ESC:
            erase = ""
            while self.buf:
                erase += self._backspace()
            return shown + erase
        if cp < 0x20:  # other control keys (Tab, Ctrl-letters) are not part of an answer
            return shown
        return shown + self._add(cp)

    def _add(self, cp: int) -> str:
        _append_utf8(self.buf, cp)
        if len(self.buf) > self.limit:
            from .terminal import AnswerTooLongError

            self.wipe()
            raise AnswerTooLongError
        return chr(cp) if self.echo else ""

    def _backspace(self) -> str:
        if not self.buf:
            return ""
        end = len(self.buf)
        start = end - 1
        while start > 0 and self.buf[start] & 0xC0 == 0x80:  # continuation bytes: back to the lead byte
            start -= 1
        width = 1
        if self.echo:
            import unicodedata

            ch = self.buf[start:end].decode("utf-8", "replace")  # shown anyway: the user asked to see the input
            width = 2 if unicodedata.east_asian_width(ch[:1]) in ("W", "F") else 1
        for i in range(start, end):
            self.buf[i] = 0
        del self.buf[start:]
        return "\b" * width + " " * width + "\b" * width if self.echo else ""

    def wipe(self) -> None:
        _wipe(self.buf)
        self._high = None
        self._prefix = None


def read_console_line(
    label: str,
    *,
    echo: bool,
    getwch: Callable[[], str],
    putwch: Callable[[str], None],
    limit: int = 1024,
) -> bytearray:
    """Ask ``label`` on the console and read one answer; the caller owns (and wipes) the result.

    :param getwch: ``msvcrt.getwch`` (a test passes recorded keys through the same path).
    :param putwch: ``msvcrt.putwch``: the prompt and the echo go to the console, never to a redirected stream.
    :param limit: the longest answer, in UTF-8 bytes.
    :raises KeyboardInterrupt: Ctrl-C. :raises EOFError: Ctrl-Z on an empty answer, or ``WEOF``.
    :raises AnswerTooLongError: more than ``limit`` bytes.
    """
    for ch in label:
        putwch(ch)
    editor = KeyEditor(echo=echo, limit=limit)
    try:
        while not editor.done:
            for ch in editor.feed(getwch()):
                putwch(ch)
    except EOFError:
        editor.wipe()
        for ch in "\r\n":  # Ctrl-Z echoes nothing: the next message starts on its own line
            putwch(ch)
        raise
    except BaseException:
        editor.wipe()
        raise
    return editor.buf


def is_console(fd: int = 0, *, kernel32: Any = None, get_osfhandle: Callable[[int], int] | None = None) -> bool:
    """True when ``fd`` is a console (Windows). ``isatty`` is not enough there: it is true for every character
    device, ``NUL`` included (``aosign-host status < NUL`` would wait for a card); only a console handle answers
    ``GetConsoleMode``.

    :param kernel32: ``ctypes.WinDLL("kernel32")`` (a test passes recorded answers); :param get_osfhandle:
        ``msvcrt.get_osfhandle``.
    """
    import ctypes

    if get_osfhandle is None:
        if sys.platform != "win32":
            return False
        import msvcrt

        get_osfhandle = msvcrt.get_osfhandle
    try:
        handle = get_osfhandle(fd)
    except OSError:  # not open
        return False
    if kernel32 is None:
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]
    mode = ctypes.c_ulong(0)
    return bool(kernel32.GetConsoleMode(ctypes.c_void_p(handle), ctypes.byref(mode)))


#: the pipe names of Cygwin/MSYS2 pseudo-terminals (mintty, Git Bash): ``\\msys-1888ae32e00d56aa-pty0-from-master``
_MSYS_PTY = re.compile(r"\\(?:cygwin|msys)-[0-9a-f]+-pty\d+-(?:from|to)-master", re.IGNORECASE)


def is_msys_pty_name(name: str) -> bool:
    """True when a pipe's name (``GetFileInformationByHandleEx(FileNameInfo)``) is a Cygwin/MSYS2 terminal's."""
    return _MSYS_PTY.search(name) is not None


def stdin_is_msys_pty(fd: int = 0) -> bool:
    """True when ``fd`` is the pipe of a Cygwin/MSYS2 terminal (Git Bash's mintty), not a console; False elsewhere."""
    if sys.platform != "win32":
        return False
    import ctypes
    import msvcrt

    try:
        handle = msvcrt.get_osfhandle(fd)
    except OSError:
        return False
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    if kernel32.GetFileType(ctypes.c_void_p(handle)) != 3:  # FILE_TYPE_PIPE
        return False
    size = 4 + 2 * 1024
    info = ctypes.create_string_buffer(size)
    if not kernel32.GetFileInformationByHandleEx(ctypes.c_void_p(handle), 2, info, size):  # FileNameInfo
        return False
    length = int.from_bytes(info.raw[:4], "little")
    return is_msys_pty_name(info.raw[4 : 4 + length].decode("utf-16-le", "replace"))
