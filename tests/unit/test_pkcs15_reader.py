"""The PKCS#15 certificate reader on a simulated card whose files each test lays out: what it reads, which APDUs
it sends (never one that carries or spends a PIN), and what it makes of damaged or odd directories."""

from __future__ import annotations

import datetime as dt

import pytest

from aosign_plugin.apdu.iso7816 import ApduProtocol
from aosign_plugin.config.dialect import CardDialect
from aosign_plugin.domain.certificates import RawCertificate, UnreadableCertificate
from aosign_plugin.session.pkcs15_reader import MAX_CERTIFICATES, Pkcs15Reader, parse_tlvs
from aosign_plugin.simcard.card import SimCard
from aosign_plugin.simcard.pkcs15_files import APP_FID, MF_FID, CardFile, der
from aosign_plugin.simcard.store import QUICK_KDF, MemoryStore, new_card_state
from tests.support.certs import OpensslCa
from tests.support.pkcs15_cards import Fs, LaidOutCard, Link, cdf_entry, layout, path, read

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    ca = OpensslCa(tmp_path_factory.mktemp("ca") / "ca")
    return [ca.issue(f"/CN=Holder {i}", NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=90)).der for i in range(3)]


def test_reads_each_certificate_the_cdf_names(certs: list[bytes]) -> None:
    cdf = cdf_entry("Sign", b"\x45", path(MF_FID, APP_FID, 0x4331)) + cdf_entry(
        "Auth",
        b"\x46",
        path(0x4332),  # relative to the application
    )
    card, reader, found, serial = read(layout(cdf, {0x4331: certs[0], 0x4332: certs[1]}))
    assert found == (RawCertificate("Sign", certs[0], "45"), RawCertificate("Auth", certs[1], "46"))
    assert serial == "48210937"
    # nothing that carries or checks a PIN: SELECT and READ BINARY only
    assert {c[1] for c in card.commands} == {0xA4, 0xB0}
    assert reader.apdus_sent == len(card.commands)


def test_offset_and_length_inside_a_file_and_a_direct_value(certs: list[bytes]) -> None:
    blob = b"\xaa" * 7 + certs[0] + b"\xbb" * 5
    cdf = cdf_entry("Inside", b"\x01", path(0x4331, index=7, length=len(certs[0]))) + cdf_entry(
        "Direct", b"\x02", der(0xA0, certs[1])
    )
    _, _, found, _ = read(layout(cdf, {0x4331: blob}))
    assert [(c.label, c.data) for c in found if isinstance(c, RawCertificate)] == [
        ("Inside", certs[0]),
        ("Direct", certs[1]),
    ]


def test_a_cdf_pointing_nowhere_is_one_unreadable_certificate(certs: list[bytes]) -> None:
    cdf = cdf_entry("Gone", b"\x01", path(0x4339)) + cdf_entry("Here", b"\x02", path(0x4331))
    _, _, found, _ = read(layout(cdf, {0x4331: certs[0]}))
    assert found[0] == UnreadableCertificate("Gone", "not_found", "SW=6A82")
    assert found[1] == RawCertificate("Here", certs[0], "02")


def test_truncated_or_padded_files_are_read_as_they_are(certs: list[bytes]) -> None:
    cdf = cdf_entry("Short", b"\x01", path(0x4331)) + b"\x00" * 20  # a CDF padded with zeros
    _, _, found, _ = read(layout(cdf, {0x4331: certs[0][:100]}))
    assert found == (RawCertificate("Short", certs[0][:100], "01"),)


def test_twenty_certificates_and_a_cap(certs: list[bytes]) -> None:
    files = {0x4340 + i: certs[i % 3] for i in range(MAX_CERTIFICATES + 3)}
    cdf = b"".join(cdf_entry(f"C{i}", bytes([i]), path(fid)) for i, fid in enumerate(files))
    _, _, found, _ = read(layout(cdf, dict(list(files.items())[:20])))
    readable = [c for c in found if isinstance(c, RawCertificate)]
    assert len(readable) == 20
    assert all(isinstance(c, UnreadableCertificate) for c in found[20:])
    assert found[-1] == UnreadableCertificate(f"C{MAX_CERTIFICATES}", "too_many")


@pytest.mark.parametrize(
    "cdf",
    [
        b"\x30\x05\x30\x03\x0c",  # truncated
        der(0x30, der(0x30, der(0x0C, b"x"))),  # no typeAttributes
        der(0x30, der(0x30), der(0x30), der(0xA1, der(0x30))),  # no value
        der(0x30, der(0x30), der(0x30), der(0xA1, der(0x30, der(0x30, der(0x04, b"\x43"))))),  # odd path
    ],
)
def test_a_damaged_cdf_is_reported_not_raised(cdf: bytes) -> None:
    _, _, found, serial = read(layout(cdf, {}))
    assert found == (UnreadableCertificate(None, "directory", found[0].detail),)  # type: ignore[union-attr]
    assert serial == "48210937"


def test_no_pkcs15_application_means_no_certificates() -> None:
    empty = Fs(CardFile(path=(MF_FID,), children=()))
    _, _, found, serial = read(empty)
    assert found == () and serial is None


def test_without_ef_dir_the_usual_application_is_tried(certs: list[bytes]) -> None:
    cdf = cdf_entry("Sign", b"\x01", path(0x4331))
    _, _, found, _ = read(layout(cdf, {0x4331: certs[2]}, ef_dir=False))
    assert found == (RawCertificate("Sign", certs[2], "01"),)


def test_files_named_by_the_dialect(certs: list[bytes]) -> None:
    card = LaidOutCard(layout(None, {0x4331: certs[0]}))
    card.power_on()
    reader = Pkcs15Reader(ApduProtocol(Link(card)))
    found = reader.read_files([bytes.fromhex("3F0050154331"), bytes.fromhex("50154339")])
    assert found == [RawCertificate(None, certs[0]), UnreadableCertificate(None, "not_found", "SW=6A82")]


def test_tlv_walker_limits() -> None:
    assert parse_tlvs(b"") == []
    assert parse_tlvs(b"\x5f\x1f\x01\xaa")[0].tag == 0x5F1F
    for bad in (b"\x30", b"\x30\x85\x00\x00\x00\x00\x01", b"\x30\x82\x01", b"\x1f\x81\x81\x81\x81\x01\x00"):
        with pytest.raises(ValueError):
            parse_tlvs(bad)


def test_dialect_is_not_needed() -> None:
    """File commands use the interindustry class 00 whatever the card's PIN dialect (CLA 80 here)."""
    card = SimCard(MemoryStore(new_card_state(b"31415926", b"31415926", dialect=CardDialect(cla=0x80), kdf=QUICK_KDF)))
    card.power_on()
    assert Pkcs15Reader(ApduProtocol(Link(card))).read().serial is not None
