"""Which language the host speaks: ``--lang``, then ``$AOSIGN_LANG``, then the manifest, then the system's.

A value that is not ``ja`` or ``en`` is passed over here (``--lang xx`` is then refused by the parser, an invalid
``$AOSIGN_LANG`` by the command line, both with a clear message); an empty ``$AOSIGN_LANG`` counts as unset.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

__all__ = ["LANGUAGES", "env_language", "first_apple_language", "pick_language"]

LANGUAGES = ("ja", "en")


def env_language(environ: Mapping[str, str] = os.environ) -> str | None:
    """``$AOSIGN_LANG`` as given (not checked), ``None`` when unset or empty."""
    return environ.get("AOSIGN_LANG") or None


def pick_language(*candidates: str | None) -> str:
    """The first of ``candidates`` that is ``ja`` or ``en``; without one, the system's language."""
    for value in candidates:
        if value in LANGUAGES:
            assert value is not None
            return value
    from .platforms import system_language

    return system_language()


_QUOTED = re.compile(r'"([^"]*)"|([A-Za-z][A-Za-z0-9_-]*)')


def first_apple_language(output: str) -> str | None:
    """``ja`` or ``en`` from the first entry of ``defaults read -g AppleLanguages`` (``("ja-JP", "en-US")``)."""
    body = output.strip()
    if not body.startswith("(") or not body.endswith(")"):
        return None
    for quoted, bare in _QUOTED.findall(body[1:-1]):
        tag = quoted or bare
        if tag:
            return "ja" if tag.lower().startswith("ja") else "en"
    return None
