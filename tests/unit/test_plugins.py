"""The host's plugin discovery and menu, with fresh plugin managers."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pluggy
import pytest

from hostapp_stub.api import PROJECT, MenuEntry, hookimpl
from hostapp_stub.plugins import DuplicateEntryError, installed_plugins, load_plugins, menu_entries, plugin_info


@pytest.fixture
def pm() -> pluggy.PluginManager:
    return load_plugins(pluggy.PluginManager(PROJECT))


def test_plugin_found_through_its_entry_point(pm: pluggy.PluginManager) -> None:
    # registered by pyproject.toml's [project.entry-points.aosign_host], not imported by name here
    names = [name for name, _ in pm.list_name_plugin()]
    assert "aosign" in names
    info = plugin_info("aosign")
    assert info is not None and info.dist == "aosign-plugin" and info.value == "aosign_plugin.frontends.hooks"


def test_menu_entries(pm: pluggy.PluginManager) -> None:
    entries = menu_entries(pm)
    assert [e.id for e in entries] == ["status", "change-pin", "unlock"]
    for e in entries:
        assert e.plugin == "aosign"
        assert set(e.label) == {"ja", "en"} and all(e.label.values())
        assert hasattr(pm.hook, e.hook)
    unlock = entries[2]
    assert [o.name for o in unlock.options] == ["show-input", "final-try"]
    assert entries[1].label["ja"] == "PIN(暗証番号)の変更"


def test_duplicate_entry_refused(pm: pluggy.PluginManager) -> None:
    class Rogue:
        @hookimpl
        def aosign_register_menu_entries(self, register: Callable[[MenuEntry], None]) -> None:
            register(MenuEntry("status", {"ja": "x", "en": "x"}, "aosign_card_status"))

    pm.register(Rogue(), name="rogue")
    try:
        with pytest.raises(DuplicateEntryError, match="status"):
            menu_entries(pm)
    finally:
        pm.unregister(name="rogue")


def test_another_plugin_adds_an_entry(pm: pluggy.PluginManager) -> None:
    class Extra:
        @hookimpl
        def aosign_register_menu_entries(self, register: Callable[[MenuEntry], None]) -> None:
            register(MenuEntry("hello", {"ja": "こんにちは", "en": "Hello"}, "aosign_card_status"))

        @hookimpl
        def aosign_manifest_tables(self) -> list[str]:
            return ["hello"]

    pm.register(Extra(), name="extra")
    try:
        entries = {e.id: e for e in menu_entries(pm)}
        assert entries["hello"].plugin == "extra"
        assert any("hello" in tables for tables in pm.hook.aosign_manifest_tables())
    finally:
        pm.unregister(name="extra")


def test_load_is_idempotent() -> None:
    assert load_plugins() is load_plugins()


def _install_fake_plugin(site: Path, name: str) -> None:
    """A real (if tiny) installed distribution: a module and a dist-info folder with its entry point."""
    (site / f"{name}_mod.py").write_text("from hostapp_stub.api import hookimpl\n", encoding="utf-8")
    info = site / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[aosign_host]\n{name} = {name}_mod\n", encoding="utf-8")


def test_discovery_cache_follows_installs_and_removals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert [p.name for p in installed_plugins()] == ["aosign"]
    assert list((tmp_path / "cache").rglob("plugins.json"))  # written
    assert [p.name for p in installed_plugins()] == ["aosign"]  # read back
    _install_fake_plugin(site, "extra")
    assert sorted(p.name for p in installed_plugins()) == ["aosign", "extra"]
    shutil.rmtree(site / "extra-1.0.dist-info")
    (site / "extra_mod.py").unlink()
    assert [p.name for p in installed_plugins()] == ["aosign"]


def test_stale_cache_entry_forces_a_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    installed_plugins()
    cache = next((tmp_path / "cache").rglob("plugins.json"))
    data = json.loads(cache.read_text())
    data["entries"][0]["plugins"].append(
        {"name": "ghost", "value": "no_such_module_here", "dist": "ghost", "version": "0"}
    )
    cache.write_text(json.dumps(data))
    pm = load_plugins(pluggy.PluginManager(PROJECT))
    assert "ghost" not in [n for n, _ in pm.list_name_plugin()]
    assert "aosign" in [n for n, _ in pm.list_name_plugin()]


def test_cache_keeps_one_entry_per_way_of_starting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    installed_plugins()
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.syspath_prepend(str(other))  # as if started another way: another sys.path[0]
    installed_plugins()
    cache = next((tmp_path / "cache").rglob("plugins.json"))
    assert len(json.loads(cache.read_text())["entries"]) == 2
