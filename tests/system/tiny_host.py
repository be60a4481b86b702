"""A second host, not hostapp_stub: pluggy, the host API (``hostapp_stub.api`` and ``hookspecs``) and a UI of its
own, nothing else. It proves that a plugin written against the API runs in any host (issue 24).

    python tiny_host.py MANIFEST.toml LANG COMMAND [--flag ...]

It loads plugins with pluggy's own ``load_setuptools_entrypoints``, lists their entries through ``pm.hook``, runs
the entry named ``COMMAND`` with the manifest it reads itself (``tomllib``) and answers one per line from standard
input. Its last line on standard error is JSON: the exit code and every ``hostapp_stub`` module it imported.
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pluggy

from hostapp_stub import hookspecs
from hostapp_stub.api import PROJECT, EntryResult, MenuEntry, Request


class TinyUI:
    """The tiny host's own UI: results prefixed ``tiny>``, answers one per line of standard input."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    @property
    def interactive(self) -> bool:
        return False

    def say(self, text: str) -> None:
        print(f"tiny> {text}")

    def notice(self, text: str) -> None:
        print(f"tiny! {text}", file=sys.stderr)

    def emit_json(self, data: Mapping[str, Any]) -> None:
        print(json.dumps(data, ensure_ascii=False))

    def ask_secret(self, label: str, *, echo: bool = False) -> bytearray:
        line = sys.stdin.buffer.readline()
        if not line:
            raise EOFError(label)
        return bytearray(line.rstrip(b"\r\n"))

    def confirm(self, question: str) -> bool:
        return False


def main(argv: list[str]) -> int:
    manifest_path, lang, command, *flags = argv
    manifest = tomllib.loads(Path(manifest_path).read_text(encoding="utf-8"))
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.load_setuptools_entrypoints(PROJECT)
    entries: dict[str, MenuEntry] = {}
    pm.hook.hostapp_register_menu_entries(register=lambda entry: entries.setdefault(entry.id, entry))
    if command == "menu":
        for entry in entries.values():
            print(f"tiny> {entry.id}: {entry.label.get(lang, entry.id)}")
        return 0
    entry = entries[command]
    options = {opt.name: f"--{opt.name}" in flags for opt in entry.options}
    request = Request(lang=lang, manifest=manifest, manifest_path=Path(manifest_path), options=options)
    result = entry.run(request, TinyUI(lang))
    assert isinstance(result, EntryResult)
    return int(result.exit_code)


if __name__ == "__main__":
    code = main(sys.argv[1:])
    host_modules = sorted(name for name in sys.modules if name.split(".")[0] == "hostapp_stub")
    print(json.dumps({"exit_code": code, "hostapp_stub": host_modules}), file=sys.stderr)
    sys.exit(code)
