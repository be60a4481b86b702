"""What the administrator sets holds, tried as an ordinary account (issue 26): a root-owned system manifest with
locks under a hardened umask, p11-kit configs, a shared audit folder, and another account trying to redirect or forge
the user's audit lines. Each run is a private mount namespace (tests/support/ordinary_account.py); the user is
``nobody``, the other account uid 65533. Needs root and util-linux (unshare, setpriv), as the rest of tests/system."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cards import SHEET_PIN
from tests.support.ordinary_account import NOBODY, World, world

BIN = Path(sys.executable).parent
SYSTEM = "/etc/xdg/aosign/manifest.toml"
LOCKS = '[manifest]\nlocked = ["policy"]\n\n[policy]\nmin_length = 8\n'


@pytest.fixture
def w() -> Iterator[World]:
    assert not Path(SYSTEM).exists(), "the machine has a real system manifest: these tests would not be alone"
    with world() as made:
        yield made


def doctor_checks(w: World, name: str) -> dict[str, dict[str, object]]:
    found = w.outcome(name)
    return {c["id"]: c for c in json.loads(found.out)["checks"]}


# --- item 1 --------------------------------------------------------------------------------------------------------


def test_hardened_umask_folder_stops_every_command(w: World) -> None:
    for name in ("menu", "status", "doctor"):
        w.answers(name)
    w.namespace(
        LOCKS,
        "run menu menu; run status --manifest /dev/null status; run doctor doctor --json\n"
        "as_user sh -c 'test -e /etc/xdg/aosign/manifest.toml' && echo visible >$R/out/seen"
        " || echo hidden >$R/out/seen",
        setup="chmod 0750 /etc/xdg/aosign",  # mkdir under umask 027: drwxr-x---
    )
    assert (w.root / "out" / "seen").read_text().strip() == "hidden"  # the user really cannot see it
    for name in ("menu", "status"):
        found = w.outcome(name)
        assert found.code == 7, found.text
        assert "/etc/xdg/aosign" in found.err and "Permission denied" in found.err
        assert "sudo chmod a+rx /etc/xdg/aosign" in found.err
    found = w.outcome("doctor")
    assert found.code == 1, found.text
    check = doctor_checks(w, "doctor")["manifest"]
    assert check["ok"] is False and "cannot tell whether the system manifest is there" in str(check["summary"])
    assert check["fix"] == "As an administrator: sudo chmod a+rx /etc/xdg/aosign"


def test_hardened_umask_file_names_its_fix(w: World) -> None:
    w.answers("menu")
    w.answers("doctor")
    w.namespace(LOCKS, "run menu menu; run doctor doctor --json", setup=f"chmod 0640 {SYSTEM}")
    found = w.outcome("menu")
    assert found.code == 7 and "Permission denied" in found.err and f"sudo chmod a+r {SYSTEM}" in found.err
    check = doctor_checks(w, "doctor")["manifest"]
    assert check["ok"] is False and check["fix"] == f"As an administrator: sudo chmod a+r {SYSTEM}"


def test_a_link_loop_in_the_system_place_stops(w: World) -> None:
    w.answers("menu")
    w.namespace(None, "run menu menu", setup="rmdir /etc/xdg/aosign && ln -s aosign /etc/xdg/aosign")
    found = w.outcome("menu")
    assert found.code == 7 and "/etc/xdg/aosign" in found.err and "link loop" in found.err, found.text


# --- item 2 --------------------------------------------------------------------------------------------------------

SOFTHSM = "/usr/lib/softhsm/libsofthsm2.so"
OPENSC = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"
P11_SYSTEM = (
    "mkdir -p /etc/pkcs11/modules && printf 'module: {etc}\\n' >/etc/pkcs11/modules/aosign-test.module\n"
    "printf 'module: {share}\\n' >/usr/share/p11-kit/modules/aosign-test.module\n"
)


def module_check(w: World, system: str, *, user_manifest: str = "", setup: str = "") -> tuple[dict[str, object], str]:
    """The doctor's module check as the user, whose own p11-kit config names OpenSC's module for ``aosign-test``."""
    (w.home / ".config" / "pkcs11" / "modules" / "aosign-test.module").write_text(f"module: {OPENSC}\n")
    (w.home / ".config" / "aosign" / "manifest.toml").write_text(user_manifest)
    w.answers("doctor")
    w.namespace(system, "run doctor doctor --json", setup=P11_SYSTEM.format(etc=SOFTHSM, share=OPENSC) + setup)
    return doctor_checks(w, "doctor")["pkcs11.module"], w.outcome("doctor").err


PKCS11 = '[plugin]\nbackend = "pkcs11"\n\n[pkcs11]\np11kit = "aosign-test"\n'


def test_locked_module_is_named_by_root_configs_only(w: World) -> None:
    system = '[manifest]\nlocked = ["pkcs11.module"]\n\n' + PKCS11
    check, err = module_check(w, system, user_manifest='[pkcs11]\np11kit = "softhsm2"\n')
    summary = str(check["summary"])
    assert check["ok"] is True and SOFTHSM in summary, check
    assert "/etc/pkcs11/modules/aosign-test.module" in summary and "locked by the system manifest" in summary
    # the user's p11kit name is ignored with a warning (locking the module by path locks it by name)
    assert "pkcs11.p11kit" in err and SYSTEM in err


def test_etc_before_usr_share_and_user_config_none(w: World) -> None:
    # nothing locked: p11-kit's own order, the user's config first (it is the user's module to choose) ...
    check, _ = module_check(w, PKCS11)
    assert OPENSC in str(check["summary"]) and ".config/pkcs11/modules/aosign-test.module" in str(check["summary"])
    # ... unless the administrator's pkcs11.conf says user-config: none; then /etc wins over /usr/share
    check, _ = module_check(w, PKCS11, setup="printf 'user-config: none\\n' >/etc/pkcs11/pkcs11.conf")
    assert SOFTHSM in str(check["summary"]) and "/etc/pkcs11/modules/aosign-test.module" in str(check["summary"])


def test_locked_module_config_others_can_write_is_refused(w: World) -> None:
    system = '[manifest]\nlocked = ["pkcs11"]\n\n' + PKCS11
    check, _ = module_check(w, system, setup="chmod 666 /etc/pkcs11/modules/aosign-test.module")
    assert check["ok"] is False and "writable by group or others" in str(check["summary"]), check
    assert "chmod go-w '/etc/pkcs11/modules/aosign-test.module'" in str(check["fix"])


def test_locked_module_owned_by_the_user_is_refused(w: World) -> None:
    own = w.root / "mine.so"
    own.write_bytes(Path(SOFTHSM).read_bytes())
    own.chmod(0o755)
    os.chown(own, NOBODY, NOBODY)
    system = '[manifest]\nlocked = ["pkcs11.module"]\n\n[plugin]\nbackend = "pkcs11"\n'
    system += f'[pkcs11]\nmodule.linux = "{own}"\n'
    w.answers("status")
    w.namespace(system, "run status status")
    found = w.outcome("status")
    assert found.code == 7 and "not owned by root" in found.err, found.text


# --- item 3 --------------------------------------------------------------------------------------------------------


def test_plugins_narrowed_only(w: World) -> None:
    system = '[plugins]\nallow = ["aosign-plugin"]\nblock = ["Sneaky_Plugin"]\n'
    (w.home / ".config" / "aosign" / "manifest.toml").write_text(
        '[plugins]\nallow = ["aosign.plugin", "sneaky-plugin"]\nblock = []\n'
    )
    w.answers("show")
    w.namespace(system, "run show manifest show --json")
    found = w.outcome("show")
    assert found.code == 0, found.text
    keys = {k["key"]: k["value"] for k in json.loads(found.out)["keys"]}
    assert keys["plugins.allow"] == ["aosign-plugin"] and keys["plugins.block"] == ["Sneaky_Plugin"]


# --- item 5 --------------------------------------------------------------------------------------------------------


def test_deep_manifest_and_cache_as_the_user(w: World) -> None:
    """A manifest nested 500 deep is a clear exit 7; a cache nested deep is dropped and rebuilt (no traceback)."""
    deep = w.home / "deep.toml"
    deep.write_text("a = " + "[" * 500 + "]" * 500 + "\n")
    cache = w.home / ".cache" / "aosign"
    cache.mkdir(parents=True)
    for name in ("plugins.json", "manifest.json"):
        (cache / name).write_text('{"format": 1, "entries": ' + "[" * 100_000 + "]" * 100_000 + "}")
    subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(w.home)], check=True)
    for name in ("deep", "menu"):
        w.answers(name)
    w.namespace(LOCKS, f"run deep --manifest {deep} menu; run menu menu")
    found = w.outcome("deep")
    assert found.code == 7 and "nested too deep" in found.err and "Traceback" not in found.err, found.text
    found = w.outcome("menu")
    assert found.code == 0 and "Traceback" not in found.err, found.text
    assert len((cache / "plugins.json").read_bytes()) < 10_000  # rebuilt


# --- items 3 and 4: the audit log ----------------------------------------------------------------------------------


def sim_world(w: World, audit: str) -> str:
    """A simulated card the user may use, and a system manifest with ``audit`` as its [audit] table."""
    card = w.root / "card"
    card.mkdir()
    subprocess.run(
        [str(BIN / "aosign-sim"), "issue", "--state", str(card / "card.json"), "--from-stdin"],
        input=f"{SHEET_PIN}\nQX7RT2KM9WZ4\n".encode(),
        check=True,
        capture_output=True,
    )
    subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(card)], check=True)
    return f'[plugin]\nbackend = "sim"\n\n[sim]\nstate = "{card}/card.json"\n\n[audit]\n{audit}'


def one_try(w: World, name: str) -> None:
    """Answers for a change-pin that ends before the card (the new PINs differ: exit 2): one audit line."""
    w.answers(name, SHEET_PIN, "Hk47vQ2w", "Hk47vQ2x")


def test_audit_the_system_set_cannot_be_switched_off_or_moved(w: World) -> None:
    system = sim_world(w, f'path = "{w.audit}/{{user}}.jsonl"\n')
    (w.home / ".config" / "aosign" / "manifest.toml").write_text(
        f'[audit]\nenabled = false\npath = "{w.root}/elsewhere.jsonl"\n'
    )
    one_try(w, "change")
    w.namespace(system, "run change change-pin")
    found = w.outcome("change")
    assert found.code == 2, found.text
    assert "audit.enabled" in found.err and "audit.path" in found.err
    lines = (w.audit / "nobody.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["user"] == "nobody" and not (w.root / "elsewhere.jsonl").exists()


@pytest.mark.parametrize(
    ("plant", "reason"),
    [
        ("as_other ln -s /dev/null $R/audit/nobody.jsonl", "is a symbolic link"),
        ("as_other touch $R/audit/o.jsonl && as_other ln -s $R/audit/o.jsonl $R/audit/nobody.jsonl", "symbolic"),
        ("as_other sh -c 'echo forged >$R/audit/nobody.jsonl; chmod 666 $R/audit/nobody.jsonl'", "another account"),
        ("as_other mkfifo -m 666 $R/audit/nobody.jsonl", "not a regular file"),
    ],
)
def test_another_account_cannot_redirect_or_forge(w: World, plant: str, reason: str) -> None:
    system = sim_world(w, f'path = "{w.audit}/{{user}}.jsonl"\n')
    one_try(w, "change")
    w.answers("doctor")
    w.namespace(system, f"{plant}\nrun change change-pin\nrun doctor doctor --json")
    found = w.outcome("change")
    assert found.code == 2, found.text  # the operation's own result stands
    assert f"{w.audit}/nobody.jsonl" in found.err and reason in found.err, found.err
    check = doctor_checks(w, "doctor")["audit"]  # doctor says the same, before anything is written
    assert check["ok"] is False and reason in str(check["summary"]) and 'sink = "system"' in str(check["fix"])
    for path in w.audit.iterdir():  # no line of the user's landed anywhere
        if path.is_file() and not path.is_symlink():
            assert "change-pin" not in path.read_text(), path


def test_a_planted_folder_link_is_refused(w: World) -> None:
    """``{user}`` as a folder: another account's link there would move the user's log where it chose."""
    system = sim_world(w, f'path = "{w.audit}/{{user}}/audit.jsonl"\n')
    one_try(w, "change")
    w.namespace(
        system,
        "as_other mkdir -m 1777 $R/audit/theirs && as_other ln -s $R/audit/theirs $R/audit/nobody\n"
        "run change change-pin",
    )
    found = w.outcome("change")
    assert found.code == 2 and f"{w.audit}/nobody is a symbolic link" in found.err, found.text
    assert not list((w.audit / "theirs").iterdir())


def test_planted_backup_names_never_renamed_onto(w: World) -> None:
    system = sim_world(w, f'path = "{w.audit}/{{user}}.jsonl"\nmax_bytes = 4096\nbackups = 2\n')
    own = w.audit / "nobody.jsonl"
    own.write_bytes(b'{"old": 1}\n' * 400)
    subprocess.run(["chown", f"{NOBODY}:{NOBODY}", str(own)], check=True)
    own.chmod(0o600)
    one_try(w, "change")
    w.namespace(system, "as_other sh -c 'echo theirs >$R/audit/nobody.jsonl.2'\nrun change change-pin")
    found = w.outcome("change")
    assert found.code == 2 and f"{w.audit}/nobody.jsonl.2" in found.err, found.text
    assert (w.audit / "nobody.jsonl.2").read_text() == "theirs\n"
    assert own.read_bytes().count(b"\n") == 401  # the line kept, in the user's own file


def test_manifest_check_warns_a_user_file_can_be_planted(w: World) -> None:
    system = sim_world(w, f'path = "{w.audit}/{{user}}.jsonl"\n')
    w.answers("check")
    w.namespace(system, "run check manifest check")
    found = w.outcome("check")
    assert found.code == 0 and "warning:" in found.out and 'sink = "system"' in found.out, found.text


def test_system_sink_reaches_a_real_syslog_socket(w: World) -> None:
    """``sink = "system"``: the line reaches the logger at /dev/log (a tmpfs over /dev in the namespace, with the
    device nodes the host needs bound back), which sees the sender's real uid (SO_PASSCRED, as journald does)."""
    system = sim_world(w, 'sink = "system"\n')
    receiver = w.root / "receiver.py"
    receiver.write_text(
        "import socket, struct, sys\n"
        "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
        "s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)\n"
        "s.bind('/dev/log')\n"
        "import os; os.chmod('/dev/log', 0o666); open(sys.argv[1] + '.ready', 'w').close()\n"
        "s.settimeout(60)\n"
        "data, anc, _, _ = s.recvmsg(65536, socket.CMSG_SPACE(12))\n"
        "pid, uid, gid = struct.unpack('3i', anc[0][2][:12])\n"
        "open(sys.argv[1], 'w').write(f'{uid}\\n' + data.decode())\n"
    )
    one_try(w, "change")
    w.answers("doctor")
    steps = f"""mkdir -p $R/olddev && mount --bind /dev $R/olddev
mount -t tmpfs -o mode=0755 dev /dev
for n in null zero full random urandom tty; do touch /dev/$n; mount --bind $R/olddev/$n /dev/$n; done
ln -s /proc/self/fd /dev/fd
{sys.executable} {receiver} $R/out/received & pid=$!
for i in $(seq 100); do test -e $R/out/received.ready && break; sleep 0.1; done
run change change-pin
wait $pid
run doctor doctor --json"""
    w.namespace(system, steps)
    found = w.outcome("change")
    assert found.code == 2 and "audit" not in found.err.lower(), found.text
    uid, datagram = (w.root / "out" / "received").read_text().split("\n", 1)
    assert uid == str(NOBODY)  # the logger knows who sent it, whatever the line says
    assert datagram.startswith("<85>") and " aosign[" in datagram
    line = json.loads(datagram.split("]: ", 1)[1])
    assert line["user"] == "nobody" and line["operation"] == "change-pin" and line["result"] == "bad_input"
    assert not list(w.audit.iterdir())
    check = doctor_checks(w, "doctor")["audit"]
    assert check["ok"] is True and "/dev/log" in str(check["summary"]), check
