"""The host on a real terminal: a pseudo-terminal with an interactive bash on it, typed at as a user types.

Job control (Ctrl-Z, ``fg``), SIGTERM and SIGHUP at a prompt, Ctrl-D at an empty prompt; the terminal's mode is
read from the terminal itself (``stty -a`` run by the shell, and ``tcgetattr`` on the pty). Then the inputs that
used to end in a traceback: a closed standard input, an endless one, language settings, encodings.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from aosign_plugin.catalogs import text
from hostapp_stub.messages import text as host_text
from tests.support.cards import BIN, SHEET_PIN, Card, make_card

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a POSIX terminal")

NEW_PIN = "Hk47vQ2w"


@pytest.fixture
def sim(tmp_path: Path) -> Card:
    return make_card(tmp_path, "sim")


class Terminal:
    """An interactive bash on a pty of its own (its controlling terminal, job control on)."""

    def __init__(self, env: dict[str, str]) -> None:
        import fcntl
        import termios

        self.master, self.slave = os.openpty()
        env = {**env, "PS1": "$ ", "TERM": "dumb", "PATH": f"{BIN}:/usr/bin:/bin"}
        pid = os.fork()
        if pid == 0:
            try:
                os.setsid()
                fcntl.ioctl(self.slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(self.slave, fd)
                os.execve("/bin/bash", ["bash", "--norc", "--noprofile", "-i"], env)
            finally:
                os._exit(127)
        self.pid = pid
        self.out = bytearray()
        self.expect("$ ")

    def send(self, data: str) -> None:
        os.write(self.master, data.encode())

    def read(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                self.out += os.read(self.master, 4096)

    def expect(self, data: str, count: int = 1, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while self.out.decode(errors="replace").count(data) < count:
            if time.monotonic() > end:
                raise AssertionError(f"{data!r} x{count} not seen in: {self.out.decode(errors='replace')}")
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                self.out += os.read(self.master, 4096)

    @property
    def screen(self) -> str:
        return self.out.decode(errors="replace")

    def echo(self) -> bool:
        """Whether the terminal echoes right now (as the program in the foreground set it)."""
        import termios

        return bool(termios.tcgetattr(self.slave)[3] & termios.ECHO)

    def stty_echo(self) -> bool:
        """Whether the shell's ``stty -a`` says echo is on (run at the shell's prompt)."""
        mark = f"mark{time.monotonic_ns()}"
        self.send(f"stty -a; echo {mark}\n")
        self.expect(f"{mark}\r\n")
        settings = self.screen.rsplit("stty -a", 1)[1]
        flags = re.findall(r"(?<![\w-])(-?echo)(?![\w])", settings)
        assert flags, settings
        return flags[0] == "echo"

    def child(self) -> int:
        """The pid of the shell's foreground command."""
        for _ in range(100):
            children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
            if children:
                return int(children[0])
            time.sleep(0.05)
        raise AssertionError("no command running")

    def close(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def terminal(sim: Card) -> Iterator[Terminal]:
    t = Terminal(sim.env("ja"))
    try:
        yield t
    finally:
        t.close()


PROMPT = text("prompt.current_pin", "ja")


def test_ctrl_z_then_fg_turns_echo_off_again_and_asks_again(terminal: Terminal, sim: Card) -> None:
    terminal.send("aosign-host change-pin\n")
    terminal.expect(PROMPT)
    assert not terminal.echo()
    terminal.send("27")  # typed, then the user stops the job
    terminal.send("\x1a")
    terminal.expect("Stopped")
    terminal.expect("$ ", count=2)
    assert terminal.stty_echo()  # the shell got its terminal back as it gave it
    terminal.send("fg\n")
    terminal.expect(PROMPT, count=2)  # asked again
    assert not terminal.echo()
    after_fg = len(terminal.out)
    terminal.send(SHEET_PIN + "\n")
    terminal.expect(text("prompt.new_pin", "ja"))
    terminal.send(NEW_PIN + "\n")
    terminal.expect(text("prompt.confirm", "ja"))
    terminal.send(NEW_PIN + "\n")
    terminal.expect("$ ", count=4)
    terminal.send("echo rc=$?\n")
    terminal.expect("rc=", count=2)
    shown = terminal.out[after_fg:].decode(errors="replace")
    assert "rc=0" in shown, terminal.screen  # "27" typed before the stop was dropped
    assert SHEET_PIN not in shown and NEW_PIN not in shown, shown  # nothing typed after fg was shown
    assert sim.counters() == (10, 10)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_at_a_prompt_restore_the_terminal(
    terminal: Terminal, sim: Card, signum: signal.Signals
) -> None:
    terminal.send("aosign-host change-pin; echo rc=$?\n")
    terminal.expect(PROMPT)
    terminal.send("2718")
    time.sleep(0.2)
    assert not terminal.echo()
    os.kill(terminal.child(), signum)
    terminal.expect(f"rc={128 + signum}")  # ended by the signal, as the shell expects
    terminal.expect("$ ", count=2)
    assert "Traceback" not in terminal.screen
    assert host_text("cancelled", "ja") in terminal.screen
    assert terminal.stty_echo()
    assert sim.counters() == (10, 10) and sim.try_commands() == []


def test_ctrl_d_at_an_empty_prompt_ends_the_line(terminal: Terminal) -> None:
    terminal.send("aosign-host change-pin --lang en; echo rc=$?\n")
    terminal.expect("Current PIN: ")
    terminal.send("\x04")
    terminal.expect("rc=2")
    assert "Current PIN: \r\nNo answer was given." in terminal.screen
    assert terminal.stty_echo()


def test_a_terminal_that_cannot_show_japanese_gets_what_it_can_show(terminal: Terminal) -> None:
    terminal.send("PYTHONIOENCODING=ascii aosign-host status; echo rc=$?\n")
    terminal.expect("rc=")
    terminal.expect("$ ", count=2)
    assert "rc=0" in terminal.screen and "Traceback" not in terminal.screen
    assert "10 / 10" in terminal.screen and "?" in terminal.screen


def _host(
    card: Card, *args: str, env: dict[str, str] | None = None, **kw: object
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(BIN / "aosign-host"), *args], env=env or card.env("ja"), capture_output=True, timeout=30, check=False, **kw
    )


def test_closed_stdin_is_no_answer(sim: Card) -> None:
    run = subprocess.run(
        ["/bin/sh", "-c", f"exec {BIN}/aosign-host change-pin <&-"],
        env=sim.env("ja"),
        capture_output=True,
        timeout=30,
        check=False,
    )
    err = run.stderr.decode()
    assert run.returncode == 2, err
    assert text("no_answer", "ja") in err and "Traceback" not in err
    assert sim.counters() == (10, 10) and sim.try_commands() == []


def test_a_reader_that_leaves_is_no_error(sim: Card) -> None:
    """``aosign-host ... | head -1``: the output a reader no longer takes is dropped and the command ends with its own
    exit code (was a ``BrokenPipeError`` traceback); a PIN changed before its message is still changed (exit 0)."""
    answers = f"{SHEET_PIN}\n{NEW_PIN}\n{NEW_PIN}\n".encode()
    for args, stdin in ((["status", "--json"], b""), (["menu"], b""), (["change-pin"], answers)):
        gone, write_end = os.pipe()
        os.close(gone)  # the reader left before the first line
        try:
            run = subprocess.run(
                [str(BIN / "aosign-host"), *args],
                env=sim.env("en"),
                input=stdin,
                stdout=write_end,
                stderr=subprocess.PIPE,
                timeout=30,
                check=False,
            )
        finally:
            os.close(write_end)
        err = run.stderr.decode()
        assert run.returncode == 0 and "Traceback" not in err and "BrokenPipe" not in err, (args, err)
    assert [e["ins"] for e in sim.try_commands()] == [0x24] and sim.counters() == (10, 10)  # the one change


def test_an_endless_answer_ends_at_once(sim: Card) -> None:
    with open("/dev/zero", "rb") as zero:
        start = time.monotonic()
        run = _host(sim, "change-pin", "--lang", "en", stdin=zero)
    assert time.monotonic() - start < 10
    err = run.stderr.decode()
    assert run.returncode == 2, err
    assert "The answer is too long (over 1024 bytes)" in err and "Traceback" not in err
    # a long line (a PIN pasted with a whole document) is refused, not cut to a PIN
    run = _host(sim, "change-pin", "--lang", "en", input=b"x" * 5000 + b"\n" + b"Hk47vQ2w\n" * 2)
    assert run.returncode == 2 and "too long" in run.stderr.decode()
    assert sim.counters() == (10, 10) and sim.try_commands() == []


@pytest.mark.parametrize(
    ("env_lang", "args", "code", "expect"),
    [
        ("fr", ["--lang", "xx", "status"], 2, "--lang"),  # was KeyError: 'fr'
        ("fr", ["status"], 2, "AOSIGN_LANG"),
        ("fr", ["--lang", "en", "status"], 0, "PIN tries left"),
        ("", ["status"], 0, "PIN(暗証番号)の残り回数"),  # empty: as if unset (the manifest/system decides)
        ("", ["--lang", "en", "status"], 0, "PIN tries left"),
    ],
)
def test_language_settings(sim: Card, env_lang: str, args: list[str], code: int, expect: str) -> None:
    env = {**sim.env("ja"), "AOSIGN_LANG": env_lang, "LANG": "ja_JP.UTF-8"}
    run = _host(sim, *args, env=env)
    out = (run.stdout + run.stderr).decode()
    assert run.returncode == code, out
    assert expect in out and "Traceback" not in out


def test_redirected_output_is_utf8_whatever_the_locale(sim: Card, tmp_path: Path) -> None:
    # Windows writes redirected output in the ANSI code page (cp932), strictly: the same setting here
    folder = tmp_path / "Zoë"
    folder.mkdir()
    manifest = folder / "manifest.toml"
    manifest.write_text(sim.manifest.read_text(encoding="utf-8"), encoding="utf-8")
    for encoding in ("cp932", "ascii"):
        env = {**sim.env("ja"), "PYTHONIOENCODING": encoding}
        run = _host(sim, "manifest", "check", str(manifest), env=env)
        assert run.returncode == 0, run.stderr.decode(errors="replace")
        assert "Zoë" in run.stdout.decode("utf-8") and "問題はありません" in run.stdout.decode("utf-8")
        run = _host(sim, "menu", "--json", env=env)
        assert run.returncode == 0
        labels = {e["id"]: e["label"] for e in json.loads(run.stdout.decode("utf-8"))}
        assert labels["change-pin"] == text("entry.change_pin", "ja")


def test_the_last_unlock_try_on_a_terminal(terminal: Terminal, sim: Card) -> None:
    for _ in range(9):
        assert sim.host("unlock", answers=["WRONG7CODE9X", NEW_PIN, NEW_PIN]).code == 3
    assert sim.counters() == (10, 1)
    question, acknowledged = text("unlock.final_try", "ja"), text("unlock.final_try_acknowledged", "ja")
    code_prompt = text("prompt.unblock_code", "ja") + ": "

    # --final-try on a terminal: the user is told, and not asked a question nobody answers
    shells = terminal.screen.count("$ ")
    terminal.send("aosign-host unlock --final-try\n")
    terminal.expect(code_prompt)
    assert acknowledged in terminal.screen and question not in terminal.screen
    terminal.send("\x03")
    terminal.expect("$ ", count=shells + 1)

    # answering no: nothing sent, and no advice to "run it on a terminal"
    start = len(terminal.out)
    terminal.send("aosign-host unlock; echo rc=$?\n")
    terminal.expect(f"{question} [y/N]: ")
    terminal.send("n\n")
    terminal.expect("rc=2")
    said = terminal.out[start:].decode(errors="replace")
    assert text("unlock.not_confirmed_asked", "ja") in said and text("unlock.not_confirmed", "ja") not in said
    assert "--final-try" not in said and "端末から" not in said

    # a full-width yes (as typed with the Japanese input method on) and 「はい」 go on to the questions
    for yes in ("ｙ", "はい"):
        shells = terminal.screen.count("$ ")
        prompts = terminal.screen.count(code_prompt)
        asked = terminal.screen.count(f"{question} [y/N]: ")
        terminal.send("aosign-host unlock\n")
        terminal.expect(f"{question} [y/N]: ", count=asked + 1)
        terminal.send(yes + "\n")
        terminal.expect(code_prompt, count=prompts + 1)
        terminal.send("\x03")
        terminal.expect("$ ", count=shells + 1)
    assert sim.counters() == (10, 1) and "Traceback" not in terminal.screen


def test_english_counts_one_try_in_the_singular(sim: Card) -> None:
    for _ in range(8):
        assert sim.host("change-pin", answers=["27182818", NEW_PIN, NEW_PIN], lang="en").code == 3
    run = sim.host("change-pin", answers=["27182818", NEW_PIN, NEW_PIN], lang="en")
    assert run.code == 3 and sim.counters() == (1, 10)
    assert "1 try left." in run.err and "1 tries" not in run.err, run.err
    for _ in range(8):
        assert sim.host("unlock", answers=["WRONG7CODE9X", NEW_PIN, NEW_PIN], lang="en").code == 3
    run = sim.host("unlock", answers=["WRONG7CODE9X", NEW_PIN, NEW_PIN], lang="en")
    assert run.code == 3 and sim.counters() == (1, 1)
    assert "1 unlock try left." in run.err and "1 unlock tries" not in run.err, run.err


def test_japanese_help_is_japanese(sim: Card) -> None:
    for args in (["--help"], ["change-pin", "--help"], ["manifest", "check", "--help"]):
        run = sim.host(*args)
        assert run.code == 0
        assert "使い方: aosign-host" in run.out and "このヘルプを表示して終了します" in run.out
        assert "usage:" not in run.out and "show this help message" not in run.out and "options:" not in run.out
    run = sim.host("--lang", "xx", "status")
    assert run.code == 2 and "エラー:" in run.err and "invalid choice" not in run.err
    run = sim.host("--help", lang="en")
    assert "usage: aosign-host" in run.out and "show this help message and exit" in run.out


def test_a_terminal_driven_by_its_own_stty(terminal: Terminal) -> None:
    """Git Bash's mintty gives a Windows program a pipe, not a console: echo is turned off with the terminal's own
    ``stty``. The same code path, on this pty."""
    code = (
        "import sys; from hostapp_stub.terminal import _read_with_stty; "
        "b = _read_with_stty(0, 'PIN', echo=False, out=sys.stderr); print('got', bytes(b)[::-1])"
    )
    terminal.send(f'{BIN}/python -c "{code}"\n')
    terminal.expect("PIN: ")
    time.sleep(0.2)
    assert not terminal.echo()
    start = len(terminal.out)
    terminal.send("k9m2p7\n")
    terminal.expect("got b'7p2m9k'")
    assert "k9m2p7" not in terminal.out[start:].decode(errors="replace")
    assert terminal.stty_echo()
