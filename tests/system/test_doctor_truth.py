"""A doctor that tells the truth (issue 32 item 2): wherever ``change-pin`` fails for the disk, doctor fails too, by
trying what the command will write (the simulated card's state, the audit log) without changing it; it never shows
✓ beside a failure. A real full disk (a small tmpfs) and a real read-only HOME (a read-only bind mount), each in a
private mount namespace (``unshare -m``, as root): the kernel says ENOSPC and EROFS."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.support.cards import BIN, SHEET_PIN, issue_card

NEW = "Zq8Wm4Tx"


def _env(home: Path, lang: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "LC_", "LANG", "XDG_"))}
    env.update(AOSIGN_LANG=lang, HOME=str(home))
    return env


def _walk(tmp_path: Path, mount: str, lang: str) -> tuple[int, str, int, dict[str, object], bytes]:
    """In a private mount namespace: ``mount`` (sh), then change-pin and doctor --json as the user runs them.

    :returns: change-pin's exit code and text, doctor's exit code and report, and the state file's bytes when they
        changed (empty: unchanged, as seen inside the namespace).
    """
    home = tmp_path / "home"
    state = home / ".local/share/aosign/sim-card.json"
    state.parent.mkdir(parents=True)
    issue_card(state)
    before = state.read_bytes()
    out = tmp_path / "out"
    out.mkdir()
    host = BIN / "aosign-host"
    script = f"""
        {mount}
        set +e
        printf '%s\\n' {SHEET_PIN} {NEW} {NEW} | {host} change-pin > {out}/change.txt 2>&1; echo $? > {out}/change.rc
        {host} doctor --json > {out}/doctor.json 2> {out}/doctor.err; echo $? > {out}/doctor.rc
        cp {state} {out}/state.after
    """
    proc = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-euc", script],
        capture_output=True,
        text=True,
        env=_env(home, lang),
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    after = (out / "state.after").read_bytes()
    return (
        int((out / "change.rc").read_text()),
        (out / "change.txt").read_text(),
        int((out / "doctor.rc").read_text()),
        json.loads((out / "doctor.json").read_text()),
        after if after != before else b"",
    )


def _checks(report: dict[str, object]) -> dict[str, dict[str, object]]:
    checks = report["checks"]
    assert isinstance(checks, list)
    return {str(c["id"]): c for c in checks}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_full_disk(tmp_path: Path, lang: str) -> None:
    home = tmp_path / "home"
    mount = f"""
        mkdir -p {tmp_path}/keep && cp -a {home}/. {tmp_path}/keep/
        mount -t tmpfs -o size=256k tmpfs {home}
        cp -a {tmp_path}/keep/. {home}/
        dd if=/dev/zero of={home}/filler bs=4k 2>/dev/null || true
    """
    change, text, code, report, after = _walk(tmp_path, mount, lang)
    assert change == 6, text
    assert code == 1
    checks = _checks(report)
    assert checks["sim.card"]["ok"] is False, checks["sim.card"]
    assert checks["audit"]["ok"] is False, checks["audit"]
    full = {"ja": "空きがありません", "en": "full"}[lang]
    assert full in str(checks["sim.card"]["summary"]) and full in str(checks["audit"]["summary"])
    assert checks["card"]["ok"] is True  # the card is still read: its counters are shown
    assert after == b""  # neither the failed change nor doctor's probes changed the card


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_read_only_home(tmp_path: Path, lang: str) -> None:
    home = tmp_path / "home"
    change, text, code, report, after = _walk(
        tmp_path, f"mount --bind {home} {home}; mount -o remount,ro,bind {home}", lang
    )
    assert change == 6, text
    assert after == b""
    assert code == 1
    checks = _checks(report)
    assert checks["sim.card"]["ok"] is False, checks["sim.card"]  # not only the audit log
    assert checks["audit"]["ok"] is False


def test_healthy_disk_passes(tmp_path: Path) -> None:
    """The same walk on a disk with room: doctor passes (its probes left nothing behind), change-pin works."""
    change, text, code, report, _ = _walk(tmp_path, "true", "en")
    assert code == 0, report
    assert change == 0, text
    leftovers = [p.name for p in (tmp_path / "home").rglob("*.doctor")]
    assert leftovers == []


def test_never_a_tick_beside_a_failure_in_auto_without_pcsc(tmp_path: Path) -> None:
    """``auto`` with PC/SC not answering and the simulated card issued: no check is ✓ with "does not answer"."""
    home = tmp_path / "home"
    state = home / ".local/share/aosign/sim-card.json"
    state.parent.mkdir(parents=True)
    issue_card(state)
    env = {**_env(home, "en"), "PCSCLITE_CSOCK_NAME": str(tmp_path / "no-pcscd.comm")}
    proc = subprocess.run(
        [str(BIN / "aosign-host"), "doctor", "--json"], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    report = json.loads(proc.stdout)
    for check in report["checks"]:
        if check["ok"] and check["id"] != "backend":
            assert "not answer" not in check["summary"], check
    assert all(not c["id"].startswith("pcsc.") for c in report["checks"])


def test_an_apdu_log_that_cannot_be_written(tmp_path: Path) -> None:
    """``[sim] log`` on a read-only disk: every command fails (exit 6), so doctor's sim.card check fails too."""
    home, logs = tmp_path / "home", tmp_path / "logs"
    home.mkdir()
    logs.mkdir()
    state = home / "card.json"
    issue_card(state)
    manifest = tmp_path / "m.toml"
    manifest.write_text(f'[plugin]\nbackend = "sim"\n[sim]\nstate = "{state}"\nlog = "{logs}/apdu.jsonl"\n')
    host = BIN / "aosign-host"
    script = f"""
        mount --bind {logs} {logs}; mount -o remount,ro,bind {logs}
        set +e
        {host} status > /dev/null 2>&1; echo $? > {tmp_path}/status.rc
        {host} doctor --json > {tmp_path}/doctor.json; echo $? > {tmp_path}/doctor.rc
    """
    env = {**_env(home, "en"), "AOSIGN_MANIFEST": str(manifest)}
    proc = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-euc", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "status.rc").read_text().strip() == "6"
    assert (tmp_path / "doctor.rc").read_text().strip() == "1"
    checks = _checks(json.loads((tmp_path / "doctor.json").read_text()))
    assert checks["sim.card"]["ok"] is False and "[sim] log" in str(checks["sim.card"]["summary"])
