"""What every GUI test shares: Qt offscreen, and a home of its own (the window and the dialogs run in this
process: their audit log and the plugin cache stay out of the real home)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists: no display needed

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "gui-home"
    home.mkdir()  # a home that is there: one that is not is never created (issue 12 item 20)
    for var, sub in (
        ("HOME", "."),
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_STATE_HOME", ".local/state"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    for var in ("AOSIGN_MANIFEST", "AOSIGN_LANG"):
        monkeypatch.delenv(var, raising=False)
