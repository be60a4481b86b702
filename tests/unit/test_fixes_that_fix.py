"""Fixes that fix (issue 32 item 1): a simulated card kept at the manifest's own ``[sim] state`` path, damaged or not
issued yet, is told the command that fixes *that* card; the terminal, doctor and the window say the same words; the
command, run as written by a shell, fixes it (and touches no other card); no English detail in Japanese."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from aosign_plugin.frontends.entries import read_card_panel
from hostapp_stub.api import Request
from tests.support.cards import BIN, Card, edit_state, make_card


def _moved(tmp_path: Path) -> Card:
    """A card whose state file is in a folder with a space in its name (the shell must get it as one word)."""
    card = make_card(tmp_path, "sim")
    folder = tmp_path / "my cards"
    folder.mkdir()
    moved = folder / "card.json"
    card.state.rename(moved)
    card.state = moved
    text = card.manifest.read_text().replace(str(tmp_path / "card.json"), str(moved))
    card.manifest.write_text(text)
    return card


def _truncate(card: Card) -> None:
    raw = card.state.read_bytes()
    card.state.write_bytes(raw[: len(raw) // 2])


def _default_state(card: Card) -> Path:
    return card.home / ".local/share/aosign/sim-card.json"


BREAKS = {
    "truncated": _truncate,
    "a value no card can have": lambda c: edit_state(c, pin_tries_left=99),
    "not issued": lambda c: c.state.unlink(),
}


def _command(line: str) -> str:
    """The command a fix line ends with (after its last ': ')."""
    return line.rsplit(": ", 1)[1].strip()


@pytest.mark.parametrize("case", list(BREAKS))
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_printed_fix_followed_as_written_fixes_that_card(tmp_path: Path, case: str, lang: str) -> None:
    card = _moved(tmp_path)
    BREAKS[case](card)
    run = card.host("status", lang=lang)
    assert run.code == 6, run.text
    fix = [line for line in run.err.splitlines() if "aosign-sim issue" in line]
    assert len(fix) == 1, run.err
    command = _command(fix[0])
    assert "--state" in command
    if case != "not issued":
        assert "--force" in command
    # the user copies the command into their shell
    done = subprocess.run(
        ["sh", "-c", command],
        capture_output=True,
        text=True,
        env={**card.env(lang), "PATH": f"{BIN}:/usr/bin:/bin"},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert card.host("status", lang=lang).code == 0
    assert not _default_state(card).exists()  # no other card was issued or replaced


@pytest.mark.parametrize("case", list(BREAKS))
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_terminal_doctor_and_window_say_one_fix(tmp_path: Path, case: str, lang: str) -> None:
    card = _moved(tmp_path)
    BREAKS[case](card)
    terminal = card.host("status", lang=lang).err.splitlines()
    fix = next(line for line in terminal if "aosign-sim issue" in line)
    doctor = json.loads(card.host("doctor", "--json", lang=lang).out)
    sim = next(c for c in doctor["checks"] if c["id"] == "sim.card")
    assert not sim["ok"]
    assert sim["fix"] == fix
    manifest = {"plugin": {"backend": "sim"}, "sim": {"state": str(card.state)}}
    panel = read_card_panel(Request(lang=lang, manifest=manifest, surface="window"))
    assert fix in (*panel.lines, *panel.advice)  # the window shows a fault as advice under its headline


@pytest.mark.parametrize("case", ["truncated", "a value no card can have"])
def test_no_english_detail_in_japanese(tmp_path: Path, case: str) -> None:
    card = _moved(tmp_path)
    BREAKS[case](card)
    run = card.host("status", lang="ja")
    text = run.err.replace(str(card.state), "").replace("'", "")
    # what is left in ASCII letters: the command's words and the JSON key the value is under, never English prose
    words = set(re.findall(r"[A-Za-z][A-Za-z_.-]+", text))
    assert words <= {"aosign-sim", "issue", "force", "state", "PIN", "pin.tries_left"}, words
