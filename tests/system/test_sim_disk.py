"""The simulated card's files on a real full disk, a real read-only mount and as another user (issue 12, items 4,
5, 8): a small tmpfs and a read-only bind mount in a private mount namespace (``unshare -m``, as root), and
``setpriv`` to run as ``nobody``. Nothing here is simulated: the kernel says ENOSPC, EROFS and EACCES."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cards import BIN, SHEET_PIN, issue_card

NOBODY = 65534


def _env(home: Path, manifest: Path, lang: str = "en") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "LC_", "LANG", "XDG_"))}
    env.update(AOSIGN_MANIFEST=str(manifest), AOSIGN_LANG=lang, HOME=str(home))
    return env


def _manifest(path: Path, state: Path, log: Path | None) -> None:
    text = f'[plugin]\nbackend = "sim"\n\n[sim]\nstate = "{state}"\n'
    if log is not None:
        text += f'log = "{log}"\n'
    text += "\n[audit]\nenabled = false\n"
    path.write_text(text)


def _in_namespace(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``script`` (sh) in a private mount namespace (root, as CI runs): its mounts vanish with it."""
    return subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-euc", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder that ``nobody`` can reach (pytest's tmp_path is root's alone)."""
    path = Path(tempfile.mkdtemp(prefix="aosign-disk-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def test_status_on_a_read_only_mount(tmp_path: Path) -> None:
    """Item 4: status reads the card on a read-only folder; a change is refused by name, nothing spent."""
    disk = tmp_path / "disk"
    disk.mkdir()
    state = disk / "card.json"
    issue_card(state)
    manifest = tmp_path / "manifest.toml"
    _manifest(manifest, state, None)
    out = tmp_path / "out"
    out.mkdir()
    host = BIN / "aosign-host"
    script = f"""
        mount --bind {disk} {disk}
        mount -o remount,ro,bind {disk}
        touch {disk}/probe 2>/dev/null && exit 99
        set +e
        {host} status --json > {out}/status.json 2> {out}/status.err; echo $? > {out}/status.rc
        {host} status > {out}/status.txt 2>&1; echo $? > {out}/status.txt.rc
        printf '%s\\n' {SHEET_PIN} Zq8Wm4Tx Zq8Wm4Tx | {host} change-pin > {out}/change.txt 2>&1
        echo $? > {out}/change.rc
        exit 0
    """
    proc = _in_namespace(script, _env(tmp_path, manifest))
    assert proc.returncode == 0, proc.stderr
    assert (out / "status.rc").read_text().strip() == "0", (out / "status.err").read_text()
    data = json.loads((out / "status.json").read_text())
    assert data["state"] == "ready" and data["pin"]["tries_left"] == 10
    assert (out / "status.txt.rc").read_text().strip() == "0"
    change = (out / "change.txt").read_text()
    assert (out / "change.rc").read_text().strip() == "6", change
    assert "could not be saved" in change and str(state) in change and "Read-only file system" in change
    assert "Traceback" not in change + (out / "status.txt").read_text()
    # the mount is gone with the namespace: the card spent nothing
    shown = subprocess.run(
        [str(BIN / "aosign-sim"), "show", "--json", "--state", str(state)], capture_output=True, check=True
    )
    assert json.loads(shown.stdout)["pin"]["tries_left"] == 10


def _full_disk_folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    """``disk`` (the small tmpfs is mounted on it inside the namespace), ``stage`` holding a freshly issued
    ``card.json`` to copy onto it, and ``out`` for what the script leaves to check."""
    disk, stage, out = tmp_path / "disk", tmp_path / "stage", tmp_path / "out"
    for folder in (disk, stage, out):
        folder.mkdir()
    issue_card(stage / "card.json")
    return disk, stage, out


def test_full_disk_tears_a_log_line_and_the_card_still_works(tmp_path: Path) -> None:
    """Item 5: a short write on a really full disk leaves a torn log line; the error names the log; once there is
    room again every command works and the log goes on on a line of its own."""
    disk, stage, out = _full_disk_folders(tmp_path)
    state, log = disk / "card.json", disk / "card-apdus.jsonl"
    manifest = tmp_path / "manifest.toml"
    _manifest(manifest, state, log)
    host = BIN / "aosign-host"
    script = f"""
        mount -t tmpfs -o size=256k tmpfs {disk}
        cp {stage}/card.json {state}
        {host} status --json > /dev/null
        set +e
        # fill the disk: the log's last page keeps a few free bytes, less than a line
        dd if=/dev/zero of={disk}/fill bs=4k 2>/dev/null
        i=0
        while [ $i -lt 40 ]; do
            {host} status --json > {out}/full.json 2> {out}/full.err; rc=$?
            [ $rc -ne 0 ] && break
            i=$((i+1))
        done
        echo $rc > {out}/full.rc
        cp {log} {out}/torn.jsonl
        rm {disk}/fill
        {host} status --json > {out}/after.json 2> {out}/after.err; echo $? > {out}/after.rc
        printf '%s\\n' {SHEET_PIN} Zq8Wm4Tx Zq8Wm4Tx | {host} change-pin > {out}/change.txt 2>&1
        echo $? > {out}/change.rc
        cp {log} {out}/final.jsonl
        cp {state} {out}/final-state.json
        exit 0
    """
    proc = _in_namespace(script, _env(tmp_path, manifest))
    assert proc.returncode == 0, proc.stderr
    assert (out / "full.rc").read_text().strip() == "6", (out / "full.err").read_text()
    error = json.loads((out / "full.json").read_text())["error"]
    assert error["code"] == "sim_log_unwritable", error
    assert "APDU log" in error["message"] and str(log) in error["message"]
    assert "No space left on device" in error["message"]
    torn = (out / "torn.jsonl").read_bytes()
    assert not torn.endswith(b"\n"), "the disk filled between two lines: no torn line to test"
    assert (out / "after.rc").read_text().strip() == "0", (out / "after.err").read_text()
    assert json.loads((out / "after.json").read_text())["state"] == "ready"
    assert (out / "change.rc").read_text().strip() == "0", (out / "change.txt").read_text()
    final = (out / "final.jsonl").read_bytes()
    assert final.startswith(torn)
    lines = final.splitlines()
    bad = [line for line in lines if not line.endswith(b"}")]
    assert len(bad) == 1 and torn.endswith(bad[0])
    from aosign_plugin.simcard.apdu_log import read_log

    contents = read_log(out / "final.jsonl")
    assert contents.torn == 1
    assert [e["ins"] for e in contents.entries].count(0x24) == 1


def test_full_disk_under_the_state_spends_nothing(tmp_path: Path) -> None:
    """A try that cannot be saved is not spent: the error names the state file, the counters stay."""
    disk, stage, out = _full_disk_folders(tmp_path)
    state = disk / "card.json"
    manifest = tmp_path / "manifest.toml"
    _manifest(manifest, state, None)
    host = BIN / "aosign-host"
    script = f"""
        mount -t tmpfs -o size=64k tmpfs {disk}
        cp {stage}/card.json {state}
        set +e
        dd if=/dev/zero of={disk}/fill bs=1k 2>/dev/null
        printf '%s\\n' 99999999 Zq8Wm4Tx Zq8Wm4Tx | {host} change-pin > {out}/change.txt 2>&1
        echo $? > {out}/change.rc
        cp {state} {out}/state.json
        exit 0
    """
    proc = _in_namespace(script, _env(tmp_path, manifest))
    assert proc.returncode == 0, proc.stderr
    text = (out / "change.txt").read_text()
    assert (out / "change.rc").read_text().strip() == "6", text
    assert "could not be saved" in text and str(state) in text and "Traceback" not in text
    assert json.loads((out / "state.json").read_text())["pin"]["tries_left"] == 10


@contextlib.contextmanager
def _reachable_by_others(*paths: Path) -> Iterator[None]:
    """Let ``nobody`` reach the venv and the project (a clone in a private ``mktemp -d`` folder is 0700): each of
    ``paths`` gets the others' read and search bits, every folder above them the search bit, for the test's duration,
    and its mode back afterwards."""
    changed: list[tuple[Path, int]] = []
    try:
        for path in paths:
            for folder in [path, *path.parents]:
                mode = stat.S_IMODE(folder.stat().st_mode)
                want = mode | stat.S_IXOTH | (stat.S_IROTH if folder == path else 0)
                if folder.is_dir() and want != mode:
                    changed.append((folder, mode))
                    folder.chmod(want)
        yield
    finally:
        for folder, mode in reversed(changed):
            folder.chmod(mode)


def test_another_users_folder_and_an_unreadable_state(shared_dir: Path) -> None:
    with _reachable_by_others(BIN, Path(sys.executable).resolve().parent, Path(__file__).resolve().parents[2]):
        _another_users_folder_and_an_unreadable_state(shared_dir)


def _another_users_folder_and_an_unreadable_state(shared_dir: Path) -> None:
    """Items 4 and 8 as ``nobody``: a state folder it cannot write still reads; a state of mode 000 is named."""
    folder = shared_dir / "cards"
    folder.mkdir()
    folder.chmod(0o755)  # root's: nobody cannot create the lock file here
    state = folder / "card.json"
    issue_card(state)
    state.chmod(0o644)
    manifest = shared_dir / "manifest.toml"
    _manifest(manifest, state, None)
    manifest.chmod(0o644)
    home = shared_dir / "home"
    home.mkdir()
    os.chown(home, NOBODY, NOBODY)

    def as_nobody(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", str(BIN / "aosign-host"), *args],
            capture_output=True,
            text=True,
            env=_env(home, manifest),
            timeout=60,
            check=False,
        )

    run = as_nobody("status", "--json")
    assert run.returncode == 0, run.stdout + run.stderr
    assert json.loads(run.stdout)["state"] == "ready"

    state.chmod(0o000)
    for args in (("status", "--json"), ("status",)):
        run = as_nobody(*args)
        assert run.returncode == 6, run.stdout + run.stderr
        assert "Traceback" not in run.stderr
        assert str(state) in run.stdout + run.stderr and "Permission denied" in run.stdout + run.stderr
    error = json.loads(as_nobody("status", "--json").stdout)["error"]
    assert error["code"] == "sim_state_unreadable"
