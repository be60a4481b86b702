"""What a user sees when the simulated card's files are broken, and what status tells (issue 12, items 5, 8-11).

Each case runs ``aosign-host`` and ``aosign-sim`` as a user does, on the in-process simulated card.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from aosign_plugin.simcard.apdu_log import ApduLog, read_log
from tests.support.cards import BIN, SHEET_CODE, SHEET_PIN, Card, edit_state, make_card


def _sim(card: Card, *args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = card.env(lang)
    return subprocess.run(
        [str(BIN / "aosign-sim"), *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


# --- item 8: a broken state is named, never taken for "no card issued" ---


def _truncate(card: Card) -> None:
    raw = card.state.read_bytes()
    card.state.write_bytes(raw[: len(raw) // 2])


def _garbage(card: Card) -> None:
    card.state.write_bytes(b"\x00\xffnot a card at all\n")


def _symlink(card: Card) -> None:
    other = card.state.with_name("other.json")
    other.write_text('{"hello": "world"}\n')
    card.state.unlink()
    card.state.symlink_to(other)


def _empty(card: Card) -> None:
    card.state.write_bytes(b"")


def _folder(card: Card) -> None:
    card.state.unlink()
    card.state.mkdir()


BROKEN = {
    "truncated": (_truncate, "sim_state_corrupt", "cut short"),
    "garbage": (_garbage, "sim_state_corrupt", ""),
    "empty": (_empty, "sim_state_corrupt", ""),
    "counter -5": (lambda c: edit_state(c, pin_tries_left=-5), "sim_state_invalid", "pin.tries_left"),
    "counter 99": (lambda c: edit_state(c, unblock_tries_left=99), "sim_state_invalid", "unblock.tries_left"),
    "symlink": (_symlink, "sim_state_symlink", "other.json"),
    "a folder": (_folder, "sim_state_unreadable", "not a regular file"),
}


@pytest.mark.parametrize("case", list(BROKEN))
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_broken_state_is_named_by_status(tmp_path: Path, case: str, lang: str) -> None:
    card = make_card(tmp_path, "sim")
    breaks, code, detail = BROKEN[case]
    if case == "truncated" and lang == "ja":
        detail = "途中で切れている"  # the catalog's words (where the JSON breaks depends on the card's size)
    breaks(card)
    run = card.host("status", lang=lang)
    assert run.code == 6, run.text
    assert "Traceback" not in run.text
    assert str(card.state) in run.text
    assert detail in run.text
    if code in ("sim_state_corrupt", "sim_state_invalid"):
        assert "aosign-sim issue --force" in run.text  # how to replace it
    no_card = {"ja": "まだ発行されていません", "en": "No simulated card has been issued yet"}[lang]
    assert no_card not in run.text
    data = json.loads(card.host("status", "--json", lang=lang).out)
    assert data["error"]["code"] == code
    assert data["error"]["exit_code"] == 6
    assert str(card.state) in data["error"]["message"]


@pytest.mark.parametrize("case", list(BROKEN))
def test_issue_keep_never_passes_over_a_broken_card(tmp_path: Path, case: str) -> None:
    card = make_card(tmp_path, "sim")
    BROKEN[case][0](card)
    for args in (("issue", "--keep"), ("issue",)):
        run = _sim(card, *args, "--state", str(card.state))
        assert run.returncode == 6, (args, run.stdout, run.stderr)
        assert "Traceback" not in run.stderr
        assert str(card.state) in run.stderr
        assert f"aosign-sim issue --force --state {card.state}" in run.stderr
        assert run.stdout == ""  # no sheet printed


def test_issue_keep_keeps_a_good_card_and_force_replaces_a_broken_one(tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    run = _sim(card, "issue", "--keep", "--state", str(card.state))
    assert run.returncode == 0 and run.stdout == ""
    _truncate(card)
    run = _sim(card, "issue", "--force", "--state", str(card.state))
    assert run.returncode == 0, run.stderr
    assert "About your PIN" in run.stdout
    assert card.host("status").code == 0


def test_aosign_sim_follows_lang_env_and_locale(tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    _garbage(card)
    env = {k: v for k, v in card.env("ja").items() if k != "AOSIGN_LANG"}
    ja_text = "壊れています"
    en_text = "is damaged"

    def sim(*args: str, **extra: str) -> str:
        run = subprocess.run(
            [str(BIN / "aosign-sim"), *args, "--state", str(card.state)],
            capture_output=True,
            text=True,
            env={**env, **extra},
            timeout=60,
            check=False,
        )
        assert run.returncode == 6
        return run.stderr

    assert ja_text in sim("show", LANG="ja_JP.UTF-8")
    assert en_text in sim("show", LANG="C.UTF-8")
    assert en_text in sim("show", LANG="ja_JP.UTF-8", AOSIGN_LANG="en")
    assert ja_text in sim("show", LANG="C.UTF-8", AOSIGN_LANG="ja")
    assert en_text in sim("--lang", "en", "show", AOSIGN_LANG="ja")
    assert en_text in sim("show", AOSIGN_LANG="", LANG="C")  # empty means unset
    assert ja_text in sim("issue", "--lang", "ja", "--keep", LANG="C")


def test_aosign_sim_show_in_japanese(tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    run = _sim(card, "--lang", "ja", "show", "--state", str(card.state))
    assert run.returncode == 0
    assert "PIN(暗証番号)の残り回数: 10 / 10 回" in run.stdout
    assert "使用できます" in run.stdout


# --- item 5: a torn APDU log line never bricks the card; a log that cannot be written is named ---


def test_torn_log_line_does_not_brick_the_card(tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    assert card.host("status").code == 0
    whole = card.log.read_bytes()
    with card.log.open("ab") as fh:  # what a short write on a full disk leaves
        fh.write(b'{"seq": 99, "cla": 0, "ins": 32, "p1"')
    for command in (("status",), ("status", "--json")):
        run = card.host(*command)
        assert run.code == 0, run.text
    run = card.host("change-pin", answers=[SHEET_PIN, "Zq8Wm4Tx", "Zq8Wm4Tx"])
    assert run.code == 0, run.text
    contents = read_log(card.log)
    assert contents.torn == 1
    assert card.log.read_bytes().startswith(whole)
    assert all(line.endswith(b"}") for line in card.log.read_bytes().splitlines()[: whole.count(b"\n")])
    # the entries after the torn line are whole, and the PIN change is in them
    assert [e["ins"] for e in contents.entries].count(0x24) == 1


def test_torn_header_alone_is_started_again(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_bytes(b'{"format": "aosign-sim-apd')
    ApduLog(log).record(b"\x00\x20\x00\x81", 0x63CA, None)
    contents = read_log(log)
    assert len(contents.entries) == 1 and contents.torn == 0


def test_a_file_that_is_not_a_log_is_never_truncated(tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    card.log.write_bytes(b"someone's notes, no line break")
    run = card.host("status", "--json", lang="en")
    assert run.code == 6
    error = json.loads(run.out)["error"]
    assert error["code"] == "sim_log_corrupt"
    assert str(card.log) in error["message"] and "APDU log" in error["message"]
    assert card.log.read_bytes() == b"someone's notes, no line break"


def test_log_that_cannot_be_written_is_named_as_the_log(tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    card.log.unlink(missing_ok=True)
    card.log.mkdir()  # cannot be opened for writing, whoever runs the test
    run = card.host("status", "--json", lang="en")
    assert run.code == 6, run.text
    error = json.loads(run.out)["error"]
    assert error["code"] == "sim_log_unwritable"
    assert "APDU log" in error["message"] and str(card.log) in error["message"]
    assert "state" not in error["message"].split("APDU log")[0]


# --- item 11: unlock refuses a new PIN equal to the code typed, before anything is sent ---


def test_unlock_refuses_the_code_as_new_pin_before_sending(tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    before = card.counters()
    run = card.host("unlock", answers=[SHEET_CODE, SHEET_CODE, SHEET_CODE], lang="en")
    assert run.code == 2, run.text
    assert "unblocking code" in run.text
    assert SHEET_CODE not in run.text
    assert card.counters() == before
    assert not [e for e in card.apdu_log().entries if e["ins"] == 0x2C]
