"""The plugin's own folders (issue 24: a plugin takes nothing from a host but its API) are where the host's would
put them: aosign-sim, the pyHanko signer and every host find the same simulated card, audit log and caches."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from aosign_plugin.config import platforms as ours
from hostapp_stub import platforms as host


@pytest.mark.parametrize("kind", ["data", "state", "cache"])
@pytest.mark.parametrize(
    ("xdg", "home"),
    [(None, "/home/taro"), ("/home/taro/x", "/home/taro"), ("rel", "/home/taro"), (None, "relative"), ("/x/c", "rel")],
)
def test_linux_folders_are_the_hosts(
    monkeypatch: pytest.MonkeyPatch, kind: ours.Kind, xdg: str | None, home: str
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("HOME", home)
    variable = {"data": "XDG_DATA_HOME", "state": "XDG_STATE_HOME", "cache": "XDG_CACHE_HOME"}[kind]
    if xdg is None:
        monkeypatch.delenv(variable, raising=False)
    else:
        monkeypatch.setenv(variable, xdg)
    assert ours.user_folder(kind) == host.location(kind)


@pytest.mark.parametrize("system", ["linux", "darwin"])
def test_files_are_the_hosts(monkeypatch: pytest.MonkeyPatch, system: str) -> None:
    monkeypatch.setattr(sys, "platform", system)
    monkeypatch.setenv("HOME", "/home/taro")
    assert ours.default_sim_state() == host.default_sim_state()
    assert ours.default_audit_path() == host.default_audit_path()
    assert ours.cache_dir() == host.cache_dir()
    assert ours.os_key() == host.os_key()


def test_login_name_and_make_folder_are_the_hosts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ours.login_name() == host.login_name()
    monkeypatch.setenv("HOME", str(tmp_path / "nonexistent"))
    assert ours.make_folder(tmp_path / "nonexistent" / ".cache" / "aosign") is False
    assert ours.make_folder(tmp_path / "elsewhere" / "x") is True and (tmp_path / "elsewhere" / "x").is_dir()
