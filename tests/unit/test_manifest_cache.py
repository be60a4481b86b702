"""The cache of parsed manifest files (issue 16): a file parsed before is not parsed again, any change to it is, the
system file never comes from it (its locks hold and its trust check runs every time), and a cache that cannot be
read or written only costs a parse."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest

from hostapp_stub import manifest as m
from hostapp_stub import platforms

USER = '[plugin]\nbackend = "sim"\n\n[sim]\nstate = "/tmp/a.json"\n'


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("AOSIGN_MANIFEST", raising=False)
    # no system file on this machine's /etc/xdg/aosign, whatever the machine has
    monkeypatch.setattr(platforms, "LINUX_SYSTEM_FOLDER", tmp_path / "no-system")
    path = tmp_path / "manifest.toml"
    path.write_text(USER, encoding="utf-8")
    return path


def _no_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_: str) -> object:
        raise AssertionError("parsed again")

    monkeypatch.setattr(tomllib, "loads", refuse)


def test_a_file_parsed_before_is_not_parsed_again(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = m.load_manifest(str(env), "en")
    _no_parser(monkeypatch)
    again = m.load_manifest(str(env), "en")
    assert again.data == first.data == {"plugin": {"backend": "sim"}, "sim": {"state": "/tmp/a.json"}}
    assert again.sources[0].text == USER  # positions of problems still come from the file's own text


def test_a_change_keeping_size_and_mtime_is_parsed_afresh(env: Path) -> None:
    m.load_manifest(str(env), "en")
    before = env.stat()
    env.write_text(USER.replace("a.json", "b.json"), encoding="utf-8")  # same size
    os.utime(env, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the old modification time
    assert env.stat().st_size == before.st_size
    assert m.load_manifest(str(env), "en").data["sim"]["state"] == "/tmp/b.json"


def test_a_broken_file_is_an_error_every_time(env: Path) -> None:
    m.load_manifest(str(env), "en")
    env.write_text(USER + "[sim\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(m.ManifestError, match=r"manifest\.toml"):
            m.load_manifest(str(env), "en")


@pytest.mark.parametrize("junk", [b"", b"{", b"\xff\xfe", b'{"format": 1, "entries": [{"key": 3, "data": []}]}', b"[]"])
def test_a_corrupt_cache_means_a_parse(env: Path, tmp_path: Path, junk: bytes) -> None:
    cache = tmp_path / "cache" / "aosign" / "manifest.json"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(junk)
    assert m.load_manifest(str(env), "en").data["sim"]["state"] == "/tmp/a.json"
    assert m.load_manifest(str(env), "en").data["sim"]["state"] == "/tmp/a.json"


def test_an_unwritable_cache_means_a_parse(env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cache").write_text("a file where the cache folder would be", encoding="utf-8")
    assert m.load_manifest(str(env), "en").data["sim"]["state"] == "/tmp/a.json"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "nowhere"))
    monkeypatch.setenv("HOME", "/nonexistent")
    assert m.load_manifest(str(env), "en").data["sim"]["state"] == "/tmp/a.json"


def test_a_toml_date_is_read_and_left_uncached(env: Path, tmp_path: Path) -> None:
    env.write_text(USER + "\n[extra]\nwhen = 2026-01-01\n", encoding="utf-8")
    for _ in range(2):
        assert str(m.load_manifest(str(env), "en").data["extra"]["when"]) == "2026-01-01"


SYSTEM = '[manifest]\nlocked = ["sim.state"]\n\n[sim]\nstate = "/srv/card.json"\n'


def test_the_system_file_never_comes_from_the_cache(env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache is the user's: an entry forged for the system file (dropping its lock) changes nothing."""
    system = tmp_path / "system.toml"
    system.write_text(SYSTEM, encoding="utf-8")
    checked: list[Path] = []
    monkeypatch.setattr(m, "locate_manifest", lambda explicit, lang: ([(system, "system"), (env, "env")], True))
    monkeypatch.setattr(m, "check_system_file", lambda path, lang: checked.append(path))
    forged = {"key": str(system.absolute()), "text": SYSTEM, "data": {"sim": {"state": "/srv/card.json"}}}
    cache = tmp_path / "cache" / "aosign" / "manifest.json"
    cache.parent.mkdir(parents=True)
    cache.write_text(json.dumps({"format": 1, "entries": [forged]}), encoding="utf-8")
    for _ in range(2):  # the user's file parsed, then from the cache: the lock holds both times
        found = m.load_manifest(None, "en")
        assert found.data["sim"]["state"] == "/srv/card.json"
        assert [w.key for w in found.warnings] == ["sim.state"]
    assert checked == [system, system]  # the trust check ran on every start


def test_an_untrusted_system_file_stops_a_cached_start(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    system = tmp_path / "system.toml"
    system.write_text(SYSTEM, encoding="utf-8")
    monkeypatch.setattr(m, "locate_manifest", lambda explicit, lang: ([(system, "system"), (env, "env")], True))
    monkeypatch.setattr(m, "check_system_file", lambda path, lang: None)
    m.load_manifest(None, "en")  # the user's file is cached now

    def untrusted(path: Path, lang: str) -> None:
        raise m.ManifestError(f"{path}: others can change it")

    monkeypatch.setattr(m, "check_system_file", untrusted)
    with pytest.raises(m.ManifestError, match="others can change it"):
        m.load_manifest(None, "en")
