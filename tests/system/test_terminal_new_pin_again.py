"""On a real terminal, a refused new PIN is asked again and the current PIN is not (issue 32 item 3); a script keeps
exit 2; an answer too long says so once, not then also "no answer"."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from aosign_plugin.catalogs import text
from hostapp_stub.messages import text as host_text
from tests.support.cards import BIN, SHEET_PIN, Card
from tests.system.test_terminal import Terminal, sim  # noqa: F401 (the card fixture)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a POSIX terminal")

NEW = "Hk47vQ2w"


def _again(left: int) -> str:
    """The re-ask line and the prompt after it, as the terminal shows them."""
    return text("new_pin.ask_again", "ja", left=left) + "\r\n" + text("prompt.new_pin", "ja") + ": "


@pytest.fixture
def terminal(sim: Card) -> Iterator[Terminal]:  # noqa: F811
    t = Terminal(sim.env("ja"))
    try:
        yield t
    finally:
        t.close()


def test_a_refused_new_pin_is_asked_again(terminal: Terminal, sim: Card) -> None:  # noqa: F811
    terminal.send("aosign-host change-pin; echo rc=$?\n")
    terminal.expect(text("prompt.current_pin", "ja"))
    terminal.send(SHEET_PIN + "\n")
    terminal.expect(text("prompt.new_pin", "ja"))
    terminal.send("123123\n")
    terminal.expect(_again(2))  # said, then asked (typing before the prompt is up would be flushed)
    terminal.send(NEW + "\n")
    terminal.expect(text("prompt.confirm", "ja"))
    terminal.send(NEW + "\n")
    terminal.expect("rc=")
    terminal.expect("$ ", count=2)
    assert "rc=0" in terminal.screen, terminal.screen
    assert terminal.screen.count(text("prompt.current_pin", "ja")) == 1  # never asked again
    assert text("policy.repeated_block", "ja") in terminal.screen
    assert [e["ins"] for e in sim.try_commands()] == [0x24] and sim.counters() == (10, 10)


def test_three_refusals_on_a_terminal(terminal: Terminal, sim: Card) -> None:  # noqa: F811
    terminal.send("aosign-host change-pin; echo rc=$?\n")
    terminal.expect(text("prompt.current_pin", "ja"))
    terminal.send(SHEET_PIN + "\n")
    terminal.expect(text("prompt.new_pin", "ja"))
    terminal.send("1111\n")
    terminal.expect(_again(2))
    terminal.send("1234\n")
    terminal.expect(_again(1))
    terminal.send("13579\n")
    terminal.expect("rc=")
    terminal.expect("$ ", count=2)
    assert "rc=2" in terminal.screen, terminal.screen
    assert sim.try_commands() == [] and sim.counters() == (10, 10)


def test_a_script_keeps_exit_2(sim: Card) -> None:  # noqa: F811
    run = sim.host("change-pin", answers=[SHEET_PIN, "123123", NEW, NEW], lang="en")
    assert run.code == 2, run.text
    assert text("new_pin.ask_again", "en", left=2) not in run.text
    assert sim.try_commands() == []


def test_too_long_is_said_once(sim: Card) -> None:  # noqa: F811
    for lang in ("ja", "en"):
        run = subprocess.run(
            [str(BIN / "aosign-host"), "change-pin"],
            input=b"x" * 5000 + b"\n",
            capture_output=True,
            env=sim.env(lang),
            timeout=60,
            check=False,
        )
        err = run.stderr.decode()
        assert run.returncode == 2, err
        assert err.count(host_text("answer.too_long", lang, limit=1024)) == 1
        assert text("no_answer", lang) not in err
        assert text("nothing_sent", lang) in err
