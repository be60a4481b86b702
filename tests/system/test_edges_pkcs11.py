"""A PKCS#11 token that names itself, and its certificate, with control sequences (issue 25): SoftHSM2 takes ESC,
C1 and bidi characters in a token label, an object label and a certificate's CN. ``status``, its JSON, ``doctor``
and the notices before typing show them visibly; the JSON keeps the values."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

from aosign_plugin.simcard.certificate import issue_card_certificate
from tests.support.softhsm import MODULE, PIN, SoftHsm

#: at most 32 bytes in UTF-8 (a token label's size)
TOKEN_LABEL = "Ev\x1b[2J\x1b]0;t\x07\u202eX\x85\x9b"
OBJECT_LABEL = "Cert\x1b[31m\u2028fake line\u2066"
HOLDER = "Evil\x1b[31mRED\x1b]0;pwned\x07\u202e\x9b"
RAW = ("\x1b", "\x07", "\u202e", "\x9b", "\x85", "\u2028", "\u2066")


def test_hostile_token_and_certificate_texts_never_reach_the_terminal(tmp_path: Path) -> None:
    hsm = SoftHsm(tmp_path)
    hsm.init_token(label=TOKEN_LABEL)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    issued = issue_card_certificate(
        tmp_path,
        holder=HOLDER,
        serial="EDGE-1",
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=30),
    )
    der = tmp_path / "cert.der"
    der.write_bytes(issued.certificate)
    done = subprocess.run(
        ["pkcs11-tool", "--module", MODULE, "--token-label", TOKEN_LABEL, "--login", "--pin", PIN,
         "--write-object", str(der), "--type", "cert", "--label", OBJECT_LABEL, "--id", "01"],
        capture_output=True, text=True, env={**os.environ, "SOFTHSM2_CONF": str(hsm.conf)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    manifest = hsm.write_manifest(token=None, name="any-token.toml")  # the one token there is

    run = hsm.host("status", lang="en", manifest=manifest)
    assert run.code == 0, run.text
    assert not [c for c in RAW if c in run.text], run.text
    assert "Ev\\x1b[2J" in run.out and "Cert\\x1b[31m\\u2028fake line\\u2066" in run.out
    assert "fake line" not in run.out.replace("\\u2028fake line", "")  # never a line of its own
    run = hsm.host("status", "--json", lang="en", manifest=manifest)
    assert not [c for c in RAW if c in run.out]
    data = json.loads(run.out)
    assert data["certificates"][0]["label"] == OBJECT_LABEL
    assert data["reader"].startswith(TOKEN_LABEL)
    run = hsm.host("doctor", lang="ja", manifest=manifest)
    assert not [c for c in RAW if c in run.text] and "Traceback" not in run.text
    # the notices before typing (the card's state, an expiring certificate naming its holder) and the audit line
    run = hsm.host("change-pin", answers=["27182818", "Hk47vQ2w", "Hk47vQ2w"], lang="en", manifest=manifest)
    assert run.code == 3 and not [c for c in RAW if c in run.text], run.text
    audit = (hsm.root / "home/.local/state/aosign/audit.jsonl").read_text(encoding="utf-8")
    assert not [c for c in RAW if c in audit]
