"""Certificates in the card's status: advice and its urgency, the texts in ja and en, JSON as CONTRACT.md has it,
and the manifest keys ``[card] certificates`` and ``[status] expiry_warn_days``."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest

from aosign_plugin.config.settings import parse_settings
from aosign_plugin.domain.card_status import Advice, CardStatus, Counter
from aosign_plugin.domain.certificates import (
    CertificateInfo,
    CertificateStatus,
    CertState,
    UnreadableCertificate,
    assess,
)
from aosign_plugin.frontends.terminal_view import status_json, status_lines

NOW = dt.datetime(2026, 11, 28, 3, 0, tzinfo=dt.UTC)


def cert(days: int, *, label: str | None = "Sign", subject: str = "山田 太郎", start: int = -300) -> CertificateStatus:
    info = CertificateInfo(
        label=label,
        subject=subject,
        issuer="Test CA",
        serial="0A1B",
        not_before=NOW + dt.timedelta(days=start),
        not_after=NOW + dt.timedelta(days=days, hours=1),
    )
    return assess(info, NOW, 60)


def status(*certs: CertificateStatus, pin: int = 10, unblock: int = 10, **kw: object) -> CardStatus:
    return CardStatus("sim", "reader", Counter(pin), Counter(unblock), certificates=certs, **kw)  # type: ignore[arg-type]


def test_advice_for_expiring_and_expired() -> None:
    assert status(cert(400)).advices == ()
    assert status(cert(10)).advices == (Advice.CERTIFICATE_EXPIRING,)
    assert status(cert(-2)).advices == (Advice.CERTIFICATE_EXPIRED,)
    assert status(cert(400, start=3)).advices == ()  # not yet valid: shown as such, no advice
    # the expired one wins over an expiring one, and is the one named
    both = status(cert(10, subject="A"), cert(-1, subject="B"))
    assert both.certificate_advice is not None and both.certificate_advice[1].info.subject == "B"


@pytest.mark.parametrize(
    ("pin", "unblock", "days", "expected"),
    [
        (10, 0, -1, (Advice.REVOKE, Advice.CERTIFICATE_EXPIRED)),
        (0, 10, -1, (Advice.CERTIFICATE_EXPIRED, Advice.UNLOCK)),
        (1, 10, 5, (Advice.PIN_FINAL_TRY, Advice.CERTIFICATE_EXPIRING, Advice.RESET_RECOMMENDED)),
        (7, 10, 5, (Advice.CERTIFICATE_EXPIRING, Advice.RESET_RECOMMENDED)),
        (10, 2, 5, (Advice.UNBLOCK_LOW, Advice.CERTIFICATE_EXPIRING)),
    ],
)
def test_most_urgent_first(pin: int, unblock: int, days: int, expected: tuple[Advice, ...]) -> None:
    s = status(cert(days), pin=pin, unblock=unblock)
    assert s.advices == expected
    data = status_json(s, "en")
    assert data["advice_code"] == expected[0].value
    # every advice is given, most urgent first
    assert data["advice"].index("certificate") >= 0
    assert ("expired" in data["advice"]) == (days < 0)


def test_json_matches_the_contract() -> None:
    s = status(cert(10), serial="48210937", unreadable_certificates=(UnreadableCertificate("Bad", "malformed", "x"),))
    data = status_json(s, "ja")
    assert data["serial"] == "48210937"
    assert data["certificates"] == [
        {
            "label": "Sign",
            "subject": "山田 太郎",
            "issuer": "Test CA",
            "serial": "0A1B",
            "not_before": "2026-02-01T03:00:00Z",
            "not_after": "2026-12-08T04:00:00Z",
            "days_left": 10,
            "state": "expiring",
        }
    ]
    assert data["unreadable_certificates"] == [{"label": "Bad", "reason": "malformed"}]
    assert data["advice_code"] == "certificate_expiring"
    assert "更新の申込" in data["advice"]


def test_json_without_certificates() -> None:
    data = status_json(status(), "en")
    assert data["serial"] is None and data["certificates"] == [] and data["advice_code"] is None


@pytest.fixture
def tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's time zone is Tokyo's (the users'), back to what it was afterwards."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_lines_name_each_certificate_and_say_what_to_do(lang: str, tokyo: None) -> None:
    lines = status_lines(
        status(cert(-1), cert(500, label=None, subject="Other"), unreadable_certificates=(
            UnreadableCertificate(None, "not_found"),)),
        lang,
    )  # fmt: skip
    text = "\n".join(lines)
    assert "山田 太郎" in text and "Other" in text and "0A1B" in text
    # the local day in the user's language (issue 28): 04:00 UTC is 13:00 in Tokyo; never the ISO timestamp
    assert {"ja": "2026年11月27日", "en": "27 Nov 2026"}[lang] in text and "T04:00:00Z" not in text
    cannot = {"ja": "このICカードでは署名できません", "en": "this card can no longer sign"}[lang]
    assert cannot in text
    assert {"ja": "読み取れません", "en": "cannot be read"}[lang] in text
    assert {"ja": "有効期限切れ", "en": "expired"}[lang] in text
    none = status_lines(status(), lang)
    assert {"ja": "電子証明書: なし", "en": "Certificates: none"}[lang] in none


def test_expiry_warn_days_setting() -> None:
    settings, problems = parse_settings({"status": {"expiry_warn_days": 14}})
    assert problems == [] and settings.expiry_warn_days == 14
    assert parse_settings({})[0].expiry_warn_days == 60
    for bad in (-1, 5000, "60", True):
        _, problems = parse_settings({"status": {"expiry_warn_days": bad}})
        assert [p.key for p in problems] == ["status.expiry_warn_days"]
    _, problems = parse_settings({"status": {"warn": 1}})
    assert [p.key for p in problems] == ["status.warn"]


def test_certificate_paths_setting() -> None:
    settings, problems = parse_settings({"card": {"certificates": ["3F00/5015/4331", "5015 4332", "C000"]}})
    assert problems == []
    assert settings.certificate_paths == (
        bytes.fromhex("3F0050154331"),
        bytes.fromhex("3F0050154332"),
        bytes.fromhex("3F00C000"),
    )
    assert parse_settings({"card": {}})[0].certificate_paths is None
    for bad in ("3F00/5015", ["3F0"], ["zz00"], [""], [5], ["3F00"], [f"{i:04X}" for i in range(33)]):
        _, problems = parse_settings({"card": {"certificates": bad}})
        assert [p.key for p in problems] == ["card.certificates"], bad


def test_states_enum_values_are_the_contracts() -> None:
    assert {s.value for s in CertState} == {"valid", "expiring", "expired", "not_yet_valid"}


def test_window_panel_tone_follows_the_certificates() -> None:
    from aosign_plugin.frontends.glance import glance
    from hostapp_stub.api import Tone

    assert glance(status(cert(400)), "ja").tone is Tone.OK
    assert glance(status(cert(10)), "ja").tone is Tone.WARN
    assert glance(status(cert(-1)), "ja").tone is Tone.ERROR
