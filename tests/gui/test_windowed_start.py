"""``aosign-host-gui`` (the gui-scripts entry: no console on Windows): it runs with ``sys.stdout`` and
``sys.stderr`` being None, as under ``pythonw``, and shows a failed start (an invalid manifest, exit 7) in a Qt
message box, offscreen. The host's real start runs; only the streams are taken away."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from hostapp_stub.gui.window import MainWindow
from hostapp_stub.gui.windowed import run_windowed
from tests.support.cards import Card, make_card


def no_console(monkeypatch: pytest.MonkeyPatch) -> None:
    """As under pythonw: no standard output or error at all (set in the test's body: pytest sets its capture up
    again after the fixtures)."""
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)


@pytest.fixture
def bad_manifest(tmp_path: Path) -> Path:
    path = tmp_path / "bad.toml"
    path.write_text('[plugin]\nbackend = "floppy"\n', encoding="utf-8")
    return path


def test_invalid_manifest_without_console_goes_to_the_report(
    monkeypatch: pytest.MonkeyPatch, bad_manifest: Path
) -> None:
    no_console(monkeypatch)
    shown: list[tuple[str, str]] = []
    code = run_windowed(["--manifest", str(bad_manifest), "--lang", "ja"], report=lambda t, m: shown.append((t, m)))
    assert code == 7
    assert sys.stdout is None and sys.stderr is None  # given back as they were
    [(title, message)] = shown
    assert title == "AOSign ホストアプリを開始できませんでした"
    assert "plugin.backend" in message and "floppy" not in title


def test_invalid_manifest_shows_a_message_box(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, bad_manifest: Path
) -> None:
    no_console(monkeypatch)
    seen: list[tuple[str, str]] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, read_and_close)
            return
        seen.append((box.windowTitle(), box.text()))
        box.accept()

    QTimer.singleShot(0, read_and_close)
    assert run_windowed(["--manifest", str(bad_manifest), "--lang", "en"]) == 7
    [(title, message)] = seen
    assert title == "The AOSign host app could not start"
    assert "plugin.backend" in message


def test_window_runs_without_console_and_shows_no_box(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    no_console(monkeypatch)
    card: Card = make_card(tmp_path, "sim")
    shown: list[tuple[str, str]] = []

    def close_window() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(10, close_window)
            return
        assert "Change the PIN" in [b.text() for b in windows[0].findChildren(QPushButton)]
        for w in windows:
            w.close()

    QTimer.singleShot(0, close_window)
    code = run_windowed(
        ["--manifest", str(card.manifest), "--lang", "en", "-v"], report=lambda t, m: shown.append((t, m))
    )
    assert code == 0
    assert shown == []


def test_console_still_gets_the_text(capsys: pytest.CaptureFixture[str], bad_manifest: Path) -> None:
    shown: list[tuple[str, str]] = []
    assert (
        run_windowed(["--manifest", str(bad_manifest), "--lang", "en"], report=lambda t, m: shown.append((t, m))) == 7
    )
    assert "plugin.backend" in capsys.readouterr().err
    assert shown and "plugin.backend" in shown[0][1]


def test_gui_script_entry_point_is_declared() -> None:
    from importlib.metadata import entry_points

    [entry] = [e for e in entry_points(group="gui_scripts") if e.name == "aosign-host-gui"]
    assert entry.value == "hostapp_stub.gui.windowed:main"


def test_bad_argument_without_console_goes_to_the_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 27: argparse ends a bad argument with SystemExit(2) and its usage on stderr: shown, not lost."""
    no_console(monkeypatch)
    shown: list[tuple[str, str]] = []
    code = run_windowed(["--lang", "en", "--no-such-option"], report=lambda t, m: shown.append((t, m)))
    assert code == 2
    assert sys.stdout is None and sys.stderr is None
    [(title, message)] = shown
    assert title == "The AOSign host app could not start"
    assert "--no-such-option" in message


def test_a_failure_that_says_nothing_still_has_its_box(monkeypatch: pytest.MonkeyPatch) -> None:
    no_console(monkeypatch)
    shown: list[tuple[str, str]] = []

    def silent(argv: list[str]) -> int:
        raise SystemExit(5)

    assert run_windowed(["--lang", "en"], start=silent, report=lambda t, m: shown.append((t, m))) == 5
    [(_, message)] = shown
    assert "exit code 5" in message and "aosign-host doctor" in message
