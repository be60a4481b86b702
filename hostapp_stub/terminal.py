"""The terminal UI: masked prompts that read secrets into bytearrays, never into ``str``.

On a terminal, echo is turned off (unless asked to show input, like the FAQ's 「入力内容を表示する」) and the bytes
are read one at a time from the file descriptor, so no Python-level buffer keeps a copy. When standard input is not
a terminal, answers are read one per line, in the order they are asked; a line is at most :data:`MAX_ANSWER`
bytes (``< /dev/zero`` ends at once, in bounded memory).

On a POSIX terminal the prompt survives job control and is cleaned up on signals: Ctrl-Z gives the shell its
terminal back as it was, ``fg`` turns echo off again and asks again; SIGTERM and SIGHUP restore the terminal mode
and end the command with nothing sent. On Windows the console's keys go through :mod:`hostapp_stub.win_console`;
in Git Bash (mintty: a pipe, not a console) echo is turned off with the terminal's own ``stty``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from .messages import text

__all__ = [
    "MAX_ANSWER",
    "AnswerTooLongError",
    "PromptSignalled",
    "TerminalUI",
    "catch_ctrl_c",
    "end_cancelled",
    "in_utf8",
    "is_yes",
]

#: the longest answer line read, in bytes (a PIN has at most 16 characters)
MAX_ANSWER = 1024


class AnswerTooLongError(EOFError):
    """An answer line longer than :data:`MAX_ANSWER` bytes: not used (what was read is wiped). ``reported``: the
    prompt has said so by the time a caller sees it (:meth:`TerminalUI.ask_secret`)."""

    reported = True


class PromptSignalled(BaseException):
    """SIGTERM or SIGHUP arrived at a prompt: the terminal was restored; the command ends with nothing sent.

    Not a ``KeyboardInterrupt``: a plugin that turns Ctrl-C into its own "cancelled" does not catch it, and the
    host ends the process by the same signal (:func:`end_cancelled`).
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _wipe(buf: bytearray) -> None:
    for i in range(len(buf)):
        buf[i] = 0
    del buf[:]


def _read_line_into(fd: int, buf: bytearray) -> bool:
    """Read one line from ``fd`` into ``buf`` (without the line end). Returns True when it ended by end of input.

    :raises EOFError: end of input before anything (a closed or unreadable descriptor counts as one).
    :raises AnswerTooLongError: more than :data:`MAX_ANSWER` bytes without a line end (``buf`` is wiped).
    """
    got_any = False
    while True:
        try:
            b = os.read(fd, 1)  # one byte at a time: nothing beyond this line is consumed, nothing is copied
        except OSError as e:
            if e.errno not in (errno.EBADF, errno.EIO, errno.EINVAL, errno.EISDIR):
                raise
            b = b""  # closed, hung up, a folder: no answer
        if not b:
            if not got_any:
                raise EOFError
            eof = True
            break
        got_any = True
        if b == b"\n":
            eof = False
            break
        if len(buf) >= MAX_ANSWER:
            _wipe(buf)
            raise AnswerTooLongError
        buf += b
    if buf.endswith(b"\r"):
        buf[-1] = 0
        del buf[-1]
    return eof


def _read_line_fd(fd: int) -> bytearray:
    """One line from ``fd`` into a new bytearray (see :func:`_read_line_into`)."""
    buf = bytearray()
    try:
        _read_line_into(fd, buf)
    except BaseException:
        _wipe(buf)
        raise
    return buf


if sys.platform != "win32":

    class _TtyPrompt:
        """One answer asked on a POSIX terminal, with echo off unless ``echo``, safe against job control and signals."""

        def __init__(self, fd: int, label: str, *, echo: bool, out: TextIO, first: bool = True) -> None:
            import termios

            self.first = first
            self.fd = fd
            self.label = label
            self.out = out
            self.buf = bytearray()
            self.old = termios.tcgetattr(fd)
            self.quiet = termios.tcgetattr(fd)
            if not echo:
                self.quiet[3] &= ~termios.ECHO
                self.quiet[3] |= termios.ECHONL

        def _set(self, attrs: list[Any], *, flush: bool = False) -> None:
            """Set the mode; ``flush`` also drops what was typed before (typed ahead of the first question, or before
            Ctrl-Z): lines pasted at a prompt are kept for the next ones."""
            import termios

            # the terminal is gone (SIGHUP): nothing left to restore
            with contextlib.suppress(termios.error, OSError):
                termios.tcsetattr(self.fd, termios.TCSAFLUSH if flush else termios.TCSANOW, attrs)

        def _show(self) -> None:
            try:
                self.out.write(self.label + ": ")
                self.out.flush()
            except OSError:
                pass

        def _on_stop(self, signum: int, frame: object) -> None:
            import signal

            self._set(self.old)  # the shell gets its terminal back as it gave it
            signal.signal(signal.SIGTSTP, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTSTP)  # stops here; ``fg`` continues below (and SIGCONT runs _on_cont)
            signal.signal(signal.SIGTSTP, self._on_stop)

        def _on_cont(self, signum: int, frame: object) -> None:
            _wipe(self.buf)  # what was typed before the stop is dropped: the question is asked again
            self._set(self.quiet, flush=True)
            with contextlib.suppress(OSError):
                self.out.write("\n")
            self._show()

        def _on_term(self, signum: int, frame: object) -> None:
            raise PromptSignalled(signum)

        def read(self) -> bytearray:
            import signal

            handlers = (
                (signal.SIGTSTP, self._on_stop),
                (signal.SIGCONT, self._on_cont),
                (signal.SIGTERM, self._on_term),
                (signal.SIGHUP, self._on_term),
            )
            saved = []
            try:
                for signum, handler in handlers:
                    try:
                        saved.append((signum, signal.signal(signum, handler)))
                    except ValueError:  # not the main thread: no handlers, the prompt still works
                        break
                # echo off before the prompt shows: nothing typed after it is echoed; what was typed before the first
                # question (echoed or not, meant for no question) is dropped
                self._set(self.quiet, flush=self.first)
                self._show()
                eof = False
                try:
                    eof = _read_line_into(self.fd, self.buf)
                except EOFError:
                    eof = True
                    raise
                finally:
                    self._set(self.old)
                    if eof:  # Ctrl-D echoes nothing: the next message starts on a line of its own
                        try:
                            self.out.write("\n")
                            self.out.flush()
                        except OSError:
                            pass
            except BaseException:
                _wipe(self.buf)
                raise
            finally:
                for signum, previous in saved:
                    signal.signal(signum, previous)
            return self.buf


def _read_with_stty(fd: int, label: str, *, echo: bool, out: TextIO) -> bytearray | None:
    """A terminal Python cannot drive itself (Git Bash's mintty on Windows): echo off with its own ``stty``.

    :returns: the answer, or None when ``stty`` could not turn echo off (then nothing was read).
    """
    import subprocess

    def stty(arg: str) -> bool:
        try:
            return subprocess.run(["stty", arg], stdin=fd, capture_output=True, check=False).returncode == 0
        except OSError:
            return False

    if not echo and not stty("-echo"):
        return None
    try:
        out.write(label + ": ")
        out.flush()
        return _read_line_fd(fd)
    finally:
        if not echo:
            stty("echo")
            out.write("\n")  # echo was off: the line end was not shown
            out.flush()


#: what Notepad and other Windows editors put first in a UTF-8 file
_BOM = b"\xef\xbb\xbf"


def _locale_encoding() -> str:
    """The encoding the terminal (or, for piped answers, the user's locale) sends: EUC-JP, Shift_JIS, UTF-8..."""
    import locale

    if sys.platform == "win32":
        return locale.getpreferredencoding(False)
    try:
        codeset = locale.nl_langinfo(locale.CODESET)
    except (AttributeError, ValueError):
        codeset = ""
    import codecs

    try:
        return codecs.lookup(codeset).name if codeset else "utf-8"
    except LookupError:
        return "utf-8"


def in_utf8(answer: bytearray, encodings: tuple[str, ...]) -> bytearray:
    """``answer`` as UTF-8 (what the plugins read), decoded with the first of ``encodings`` it is valid in.

    ASCII (every answer that can be a PIN) is returned as it is, never copied; any other answer (full-width digits,
    「はい」 in EUC-JP) is re-encoded and the original is wiped.
    """
    if answer.isascii():
        return answer
    for encoding in encodings:
        try:
            decoded = answer.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        break
    else:
        decoded = answer.decode("utf-8", "replace")
    out = bytearray(decoded, "utf-8")
    _wipe(answer)
    return out


def catch_ctrl_c() -> None:
    """Ctrl-C cancels at a prompt or a wait even when SIGINT was inherited as ignored (``cmd &`` from a script,
    some launchers): on a terminal, Python's own handler is put back."""
    try:
        if not os.isatty(0):
            return
    except OSError:
        return
    import signal

    with contextlib.suppress(ValueError, OSError):  # not the main thread: leave it
        if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
            signal.signal(signal.SIGINT, signal.default_int_handler)


def is_yes(answer: bytes | bytearray) -> bool:
    """A yes: ``y``, ``yes``, 「はい」, full-width 「ｙ」「Ｙ」「ｙｅｓ」, in any case, spaces around ignored."""
    import unicodedata

    word = unicodedata.normalize("NFKC", bytes(answer).decode("utf-8", "replace")).strip().casefold()
    return word in ("y", "yes", "はい")


def end_cancelled(error: KeyboardInterrupt | PromptSignalled, message: str) -> int:
    """End a command cancelled at a prompt: say so (if the terminal is still there) and return the exit code.

    For SIGTERM or SIGHUP (:class:`PromptSignalled`) the process then ends by that same signal, as the shell
    expects of a program it signalled.
    """
    with contextlib.suppress(OSError, ValueError):
        print("\n" + message, file=sys.stderr, flush=True)
    if isinstance(error, PromptSignalled):
        import signal

        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
        signal.signal(error.signum, signal.SIG_DFL)
        os.kill(os.getpid(), error.signum)
        return 128 + error.signum
    return 130


class TerminalUI:
    """The host's :class:`~hostapp_stub.api.HostUI` for a terminal or a script."""

    def __init__(self, lang: str, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> None:
        self.lang = lang
        self.out = stdout or sys.stdout
        self.err = stderr or sys.stderr
        self._fd = 0
        self._mintty: bool | None = None
        self._asked = 0  # answers read so far: typed-ahead input is dropped before the first one only

    def _is_tty(self) -> bool:
        if sys.platform == "win32":  # isatty is true for NUL too: only a console answers GetConsoleMode
            from .win_console import is_console

            return is_console(self._fd)
        try:
            return os.isatty(self._fd)
        except OSError:
            return False

    def _is_mintty(self) -> bool:
        if self._mintty is None:
            from .win_console import stdin_is_msys_pty

            self._mintty = stdin_is_msys_pty(self._fd)
        return self._mintty

    @property
    def interactive(self) -> bool:
        return self._is_tty() or (sys.platform == "win32" and self._is_mintty())

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def notice(self, text: str) -> None:
        print(text, file=self.err, flush=True)

    def emit_json(self, data: Mapping[str, Any]) -> None:
        from .untrusted import json_text

        print(json_text(data), file=self.out, flush=True)

    def _ask(self, label: str, *, echo: bool) -> bytearray:
        """One answer, in UTF-8 whatever the terminal's encoding (a leading BOM of piped answers dropped)."""
        from .platforms import no_core_dumps

        no_core_dumps()  # before the first secret is read: a crash from now on dumps no core holding it
        tty = self._is_tty()
        first, self._asked = self._asked == 0, self._asked + 1
        answer = self._read(label, echo=echo, first=first)
        if not tty and first and answer.startswith(_BOM):
            del answer[:3]
        if sys.platform == "win32" and tty:
            return answer  # the console's keys are read as characters, already UTF-8 (hostapp_stub.win_console)
        # a terminal sends its locale's encoding; piped answers are UTF-8 when they are valid UTF-8 (a file saved
        # by an editor today), else the locale's (a legacy file)
        encoding = _locale_encoding()
        return in_utf8(answer, (encoding,) if tty else ("utf-8", encoding))

    def _read(self, label: str, *, echo: bool, first: bool) -> bytearray:
        if sys.platform == "win32":
            if self._is_tty():
                import msvcrt

                from .win_console import read_console_line

                return read_console_line(
                    label + ": ", echo=echo, getwch=msvcrt.getwch, putwch=msvcrt.putwch, limit=MAX_ANSWER
                )
            if self._is_mintty():
                answer = _read_with_stty(self._fd, label, echo=echo, out=self.err)
                if answer is None:
                    self.notice(text("terminal.cannot_hide", self.lang))
                    raise EOFError
                return answer
        elif self._is_tty():
            return _TtyPrompt(self._fd, label, echo=echo, out=self.err, first=first).read()
        return _read_line_fd(self._fd)

    def ask_secret(self, label: str, *, echo: bool = False) -> bytearray:
        try:
            return self._ask(label, echo=echo)
        except AnswerTooLongError:
            self.notice(text("answer.too_long", self.lang, limit=MAX_ANSWER))
            raise

    def confirm(self, question: str) -> bool:
        if not self.interactive:
            return False
        try:
            answer = self._ask(question + " [y/N]", echo=True)
        except EOFError:
            return False
        try:
            return is_yes(answer)
        finally:
            _wipe(answer)
