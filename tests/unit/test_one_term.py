"""One term per thing (issue 28): the words of the issuer's FAQ across the window, the command line and doctor, and
the simulated card's serial written one way on its sheet and in the status."""

from __future__ import annotations

import re

import pytest

from aosign_plugin.catalogs import ja
from aosign_plugin.simcard.card_store import new_serial
from aosign_plugin.simcard.pkcs15_files import serial_octets
from hostapp_stub import messages


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
