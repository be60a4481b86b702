"""One host, many plugins (issue 24): third-party plugins made here, installed beside aosign-plugin, run by the real
``aosign-host`` in a child process. A plugin that raises anywhere is named (distribution, version, hook, exception)
and left out while everything else works; a distribution that uses our entry-point name replaces nothing; one the
manifest keeps out is never imported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.third_party import RAISES_EVERYWHERE, install_plugin

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]

#: the host started with the test's site folder first on sys.path (PYTHONPATH, ``pip install --user``) or last
RUN = """
import sys
site, first = sys.argv[1], sys.argv[2] == "first"
sys.path.insert(0, site) if first else sys.path.append(site)
from hostapp_stub.cli import main
sys.exit(main(sys.argv[3:]))
"""

CRASHING_ENTRY = """
    from hostapp_stub.api import MenuEntry, hookimpl


    def run(request, ui):
        raise ZeroDivisionError("the crash entry divided by zero")


    @hookimpl
    def hostapp_register_menu_entries(register):
        register(MenuEntry("crash", {"ja": "落ちる", "en": "Crash"}, run))
"""

#: a distribution whose entry point is named like ours, registering our ids and one of its own
NAMED_LIKE_OURS = """
    from hostapp_stub.api import EntryResult, MenuEntry, hookimpl


    def run(request, ui):
        ui.say("impostor ran")
        return EntryResult(0)


    @hookimpl
    def hostapp_register_menu_entries(register):
        for entry_id in {ids!r}:
            register(MenuEntry(entry_id, {{"ja": "偽物", "en": "Impostor"}}, run))
"""

IMPORT_SIDE_EFFECT = """
    import pathlib
    pathlib.Path({marker!r}).write_text("imported")
    from hostapp_stub.api import hookimpl
"""

RAISES_AT_IMPORT = """
    raise ImportError("a dependency of this plugin is missing")
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    state = tmp_path / "card.json"
    subprocess.run(
        [str(BIN / "aosign-sim"), "issue", "--state", str(state), "--from-stdin"],
        input=b"31415926\n",
        capture_output=True,
        check=True,
    )
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(f'[plugin]\nbackend = "sim"\n\n[sim]\nstate = "{state}"\n', encoding="utf-8")
    return {
        "HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "PATH": "/usr/bin:/bin",
        "AOSIGN_LANG": "en",
        "AOSIGN_MANIFEST": str(manifest),
    }


def host(
    site: Path, env: dict[str, str], *args: str, first: bool = True, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    where = "first" if first else "last"
    return subprocess.run(
        [sys.executable, "-c", RUN, str(site), where, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        input=stdin,
        timeout=120,
    )


@pytest.fixture
def broken_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    install_plugin(site, "broken-plugin", "broken", "broken_plugin", RAISES_EVERYWHERE, version="2.3")
    install_plugin(site, "crash-plugin", "crash", "crash_plugin", CRASHING_ENTRY)
    install_plugin(site, "missing-dep-plugin", "missing", "missing_dep_plugin", RAISES_AT_IMPORT)
    return site


@pytest.mark.parametrize(
    "args",
    [
        ["menu"],
        ["menu", "--json"],
        ["status", "--json"],
        ["plugins"],
        ["--help"],
        ["status", "--help"],
        ["manifest", "check"],
        ["manifest", "schema"],
    ],
)
def test_a_plugin_that_raises_everywhere_stops_nothing_else(
    broken_site: Path, env: dict[str, str], args: list[str]
) -> None:
    done = host(broken_site, env, *args)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    assert "second line never shown" not in done.stderr
    assert "broken-plugin 2.3" in done.stderr and "BrokenPlugin" in done.stderr
    assert (
        "missing-dep-plugin 1.0 failed in import (ImportError: a dependency of this plugin is missing)" in done.stderr
    )


def test_each_failure_names_the_hook(broken_site: Path, env: dict[str, str]) -> None:
    done = host(broken_site, env, "manifest", "check")
    for hook in ("hostapp_register_menu_entries", "hostapp_manifest_tables", "hostapp_manifest_problems",
                 "hostapp_manifest_paths", "hostapp_manifest_warnings"):  # fmt: skip
        assert f"The plugin broken-plugin 2.3 failed in {hook} (BrokenPlugin: " in done.stderr, done.stderr


def test_verbose_shows_the_traceback(broken_site: Path, env: dict[str, str]) -> None:
    done = host(broken_site, env, "-v", "menu")
    assert done.returncode == 0
    assert "Traceback" in done.stderr and "second line never shown" in done.stderr


def test_japanese_names_the_plugin_too(broken_site: Path, env: dict[str, str]) -> None:
    done = host(broken_site, {**env, "AOSIGN_LANG": "ja"}, "menu")
    assert done.returncode == 0
    assert "プラグイン broken-plugin 2.3 が hostapp_register_menu_entries で失敗しました" in done.stderr


def test_the_other_entries_still_run(broken_site: Path, env: dict[str, str]) -> None:
    listed = json.loads(host(broken_site, env, "menu", "--json").stdout)
    assert {(e["id"], e["plugin"]) for e in listed} == {
        ("status", "aosign-plugin"),
        ("change-pin", "aosign-plugin"),
        ("unlock", "aosign-plugin"),
        ("crash", "crash-plugin"),
    }
    status = json.loads(host(broken_site, env, "status", "--json").stdout)
    assert status["state"] == "ready" and status["pin"]["tries_left"] == 10


def test_an_entry_that_raises_exits_9_naming_its_plugin(broken_site: Path, env: dict[str, str]) -> None:
    done = host(broken_site, env, "crash")
    assert done.returncode == 9
    assert "Traceback" not in done.stderr
    assert "crash-plugin 1.0 failed while running 'crash' (ZeroDivisionError: the crash entry divided by zero)" in (
        done.stderr
    )
    assert "Traceback" in host(broken_site, env, "-v", "crash").stderr


def test_doctor_lists_each_failing_plugin_with_its_fix(broken_site: Path, env: dict[str, str]) -> None:
    done = host(broken_site, env, "doctor", "--json")
    assert done.returncode == 1  # failed checks: not a traceback, not a crash
    report = json.loads(done.stdout)
    checks = {c["id"]: c for c in report["checks"]}
    assert checks["card.status"]["ok"] if "card.status" in checks else True
    broken = checks["plugin.broken-plugin"]
    assert not broken["ok"] and "hostapp_doctor_checks: BrokenPlugin: doctor is broken" in broken["summary"]
    assert "broken-plugin" in broken["fix"]
    assert not checks["plugin.missing-dep-plugin"]["ok"]
    # aosign-plugin's own checks are all there
    assert any(c.startswith(("pcsc", "backend", "card", "sim", "audit")) for c in checks)


def test_plugins_json_says_where_each_failed(broken_site: Path, env: dict[str, str]) -> None:
    rows = json.loads(host(broken_site, env, "plugins", "--json").stdout)
    by_dist = {r["distribution"]: r for r in rows}
    assert by_dist["aosign-plugin"]["state"] == "loaded" and by_dist["aosign-plugin"]["failures"] == []
    assert by_dist["missing-dep-plugin"]["state"] == "failed"
    hooks = {f["hook"] for f in by_dist["broken-plugin"]["failures"]}
    assert "hostapp_register_menu_entries" in hooks


@pytest.mark.parametrize("first", [True, False], ids=["before-ours", "after-ours"])
def test_a_distribution_named_like_ours_replaces_nothing(tmp_path: Path, env: dict[str, str], first: bool) -> None:
    """Its entry point is called ``aosign`` too: both load. It claims our ``status``: neither runs it (exit 8, both
    named); our other entries and its own entry work."""
    site = tmp_path / "site"
    install_plugin(site, "aosign-impostor", "aosign", "impostor", NAMED_LIKE_OURS.format(ids=["status", "own"]))
    listed = json.loads(host(site, env, "menu", "--json", first=first).stdout)
    assert {(e["id"], e["plugin"]) for e in listed} == {
        ("change-pin", "aosign-plugin"),
        ("unlock", "aosign-plugin"),
        ("own", "aosign-impostor"),
    }
    done = host(site, env, "status", first=first)
    assert done.returncode == 8 and "impostor ran" not in done.stdout
    assert "aosign-plugin" in done.stderr and "aosign-impostor" in done.stderr
    rows = json.loads(host(site, env, "plugins", "--json", first=first).stdout)
    assert {(r["name"], r["distribution"], r["state"]) for r in rows} == {
        ("aosign", "aosign-plugin", "loaded"),
        ("aosign", "aosign-impostor", "loaded"),
    }
    ours = next(r for r in rows if r["distribution"] == "aosign-plugin")
    assert ours["shares_name_with"] == ["aosign-impostor"]
    shown = host(site, env, "plugins", first=first).stdout
    assert "the entry-point name aosign is used by several distributions" in shown
    doctor = json.loads(host(site, env, "doctor", "--json", first=first).stdout)
    plugins = next(c for c in doctor["checks"] if c["id"] == "plugins")
    assert not plugins["ok"] and "aosign-impostor" in plugins["summary"]


@pytest.mark.parametrize("first", [True, False], ids=["before-ours", "after-ours"])
def test_named_like_ours_without_our_ids_both_work(tmp_path: Path, env: dict[str, str], first: bool) -> None:
    site = tmp_path / "site"
    install_plugin(site, "aosign-impostor", "aosign", "impostor", NAMED_LIKE_OURS.format(ids=["own"]))
    status = host(site, env, "status", "--json", first=first)
    assert status.returncode == 0 and json.loads(status.stdout)["state"] == "ready"
    own = host(site, env, "own", first=first)
    assert own.returncode == 0 and "impostor ran" in own.stdout


@pytest.mark.parametrize("listed", ["block", "allow"])
def test_a_plugin_kept_out_is_never_imported(tmp_path: Path, env: dict[str, str], listed: str) -> None:
    """Kept out by ``block`` (spelled another PEP 503 way: runs of ``-_.`` are one ``-``) or by an allow-list
    without it: its import side effect never happens, whatever the command."""
    site = tmp_path / "site"
    marker = tmp_path / "imported"
    install_plugin(site, "kept-out-plugin", "kept", "kept_out_plugin", IMPORT_SIDE_EFFECT.format(marker=str(marker)))
    manifest = Path(env["AOSIGN_MANIFEST"])
    table = 'block = ["Kept__Out..plugin"]' if listed == "block" else 'allow = ["aosign-plugin"]'
    manifest.write_text(manifest.read_text(encoding="utf-8") + f"\n[plugins]\n{table}\n", encoding="utf-8")
    for args in (["menu"], ["plugins", "--json"], ["doctor", "--json"], ["status", "--json"]):
        done = host(site, env, *args)
        assert done.returncode in (0, 1), done.stderr
        assert not marker.exists(), args
    rows = json.loads(host(site, env, "plugins", "--json").stdout)
    assert {r["distribution"]: r["state"] for r in rows}["kept-out-plugin"] == "blocked"
    # the same plugin, allowed: the side effect proves the test could see an import
    manifest.write_text(manifest.read_text(encoding="utf-8").split("[plugins]")[0], encoding="utf-8")
    assert host(site, env, "menu").returncode == 0
    assert marker.exists()


def test_the_example_plugin_works_beside_a_broken_one(broken_site: Path, env: dict[str, str]) -> None:
    """examples/hello-plugin, installed as written, beside the plugins that fail: its entry runs, ours too."""
    source = (ROOT / "examples" / "hello-plugin" / "hello_plugin" / "__init__.py").read_text(encoding="utf-8")
    install_plugin(broken_site, "hello-plugin", "hello", "hello_plugin", source, version="0.1")
    done = host(broken_site, env, "hello", "--loud")
    assert (done.returncode, done.stdout) == (0, "HELLO.\n")
    assert "broken-plugin 2.3" in done.stderr  # the broken one is still named
    listed = {e["id"]: e["plugin"] for e in json.loads(host(broken_site, env, "menu", "--json").stdout)}
    assert listed["hello"] == "hello-plugin" and listed["status"] == "aosign-plugin"


@pytest.mark.parametrize("first", [True, False], ids=["before-ours", "after-ours"])
def test_a_distribution_pointing_at_our_module_owns_nothing(tmp_path: Path, env: dict[str, str], first: bool) -> None:
    """Its entry point loads aosign-plugin's own hook module: aosign-plugin, which ships that module, keeps it (else
    whichever came first on sys.path would own our entries); the other is named as failed."""
    site = tmp_path / "site"
    site.mkdir()
    info = site / "aosign_squatter-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: aosign-squatter\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[aosign_host]\nsquat = aosign_plugin.frontends.hooks\n", encoding="utf-8")
    (info / "RECORD").write_text("", encoding="utf-8")
    done = host(site, env, "menu", "--json", first=first)
    assert done.returncode == 0, done.stderr
    assert {e["plugin"] for e in json.loads(done.stdout)} == {"aosign-plugin"}
    assert "aosign-squatter 1.0 failed in register (ValueError: loads the plugin of aosign-plugin" in done.stderr
    rows = json.loads(host(site, env, "plugins", "--json", first=first).stdout)
    assert {r["distribution"]: r["state"] for r in rows} == {"aosign-plugin": "loaded", "aosign-squatter": "failed"}


def test_a_table_of_a_plugin_that_failed_to_load_stops_nothing(broken_site: Path, env: dict[str, str]) -> None:
    """The manifest has a table of the plugin that failed at import: not an 'unknown table' (exit 7) for everyone."""
    manifest = Path(env["AOSIGN_MANIFEST"])
    manifest.write_text(manifest.read_text(encoding="utf-8") + '\n[missing]\nsetting = "x"\n', encoding="utf-8")
    done = host(broken_site, env, "status", "--json")
    assert done.returncode == 0, done.stderr
    assert "missing-dep-plugin 1.0 failed in import" in done.stderr


GOOD_NEIGHBOUR = """
    from hostapp_stub.api import Check, EntryResult, MenuEntry, hookimpl


    def run(request, ui):
        ui.say("stamp: " + str(request.manifest.get("stamp", {}).get("colour", "none")))
        return EntryResult(0)


    @hookimpl
    def hostapp_register_menu_entries(register):
        register(MenuEntry("stamp", {"ja": "印", "en": "Stamp"}, run))


    @hookimpl
    def hostapp_manifest_tables():
        return ["stamp"]


    @hookimpl
    def hostapp_manifest_problems(manifest, lang):
        colour = manifest.get("stamp", {}).get("colour")
        return [] if colour in (None, "red", "blue") else [("stamp.colour", "red or blue")]


    @hookimpl
    def hostapp_doctor_checks(request):
        return [Check("stamp.ink", True, "ink: full")]
"""


def test_a_healthy_neighbour_with_a_table_and_a_check_works_beside_the_broken_ones(
    broken_site: Path, env: dict[str, str]
) -> None:
    install_plugin(broken_site, "stamp-plugin", "stamp", "stamp_plugin", GOOD_NEIGHBOUR)
    manifest = Path(env["AOSIGN_MANIFEST"])
    manifest.write_text(manifest.read_text(encoding="utf-8") + '\n[stamp]\ncolour = "red"\n', encoding="utf-8")
    done = host(broken_site, env, "stamp")
    assert (done.returncode, done.stdout) == (0, "stamp: red\n"), done.stderr
    check = host(broken_site, env, "manifest", "check")
    assert check.returncode == 0 and "broken-plugin 2.3" in check.stderr
    report = json.loads(host(broken_site, env, "doctor", "--json").stdout)
    ids = {c["id"]: c["ok"] for c in report["checks"]}
    assert ids["stamp.ink"] is True and ids["plugin.broken-plugin"] is False
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"red"', '"green"'), encoding="utf-8")
    bad = host(broken_site, env, "stamp")
    assert bad.returncode == 7 and "stamp.colour: red or blue" in bad.stderr  # its own check still holds
