"""The host's side of ``doctor``: its own checks, each plugin's asked through the hook, a plugin's bug contained,
the rendering, and no cost for the other commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pluggy

from hostapp_stub import hookspecs
from hostapp_stub.api import PROJECT, Check, Request, hookimpl
from hostapp_stub.doctor import exit_code, render, report_json, run_checks
from hostapp_stub.manifest import Manifest


class Healthy:
    @hookimpl
    def hostapp_doctor_checks(self, request: Request) -> list[Check]:
        return [Check("thing", True, f"fine in {request.lang}")]


class Broken:
    @hookimpl
    def hostapp_doctor_checks(self, request: Request) -> list[Check]:
        raise RuntimeError("boom")


class Failing:
    @hookimpl
    def hostapp_doctor_checks(self, request: Request) -> list[Check]:
        return [Check("other", False, "wrong", "do this\nthen that")]


def manager(*plugins: object) -> pluggy.PluginManager:
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    for i, plugin in enumerate(plugins):
        pm.register(plugin, name=f"p{i}")
    return pm


def test_host_checks_then_each_plugins_in_order() -> None:
    checks = run_checks(manager(Healthy(), Failing()), Manifest(), [], "en")
    assert [c.id for c in checks] == ["host", "plugins", "manifest", "thing", "other"]
    assert checks[3].summary == "fine in en"
    assert exit_code(checks) == 1
    data = report_json(checks)
    assert data["ok"] is False
    assert data["checks"][4] == {"id": "other", "ok": False, "summary": "wrong", "fix": "do this\nthen that"}


def test_a_plugins_bug_is_a_failed_check_and_the_rest_still_runs() -> None:
    checks = run_checks(manager(Broken(), Healthy()), Manifest(), [], "ja")
    ids = [c.id for c in checks]
    assert "plugin.p0" in ids and "thing" in ids
    broken = checks[ids.index("plugin.p0")]
    assert not broken.ok and "RuntimeError: boom" in broken.summary and broken.fix


def test_all_passing_exits_0_and_renders_one_line_each() -> None:
    checks = [Check("a", True, "one"), Check("b", True, "two")]
    assert exit_code(checks) == 0
    assert render(checks, "en") == ["✓ a: one", "✓ b: two", "All 2 checks passed."]


def test_render_puts_the_fix_under_the_failure() -> None:
    lines = render([Check("a", False, "bad\nmore", "do this\nthen that")], "ja")
    assert lines[:5] == ["✗ a: bad", "    more", "    対処: do this", "      then that", lines[4]]
    assert "1" in lines[4]


def test_other_commands_do_not_import_doctor(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom hostapp_stub.cli import main\nmain(['menu'])\n"
        "print(sorted(m for m in sys.modules if 'doctor' in m))"
    )
    env = {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "c"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
