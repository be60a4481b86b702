"""The card's certificates: what status says about each one, and whether it can still sign today.

Reading them off the card is the session layer's or the PKCS#11 backend's (never a PIN, never a try); this module
parses what was read (asn1crypto, imported only when a certificate has to be parsed) and decides each one's state
with a pure function over plain dates (:func:`cert_state`).

``subject`` and ``issuer`` are the names' common names (the most specific CN); a name without one is shown whole,
RFC 4514 style (``O=Example,C=JP``). ``serial`` is the serial number in upper-case hex, two digits a byte, as
``openssl x509 -serial`` prints it. Dates are UTC; ``days_left`` counts calendar days (UTC) from today to the last
valid day, negative once expired.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from enum import Enum, unique
from typing import Any

from hostapp_stub.api import Record, Untrusted, field, visible

__all__ = [
    "DEFAULT_EXPIRY_WARN_DAYS",
    "CertState",
    "CertificateInfo",
    "CertificateStatus",
    "RawCertificate",
    "UnreadableCertificate",
    "assess",
    "cert_state",
    "days_left",
    "format_time",
    "parse_certificate",
]

#: CONTRACT.md's default for ``[status] expiry_warn_days``
DEFAULT_EXPIRY_WARN_DAYS = 60


@unique
class CertState(Enum):
    """A certificate's state today (CONTRACT.md ``certificates[].state``)."""

    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"


class RawCertificate(Record):
    """A certificate as read from the card or token, not parsed yet.

    :param label: the directory's or the token's label for it, if any.
    :param data: the DER bytes.
    :param key_id: the PKCS#15 ``iD`` / PKCS#11 ``CKA_ID`` in hex, if any.
    """

    label: Untrusted | None
    data: bytes = field(repr=False)
    key_id: str | None = None

    @property
    def digest(self) -> str:
        import hashlib  # only with a certificate to look up (OpenSSL's ~7 ms off every start)

        return hashlib.sha256(self.data).hexdigest()


class UnreadableCertificate(Record):
    """A certificate the card's directory names but that could not be read or parsed.

    :param reason: a stable word: ``not_found`` (the directory points nowhere), ``unreadable`` (the card refused the
        read), ``malformed`` (not a DER X.509 certificate: truncated, damaged), ``directory`` (the directory itself
        is damaged), ``too_many`` (more certificates than status reads).
    :param detail: what was met (a status word, the parser's complaint); never secret, never shown without need.
    """

    label: Untrusted | None
    reason: str
    detail: str = ""

    def to_json(self) -> dict[str, object]:
        return {"label": self.label, "reason": self.reason}


class CertificateInfo(Record):
    """What a certificate says about itself (time-independent; cached by its digest)."""

    label: Untrusted | None
    subject: Untrusted
    issuer: Untrusted
    serial: str
    not_before: dt.datetime
    not_after: dt.datetime
    key_id: str | None = None


def days_left(not_after: dt.datetime, now: dt.datetime) -> int:
    """Calendar days (UTC) from ``now``'s day to ``not_after``'s day: 0 on the last valid day, -1 the day after."""
    return (not_after.astimezone(dt.UTC).date() - now.astimezone(dt.UTC).date()).days


def cert_state(not_before: dt.datetime, not_after: dt.datetime, now: dt.datetime, warn_days: int) -> CertState:
    """The state at ``now``: outside the validity period, else ``expiring`` with fewer than ``warn_days`` left."""
    if now < not_before:
        return CertState.NOT_YET_VALID
    if now > not_after:
        return CertState.EXPIRED
    if days_left(not_after, now) < warn_days:
        return CertState.EXPIRING
    return CertState.VALID


def format_time(value: dt.datetime) -> str:
    """ISO 8601 in UTC with a ``Z``: ``2026-11-28T02:51:14Z``."""
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


class CertificateStatus(Record):
    """A certificate and its state at the moment status was read."""

    info: CertificateInfo
    days_left: int
    state: CertState

    def to_json(self) -> dict[str, object]:
        """CONTRACT.md's ``certificates[]`` entry."""
        info = self.info
        return {
            "label": info.label,
            "subject": info.subject,
            "issuer": info.issuer,
            "serial": info.serial,
            "not_before": format_time(info.not_before),
            "not_after": format_time(info.not_after),
            "days_left": self.days_left,
            "state": self.state.value,
        }


def assess(info: CertificateInfo, now: dt.datetime, warn_days: int) -> CertificateStatus:
    return CertificateStatus(
        info, days_left(info.not_after, now), cert_state(info.not_before, info.not_after, now, warn_days)
    )


# --- parsing ---------------------------------------------------------------------------------------------------------

#: RFC 4514 (and OpenSSL's) short names of the attribute types a holder's name usually has
_SHORT_NAMES = {
    "2.5.4.3": "CN",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.9": "street",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "2.5.4.4": "SN",
    "2.5.4.42": "GN",
    "2.5.4.5": "serialNumber",
    "2.5.4.12": "title",
    "0.9.2342.19200300.100.1.25": "DC",
    "0.9.2342.19200300.100.1.1": "UID",
    "1.2.840.113549.1.9.1": "emailAddress",
}
_CN = "2.5.4.3"


def _is_control(ch: str) -> bool:
    """A character no name shows as it is: C0, DEL, C1, a bidi control, a line or paragraph separator."""
    return visible(ch) != ch


def _hex_escape(ch: str) -> str:
    """RFC 4514's escape of a character: each of its UTF-8 bytes as ``\\XX`` (ESC ``\\1B``, U+202E ``\\E2\\80\\AE``)."""
    return "".join(f"\\{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))


def _escape(value: str) -> str:
    """RFC 4514 escaping of one attribute value (non-ASCII characters are kept as they are, controls escaped)."""
    out = []
    for i, ch in enumerate(value):
        if ch in ',+"\\<>;' or (ch == "#" and i == 0) or (ch == " " and i in (0, len(value) - 1)):
            out.append("\\" + ch)
        elif _is_control(ch):
            out.append(_hex_escape(ch))
        else:
            out.append(ch)
    return "".join(out)


def _escape_controls(value: str) -> str:
    """A common name as it is shown alone: only its controls escaped (RFC 4514's way, as in the whole name)."""
    return "".join(_hex_escape(ch) if _is_control(ch) else ch for ch in value)


def _value_text(value: Any) -> str:
    native = value.native
    if isinstance(native, str):
        return native
    return "#" + bytes(value.dump()).hex().upper()


def _name(name: Any) -> Untrusted:
    """The most specific common name, else the whole name (RFC 4514, most specific RDN first); controls and bidi
    controls escaped in either (``\\1B``, ``\\E2\\80\\AE``): a certificate's name never drives a terminal."""
    rdns: Sequence[Any] = list(name.chosen)
    common = [_value_text(atv["value"]) for rdn in rdns for atv in rdn if atv["type"].dotted == _CN]
    if common:
        return Untrusted(_escape_controls(common[-1]))
    parts = []
    for rdn in reversed(rdns):
        parts.append(
            "+".join(
                f"{_SHORT_NAMES.get(atv['type'].dotted, atv['type'].dotted)}={_escape(_value_text(atv['value']))}"
                for atv in rdn
            )
        )
    return Untrusted(",".join(parts))


def _serial_hex(n: int) -> str:
    sign = "-" if n < 0 else ""
    digits = f"{abs(n):X}"
    return sign + ("0" + digits if len(digits) % 2 else digits)


class CertificateError(ValueError):
    """Not a DER X.509 certificate (the parser's complaint in the message)."""


def parse_certificate(raw: RawCertificate) -> CertificateInfo:
    """The fields status shows, parsed with asn1crypto (imported now).

    :raises CertificateError: the bytes are not one whole DER certificate with the fields status needs.
    """
    from asn1crypto import x509  # type: ignore[import-untyped]

    try:
        cert = x509.Certificate.load(raw.data, strict=True)
        tbs = cert["tbs_certificate"]
        validity = tbs["validity"]
        not_before = validity["not_before"].native
        not_after = validity["not_after"].native
        serial = tbs["serial_number"].native
        subject = _name(tbs["subject"])
        issuer = _name(tbs["issuer"])
        # the rest must parse too: a damaged signature or key is a damaged certificate
        cert["signature_algorithm"].native  # noqa: B018
        tbs["subject_public_key_info"]["algorithm"].native  # noqa: B018
    except Exception as e:  # asn1crypto raises ValueError, TypeError, KeyError, OverflowError... on bad input
        raise CertificateError(f"{type(e).__name__}: {e}"[:200]) from None
    if not isinstance(not_before, dt.datetime) or not isinstance(not_after, dt.datetime) or not isinstance(serial, int):
        raise CertificateError("validity or serial number of an unexpected type")
    return CertificateInfo(
        label=raw.label,
        subject=subject,
        issuer=issuer,
        serial=_serial_hex(serial),
        not_before=not_before.astimezone(dt.UTC),
        not_after=not_after.astimezone(dt.UTC),
        key_id=raw.key_id,
    )
