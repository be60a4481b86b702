"""Issue 14: the window watches the reader, not the card; a swapped card gets nothing; a terminal waits for a card.

The window scenario runs over our own pcscd + vpcd + the simulated card (benchmarks/window_presence.py, in a
subprocess so that its pyscard talks to our pcscd only); the cards' own APDU logs count what they receive.
"""

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

from aosign_plugin import catalogs
from tests.support.cards import BIN, issue_card, make_card

ROOT = Path(__file__).resolve().parents[2]


def test_window_idle_insertion_restart_and_swaps_over_pcscd() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "window_presence.py"), "--idle", "3", "--insertions", "2"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    assert figures["idle_apdus"] == 0 and figures["idle_reads"] == 0  # idle: not one APDU, not one read
    assert figures["idle_cpu_percent"] < 1.0 and figures["no_service_cpu_percent"] < 1.0  # no busy loop
    assert len(figures["insert_to_shown_ms"]) == 2  # each insertion shown (how fast: the benchmark's figure)
    assert figures["pcscd_restart_to_card_shown_ms"] < 10000  # recovered by itself
    assert figures["dialog_swap_card_changed"] and figures["dialog_swap_shows_new_card"]
    assert figures["dialog_swap_secrets_sent"] == 0
    assert figures["cli_swap_exit"] == 2 and figures["cli_swap_card_changed"] and figures["cli_swap_secrets_sent"] == 0


def _on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    """``aosign-host ARGS`` with a terminal as standard input (its prompts and notices go to a pipe)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [str(BIN / "aosign-host"), *args], stdin=follower, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    os.close(follower)
    return proc, leader


def _read_until(stream: object, text: str, timeout: float = 20.0) -> str:
    fd = stream.fileno()  # type: ignore[attr-defined]
    seen = b""
    deadline = time.monotonic() + timeout
    while text.encode() not in seen:
        ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
        if not ready:
            raise AssertionError(f"{text!r} not said within {timeout} s; said: {seen.decode(errors='replace')!r}")
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        seen += chunk
    return seen.decode(errors="replace")


def test_terminal_waits_for_the_card_then_goes_on(tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    card.state.unlink()  # no card yet
    proc, leader = _on_a_terminal(["status"], card.env("en"))
    try:
        _read_until(proc.stderr, catalogs.text("wait.no_sim_card", "en"))
        time.sleep(0.5)
        assert proc.poll() is None  # still waiting
        issue_card(card.state)
        out, _ = proc.communicate(timeout=20)
    finally:
        os.close(leader)
    assert proc.returncode == 0, out
    assert "10 of 10" in out.decode()


def test_terminal_wait_stopped_by_ctrl_c(tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    card.state.unlink()
    proc, leader = _on_a_terminal(["change-pin"], card.env("en"))
    try:
        _read_until(proc.stderr, catalogs.text("wait.no_sim_card", "en"))
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)
    finally:
        os.close(leader)
    assert proc.returncode == 130
    assert card.try_commands() == []


def test_no_wait_or_no_terminal_fails_at_once(tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    card.state.unlink()
    run = card.host("status", lang="en")  # standard input is not a terminal
    assert run.code == 6, run.text
    proc, leader = _on_a_terminal(["status", "--no-wait"], card.env("en"))
    try:
        _, err = proc.communicate(timeout=20)
    finally:
        os.close(leader)
    assert proc.returncode == 6
    assert catalogs.text("wait.no_sim_card", "en") not in err.decode()
