"""Sphinx configuration of the aosign-plugin manual (``sphinx-build -W -n docs build/docs``; no network)."""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(_ROOT))

project = "aosign-plugin"
author = "the aosign-plugin team"
copyright = "2026, the aosign-plugin team"
release = "0.1.0"
#: the man pages' date field: the release, so that a build is the same on every day (the copies in man/ are compared)
today = f"aosign-plugin {release}"

extensions = ["myst_parser", "sphinx.ext.autodoc"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
# no smart quotes or dashes: a man page shows options as typed (--json), whatever docutils version builds it
smartquotes = False
exclude_patterns = ["_build", "_generated", "Thumbs.db", ".DS_Store"]
root_doc = "index"
language = "en"

# autodoc: the host API as plugin authors import it; the signatures name types by their modules
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False}
nitpicky = True
nitpick_ignore_regex = [
    # types of the standard library and pluggy that have no page here (no intersphinx: the build uses no network)
    (r"py:.*", r"(collections\.abc|typing|pathlib|enum|pluggy)\..*"),
    (r"py:.*", r"(Callable|Mapping|Sequence|Iterable|Any|Path|Protocol|IntEnum|Enum|object|str|int|bool|None)"),
    (r"py:.*", r"(hostapp_stub|aosign_plugin)\..*"),
]

html_theme = "alabaster"
html_static_path: list[str] = []
html_title = "aosign-plugin manual"

# man pages: installed with the package (pyproject's data-files; the built copies in man/ are kept current by a test)
man_pages = [
    ("man/aosign-host", "aosign-host", "the host signing app's command line and the AOSign IC card's PIN", [author], 1),
    ("man/aosign-sim", "aosign-sim", "the simulated AOSign IC card", [author], 1),
    ("man/aosign-manifest", "aosign-manifest", "the aosign deployment manifest", [author], 5),
]
man_show_urls = False


def _manifest_keys_page(app: object) -> None:
    """The manifest reference's table, from the one declaration of the keys (aosign_plugin.config.keys)."""
    from aosign_plugin.config import keys
    from hostapp_stub.manifest_schema import HOST_SCHEMAS

    def shown(k: keys.Key) -> str:
        if k.default is None:
            return "(none)"
        if isinstance(k.default, bool):
            return f"`{str(k.default).lower()}`"
        if isinstance(k.default, int):
            return f"`0x{k.default:02X}`" if k.hex else f"`{k.default}`"
        return f'`"{k.default}"`'

    def kind(k: keys.Key) -> str:
        if k.kind == "int":
            return f"integer {k.low}–{k.high}" if not k.hex else f"integer 0x{k.low:02X}–0x{k.high:02X}"
        if k.kind == "choice":
            return " \\| ".join(f'`"{c}"`' for c in k.choices)
        return {
            "bool": "boolean",
            "str": "string",
            "path": "path",
            "per_os": "table of `linux`, `windows`, `macos` strings",
            "str_or_per_os": "string, or one per OS",
            "list": "list of strings",
        }[k.kind]

    lines = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for k in keys.KEYS:
        lines.append(f"| `[{k.table}] {k.name}` | {kind(k)} | {shown(k)} | {k.meaning} |")
    for table, schema in HOST_SCHEMAS.items():
        for name, item in schema["properties"].items():
            lines.append(f"| `[{table}] {name}` | list of strings | `[]` | {item['description']} |")
    lines += ["", "What `manifest check` refuses that the schema cannot say:", ""]
    lines += [f"- {item}" for item in keys.SCHEMA_CANNOT_SAY]
    out = Path(__file__).parent / "_generated"
    out.mkdir(exist_ok=True)
    text = "\n".join(lines) + "\n"
    target = out / "manifest-keys.md"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def setup(app: object) -> None:
    app.connect("builder-inited", _manifest_keys_page)  # type: ignore[attr-defined]
