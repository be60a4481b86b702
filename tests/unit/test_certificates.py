"""Certificates: the validity decision on literal dates, parsing compared with openssl, the digest cache."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from aosign_plugin.backends.certificate_cache import CertificateCache, evaluate
from aosign_plugin.domain.certificates import (
    CertificateError,
    CertState,
    RawCertificate,
    UnreadableCertificate,
    cert_state,
    days_left,
    format_time,
    parse_certificate,
)
from tests.support.certs import OpensslCa, expected_entry, openssl_says

UTC = dt.UTC


def d(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- the decision: pure, literal dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "state", "left"),
    [
        ("2025-12-31T23:59:59", CertState.NOT_YET_VALID, 730),
        ("2026-01-01T00:00:00", CertState.VALID, 729),
        ("2027-11-01T12:00:00", CertState.VALID, 60),
        ("2027-11-02T00:00:00", CertState.EXPIRING, 59),
        ("2027-12-31T12:00:00", CertState.EXPIRING, 0),
        ("2027-12-31T23:59:59", CertState.EXPIRING, 0),
        ("2028-01-01T00:00:00", CertState.EXPIRED, -1),
        ("2028-03-01T00:00:00", CertState.EXPIRED, -61),
    ],
)
def test_state_and_days_left_on_literal_dates(now: str, state: CertState, left: int) -> None:
    nb, na = d("2026-01-01T00:00:00"), d("2027-12-31T23:59:59")
    assert cert_state(nb, na, d(now), 60) is state
    assert days_left(na, d(now)) == left


def test_expiring_threshold_follows_the_setting() -> None:
    nb, na = d("2026-01-01T00:00:00"), d("2026-03-01T00:00:00")
    now = d("2026-02-19T00:00:00")  # 10 days left
    assert cert_state(nb, na, now, 10) is CertState.VALID
    assert cert_state(nb, na, now, 11) is CertState.EXPIRING
    assert cert_state(nb, na, now, 0) is CertState.VALID


def test_days_left_counts_utc_calendar_days_whatever_the_zone() -> None:
    tokyo = dt.timezone(dt.timedelta(hours=9))
    na = d("2026-03-01T00:30:00")
    assert days_left(na, dt.datetime(2026, 3, 1, 9, 0, tzinfo=tokyo)) == 0  # 00:00 UTC that day
    assert format_time(dt.datetime(2026, 3, 1, 9, 0, 5, tzinfo=tokyo)) == "2026-03-01T00:00:05Z"


# --- parsing: what openssl says -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> OpensslCa:
    return OpensslCa(tmp_path_factory.mktemp("ca") / "ca")


NOW = dt.datetime.now(UTC).replace(microsecond=0)

SUBJECTS = [
    "/C=JP/O=青空商事株式会社/CN=山田 太郎",
    "/C=JP/CN=ﾔﾏﾀﾞ ﾀﾛｳ",
    "/C=JP/O=No Common Name Ltd/OU=Δοκιμή",
    "/C=JP/O=Кириллица/CN=Иван, Петров",
    "/CN=a+b=c \\; d",
]
PERIODS = {
    "valid": (NOW - dt.timedelta(days=100), NOW + dt.timedelta(days=700)),
    "expiring": (NOW - dt.timedelta(days=300), NOW + dt.timedelta(days=3, hours=2)),
    "expired": (NOW - dt.timedelta(days=400), NOW - dt.timedelta(days=1)),
    "not_yet_valid": (NOW + dt.timedelta(days=2), NOW + dt.timedelta(days=400)),
}


@pytest.mark.parametrize("subject", SUBJECTS)
@pytest.mark.parametrize("period", list(PERIODS))
def test_parsed_fields_match_openssl(ca: OpensslCa, subject: str, period: str) -> None:
    made = ca.issue(subject, *PERIODS[period])
    got, bad = evaluate([RawCertificate("Sign", made.der)], warn_days=60)
    assert bad == ()
    assert got[0].to_json() == expected_entry(made.pem, "Sign")
    assert got[0].state.value == period


def test_unreadable_inputs_are_reported_not_raised(ca: OpensslCa) -> None:
    made = ca.issue("/CN=Truncated", *PERIODS["valid"])
    cases = {
        "truncated": made.der[:-10],
        "trailing": made.der + b"\x00\x01",
        "empty": b"",
        "not der": b"hello, world",
        "pem text": made.pem.read_bytes(),
        "flipped": made.der[:40] + bytes([made.der[40] ^ 0xFF]) + made.der[41:],
    }
    got, bad = evaluate([RawCertificate(name, data) for name, data in cases.items()], warn_days=60)
    assert [b.label for b in bad if b.reason == "malformed"] == [
        n for n in cases if n not in {g.info.label for g in got}
    ]
    assert {b.label for b in bad} >= {"truncated", "trailing", "empty", "not der", "pem text"}
    with pytest.raises(CertificateError):
        parse_certificate(RawCertificate(None, cases["truncated"]))


def test_directory_errors_pass_through(ca: OpensslCa) -> None:
    made = ca.issue("/CN=Fine", *PERIODS["valid"])
    gone = UnreadableCertificate("gone", "not_found", "SW=6A82")
    got, bad = evaluate([gone, RawCertificate("fine", made.der)], warn_days=60)
    assert bad == (gone,)
    assert got[0].info.label == "fine"
    assert got[0].info.serial == openssl_says(made.pem)["serial"]


# --- the cache ----------------------------------------------------------------------------------------------------


def test_cache_keeps_parsed_fields_by_digest(ca: OpensslCa, tmp_path: Path) -> None:
    made = ca.issue("/CN=Cached 太郎", *PERIODS["expiring"])
    path = tmp_path / "certificates.json"
    first, _ = evaluate([RawCertificate("a", made.der, "45")], warn_days=60, cache=CertificateCache(path))
    stored = json.loads(path.read_text(encoding="utf-8"))
    digest = RawCertificate(None, made.der).digest
    assert list(stored["entries"]) == [digest]
    assert "label" not in stored["entries"][digest]  # the card's label is the card's, not the certificate's
    again, _ = evaluate([RawCertificate("b", made.der, "46")], warn_days=60, cache=CertificateCache(path))
    assert again[0].info.label == "b" and again[0].info.key_id == "46"
    assert again[0].to_json() | {"label": "a"} == first[0].to_json()


def test_cached_results_need_no_parser(ca: OpensslCa, tmp_path: Path) -> None:
    """What the cache is for: a status with a known certificate never imports asn1crypto."""
    made = ca.issue("/CN=No import", *PERIODS["valid"])
    path = tmp_path / "certificates.json"
    evaluate([RawCertificate(None, made.der)], warn_days=60, cache=CertificateCache(path))
    der = tmp_path / "c.der"
    der.write_bytes(made.der)
    code = (
        "import sys; from pathlib import Path\n"
        "from aosign_plugin.backends.certificate_cache import CertificateCache, evaluate\n"
        "from aosign_plugin.domain.certificates import RawCertificate\n"
        f"got, bad = evaluate([RawCertificate(None, Path({str(der)!r}).read_bytes())], warn_days=60,"
        f" cache=CertificateCache(Path({str(path)!r})))\n"
        "assert got and not bad\n"
        "print('asn1crypto' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_damaged_cache_costs_only_a_parse(ca: OpensslCa, tmp_path: Path) -> None:
    made = ca.issue("/CN=Damaged cache", *PERIODS["valid"])
    path = tmp_path / "certificates.json"
    digest = RawCertificate(None, made.der).digest
    for text in ("{", "[]", json.dumps({"format": 1, "entries": {digest: {"subject": 1}}})):
        path.write_text(text, encoding="utf-8")
        got, bad = evaluate([RawCertificate(None, made.der)], warn_days=60, cache=CertificateCache(path))
        assert not bad and got[0].info.subject == "Damaged cache"
