"""The manifest's ``[audit]`` table as a record; the log itself is written by :mod:`aosign_plugin.service.audit`."""

from __future__ import annotations

from pathlib import Path

from hostapp_stub.api import Record

__all__ = ["AuditSettings"]


class AuditSettings(Record):
    """The manifest's ``[audit]`` table."""

    enabled: bool = True
    #: ``file``: the file below; ``system``: the OS's log (:mod:`aosign_plugin.service.system_log`)
    sink: str = "file"
    path: Path | None = None
    max_bytes: int = 1 << 20
    backups: int = 3
