"""``aosign-host``: the host signing app's command line.

The host knows nothing of what its plugins do: every command beyond its own is a menu entry a plugin registered.
argparse (not click) is used because start-up time is part of the product: click alone costs more than Python's start.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .api import HOST_COMMANDS, ExitCode
from .messages import text

if TYPE_CHECKING:
    from collections.abc import Callable

    import pluggy

    from .api import Check, MenuEntry
    from .argparse_texts import ArgumentParser
    from .manifest import Manifest, Problem
    from .plugins import PluginFailure

__all__ = ["main"]


def _pre_lang(argv: Sequence[str]) -> str | None:
    """The ``--lang`` value, read before the parser exists (help texts depend on it)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _globals(parser: argparse.ArgumentParser, lang: str, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--manifest", metavar="PATH", default=default, help=text("help.manifest", lang))
    parser.add_argument("--lang", choices=("ja", "en"), default=default, help=text("help.lang", lang))
    parser.add_argument(
        "-v", "--verbose", action="count", default=argparse.SUPPRESS if suppress else 0, help=text("help.verbose", lang)
    )
    parser.add_argument("--output", metavar="FILE", default=default, help=text("help.output", lang))


def _add_builtin(sub: argparse._SubParsersAction[ArgumentParser], name: str, lang: str) -> None:
    """The sub-parser of one of the host's own commands."""
    if name == "manifest":
        p_manifest = sub.add_parser("manifest", help=text("help.manifest_cmd", lang))
        msub = p_manifest.add_subparsers(dest="manifest_command", metavar="ACTION")
        msub.required = True
        p_check = msub.add_parser("check", help=text("help.manifest_check", lang))
        p_check.add_argument("path", nargs="?", metavar="PATH")
        _globals(p_check, lang, suppress=True)
        p_show = msub.add_parser("show", help=text("help.manifest_show", lang))
        p_show.add_argument("--json", action="store_true", help=text("help.json", lang))
        _globals(p_show, lang, suppress=True)
        _globals(msub.add_parser("schema", help=text("help.manifest_schema", lang)), lang, suppress=True)
        return
    p = sub.add_parser(name, help=text(f"help.{name}", lang))
    if name != "gui":
        p.add_argument("--json", action="store_true", help=text("help.json", lang))
    _globals(p, lang, suppress=True)


class _Run:
    """What the end of a command needs to know (:func:`~hostapp_stub.console_output.finish`)."""

    lang = "en"
    output_only = False


def main(argv: Sequence[str] | None = None) -> int:
    """Run the host CLI; returns the exit code (CONTRACT.md). Output that cannot be written never changes it,
    except for a command whose only product is its output (:attr:`ExitCode.NOT_WRITTEN`)."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    from .console_output import finish, setup_streams
    from .terminal import catch_ctrl_c

    setup_streams()  # with --output: stderr for the messages; stdout is gathered for the file
    catch_ctrl_c()
    run = _Run()
    if "--version" in args_in[: args_in.index("--") if "--" in args_in else None] and _command_word(args_in) is None:
        print(_version())  # before the manifest: a helpdesk can always ask it
        return finish(ExitCode.OK, run.lang, output_only=True, machine=False)

    def body() -> int:
        try:
            return _main(args_in, run)
        except SystemExit as e:  # argparse's --help and usage errors
            return e.code if isinstance(e.code, int) else (0 if e.code is None else ExitCode.USAGE)

    output = _pre_option(args_in, "--output")
    if output is None:
        code = body()
    else:
        from .language import pick_language
        from .output_file import with_output_file

        code = with_output_file(
            output,
            body,
            lambda path, why: text("output.failed", pick_language(_pre_lang(args_in)), path=path, error=why),
        )
    return finish(code, run.lang, output_only=run.output_only, machine="--json" in args_in)


def _version() -> str:
    """``aosign-host X.Y.Z (Python A.B.C, OS machine)``: the installed distribution's version."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    try:
        mine = version("aosign-plugin")
    except PackageNotFoundError:  # run from a source tree that is not installed
        mine = "unknown"
    return f"aosign-host {mine} (Python {platform.python_version()}, {platform.system()} {platform.machine()})"


def _main(args_in: list[str], run: _Run) -> int:
    from .language import LANGUAGES, env_language, pick_language

    early = _pre_lang(args_in)
    env_lang = env_language()
    if env_lang is not None and env_lang not in LANGUAGES and early is None:
        print(text("lang.bad_env", pick_language()), file=sys.stderr)
        return ExitCode.USAGE
    help_lang = run.lang = pick_language(early, env_lang)

    # the manifest first: its allow-list decides which plugins are even imported
    from .manifest import ManifestError, check_manifest, load_manifest, plugin_path_keys, resolve_paths

    checked = _manifest_check_path(args_in)
    explicit = _pre_option(args_in, "--manifest") or checked
    try:
        manifest = load_manifest(explicit, help_lang)
    except ManifestError as e:
        if _command_word(args_in) == "doctor":
            run.output_only = True
            # no plugin is loaded: the manifest that would allow or keep them out cannot be read
            fix = getattr(e, "fix", None)  # an error that knows its own fix (a system file others can change)
            summary = getattr(e, "summary", str(e))  # the error without its fix, which doctor shows apart
            return _doctor(None, None, [], help_lang, as_json="--json" in args_in, load_error=(summary, fix))
        print(e, file=sys.stderr)
        return ExitCode.MANIFEST
    # ``manifest check PATH`` speaks the user's language, not the checked file's
    in_force = manifest.data if checked is None or explicit != checked else _data_in_force(help_lang)
    help_lang = run.lang = pick_language(early, env_lang, _manifest_lang(in_force))

    from .plugins import distribution, load_plugins, menu, on_failure

    on_failure(_failure_reporter(help_lang, verbose=_pre_verbose(args_in)))  # a failing plugin is named, left out
    pm = load_plugins(allowed=manifest.plugin_allowed)
    the_menu = menu(pm)
    entries = the_menu.entries

    # every command starts by checking the manifest (before parsing: a plugin the manifest keeps out may own the
    # command asked for); ``manifest check`` prints the problems itself
    lang = help_lang
    # the built-in default (no file) has nothing to check
    if manifest.sources:
        manifest = resolve_paths(manifest, plugin_path_keys(pm), lang)
    problems = check_manifest(pm, manifest, lang) if manifest.sources else []
    if "manifest" not in args_in and "--quiet" not in args_in:
        for line in manifest.warning_lines(lang):  # a locked value set elsewhere: ignored, and the command goes on
            print(line, file=sys.stderr)
    # doctor reports the problems as one of its checks, and goes on with the rest
    if problems and "manifest" not in args_in and _command_word(args_in) != "doctor":
        for problem in problems:
            print(problem.format(lang), file=sys.stderr)
        return ExitCode.MANIFEST

    word = _command_word(args_in)
    # an id two plugins claim runs in neither, an entry named like a host command never runs (the command does):
    # said wherever the menu is shown or the id is asked for; the other entries work as usual
    for key, clashes in (("plugin.collision", the_menu.collisions), ("plugin.reserved", the_menu.reserved)):
        for clash in clashes:
            if word in (clash.id, "menu", "gui"):
                plugins = ", ".join(distribution(name) for name in clash.plugins)
                print(text(key, lang, entry=clash.id, plugins=plugins), file=sys.stderr)
    if word and the_menu.collision(word) is not None and not {"-h", "--help"} & set(args_in):
        return ExitCode.NO_HANDLER

    from .argparse_texts import ArgumentParser, use_language

    use_language(help_lang)
    parser = ArgumentParser(prog="aosign-host")
    # answered by main() before the manifest; here for --help only (its text would cost every start an import)
    parser.add_argument("--version", action="store_true", help=text("help.version", help_lang))
    _globals(parser, help_lang, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    # only the command asked for is built: each sub-parser costs argparse time on every start (a hundred plugins'
    # entries would cost more than the command); for help or an unknown word, all of them, for the list and error
    known = word in HOST_COMMANDS or any(e.id == word for e in entries)
    everything = bool({"-h", "--help"} & set(args_in)) or not known
    for name in HOST_COMMANDS:
        if everything or name == word:
            _add_builtin(sub, name, help_lang)
    by_id = {}
    for entry in entries if everything else [e for e in entries if e.id == word]:
        p = sub.add_parser(entry.id, help=entry.label.get(help_lang) or entry.id)
        for opt in entry.options:
            p.add_argument(f"--{opt.name}", action="store_true", help=opt.help.get(help_lang, ""))
        _globals(p, help_lang, suppress=True)
        by_id[entry.id] = entry

    args = parser.parse_args(args_in)
    run.output_only = args.command != "gui" and (args.command in HOST_COMMANDS or by_id[args.command].output_only)
    if args.verbose:
        # -v info, -vv debug, -vvv also the APDU traffic (plugins redact every PIN in it)
        import logging  # only now: it costs ~6 ms, and the plugins log nothing until it is imported

        level = {1: logging.INFO, 2: logging.DEBUG}.get(args.verbose, 5)
        logging.addLevelName(5, "TRAFFIC")
        logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")

    if args.command == "manifest" and args.manifest_command == "check":
        from .manifest import manifest_warnings

        for problem in problems:
            print(problem.format(lang))
        for warning in manifest_warnings(pm, manifest, lang) if manifest.sources else []:
            print(text("manifest.warning", lang, problem=warning.format(lang)))
        if problems:
            print(text("manifest.problems", lang, path=manifest.display(lang), count=len(problems)), file=sys.stderr)
            return ExitCode.MANIFEST
        print(text("manifest.ok", lang, path=manifest.display(lang)))
        return ExitCode.OK
    if args.command == "doctor":
        return _doctor(pm, manifest, problems, lang, as_json=args.json)
    if problems:
        for problem in problems:
            print(problem.format(lang), file=sys.stderr)
        return ExitCode.MANIFEST
    if args.command == "menu":
        return _menu(entries, lang, as_json=args.json)
    if args.command == "plugins":
        return _plugins(lang, as_json=args.json)
    if args.command == "manifest" and args.manifest_command == "schema":
        from .manifest_schema import manifest_schema
        from .untrusted import json_text

        print(json_text(manifest_schema(pm)))
        return ExitCode.OK
    if args.command == "manifest":
        return _show_manifest(manifest, lang, as_json=args.json)
    if args.command == "gui":
        from .gui import run_window  # PySide6 loads only here

        def support(in_lang: str) -> list[Check]:
            from .doctor import run_checks

            found = check_manifest(pm, manifest, in_lang) if manifest.sources else []
            return run_checks(pm, manifest, found, in_lang, surface="window")

        return run_window(pm, entries, manifest.data, manifest.path, lang, support)

    from .api import EntryResult, Request
    from .terminal import TerminalUI

    entry = by_id[args.command]
    options = {opt.name: bool(getattr(args, opt.name.replace("-", "_"))) for opt in entry.options}
    request = Request(lang=lang, manifest=manifest.data, manifest_path=manifest.path, options=options)
    ui = TerminalUI(lang)
    try:
        # the entry's own function: the plugin that registered it, and only that one, runs it
        result = entry.run(request, ui)
    except BaseException as e:  # Ctrl-C, or SIGTERM/SIGHUP at a prompt (terminal.PromptSignalled)
        from .terminal import PromptSignalled, end_cancelled

        if isinstance(e, (KeyboardInterrupt, PromptSignalled)):
            return end_cancelled(e, text("cancelled", lang))
        if not isinstance(e, Exception):
            raise
        return _entry_failed(entry, e, lang, verbose=bool(args.verbose))
    if not isinstance(result, EntryResult) or not isinstance(result.exit_code, int):
        return _entry_failed(entry, TypeError(f"run() returned {type(result).__name__}"), lang, verbose=False)
    return int(result.exit_code)


def _pre_verbose(argv: Sequence[str]) -> bool:
    """Whether ``-v`` was given, read before the parser exists (a plugin may fail while the menu is built)."""
    return any(a == "--verbose" or (a.startswith("-v") and set(a[1:]) == {"v"}) for a in argv)


def _failure_reporter(lang: str, *, verbose: bool) -> Callable[[PluginFailure], None]:
    """Says on standard error which plugin failed where (the traceback only with ``-v``)."""

    hinted: list[bool] = []

    def report(failure: PluginFailure) -> None:
        params = {k: getattr(failure, k) for k in ("dist", "version", "hook", "error", "message")}
        print(text("plugin.failed", lang, **params), file=sys.stderr)
        if verbose or not hinted:  # the hint once, the traceback of each
            print(failure.trace if verbose else text("plugin.trace_hint", lang), file=sys.stderr)
            hinted.append(True)

    return report


def _entry_failed(entry: MenuEntry, error: Exception, lang: str, *, verbose: bool) -> int:
    """An entry's own function raised: its plugin is named (exit 9, CONTRACT.md), never a traceback."""
    from .plugins import record_failure

    failure = record_failure(entry.plugin, f"run {entry.id}", error, report=False)  # said here, with what to do
    params = {k: getattr(failure, k) for k in ("dist", "version", "error", "message")}
    print(text("plugin.failed_run", lang, entry=entry.id, **params), file=sys.stderr)
    if verbose:
        print(failure.trace, file=sys.stderr)
    return ExitCode.PLUGIN_FAILED


def _doctor(
    pm: pluggy.PluginManager | None,
    manifest: Manifest | None,
    problems: Sequence[Problem],
    lang: str,
    *,
    as_json: bool,
    load_error: tuple[str, str | None] | None = None,
) -> int:
    """``doctor [--json]``: every check, one line each (or CONTRACT.md's JSON); 0 when all pass, else 1."""
    from .doctor import exit_code, host_check, manifest_check, render, report_json, run_checks

    if pm is None or manifest is None:
        error, fix = load_error or ("?", None)
        checks = [host_check(lang), manifest_check(None, error, problems, lang, load_fix=fix)]
    else:
        checks = run_checks(pm, manifest, problems, lang)
    if as_json:
        from .untrusted import json_text

        print(json_text(report_json(checks)))
    else:
        print("\n".join(render(checks, lang)))
    return exit_code(checks)


def _command_word(argv: Sequence[str]) -> str | None:
    """The command of ``argv``: its first word that is neither an option nor the value of one."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("--manifest", "--lang", "--output"):
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def _pre_option(argv: Sequence[str], name: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def _manifest_check_path(argv: Sequence[str]) -> str | None:
    """PATH of ``manifest check PATH``: the file to load and check instead of the one in force."""
    words = [a for a in argv if not a.startswith("-")]
    for i in range(len(words) - 2):
        if words[i] == "manifest" and words[i + 1] == "check":
            return words[i + 2]
    return None


def _show_manifest(manifest: object, lang: str, *, as_json: bool) -> int:
    from .manifest import Manifest
    from .toml_text import as_written

    assert isinstance(manifest, Manifest)
    rows = []
    for key, source in sorted(manifest.origins.items()):
        value = _lookup(manifest.data, key)
        if isinstance(value, dict):
            continue
        toml = as_written(source.text, source.positions.get(key), value)  # 0x81 as written, true not True
        rows.append({"key": key, "value": value, "toml": toml, "file": str(source.path), "origin": source.origin})
    ignored = [
        {"key": i.key, "value": i.value, "toml": as_written(i.source.text, i.source.positions.get(i.key), i.value),
         "file": str(i.source.path), "origin": i.source.origin, "locked_by": str(i.locked_by) if i.locked_by else None}
        for i in manifest.ignored
    ]  # fmt: skip
    if as_json:
        from .untrusted import json_text

        files = [{"path": str(s.path), "origin": s.origin} for s in manifest.sources]
        print(json_text({"files": files, "keys": rows, "ignored": ignored}))
        return ExitCode.OK
    if not manifest.sources:
        print(text("manifest.builtin", lang))
    for s in manifest.sources:
        print(text("manifest.show_file", lang, origin=text(f"manifest.origin.{s.origin}", lang), path=s.path))
    width = max((len(str(r["key"])) for r in rows), default=0)
    for r in rows:
        origin = text(f"manifest.origin.{r['origin']}", lang)
        print(f"  {str(r['key']).ljust(width)} = {r['toml']}  # {origin}")
    for r in ignored:
        why = (
            text("manifest.ignored", lang, system=r["locked_by"])
            if r["locked_by"]
            else text("manifest.ignored_only_system", lang)
        )
        origin = text(f"manifest.origin.{r['origin']}", lang)
        print(f"  {str(r['key']).ljust(width)} = {r['toml']}  # {origin}; {why}")
    return ExitCode.OK


def _lookup(data: object, key: str) -> object:
    for part in key.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _plugins(lang: str, *, as_json: bool) -> int:
    from .plugins import failures, plugin_states, shared_names, visible

    states = plugin_states()
    failed = failures()
    shared = shared_names()
    if as_json:
        from .untrusted import json_text

        data = [
            {
                "name": i.name,
                "distribution": i.dist,
                "version": i.version,
                "state": st,
                # issue 24: where it failed, and the other distributions using its entry-point name
                "failures": [
                    {"hook": f.hook, "error": f.error, "message": f.message} for f in failed if f.plugin == i.key
                ],
                "shares_name_with": [o.dist for o in shared.get(i.name, []) if o.key != i.key],
            }
            for i, st in states
        ]
        print(json_text(data))
        return ExitCode.OK
    if not states:
        print(text("plugins.none", lang))
    for info, state in states:
        print(visible(f"{info.name}  {info.dist} {info.version}  {text(f'plugins.{state}', lang)}"))
        for f in failed:
            if f.plugin == info.key:
                print(
                    "  "
                    + text(
                        "plugin.failed",
                        lang,
                        **{k: getattr(f, k) for k in ("dist", "version", "hook", "error", "message")},
                    )
                )
    for name, infos in shared.items():
        print(text("plugins.shared", lang, name=visible(name), dists=visible(", ".join(i.dist for i in infos))))
    return ExitCode.OK


def _data_in_force(lang: str) -> object:
    """The merged data of the manifest in force (the user's and the system's), for its ``language``; nothing when it
    cannot be read (``manifest check PATH`` goes on, and says what is wrong with PATH)."""
    from .manifest import ManifestError, load_manifest

    try:
        return load_manifest(None, lang).data
    except ManifestError:
        return {}


def _manifest_lang(data: object) -> str | None:
    plugin = data.get("plugin") if isinstance(data, dict) else None
    value = plugin.get("language") if isinstance(plugin, dict) else None
    return value if value in ("ja", "en") else None


def _menu(entries: Sequence[MenuEntry], lang: str, *, as_json: bool) -> int:
    if as_json:
        from .plugins import distribution
        from .untrusted import json_text

        data = [{"id": e.id, "label": e.label.get(lang, e.id), "plugin": distribution(e.plugin)} for e in entries]
        print(json_text(data))
        return ExitCode.OK
    if not entries:
        print(text("menu.empty", lang))
        return ExitCode.OK
    from .untrusted import Untrusted

    width = max(len(e.id) for e in entries)
    for e in entries:
        print(f"{e.id.ljust(width)}  {Untrusted(e.label.get(lang, e.id))}")  # a plugin's words: one line each
    return ExitCode.OK


if __name__ == "__main__":
    sys.exit(main())
