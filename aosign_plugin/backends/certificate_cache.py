"""Parsed certificates kept by their SHA-256, so that a status does not pay the parser's import every time.

Importing asn1crypto costs more than the rest of a status over PC/SC; a card's certificates change once in years.
What a certificate says about itself (:class:`~aosign_plugin.domain.certificates.CertificateInfo` without the card's
label) is kept in ``certificates.json`` of the user's cache folder, keyed by the certificate's digest: a changed or
new certificate has another digest and is parsed afresh. A missing, damaged or unwritable cache only costs a parse.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aosign_plugin.domain.certificates import (
    CertificateError,
    CertificateInfo,
    CertificateStatus,
    RawCertificate,
    UnreadableCertificate,
    assess,
    parse_certificate,
)
from hostapp_stub.api import Untrusted, replace

__all__ = ["CACHE_ENTRIES", "CertificateCache", "default_cache_path", "evaluate"]

_FORMAT = 1
#: digests kept (most recent first): a few cards used on one PC
CACHE_ENTRIES = 64


def default_cache_path() -> Path:
    """``certificates.json`` in the user's cache folder (``~/.cache/aosign`` and the like)."""
    from aosign_plugin.config.platforms import cache_dir

    return cache_dir() / "certificates.json"


class CertificateCache:
    """The cache file at ``path`` (``None``: nothing kept, every certificate parsed)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[str, dict[str, Any]] | None = None
        self._dirty = False

    def _load(self) -> dict[str, dict[str, Any]]:
        if self._entries is None:
            self._entries = {}
            if self.path is not None:
                try:
                    data = json.loads(self.path.read_text(encoding="utf-8"))
                    if isinstance(data, dict) and data.get("format") == _FORMAT and isinstance(data["entries"], dict):
                        # an entry holds strings only: anything nested was not written here and is dropped
                        self._entries = {k: v for k, v in data["entries"].items() if _flat(v)}
                except (OSError, ValueError, KeyError, TypeError, RecursionError):  # issue 26: a nested file
                    pass
        return self._entries

    def get(self, raw: RawCertificate) -> CertificateInfo | None:
        entry = self._load().get(raw.digest)
        if entry is None:
            return None
        try:
            return CertificateInfo(
                label=raw.label,
                subject=Untrusted(entry["subject"]),
                issuer=Untrusted(entry["issuer"]),
                serial=str(entry["serial"]),
                not_before=dt.datetime.fromisoformat(entry["not_before"]),
                not_after=dt.datetime.fromisoformat(entry["not_after"]),
                key_id=raw.key_id,
            )
        except (KeyError, TypeError, ValueError):
            return None

    def put(self, raw: RawCertificate, info: CertificateInfo) -> None:
        entries = self._load()
        entries.pop(raw.digest, None)
        fresh = {
            "subject": info.subject,
            "issuer": info.issuer,
            "serial": info.serial,
            "not_before": info.not_before.isoformat(),
            "not_after": info.not_after.isoformat(),
        }
        self._entries = {raw.digest: fresh, **dict(list(entries.items())[: CACHE_ENTRIES - 1])}
        self._dirty = True

    def save(self) -> None:
        if not self._dirty or self.path is None or self._entries is None:
            return
        self._dirty = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps({"format": _FORMAT, "entries": self._entries}), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only or full cache folder only costs the next status a parse


def _flat(entry: object) -> bool:
    return isinstance(entry, dict) and all(isinstance(v, str) for v in entry.values())


def evaluate(
    found: Sequence[RawCertificate | UnreadableCertificate],
    *,
    warn_days: int,
    now: dt.datetime | None = None,
    cache: CertificateCache | None = None,
) -> tuple[tuple[CertificateStatus, ...], tuple[UnreadableCertificate, ...]]:
    """Parse (or take from the cache) what was read and assess each certificate at ``now`` (default: now, UTC).

    :returns: the readable certificates, in the card's order, and the unreadable ones.
    """
    moment = now or dt.datetime.now(dt.UTC)
    store = cache or CertificateCache(None)
    good: list[CertificateStatus] = []
    bad: list[UnreadableCertificate] = []
    for item in found:
        if isinstance(item, UnreadableCertificate):
            bad.append(item)
            continue
        info = store.get(item)
        if info is None:
            try:
                info = parse_certificate(item)
            except CertificateError as e:
                bad.append(UnreadableCertificate(item.label, "malformed", str(e)))
                continue
            store.put(item, replace(info, label=None, key_id=None))
        good.append(assess(info, moment, warn_days))
    store.save()
    return tuple(good), tuple(bad)
