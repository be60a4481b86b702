"""Fuzz: damaged certificates and damaged PKCS#15 directories through the certificate reading path.

Whatever the card holds (a certificate with bytes flipped, cut or inserted; an EF.DIR, EF.ODF or CDF of random or
mutated DER), reading and parsing answer: each certificate is either parsed, with every field CONTRACT.md needs, or
reported unreadable. Never an exception.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aosign_plugin.apdu.iso7816 import ApduProtocol
from aosign_plugin.backends.certificate_cache import evaluate
from aosign_plugin.domain.card_status import CardStatus, Counter
from aosign_plugin.domain.certificates import CertificateStatus, RawCertificate, UnreadableCertificate
from aosign_plugin.frontends.terminal_view import status_json, status_lines
from aosign_plugin.session.pkcs15_reader import Pkcs15Reader
from aosign_plugin.simcard.pkcs15_files import APP_FID, DIR_FID, MF_FID, ODF_FID, PKCS15_AID, CardFile, der
from aosign_plugin.simcard.pkcs15_files import FileSystem as Fs
from tests.support.certs import OpensslCa
from tests.support.pkcs15_cards import LaidOutCard, Link, cdf_entry, layout, path

NOW = dt.datetime.now(dt.UTC)
_FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    ca = OpensslCa(tmp_path_factory.mktemp("ca") / "ca")
    return ca.issue("/C=JP/O=青空/CN=山田 太郎", NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=30)).der


@st.composite
def mutated(draw: st.DrawFn, base: bytes) -> bytes:
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "delete", "length"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[i] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del data[i:]
        elif kind == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[i : i + draw(st.integers(1, 8))]
        else:  # a length byte of some TLV made long-form and huge
            data[i : i + 1] = b"\x84\xff\xff\xff\xff"
    return bytes(data)


def check(found: tuple[CertificateStatus, ...], bad: tuple[UnreadableCertificate, ...], n: int) -> None:
    assert len(found) + len(bad) == n
    for item in found:
        entry = item.to_json()
        assert isinstance(entry["subject"], str) and isinstance(entry["issuer"], str)
        assert isinstance(entry["days_left"], int)
        assert str(entry["not_after"]).endswith("Z") and str(entry["not_before"]).endswith("Z")
        int(str(entry["serial"]).lstrip("-"), 16)
    for b in bad:
        assert b.reason in {"malformed", "not_found", "unreadable", "directory", "too_many"}


def test_mutated_certificates_parse_or_are_reported(cert: bytes) -> None:
    @_FUZZ
    @given(data=mutated(cert))
    def run(data: bytes) -> None:
        found, bad = evaluate([RawCertificate("x", data)], warn_days=60)
        check(found, bad, 1)

    run()


@given(data=st.binary(max_size=600))
@settings(max_examples=300, deadline=None)
def test_random_bytes_are_reported(data: bytes) -> None:
    found, bad = evaluate([RawCertificate(None, data)], warn_days=60)
    check(found, bad, 1)


def _read(fs: Fs) -> None:
    card = LaidOutCard(fs)
    card.power_on()
    reading = Pkcs15Reader(ApduProtocol(Link(card))).read()
    found, bad = evaluate(reading.certificates, warn_days=60)
    check(found, bad, len(reading.certificates))
    assert {c[1] for c in card.commands} <= {0xA4, 0xB0}
    # and the status shows whatever came: texts in both languages, JSON that serialises
    status = CardStatus(
        "pcsc", "r", Counter(10), Counter(10), serial=reading.serial, certificates=found, unreadable_certificates=bad
    )
    for lang in ("ja", "en"):
        assert status_lines(status, lang)
        json.dumps(status_json(status, lang), ensure_ascii=False)


def test_mutated_directories_are_read_or_reported(cert: bytes) -> None:
    cdf = cdf_entry("Sign", b"\x45", path(MF_FID, APP_FID, 0x4331)) + cdf_entry("Direct", b"\x46", der(0xA0, cert))
    odf = der(0xA4, path(MF_FID, APP_FID, 0x4403))
    ef_dir = der(0x61, der(0x4F, PKCS15_AID), der(0x51, bytes.fromhex("3F005015")))

    @_FUZZ
    @given(which=st.sampled_from(["dir", "odf", "cdf", "cert"]), data=st.data())
    def run(which: str, data: st.DataObject) -> None:
        files = {"dir": ef_dir, "odf": odf, "cdf": cdf, "cert": cert}
        files[which] = data.draw(mutated(files[which]))
        app = (MF_FID, APP_FID)
        fs = layout(files["cdf"], {0x4331: files["cert"]})
        children = next(f for f in fs.mf.children if f.fid == APP_FID).children
        children = tuple(f if f.fid != ODF_FID else CardFile(path=(*app, ODF_FID), data=files["odf"]) for f in children)
        _read(
            Fs(
                CardFile(
                    path=(MF_FID,),
                    children=(
                        CardFile(path=(MF_FID, DIR_FID), data=files["dir"]),
                        CardFile(path=app, name=PKCS15_AID, children=children),
                    ),
                )
            )
        )

    run()


@given(cdf=st.binary(max_size=300))
@settings(max_examples=300, deadline=None)
def test_random_cdfs_are_read_or_reported(cdf: bytes) -> None:
    _read(layout(cdf, {}))
