"""A reader that names itself with control sequences (issue 25): a private pcscd whose vpcd's ``FRIENDLYNAME``
holds ESC, OSC, BEL, a C1 CSI and a right-to-left override. ``status``, its JSON and ``doctor`` show the name
visibly; the JSON keeps the name itself, so a script can still use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cards import BIN, SHEET_CODE, SHEET_PIN, issue_card
from tests.support.private_pcsc import PrivatePcsc, helper
from tests.support.realparts import stop_process

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a private pcscd")

#: vpcd's name for its readers: pcscd appends " 00 00" / " 00 01"
#: ASCII only: pyscard encodes reader names as ASCII (a C1 or bidi control there fails in pyscard itself)
FRIENDLY = "Evil\x1b[31mRED\x1b]0;pwned\x07X\x08\x7f"
RAW = ("\x1b", "\x07", "\x08", "\x7f")


@pytest.fixture(scope="module")
def hostile_pcsc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivatePcsc]:
    own = PrivatePcsc.launch(tmp_path_factory.mktemp("pcscd"), friendly=FRIENDLY)
    try:
        yield own
    finally:
        own.stop()


def test_a_hostile_reader_name_never_reaches_the_terminal(hostile_pcsc: PrivatePcsc, tmp_path: Path) -> None:
    reader = f"{hostile_pcsc.friendly} 00 01"
    state, log = tmp_path / "card.json", tmp_path / "apdus.jsonl"
    issue_card(state, SHEET_PIN, SHEET_CODE)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aosign_plugin.simcard.cli",
            "serve",
            "--port",
            str(hostile_pcsc.port),
            "--state",
            str(state),
            "--log",
            str(log),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        waited = helper(hostile_pcsc, "wait", reader, "present", "10")
        assert waited.returncode == 0, waited.stdout + waited.stderr
        manifest = tmp_path / "m.toml"
        manifest.write_text('[plugin]\nbackend = "pcsc"\n', encoding="utf-8")
        home = tmp_path / "home"
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(home),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "AOSIGN_MANIFEST": str(manifest),
            "AOSIGN_LANG": "en",
            **hostile_pcsc.env,
            **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"},
        }

        def host(*args: str) -> tuple[int, str, str]:
            run = subprocess.run([str(BIN / "aosign-host"), *args], capture_output=True, env=env, timeout=60)
            return run.returncode, run.stdout.decode(), run.stderr.decode()

        code, out, err = host("status")
        assert code == 0, out + err
        assert not [c for c in RAW if c in out + err], out + err
        assert "Evil\\x1b[31mRED\\x1b]0;pwned\\x07X\\x08\\x7f 00 01" in out  # shown, not run
        code, out, err = host("status", "--json")
        assert code == 0 and not [c for c in RAW if c in out]
        assert json.loads(out)["reader"] == reader  # the name itself, for scripts
        code, out, err = host("doctor")
        assert not [c for c in RAW if c in out + err], out + err
        assert "Traceback" not in out + err
        # the audit log of a PIN change names the reader: escaped there too
        run = subprocess.run(
            [str(BIN / "aosign-host"), "change-pin"],
            input=b"27182818\nHk47vQ2w\nHk47vQ2w\n",
            capture_output=True,
            env=env,
            timeout=60,
        )
        assert run.returncode == 3, run.stderr.decode()
        audit = (home / "state" / "aosign" / "audit.jsonl").read_text(encoding="utf-8")
        assert not [c for c in RAW if c in audit] and "\\u001b[31mRED" in audit
        assert json.loads(audit.splitlines()[-1])["reader"] == reader
    finally:
        stop_process(server)


def test_a_reader_name_pyscard_cannot_pass_back_is_no_traceback(tmp_path_factory: pytest.TempPathFactory) -> None:
    """pyscard passes reader names to PC/SC as ASCII only (its issue #106): a reader named with a bidi control, a C1
    control or Japanese was a ``UnicodeEncodeError`` traceback in status and doctor. Now it is shown visibly (the
    Japanese as it is) and counts as holding no card."""
    import time

    root = tmp_path_factory.mktemp("pcscd-wide")
    pcsc = PrivatePcsc.launch(root / "pcscd", friendly="Evil\u202eX\x9bリーダー")
    server = None
    try:
        state = root / "card.json"
        issue_card(state, SHEET_PIN, SHEET_CODE)
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "aosign_plugin.simcard.cli",
                "serve",
                "--port",
                str(pcsc.port),
                "--state",
                str(state),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1.5)  # the helper cannot name this reader either: pcscd sees the card within its polling
        manifest = root / "m.toml"
        manifest.write_text('[plugin]\nbackend = "pcsc"\n', encoding="utf-8")
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(root / "home"),
            "AOSIGN_MANIFEST": str(manifest),
            "AOSIGN_LANG": "en",
            **pcsc.env,
            **{k: v for k, v in os.environ.items() if k == "PYTHONPATH"},
        }
        for args in (["status"], ["status", "--json"], ["doctor"]):
            run = subprocess.run([str(BIN / "aosign-host"), *args], capture_output=True, env=env, timeout=60)
            out, err = run.stdout.decode(), run.stderr.decode()
            assert "Traceback" not in out + err and run.returncode in (1, 6), (args, out, err)
            assert "\u202e" not in out + err and "\x9b" not in out + err
            if args == ["doctor"]:
                assert "Evil\\u202eX\\x9bリーダー 00 01" in out
    finally:
        stop_process(server)
        pcsc.stop()
