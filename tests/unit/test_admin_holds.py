"""What the administrator sets holds (issue 26), offline: the system file's place probed component by component
(recorded answers of Linux, macOS and Windows), the merge rules for ``[plugins]`` and ``[audit]``, locking the module
by path locking it by p11-kit name, PEP 503 names, nesting caps for manifests and caches."""

from __future__ import annotations

import errno
import json
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

import pytest

import hostapp_stub.manifest as m
from hostapp_stub.cache_file import read_entries

# --- item 1: there or not, never "can't tell" -----------------------------------------------------------------------


def replay(answers: dict[str, OSError]) -> tuple[list[str], object]:
    """An lstat that answers each path as recorded (an error, or a stat when not listed)."""
    asked: list[str] = []

    def lstat(path: PurePath) -> object:
        asked.append(str(path))
        error = answers.get(str(path))
        if error is not None:
            raise error
        return object()

    return asked, lstat


LINUX = PurePosixPath("/etc/xdg/aosign/manifest.toml")
MACOS = PurePosixPath("/Library/Application Support/aosign/manifest.toml")
WINDOWS = PureWindowsPath(r"C:\ProgramData\aosign\manifest.toml")


def test_linux_hardened_umask_folder_stops_naming_it() -> None:
    # /etc/xdg/aosign is drwxr-x--- (root umask 027): an ordinary account gets EACCES on the file below it
    asked, lstat = replay({str(LINUX): PermissionError(errno.EACCES, "Permission denied", str(LINUX))})
    with pytest.raises(m.SystemPlaceError) as e:
        m.probe_system_file(LINUX, "en", lstat=lstat, windows=False)
    assert asked == ["/etc", "/etc/xdg", "/etc/xdg/aosign", str(LINUX)]
    assert "/etc/xdg/aosign: Permission denied" in str(e.value)
    assert e.value.fix == "As an administrator: sudo chmod a+rx /etc/xdg/aosign"
    assert "cannot tell whether the system manifest is there" in e.value.summary


def test_macos_unsearchable_folder_stops() -> None:
    folder = "/Library/Application Support/aosign"
    _, lstat = replay({str(MACOS): PermissionError(errno.EACCES, "Permission denied", str(MACOS))})
    with pytest.raises(m.SystemPlaceError) as e:
        m.probe_system_file(MACOS, "ja", lstat=lstat, windows=False)
    assert f"sudo chmod a+rx {folder}" in e.value.fix and "確かめられません" in str(e.value)


def test_windows_access_denied_stops_with_icacls() -> None:
    # what Windows answers for a folder whose DACL gives Users no "list folder" right (winerror 5 → EACCES)
    denied = PermissionError(errno.EACCES, "Access is denied", str(WINDOWS))
    asked, lstat = replay({str(WINDOWS): denied})
    with pytest.raises(m.SystemPlaceError) as e:
        m.probe_system_file(WINDOWS, "en", lstat=lstat, windows=True)
    assert asked == ["C:\\ProgramData", "C:\\ProgramData\\aosign", str(WINDOWS)]
    assert e.value.fix == 'As an administrator: icacls "C:\\ProgramData\\aosign" /grant *S-1-5-32-545:(RX)'


@pytest.mark.parametrize("code", [errno.ELOOP, errno.EIO])
def test_a_link_loop_or_disk_error_names_the_component(code: int) -> None:
    _, lstat = replay({"/etc/xdg/aosign": OSError(code, "boom", "/etc/xdg/aosign")})
    with pytest.raises(m.SystemPlaceError) as e:
        m.probe_system_file(LINUX, "en", lstat=lstat, windows=False)
    assert "/etc/xdg/aosign: boom" in str(e.value) and "check /etc/xdg/aosign" in e.value.fix


@pytest.mark.parametrize(
    "error",
    [
        FileNotFoundError(errno.ENOENT, "No such file or directory"),
        NotADirectoryError(errno.ENOTDIR, "Not a directory"),
        OSError(errno.ENOENT, "The system cannot find the path specified"),  # Windows' ERROR_PATH_NOT_FOUND
    ],
)
def test_does_not_exist_is_no_system_file(error: OSError) -> None:
    _, lstat = replay({"/etc/xdg/aosign": error})
    assert m.probe_system_file(LINUX, "en", lstat=lstat, windows=False) is False


def test_real_file_there_and_not(tmp_path: Path) -> None:
    there = tmp_path / "aosign" / "manifest.toml"
    assert m.probe_system_file(there, "en") is False
    there.parent.mkdir()
    there.write_text("")
    assert m.probe_system_file(there, "en") is True
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(m.SystemPlaceError, match="check"):
        m.probe_system_file(loop / "manifest.toml", "en")


# --- item 3: names, [plugins] narrowed, [audit] held ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "norm"),
    [
        ("aosign-plugin", "aosign-plugin"),
        ("Aosign_Plugin", "aosign-plugin"),
        ("aosign.plugin", "aosign-plugin"),
        ("aosign--_.plugin", "aosign-plugin"),
        ("SNEAKY___Plugin", "sneaky-plugin"),
    ],
)
def test_pep503_normalize(name: str, norm: str) -> None:
    assert m.normalize_name(name) == norm


def merged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, system: str, user: str) -> m.Manifest:
    sys_file, user_file = tmp_path / "system.toml", tmp_path / "user.toml"
    sys_file.write_text(system, encoding="utf-8")
    user_file.write_text(user, encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(m, "locate_manifest", lambda e, lang: ([(sys_file, "system"), (user_file, "user")], False))
    monkeypatch.setattr(m, "check_system_file", lambda path, lang: None)
    return m.load_manifest(None, "en")


def test_user_file_only_narrows_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = merged(
        tmp_path,
        monkeypatch,
        '[plugins]\nallow = ["aosign-plugin", "other"]\nblock = ["Sneaky_Plugin"]\n',
        '[plugins]\nallow = ["aosign_plugin", "sneaky-plugin", "extra"]\nblock = []\n',
    )
    assert found.data["plugins"]["allow"] == ["aosign-plugin"]  # what both allow; "extra" is not the user's to add
    assert found.data["plugins"]["block"] == ["Sneaky_Plugin"]  # an empty list does not unblock
    for dist in ("sneaky-plugin", "SNEAKY.plugin", "extra", "other"):
        assert not found.plugin_allowed(dist), dist
    assert found.plugin_allowed("Aosign.Plugin")
    warning = [w for w in found.warnings if w.key == "plugins.allow"]
    assert warning and "sneaky-plugin, extra" in warning[0].text


def test_user_block_adds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = merged(tmp_path, monkeypatch, '[plugins]\nblock = ["a"]\n', '[plugins]\nblock = ["b", "A"]\n')
    assert found.data["plugins"]["block"] == ["a", "b"]
    assert not found.plugin_allowed("b") and found.plugin_allowed("c")


AUDIT = '[audit]\npath = "/var/log/aosign/{user}.jsonl"\nmax_bytes = 65536\nbackups = 5\n'


@pytest.mark.parametrize(
    ("user", "ignored"),
    [
        ("[audit]\nenabled = false\n", ["audit.enabled"]),
        ('[audit]\npath = "/dev/null"\n', ["audit.path"]),
        ('[audit]\nsink = "file"\n', ["audit.sink"]),
        ("[audit]\nmax_bytes = 4096\nbackups = 0\n", ["audit.max_bytes", "audit.backups"]),
        ("[audit]\nmax_bytes = 1048576\nbackups = 9\n", []),  # more is allowed
        ('[audit]\npath = "/var/log/aosign/{user}.jsonl"\n', []),  # the same value
    ],
)
def test_user_file_cannot_weaken_the_systems_audit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, user: str, ignored: list[str]
) -> None:
    found = merged(tmp_path, monkeypatch, AUDIT, user)
    assert sorted(i.key for i in found.ignored) == sorted(ignored)
    audit = found.data["audit"]
    assert audit["path"] == "/var/log/aosign/{user}.jsonl" and audit.get("enabled", True) is True
    assert audit["max_bytes"] >= 65536 and audit["backups"] >= 5
    for key in ignored:
        assert any(w.key == key and "may not switch off, move or shrink" in w.text for w in found.warnings)


def test_without_a_system_audit_the_user_decides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = merged(tmp_path, monkeypatch, "[policy]\nmin_length = 6\n", "[audit]\nenabled = false\n")
    assert found.data["audit"] == {"enabled": False} and not found.ignored


@pytest.mark.parametrize("lock", ["pkcs11.module", "pkcs11.module.linux", "pkcs11.p11kit", "pkcs11"])
def test_locking_the_module_locks_p11kit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lock: str) -> None:
    system = f'[manifest]\nlocked = ["{lock}"]\n\n[pkcs11]\np11kit = "opensc-pkcs11"\n'
    found = merged(tmp_path, monkeypatch, system, '[pkcs11]\np11kit = "softhsm2"\n')
    assert found.data["pkcs11"]["p11kit"] == "opensc-pkcs11"
    assert [i.key for i in found.ignored] == ["pkcs11.p11kit"]
    assert found.locked_by("pkcs11.p11kit") is not None


# --- item 5: limits on every structure read ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 500 + "]" * 500 + "\n",
        "a = " + "{b = " * 400 + "1" + "}" * 400 + "\n",
        ".".join(f"k{i}" for i in range(500)) + " = 1\n",
        "[" + ".".join(f"k{i}" for i in range(300)) + "]\nx = 1\n",
    ],
)
def test_deep_manifest_is_a_clear_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(m.ManifestError, match="nested too deep"):
        m.load_manifest_file(path, "explicit", "en")


def test_deep_cache_files_are_dropped(tmp_path: Path) -> None:
    cache = tmp_path / "plugins.json"
    cache.write_text('{"format": 1, "entries": [' + "[" * 100_000 + "]" * 100_000 + "]}", encoding="utf-8")
    assert read_entries(cache, 1) == []
    cache.write_text(json.dumps({"format": 1, "entries": [{"key": "k", "data": _nested(40)}]}), encoding="utf-8")
    assert read_entries(cache, 1) == []
    cache.write_text(json.dumps({"format": 1, "entries": [{"key": "k", "data": _nested(5)}]}), encoding="utf-8")
    assert read_entries(cache, 1) != []


def _nested(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = {"x": value}
    return value


def test_a_deep_parse_cache_entry_is_parsed_again(tmp_path: Path) -> None:
    user = tmp_path / "user.toml"
    body = "[policy]\nmin_length = 6\n"
    user.write_text(body, encoding="utf-8")
    cache_path = tmp_path / "manifest.json"
    entry = {"key": str(user.absolute()), "text": body, "data": _nested(20)}
    cache_path.write_text(json.dumps({"format": 1, "entries": [entry]}), encoding="utf-8")
    source = m.load_manifest_file(user, "user", "en", m.ParseCache(cache_path))
    assert source.data == {"policy": {"min_length": 6}}
