"""The host's window watching the reader, not the card (issue 14), over a real pcscd + vpcd + the simulated card.

Runs its own pcscd (in a private mount namespace, as tests/system/test_faults.py does) so that it may stop and restart
it, and the window offscreen in this process. The card's own APDU log counts what the card receives. Prints:

1. APDUs received by the card while the window sits idle ``--idle`` seconds after its first read (want 0), and the
   window process's CPU over that time (want < 1 % of one core);
2. card inserted (the card connects to the reader) → its status shown in the window, ``--insertions`` times: median
   (want < 500 ms);
3. pcscd stopped, then started again: what the window says meanwhile, and the time until it shows the card again;
4. a swap during an open change-PIN dialog: what the dialog says, and the secrets the cards received (want none);
5. a swap on the command line between the status it read and the change it would send (want exit 2, no secret).

The last line is the figures as JSON (tests/system/test_presence.py runs this with a short ``--idle``).

    .venv/bin/python benchmarks/window_presence.py [--idle 60] [--insertions 7] [--shots DIR]
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import json
import selectors
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
NEW_PIN = "Hk47vQ2w"
SHEET_PIN = "31415926"


class Rig:
    """Our pcscd, two simulated cards that can be put into its vpcd reader, and a manifest for the host."""

    def __init__(self, root: Path) -> None:
        from tests.support.cards import issue_card, write_manifest
        from tests.system.test_faults import READER, PrivatePcsc

        self.root = root
        self.pcsc = PrivatePcsc.launch(root / "pcsc")
        os.environ.update(self.pcsc.env)  # before pyscard loads: this process talks to our pcscd only
        self.reader = READER
        self.cards: dict[str, tuple[Path, Path]] = {}
        for name in ("A", "B"):
            state, log = root / f"card-{name}.json", root / f"card-{name}-apdus.jsonl"
            issue_card(state)
            self.cards[name] = (state, log)
        self.manifest = root / "manifest.toml"
        write_manifest(self.manifest, "pcsc", *self.cards["A"], f'[pcsc]\nreader = "{READER}"\n')
        self.server: subprocess.Popen[bytes] | None = None
        self.inserted_at = 0.0

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "LC_", "LANG"))}
        home = self.root / "home"
        env.update(AOSIGN_MANIFEST=str(self.manifest), AOSIGN_LANG="en", HOME=str(home))
        env.update(XDG_STATE_HOME=str(home / ".local/state"), XDG_DATA_HOME=str(home / ".local/share"))
        return env

    def insert(self, name: str, timeout: float = 10.0) -> None:
        """Serve card ``name``; :attr:`inserted_at` is when it connected to the reader (vpcd)."""
        self.remove()
        state, log = self.cards[name]
        cmd = [sys.executable, "-m", "aosign_plugin.simcard.cli", "serve", "--port", str(self.pcsc.port)]
        proc = subprocess.Popen(
            [*cmd, "--state", str(state), "--log", str(log)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE
        )
        assert proc.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            if not sel.select(timeout):
                raise RuntimeError("the simulated card did not connect to vpcd")
        self.inserted_at = time.monotonic()
        line = proc.stdout.readline()
        if not line.startswith(b"serving"):
            raise RuntimeError(f"aosign-sim serve: {line!r}")
        self.server = proc

    def wait_seen(self, timeout: float = 10.0) -> None:
        """Until pcscd shows a card in the reader (no APDU: its reader state)."""
        from aosign_plugin.transport import TransportError
        from aosign_plugin.transport.pyscard_reader import probe

        deadline = time.monotonic() + timeout
        while True:
            try:
                probe(self.reader)
                return
            except TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def remove(self, timeout: float = 10.0) -> None:
        """Pull the card (stop its server by its pid) and wait until pcscd shows the reader empty, so that a
        following :meth:`wait_seen` sees the next card, never this one."""
        from aosign_plugin.transport import TransportError
        from aosign_plugin.transport.pyscard_reader import probe
        from tests.support.realparts import stop_process

        if self.server is None:
            return
        stop_process(self.server)
        self.server = None
        deadline = time.monotonic() + timeout
        while True:
            try:
                probe(self.reader)
            except TransportError:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"pcscd still shows a card in {self.reader} after the server stopped")
            time.sleep(0.02)

    def apdus(self, name: str) -> list[dict[str, Any]]:
        from aosign_plugin.simcard.apdu_log import read_log

        log = self.cards[name][1]
        return read_log(log).entries if log.exists() else []

    def secrets(self, name: str) -> int:
        return sum(1 for e in self.apdus(name) if e["ins"] in (0x20, 0x24, 0x2C) and e.get("lc"))

    def close(self) -> None:
        self.remove()
        self.pcsc.stop()


def spend_one_try(rig: Rig, name: str) -> None:
    """A wrong PIN on card ``name``, through the host on the card's state file: it then shows 9 tries left."""
    from tests.support.cards import write_manifest

    manifest = rig.root / f"sim-{name}.toml"
    write_manifest(manifest, "sim", rig.cards[name][0], rig.root / f"sim-{name}-apdus.jsonl")
    env = {**rig.env(), "AOSIGN_MANIFEST": str(manifest)}
    subprocess.run(
        [str(BIN / "aosign-host"), "change-pin"],
        input=f"27182818\n{NEW_PIN}\n{NEW_PIN}\n".encode(),
        env=env,
        capture_output=True,
        check=False,
        timeout=60,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], allow_abbrev=False)
    parser.add_argument("--idle", type=float, default=60.0, help="seconds the window sits idle (default 60)")
    parser.add_argument("--insertions", type=int, default=7, help="insertions timed (default 7)")
    parser.add_argument("--shots", type=Path, help="save a screenshot of each state here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="aosign-presence-") as tmp:
        rig = Rig(Path(tmp))
        try:
            figures = run(rig, args)
        finally:
            rig.close()
    print(json.dumps(figures))
    return 0


def run(rig: Rig, args: argparse.Namespace) -> dict[str, Any]:
    import pluggy
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

    from aosign_plugin import catalogs
    from aosign_plugin.frontends.gui import ChangePinDialog
    from hostapp_stub.api import PROJECT, Request
    from hostapp_stub.gui.window import MainWindow
    from hostapp_stub.manifest import load_manifest
    from hostapp_stub.plugins import load_plugins, menu, status_panels

    app = QApplication.instance() or QApplication([])
    figures: dict[str, Any] = {}
    t = catalogs.text

    def sit(seconds: float) -> tuple[float, float]:
        """Let the window sit in its own event loop (nothing else runs here); returns (CPU s, wall s)."""
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        cpu0, wall0 = time.process_time(), time.monotonic()
        loop.exec()
        return time.process_time() - cpu0, time.monotonic() - wall0

    def pump_until(check: Any, timeout: float, what: str) -> float:
        deadline = time.monotonic() + timeout
        while not check():
            if time.monotonic() > deadline:
                raise RuntimeError(f"the window did not show {what} within {timeout} s: {window.status_text()!r}")
            app.processEvents()
            time.sleep(0.002)
        return time.monotonic()

    def shot(name: str, widget: Any) -> None:
        if args.shots is not None:
            args.shots.mkdir(parents=True, exist_ok=True)
            app.processEvents()
            widget.grab().save(str(args.shots / f"{name}.png"))

    rig.insert("A")
    manifest = load_manifest(str(rig.manifest), "en")
    os.environ.update(rig.env())
    pm = load_plugins(pluggy.PluginManager(PROJECT))
    window = MainWindow(pm, menu(pm).entries, status_panels(pm)[0], manifest.data, manifest.path, "en")
    window.show()
    ready = "PIN tries left: 10 of 10"
    pump_until(lambda: ready in window.status_text(), 10, "the card")
    shot("window-card", window)

    # 1. idle
    before, reads = len(rig.apdus("A")), window.reads["card"]
    cpu, wall = sit(args.idle)
    figures["idle_s"] = round(wall, 1)
    figures["idle_apdus"] = len(rig.apdus("A")) - before
    figures["idle_reads"] = window.reads["card"] - reads
    figures["idle_cpu_percent"] = round(100 * cpu / wall, 2)

    # 2. removal shown as a state; insertion → status shown
    waiting = t("wait.no_card", "en")
    latencies = []
    for i in range(args.insertions):
        rig.remove()
        pump_until(lambda: waiting in window.status_text(), 10, "the wait for a card")
        if i == 0:
            shot("window-insert-card", window)
        rig.insert("A")
        shown = pump_until(lambda: ready in window.status_text(), 10, "the card again")
        latencies.append((shown - rig.inserted_at) * 1000)
    figures["insert_to_shown_ms"] = [round(x) for x in latencies]
    figures["insert_to_shown_median_ms"] = round(statistics.median(latencies))

    # 3. pcscd stopped and started again
    rig.remove()
    pump_until(lambda: waiting in window.status_text(), 10, "the wait for a card")
    rig.pcsc.stop()
    pump_until(lambda: t("wait.no_service", "en") in window.status_text(), 10, "the wait for the service")
    shot("window-no-service", window)
    cpu, wall = sit(min(args.idle, 10))
    figures["no_service_cpu_percent"] = round(100 * cpu / wall, 2)
    restarted = time.monotonic()
    rig.pcsc.start()
    pump_until(lambda: waiting in window.status_text(), 15, "the wait for a card after the restart")
    rig.insert("A")
    shown = pump_until(lambda: ready in window.status_text(), 15, "the card after the restart")
    figures["pcscd_restart_to_card_shown_ms"] = round((shown - restarted) * 1000)

    # 4. a swap during an open dialog
    spend_one_try(rig, "B")
    request = Request(lang="en", manifest=manifest.data, manifest_path=manifest.path, surface="window")
    dialog = ChangePinDialog(request, window)
    dialog.show()
    for field, answer in zip(dialog.fields, (SHEET_PIN, NEW_PIN, NEW_PIN), strict=True):
        edit = dialog.findChild(QLineEdit, field.value)
        assert edit is not None
        edit.setText(answer)
    secrets_before = rig.secrets("A"), rig.secrets("B")
    rig.insert("B")
    pump_until(lambda: "PIN tries left: 9 of 10" in window.status_text(), 10, "card B")
    ok = dialog.findChild(QPushButton, "ok")
    assert ok is not None and ok.isEnabled()
    ok.click()
    app.processEvents()
    figures["dialog_swap_message"] = dialog.message_text()
    figures["dialog_swap_shows_new_card"] = "9 of 10" in dialog.status_text()
    figures["dialog_swap_secrets_sent"] = rig.secrets("A") - secrets_before[0] + rig.secrets("B") - secrets_before[1]
    figures["dialog_swap_card_changed"] = t("gui.card.changed", "en") in dialog.message_text()
    shot("dialog-card-changed", dialog)
    dialog.reject()

    # 5. a swap on the command line between its status and its change
    rig.insert("A")
    pump_until(lambda: ready in window.status_text(), 10, "card A")
    window.close()
    # how many APDUs a status read sends (the PIN counters and the certificates): the swap comes after all of them
    before = len(rig.apdus("A"))
    subprocess.run([str(BIN / "aosign-host"), "status"], env=rig.env(), capture_output=True, check=True)
    status_apdus = len(rig.apdus("A")) - before
    before = len(rig.apdus("A"))
    secrets_before = rig.secrets("A"), rig.secrets("B")
    cli = subprocess.Popen(
        [str(BIN / "aosign-host"), "change-pin"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=rig.env(),
    )
    deadline = time.monotonic() + 20
    while len(rig.apdus("A")) < before + status_apdus:  # its status read, before it asks
        if time.monotonic() > deadline or cli.poll() is not None:
            raise RuntimeError("the command line did not read the card")
        time.sleep(0.01)
    rig.insert("B")
    rig.wait_seen()
    _out, err = cli.communicate(f"{SHEET_PIN}\n{NEW_PIN}\n{NEW_PIN}\n".encode(), timeout=30)
    figures["cli_swap_exit"] = cli.returncode
    figures["cli_swap_card_changed"] = t("card.changed", "en") in err.decode()
    figures["cli_swap_secrets_sent"] = rig.secrets("A") - secrets_before[0] + rig.secrets("B") - secrets_before[1]

    print(
        f"idle {figures['idle_s']} s after the first read: {figures['idle_apdus']} APDUs received by the card, "
        f"{figures['idle_reads']} panel reads, CPU {figures['idle_cpu_percent']} % of one core"
    )
    print(
        f"card inserted -> status shown: median {figures['insert_to_shown_median_ms']} ms "
        f"({figures['insert_to_shown_ms']})"
    )
    print(
        f"pcscd stopped: CPU {figures['no_service_cpu_percent']} % while waiting; restarted -> card shown "
        f"{figures['pcscd_restart_to_card_shown_ms']} ms (including the card's reinsertion)"
    )
    print(
        f"swap during an open dialog: secrets sent {figures['dialog_swap_secrets_sent']}, says the card changed: "
        f"{figures['dialog_swap_card_changed']}, shows the new card: {figures['dialog_swap_shows_new_card']}"
    )
    print(
        f"swap on the command line: exit {figures['cli_swap_exit']}, secrets sent {figures['cli_swap_secrets_sent']}, "
        f"says the card changed: {figures['cli_swap_card_changed']}"
    )
    return figures


if __name__ == "__main__":
    sys.exit(main())
