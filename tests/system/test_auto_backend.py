"""The built-in default ``backend = "auto"`` over the real pcscd and vpcd (issue 12, item 19): with no manifest at
all, an AOSign card in a reader is used through PC/SC; else the issued simulated card; else a message naming both
ways; AOSign cards in two readers are never guessed between. The cards in vpcd's readers are simulated cards served
by ``aosign-sim serve``; a card with another application (another AID) stands for a foreign card."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.cards import BIN, issue_card
from tests.support.realparts import reader_name, serve_card, stop_process

PORTS = (35963, 35964)


class Home:
    """A user with no manifest anywhere: the host's built-in default decides."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / ".local/share"
        self.sim_state = self.data / "aosign" / "sim-card.json"

    def env(self, lang: str = "en") -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "LC_", "LANG", "XDG_"))}
        env.update(
            AOSIGN_LANG=lang,
            HOME=str(self.root),
            XDG_CONFIG_HOME=str(self.root / ".config"),
            XDG_DATA_HOME=str(self.data),
            XDG_STATE_HOME=str(self.root / ".local/state"),
            XDG_CACHE_HOME=str(self.root / ".cache"),
        )
        return env

    def status(self, lang: str = "en", **extra: str) -> tuple[int, dict[str, Any]]:
        proc = subprocess.run(
            [str(BIN / "aosign-host"), "status", "--json"],
            capture_output=True,
            text=True,
            env={**self.env(lang), **extra},
            timeout=60,
            check=False,
        )
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc.returncode, json.loads(proc.stdout)


@pytest.fixture
def home(tmp_path: Path) -> Home:
    root = tmp_path / "home"
    root.mkdir()
    return Home(root)


@pytest.fixture
def servers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    try:
        yield started
    finally:
        for proc in started:
            stop_process(proc)


def _card(tmp_path: Path, name: str, *options: str) -> Path:
    state = tmp_path / f"{name}.json"
    issue_card(state, "31415926", "QX7RT2KM9WZ4", *options)
    return state


def test_no_manifest_means_auto(home: Home) -> None:
    proc = subprocess.run(
        [str(BIN / "aosign-host"), "manifest", "show", "--json"],
        capture_output=True,
        text=True,
        env=home.env(),
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "auto" in proc.stdout or "backend" not in proc.stdout


def test_no_pcsc_service_and_no_simulated_card(home: Home, tmp_path: Path) -> None:
    """No PC/SC service (its socket is nowhere) and no simulated card: both named in words, never a Python name."""
    code, data = home.status(PCSCLITE_CSOCK_NAME=str(tmp_path / "no-pcscd.comm"))
    assert code == 6
    assert data["error"]["code"] == "no_card_auto"
    message = data["error"]["message"]
    assert "PC/SC: no_service" in message and str(home.sim_state) in message
    assert "UnavailableReason" not in message


def test_pcsc_branch_then_sim_branch_then_neither(
    pcscd: None, home: Home, tmp_path: Path, servers: list[subprocess.Popen[bytes]]
) -> None:
    # neither: the message names both ways
    code, data = home.status()
    assert code == 6
    assert data["error"]["code"] == "no_card_auto"
    message = data["error"]["message"]
    assert "aosign-sim issue" in message and "reader" in message and str(home.sim_state) in message
    code, ja = home.status("ja")
    assert "aosign-sim issue" in ja["error"]["message"] and "ICカードリーダ" in ja["error"]["message"]

    # an AOSign card in a reader, and also an issued simulated card: the real card wins
    home.sim_state.parent.mkdir(parents=True)
    issue_card(home.sim_state)
    servers.append(serve_card(_card(tmp_path, "real"), PORTS[1]))
    code, data = home.status()
    assert code == 0, data
    assert data["backend"] == "pcsc" and data["reader"] == reader_name(PORTS[1])
    assert data["pin"]["tries_left"] == 10

    # the card leaves the reader: the simulated card
    stop_process(servers.pop())
    from tests.support.realparts import wait_card_present

    wait_card_present(reader_name(PORTS[1]), present=False)
    code, data = home.status()
    assert code == 0, data
    assert data["backend"] == "sim"


def test_a_foreign_card_is_not_taken_for_the_aosign_card(
    pcscd: None, home: Home, tmp_path: Path, servers: list[subprocess.Popen[bytes]]
) -> None:
    servers.append(serve_card(_card(tmp_path, "foreign", "--aid", "A000000003000000"), PORTS[1]))
    code, data = home.status()
    assert code == 6
    assert data["error"]["code"] == "no_card_auto"
    assert reader_name(PORTS[1]) in data["error"]["message"]  # named: it holds a card, not an AOSign one
    home.sim_state.parent.mkdir(parents=True)
    issue_card(home.sim_state)
    code, data = home.status()
    assert code == 0 and data["backend"] == "sim"


def test_two_aosign_cards_are_never_guessed_between(
    pcscd: None, home: Home, tmp_path: Path, servers: list[subprocess.Popen[bytes]]
) -> None:
    home.sim_state.parent.mkdir(parents=True)
    issue_card(home.sim_state)
    for i, port in enumerate(PORTS):
        servers.append(serve_card(_card(tmp_path, f"card{i}"), port))
    code, data = home.status()
    assert code == 6
    assert data["error"]["code"] == "several_aosign_cards"
    for port in PORTS:
        assert reader_name(port) in data["error"]["message"]
