""" "Ready" means ready to sign: the headline, the state word, ``can_sign`` in JSON and ``status --quiet``'s exit code
follow the holder's certificate as well as the PIN (issue 30)."""

from __future__ import annotations

import datetime as dt

import pytest

from aosign_plugin.domain.card_status import CardStatus, Counter, SignReadiness
from aosign_plugin.domain.certificates import CertificateInfo, CertificateStatus, assess
from aosign_plugin.frontends.local_dates import local_date
from aosign_plugin.frontends.terminal_view import status_json, status_lines

NOW = dt.datetime(2026, 11, 28, 3, 0, tzinfo=dt.UTC)


def cert(days: int, *, start: int = -300, subject: str = "山田 太郎", issuer: str = "Test CA") -> CertificateStatus:
    info = CertificateInfo(
        label="Sign",
        subject=subject,
        issuer=issuer,
        serial="0A1B",
        not_before=NOW + dt.timedelta(days=start),
        not_after=NOW + dt.timedelta(days=days, hours=1),
    )
    return assess(info, NOW, 60)


def status(*certs: CertificateStatus, pin: int = 10, unblock: int = 10) -> CardStatus:
    return CardStatus("sim", "reader", Counter(pin), Counter(unblock), certificates=certs)


@pytest.mark.parametrize(
    ("card", "readiness"),
    [
        (status(cert(400)), SignReadiness.OK),
        (status(cert(10)), SignReadiness.OK),  # expiring: still signs today
        (status(), SignReadiness.OK),  # no certificate read: the PIN alone decides
        (status(cert(-2)), SignReadiness.CERTIFICATE_EXPIRED),
        (status(cert(400, start=3)), SignReadiness.CERTIFICATE_NOT_YET_VALID),
        (status(cert(-2), cert(400, start=3)), SignReadiness.CERTIFICATE_NOT_YET_VALID),  # renewed, not valid yet
        (status(cert(-2), cert(400)), SignReadiness.OK),  # the renewed one signs
        # a valid self-issued CA certificate beside the holder's expired one does not make the card sign
        (status(cert(-2), cert(4000, subject="Root", issuer="Root")), SignReadiness.CERTIFICATE_EXPIRED),
        (status(cert(-2), pin=0), SignReadiness.PIN_LOCKED),
        (status(cert(400), unblock=0), SignReadiness.CARD_DEAD),
    ],
)
def test_readiness(card: CardStatus, readiness: SignReadiness) -> None:
    assert card.signing[0] is readiness
    assert card.can_sign is (readiness is SignReadiness.OK)
    data = status_json(card, "en")
    assert data["can_sign"] is card.can_sign and data["can_sign_reason"] == readiness.value
    # state stays the PIN's state
    assert data["state"] == {"pin_locked": "locked", "card_dead": "dead"}.get(readiness.value, "ready")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_an_expired_certificate_heads_the_status_as_cannot_sign(lang: str) -> None:
    lines = status_lines(status(cert(-2)), lang)
    head = {"ja": "署名できません", "en": "Cannot sign"}[lang]
    # the day it expired, as the user reads a date: local, in their language (JSON keeps ISO 8601 UTC)
    day = local_date(NOW + dt.timedelta(days=-2, hours=1), lang)
    assert lines[0].startswith(head) and day in lines[0], lines[0]
    assert not any(line.endswith(("使用できます", ": ready")) for line in lines)
    renew = {"ja": "更新の申込を行ってください", "en": "Apply for renewal"}[lang]
    assert any(renew in line for line in lines)  # the renewal advice
    ready = status_lines(status(cert(400)), lang)
    assert ready[0] == {"ja": "署名できます。", "en": "Ready to sign."}[lang]
    coming = status_lines(status(cert(400, start=3)), lang)
    assert local_date(NOW + dt.timedelta(days=3), lang) in coming[0], coming[0]
