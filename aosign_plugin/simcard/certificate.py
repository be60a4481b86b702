"""The simulated card's certificate: a key pair the card keeps, certified by a small test CA beside its state file.

A real card makes its key pair inside and never lets the private key out; the simulated card keeps its private key
in its own state file (beside the salted hashes, never a PIN). The test CA (``sim-ca.key.pem``, ``sim-ca.pem``) is
made once in the simulated card's folder and reused for every card issued there, so a test can trust one CA.

Keys are ECDSA P-256 (quick to make). ``cryptography`` is imported only here, only when a card is issued.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from hostapp_stub.api import Record, field

__all__ = [
    "CA_CERT_NAME",
    "CA_KEY_NAME",
    "DEFAULT_HOLDER",
    "DEFAULT_VALID_DAYS",
    "IssuedCertificate",
    "issue_card_certificate",
    "load_certificate_file",
]

CA_KEY_NAME = "sim-ca.key.pem"
CA_CERT_NAME = "sim-ca.pem"
CA_NAME = "AOSign Test CA (simulated)"
DEFAULT_HOLDER = "AOSign Test Holder"
#: a signing certificate's usual life
DEFAULT_VALID_DAYS = 3 * 365
CARD_LABEL = "Signing certificate"


class IssuedCertificate(Record):
    """The card's new key pair (PKCS#8 DER, kept by the card) and its certificate (DER)."""

    key: bytes = field(repr=False)
    certificate: bytes = field(repr=False)
    label: str = CARD_LABEL


def _ca(folder: Path, now: dt.datetime) -> tuple[Any, Any]:
    """The folder's test CA (made on first use): its private key and certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key_path, cert_path = folder / CA_KEY_NAME, folder / CA_CERT_NAME
    if key_path.is_file() and cert_path.is_file():
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        return key, cert
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME), x509.NameAttribute(NameOID.COUNTRY_NAME, "JP")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=3650))
        .not_valid_after(now + dt.timedelta(days=3650 * 3))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def issue_card_certificate(
    folder: Path,
    *,
    holder: str = DEFAULT_HOLDER,
    serial: str,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> IssuedCertificate:
    """A fresh key pair for the card and its certificate from the folder's test CA.

    :param holder: the holder's name (the subject's CN), any script.
    :param serial: the card's serial (the subject's serialNumber).
    :raises ValueError: the period is empty or the name is not a usable CN.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    if not holder or len(holder) > 64:
        raise ValueError("the holder's name must be 1 to 64 characters")
    if not_before >= not_after:
        raise ValueError("the certificate must start before it ends")
    ca_key, ca_cert = _ca(folder, dt.datetime.now(dt.UTC))
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "AOSign (simulated)"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, serial),
            x509.NameAttribute(NameOID.COMMON_NAME, holder),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pkcs8 = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return IssuedCertificate(key=pkcs8, certificate=cert.public_bytes(serialization.Encoding.DER))


def load_certificate_file(data: bytes) -> bytes:
    """A certificate file's DER: PEM is decoded, anything else kept as it is (the card stores what it is given)."""
    text = data.lstrip()
    if text.startswith(b"-----BEGIN"):
        import base64

        lines = [line for line in text.splitlines() if line and not line.startswith(b"-----")]
        try:
            return base64.b64decode(b"".join(lines), validate=True)
        except ValueError:
            return data
    return data
