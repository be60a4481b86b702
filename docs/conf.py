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
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
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
