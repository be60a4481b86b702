"""The deployment manifest as administrators use it: every problem with its file, line and column and exit 7;
system, user and explicit files with locked keys; the plugin allow-list; the audit log; fleet status."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.cards import SHEET_PIN, Card, make_card

BIN = Path(sysconfig.get_path("scripts"))  # where pip put aosign-host (not beside python.exe on Windows)
REPO = Path(__file__).resolve().parents[2]


def host(*args: str, env: dict[str, str] | None = None, stdin: str = "") -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "XDG_"))}
    base["AOSIGN_LANG"] = "en"
    return subprocess.run(
        [str(BIN / "aosign-host"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=base | (env or {}),
        check=False,
        timeout=60,
    )


def test_repository_manifest_passes() -> None:
    r = host("manifest", "check", str(REPO / "manifest.toml"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no problems" in r.stdout


@pytest.fixture
def module_dir(tmp_path: Path) -> Path:
    """A folder with a stand-in module file, mode 0755 (tmp_path's parents are root's, /tmp is sticky)."""
    d = tmp_path / "modules"
    d.mkdir()
    d.chmod(0o755)
    lib = d / "vendor-p11.so"
    lib.write_bytes(b"\x7fELF not really a module")
    lib.chmod(0o644)
    return d


BAD = [
    # (manifest text, expected "line:col: key" fragment, words of the fix)
    ("[plugin]\nbackend = 1\n", "2:1: plugin.backend", "one of: sim, pcsc, pkcs11"),
    ('[plugin]\nbakend = "sim"\n', "2:1: plugin.bakend", "unknown key"),
    ("[policy]\nmin_length = 2\n", "2:1: policy.min_length", "only tighten"),
    ("\n[policy]\nmax_length = 20\n", "3:1: policy.max_length", "only tighten"),
    ('[card]\npin_ref = "81"\n', "2:1: card.pin_ref", "whole number"),
    ("[card]\npad_to = 8\n", "2:1: card.pad_to", "at least 16"),
    ('[pkcs11]\nmodule.linux = "lib/vendor.so"\n', "2:1: pkcs11.module.linux", "absolute"),
    ('[pkcs11]\nmodule.linux = "/nonexistent/vendor.so"\n', "2:1: pkcs11.module.linux", "no such file"),
    ('[sim]\nstate = ""\n', "2:1: sim.state", "non-empty"),
    ("[frobnicate]\nx = 1\n", "1:1: frobnicate", "no plugin owns"),
    ('[plugins]\nallow = "aosign-plugin"\n', "2:1: plugins.allow", "list of names"),
    ("[audit]\nenabled = 1\n", "2:1: audit.enabled", "true or false"),
]


@pytest.mark.parametrize(("text", "where", "fix"), BAD, ids=[b[1].split(": ")[1] for b in BAD])
def test_bad_manifest_names_line_and_fix(tmp_path: Path, text: str, where: str, fix: str) -> None:
    path = tmp_path / "manifest.toml"
    path.write_text(text)
    r = host("manifest", "check", str(path))
    assert r.returncode == 7, r.stdout
    assert f"{path}:{where}" in r.stdout, r.stdout
    assert fix in r.stdout
    # and every command refuses to start on it
    r = host("--manifest", str(path), "status")
    assert r.returncode == 7 and f"{path}:{where}" in r.stderr


def test_bad_toml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "manifest.toml"
    path.write_text('[plugin]\nbackend = "sim"\n[policy\nmin_length = 6\n')
    r = host("manifest", "check", str(path))
    assert r.returncode == 7
    assert f"{path}:3:8: " in r.stderr  # file:line:column: as every other problem (issue 32)


def test_all_problems_at_once_in_japanese(tmp_path: Path) -> None:
    path = tmp_path / "manifest.toml"
    path.write_text('[plugin]\nbackend = "usb"\n[policy]\nmin_length = 2\n[card]\npad_to = 3\n')
    r = host("--lang", "ja", "manifest", "check", str(path))
    assert r.returncode == 7
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 3 and [ln.split(":")[1] for ln in lines] == ["2", "4", "6"]
    assert "緩める値は指定できません" in r.stdout


@pytest.mark.skipif(sys.platform != "linux", reason="module.linux: the module key of this OS only")
def test_group_writable_module_refused(tmp_path: Path, module_dir: Path) -> None:
    lib = module_dir / "vendor-p11.so"
    path = tmp_path / "manifest.toml"
    path.write_text(f'[pkcs11]\nmodule.linux = "{lib}"\n')
    assert host("manifest", "check", str(path)).returncode == 0
    lib.chmod(0o664)
    r = host("manifest", "check", str(path))
    assert r.returncode == 7 and "writable by group or others" in r.stdout and str(lib) in r.stdout
    lib.chmod(0o644)
    module_dir.chmod(0o777)
    r = host("manifest", "check", str(path))
    assert r.returncode == 7 and f"{module_dir}: writable" in r.stdout
    module_dir.chmod(0o755)


@pytest.mark.skipif(sys.platform != "linux", reason="module.linux: the module key of this OS only")
def test_module_digest_pinned(tmp_path: Path, module_dir: Path) -> None:
    import hashlib

    lib = module_dir / "vendor-p11.so"
    good = hashlib.sha256(lib.read_bytes()).hexdigest()
    path = tmp_path / "manifest.toml"
    path.write_text(f'[pkcs11]\nmodule.linux = "{lib}"\nsha256.linux = "{good}"\n')
    assert host("manifest", "check", str(path)).returncode == 0
    lib.write_bytes(b"\x7fELF replaced")
    r = host("manifest", "check", str(path))
    assert r.returncode == 7 and "SHA-256 differs" in r.stdout and ":2:1: pkcs11.module.linux" in r.stdout


@pytest.mark.skipif(sys.platform != "linux", reason="module.linux: the module key of this OS only")
def test_module_found_through_p11kit(tmp_path: Path, module_dir: Path) -> None:
    conf = tmp_path / "config" / "pkcs11" / "modules"
    conf.mkdir(parents=True)
    (conf / "vendor.module").write_text(f"module: {module_dir / 'vendor-p11.so'}\n")
    path = tmp_path / "manifest.toml"
    path.write_text('[pkcs11]\np11kit = "vendor"\n')
    assert host("manifest", "check", str(path), env={"XDG_CONFIG_HOME": str(tmp_path / "config")}).returncode == 0
    path.write_text('[pkcs11]\np11kit = "nosuchvendor"\n')
    r = host("manifest", "check", str(path), env={"XDG_CONFIG_HOME": str(tmp_path / "config")})
    assert r.returncode == 7 and "nosuchvendor.module" in r.stdout
    assert "vendor" in r.stdout.split("knows here:")[1]  # the modules p11-kit knows are listed


def test_p11kit_names_as_distributions_ship_them(tmp_path: Path) -> None:
    """Fedora's name ``opensc`` finds Debian's ``opensc-pkcs11.module`` (as this Debian ships it), and an unknown
    name lists the modules p11-kit knows."""
    from aosign_plugin.config.p11kit_names import find_p11kit_module, known_p11kit_modules

    assert Path("/usr/share/p11-kit/modules/opensc-pkcs11.module").exists(), "Debian: apt-get install opensc-pkcs11"
    path = tmp_path / "manifest.toml"
    path.write_text('[pkcs11]\np11kit = "opensc"\n')
    r = host("manifest", "check", str(path))
    assert r.returncode == 0, r.stdout
    found, name = find_p11kit_module("opensc")
    assert name == "opensc-pkcs11" and found is not None and found.endswith("opensc-pkcs11.so")
    assert find_p11kit_module("nosuch") == (None, None)
    assert "opensc-pkcs11" in known_p11kit_modules()
    path.write_text('[pkcs11]\np11kit = "nosuch"\n')
    r = host("manifest", "check", str(path))
    assert r.returncode == 7 and "nosuch.module" in r.stdout and "opensc-pkcs11" in r.stdout, r.stdout


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list("[]=.\"'#\n abcdefgkmnoprstuy0123456789_-{},")), max_size=120))
def test_mutated_manifests_never_raise(tmp_path: Path, text: str) -> None:
    import pluggy

    from hostapp_stub.api import PROJECT
    from hostapp_stub.manifest import Manifest, ManifestError, check_manifest, load_manifest_file
    from hostapp_stub.plugins import load_plugins

    base = (REPO / "manifest.toml").read_text()
    cut = len(text) % (len(base) + 1)
    mutated = base[:cut] + text + base[cut:]
    path = tmp_path / "m.toml"
    path.write_text(mutated, encoding="utf-8")
    try:
        source = load_manifest_file(path, "explicit", "en")
    except ManifestError:
        return
    manifest = Manifest(data=source.data, sources=(source,), origins={k: source for k in source.positions})
    pm = load_plugins(pluggy.PluginManager(PROJECT))
    for problem in check_manifest(pm, manifest, "en"):
        assert problem.format("en")


# The system file, its locks and every way around them: tests/system/test_admin_locks.py (a real /etc/xdg/aosign in
# a private mount namespace).


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "manifest.toml"
    path.write_bytes(b"\xef\xbb\xbf" + b'[plugin]\nbakend = "sim"\n')
    r = host("manifest", "check", str(path))
    # read (Notepad's BOM is no syntax error), and its places still right
    assert r.returncode == 7 and f"{path}:2:1: plugin.bakend" in r.stdout, r.stdout + r.stderr
    path.write_bytes(b"\xef\xbb\xbf" + b'[plugin]\nbackend = "sim"\n')
    assert host("manifest", "check", str(path)).returncode == 0


def test_manifest_read_is_capped(tmp_path: Path) -> None:
    import resource

    def limit() -> None:  # 512 MiB of address space: reading /dev/zero whole would die long before
        resource.setrlimit(resource.RLIMIT_AS, (512 << 20, 512 << 20))

    base = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "XDG_"))} | {"AOSIGN_LANG": "en"}
    for args in (["--manifest", "/dev/zero", "menu"], ["manifest", "check", "/dev/zero"]):
        r = subprocess.run(
            [str(BIN / "aosign-host"), *args], capture_output=True, text=True, env=base, preexec_fn=limit, timeout=60
        )
        assert r.returncode == 7 and "too large for a manifest (at most 1024 KiB)" in r.stderr, r.stderr
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * (1 << 20) + "\n")
    r = host("manifest", "check", str(big))
    assert r.returncode == 7 and f"{big}: too large" in r.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX accounts (pwd) and modes; Windows: the DACL tests")
def test_relative_paths_resolve_against_the_manifest_folder(tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    # the manifest in another folder, naming the card's files relative to itself; run from a third folder
    folder = tmp_path / "deploy"
    folder.mkdir()
    (folder / "cards").mkdir()
    card.state.rename(folder / "cards" / "card.json")
    text = (
        card.manifest.read_text().replace(str(card.state), "cards/card.json").replace(str(card.log), "cards/apdu.log")
    )
    manifest = folder / "manifest.toml"
    manifest.write_text(text + '\n[audit]\npath = "logs/{user}.jsonl"\n')
    env = card.env("en") | {"AOSIGN_MANIFEST": str(manifest)}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = subprocess.run(
        [str(BIN / "aosign-host"), "change-pin"],
        input=f"{SHEET_PIN}\nHk47vQ2w\nHk47vQ2w\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=elsewhere,
        timeout=60,
        check=False,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    import pwd

    me = pwd.getpwuid(os.getuid()).pw_name
    log = folder / "logs" / f"{me}.jsonl"
    assert json.loads(log.read_text().splitlines()[-1])["result"] == "ok"
    assert not (elsewhere / "cards").exists() and not (elsewhere / "logs").exists()
    # a manifest given by a relative name: its paths are still relative to its own folder
    env.pop("AOSIGN_MANIFEST")
    r = subprocess.run(
        [str(BIN / "aosign-host"), "--manifest", "deploy/manifest.toml", "status", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert r.returncode == 0 and json.loads(r.stdout)["state"] == "ready", r.stdout + r.stderr


def test_home_that_is_not_there_is_never_made(tmp_path: Path) -> None:
    gone = tmp_path / "nonexistent"
    r = host("menu", env={"HOME": str(gone)})
    assert r.returncode == 0, r.stderr
    assert not gone.exists(), "a home folder was created"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX accounts (pwd) and modes; Windows: the DACL tests")
def test_audit_user_name_comes_from_the_os(tmp_path: Path) -> None:
    import pwd

    from aosign_plugin.service.audit import AuditSettings, audit_path, record

    cfg = AuditSettings(path=tmp_path / "{user}" / "audit.jsonl")
    me = pwd.getpwuid(os.getuid()).pw_name
    os.environ["USER"], saved = "../../someone-else", os.environ.get("USER", "")
    try:
        assert audit_path(cfg) == tmp_path / me / "audit.jsonl"
        assert record(cfg, {"operation": "change-pin"}) is None
    finally:
        os.environ["USER"] = saved
    assert json.loads((tmp_path / me / "audit.jsonl").read_text())["user"] == me


def _fake_dist(site: Path, name: str, marker: Path, entry_id: str = "hello") -> None:
    """A tiny installed distribution with an aosign_host entry point whose import leaves a marker file."""
    module = name.replace("-", "_")
    (site / f"{module}.py").write_text(
        "from pathlib import Path\n"
        f"Path({str(marker)!r}).write_text('imported')\n"
        "from hostapp_stub.api import EntryResult, MenuEntry, hookimpl\n\n"
        "@hookimpl\n"
        "def hostapp_register_menu_entries(register):\n"
        "    run = lambda request, ui: EntryResult(0)\n"
        f"    register(MenuEntry({entry_id!r}, {{'ja': 'こんにちは', 'en': 'Say hello'}}, run))\n"
    )
    info = site / f"{module}-2.5.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 2.5\n")
    (info / "entry_points.txt").write_text(f"[aosign_host]\nhello = {module}\n")


def test_allow_list(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    marker = tmp_path / "imported"
    _fake_dist(site, "hello-plugin", marker)
    env = {"PYTHONPATH": str(site), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    manifest = tmp_path / "m.toml"
    manifest.write_text('[plugins]\nallow = ["aosign-plugin", "hello-plugin"]\n')
    r = host("--manifest", str(manifest), "menu", env=env)
    assert "Say hello" in r.stdout and marker.exists()
    marker.unlink()
    manifest.write_text('[plugins]\nblock = ["Hello_Plugin"]\n')
    r = host("--manifest", str(manifest), "menu", env=env)
    assert "Say hello" not in r.stdout and "Change the PIN" in r.stdout
    assert not marker.exists(), "a blocked plugin was imported"
    data = json.loads(host("--manifest", str(manifest), "plugins", "--json", env=env).stdout)
    states = {p["distribution"]: (p["state"], p["version"]) for p in data}
    assert states["hello-plugin"] == ("blocked", "2.5") and states["aosign-plugin"][0] == "loaded"
    manifest.write_text('[plugins]\nallow = ["aosign-plugin"]\n')
    r = host("--manifest", str(manifest), "menu", env=env)
    assert "Say hello" not in r.stdout and not marker.exists()


@pytest.mark.parametrize("entry_id", ["doctor", "menu"])
def test_an_entry_cannot_take_a_host_commands_name(tmp_path: Path, entry_id: str) -> None:
    """A plugin's entry named like a host command never runs: the host's command does, the clash is said (and doctor
    fails its plugins check); before, argparse was given two sub-parsers of one name and the host ended in a
    traceback."""
    site = tmp_path / "site"
    site.mkdir()
    _fake_dist(site, "hello-plugin", tmp_path / "imported", entry_id=entry_id)
    env = {"PYTHONPATH": str(site), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    manifest = tmp_path / "m.toml"
    manifest.write_text('[plugins]\nallow = ["aosign-plugin", "hello-plugin"]\n')
    said = f"the menu entry '{entry_id}' registered by hello-plugin has the name of a host command"
    r = host("--manifest", str(manifest), "menu", env=env)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert said in r.stderr and "Say hello" not in r.stdout and "Change the PIN" in r.stdout
    r = host("--manifest", str(manifest), "doctor", "--json", env=env)
    assert "Traceback" not in r.stderr, r.stderr
    checks = {c["id"]: c for c in json.loads(r.stdout)["checks"]}
    assert checks["plugins"]["ok"] is False and f"{entry_id}: hello-plugin" in checks["plugins"]["summary"]
    r = host("--manifest", str(manifest), "--help", env=env)
    assert r.returncode == 0 and "Traceback" not in r.stderr and "Say hello" not in r.stdout, r.stderr
    r = host("--manifest", str(manifest), "status", "--no-wait", env=env)  # the plugin's other entries work
    assert "Traceback" not in r.stderr and said not in r.stderr


class TestAuditAndFleet:
    def audit_lines(self, card: Card) -> list[dict[str, object]]:
        log = card.home / ".local" / "state" / "aosign" / "audit.jsonl"
        return [json.loads(line) for line in log.read_text().splitlines()]

    def test_audit_lines(self, tmp_path: Path) -> None:
        card = make_card(tmp_path, "sim")
        card.host("status")
        card.host("change-pin", answers=["Wrong1234", "Hk47vQ2w", "Hk47vQ2w"])
        card.host("change-pin", answers=[SHEET_PIN, "Hk47vQ2w", "Hk47vQ2w"])
        card.host("change-pin", answers=["Hk47vQ2w", "111111", "111111"])
        card.host("unlock", answers=["WRONGCODE99", "Zt58bN3e", "Zt58bN3e"])
        lines = self.audit_lines(card)
        assert [(x["operation"], x["result"], x["pin_tries_left"], x["unblock_tries_left"]) for x in lines] == [
            ("change-pin", "wrong_secret", 9, None),
            ("change-pin", "ok", 10, None),
            ("change-pin", "bad_input", None, None),
            ("unlock", "wrong_secret", None, 9),
        ]
        assert all(x["backend"] == "sim" and x["user"] and x["time"] for x in lines)
        assert lines[0]["reader"] == "AOSign simulated card"
        text = json.dumps(lines)
        for secret in ("Wrong1234", SHEET_PIN, "Hk47vQ2w", "WRONGCODE99", "Zt58bN3e"):
            assert secret not in text

    def test_unwritable_audit_log_does_not_break_a_change(self, tmp_path: Path) -> None:
        card = make_card(tmp_path, "sim")
        blocked = tmp_path / "ro"
        blocked.mkdir()
        (blocked / "audit.jsonl").mkdir()  # a folder where the file should be: any write fails, even as root
        card.manifest.write_text(card.manifest.read_text() + f'\n[audit]\npath = "{blocked / "audit.jsonl"}"\n')
        run = card.host("change-pin", answers=[SHEET_PIN, "Hk47vQ2w", "Hk47vQ2w"])
        assert run.code == 0 and "以上で" in run.out
        assert "監査ログを書き込めませんでした" in run.err
        assert card.counters() == (10, 10)

    def test_audit_rotates(self, tmp_path: Path) -> None:
        from aosign_plugin.service.audit import AuditSettings, record

        path = tmp_path / "audit.jsonl"
        cfg = AuditSettings(path=path, max_bytes=4096, backups=2)
        for i in range(100):
            assert record(cfg, {"operation": "change-pin", "n": i}) is None
        assert path.stat().st_size <= 4096
        assert (tmp_path / "audit.jsonl.1").exists() and (tmp_path / "audit.jsonl.2").exists()
        assert not (tmp_path / "audit.jsonl.3").exists()
        last = json.loads(path.read_text().splitlines()[-1])
        assert last["n"] == 99
        assert stat.S_IMODE(path.stat().st_mode) == 0o600

    def test_quiet_status_exit_codes(self, tmp_path: Path) -> None:
        card = make_card(tmp_path, "sim")
        assert card.host("status", "--quiet").code == 0
        for i in range(10):
            card.host("change-pin", answers=[f"Wrong{i:04d}", "Hk47vQ2w", "Hk47vQ2w"])
        run = card.host("status", "--quiet")
        assert (run.code, run.out, run.err) == (4, "", "")
        card.state.unlink()
        assert card.host("status", "--quiet").code == 6

    def test_status_json_on_error(self, tmp_path: Path) -> None:
        card = make_card(tmp_path, "sim")
        card.state.unlink()
        run = card.host("status", "--json")
        assert run.code == 6
        data = json.loads(run.out)
        assert data["error"]["code"] == "no_sim_card" and data["error"]["exit_code"] == 6
