"""Other card dialects the manifest's ``[card]`` table allows, other readers, and the reader choice rules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cards import SHEET_CODE, SHEET_PIN, Card, make_card
from tests.support.realparts import serve_card, stop_process

DIALECTS = {
    # change in two steps, other references, no padding, no application to select
    "verify-then-set": (
        ("--no-aid", "--pin-ref", "0x01", "--unblock-ref", "0x02", "--pad-to", "0", "--change", "verify-then-set"),
        '[card]\npin_ref = 0x01\nunblock_ref = 0x02\npad_to = 0\nchange = "verify-then-set"\n',
    ),
    # another class byte and AID, wide zero padding
    "cla80-pad32": (
        ("--cla", "0x80", "--aid", "D2760001240102", "--pad-to", "32", "--pad-byte", "0x00"),
        '[card]\ncla = 0x80\naid = "D2760001240102"\npad_to = 32\npad_byte = 0x00\n',
    ),
    # a card that cannot tell the unblocking code's tries
    "unblock-unknown": (
        ("--unblock-status", "unknown", "--pin-ref", "0x91", "--unblock-ref", "0x92"),
        '[card]\naid = "A0000006474F5349474E"\npin_ref = 0x91\nunblock_ref = 0x92\nunblock_status = "unknown"\n',
    ),
}


@pytest.fixture(params=[(b, d) for d in DIALECTS for b in ("sim", "pcsc")], ids=lambda p: f"{p[0]}-{p[1]}")
def dialect_card(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Card]:
    backend, name = request.param
    if backend == "pcsc":
        request.getfixturevalue("pcscd")
    options, table = DIALECTS[name]
    c = make_card(tmp_path, backend, issue_options=options, card_table=table, port=35964, reader="Virtual PCD 00 01")
    try:
        yield c
    finally:
        stop_process(c.server)


def test_flows_in_another_dialect(dialect_card: Card) -> None:
    card = dialect_card
    unknown = "unblock-unknown" in card.manifest.read_text() or "0x92" in card.manifest.read_text()
    data = card.status()
    assert data["state"] == "ready" and data["pin"]["tries_left"] == 10
    assert data["unblock"]["tries_left"] == (None if unknown else 10)
    assert card.host("change-pin", answers=[SHEET_PIN, "Hk47vQ2w", "Hk47vQ2w"]).code == 0
    run = card.host("change-pin", answers=["Wrong5678", "Zt58bN3e", "Zt58bN3e"])
    assert run.code == 3 and "残り9回" in run.err, run.text
    assert card.counters() == (9, 10)
    # a code count the dialect cannot read: each unlock try may be the last, so a script says --final-try (issue 33)
    yes = ("--final-try",) if unknown else ()
    if unknown:
        run = card.host("unlock", answers=["WRONGCODE123", "Zt58bN3e", "Zt58bN3e"])
        assert run.code == 2 and card.counters() == (9, 10), run.text
    n = len(card.try_commands())
    run = card.host("unlock", *yes, answers=["WRONGCODE123", "Zt58bN3e", "Zt58bN3e"])
    assert run.code == 3, run.text
    assert card.counters() == (9, 9)
    assert card.host("unlock", *yes, answers=[SHEET_CODE, "Zt58bN3e", "Zt58bN3e"]).code == 0
    assert card.counters() == (10, 10)
    assert card.host("change-pin", answers=["Zt58bN3e", SHEET_PIN, SHEET_PIN]).code == 0
    assert len(card.try_commands()) - n in (3, 4)  # one per try (a verify-then-set change: VERIFY and SET)


def test_dialect_mismatch_is_a_clear_error(tmp_path: Path) -> None:
    # the card speaks CLA 80, the manifest says 00: the card refuses the class; no try is spent
    card = make_card(tmp_path, "sim", issue_options=("--cla", "0x80"))
    run = card.host("status", lang="en")
    assert run.code == 6, run.text
    assert "0x6E00" in run.err and "[card]" in run.err
    run = card.host("change-pin", answers=[SHEET_PIN, "Hk47vQ2w", "Hk47vQ2w"], lang="en")
    assert run.code == 6
    assert card.counters() == (10, 10)


def test_no_simulated_card_issued(tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    card.state.unlink()
    run = card.host("status", lang="en")
    assert run.code == 6 and "aosign-sim issue" in run.err


@pytest.mark.usefixtures("pcscd")
class TestReaderChoice:
    def test_two_cards_and_no_choice_is_an_error(self, tmp_path: Path) -> None:
        first = make_card(tmp_path / "a" if (tmp_path / "a").mkdir() is None else tmp_path, "pcsc", port=35963)
        second_dir = tmp_path / "b"
        second_dir.mkdir()
        second = make_card(second_dir, "pcsc", port=35964)
        try:
            run = first.host("status", lang="en")
            assert run.code == 6, run.text
            assert "Virtual PCD 00 00" in run.err and "Virtual PCD 00 01" in run.err
            # naming the reader picks it
            first.manifest.write_text(first.manifest.read_text() + '\n[pcsc]\nreader = "PCD 00 01"\n')
            data = json.loads(first.host("status", "--json").out)
            assert data["reader"] == "Virtual PCD 00 01"
        finally:
            stop_process(first.server)
            stop_process(second.server)

    def test_no_card_in_the_reader(self, tmp_path: Path) -> None:
        card = make_card(tmp_path, "pcsc", port=35964)
        stop_process(card.server)
        from tests.support.realparts import wait_card_present

        wait_card_present("Virtual PCD 00 01", present=False)
        run = card.host("status", lang="en")
        assert run.code == 6 and "No AOSign IC card in the reader" in run.err
        assert "Virtual PCD 00 00" in run.err

    def test_reader_name_that_matches_nothing(self, tmp_path: Path) -> None:
        card = make_card(tmp_path, "pcsc", port=35964, reader="Nonexistent Reader")
        try:
            run = card.host("status", lang="en")
            assert run.code == 6 and "No IC card reader found" in run.err and "Virtual PCD 00 01" in run.err
        finally:
            stop_process(card.server)


def test_no_pcsc_service(tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    card.manifest.write_text(card.manifest.read_text().replace('backend = "sim"', 'backend = "pcsc"'))
    env_socket = tmp_path / "no-pcscd.comm"
    import os
    import subprocess

    env = card.env("en") | {"PCSCLITE_CSOCK_NAME": str(env_socket)}
    proc = subprocess.run(
        [str(Path(os.sys.executable).parent / "aosign-host"), "status"], capture_output=True, env=env, check=False
    )
    assert proc.returncode == 6, proc.stderr
    assert b"PC/SC" in proc.stderr


__all__ = ["serve_card"]
