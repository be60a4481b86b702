"""The host's plugin discovery and menu, with fresh plugin managers."""

from __future__ import annotations

from collections.abc import Callable

import pluggy
import pytest

from hostapp_stub.api import PROJECT, MenuEntry, hookimpl
from hostapp_stub.plugins import DuplicateEntryError, load_plugins, menu_entries


@pytest.fixture
def pm() -> pluggy.PluginManager:
    return load_plugins(pluggy.PluginManager(PROJECT))


def test_plugin_found_through_its_entry_point(pm: pluggy.PluginManager) -> None:
    # registered by pyproject.toml's [project.entry-points.aosign_host], not imported by name here
    names = [name for name, _ in pm.list_name_plugin()]
    assert "aosign" in names
    dist = dict(pm.list_plugin_distinfo())
    assert any(d.project_name == "aosign-plugin" for d in dist.values())


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
