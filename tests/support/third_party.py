"""Third-party plugins made in the tests: a module and a ``*.dist-info`` folder with its ``aosign_host`` entry point,
installed into a folder that is put on ``sys.path`` (as ``pip install --target`` or ``--user`` would leave them)."""

from __future__ import annotations

import textwrap
from pathlib import Path

__all__ = ["RAISES_EVERYWHERE", "install_plugin"]


def install_plugin(site: Path, dist: str, entry_point: str, module: str, source: str, version: str = "1.0") -> None:
    """Install distribution ``dist`` into ``site``: ``module.py`` holding ``source``, and its dist-info naming
    ``entry_point = module`` in the ``aosign_host`` group."""
    site.mkdir(parents=True, exist_ok=True)
    (site / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[aosign_host]\n{entry_point} = {module}\n", encoding="utf-8")
    (info / "RECORD").write_text("", encoding="utf-8")


#: a plugin that raises in every hook of the host, and whose one entry (registered by a second plugin object, so that
#: the entry exists although the registration hook of this one raises) raises while running
RAISES_EVERYWHERE = """
    from hostapp_stub.api import MenuEntry, StatusPanel, hookimpl


    class BrokenPlugin(Exception):
        pass


    def _boom(hook):
        raise BrokenPlugin(f"{hook} is broken\\nsecond line never shown")


    @hookimpl
    def hostapp_register_menu_entries(register):
        _boom("menu")


    @hookimpl
    def hostapp_register_status_panels(register):
        _boom("panels")


    @hookimpl
    def hostapp_manifest_tables():
        _boom("tables")


    @hookimpl
    def hostapp_manifest_problems(manifest, lang):
        _boom("problems")


    @hookimpl
    def hostapp_manifest_paths():
        _boom("paths")


    @hookimpl
    def hostapp_manifest_warnings(manifest, system_keys, lang):
        _boom("warnings")


    @hookimpl
    def hostapp_manifest_schema():
        _boom("schema")


    @hookimpl
    def hostapp_doctor_checks(request):
        _boom("doctor")
"""
