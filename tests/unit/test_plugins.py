"""The host's plugin discovery and menu, with fresh plugin managers."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pluggy
import pytest

from hostapp_stub.api import PROJECT, EntryResult, HostUI, MenuEntry, PanelView, Request, StatusPanel, hookimpl
from hostapp_stub.plugins import installed_plugins, load_plugins, menu, plugin_info, status_panels

#: how our plugin is registered: its distribution and its entry point (issue 24)
OURS = "aosign-plugin:aosign"


@pytest.fixture
def pm() -> pluggy.PluginManager:
    return load_plugins(pluggy.PluginManager(PROJECT))


def test_plugin_found_through_its_entry_point(pm: pluggy.PluginManager) -> None:
    # registered by pyproject.toml's [project.entry-points.aosign_host], not imported by name here
    names = [name for name, _ in pm.list_name_plugin()]
    assert "aosign-plugin:aosign" in names
    info = plugin_info("aosign-plugin:aosign")
    assert info is not None and info.dist == "aosign-plugin" and info.value == "aosign_plugin.frontends.hooks"


def test_menu_entries(pm: pluggy.PluginManager) -> None:
    entries = menu(pm).entries
    assert [e.id for e in entries] == ["status", "change-pin", "unlock"]
    for e in entries:
        assert e.plugin == OURS
        # every text a label or an option's help looks up (each only when shown) is in both catalogs
        assert set(e.label) == {"ja", "en"} and all(e.label.values())
        assert all(set(o.help) == {"ja", "en"} and all(o.help.values()) for o in e.options)
        assert callable(e.run)
    unlock = entries[2]
    assert [o.name for o in unlock.options] == ["show-input", "final-try", "no-wait"]
    assert entries[1].label["ja"] == "PIN(暗証番号)の変更"
    assert entries[0].run_in_window is None and entries[1].run_in_window is not None


class _Greeter:
    """A second plugin with an entry of its own; it records who ran what."""

    def __init__(self, entry_id: str, ran: list[str], name: str) -> None:
        self.entry_id, self.ran, self.name = entry_id, ran, name

    @hookimpl
    def hostapp_register_menu_entries(self, register: Callable[[MenuEntry], None]) -> None:
        def run(request: Request, ui: HostUI) -> EntryResult:
            self.ran.append(self.name)
            return EntryResult(0)

        register(MenuEntry(self.entry_id, {"ja": "こんにちは", "en": "Hello"}, run))


def test_each_entry_runs_its_own_plugin(pm: pluggy.PluginManager) -> None:
    ran: list[str] = []
    pm.register(_Greeter("hello", ran, "greeter"), name="greeter")
    try:
        listing = menu(pm)
        entries = {e.id: e for e in listing.entries}
        assert entries["hello"].plugin == "greeter" and entries["status"].plugin == OURS
        assert listing.collisions == ()
        assert entries["hello"].run(Request(lang="en"), None).exit_code == 0  # type: ignore[arg-type]
        assert ran == ["greeter"]
    finally:
        pm.unregister(name="greeter")


def test_an_id_two_plugins_claim_runs_in_neither(pm: pluggy.PluginManager) -> None:
    ran: list[str] = []
    pm.register(_Greeter("status", ran, "rogue"), name="rogue")
    try:
        listing = menu(pm)
        assert listing.get("status") is None  # neither the rogue's nor ours
        (collision,) = listing.collisions
        assert collision.id == "status" and set(collision.plugins) == {OURS, "rogue"}
        assert [e.id for e in listing.entries] == ["change-pin", "unlock"]  # the others still work
        assert ran == []
    finally:
        pm.unregister(name="rogue")


def test_a_host_commands_name_is_reserved(pm: pluggy.PluginManager) -> None:
    """Entries named like a host command are left out and listed as reserved, even when two plugins claim one
    (then it is no collision that would stop the host's own command)."""
    ran: list[str] = []
    pm.register(_Greeter("doctor", ran, "one"), name="one")
    pm.register(_Greeter("doctor", ran, "two"), name="two")
    pm.register(_Greeter("menu", ran, "three"), name="three")
    try:
        listing = menu(pm)
        assert listing.get("doctor") is None and listing.get("menu") is None and listing.collisions == ()
        assert {(c.id, frozenset(c.plugins)) for c in listing.reserved} == {
            ("doctor", frozenset({"one", "two"})),
            ("menu", frozenset({"three"})),
        }
        assert [e.id for e in listing.entries] == ["status", "change-pin", "unlock"]
    finally:
        for name in ("one", "two", "three"):
            pm.unregister(name=name)


def test_status_panels(pm: pluggy.PluginManager) -> None:
    class Panel:
        @hookimpl
        def hostapp_register_status_panels(self, register: Callable[[StatusPanel], None]) -> None:
            register(StatusPanel("other", {"ja": "他", "en": "Other"}, lambda request: PanelView(("fine",))))

        @hookimpl
        def hostapp_manifest_tables(self) -> list[str]:
            return ["other"]

    pm.register(Panel(), name="panel")
    try:
        panels, collisions = status_panels(pm)
        assert [(p.id, p.plugin) for p in panels] == [("card", OURS), ("other", "panel")]
        assert collisions == []
        assert set(panels[0].title) == {"ja", "en"} and all(panels[0].title.values())
        assert panels[1].read(Request(lang="en")).lines == ("fine",)
        assert any("other" in tables for tables in pm.hook.hostapp_manifest_tables())
    finally:
        pm.unregister(name="panel")


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
    assert OURS in [n for n, _ in pm.list_name_plugin()]


def test_cache_keeps_one_entry_per_way_of_starting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    installed_plugins()
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.syspath_prepend(str(other))  # as if started another way: another sys.path[0]
    installed_plugins()
    cache = next((tmp_path / "cache").rglob("plugins.json"))
    assert len(json.loads(cache.read_text())["entries"]) == 2


def test_pluggy_reports_the_distributions_it_loaded() -> None:
    """pluggy's own list_plugin_distinfo names each plugin's distribution, for a fresh manager and the host's."""
    for pm in (load_plugins(pluggy.PluginManager(PROJECT)), load_plugins()):
        dists = {d.project_name for _, d in pm.list_plugin_distinfo()}
        assert "aosign-plugin" in dists
        plugin = pm.get_plugin(OURS)
        assert any(p is plugin for p, _ in pm.list_plugin_distributions())


def test_hooks_are_called_through_pm_hook(pm: pluggy.PluginManager) -> None:
    """One plugin at a time, yet through pluggy's machinery: a hook wrapper and the call tracing see every call."""
    seen: list[str] = []

    class Wrapper:
        @hookimpl(wrapper=True)
        def hostapp_register_menu_entries(self, register: Callable[[MenuEntry], None]) -> Iterator[None]:
            seen.append("wrapped")
            return (yield)

    traced: list[list[str]] = []
    undo = pm.add_hookcall_monitoring(
        lambda hook_name, impls, kwargs: traced.append([pm.get_name(i.plugin) or "" for i in impls]),
        lambda outcome, hook_name, impls, kwargs: None,
    )
    pm.register(Wrapper(), name="wrapper")
    try:
        assert [e.id for e in menu(pm).entries] == ["status", "change-pin", "unlock"]
        assert seen == ["wrapped"]
        assert [OURS, "wrapper"] in traced or ["wrapper", OURS] in traced
    finally:
        undo()
        pm.unregister(name="wrapper")


def test_a_hook_that_raises_leaves_out_that_plugin_only(pm: pluggy.PluginManager) -> None:
    from hostapp_stub.plugins import clear_failures, failures

    class Raises:
        @hookimpl
        def hostapp_register_menu_entries(self, register: Callable[[MenuEntry], None]) -> None:
            register(MenuEntry("half", {"ja": "半分", "en": "Half"}, lambda request, ui: EntryResult(0)))
            raise RuntimeError("after one entry")

    clear_failures()
    pm.register(Raises(), name="raises")
    try:
        assert [e.id for e in menu(pm).entries] == ["status", "change-pin", "unlock"]  # not even its first entry
        (failure,) = failures()
        assert (failure.plugin, failure.hook, failure.error, failure.message) == (
            "raises",
            "hostapp_register_menu_entries",
            "RuntimeError",
            "after one entry",
        )
    finally:
        pm.unregister(name="raises")
        clear_failures()
