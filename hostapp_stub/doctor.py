"""``aosign-host doctor``: what the helpdesk would ask, checked one fact at a time, each failure with its fix.

The host checks what it knows (its version and Python's, the OS, the plugins loaded and kept out, the manifest's
files, locked keys and problems), then asks every plugin for its own checks (``hostapp_doctor_checks``). A plugin's
bug becomes a failed check naming the plugin: the report is always complete, never a traceback. Imported only for
``doctor`` and the window's support information.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .api import Check, ExitCode, Request
from .messages import text

if TYPE_CHECKING:
    import pluggy

    from .manifest import Manifest, Problem

__all__ = ["exit_code", "render", "report_json", "run_checks"]

#: the distribution that brings the host
HOST_DISTRIBUTION = "aosign-plugin"


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def host_check(lang: str) -> Check:
    """The host's and Python's versions and the OS: facts the helpdesk asks first; always passes."""
    system = platform.system() or sys.platform
    release = platform.release()
    summary = text(
        "doctor.host",
        lang,
        version=_version(HOST_DISTRIBUTION),
        python=platform.python_version(),
        implementation=platform.python_implementation(),
        os=f"{system} {release}".strip(),
        machine=platform.machine() or "?",
    )
    return Check("host", True, summary)


def plugins_check(pm: pluggy.PluginManager, lang: str) -> Check:
    """The plugins loaded and those the manifest keeps out, with versions; fails when none loaded or two claim one
    menu entry."""
    from .plugins import distribution, menu, plugin_states, shared_names

    def dists(names: tuple[str, ...]) -> str:
        return ", ".join(distribution(name) for name in names)

    states = plugin_states()
    loaded = [f"{i.dist} {i.version}" for i, state in states if state == "loaded"]
    kept_out = [f"{i.dist} {i.version}" for i, state in states if state == "blocked"]
    summary = text(
        "doctor.plugins",
        lang,
        loaded=", ".join(loaded) or "-",
        kept_out=", ".join(kept_out) or "-",
    )
    shared = shared_names()  # several distributions, one entry-point name: each loads, none replaces another
    if shared:
        names = "; ".join(f"{name}: {', '.join(i.dist for i in infos)}" for name, infos in shared.items())
        summary += " " + text("doctor.plugins.shared", lang, names=names)
    listing = menu(pm)
    if listing.reserved:
        names = "; ".join(f"{c.id}: {dists(c.plugins)}" for c in listing.reserved)
        return Check(
            "plugins",
            False,
            summary + " " + text("doctor.plugins.reserved", lang, entries=names),
            text("doctor.plugins.reserved_fix", lang),
        )
    collisions = listing.collisions
    if collisions:
        names = "; ".join(f"{c.id}: {dists(c.plugins)}" for c in collisions)
        return Check(
            "plugins",
            False,
            summary + " " + text("doctor.plugins.collision", lang, entries=names),
            text("doctor.plugins.collision_fix", lang),
        )
    if not loaded:
        fix_key = "doctor.plugins.none_fix_kept_out" if kept_out else "doctor.plugins.none_fix"
        return Check(
            "plugins",
            False,
            text("doctor.plugins.none", lang, kept_out=", ".join(kept_out) or "-"),
            text(fix_key, lang),
        )
    return Check("plugins", True, summary)


def manifest_check(
    manifest: Manifest | None,
    load_error: str | None,
    problems: Sequence[Problem],
    lang: str,
    *,
    load_fix: str | None = None,
) -> Check:
    """The manifest's files, its locked keys and every problem as ``manifest check`` reports it.

    :param load_fix: the fix an unreadable manifest's error knows itself (else the generic one).
    """
    if manifest is None:
        return Check("manifest", False, load_error or "?", load_fix or text("doctor.manifest.unreadable_fix", lang))
    if manifest.sources:
        files = ", ".join(f"{s.path} ({text(f'manifest.origin.{s.origin}', lang)})" for s in manifest.sources)
    else:
        files = text("manifest.builtin", lang)
    table = manifest.data.get("manifest")
    locked_value = table.get("locked") if isinstance(table, Mapping) else None
    locked = ", ".join(str(k) for k in locked_value) if isinstance(locked_value, list) and locked_value else "-"
    summary = text("doctor.manifest", lang, files=files, locked=locked)
    if not problems:
        return Check("manifest", True, summary)
    lines = [summary, text("manifest.problems", lang, path=manifest.display(lang), count=len(problems))]
    lines += [problem.format(lang) for problem in problems]
    return Check("manifest", False, "\n".join(lines), text("doctor.manifest.problems_fix", lang))


def plugin_checks(pm: pluggy.PluginManager, request: Request) -> list[Check]:
    """Every plugin's checks, in the order the plugins were loaded, through ``pm.hook`` one plugin at a time; a
    plugin whose checks raise (or are not checks) is left out and reported by :func:`failure_checks`."""
    from .plugins import call_each, list_of

    return [check for _plugin, checks in call_each(pm, "hostapp_doctor_checks", list_of(Check), request=request)
            for check in checks]  # fmt: skip


def failure_checks(lang: str) -> list[Check]:
    """One failed check per plugin that failed anywhere in this process (import, a hook, an entry, a panel):
    where, the exception's type and first line, and the fix: update or remove that distribution."""
    from .plugins import failures

    by_plugin: dict[str, list[str]] = {}
    first: dict[str, tuple[str, str]] = {}
    for f in failures():
        by_plugin.setdefault(f.plugin, []).append(f"{f.hook}: {f.error}: {f.message}")
        first.setdefault(f.plugin, (f.dist, f.version))
    checks = []
    for plugin, where in by_plugin.items():
        dist, version = first[plugin]
        summary = text("doctor.plugin_broken", lang, dist=dist, version=version, failures="; ".join(where))
        checks.append(Check(f"plugin.{dist}", False, summary, text("doctor.plugin_broken_fix", lang, dist=dist)))
    return checks


def run_checks(
    pm: pluggy.PluginManager,
    manifest: Manifest | None,
    problems: Sequence[Problem],
    lang: str,
    *,
    load_error: str | None = None,
    surface: str = "terminal",
) -> list[Check]:
    """The whole report: the host's checks, then each plugin's.

    :param manifest: the manifest in force; None when it could not be read (``load_error`` says why): the plugins
        are then not asked, as they would diagnose a set-up that is not the one deployed.
    :param problems: what ``manifest check`` reports for it.
    """
    checks = [host_check(lang), plugins_check(pm, lang), manifest_check(manifest, load_error, problems, lang)]
    if manifest is not None:
        request = Request(lang=lang, manifest=manifest.data, manifest_path=manifest.path, surface=surface)
        checks += plugin_checks(pm, request)
    return checks + failure_checks(lang)


def render(checks: Sequence[Check], lang: str) -> list[str]:
    """One line per check (✓ or ✗, its id, what was found), the fix under each failed one, then the verdict."""
    lines: list[str] = []
    for check in checks:
        first, *more = check.summary.splitlines() or [""]
        lines.append(f"{'✓' if check.ok else '✗'} {check.id}: {first}")
        lines += [f"    {line}" for line in more]
        if not check.ok and check.fix:
            fix_first, *fix_more = check.fix.splitlines()
            lines.append("    " + text("doctor.fix", lang, fix=fix_first))
            lines += [f"      {line}" for line in fix_more]
    failed = sum(1 for c in checks if not c.ok)
    if failed:
        lines.append(text("doctor.failed", lang, failed=failed, total=len(checks)))
    else:
        lines.append(text("doctor.passed", lang, total=len(checks)))
    return lines


def report_json(checks: Sequence[Check]) -> dict[str, Any]:
    """CONTRACT.md's ``{"ok", "checks": [{"id", "ok", "summary", "fix"}]}``."""
    return {"ok": all(c.ok for c in checks), "checks": [c.to_json() for c in checks]}


def exit_code(checks: Sequence[Check]) -> int:
    """0 when every check passed, 1 otherwise (CONTRACT.md)."""
    return int(ExitCode.OK if all(c.ok for c in checks) else ExitCode.CHECK_FAILED)
