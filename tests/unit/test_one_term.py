"""One term per thing (issue 28): the words of the issuer's FAQ across the window, the command line and doctor, and
the simulated card's serial written one way on its sheet and in the status."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from aosign_plugin.catalogs import ja
from aosign_plugin.simcard.pkcs15_files import serial_octets
from aosign_plugin.simcard.store import new_serial
from hostapp_stub import messages
from tests.support.cards import make_card


def _ja_texts() -> dict[str, str]:
    return {**ja.MESSAGES, **{f"host:{k}": v for k, v in messages._MESSAGES["ja"].items()}}


@pytest.mark.parametrize(
    ("other", "faq"),
    [
        ("カードリーダー", "ICカードリーダ"),
        ("リーダー", "ICカードリーダ"),
        ("AOSign ICカード", "AOSignICカード"),
        ("シミュレーション", "模擬カード"),
        ("PINについて", "「PIN(暗証番号)について」"),
    ],
)
def test_japanese_texts_use_the_faqs_terms(other: str, faq: str) -> None:
    found = [key for key, text in _ja_texts().items() if other in text]
    assert found == [], f"{other!r} where the FAQ says {faq!r}: {found}"


def test_a_simulated_cards_serial_is_written_as_the_card_tells_it() -> None:
    for _ in range(50):
        serial = new_serial()
        assert re.fullmatch(r"[0-9]{8}", serial)
        assert serial_octets(serial).hex() == serial  # what the status and OpenSC show: the same eight digits


def test_the_text_status_in_japanese_says_no_english(tmp_path: Path) -> None:
    """``aosign-host status`` in ``ja`` on the simulated card: Japanese throughout, dates as the local day; only
    proper nouns and what the card itself says (its certificate's issuer, serial numbers) are in Latin letters."""
    card = make_card(tmp_path, "sim", issue_options=("--holder", "山田 花子"))
    run = card.host("status", lang="ja")
    assert run.code == 0, run.text
    data = json.loads(card.host("status", "--json", lang="ja").out)
    text = run.out
    for item in [c["issuer"] for c in data["certificates"]] + [c["serial"] for c in data["certificates"]]:
        text = text.replace(item, " ")
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9#/]*", text)) - {"AOSign", "AOSignIC", "IC", "PIN", "PC/SC", "PKCS#11"}
    assert words == set(), run.out
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日まで\(残り\d+日\)", run.out), run.out
    assert data["certificates"][0]["not_after"].endswith("Z")  # JSON keeps ISO 8601 in UTC
    assert data["serial"] in run.out and re.fullmatch(r"[0-9]{8}", data["serial"])
