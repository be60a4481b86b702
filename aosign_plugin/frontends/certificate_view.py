"""The card's serial and certificates as the user's lines and as CONTRACT.md's JSON (no Qt, no card here)."""

from __future__ import annotations

from typing import Any

from aosign_plugin import catalogs
from aosign_plugin.domain.card_status import CardStatus
from aosign_plugin.domain.certificates import CertificateStatus, CertState, format_time

__all__ = ["advice_about", "certificate_advice_text", "certificate_json", "certificate_lines"]


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
        key, lang, subject=cert.info.subject, days=cert.days_left, not_after=format_time(cert.info.not_after)
    )


def _lines(cert: CertificateStatus, lang: str) -> list[str]:
    t = catalogs.text
    info = cert.info
    return [
        t(
            "status.certificate",
            lang,
            label=info.label or "-",
            subject=info.subject,
            issuer=info.issuer,
            serial=info.serial,
        ),
        "  "
        + t(
            "status.certificate_validity",
            lang,
            not_before=format_time(info.not_before),
            not_after=format_time(info.not_after),
            days=cert.days_left,
            state=t(f"cert_state.{cert.state.value}", lang),
        ),
    ]


def certificate_lines(status: CardStatus, lang: str) -> list[str]:
    """The serial (when the card tells it), each certificate on two lines, each unreadable one on one."""
    t = catalogs.text
    lines = [t("status.serial", lang, serial=status.serial)] if status.serial else []
    for cert in status.certificates:
        lines += _lines(cert, lang)
    for bad in status.unreadable_certificates:
        reason = t(f"cert_reason.{bad.reason}", lang)
        lines.append(t("status.certificate_unreadable", lang, label=bad.label or "-", reason=reason))
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
