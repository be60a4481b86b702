"""The edges of the program as a user meets them (issue 25): output aimed at a full disk or a closed descriptor for
every command, a hostile certificate on the simulated card, answers in EUC-JP and Shift_JIS on a real pty, a BOM,
Ctrl-C with SIGINT inherited as ignored, a crash at a prompt, argparse's abbreviations."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aosign_plugin.catalogs import text
from tests.support.cards import BIN, SHEET_PIN, Card, edit_state, make_card

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX descriptors and terminals")

NEW_PIN = "Hk47vQ2w"
WRONG_PIN = "27182818"
HOSTILE = "Evil\x1b[31mRED\x1b]0;pwned\x07\u202e\x9bX\x85\u2028"
RAW = ("\x1b", "\x07", "\u202e", "\x9b", "\x85", "\u2028")


@pytest.fixture
def sim(tmp_path: Path) -> Card:
    return make_card(tmp_path, "sim")


def _host(card: Card, *args: str, stdin: bytes = b"", out: str = "pipe", err: str = "pipe") -> tuple[int, str, str]:
    """Run ``aosign-host`` with stdout and stderr each a pipe, ``full`` (/dev/full) or ``closed``."""
    streams = {}
    opened = []
    for name, how in (("stdout", out), ("stderr", err)):
        if how == "full":
            f = open("/dev/full", "wb")  # noqa: SIM115
            opened.append(f)
            streams[name] = f
        elif how == "pipe":
            streams[name] = subprocess.PIPE
    closing = [fd for fd, how in ((1, out), (2, err)) if how == "closed"]

    def close_them() -> None:
        for fd in closing:
            os.close(fd)

    try:
        run = subprocess.run(
            [str(BIN / "aosign-host"), *args],
            input=stdin,
            env=card.env("en"),
            timeout=60,
            check=False,
            preexec_fn=close_them,
            **streams,  # type: ignore[arg-type]
        )
    finally:
        for f in opened:
            f.close()
    return run.returncode, (run.stdout or b"").decode(), (run.stderr or b"").decode()


OUTPUT_ONLY = [
    ["status"],
    ["status", "--json"],
    ["menu"],
    ["menu", "--json"],
    ["manifest", "show"],
    ["manifest", "show", "--json"],
    ["plugins", "--json"],
    ["doctor", "--json"],
    ["--version"],
    ["manifest", "schema"],
]


@pytest.mark.parametrize("how", ["full", "closed"])
@pytest.mark.parametrize("args", OUTPUT_ONLY, ids=" ".join)
def test_an_output_only_command_that_cannot_write_exits_74(sim: Card, args: list[str], how: str) -> None:
    """Its only product is lost: exit 74 (not 0, not 1 with a traceback), and what was lost is said on stderr."""
    code, _, err = _host(sim, *args, out=how)
    assert code == 74, err
    assert "Traceback" not in err and "Could not write to standard output" in err
    if "--json" in args:
        json.loads(err.split("\n", 1)[1])  # the lost result, whole


@pytest.mark.parametrize("how", ["full", "closed"])
@pytest.mark.parametrize("args", OUTPUT_ONLY, ids=" ".join)
def test_stderr_that_cannot_be_written_changes_no_exit_code(sim: Card, args: list[str], how: str) -> None:
    code, out, _ = _host(sim, *args, err=how)
    assert code in (0, 1) and "Traceback" not in out  # doctor: 1 when a check fails on this machine
    if args[0] != "doctor":
        assert code == 0


@pytest.mark.parametrize("how", ["full", "closed"])
def test_a_changed_pin_exits_0_whatever_happens_to_its_message(sim: Card, how: str) -> None:
    answers = f"{SHEET_PIN}\n{NEW_PIN}\n{NEW_PIN}\n".encode()
    code, _, err = _host(sim, "change-pin", stdin=answers, out=how)
    assert code == 0 and "Traceback" not in err
    assert "The PIN has been changed." in err  # said on the other stream
    assert [e["ins"] for e in sim.try_commands()] == [0x24]
    answers = f"{NEW_PIN}\n{SHEET_PIN}\n{SHEET_PIN}\n".encode()
    code, _, _ = _host(sim, "change-pin", stdin=answers, out=how, err=how)  # both streams gone: the code still tells
    assert code == 0 and sim.counters() == (10, 10)


@pytest.mark.parametrize("how", ["full", "closed"])
def test_a_wrong_pin_exits_3_with_stderr_full_and_says_it_on_stdout(sim: Card, how: str) -> None:
    answers = f"{WRONG_PIN}\n{NEW_PIN}\n{NEW_PIN}\n".encode()
    code, out, _ = _host(sim, "change-pin", stdin=answers, err=how)
    assert code == 3 and "Traceback" not in out
    assert "The PIN is incorrect." in out and "Could not write to standard error" in out
    code, _, _ = _host(sim, "change-pin", stdin=answers, out=how, err=how)
    assert code == 3 and sim.counters() == (8, 10)


@pytest.mark.parametrize("args", [["unlock"], ["manifest", "check"], ["--help"], ["nonsense"]], ids=" ".join)
def test_no_command_ends_in_a_traceback_on_a_full_disk(sim: Card, args: list[str]) -> None:
    for out, err in (("full", "full"), ("closed", "closed"), ("full", "pipe"), ("pipe", "full")):
        code, o, e = _host(sim, *args, stdin=b"", out=out, err=err)
        assert "Traceback" not in o + e and code != 1, (args, out, err, o, e)


def test_sim_issue_keeps_the_old_card_when_its_sheet_cannot_be_written(sim: Card) -> None:
    before = sim.state.read_bytes()
    for how in ("full", "closed"):
        with open("/dev/full", "wb") as full:
            run = subprocess.run(
                [str(BIN / "aosign-sim"), "issue", "--state", str(sim.state), "--force", "--lang", "en"],
                stdout=full if how == "full" else None,
                stderr=subprocess.PIPE,
                preexec_fn=(lambda: os.close(1)) if how == "closed" else None,
                timeout=60,
                check=False,
            )
        err = run.stderr.decode()
        assert run.returncode == 74 and "Traceback" not in err, err
        assert "the new card was not kept" in err
        assert sim.state.read_bytes() == before  # the old card, untouched
    leftovers = [p.name for p in sim.state.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    sheet = sim.state.parent / "sheet.txt"
    with sheet.open("wb") as f:
        run = subprocess.run(
            [str(BIN / "aosign-sim"), "issue", "--state", str(sim.state), "--force"], stdout=f, timeout=60, check=False
        )
    assert run.returncode == 0 and sim.state.read_bytes() != before and "PIN" in sheet.read_text()


def test_a_hostile_certificate_holder_never_reaches_the_terminal(tmp_path: Path) -> None:
    """The simulated card's certificate names its holder with ESC, OSC, BEL, RLO, C1 CSI, NEL and U+2028: status, its
    JSON and doctor show each visibly (the JSON keeps the value)."""
    card = make_card(tmp_path, "sim", issue_options=("--holder", HOSTILE))
    code, out, err = _host(card, "status")
    assert code == 0, err
    assert not [c for c in RAW if c in out + err], out
    assert "Evil\\1B[31mRED" in out  # the name's own escapes (RFC 4514)
    code, out, _ = _host(card, "status", "--json")
    assert not [c for c in RAW if c in out]
    assert json.loads(out)["certificates"][0]["subject"].startswith("Evil\\1B[31mRED")
    code, out, err = _host(card, "doctor")
    assert not [c for c in RAW if c in out + err]


def test_argparse_abbreviations_are_errors(sim: Card) -> None:
    code, _, err = _host(sim, "--manif", str(sim.manifest), "status")
    assert code == 2 and "--manif" in err
    code, _, err = _host(sim, "--la", "ja", "status")
    assert code == 2
    code, _, err = _host(sim, "change-pin", "--show")
    assert code == 2


def test_a_bom_before_piped_answers_is_not_a_character(sim: Card) -> None:
    answers = b"\xef\xbb\xbf" + f"{SHEET_PIN}\n{NEW_PIN}\n{NEW_PIN}\n".encode()
    code, _, err = _host(sim, "change-pin", stdin=answers)
    assert code == 0, err
    assert sim.counters() == (10, 10)


# --- a real terminal in a legacy encoding ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def locales(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("locales")
    for name, charmap in (("ja_JP.eucJP", "EUC-JP"), ("ja_JP.SJIS", "SHIFT_JIS")):
        # Shift_JIS is not ASCII-compatible to glibc (yen sign): a warning, and still a usable locale
        subprocess.run(["localedef", "-i", "ja_JP", "-f", charmap, str(folder / name)], capture_output=True)
        assert (folder / name).exists()
    return folder


def _on_pty(card: Card, args: list[str], env: dict[str, str], *, ignore_sigint: bool = False) -> tuple[int, int]:
    pid, master = pty.fork()
    if pid == 0:  # the child: the command on its own terminal
        try:
            if ignore_sigint:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # as `cmd &` from a script leaves it
            os.execve(str(BIN / "aosign-host"), ["aosign-host", *args], env)
        finally:
            os._exit(127)
    return pid, master


def _expect(master: int, want: bytes, seen: bytearray, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while want not in seen:
        left = end - time.monotonic()
        if left <= 0:
            raise AssertionError(f"{want!r} not seen in {bytes(seen)!r}")
        ready, _, _ = select.select([master], [], [], left)
        if ready:
            try:
                seen += os.read(master, 4096)
            except OSError:
                raise AssertionError(f"{want!r} not seen in {bytes(seen)!r}") from None


def _finish(pid: int, master: int, seen: bytearray) -> int:
    end = time.monotonic() + 30
    while time.monotonic() < end:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    while True:  # a command still running after the deadline is stopped (by its own pid): the test fails, not hangs
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > end:
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)
    os.close(master)
    return os.waitstatus_to_exitcode(status)


@pytest.mark.parametrize(("locale_name", "encoding"), [("ja_JP.eucJP", "euc_jp"), ("ja_JP.SJIS", "shift_jis")])
def test_yes_in_the_terminal_s_encoding_is_yes(sim: Card, locales: Path, locale_name: str, encoding: str) -> None:
    """The last unlock try, asked on a pty in EUC-JP or Shift_JIS: 「はい」 typed there is a yes (was a no)."""
    edit_state(sim, unblock_tries_left=1)
    env = {**sim.env("ja"), "LOCPATH": str(locales), "LANG": locale_name, "TERM": "dumb"}
    env.pop("AOSIGN_LANG")
    pid, master = _on_pty(sim, ["unlock", "--lang", "ja"], env)
    seen = bytearray()
    _expect(master, b"[y/N]: ", seen)
    del seen[:]  # the intro names the sheet's PIN too: only the prompt after the yes counts
    os.write(master, "はい\r".encode(encoding))
    prompt = text("prompt.unblock_code", "ja").encode(encoding) + b": "
    _expect(master, prompt, seen)
    os.write(master, b"\x03")  # cancel: nothing sent
    code = _finish(pid, master, seen)
    assert code == 130, bytes(seen).decode(encoding, "replace")
    assert sim.try_commands() == []


@pytest.mark.parametrize(("locale_name", "encoding"), [("ja_JP.eucJP", "euc_jp"), ("ja_JP.SJIS", "shift_jis")])
def test_full_width_digits_in_a_legacy_terminal_get_the_ime_hint(
    sim: Card, locales: Path, locale_name: str, encoding: str
) -> None:
    env = {**sim.env("ja"), "LOCPATH": str(locales), "LANG": locale_name, "TERM": "dumb"}
    pid, master = _on_pty(sim, ["change-pin", "--lang", "ja"], env)
    seen = bytearray()
    _expect(master, text("prompt.current_pin", "ja").encode(encoding), seen)
    os.write(master, "３１４１５９２６\r".encode(encoding))
    code = _finish(pid, master, seen)
    shown = bytes(seen).decode(encoding, "replace")
    assert code == 2, shown
    assert "全角" in shown  # the IME hint, not the generic message
    assert sim.try_commands() == []


def test_pasted_answers_are_kept_for_the_next_prompts(sim: Card) -> None:
    pid, master = _on_pty(sim, ["change-pin"], {**sim.env("en"), "TERM": "dumb"})
    seen = bytearray()
    _expect(master, text("prompt.current_pin", "en").encode(), seen)
    os.write(master, f"{SHEET_PIN}\r{NEW_PIN}\r{NEW_PIN}\r".encode())  # three lines at once
    code = _finish(pid, master, seen)
    assert code == 0, bytes(seen).decode(errors="replace")
    assert NEW_PIN.encode() not in seen and SHEET_PIN.encode() not in seen  # never echoed
    assert [e["ins"] for e in sim.try_commands()] == [0x24]


def test_ctrl_c_cancels_at_a_prompt_even_when_sigint_was_ignored(sim: Card) -> None:
    pid, master = _on_pty(sim, ["change-pin"], {**sim.env("en"), "TERM": "dumb"}, ignore_sigint=True)
    seen = bytearray()
    _expect(master, text("prompt.current_pin", "en").encode(), seen)
    os.write(master, b"\x03")
    assert _finish(pid, master, seen) == 130
    assert sim.try_commands() == []


def test_a_crash_at_a_prompt_dumps_no_core_holding_the_pin(sim: Card, tmp_path: Path) -> None:
    """With cores allowed (``ulimit -c unlimited``) and the current PIN held, SIGSEGV at the next prompt: no core
    file anywhere in its folder holds the PIN (before: a core with it)."""
    import resource

    cwd = tmp_path / "cwd"
    cwd.mkdir()
    canary = "Qz7Kp3Wm9Xv2Lc"

    def allow_cores() -> None:
        resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))

    proc = subprocess.Popen(
        [str(BIN / "aosign-host"), "change-pin"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=sim.env("en"),
        cwd=cwd,
        preexec_fn=allow_cores,
    )
    assert proc.stdin is not None
    proc.stdin.write(f"{canary}\n".encode())
    proc.stdin.flush()
    limits = Path(f"/proc/{proc.pid}/limits")
    end = time.monotonic() + 30
    while "Max core file size        0 " not in limits.read_text():
        assert time.monotonic() < end, limits.read_text()
        time.sleep(0.05)
    time.sleep(0.3)  # at the second prompt, the current PIN held
    proc.send_signal(signal.SIGSEGV)
    proc.wait(30)
    proc.stdin.close()
    assert proc.returncode == -signal.SIGSEGV
    for path in cwd.rglob("*"):
        assert canary.encode() not in path.read_bytes(), path
    assert list(cwd.iterdir()) == []
    assert sim.try_commands() == []


def test_ctrl_c_ends_the_wait_for_a_card_even_when_sigint_was_ignored(sim: Card) -> None:
    sim.state.unlink()  # no card issued: status waits for one on a terminal
    pid, master = _on_pty(sim, ["status"], {**sim.env("en"), "TERM": "dumb"}, ignore_sigint=True)
    seen = bytearray()
    _expect(master, text("wait.no_sim_card", "en").encode(), seen)
    os.write(master, b"\x03")
    assert _finish(pid, master, seen) == 130, bytes(seen).decode(errors="replace")


def test_status_quiet_answers_by_its_code_whatever_its_streams(sim: Card) -> None:
    edit_state(sim, pin_tries_left=0)
    for how in ("full", "closed", "pipe"):
        code, _, _ = _host(sim, "status", "--quiet", out=how, err=how)
        assert code == 4, how


def test_a_card_taken_out_at_a_prompt_says_nothing_was_sent(sim: Card) -> None:
    """The simulated card leaves (its state file goes) while the answers are typed: exit 6, and the user is told that
    nothing reached the card (「カードには何も送っていません」)."""
    proc = subprocess.Popen(
        [str(BIN / "aosign-host"), "change-pin"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=sim.env("ja"),
    )
    assert proc.stdin is not None
    proc.stdin.write(f"{SHEET_PIN}\n".encode())
    proc.stdin.flush()
    time.sleep(1.0)  # at the next prompt
    kept = sim.state.read_bytes()
    sim.state.unlink()
    _, err = proc.communicate(f"{NEW_PIN}\n{NEW_PIN}\n".encode(), timeout=60)
    sim.state.write_bytes(kept)
    assert proc.returncode == 6, err.decode()
    assert text("nothing_sent", "ja") in err.decode()
    assert sim.try_commands() == []
