"""The host's OS specifics: where manifests live and which language the system speaks."""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["cache_dir", "manifest_locations", "system_language"]

MANIFEST_NAME = "manifest.toml"


def manifest_locations() -> list[Path]:
    """Config locations searched for a manifest, the user's first, then the system's.

    Linux: ``~/.config/aosign/``, ``/etc/xdg/aosign/``; Windows: ``%LOCALAPPDATA%\\aosign\\``,
    ``%PROGRAMDATA%\\aosign\\``; macOS: ``~/Library/Application Support/aosign/``,
    ``/Library/Application Support/aosign/``.
    """
    import platformdirs

    user = platformdirs.user_config_path("aosign", appauthor=False)
    system = platformdirs.site_config_path("aosign", appauthor=False, multipath=False)
    return [user / MANIFEST_NAME, system / MANIFEST_NAME]


def cache_dir() -> Path:
    """The host's cache folder (plugin discovery): ``~/.cache/aosign``, ``%LOCALAPPDATA%\\aosign\\Cache``,
    ``~/Library/Caches/aosign``."""
    import platformdirs

    return platformdirs.user_cache_path("aosign", appauthor=False)


def _language_from_env() -> str | None:
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return None


def system_language() -> str:
    """``ja`` when the user's locale is Japanese, else ``en``."""
    if sys.platform == "win32":
        import ctypes

        lang_id = ctypes.windll.kernel32.GetUserDefaultUILanguage()
        return "ja" if lang_id & 0x3FF == 0x11 else "en"
    return _language_from_env() or "en"
