"""The card's serial and certificates as the user's lines and as CONTRACT.md's JSON (no Qt, no card here).

Lines say dates as the user reads them (:mod:`~.local_dates`: the local day, in the user's language); JSON keeps
ISO 8601 in UTC."""

from __future__ import annotations

from typing import Any

from aosign_plugin import catalogs
from aosign_plugin.domain.card_status import CardStatus
from aosign_plugin.domain.certificates import CertificateStatus, CertState
from aosign_plugin.frontends.local_dates import days_until, local_date

__all__ = ["advice_about", "certificate_advice_text", "certificate_json", "certificate_label", "certificate_lines"]

#: certificate labels we write ourselves (the simulated card's, ``simcard.certificate.CARD_LABEL``) → their
#: catalog key: shown in the user's language; any other label is the card's own text, shown as it is
_OUR_LABELS = {"Signing certificate": "cert_label.signing"}


def certificate_label(label: str | None, lang: str) -> str:
    """A certificate's label as shown: ours in the user's language, a card's own as it is, ``-`` for none."""
    if label is None:
        return "-"
    key = _OUR_LABELS.get(label)
    return catalogs.text(key, lang) if key is not None else label


def certificate_advice_text(status: CardStatus, lang: str) -> str | None:
    """The certificates' advice (``certificate_expired`` / ``certificate_expiring``), naming the certificate."""
    found = status.certificate_advice
    return None if found is None else advice_about(found[1], lang)


def advice_about(cert: CertificateStatus, lang: str) -> str | None:
    """One certificate's advice: renew it (expiring) or this card can no longer sign (expired); else ``None``."""
    keys = {CertState.EXPIRED: "advice.certificate_expired", CertState.EXPIRING: "advice.certificate_expiring"}
    key = keys.get(cert.state)
    if key is None:
        return None
    return catalogs.text(
        key,
        lang,
        subject=cert.info.subject,
        days=days_until(cert.info.not_after),
        not_after=local_date(cert.info.not_after, lang),
    )


def _lines(cert: CertificateStatus, lang: str) -> list[str]:
    t = catalogs.text
    info = cert.info
    return [
        t(
            "status.certificate",
            lang,
            label=certificate_label(info.label, lang),
            subject=info.subject,
        ),
        "  " + t("status.certificate_issuer", lang, issuer=info.issuer, serial=info.serial),
        "  "
        + t(
            "status.certificate_validity",
            lang,
            not_before=local_date(info.not_before, lang),
            not_after=local_date(info.not_after, lang),
            days=days_until(info.not_after),
            state=t(f"cert_state.{cert.state.value}", lang),
        ),
    ]


def certificate_lines(status: CardStatus, lang: str) -> list[str]:
    """The serial (when the card tells it), each certificate on three lines, each unreadable one on one."""
    t = catalogs.text
    lines = [t("status.serial", lang, serial=status.serial)] if status.serial else []
    for cert in status.certificates:
        lines += _lines(cert, lang)
    for bad in status.unreadable_certificates:
        reason = t(f"cert_reason.{bad.reason}", lang)
        lines.append(t("status.certificate_unreadable", lang, label=certificate_label(bad.label, lang), reason=reason))
    if not status.certificates and not status.unreadable_certificates:
        lines.append(t("status.no_certificates", lang))
    return lines


def certificate_json(status: CardStatus) -> dict[str, Any]:
    """``serial``, ``certificates`` (CONTRACT.md) and ``unreadable_certificates`` (``[{"label", "reason"}]``)."""
    return {
        "serial": status.serial,
        "certificates": [c.to_json() for c in status.certificates],
        "unreadable_certificates": [b.to_json() for b in status.unreadable_certificates],
    }
