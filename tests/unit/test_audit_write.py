"""The audit log's write and rotation: a rotation that cannot happen (on Windows: another process, a log shipper,
holds the file open, and ``os.replace`` fails) must not lose the line, nor every line after it."""

from __future__ import annotations

import json
from pathlib import Path

from aosign_plugin.service.audit import AuditSettings, record


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_bytes().decode("utf-8").splitlines()]


def test_line_appended_when_the_rotation_target_cannot_be_replaced(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    settings = AuditSettings(path=path, max_bytes=4096, backups=1)
    path.write_bytes(b'{"old": 1}\n' * 400)  # over max_bytes: the next record rotates first
    # the rotation's target is a folder with something in it: os.replace(audit.jsonl, audit.jsonl.1) fails, as it
    # does on Windows while another process has the log open
    blocker = tmp_path / "audit.jsonl.1"
    blocker.mkdir()
    (blocker / "x").write_text("x")
    for n in range(3):
        assert record(settings, {"operation": "change-pin", "result": "ok", "n": n}) is None
    written = lines(path)
    assert len(written) == 403
    assert [entry.get("n") for entry in written[-3:]] == [0, 1, 2]
    assert blocker.is_dir()  # nothing was rotated over it


def test_rotation_resumes_once_it_can(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    settings = AuditSettings(path=path, max_bytes=4096, backups=1)
    path.write_bytes(b'{"old": 1}\n' * 400)
    blocker = tmp_path / "audit.jsonl.1"
    blocker.mkdir()
    (blocker / "x").write_text("x")
    assert record(settings, {"n": 0}) is None
    (blocker / "x").unlink()
    blocker.rmdir()
    assert record(settings, {"n": 1}) is None
    assert [entry.get("n") for entry in lines(path)] == [1]
    assert len(lines(tmp_path / "audit.jsonl.1")) == 401


def test_lines_end_in_lf_only(tmp_path: Path) -> None:
    # binary mode: no CRLF translation on Windows (a text-mode descriptor there writes \r\n)
    path = tmp_path / "audit.jsonl"
    record(AuditSettings(path=path), {"operation": "unlock", "reader": "Lecteur ë"})
    data = path.read_bytes()
    assert data.endswith(b"\n") and b"\r" not in data
    assert "Lecteur ë" in data.decode("utf-8")


def test_an_unwritable_log_still_says_so(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.mkdir()  # a folder where the file should be: the append itself fails
    warning = record(AuditSettings(path=path), {"operation": "change-pin"})
    assert warning is not None and str(path) in warning
