"""Certificates read by ``aosign-host status --json`` from real parts, compared field by field with ``openssl x509``.

- PC/SC: the simulated card served to pcscd through vpcd, read through its PKCS#15 directory; its own certificate
  (a Japanese holder name, expiring in 10 days) and certificates made by openssl outside the project put on it
  with ``aosign-sim add-certificate`` (Japanese names, a few days left, expired, not yet valid, no CN, twenty of
  them, damaged ones).
- OpenSC: ``pkcs11-tool -O`` lists the simulated card's certificate object, and our PKCS#11 backend over OpenSC's
  module reads the same certificate as our PC/SC backend.
- PKCS#11: SoftHSM2 tokens holding openssl's certificates (imported with ``pkcs11-tool --write-object``, damaged
  ones with python-pkcs11), read in a public session: no login, no try.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from aosign_plugin.simcard.store import CardStore
from tests.support.cards import BIN, SHEET_CODE, SHEET_PIN, Card, issue_card, make_card
from tests.support.certs import Made, OpensslCa, expected_entry
from tests.support.opensc import MODULE as OPENSC_MODULE
from tests.support.opensc import OPENSC_CONF, PORT, READER
from tests.support.realparts import serve_card, stop_process
from tests.support.softhsm import LABEL, MODULE, PIN, SoftHsm

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
DAY = dt.timedelta(days=1)

#: (label, subject, not_before, not_after): made by openssl, outside the project
OUTSIDE = [
    ("署名用", "/C=JP/O=青空商事株式会社/CN=山田 太郎", NOW - 300 * DAY, NOW + 3 * DAY + dt.timedelta(hours=5)),
    ("expired", "/C=JP/CN=ｽｽﾞｷ ﾊﾅｺ", NOW - 400 * DAY, NOW - DAY),
    ("future", "/C=JP/O=未来/CN=佐藤 次郎", NOW + 2 * DAY, NOW + 700 * DAY),
    ("no-cn", "/C=JP/O=No Common Name/OU=Δοκιμή", NOW - DAY, NOW + 500 * DAY),
]


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> OpensslCa:
    return OpensslCa(tmp_path_factory.mktemp("outside") / "ca")


@pytest.fixture(scope="module")
def outside(ca: OpensslCa) -> list[tuple[str, Made]]:
    return [(label, ca.issue(subject, nb, na)) for label, subject, nb, na in OUTSIDE]


def _add(card: Card, path: Path, label: str, *extra: str) -> None:
    subprocess.run(
        [str(BIN / "aosign-sim"), "add-certificate", "--state", str(card.state), "--label", label, *extra, str(path)],
        check=True,
        capture_output=True,
    )


def _pem_of(der: bytes, folder: Path) -> Path:
    d, p = folder / "x.der", folder / "x.pem"
    d.write_bytes(der)
    subprocess.run(["openssl", "x509", "-inform", "DER", "-in", str(d), "-out", str(p)], check=True)
    return p


def _status(run_json: Any) -> dict[str, Any]:
    assert isinstance(run_json, dict)
    return run_json


# --- PC/SC ---------------------------------------------------------------------------------------------------------


def test_the_simulated_cards_own_certificate_over_pcsc(pcscd: None, tmp_path: Path) -> None:
    card = make_card(tmp_path, "pcsc", issue_options=("--holder", "山田 太郎", "--expires-in", "10"))
    try:
        data = card.status()
        state = CardStore(card.state).load()
        ((label, der),) = state.certificates
        assert data["certificates"] == [expected_entry(_pem_of(der, tmp_path), label)]
        assert data["certificates"][0]["subject"] == "山田 太郎" and data["certificates"][0]["days_left"] == 10
        assert data["advice_code"] == "certificate_expiring"
        assert data["serial"] == "".join(c for c in state.serial if c.isdigit())
        # read without a PIN: not one command that carries or checks one beyond the two empty VERIFYs
        assert card.try_commands() == []
        # the CA that signed it is kept beside the card's state, and it checks out
        ca = card.state.parent / "sim-ca.pem"
        done = subprocess.run(
            ["openssl", "verify", "-CAfile", str(ca), str(_pem_of(der, tmp_path))], capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert "PRIVATE KEY" not in json.dumps(state.to_json()) and SHEET_PIN not in card.state.read_text()
    finally:
        stop_process(card.server)


def test_outside_certificates_over_pcsc(pcscd: None, tmp_path: Path, outside: list[tuple[str, Made]]) -> None:
    card = make_card(tmp_path, "pcsc", issue_options=("--no-certificate",))
    stop_process(card.server)
    for label, made in outside:
        _add(card, made.pem, label)  # PEM in, DER on the card
    damaged = tmp_path / "damaged.der"
    damaged.write_bytes(outside[0][1].der[:-40])
    _add(card, damaged, "truncated")
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x30\x82\xff\xff not a certificate")
    _add(card, garbage, "garbage")
    card.server = serve_card(card.state, 35964, card.log)
    try:
        for lang in ("ja", "en"):
            run = card.host("status", "--json", lang=lang)
            assert run.code == 0 and "Traceback" not in run.text, run.text
            data = json.loads(run.out)
            assert data["certificates"] == [expected_entry(made.pem, label) for label, made in outside]
            assert [c["state"] for c in data["certificates"]] == ["expiring", "expired", "not_yet_valid", "valid"]
            assert data["unreadable_certificates"] == [
                {"label": "truncated", "reason": "malformed"},
                {"label": "garbage", "reason": "malformed"},
            ]
            assert data["advice_code"] == "certificate_expired"
        text = card.host("status", lang="ja")
        assert text.code == 0 and "このICカードでは署名できません" in text.out and "読み取れません" in text.out
    finally:
        stop_process(card.server)


def test_twenty_certificates_over_pcsc(pcscd: None, tmp_path: Path, ca: OpensslCa) -> None:
    card = make_card(tmp_path, "pcsc", issue_options=("--no-certificate",))
    stop_process(card.server)
    made = [ca.issue(f"/C=JP/CN=職員 {i:02d}", NOW - DAY, NOW + (i * 30) * DAY) for i in range(20)]
    for i, m in enumerate(made):
        _add(card, m.pem, f"cert {i:02d}")
    card.server = serve_card(card.state, 35964, card.log)
    try:
        data = card.status()
        assert data["certificates"] == [expected_entry(m.pem, f"cert {i:02d}") for i, m in enumerate(made)]
    finally:
        stop_process(card.server)


@pytest.mark.parametrize("fault", ["ins=b0,nth=4,when=before", "ins=a4,nth=6,when=after"])
def test_card_pulled_while_its_certificate_is_read(pcscd: None, tmp_path: Path, fault: str) -> None:
    """The card vanishes in the middle of its certificate directory: a clear error, no traceback, no try."""
    card = make_card(tmp_path, "pcsc")
    stop_process(card.server)
    card.server = serve_card(card.state, 35964, card.log, fault=fault)
    try:
        for flag in ("--json", None):
            run = card.host("status", *([flag] if flag else []), lang="en")
            assert run.code == 6 and "Traceback" not in run.text, run.text
            if flag:
                assert json.loads(run.out)["error"]["exit_code"] == 6
        assert card.try_commands() == [] and card.counters() == (10, 10)
    finally:
        stop_process(card.server)


def test_card_without_pkcs15_reads_the_files_the_manifest_names(
    pcscd: None, tmp_path: Path, outside: list[tuple[str, Made]]
) -> None:
    """``[card] certificates``: the simulated card's certificate files read by path, without its directory."""
    card = make_card(
        tmp_path,
        "pcsc",
        issue_options=("--no-certificate",),
        card_table='[card]\naid = "A0000006474F5349474E"\ncertificates = ["3F00/5015/4331", "3F00/5015/4339"]\n',
    )
    stop_process(card.server)
    _add(card, outside[0][1].pem, "one")
    card.server = serve_card(card.state, 35964, card.log)
    try:
        data = card.status()
        assert data["certificates"] == [expected_entry(outside[0][1].pem, None)]
        assert data["unreadable_certificates"] == [{"label": None, "reason": "not_found"}]
        assert data["serial"] is None  # the card's directory was not read
    finally:
        stop_process(card.server)


def test_the_in_process_card_reads_the_same(tmp_path: Path, outside: list[tuple[str, Made]]) -> None:
    card = make_card(tmp_path, "sim", issue_options=("--holder", "Ω Tester", "--expires-in", "-1"))
    data = card.status()
    assert data["certificates"][0]["subject"] == "Ω Tester"
    assert data["certificates"][0]["state"] == "expired" and data["certificates"][0]["days_left"] == -1
    assert data["advice_code"] == "certificate_expired"
    # the card can still change its PIN; the advice is said before anything is asked
    run = card.host("--lang", "en", "change-pin", answers=[SHEET_PIN, "Kq7mZ2xw", "Kq7mZ2xw"])
    assert run.code == 0, run.text
    assert "this card can no longer sign" in run.text
    assert "this card can no longer sign" in run.err and "The PIN has been changed" in run.out


# --- OpenSC ----------------------------------------------------------------------------------------------------------


def _opensc_env(tmp_path: Path) -> dict[str, str]:
    conf = tmp_path / "opensc.conf"
    conf.write_text(OPENSC_CONF, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENSC_", "PKCS11_", "AOSIGN_"))}
    env.update(OPENSC_CONF=str(conf))
    return env


def test_opensc_lists_the_certificate_and_both_backends_agree(pcscd: None, tmp_path: Path) -> None:
    assert shutil.which("pkcs11-tool") and os.path.exists(OPENSC_MODULE), "apt-get install opensc opensc-pkcs11"
    state, log = tmp_path / "card.json", tmp_path / "card-apdus.jsonl"
    issue_card(state, SHEET_PIN, SHEET_CODE, "--holder", "田中 花子", "--expires-in", "30")
    server = serve_card(state, PORT, log)
    try:
        env = _opensc_env(tmp_path)
        listed = subprocess.run(
            ["pkcs11-tool", "--module", OPENSC_MODULE, "--slot-description", READER, "-O"],
            capture_output=True, text=True, env=env, timeout=30,
        )  # fmt: skip
        assert listed.returncode == 0, listed.stderr
        assert "Certificate Object" in listed.stdout and "Signing certificate" in listed.stdout, listed.stdout
        home = tmp_path / "home"
        home.mkdir()
        env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), XDG_CONFIG_HOME=str(home / ".config"))
        answers: dict[str, dict[str, Any]] = {}
        for backend, table in (
            ("pkcs11", f'[pkcs11]\nmodule.linux = "{OPENSC_MODULE}"\ntoken = "pkcs11:token=AOSign"\n'),
            ("pcsc", f'[pcsc]\nreader = "{READER}"\n'),
        ):
            manifest = tmp_path / f"{backend}.toml"
            manifest.write_text(f'[plugin]\nbackend = "{backend}"\n{table}', encoding="utf-8")
            run = subprocess.run(
                [str(BIN / "aosign-host"), "status", "--json"],
                capture_output=True, text=True, env={**env, "AOSIGN_MANIFEST": str(manifest)}, timeout=60,
            )  # fmt: skip
            assert run.returncode == 0, run.stdout + run.stderr
            answers[backend] = json.loads(run.stdout)
        ((label, der),) = CardStore(state).load().certificates
        entry = expected_entry(_pem_of(der, tmp_path), label)
        assert answers["pcsc"]["certificates"] == [entry]
        assert answers["pkcs11"]["certificates"] == [entry]
        assert answers["pkcs11"]["serial"].lower() == answers["pcsc"]["serial"]
    finally:
        stop_process(server)


# --- PKCS#11: SoftHSM2 -------------------------------------------------------------------------------------------


def _write_object(hsm: SoftHsm, der: bytes, label: str, key_id: str) -> None:
    path = hsm.root / f"{key_id}.der"
    path.write_bytes(der)
    done = subprocess.run(
        ["pkcs11-tool", "--module", MODULE, "--token-label", LABEL, "--login", "--pin", PIN, "--write-object",
         str(path), "--type", "cert", "--label", label, "--id", key_id],
        capture_output=True, text=True, env={**os.environ, "SOFTHSM2_CONF": str(hsm.conf)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_outside_certificates_over_pkcs11(tmp_path: Path, outside: list[tuple[str, Made]], ca: OpensslCa) -> None:
    hsm = SoftHsm(tmp_path)
    hsm.init_token()
    for i, (label, made) in enumerate(outside):
        _write_object(hsm, made.der, label, f"{i + 1:02x}")
    # a damaged certificate object, as a buggy issuing tool could leave one (pkcs11-tool would refuse to write it)
    from pkcs11 import Attribute, CertificateType, ObjectClass

    with hsm.loaded() as lib, lib.get_token(token_label=LABEL).open(rw=True, user_pin=PIN) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: "damaged",
                Attribute.SUBJECT: b"\x30\x00",
                Attribute.VALUE: outside[0][1].der[:-33],
            }
        )
    flags_before = hsm.flags()
    for lang in ("ja", "en"):
        run = hsm.host("status", "--json", lang=lang)
        assert run.code == 0 and "Traceback" not in run.text, run.text
        data = run.json()
        got = sorted(data["certificates"], key=lambda c: str(c["label"]))
        assert got == sorted((expected_entry(m.pem, label) for label, m in outside), key=lambda c: str(c["label"]))
        assert data["unreadable_certificates"] == [{"label": "damaged", "reason": "malformed"}]
        assert data["advice_code"] == "certificate_expired"
        assert isinstance(data["serial"], str) and data["serial"]
    assert hsm.flags() == flags_before  # no login was tried: no counter moved
    # twenty certificates on one token: every one listed
    more = [ca.issue(f"/CN=Token {i}", NOW - DAY, NOW + 90 * DAY) for i in range(16)]
    for i, made in enumerate(more):
        _write_object(hsm, made.der, f"more {i}", f"{i + 0x20:02x}")
    data = hsm.host("status", "--json", lang="en").json()
    assert len(data["certificates"]) == 20 and len(data["unreadable_certificates"]) == 1
