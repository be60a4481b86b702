"""The user's flows end to end: ``aosign-host`` as a subprocess with answers on stdin, against the simulated card
in process and served to the real pcscd through vpcd's second reader. The card's own APDU log is the witness."""

from __future__ import annotations

import json

from tests.support.cards import SHEET_CODE, SHEET_PIN, Card

LOCK_MESSAGE = "PIN(暗証番号)の変更に失敗しました。ICカードはロックされています。"
WRONG_PIN = "PIN(暗証番号)が不正です。"


def test_status(card: Card) -> None:
    run = card.host("status")
    assert run.code == 0, run.text
    assert "10 / 10" in run.out
    data = card.status()
    assert data["backend"] == card.backend
    assert data["state"] == "ready"
    assert data["pin"] == {"tries_left": 10, "max_tries": 10, "source": "card", "reason": None}
    assert data["unblock"] == {"tries_left": 10, "max_tries": 10, "source": "card", "reason": None}
    assert data["advice"] is None
    if card.backend == "pcsc":
        assert data["reader"] == "Virtual PCD 00 01"
    # reading the state spends nothing and sends no secret
    assert card.counters() == (10, 10)
    assert card.try_commands() == []


def test_change_and_change_back(card: Card) -> None:
    run = card.host("change-pin", answers=[SHEET_PIN, "Hk47vQ2w", "Hk47vQ2w"])
    assert run.code == 0, run.text
    assert "以上で、PIN(暗証番号)の変更は完了です。" in run.out
    run = card.host("change-pin", answers=["Hk47vQ2w", SHEET_PIN, SHEET_PIN], lang="en")
    assert run.code == 0, run.text
    assert "The PIN has been changed." in run.out
    assert card.counters() == (10, 10)
    tries = card.try_commands()
    assert len(tries) == 2  # one command per change: no retry, nothing else spent


def test_wrong_pin_counts_one_try(card: Card) -> None:
    run = card.host("change-pin", answers=["27182818", "Hk47vQ2w", "Hk47vQ2w"])
    assert run.code == 3, run.text
    assert WRONG_PIN in run.err and "残り9回" in run.err
    assert card.counters() == (9, 10)
    assert card.status()["pin"]["tries_left"] == 9
    # a correct PIN resets the count
    assert card.host("change-pin", answers=[SHEET_PIN, "Hk47vQ2w", "Hk47vQ2w"]).code == 0
    assert card.counters() == (10, 10)


def test_policy_refusal_sends_nothing(card: Card) -> None:
    before = card.apdu_log().entries
    for answers, reason in [
        ([SHEET_PIN, "111111", "111111"], "すべて同じ文字"),
        ([SHEET_PIN, "19850412", "19850412"], "他人に類推されやすいもの"),
        ([SHEET_PIN, "１２３４５", "１２３４５"], "全角"),
        ([SHEET_PIN, "Hk47vQ2w", "Hk47vQ2x"], "一致"),
        (["12", "Hk47vQ2w", "Hk47vQ2w"], "4"),  # the current PIN cannot be right: never sent
    ]:
        run = card.host("change-pin", answers=answers)
        assert run.code == 2, (answers, run.text)
        assert reason in run.err, run.err
        assert "カードには何も送っていません" in run.err
    assert card.counters() == (10, 10)
    log = card.apdu_log()
    assert card.try_commands() == []
    # status reads only (SELECT + empty VERIFYs, and READ BINARY of the certificates) happened
    assert {e["ins"] for e in log.entries[len(before) :]} <= {0xA4, 0x20, 0xB0}


def test_ten_wrong_pins_lock_then_unlock(card: Card) -> None:
    for i in range(9):
        run = card.host("change-pin", answers=[f"9{i}7{i}5{i}3x", "Hk47vQ2w", "Hk47vQ2w"])
        assert run.code == 3, run.text
        assert f"残り{9 - i}回" in run.err
        if 9 - i <= 8:
            assert "リセットをおすすめします" in run.err
    assert card.counters() == (1, 10)
    run = card.host("change-pin", answers=["LastTry99", "Hk47vQ2w", "Hk47vQ2w"])
    # told before the last try that it is the last
    assert "最後の1回" in run.err
    assert run.code == 4, run.text
    assert LOCK_MESSAGE in run.err
    assert card.counters() == (0, 10)
    assert card.status()["state"] == "locked"
    assert card.status()["advice_code"] == "unlock"
    # locked: nothing is asked and nothing is sent
    n = len(card.try_commands())
    run = card.host("change-pin", answers=[SHEET_PIN, "Hk47vQ2w", "Hk47vQ2w"])
    assert run.code == 4 and LOCK_MESSAGE in run.err and "aosign-host unlock" in run.err
    assert len(card.try_commands()) == n
    # unlock with the sheet
    run = card.host("unlock", answers=[SHEET_CODE, "Hk47vQ2w", "Hk47vQ2w"])
    assert run.code == 0, run.text
    assert card.counters() == (10, 10)
    assert card.host("change-pin", answers=["Hk47vQ2w", "Zt58bN3e", "Zt58bN3e"]).code == 0
    assert len(card.try_commands()) == n + 2, "a try-consuming command was repeated"


def test_unlock_when_not_locked(card: Card) -> None:
    run = card.host("unlock", answers=[SHEET_CODE, "Hk47vQ2w", "Hk47vQ2w"], lang="en")
    assert run.code == 0, run.text
    assert "unlocked" in run.out
    assert card.host("change-pin", answers=["Hk47vQ2w", "Zt58bN3e", "Zt58bN3e"]).code == 0


def test_ten_wrong_codes_kill_the_card(card: Card) -> None:
    for i in range(9):
        run = card.host("unlock", answers=[f"WRONGCODE{i:03d}", "Hk47vQ2w", "Hk47vQ2w"])
        assert run.code == 3, run.text
        assert f"あと{9 - i}回" in run.err
    assert card.counters() == (10, 1)
    # the last try of the code needs an explicit yes: without it nothing is sent
    n = len(card.try_commands())
    run = card.host("unlock", answers=["WRONGCODE999", "Hk47vQ2w", "Hk47vQ2w"])
    assert run.code == 2, run.text
    assert "--final-try" in run.err
    assert len(card.try_commands()) == n and card.counters() == (10, 1)
    run = card.host("unlock", "--final-try", answers=["WRONGCODE999", "Hk47vQ2w", "Hk47vQ2w"])
    assert run.code == 5, run.text
    assert "失効" in run.err and "発行" in run.err
    assert card.status()["state"] == "dead"
    assert card.status()["advice_code"] == "revoke"
    # dead: nothing asked, nothing sent, for either command
    n = len(card.try_commands())
    assert card.host("unlock", answers=[SHEET_CODE, "Hk47vQ2w", "Hk47vQ2w"]).code == 5
    assert card.host("change-pin", answers=[SHEET_PIN, "Hk47vQ2w", "Hk47vQ2w"]).code == 5
    assert len(card.try_commands()) == n


def test_status_json_in_english(card: Card) -> None:
    card.host("change-pin", answers=["27182818", "Hk47vQ2w", "Hk47vQ2w"])
    card.host("change-pin", answers=["27182819", "Hk47vQ2w", "Hk47vQ2w"])
    run = card.host("status", "--json", lang="en")
    data = json.loads(run.out)
    assert data["pin"]["tries_left"] == 8
    assert data["advice_code"] == "reset_recommended"
    assert "recommends resetting" in data["advice"]


def test_missing_answers_send_nothing(card: Card) -> None:
    run = card.host("change-pin", answers=[SHEET_PIN])
    assert run.code == 2, run.text
    assert card.try_commands() == []
