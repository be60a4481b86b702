"""What plugins use from the host: the hookimpl marker and the plain types the hooks exchange.

This module imports only pluggy's markers (no plugin loading, no I/O), so a plugin's hook module stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pluggy import HookimplMarker

__all__ = ["PROJECT", "EntryOption", "EntryResult", "HostUI", "MenuEntry", "Request", "hookimpl"]

#: the pluggy project name, also the entry-point group plugins register under
PROJECT = "aosign_host"

hookimpl = HookimplMarker(PROJECT)


@dataclass(frozen=True)
class EntryOption:
    """A flag a menu entry accepts (``--show-input``); ``help`` maps a language to its text."""

    name: str
    help: Mapping[str, str]


@dataclass(frozen=True)
class MenuEntry:
    """One item of the host's menu, contributed by a plugin.

    :param id: the command name (``change-pin``); unique across plugins.
    :param label: the label per language (``{"ja": ..., "en": ...}``).
    :param hook: the name of the hook the host calls to run it (``aosign_change_pin``).
    :param options: flags the entry accepts.
    :param plugin: set by the host: the plugin that registered it.
    """

    id: str
    label: Mapping[str, str]
    hook: str
    options: tuple[EntryOption, ...] = ()
    plugin: str = ""


@dataclass(frozen=True)
class Request:
    """What the host knows when it runs a hook: the language, the manifest and the entry's flags."""

    lang: str
    manifest: Mapping[str, Any] = field(default_factory=dict)
    manifest_path: Path | None = None
    options: Mapping[str, bool] = field(default_factory=dict)
    #: where the texts will be shown: ``terminal`` (they may name commands) or ``window`` (they name buttons)
    surface: str = "terminal"

    def flag(self, name: str) -> bool:
        return bool(self.options.get(name, False))


@dataclass(frozen=True)
class EntryResult:
    """What a hook returns: the process exit code and, for GUIs and scripts, a JSON-ready payload."""

    exit_code: int
    data: Mapping[str, Any] | None = None


class HostUI(Protocol):
    """How a plugin talks to the user; the host provides it (terminal now, a GUI later)."""

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
        :raises EOFError: no answer (end of input).
        :raises KeyboardInterrupt: the user cancelled.
        """
        ...

    def confirm(self, question: str) -> bool:
        """Ask yes or no; False when the user cannot be asked."""
        ...
