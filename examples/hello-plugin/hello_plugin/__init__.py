"""An example plugin for the host: one menu entry, ``hello``, that greets the user in Japanese or English.

It shows everything a plugin needs: the ``hookimpl`` marker and the plain types of :mod:`hostapp_stub.api`, one
hook that registers the entry, and the function that runs it. The host lists the entry in ``aosign-host menu`` and
its window, and runs it with ``aosign-host hello``; it runs this plugin's function and no other's.
"""

from __future__ import annotations

from collections.abc import Callable

from hostapp_stub.api import EntryOption, EntryResult, ExitCode, HostUI, MenuEntry, Request, hookimpl

__all__ = ["hostapp_register_menu_entries"]

_GREETING = {"ja": "こんにちは。", "en": "Hello."}
_LOUD = {"ja": "大きな声で挨拶します", "en": "greet loudly"}


def greet(request: Request, ui: HostUI) -> EntryResult:
    """``aosign-host hello [--loud]``: say hello in the user's language."""
    greeting = _GREETING.get(request.lang, _GREETING["en"])
    ui.say(greeting.upper() if request.flag("loud") else greeting)
    return EntryResult(ExitCode.OK, {"greeting": greeting})


@hookimpl
def hostapp_register_menu_entries(register: Callable[[MenuEntry], None]) -> None:
    register(MenuEntry("hello", {"ja": "挨拶する", "en": "Say hello"}, greet, (EntryOption("loud", _LOUD),)))
