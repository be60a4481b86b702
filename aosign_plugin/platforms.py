"""Everything that differs between Windows, macOS and Linux, in one place."""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["default_sim_state", "os_key"]


def os_key() -> str:
    """The manifest's name for this OS: ``windows``, ``macos`` or ``linux`` (other POSIX counts as linux)."""
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


def default_sim_state() -> Path:
    """Where the simulated card keeps its state when the manifest says nothing (the user's data dir)."""
    import platformdirs

    return platformdirs.user_data_path("aosign", appauthor=False) / "sim-card.json"
