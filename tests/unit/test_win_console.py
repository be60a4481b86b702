"""The Windows console prompt, driven by keys exactly as ``msvcrt.getwch`` delivers them (recorded sequences), and
the other decisions made for Windows and macOS that Linux can check: mintty's pipe names, yes answers, the macOS
language setting's output."""

from __future__ import annotations

import pytest

from hostapp_stub.language import first_apple_language
from hostapp_stub.terminal import is_yes
from hostapp_stub.win_console import KeyEditor, is_msys_pty_name, read_console_line

UP, LEFT, F1, DELETE = "\xe0H", "\xe0K", "\x00;", "\xe0S"


def _run(keys: str, *, echo: bool = False, label: str = "PIN: ") -> tuple[bytearray, str]:
    """Feed ``keys`` one ``getwch()`` call each (a str of UTF-16 code units) through the real reading loop."""
    it = iter(keys)
    shown: list[str] = []
    buf = read_console_line(label, echo=echo, getwch=lambda: next(it), putwch=shown.append)
    assert next(it, None) is None, "keys left after Enter"
    return buf, "".join(shown)


@pytest.mark.parametrize(
    ("keys", "answer"),
    [
        ("1234\r", b"1234"),
        (f"12{UP}{LEFT}34{F1}\r", b"1234"),  # special keys: prefix and scan code both dropped
        (f"{DELETE}ab\r", b"ab"),
        ("12３\b4\r", b"124"),  # Backspace after a full-width character removes all three of its bytes
        ("aé\b\bb\r", b"b"),
        ("a\ud83d\ude00\r", "a😀".encode()),  # a character outside the BMP: a surrogate pair
        ("a\ud83d\ude00\bb\r", b"ab"),  # ... removed whole by one Backspace
        ("\ude00a\r", "\ufffda".encode()),  # a lone low surrogate
        ("\ud83da\r", "\ufffda".encode()),  # a high surrogate without its low half
        ("ab\x1bcd\r", b"cd"),  # Esc empties the answer
        ("a\tb\x01\r", b"ab"),  # other control keys are not part of an answer
        ("\b\bab\n", b"ab"),  # Backspace on nothing does nothing
        ("\r", b""),
    ],
)
def test_keys_as_the_console_delivers_them(keys: str, answer: bytes) -> None:
    buf, shown = _run(keys)
    assert buf == answer
    assert shown == "PIN: \r\n"  # echo off: the label and the line end only


def test_a_prefix_always_takes_its_second_code_without_kbhit() -> None:
    """Issue 27: UCRT's ``_getwch`` returns a special key's second code from its own push-back buffer, which
    ``_kbhit`` does not see. Typed 1, 2, ←, 3, 4: the old reader asked ``kbhit`` (false: the console queue is empty)
    and made the PIN ``12àK34``."""
    buf, _ = _run(f"12{LEFT}34\r")  # exactly as _getwch delivers it: '\xe0' then 'K' on the next call
    assert buf == b"1234"
    buf, _ = _run(f"{UP}{UP}12{DELETE}\x00\x3b34\r")
    assert buf == b"1234"


def test_a_typed_a_grave_is_kept_when_no_special_key_gives_what_follows() -> None:
    """A typed 「à」 is U+00E0 alone; what follows it is then no enhanced key's second code: both are kept (the policy
    names 「à」 as a character it does not accept: nothing reaches the card)."""
    buf, _ = _run("1\xe02\r")
    assert buf == "1à2".encode()
    buf, _ = _run("1\xe0\r")  # à, then Enter
    assert buf == "1à".encode()
    buf, _ = _run("\xe0\xe0H3\r")  # à, then the up arrow
    assert buf == "à3".encode()


def test_weof_ends_the_answer_and_wipes_it() -> None:
    """With no console ``_getwch`` returns WEOF (U+FFFF), again and again: the answer ends, nothing of it is used."""
    calls: list[int] = []

    def getwch() -> str:
        calls.append(1)
        return "\uffff"  # every call, as UCRT answers without a console

    with pytest.raises(EOFError):
        read_console_line("PIN: ", echo=False, getwch=getwch, putwch=lambda ch: None)
    assert len(calls) == 1
    editor = KeyEditor(echo=False)
    editor.feed("1")
    editor.feed("2")
    buf = editor.buf
    with pytest.raises(EOFError):
        editor.feed("\uffff")
    assert buf == b"" and editor.buf is buf


def test_an_answer_longer_than_the_limit_is_refused_and_wiped() -> None:
    from hostapp_stub.terminal import MAX_ANSWER, AnswerTooLongError

    keys = iter("7" * (MAX_ANSWER + 5) + "\r")
    with pytest.raises(AnswerTooLongError):
        read_console_line("PIN: ", echo=False, getwch=lambda: next(keys), putwch=lambda ch: None, limit=MAX_ANSWER)
    assert next(keys) == "7"  # refused as soon as it grew too long, not at Enter
    buf, _ = _run("7" * 16 + "\r")
    assert buf == b"7" * 16


class RecordedKernel32:
    """``GetConsoleMode`` answering as recorded: a console handle gives its mode, ``NUL`` (a character device, for
    which ``isatty`` is true) and a file or pipe fail (``ERROR_INVALID_HANDLE``)."""

    def __init__(self, answers: dict[int, int | None]) -> None:
        self.answers = answers
        self.asked: list[int] = []

    def GetConsoleMode(self, handle: object, mode: object) -> int:
        import ctypes

        value = handle.value if isinstance(handle, ctypes.c_void_p) else None
        assert isinstance(value, int)
        self.asked.append(value)
        answer = self.answers[value]
        if answer is None:
            return 0
        ctypes.cast(mode, ctypes.POINTER(ctypes.c_ulong))[0] = answer
        return 1


def test_nul_is_no_console() -> None:
    from hostapp_stub.win_console import is_console

    kernel32 = RecordedKernel32({0x50: 0x1F7, 0x60: None})  # ENABLE_*_INPUT of a cmd.exe console; NUL
    handles = {0: 0x50, 3: 0x60}
    assert is_console(0, kernel32=kernel32, get_osfhandle=handles.__getitem__) is True
    assert is_console(3, kernel32=kernel32, get_osfhandle=handles.__getitem__) is False
    assert kernel32.asked == [0x50, 0x60]

    def closed(fd: int) -> int:
        raise OSError(9, "Bad file descriptor")

    assert is_console(0, kernel32=kernel32, get_osfhandle=closed) is False


def test_echo_goes_through_putwch_and_erases_whole_columns() -> None:
    buf, shown = _run("a３\b\bb\r", echo=True)
    assert buf == b"b"
    assert shown == "PIN: a３" + "\b\b  \b\b" + "\b \b" + "b\r\n"
    buf, shown = _run(f"x{UP}\ud83d\ude00\r", echo=True)
    assert shown == "PIN: x😀\r\n"


def test_ctrl_c_cancels_and_wipes() -> None:
    editor = KeyEditor(echo=False)
    for key in "k9m2":
        editor.feed(key)
    buf = editor.buf
    with pytest.raises(KeyboardInterrupt):
        editor.feed("\x03")
    assert buf == b"" and editor.buf is buf


def test_ctrl_z_on_an_empty_answer_is_the_end_of_input() -> None:
    shown: list[str] = []
    keys = iter("\x1a")
    with pytest.raises(EOFError):
        read_console_line("PIN: ", echo=False, getwch=lambda: next(keys), putwch=shown.append)
    assert "".join(shown) == "PIN: \r\n"  # the next message starts on a line of its own
    buf, _ = _run("a\x1ab\r")  # not empty: Ctrl-Z is a control key, dropped
    assert buf == b"ab"


def test_the_buffer_is_wiped_when_reading_fails() -> None:
    editors: list[KeyEditor] = []

    class Recording(KeyEditor):
        def __init__(self, *, echo: bool, limit: int = 1024) -> None:
            super().__init__(echo=echo, limit=limit)
            editors.append(self)

    import hostapp_stub.win_console as wc

    keys = iter("k9m2")

    def getwch() -> str:
        try:
            return next(keys)
        except StopIteration:
            raise OSError("the console went away") from None

    original = wc.KeyEditor
    wc.KeyEditor = Recording  # type: ignore[misc]  # only to keep a reference to the buffer, the code is the same
    try:
        with pytest.raises(OSError):
            read_console_line("PIN: ", echo=False, getwch=getwch, putwch=lambda ch: None)
    finally:
        wc.KeyEditor = original  # type: ignore[misc]
    assert editors[0].buf == b""


@pytest.mark.parametrize(
    ("name", "mintty"),
    [
        ("\\msys-1888ae32e00d56aa-pty0-from-master", True),  # Git for Windows' mintty
        ("\\msys-1888ae32e00d56aa-pty3-to-master", True),
        ("\\cygwin-e022582115c10879-pty1-from-master", True),  # Cygwin's mintty
        ("\\Device\\NamedPipe\\msys-dd50a72ab4668b33-pty0-from-master", True),
        ("\\msys-1888ae32e00d56aa-13044-pipe-0x1", False),  # an MSYS pipe that is no terminal: `echo x | ...`
        ("\\Winsock2\\CatalogChangeListener-2f8-0", False),
        ("", False),
    ],
)
def test_mintty_pipes_are_recognised_by_name(name: str, mintty: bool) -> None:
    assert is_msys_pty_name(name) is mintty


@pytest.mark.parametrize(
    ("answer", "yes"),
    [
        ("y", True),
        ("Y", True),
        ("yes", True),
        ("YES", True),
        (" y ", True),
        ("はい", True),
        ("ｙ", True),  # full-width, as a Japanese input method types it
        ("Ｙ", True),
        ("ｙｅｓ", True),
        ("n", False),
        ("", False),
        ("いいえ", False),
        ("yy", False),
        ("ye", False),
    ],
)
def test_yes(answer: str, yes: bool) -> None:
    assert is_yes(answer.encode()) is yes


@pytest.mark.parametrize(
    ("output", "lang"),
    [
        ('(\n    "ja-JP",\n    "en-JP"\n)\n', "ja"),  # `defaults read -g AppleLanguages` on a Japanese Mac
        ('(\n    "en-US",\n    "ja-JP"\n)\n', "en"),
        ("(\n    ja,\n    en\n)\n", "ja"),  # older systems print bare words
        ('(\n    "zh-Hans-CN"\n)\n', "en"),
        ("()\n", None),
        ("", None),
        ("The domain/default pair of (kCFPreferencesAnyApplication, AppleLanguages) does not exist\n", None),
    ],
)
def test_macos_language_setting(output: str, lang: str | None) -> None:
    assert first_apple_language(output) == lang
