"""The administrator's manifest holds (issue 17): a real system file at ``/etc/xdg/aosign/manifest.toml`` with
locks, and a user trying every way around it. Each try either honours the locks or stops with exit 7 naming the
system file and the rule.

Each host runs in a private mount namespace (``unshare -m``) where a tmpfs lies over ``/etc/xdg``: the system file
is real for the host, and the machine's own ``/etc`` is never touched (as the pcscd fault test does for its
socket). Needs root (or a user namespace) and util-linux's ``unshare``, as the rest of tests/system needs pcscd.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cards import SHEET_PIN, make_card
from tests.support.system_manifest import SYSTEM_MANIFEST, with_system_manifest

BIN = Path(sys.executable).parent
SYSTEM = SYSTEM_MANIFEST
LOCKS = '[manifest]\nlocked = ["policy", "audit.path"]\n\n[policy]\nmin_length = 10\n'


def host_with_system(
    system_text: str | None,
    *args: str,
    env: dict[str, str] | None = None,
    stdin: str = "",
    setup: str = "",
    file_mode: str = "644",
) -> subprocess.CompletedProcess[str]:
    """``aosign-host ARGS`` with ``/etc/xdg/aosign/manifest.toml`` being ``system_text`` (root's, mode
    ``file_mode``), after the shell commands ``setup`` (run as root inside the namespace)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "XDG_"))}
    base["AOSIGN_LANG"] = "en"
    cmd = with_system_manifest([str(BIN / "aosign-host"), *args], system_text, setup=setup, file_mode=file_mode)
    return subprocess.run(
        cmd, input=stdin, capture_output=True, text=True, env=base | (env or {}), check=False, timeout=60
    )


@pytest.fixture(scope="module", autouse=True)
def private_etc() -> None:
    """A private mount namespace must be possible here; a machine without one cannot run these tests (never a skip
    that hides it)."""
    r = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", "mount -t tmpfs x /etc/xdg && echo ok"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert r.stdout.strip() == "ok", f"no private mount namespace here (needs root and unshare): {r.stderr}"
    assert not Path(SYSTEM).exists(), "the machine has a real system manifest: these tests would not be alone"


@pytest.fixture
def user(tmp_path: Path) -> dict[str, str]:
    """A user's home with a user manifest trying to loosen the locked policy."""
    config = tmp_path / "config"
    (config / "aosign").mkdir(parents=True)
    (config / "aosign" / "manifest.toml").write_text("# mine\n\n[policy]\nmin_length = 4\n")
    return {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(config), "XDG_CACHE_HOME": str(tmp_path / "cache")}


def shown(r: subprocess.CompletedProcess[str]) -> dict[str, object]:
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads(r.stdout)
    return {k["key"]: (k["value"], k["origin"]) for k in data["keys"]}


def test_system_and_user_files_merge(user: dict[str, str]) -> None:
    r = host_with_system(
        '[plugin]\nlanguage = "en"\n[policy]\nmin_length = 6\n', "manifest", "show", "--json", env=user
    )
    data = json.loads(r.stdout)
    assert [f["origin"] for f in data["files"]] == ["system", "user"]
    keys = shown(r)
    assert keys["policy.min_length"] == (4, "user") and keys["plugin.language"] == ("en", "system")


def test_user_file_cannot_loosen_a_lock_and_commands_go_on(user: dict[str, str]) -> None:
    r = host_with_system(LOCKS, "manifest", "show", "--json", env=user)
    assert shown(r)["policy.min_length"] == (10, "system")
    ignored = json.loads(r.stdout)["ignored"]
    assert ignored == [
        {
            "key": "policy.min_length",
            "value": 4,
            "toml": "4",  # as written (issue 32)
            "file": str(Path(user["XDG_CONFIG_HOME"]) / "aosign" / "manifest.toml"),
            "origin": "user",
            "locked_by": SYSTEM,
        }
    ]
    # the user's value is ignored with a warning naming the key and the system file; the command works
    r = host_with_system(LOCKS, "menu", env=user)
    assert r.returncode == 0, r.stderr
    assert f"manifest.toml:3:1: policy: locked by the system manifest {SYSTEM}: this value is ignored" in r.stderr
    r = host_with_system(LOCKS, "manifest", "check", env=user)
    assert r.returncode == 0 and "warning:" in r.stdout and SYSTEM in r.stdout
    r = host_with_system(LOCKS, "manifest", "show", env=user)
    assert f"ignored: locked by {SYSTEM}" in r.stdout


@pytest.mark.parametrize("how", ["--manifest", "AOSIGN_MANIFEST"])
def test_explicit_file_takes_the_user_files_place(tmp_path: Path, user: dict[str, str], how: str) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text("[policy]\nmin_length = 4\n\n[manifest]\nlocked = []\n")
    args: tuple[str, ...] = ("manifest", "show", "--json")
    env = dict(user)
    if how == "--manifest":
        args = ("--manifest", str(mine), *args)
    else:
        env["AOSIGN_MANIFEST"] = str(mine)
    r = host_with_system(LOCKS, *args, env=env)
    data = json.loads(r.stdout)
    assert [f["origin"] for f in data["files"]] == ["system", "explicit" if how == "--manifest" else "env"]
    assert shown(r)["policy.min_length"] == (10, "system")
    assert {i["key"] for i in data["ignored"]} == {"policy.min_length", "manifest.locked"}


def test_change_pin_keeps_the_locked_policy(tmp_path: Path) -> None:
    """The issue's own try: an 8-character PIN through --manifest and AOSIGN_MANIFEST, with min_length = 10 locked."""
    card = make_card(tmp_path, "sim")
    env = card.env("en")
    for way in ("--manifest", "AOSIGN_MANIFEST"):
        mine = tmp_path / f"mine-{way}.toml"
        mine.write_text(card.manifest.read_text() + "\n[policy]\nmin_length = 4\n")
        args = ["change-pin"]
        run_env = dict(env)
        if way == "--manifest":
            args = ["--manifest", str(mine), *args]
            run_env.pop("AOSIGN_MANIFEST")
        else:
            run_env["AOSIGN_MANIFEST"] = str(mine)
        r = host_with_system(LOCKS, *args, env=run_env, stdin=f"{SHEET_PIN}\nHk47vQ2w\nHk47vQ2w\n")
        assert r.returncode == 2, r.stdout + r.stderr  # refused by the locked policy, nothing sent
        assert "policy" in r.stderr and SYSTEM in r.stderr
    assert card.counters() == (10, 10)
    assert not card.try_commands(), "a PIN reached the card"


def test_xdg_config_dirs_is_not_a_system_location(tmp_path: Path, user: dict[str, str]) -> None:
    fake = tmp_path / "mine" / "aosign"
    fake.mkdir(parents=True)
    (fake / "manifest.toml").write_text('[plugin]\nlanguage = "ja"\n[policy]\nmin_length = 4\n')
    env = user | {"XDG_CONFIG_DIRS": str(tmp_path / "mine")}
    r = host_with_system(LOCKS, "manifest", "show", "--json", env=env)
    data = json.loads(r.stdout)
    assert [f["path"] for f in data["files"] if f["origin"] == "system"] == [SYSTEM]
    assert str(fake) not in r.stdout
    assert shown(r)["policy.min_length"] == (10, "system")


@pytest.mark.parametrize(
    ("file_mode", "setup", "node", "rule"),
    [
        ("666", "", SYSTEM, "writable by others"),
        ("664", "", SYSTEM, "writable by group"),
        ("644", "chown 65534 " + SYSTEM, SYSTEM, "owned by 65534"),
        ("644", "chmod 0777 /etc/xdg/aosign", "/etc/xdg/aosign", "writable by others"),
        ("644", "chmod 0775 /etc/xdg", "/etc/xdg", "writable by group"),
    ],
)
def test_system_file_others_can_change_stops_every_command(
    user: dict[str, str], file_mode: str, setup: str, node: str, rule: str
) -> None:
    for args in (("menu",), ("manifest", "show"), ("--manifest", "/dev/null", "status")):
        r = host_with_system(LOCKS, *args, env=user, file_mode=file_mode, setup=setup)
        assert r.returncode == 7, (args, r.stdout, r.stderr)
        assert SYSTEM in r.stderr and f"{node} is {rule}" in r.stderr
        assert "To fix:" in r.stderr and f"chmod go-w {node}" in r.stderr
    r = host_with_system(LOCKS, "manifest", "check", env=user, file_mode=file_mode, setup=setup)
    assert r.returncode == 7 and "To fix:" in r.stderr


def test_system_file_linked_to_a_users_folder_stops(tmp_path: Path, user: dict[str, str]) -> None:
    """A link from the system place into a folder others can write (here /tmp, sticky or not) is not trusted."""
    target = tmp_path / "system.toml"
    target.write_text(LOCKS)
    target.chmod(0o644)
    r = host_with_system(None, "menu", env=user, setup=f"ln -s {target} {SYSTEM}")
    assert r.returncode == 7 and SYSTEM in r.stderr and "/tmp is writable by others" in r.stderr, r.stderr


def test_unreadable_system_file_is_not_skipped(user: dict[str, str]) -> None:
    r = host_with_system(None, "menu", env=user, setup="mkdir /etc/xdg/aosign/manifest.toml")
    assert r.returncode == 7 and SYSTEM in r.stderr


def test_system_file_named_explicitly_is_read_once(user: dict[str, str]) -> None:
    r = host_with_system(LOCKS, "--manifest", SYSTEM, "manifest", "show", "--json", env=user)
    assert [f["origin"] for f in json.loads(r.stdout)["files"]] == ["system"]


def test_plugin_cache_cannot_bring_in_a_blocked_plugin(tmp_path: Path, user: dict[str, str]) -> None:
    """The allow-list of the system file holds whatever the user's plugin cache says."""
    marker = tmp_path / "imported"
    site = tmp_path / "site"
    site.mkdir()
    (site / "sneaky.py").write_text(f"from pathlib import Path\nPath({str(marker)!r}).write_text('x')\n")
    cache = Path(user["XDG_CACHE_HOME"]) / "aosign"
    cache.mkdir(parents=True)
    env = user | {"PYTHONPATH": str(site)}
    # fill the cache, then add an entry claiming sneaky is a plugin of an allowed distribution... and of another
    assert host_with_system('[plugins]\nallow = ["aosign-plugin"]\n', "menu", env=env).returncode == 0
    data = json.loads((cache / "plugins.json").read_text())
    data["entries"][0]["plugins"].append({"name": "sneaky", "value": "sneaky", "dist": "sneaky-plugin", "version": "1"})
    (cache / "plugins.json").write_text(json.dumps(data))
    r = host_with_system('[plugins]\nallow = ["aosign-plugin"]\n', "menu", env=env)
    assert r.returncode == 0 and not marker.exists(), "a plugin the system allow-list keeps out was imported"


def test_shared_audit_path_warnings(tmp_path: Path, user: dict[str, str]) -> None:
    """An audit path in the system manifest serves every user: manifest check says when it cannot."""
    shared = tmp_path / "audit"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    one_file = f'[audit]\npath = "{shared}/all.jsonl"\n'
    r = host_with_system(one_file, "manifest", "check", env=user)
    assert r.returncode == 0 and "one file for every user, and it does not exist yet" in r.stdout, r.stdout
    assert f"{SYSTEM}:2:1: audit.path" in r.stdout
    per_user = f'[audit]\npath = "{shared}/{{user}}.jsonl"\n'
    r = host_with_system(per_user, "manifest", "check", env=user)
    assert r.returncode == 0 and f"only the owner can create files in {shared}" in r.stdout, r.stdout
    shared.chmod(0o1777)
    r = host_with_system(per_user, "manifest", "check", env=user)
    # issue 26: the folder now serves everyone, and anyone can plant a name in it first: said, with the fleet's way
    assert r.returncode == 0 and f"every account can write in {shared}" in r.stdout, r.stdout
    assert "only the owner can create files" not in r.stdout and 'sink = "system"' in r.stdout
    r = host_with_system(per_user.replace("[audit]\n", '[audit]\nsink = "system"\n'), "manifest", "check", env=user)
    assert r.returncode == 0 and "warning:" not in r.stdout, r.stdout
    # the same path in the user's own file serves that user alone: no warning that it serves others (but the
    # folder others can write still can hold a planted name)
    (Path(user["XDG_CONFIG_HOME"]) / "aosign" / "manifest.toml").write_text(one_file)
    r = host_with_system(None, "manifest", "check", env=user)
    assert r.returncode == 0 and "one file for every user" not in r.stdout, r.stdout
    assert r.stdout.count("warning:") == 1 and "every account can write in" in r.stdout
    shared.chmod(0o755)
    r = host_with_system(None, "manifest", "check", env=user)
    assert r.returncode == 0 and "warning:" not in r.stdout, r.stdout
