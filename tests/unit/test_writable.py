"""Issue 27: writability decided by trying on Windows (where ``os.access`` reads only the read-only attribute); here
the trying path runs against real folders whose ``os.access`` answer is wrong for the same reason: root's
``os.access`` says yes where the kernel refuses to create anything."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from aosign_plugin.service.writable import file_writable, folder_writable


def test_trying_makes_and_removes_one_file(tmp_path: Path) -> None:
    assert folder_writable(tmp_path, by_trying=True) is True
    assert list(tmp_path.iterdir()) == []  # the probe is gone
    f = tmp_path / "audit.log"
    f.write_bytes(b"line\n")
    assert file_writable(f, by_trying=True) is True
    assert f.read_bytes() == b"line\n"  # opened for appending, nothing written


def test_trying_fails_where_nothing_can_be_made(tmp_path: Path) -> None:
    assert folder_writable(tmp_path / "missing", by_trying=True) is False
    assert file_writable(tmp_path / "missing.log", by_trying=True) is False
    folder = tmp_path / "a-folder"
    folder.mkdir()
    assert file_writable(folder, by_trying=True) is False  # a folder cannot be opened for writing


@pytest.mark.skipif(sys.platform != "linux" or os.geteuid() != 0, reason="root on Linux: os.access says yes to /proc")
def test_trying_tells_what_os_access_does_not() -> None:
    assert os.access("/proc", os.W_OK | os.X_OK)  # what os.access answers...
    assert folder_writable(Path("/proc"), by_trying=True) is False  # ...and what creating a file there does
    assert folder_writable(Path("/proc"), by_trying=False) is True
