"""Dates as office staff read them (issue 28): the local day, in the user's language; JSON keeps ISO 8601 UTC."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest

from aosign_plugin.domain.card_status import CardStatus, Counter
from aosign_plugin.domain.certificates import CertificateInfo, assess
from aosign_plugin.frontends.local_dates import days_until, local_date
from aosign_plugin.frontends.terminal_view import status_json, status_lines

END = dt.datetime(2029, 12, 3, 20, 41, 2, tzinfo=dt.UTC)


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Set the process's time zone for one test (``zone("Asia/Tokyo")``), back to what it was afterwards."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


def test_the_local_day_in_each_language(zone) -> None:  # type: ignore[no-untyped-def]
    zone("Asia/Tokyo")
    assert local_date(END, "ja") == "2029年12月4日"  # 05:41 the next morning in Tokyo
    assert local_date(END, "en") == "4 Dec 2029"
    zone("Europe/London")
    assert local_date(END, "ja") == "2029年12月3日"
    assert local_date(END, "en") == "3 Dec 2029"
    assert local_date(dt.datetime(2030, 1, 9, 12), "en") == "9 Jan 2030"  # naive: taken as UTC


def test_days_until_counts_local_days(zone) -> None:  # type: ignore[no-untyped-def]
    now = dt.datetime(2026, 12, 4, 20, 40, tzinfo=dt.UTC)
    zone("Europe/London")
    assert days_until(END, now) == 1095
    zone("Asia/Tokyo")  # both a day later there
    assert days_until(END, now) == 1095
    assert days_until(now, now) == 0 and days_until(now - dt.timedelta(days=1), now) == -1


def test_status_text_is_local_and_json_stays_utc(zone) -> None:  # type: ignore[no-untyped-def]
    zone("Asia/Tokyo")
    now = dt.datetime(2026, 12, 4, 20, 40, tzinfo=dt.UTC)
    info = CertificateInfo(
        label="Signing certificate", subject="山田 花子", issuer="CA", serial="01", not_before=now, not_after=END
    )
    status = CardStatus("sim", "AOSign simulated card", Counter(10), Counter(10), certificates=(assess(info, now, 60),))
    ja = "\n".join(status_lines(status, "ja"))
    assert "2026年12月5日から2029年12月4日まで" in ja and "Z" not in ja.replace("AOSignICカード", "")
    assert "署名用電子証明書" in ja and "Signing certificate" not in ja  # our own label, in Japanese
    assert "模擬カード" in ja and "simulated" not in ja
    en = "\n".join(status_lines(status, "en"))
    assert "valid from 5 Dec 2026 to 4 Dec 2029" in en
    cert = status_json(status, "ja")["certificates"][0]
    assert cert["not_after"] == "2029-12-03T20:41:02Z" and cert["label"] == "Signing certificate"
