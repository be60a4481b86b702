"""The audit log no other account can redirect or forge (issue 26, item 4), on real files: a planted link, FIFO,
hard link or file of another account is refused with a warning naming it (nothing written anywhere), rotation
never renames onto another account's name; the Windows checks on recorded facts; ``sink = "system"`` against a
real datagram socket. (As an ordinary account in a shared sticky folder: tests/system/test_admin_holds.py.)"""

from __future__ import annotations

import errno
import json
import os
import socket
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from aosign_plugin.service import audit, system_log
from aosign_plugin.service.audit import AuditSettings, FileFacts, folder_refusal, record, refusal
from aosign_plugin.service.win_owner import ADMINISTRATORS, owner_is_me

OTHER = 65534


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    return shared


def test_a_planted_link_is_refused_not_followed(folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "attackers.jsonl"
    target.write_text("")
    for pointed in (target, Path("/dev/null")):
        log = folder / "victim.jsonl"
        log.unlink(missing_ok=True)
        log.symlink_to(pointed)
        warning = record(AuditSettings(path=log), {"operation": "change-pin"}, "en")
        assert warning is not None and str(log) in warning and "symbolic link" in warning
    assert target.read_text() == ""


def test_a_planted_fifo_does_not_hang(folder: Path) -> None:
    log = folder / "victim.jsonl"
    os.mkfifo(log)
    warning = record(AuditSettings(path=log), {"operation": "change-pin"}, "en")
    assert warning is not None and "not a regular file" in warning


def test_another_accounts_file_is_refused(folder: Path) -> None:
    log = folder / "victim.jsonl"
    log.write_text('{"forged": true}\n')
    os.chown(log, OTHER, OTHER)
    log.chmod(0o666)
    warning = record(AuditSettings(path=log), {"operation": "change-pin"}, "en")
    assert warning is not None and "belongs to another account" in warning
    assert log.read_text() == '{"forged": true}\n'


def test_a_hard_link_is_refused(folder: Path, tmp_path: Path) -> None:
    log = folder / "victim.jsonl"
    log.write_text("")
    os.link(log, tmp_path / "copy")
    warning = record(AuditSettings(path=log), {"operation": "change-pin"}, "ja")
    assert warning is not None and "ハードリンク" in warning and log.read_text() == ""


def test_a_folder_others_can_replace_files_in_is_refused(tmp_path: Path) -> None:
    open_folder = tmp_path / "open"
    open_folder.mkdir()
    open_folder.chmod(0o777)  # no sticky bit: anyone may rename our log away and put theirs in its place
    warning = record(AuditSettings(path=open_folder / "a.jsonl"), {"operation": "x"}, "en")
    assert warning is not None and f"the folder {open_folder}" in warning
    assert not (open_folder / "a.jsonl").exists()


def test_own_file_in_a_sticky_folder_is_written(folder: Path) -> None:
    log = folder / "me.jsonl"
    assert record(AuditSettings(path=log), {"operation": "unlock"}) is None
    assert json.loads(log.read_text())["operation"] == "unlock"
    assert (log.stat().st_mode & 0o777) == 0o600


def test_rotation_never_renames_onto_a_planted_name(folder: Path) -> None:
    log = folder / "me.jsonl"
    log.write_bytes(b'{"old": 1}\n' * 400)
    planted = folder / "me.jsonl.2"
    planted.write_text("theirs\n")
    os.chown(planted, OTHER, OTHER)
    settings = AuditSettings(path=log, max_bytes=4096, backups=3)
    warning = record(settings, {"n": 1}, "en")
    assert warning is not None and str(planted) in warning and "another account" in warning
    assert planted.read_text() == "theirs\n" and not (folder / "me.jsonl.1").exists()
    assert log.read_bytes().count(b"\n") == 401  # the line is kept, in our own file only
    planted.unlink()  # the administrator removed it: rotation resumes
    assert record(settings, {"n": 2}, "en") is None
    assert [json.loads(x)["n"] for x in log.read_text().splitlines()] == [2]
    assert (folder / "me.jsonl.1").read_bytes().count(b"\n") == 401


def test_rotation_refuses_a_planted_link(folder: Path, tmp_path: Path) -> None:
    log = folder / "me.jsonl"
    log.write_bytes(b"x" * 5000)
    (folder / "me.jsonl.1").symlink_to(tmp_path / "elsewhere")
    warning = record(AuditSettings(path=log, max_bytes=4096, backups=2), {"n": 1}, "en")
    assert warning is not None and "me.jsonl.1 is a symbolic link" in warning
    assert not (tmp_path / "elsewhere").exists()


# --- Windows (and the rules every OS shares), on recorded facts ----------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "why"),
    [
        (FileFacts(is_link=True, regular=True, owner_is_me=True, links=1), "link"),  # a junction or symlink
        (FileFacts(False, False, True, 1), "not_regular"),  # a named pipe \\.\pipe\... or a device
        (FileFacts(False, True, False, 1), "owner"),  # created first by another user in C:\ProgramData\aosign
        (FileFacts(False, True, None, 1), "owner"),  # the owner could not be read: never assumed ours
        (FileFacts(False, True, True, 2), "links"),  # mklink /H kept by another user
        (FileFacts(False, True, True, 1), None),
    ],
)
def test_refusal(facts: FileFacts, why: str | None) -> None:
    assert refusal(facts) == why


ME = "S-1-5-21-1004336348-1177238915-682003330-1001"
THEM = "S-1-5-21-1004336348-1177238915-682003330-1002"


def test_windows_owner_recorded_sids() -> None:
    assert owner_is_me(ME, ME, admin_member=False)
    assert not owner_is_me(THEM, ME, admin_member=False)
    assert owner_is_me(ADMINISTRATORS, ME, admin_member=True)  # an elevated administrator's new file
    assert not owner_is_me(ADMINISTRATORS, ME, admin_member=False)
    assert not owner_is_me("S-1-5-32-545", ME, admin_member=True)  # BUILTIN\Users: never "mine"


@pytest.mark.parametrize(
    ("uid", "mode", "gid", "refused"),
    [
        (0, 0o41777, 0, False),  # /var/log/aosign, root's, sticky
        (0, 0o40777, 0, True),  # not sticky
        (1000, 0o40700, 1000, False),  # the user's own state folder
        (1000, 0o40775, 1000, False),  # user-private group (umask 002)
        (1000, 0o40775, 50, True),  # another group may write
        (1001, 0o40755, 1001, True),  # another account's folder (it made /var/log/aosign/victim/ first)
    ],
)
def test_folder_refusal(uid: int, mode: int, gid: int, refused: bool) -> None:
    assert folder_refusal(uid, mode, gid, me=1000, my_gid=1000) is refused


def test_windows_event_log_call_recorded() -> None:
    calls: list[tuple[str, tuple[Any, ...]]] = []

    def fn(name: str, result: object) -> Any:
        def call(*args: Any) -> object:
            calls.append((name, args))
            return result

        return call

    lib = SimpleNamespace(
        RegisterEventSourceW=fn("register", 0x1234),
        ReportEventW=fn("report", 1),
        DeregisterEventSource=fn("deregister", 1),
    )
    assert system_log.report_event(lib, '{"result": "ok"}', warning=False, last_error=lambda: 0) is None
    assert [c[0] for c in calls] == ["register", "report", "deregister"]
    assert calls[0][1] == (None, "aosign")
    report = calls[1][1]
    assert report[:4] == (0x1234, system_log.EVENTLOG_INFORMATION_TYPE, 0, system_log.EVENT_ID)
    assert report[5] == 1 and report[7][0] == '{"result": "ok"}'
    calls.clear()
    lib.ReportEventW = fn("report", 0)
    warning = system_log.report_event(lib, "x", warning=True, last_error=lambda: 1502)
    assert warning is not None and "1502" in warning and calls[-1][0] == "deregister"
    assert calls[1][1][1] == system_log.EVENTLOG_WARNING_TYPE


# --- sink = "system" on Linux, against a real datagram socket ------------------------------------------------------


def test_system_sink_sends_one_datagram(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    address = str(tmp_path / "log")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as server:
        server.bind(address)
        server.settimeout(5)
        monkeypatch.setattr(system_log, "DEV_LOG", address)
        settings = AuditSettings(sink="system", path=tmp_path / "never.jsonl")
        assert record(settings, {"operation": "change-pin", "result": "wrong_secret"}) is None
        data = server.recv(65536).decode()
    assert data.startswith("<85>") and f" aosign[{os.getpid()}]: " in data  # authpriv.notice
    line = json.loads(data.split("]: ", 1)[1])
    assert line["operation"] == "change-pin" and line["user"]
    assert not (tmp_path / "never.jsonl").exists()


def test_system_sink_without_a_logger_warns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(system_log, "DEV_LOG", str(tmp_path / "nobody-listens"))
    warning = record(AuditSettings(sink="system"), {"operation": "unlock"})
    assert warning is not None and "the system log" in warning


def test_datagram_format() -> None:
    import time

    when = time.mktime((2026, 3, 5, 9, 7, 2, 0, 0, -1))
    assert system_log.datagram("x", warning=False, now=when, pid=42) == b"<86>Mar  5 09:07:02 aosign[42]: x"


@pytest.mark.parametrize("code", [errno.ELOOP, errno.EMLINK])  # O_NOFOLLOW on a link: Linux and macOS; FreeBSD
def test_o_nofollow_answers_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    def refuse(path: object, flags: int, mode: int = 0o777) -> int:
        assert flags & audit._O_NOFOLLOW and flags & audit._O_NONBLOCK and flags & os.O_APPEND
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(audit.os, "open", refuse)
    warning = record(AuditSettings(path=tmp_path / "a.jsonl"), {"operation": "x"}, "en")
    assert warning is not None and "symbolic link" in warning


def test_no_checks_are_skipped_on_posix() -> None:
    assert audit._O_NOFOLLOW and audit._O_NONBLOCK and audit._FLAGS & os.O_APPEND
