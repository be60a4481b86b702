"""What plugins use from the host: the hookimpl marker, the exit codes, and the plain types the hooks exchange.

A plugin registers :class:`MenuEntry` items, each carrying the function that runs it (so the host only ever runs an
entry with the code of the plugin that registered it), and may offer :class:`StatusPanel` items for the window.

This module (with :mod:`.hookspecs`, for types) is all a plugin imports of the host: the import-linter contracts of
``pyproject.toml`` hold every plugin to it. It imports only pluggy's markers and the frozen :class:`Record` base (no
plugin loading, no I/O), so a plugin's hook module stays cheap. The functions at its end are the host's services for
a plugin's programs that run outside any host (a command of its own, a pyHanko signer): each imports the host's
code it needs when it is called, never before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from enum import Enum, IntEnum, unique
from pathlib import Path
from typing import Any, Protocol

from pluggy import HookimplMarker

from .records import Record, field, replace
from .untrusted import Untrusted, json_text, untrusted, visible

__all__ = [
    "HOST_COMMANDS",
    "PROJECT",
    "Check",
    "Closeable",
    "EntryOption",
    "EntryResult",
    "ExitCode",
    "HostUI",
    "ManifestUnreadable",
    "ManifestView",
    "MenuEntry",
    "PanelFigure",
    "PanelView",
    "PanelWatch",
    "Record",
    "Request",
    "StatusPanel",
    "Tone",
    "Untrusted",
    "announce",
    "contrast_ratio",
    "expand_path",
    "field",
    "hookimpl",
    "json_text",
    "mark_pixmap",
    "no_core_dumps",
    "panel_widget",
    "read_manifest",
    "replace",
    "system_language",
    "terminal_ui",
    "untrusted",
    "untrusted_file",
    "visible",
]

#: the pluggy project name, also the entry-point group plugins register under
PROJECT = "aosign_host"

hookimpl = HookimplMarker(PROJECT)

#: the host's own commands, in the order ``--help`` lists them: no plugin's menu entry can have one of these ids (the
#: host's command runs, and the entry is reported as a clash)
HOST_COMMANDS = ("menu", "plugins", "manifest", "gui", "doctor")


@unique
class ExitCode(IntEnum):
    """The host's exit codes (CONTRACT.md), the one table for the host and every plugin."""

    OK = 0
    #: ``doctor`` only: at least one check failed (CONTRACT.md)
    CHECK_FAILED = 1
    #: bad input or usage: nothing was sent anywhere
    USAGE = 2
    #: a secret was wrong and the device counted one try
    WRONG_SECRET = 3
    #: locked: the device takes no secret until it is unlocked
    LOCKED = 4
    #: unusable for good
    UNUSABLE = 5
    #: a part the command needs is missing or did not answer (service, reader, device, module, toolkit)
    UNAVAILABLE = 6
    #: the deployment manifest is invalid
    MANIFEST = 7
    #: no plugin can run the command asked for (no handler, or two plugins claim its id)
    NO_HANDLER = 8
    #: the plugin running the command failed (raised: a bug of that plugin); it is named on standard error
    PLUGIN_FAILED = 9
    #: ``status --quiet`` only: the device answers and takes its secret, but cannot sign today (its certificate is
    #: outside its validity period)
    CANNOT_SIGN = 10
    #: a command whose only product is its output could not write it (a full disk behind a redirect, a closed
    #: descriptor): sysexits.h's EX_IOERR (issue 25)
    NOT_WRITTEN = 74
    #: cancelled by the user at a prompt (Ctrl-C, a closed dialog)
    CANCELLED = 130


class EntryOption(Record):
    """A flag a menu entry accepts (``--show-input``); ``help`` maps a language to its text."""

    name: str
    help: Mapping[str, str]


class Request(Record):
    """What the host knows when it runs an entry: the language, the manifest and the entry's flags."""

    lang: str
    manifest: Mapping[str, Any] = field(default_factory=dict)
    manifest_path: Path | None = None
    options: Mapping[str, bool] = field(default_factory=dict)
    #: where the texts will be shown: ``terminal`` (they may name commands) or ``window`` (they name buttons)
    surface: str = "terminal"

    def flag(self, name: str) -> bool:
        return bool(self.options.get(name, False))


class EntryResult(Record):
    """What running an entry returns: the process exit code and, for windows and scripts, a JSON-ready payload."""

    exit_code: int
    data: Mapping[str, Any] | None = None


class HostUI(Protocol):
    """How a plugin talks to the user; the host provides it (a terminal, or generic window prompts)."""

    lang: str

    @property
    def interactive(self) -> bool:
        """True when the user can be asked (a terminal or a window), False for scripts."""
        ...

    def say(self, text: str) -> None:
        """A result line (standard output)."""
        ...

    def notice(self, text: str) -> None:
        """A warning or a hint (standard error on a terminal)."""
        ...

    def emit_json(self, data: Mapping[str, Any]) -> None:
        """A machine-readable result (standard output)."""
        ...

    def ask_secret(self, label: str, *, echo: bool = False) -> bytearray:
        """Ask one secret; the caller owns (and wipes) the returned buffer.

        On a terminal it is read with echo off unless ``echo``; otherwise one line of standard input.
        :raises EOFError: no answer (end of input); one whose ``reported`` is true when the UI said why already.
        :raises KeyboardInterrupt: the user cancelled.
        """
        ...

    def confirm(self, question: str) -> bool:
        """Ask yes or no; False when the user cannot be asked."""
        ...


#: runs an entry on the command line, or in the window with generic prompts
EntryRun = Callable[[Request, HostUI], EntryResult]
#: runs an entry with the plugin's own dialog over the host's window (``parent``, a QWidget typed ``object`` so
#: that this module never imports Qt); returns None when it has no dialog in this situation
WindowRun = Callable[[Request, object], "EntryResult | None"]


class MenuEntry(Record):
    """One item of the host's menu, contributed by a plugin.

    :param id: the command name (``change-pin``); unique across plugins (two plugins claiming one id: neither runs).
    :param label: the label per language (``{"ja": ..., "en": ...}``).
    :param run: what runs it; the host calls it with keyword-free positional ``(request, ui)``.
    :param options: flags the entry accepts.
    :param run_in_window: the plugin's own dialog for the host's window, if it has one; imports its toolkit inside.
    :param plugin: set by the host: the plugin that registered it.
    :param output_only: its only product is what it prints (a status): when standard output cannot be written, the
        command ends with :attr:`ExitCode.NOT_WRITTEN` instead of its own code. An entry that changes something
        (a PIN) keeps its own code, which says what happened.
    """

    id: str
    label: Mapping[str, str]
    run: EntryRun
    options: tuple[EntryOption, ...] = ()
    run_in_window: WindowRun | None = None
    plugin: str = ""
    output_only: bool = False


@unique
class Tone(Enum):
    """How a panel's text is shown: plain, all well, to heed, gone wrong, or gone wrong for good. Each but plain
    has its own mark (:func:`mark_pixmap`) and colour; the words beside it say the same."""

    PLAIN = "plain"
    OK = "ok"
    WARN = "warn"
    ERROR = "error"
    FATAL = "fatal"


class PanelFigure(Record):
    """A number that matters, shown large: its label and its value (words and digits), in the request's language."""

    label: str
    value: str
    tone: Tone = Tone.PLAIN


class PanelView(Record):
    """What a status panel shows now: lines in the request's language and a tone.

    :param headline: the state in a few words, shown large beside the tone's mark ("" for none).
    :param figures: the numbers that matter, shown large under the headline; announced to screen readers when they
        change.
    :param advice: what to do now, shown right under the figures in the tone's colours.
    :param lines: the details, below.
    """

    lines: tuple[str, ...]
    tone: Tone = Tone.PLAIN
    headline: str = ""
    figures: tuple[PanelFigure, ...] = ()
    advice: tuple[str, ...] = ()


class Closeable(Protocol):
    """What a panel's watch returns: the window closes it when it no longer shows the panel."""

    def close(self) -> None: ...


#: starts watching what a panel shows; calls back (from any thread, any number of times) when the panel should be
#: read again, until the returned object is closed
PanelWatch = Callable[[Request, Callable[[], None]], Closeable]


class StatusPanel(Record):
    """A panel of the host's window that shows a plugin's status (the window asks it to read when it needs to).

    :param id: unique across plugins.
    :param title: the panel's heading per language.
    :param read: reads the status (it must not change anything) and says what to show.
    :param watch: tells the window when to read again (the plugin watches what it shows, from its own thread); the
        window then reads the panel when it opens, on each call-back, after each of its entries and when the user
        asks, and never on a timer. None: the window reads it on its timer, if it has one.
    :param plugin: set by the host: the plugin that registered it.
    """

    id: str
    title: Mapping[str, str]
    read: Callable[[Request], PanelView]
    watch: PanelWatch | None = None
    plugin: str = ""


class Check(Record):
    """One line of ``aosign-host doctor``: a fact about the set-up, and what to do when it is wrong.

    :param id: a stable word (``pcsc.service``) that scripts may rely on; documented in the plugin's README.
    :param ok: the fact is as it should be.
    :param summary: what was found, in the request's language (never a secret).
    :param fix: for a failed check, what the user or the helpdesk should do, in the request's language; None when
        ``ok``.
    """

    id: str
    ok: bool
    summary: str
    fix: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "ok": self.ok, "summary": self.summary, "fix": self.fix}


# --- the host's services for a plugin's programs outside a host (issue 24) -------------------------------------------


class ManifestUnreadable(Exception):
    """The deployment manifest could not be read (its text names the file and why)."""


class ManifestView(Record):
    """The deployment manifest in force, as a program outside the host reads it (:func:`read_manifest`).

    :param data: the merged tables, the paths of ``path_keys`` made absolute.
    :param problems: the host's own findings, one line each (file, line, key, text).
    :param locked_by: the system manifest that locks a dotted key, or None.
    :param describe: ``describe(key, text)``: a problem line for a key, with the file and line it came from.
    """

    data: Mapping[str, Any]
    path: Path | None
    problems: tuple[str, ...]
    locked_by: Callable[[str], Path | None]
    describe: Callable[[str, str], str]


def read_manifest(explicit: str | None, lang: str, path_keys: Sequence[str] = ()) -> ManifestView:
    """The deployment manifest found and merged as the host does (``explicit``, else ``$AOSIGN_MANIFEST``, else the
    user's file, over the system file whose locks win).

    :param path_keys: the caller's dotted keys that hold paths (made absolute as the host does for its plugins).
    :raises ManifestUnreadable: a file that cannot be read, parsed or trusted.
    """
    from .manifest import ManifestError, Problem, load_manifest, resolve_paths

    try:
        manifest = resolve_paths(load_manifest(explicit, lang), list(path_keys), lang)
    except ManifestError as e:
        raise ManifestUnreadable(str(e)) from None

    def describe(key: str, message: str) -> str:
        path, position = manifest.place(key)
        return Problem(path, position, key, message).format(lang)

    problems = tuple(p.format(lang) for p in manifest.problems)
    return ManifestView(manifest.data, manifest.path, problems, manifest.locked_by, describe)


def terminal_ui(lang: str) -> HostUI:
    """The host's terminal (echo-off prompts on a terminal, one line of standard input otherwise)."""
    from .terminal import TerminalUI

    return TerminalUI(lang)


def system_language() -> str:
    """``ja`` when the user's language is Japanese, else ``en``, as the host reads it from the OS."""
    from .platforms import system_language as from_os

    return from_os()


def expand_path(value: str, folder: Path | None = None) -> Path:
    """A path as the host reads one in a manifest: ``~``, ``%VAR%`` on Windows, then relative to ``folder``.

    :raises ValueError: ``%VAR%`` is not set, or the path stays relative with no folder.
    :raises RuntimeError: ``~user`` names an account that has no home here.
    """
    from .platforms import expand_manifest_path

    return expand_manifest_path(value, folder)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21): the host window's rule for readable text, for a
    plugin's own dialogs (no Qt is imported)."""
    from .gui.contrast import contrast_ratio as ratio

    return ratio(a, b)


def untrusted_file(path: Path, *, pinned: bool = False, administrator: bool = False) -> tuple[str, str] | None:
    """The host's rule for a file that code is loaded from (the system manifest's, applied to it): None when no
    other account can change or replace it, else ``(rule, path)``: ``owner`` or ``writable`` for the file or the
    folder named, ``unreadable`` when its owner or rights could not be read. On Windows the folders a DLL loads its
    siblings from must also refuse other accounts the right to *add* files (DLL planting).

    :param pinned: (Windows) the system manifest pins the file's digest: the file itself is vouched for by it, its
        folders are judged all the same.
    :param administrator: (POSIX) the system manifest locks the file's choice: it and its folders must be root's
        alone, as the system manifest itself (not the user's, no sticky folder such as /tmp).
    """
    import os
    import sys

    from .file_trust import dll_folders, posix_chain, posix_verdict, windows_chain, windows_verdict

    try:
        if sys.platform == "win32":
            nodes = windows_chain(path)
            if pinned:
                nodes = [node for node in nodes if node.is_dir]
            found = windows_verdict(nodes, dll_folders=dll_folders(path))
        elif administrator:
            found = posix_verdict(posix_chain(path))
        else:
            found = posix_verdict(posix_chain(path), owners=(0, os.getuid()), sticky_folders=True)
    except OSError as e:
        return ("unreadable", str(e.filename or path))
    return None if found is None else (found.rule, found.path)


def mark_pixmap(tone: Tone, size: int, device_pixel_ratio: float = 1.0) -> Any:
    """The host's mark for ``tone`` as a ``QPixmap`` of ``size`` logical pixels (Qt imported here, on first use), so
    that plugins' own dialogs mark states as the host's window does: ✓ ok, ! in a triangle warn, ! in a circle error,
    ✗ in an octagon fatal; an empty pixmap for plain."""
    from .gui.marks import paint_mark_pixmap

    return paint_mark_pixmap(tone.value, size, device_pixel_ratio)


def panel_widget(name: str = "panel") -> Any:
    """A new instance of the host's widget for a :class:`PanelView` (a ``QGroupBox``: ``show_view(view, title)``,
    ``text()``), with the object name ``name``: a plugin's dialog shows a state as the host's window does."""
    from .gui.panel_widget import PanelWidget

    return PanelWidget(name)


def announce(widget: Any, message: str) -> None:
    """Have screen readers say ``message`` now, about ``widget`` (a ``QWidget``): what a live region's update does
    on the web. Qt imported here, on first use."""
    from .gui.panel_widget import announce as qt_announce

    qt_announce(widget, message)


def add_focus_ring(window: Any) -> Any:
    """Draw the host's focus ring in ``window`` (a top-level ``QWidget``, its widgets made): two pixels in the
    highlight colour around whatever has the keyboard focus, as in the host's window. Qt imported here."""
    from .gui.focus_ring import add_focus_ring as qt_add_focus_ring

    return qt_add_focus_ring(window)


def no_core_dumps() -> None:
    """From now on this process writes no core dump (it is about to hold a secret): see
    :func:`hostapp_stub.platforms.no_core_dumps` for what each OS does."""
    from .platforms import no_core_dumps as forbid

    forbid()
