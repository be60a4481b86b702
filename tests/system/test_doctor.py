"""``aosign-host doctor``: each common failure staged with the real parts names its check, gives a fix, exits 1;
a healthy set-up exits 0. Nothing doctor does spends a try (the card's own APDU log and counters are the witnesses).

PC/SC runs on a pcscd of the test's own in a private mount namespace (as :mod:`tests.system.test_faults`), with
vpcd's two readers ("Virtual PCD 00 00" and "… 00 01"); PKCS#11 on SoftHSM2 token stores of each test's own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from aosign_plugin import catalogs
from aosign_plugin.simcard.apdu_log import read_log
from tests.support.cards import SHEET_CODE, issue_card, write_manifest
from tests.support.private_pcsc import PrivatePcsc, helper, running
from tests.support.realparts import stop_process
from tests.support.softhsm import MODULE, SoftHsm
from tests.support.system_manifest import SYSTEM_MANIFEST, with_system_manifest

BIN = Path(sys.executable).parent
AOSIGN_READER = "Virtual PCD 00 01"
OTHER_READER = "Virtual PCD 00 00"
#: another IC card's application: the simulated card answers the AOSign AID's SELECT with 6A82
FOREIGN_AID = "D2760000850101"
WRONG_PIN = "27182818"


@dataclass
class Doctor:
    """One ``aosign-host doctor --json`` run."""

    code: int
    out: str
    err: str
    data: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        assert "Traceback" not in self.out + self.err, self.out + self.err
        self.data = json.loads(self.out)
        assert self.data["ok"] is (self.code == 0)
        assert self.code in (0, 1)

    def check(self, check_id: str) -> dict[str, Any]:
        found: list[dict[str, Any]] = [c for c in self.data["checks"] if c["id"] == check_id]
        assert found, f"no check {check_id}: {[c['id'] for c in self.data['checks']]}"
        return found[0]

    @property
    def failed(self) -> list[str]:
        return [c["id"] for c in self.data["checks"] if not c["ok"]]

    def assert_failed(self, check_id: str, *in_fix: str) -> dict[str, Any]:
        """``check_id`` failed with a fix (holding ``in_fix``), and doctor exits 1."""
        assert self.code == 1, self.out
        check = self.check(check_id)
        assert check["ok"] is False, check
        assert check["fix"], check
        for words in in_fix:
            assert words in check["fix"], check
        for c in self.data["checks"]:
            assert c["ok"] or c["fix"], c  # every failure comes with a fix
        return check

    def assert_healthy(self) -> None:
        assert self.code == 0, self.out
        assert not self.failed
        assert all(c["fix"] is None for c in self.data["checks"])


def _env(home: Path, manifest: Path | None, lang: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    drop = ("AOSIGN_", "LC_", "LANG", "PCSCLITE_", "SOFTHSM2_", "XDG_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(
        AOSIGN_LANG=lang,
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local/share"),
        XDG_STATE_HOME=str(home / ".local/state"),
        XDG_CACHE_HOME=str(home / ".cache"),
    )
    if manifest is not None:
        env["AOSIGN_MANIFEST"] = str(manifest)
    env.update(extra or {})
    return env


def doctor(
    home: Path, manifest: Path | None, *, lang: str = "en", env: dict[str, str] | None = None, text: bool = False
) -> Doctor:
    args = [str(BIN / "aosign-host"), "doctor", "--json"]
    home.mkdir(exist_ok=True)
    proc = subprocess.run(args, capture_output=True, env=_env(home, manifest, lang, env), timeout=60, check=False)
    return Doctor(proc.returncode, proc.stdout.decode(), proc.stderr.decode())


def doctor_text(home: Path, manifest: Path | None, lang: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    proc = subprocess.run(
        [str(BIN / "aosign-host"), "doctor"],
        capture_output=True,
        env=_env(home, manifest, lang, env),
        timeout=60,
        check=False,
    )
    return proc.returncode, proc.stdout.decode() + proc.stderr.decode()


def host(home: Path, manifest: Path, *args: str, answers: list[str]) -> int:
    proc = subprocess.run(
        [str(BIN / "aosign-host"), *args],
        input="".join(a + "\n" for a in answers).encode(),
        capture_output=True,
        env=_env(home, manifest, "en"),
        timeout=60,
        check=False,
    )
    return proc.returncode


def sim_counters(state: Path) -> tuple[int, int]:
    out = subprocess.run(
        [str(BIN / "aosign-sim"), "show", "--json", "--state", str(state)], capture_output=True, check=True
    ).stdout
    data = json.loads(out)
    return data["pin"]["tries_left"], data["unblock"]["tries_left"]


def secret_commands(log: Path) -> list[dict[str, Any]]:
    """The card's logged commands that carried data to a PIN verb (a try): doctor must send none."""
    if not log.exists():
        return []
    return [e for e in read_log(log).entries if e["ins"] in (0x20, 0x24, 0x2C) and e.get("lc")]


# --- the simulated card: healthy, a manifest problem, a locked and a dead card, the audit log ---------------------


@pytest.fixture
def sim(tmp_path: Path) -> tuple[Path, Path, Path]:
    state, log, manifest = tmp_path / "card.json", tmp_path / "apdus.jsonl", tmp_path / "manifest.toml"
    issue_card(state)
    write_manifest(manifest, "sim", state, log)
    return state, log, manifest


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_healthy_sim_card_passes(tmp_path: Path, sim: tuple[Path, Path, Path], lang: str) -> None:
    state, log, manifest = sim
    run = doctor(tmp_path / "home", manifest, lang=lang)
    run.assert_healthy()
    ids = [c["id"] for c in run.data["checks"]]
    assert ids[:3] == ["host", "plugins", "manifest"]
    assert {"backend", "sim.card", "card", "audit"} <= set(ids)
    assert str(manifest) in run.check("manifest")["summary"]
    assert "10" in run.check("card")["summary"]
    assert sim_counters(state) == (10, 10)
    assert secret_commands(log) == []
    code, text = doctor_text(tmp_path / "home", manifest, lang)
    assert code == 0
    assert text.count("✓") == len(ids) and "✗" not in text
    assert catalogs.text("doctor.origin.manifest", lang) in text


def test_no_simulated_card(tmp_path: Path) -> None:
    manifest = tmp_path / "m.toml"
    write_manifest(manifest, "sim", tmp_path / "none.json", tmp_path / "log")
    run = doctor(tmp_path / "home", manifest)
    run.assert_failed("sim.card", "aosign-sim issue")
    assert run.check("card")["ok"] is False


def test_manifest_problem_is_named_and_the_rest_still_runs(tmp_path: Path, sim: tuple[Path, Path, Path]) -> None:
    _, _, manifest = sim
    manifest.write_text(manifest.read_text() + "\n[policy]\nmin_length = 2\ncolour = 'blue'\n")
    run = doctor(tmp_path / "home", manifest)
    check = run.assert_failed("manifest", "aosign-host manifest check")
    assert "policy.min_length" in check["summary"] and "policy.colour" in check["summary"]
    assert f"{manifest}:" in check["summary"]  # file and line, as manifest check reports them
    assert run.check("card")["ok"] is True
    assert run.failed == ["manifest"]


def test_unreadable_manifest(tmp_path: Path) -> None:
    manifest = tmp_path / "m.toml"
    manifest.write_text("[plugin\nbackend = 'sim'\n")
    run = doctor(tmp_path / "home", manifest)
    check = run.assert_failed("manifest", "aosign-host manifest check")
    assert str(manifest) in check["summary"]


def test_system_manifest_others_can_change(tmp_path: Path) -> None:
    """A system manifest that fails the permission rules (exit 7 for every command): doctor names it and the fix."""
    home = tmp_path / "home"
    home.mkdir()
    argv = with_system_manifest(
        [str(BIN / "aosign-host"), "doctor", "--json"], '[plugin]\nbackend = "sim"\n', file_mode="666"
    )
    proc = subprocess.run(argv, capture_output=True, env=_env(home, None, "en"), timeout=60, check=False)
    run = Doctor(proc.returncode, proc.stdout.decode(), proc.stderr.decode())
    check = run.assert_failed("manifest", "owner and permissions")
    assert SYSTEM_MANIFEST in check["summary"] and "chmod go-w" in check["summary"]


def test_locked_card_gives_the_faqs_steps(tmp_path: Path, sim: tuple[Path, Path, Path]) -> None:
    state, log, manifest = sim
    home = tmp_path / "home"
    home.mkdir()
    for _ in range(10):
        host(home, manifest, "change-pin", answers=[WRONG_PIN, "Hk47vQ2w", "Hk47vQ2w"])
    assert sim_counters(state) == (0, 10)
    spent = len(secret_commands(log))
    run = doctor(home, manifest, lang="ja")
    run.assert_failed("card", catalogs.text("pin.locked_howto", "ja"))
    assert len(secret_commands(log)) == spent
    assert sim_counters(state) == (0, 10)


def test_dead_card_says_revoke_and_apply(tmp_path: Path, sim: tuple[Path, Path, Path]) -> None:
    state, _, manifest = sim
    home = tmp_path / "home"
    home.mkdir()
    for _ in range(10):
        host(home, manifest, "unlock", "--final-try", answers=["WRONGCODE123", "Hk47vQ2w", "Hk47vQ2w"])
    assert sim_counters(state)[1] == 0
    run = doctor(home, manifest)
    run.assert_failed("card", catalogs.text("card.dead_howto", "en"))
    assert sim_counters(state)[1] == 0


def test_unwritable_audit_log(tmp_path: Path, sim: tuple[Path, Path, Path]) -> None:
    _, _, manifest = sim
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the log's folder should be\n")
    manifest.write_text(manifest.read_text() + f'\n[audit]\npath = "{blocker}/audit.jsonl"\n')
    run = doctor(tmp_path / "home", manifest)
    run.assert_failed("audit", "[audit] path")
    assert run.failed == ["audit"]
    assert not (blocker.parent / "audit.jsonl").exists()


def test_audit_log_size_is_shown(tmp_path: Path, sim: tuple[Path, Path, Path]) -> None:
    _, _, manifest = sim
    log = tmp_path / "audit.jsonl"
    log.write_text("x" * 123)
    manifest.write_text(manifest.read_text() + f'\n[audit]\npath = "{log}"\n')
    run = doctor(tmp_path / "home", manifest)
    run.assert_healthy()
    assert "123" in run.check("audit")["summary"]
    assert log.read_text() == "x" * 123  # nothing written


# --- PKCS#11 on SoftHSM2 --------------------------------------------------------------------------------------


@pytest.fixture
def hsm(tmp_path: Path) -> SoftHsm:
    store = SoftHsm(tmp_path / "hsm")
    store.init_token()
    return store


def hsm_doctor(hsm: SoftHsm, manifest: Path | None = None, lang: str = "en") -> Doctor:
    return doctor(hsm.root / "home", manifest or hsm.manifest, lang=lang, env={"SOFTHSM2_CONF": str(hsm.conf)})


def test_healthy_token_passes(hsm: SoftHsm) -> None:
    run = hsm_doctor(hsm)
    run.assert_healthy()
    assert MODULE in run.check("pkcs11.module")["summary"]
    assert "SoftHSM" in run.check("pkcs11.load")["summary"]
    assert "'AOSign'" in run.check("pkcs11.token")["summary"]
    assert hsm.pin_works("31415926")  # no try spent, the PIN unchanged


def test_token_uri_matching_nothing(hsm: SoftHsm) -> None:
    run = hsm_doctor(hsm, hsm.write_manifest(token="pkcs11:token=Nobody", name="none.toml"))
    check = run.assert_failed("pkcs11.token", "[pkcs11] token")
    assert "'AOSign'" in check["summary"]  # what is present is named


def test_token_uri_matching_two_tokens(hsm: SoftHsm) -> None:
    hsm.init_token(label="Other")
    run = hsm_doctor(hsm, hsm.write_manifest(token="pkcs11:", name="any.toml"))
    check = run.assert_failed("pkcs11.token", "label")
    assert "'AOSign'" in check["summary"] and "'Other'" in check["summary"]


def test_module_missing(hsm: SoftHsm, tmp_path: Path) -> None:
    gone = str(tmp_path / "moved" / "libsofthsm2.so")
    run = hsm_doctor(hsm, hsm.write_manifest(module=gone, name="gone.toml"))
    run.assert_failed("pkcs11.module", "module.linux")
    assert gone in run.check("pkcs11.module")["summary"]
    run.assert_failed("manifest")  # manifest check refuses it too


def test_module_refused_by_the_path_rules(hsm: SoftHsm, tmp_path: Path) -> None:
    folder = tmp_path / "modules"
    folder.mkdir()
    copy = folder / "libsofthsm2.so"
    shutil.copy(MODULE, copy)
    copy.chmod(0o646)
    run = hsm_doctor(hsm, hsm.write_manifest(module=str(copy), name="writable.toml"))
    run.assert_failed("pkcs11.module", f"chmod go-w '{copy}'")
    copy.chmod(0o644)  # the fix, done: it passes
    run = hsm_doctor(hsm, hsm.write_manifest(module=str(copy), name="fixed.toml"))
    run.assert_healthy()


def test_a_file_that_is_no_module(hsm: SoftHsm, tmp_path: Path) -> None:
    folder = tmp_path / "modules"
    folder.mkdir()
    fake = folder / "libnothing.so"
    fake.write_bytes(b"not an ELF file\n")
    fake.chmod(0o644)
    run = hsm_doctor(hsm, hsm.write_manifest(module=str(fake), name="fake.toml"))
    run.assert_failed("pkcs11.load", str(fake))


# --- PC/SC on a pcscd of our own ------------------------------------------------------------------------------


@dataclass
class Readers:
    """Cards served to our pcscd's two vpcd readers."""

    pcsc: PrivatePcsc
    root: Path
    servers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return self.pcsc.env

    def port(self, reader: str) -> int:
        return self.pcsc.port if reader == AOSIGN_READER else self.pcsc.first_port

    def insert(self, reader: str, *, aid: str | None = None) -> tuple[Path, Path]:
        """Issue a card (the AOSign application, or another IC card's) and serve it in ``reader``."""
        tag = reader[-2:]
        state, log = self.root / f"card-{tag}.json", self.root / f"apdus-{tag}.jsonl"
        issue_card(state, "31415926", SHEET_CODE, *(("--aid", aid) if aid else ()))
        cmd = [sys.executable, "-m", "aosign_plugin.simcard.cli", "serve", "--port", str(self.port(reader))]
        proc = subprocess.Popen(
            [*cmd, "--state", str(state), "--log", str(log)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.servers[reader] = proc
        r = helper(self.pcsc, "wait", reader, "present", "10")
        assert r.returncode == 0, r.stdout + r.stderr
        return state, log

    def remove_all(self) -> None:
        for reader, proc in self.servers.items():
            stop_process(proc)
            r = helper(self.pcsc, "wait", reader, "absent", "10")
            assert r.returncode == 0, r.stdout + r.stderr
        self.servers.clear()

    def manifest(self, reader: str | None = AOSIGN_READER, name: str = "m.toml") -> Path:
        path = self.root / name
        table = f'[pcsc]\nreader = "{reader}"\n' if reader else ""
        path.write_text(f'[plugin]\nbackend = "pcsc"\n\n{table}', encoding="utf-8")
        return path

    def doctor(self, manifest: Path, lang: str = "en") -> Doctor:
        return doctor(self.root / "home", manifest, lang=lang, env=self.env)


@pytest.fixture
def readers(private_pcsc: PrivatePcsc, tmp_path: Path) -> Iterator[Readers]:
    r = Readers(running(private_pcsc), tmp_path)
    try:
        yield r
    finally:
        r.remove_all()


def test_healthy_reader_passes(readers: Readers) -> None:
    state, log = readers.insert(AOSIGN_READER)
    run = readers.doctor(readers.manifest())
    run.assert_healthy()
    assert str(readers.pcsc.socket_path) in run.check("pcsc.service")["summary"]
    assert OTHER_READER in run.check("pcsc.readers")["summary"]
    assert "ATR 3B" in run.check("pcsc.cards")["summary"]
    assert AOSIGN_READER in run.check("pcsc.aosign")["summary"]
    assert AOSIGN_READER in run.check("pcsc.reader")["summary"]
    assert sim_counters(state) == (10, 10)
    assert secret_commands(log) == []


def test_no_card(readers: Readers) -> None:
    run = readers.doctor(readers.manifest())
    run.assert_failed("pcsc.cards", catalogs.text("doctor.fix.no_card", "en"))


def test_a_card_that_is_not_an_aosign_card(readers: Readers) -> None:
    readers.insert(AOSIGN_READER, aid=FOREIGN_AID)
    run = readers.doctor(readers.manifest(), lang="ja")
    check = run.assert_failed("pcsc.aosign", "AOSignICカードを挿入")
    assert "6A82" in check["summary"]


def test_the_card_in_the_wrong_reader(readers: Readers) -> None:
    readers.insert(OTHER_READER)
    run = readers.doctor(readers.manifest(reader="00 01"))
    check = run.assert_failed("pcsc.reader", "[pcsc] reader", OTHER_READER)
    assert OTHER_READER in check["summary"]


def test_several_readers_holding_cards(readers: Readers) -> None:
    readers.insert(AOSIGN_READER)
    readers.insert(OTHER_READER, aid=FOREIGN_AID)
    run = readers.doctor(readers.manifest(reader=None))
    check = run.assert_failed("pcsc.reader", AOSIGN_READER)
    assert AOSIGN_READER in check["summary"]
    # the fix works: the manifest names the AOSign card's reader
    readers.doctor(readers.manifest(reader=AOSIGN_READER, name="fixed.toml")).assert_healthy()


def test_pcscd_not_running(readers: Readers) -> None:
    readers.pcsc.stop()
    run = readers.doctor(readers.manifest())
    run.assert_failed("pcsc.service", "systemctl enable --now pcscd.socket")
    assert run.check("card")["ok"] is False


def test_no_reader(tmp_path: Path) -> None:
    own = PrivatePcsc(tmp_path / "pcscd")
    (own.conf_dir / "vpcd").unlink()  # a pcscd that knows no reader, in a mount namespace of its own
    own.start()
    try:
        manifest = tmp_path / "m.toml"
        manifest.write_text('[plugin]\nbackend = "pcsc"\n')
        run = doctor(tmp_path / "home", manifest, env=own.env)
        run.assert_failed("pcsc.readers", "libccid")
    finally:
        own.stop()


def test_auto_with_neither_a_card_nor_a_simulated_card(tmp_path: Path) -> None:
    """The built-in default (no manifest): auto says why it found nothing; PC/SC's facts say where to look."""
    no_pcscd = {"PCSCLITE_CSOCK_NAME": str(tmp_path / "no-pcscd.comm")}
    run = doctor(tmp_path / "home", None, env=no_pcscd)
    run.assert_failed("backend", "aosign-sim issue")
    run.assert_failed("pcsc.service", "pcscd.socket")
    # the simulated card issued: auto stands for it; PC/SC's silence is said in the backend's line (never as a ✓ of
    # its own beside "does not answer", issue 32), and the card the commands will use is checked
    state = tmp_path / "home" / ".local/share/aosign/sim-card.json"
    issue_card(state)
    run = doctor(tmp_path / "home", None, env=no_pcscd)
    run.assert_healthy()
    assert str(state) in run.check("backend")["summary"]
    assert "(PC/SC)" in run.check("backend")["summary"]
    assert run.check("sim.card")["ok"] is True
