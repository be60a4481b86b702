"""``aosign-host`` over OpenSC's PKCS#11 module over the simulated card, through the real pcscd and vpcd: the lock
and death paths over PKCS#11 (SoftHSM2 never locks a PIN), with the card's own log counting one APDU per try."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from aosign_plugin.simcard.apdu_log import read_log
from tests.support.cards import SHEET_CODE, SHEET_PIN, issue_card
from tests.support.opensc import MODULE, OPENSC_CONF, PORT, READER
from tests.support.realparts import serve_card, stop_process

BIN = Path(sys.executable).parent
LOCK_MESSAGE = "PIN(暗証番号)の変更に失敗しました。ICカードはロックされています。"


@dataclass
class Token:
    root: Path
    state: Path
    log: Path
    manifest: Path
    env: dict[str, str]
    server: subprocess.Popen[bytes]

    def host(self, *args: str, answers: list[str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "aosign-host"), *args],
            input="".join(a + "\n" for a in answers or []),
            capture_output=True,
            text=True,
            env=self.env,
            check=False,
            timeout=60,
        )

    def tries(self) -> list[dict[str, object]]:
        """Logged commands that carried a secret (VERIFY, CHANGE, RESET with data)."""
        if not self.log.exists():
            return []
        return [e for e in read_log(self.log).entries if e["ins"] in (0x20, 0x24, 0x2C) and e.get("lc")]

    def counters(self) -> tuple[int, int]:
        import json

        out = subprocess.run(
            [str(BIN / "aosign-sim"), "show", "--json", "--state", str(self.state)], capture_output=True, check=True
        ).stdout
        data = json.loads(out)
        return data["pin"]["tries_left"], data["unblock"]["tries_left"]


@pytest.fixture
def token(tmp_path: Path, pcscd: None) -> Iterator[Token]:
    state, log = tmp_path / "card.json", tmp_path / "apdus.jsonl"
    issue_card(state, SHEET_PIN, SHEET_CODE)
    conf = tmp_path / "opensc.conf"
    conf.write_text(OPENSC_CONF)
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(
        f'[plugin]\nbackend = "pkcs11"\n\n[pkcs11]\nmodule.linux = "{MODULE}"\n'
        f'token = "pkcs11:token=AOSign"\nunblock = "so-initpin"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "LC_", "LANG"))}
    env.update(
        AOSIGN_MANIFEST=str(manifest),
        AOSIGN_LANG="ja",
        OPENSC_CONF=str(conf),
        HOME=str(tmp_path),
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    server = serve_card(state, PORT, log)
    try:
        yield Token(tmp_path, state, log, manifest, env, server)
    finally:
        stop_process(server)


def test_status_change_and_policy(token: Token) -> None:
    r = token.host("status", "--json")
    assert r.returncode == 0, r.stderr
    assert '"backend": "pkcs11"' in r.stdout and READER in r.stdout
    r = token.host("change-pin", answers=[SHEET_PIN, "111111", "111111"])
    assert r.returncode == 2 and token.tries() == []  # refused by the policy: nothing reached the card
    r = token.host("change-pin", answers=[SHEET_PIN, "Hk47vQ2w", "Hk47vQ2w"])
    assert r.returncode == 0, r.stderr
    assert token.counters() == (10, 10)


def test_ten_wrong_pins_lock_then_unlock_then_death(token: Token) -> None:
    for i in range(9):
        r = token.host("change-pin", answers=[f"Wrong{i:04d}", "Hk47vQ2w", "Hk47vQ2w"])
        assert r.returncode == 3, r.stderr
        assert "PIN(暗証番号)が不正です。" in r.stderr
    assert token.counters() == (1, 10)
    assert len(token.tries()) == 9  # one APDU per try
    r = token.host("change-pin", answers=["Wrong9999", "Hk47vQ2w", "Hk47vQ2w"])
    assert r.returncode == 4, r.stderr
    assert LOCK_MESSAGE in r.stderr
    assert token.counters() == (0, 10) and len(token.tries()) == 10
    # the right PIN on a locked card: the lock message again, no try counted
    r = token.host("change-pin", answers=[SHEET_PIN, "Hk47vQ2w", "Hk47vQ2w"])
    assert r.returncode == 4 and LOCK_MESSAGE in r.stderr
    assert token.counters() == (0, 10)
    # unlock with the sheet: one RESET RETRY COUNTER
    n = len(token.tries())
    r = token.host("unlock", answers=[SHEET_CODE, "Hk47vQ2w", "Hk47vQ2w"])
    assert r.returncode == 0, r.stderr
    assert token.counters() == (10, 10) and len(token.tries()) == n + 1
    # ten wrong codes: the card dies
    for i in range(10):
        r = token.host("unlock", "--final-try", answers=[f"WRONGCODE{i:03d}", "Zt58bN3e", "Zt58bN3e"])
        if i < 9:
            assert r.returncode == 3, r.stderr
        else:
            assert r.returncode == 5, r.stderr
            assert "失効" in r.stderr
    assert token.counters() == (10, 0)
    assert len(token.tries()) == n + 11
    r = token.host("unlock", "--final-try", answers=[SHEET_CODE, "Zt58bN3e", "Zt58bN3e"])
    assert r.returncode == 5, r.stderr
    assert len(token.tries()) == n + 11, "a try-consuming command was repeated"


def _wrong_logins_by_another_tool(token: Token, count: int) -> None:
    """Wrong PINs tried by a PKCS#11 tool that is not ours (OpenSC's pkcs11-tool), between our commands."""
    for i in range(count):
        subprocess.run(
            ["pkcs11-tool", "--module", MODULE, "--token-label", "AOSign", "--login", "--pin", f"Other{i:04d}", "-O"],
            env=token.env,
            capture_output=True,
            check=False,
            timeout=60,
        )


def test_status_tells_the_cards_counts_behind_the_module(token: Token) -> None:
    """OpenSC's generic driver reports no PIN state: the counts come from the card itself, through the reader the
    token's slot stands for (issue 18)."""
    import json

    _wrong_logins_by_another_tool(token, 3)
    assert token.counters() == (7, 10)
    data = json.loads(token.host("status", "--json").stdout)
    assert data["state"] == "ready" and data["pin"] == {
        "tries_left": 7,
        "max_tries": 10,
        "source": "card",
        "reason": None,
    }
    assert data["advice_code"] == "reset_recommended"
    _wrong_logins_by_another_tool(token, 7)
    assert token.counters() == (0, 10)
    r = token.host("status")
    assert r.returncode == 0 and "ロック" in r.stdout and "(カードから読み取り)" in r.stdout, r.stdout
    assert json.loads(token.host("status", "--json").stdout)["state"] == "locked"
    n = len(token.tries())
    r = token.host("change-pin", answers=[SHEET_PIN, "Hk47vQ2w", "Hk47vQ2w"])
    assert r.returncode == 4 and LOCK_MESSAGE in r.stderr and "不正" not in r.stderr, r.stderr
    assert len(token.tries()) == n  # refused before asking: nothing reached the card
    r = token.host("unlock", answers=[SHEET_CODE, "Hk47vQ2w", "Hk47vQ2w"])
    assert r.returncode == 0, r.stderr
    data = json.loads(token.host("status", "--json").stdout)
    assert data["state"] == "ready" and data["pin"]["tries_left"] == 10 and data["pin"]["source"] == "card"


def test_module_flags_alone_never_say_ready(token: Token) -> None:
    import json

    token.manifest.write_text(token.manifest.read_text().replace("[pkcs11]\n", "[pkcs11]\ncard_counters = false\n"))
    data = json.loads(token.host("status", "--json").stdout)
    assert data["pin"] == {"tries_left": None, "max_tries": 10, "source": "module", "reason": "module_gives_no_count"}
    r = token.host("status")
    assert "モジュールはロックを報告していません" in r.stdout and "使用できます" not in r.stdout, r.stdout


#: the card panel's watch over OpenSC's module, in its own process (python-pkcs11 loads the module once): it reports
#: the first look, sits ``idle`` seconds, then the card is pulled (the test stops its server) and it reports again
WATCH = r"""
import json, sys, threading, time, tomllib
from pathlib import Path
from aosign_plugin.frontends.entries import watch_card_panel
from hostapp_stub.api import Request

manifest = tomllib.loads(Path(sys.argv[1]).read_text())
calls = []
changed = threading.Event()

def on_change():
    calls.append(time.monotonic())
    changed.set()

watch = watch_card_panel(Request("en", manifest), on_change)
time.sleep(1.5)  # the module's first look (OpenSC binds the card then: its own reads, no secret)
print("watching", len(calls), flush=True)
sys.stdin.readline()
time.sleep(float(sys.argv[2]))
print("idle-done", len(calls), flush=True)
changed.wait(float(sys.argv[3]))
watch.close()
print("after-removal", len(calls), flush=True)
"""


def test_panel_watch_over_the_module_sends_nothing_while_idle(token: Token) -> None:
    """The window's watch over PKCS#11 looks at the slot list only: the card receives no APDU while it sits, and
    the card leaving is reported (a call-back; the window reads then)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WATCH, str(token.manifest), "4", "15"],
        env=token.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    line = proc.stdout.readline()
    assert line.split() == ["watching", "0"], line + (proc.stderr.read() if proc.stderr else "")
    before = read_log(token.log).entries if token.log.exists() else []
    assert not [e for e in before if e["ins"] in (0x20, 0x24, 0x2C) and e.get("lc")]  # no login, no secret
    proc.stdin.write("\n")
    proc.stdin.flush()
    line = proc.stdout.readline()
    assert line.split() == ["idle-done", "0"], line
    idle = read_log(token.log).entries[len(before) :]
    assert idle == [], idle  # 4 s of slot-list looks: not one APDU
    stop_process(token.server)
    out, err = proc.communicate(timeout=30)
    assert out.split() == ["after-removal", "1"], out + err  # the card leaving was reported
