"""The simulated card served to the real pcscd through vsmartcard's vpcd, reached with pyscard and opensc-tool.

Real parts, no skipping: the test starts pcscd itself unless one is running (then it leaves it alone), serves a card
on vpcd's second reader ("Virtual PCD 00 01", port 35964), and stops what it started by its pid.
"""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aosign_plugin.simcard.apdu_log import read_log
from aosign_plugin.simcard.card import ATR
from aosign_plugin.simcard.store import QUICK_KDF, CardStore, new_card_state
from aosign_plugin.simcard.vpcd_server import VpcdServer, connect_vpcd
from tests.support import realparts

PORT = 35964
READER = "Virtual PCD 00 01"
PIN = b"12345678"
CODE = b"ABCDEFGH1234"
SELECT = [0x00, 0xA4, 0x04, 0x00, 0x0A, *bytes.fromhex("A0000006474F5349474E")]
TRIES = [0x00, 0x20, 0x00, 0x81]


def verify(pin: bytes) -> list[int]:
    return [0x00, 0x20, 0x00, 0x81, 0x10, *pin.ljust(16, b"\xff")]


def change(old: bytes, new: bytes) -> list[int]:
    return [0x00, 0x24, 0x00, 0x81, 0x20, *old.ljust(16, b"\xff"), *new.ljust(16, b"\xff")]


@pytest.fixture(scope="module")
def pcscd() -> Iterator[None]:
    proc = realparts.start_pcscd()
    try:
        yield
    finally:
        realparts.stop_process(proc)  # None (not ours) is left alone


class Served:
    def __init__(self, state: Path, log: Path, proc: subprocess.Popen[bytes]) -> None:
        self.state = state
        self.log = log
        self.proc = proc


def _serve(tmp_path: Path, *, log: bool) -> Iterator[Served]:
    state = tmp_path / "card.json"
    log_path = tmp_path / "apdu.jsonl"
    CardStore(state).create(new_card_state(PIN, CODE))
    proc = realparts.serve_card(state, PORT, log_path if log else None)
    try:
        yield Served(state, log_path, proc)
    finally:
        realparts.stop_process(proc)
        realparts.wait_card_present(READER, present=False)


@pytest.fixture
def served(pcscd: None, tmp_path: Path) -> Iterator[Served]:
    """A fresh card on "Virtual PCD 00 01", with its APDU log."""
    yield from _serve(tmp_path, log=True)


@pytest.fixture
def served_unlogged(pcscd: None, tmp_path: Path) -> Iterator[Served]:
    """The same without the log (whose salted digests cost ~0.3 ms per APDU)."""
    yield from _serve(tmp_path, log=False)


def _connect() -> Iterator[Any]:
    from smartcard.System import readers

    matching = [r for r in readers() if str(r) == READER]
    assert matching, f"{READER!r} not among {readers()}"
    conn = matching[0].createConnection()
    conn.connect()
    try:
        yield conn
    finally:
        conn.disconnect()


@pytest.fixture
def connection(served: Served) -> Iterator[Any]:
    yield from _connect()


@pytest.fixture
def unlogged_connection(served_unlogged: Served) -> Iterator[Any]:
    yield from _connect()


def sw(conn: Any, apdu: list[int]) -> str:
    data, sw1, sw2 = conn.transmit(apdu)
    assert data == []
    return f"{sw1:02X}{sw2:02X}"


def test_reader_names() -> None:
    assert realparts.reader_name(35963) == "Virtual PCD 00 00"
    assert realparts.reader_name(35964) == READER


def test_pyscard_through_pcscd(served: Served, connection: Any) -> None:
    from smartcard.System import readers

    assert {"Virtual PCD 00 00", READER} <= {str(r) for r in readers()}
    assert bytes(connection.getATR()) == ATR
    assert sw(connection, TRIES) == "6985"
    assert sw(connection, SELECT) == "9000"
    assert sw(connection, TRIES) == "63CA"
    assert sw(connection, verify(b"87654321")) == "63C9"
    assert CardStore(served.state).load().pin.tries_left == 9  # persisted at once, per command
    assert sw(connection, verify(PIN)) == "9000"
    assert sw(connection, TRIES) == "9000"
    assert sw(connection, change(PIN, b"s3cret99")) == "9000"
    assert sw(connection, change(b"s3cret99", PIN)) == "9000"  # changed back
    state = CardStore(served.state).load()
    assert state.pin.matches(PIN) and state.pin.tries_left == 10

    log = read_log(served.log)
    # one line per PIN command sent (none repeated), each saying where its fields were, never what they held
    one, two = [{"offset": 0, "length": 16}], [{"offset": 0, "length": 16}, {"offset": 16, "length": 16}]
    assert [e["fields"] for e in log.tries()] == [one, one, two, two]
    raw = served.log.read_bytes()
    assert PIN not in raw and b"s3cret99" not in raw


def test_opensc_tool_through_pcscd(served: Served) -> None:
    exe = shutil.which("opensc-tool")
    assert exe, "opensc-tool is not installed (Debian: apt-get install opensc)"
    r = subprocess.run(
        [exe, "-r", READER, "-s", "00:A4:04:00:0A:A0:00:00:06:47:4F:53:49:47:4E", "-s", "00:20:00:81"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert r.returncode == 0, r.stderr
    received = [line for line in r.stdout.splitlines() if line.startswith("Received")]
    assert received == ["Received (SW1=0x90, SW2=0x00)", "Received (SW1=0x63, SW2=0xCA)"], r.stdout
    # opensc probes the card with its drivers' SELECTs first: none of them is a PIN command
    log = read_log(served.log)
    assert [e["sw"] for e in log.entries if e["ins"] == 0x20] == ["63CA"]


def test_round_trip_is_fast(unlogged_connection: Any) -> None:
    connection = unlogged_connection
    assert sw(connection, SELECT) == "9000"
    times = []
    for _ in range(200):
        t0 = time.perf_counter()
        _, sw1, sw2 = connection.transmit(TRIES)
        times.append(time.perf_counter() - t0)
        assert (sw1, sw2) == (0x63, 0xCA)
    median_ms = statistics.median(times) * 1000
    print(f"median empty VERIFY round trip through pcscd: {median_ms:.3f} ms")
    assert median_ms < 5.0, f"median {median_ms:.1f} ms: TCP_QUICKACK is not working"


def test_serve_stops_cleanly_on_sigterm(served: Served) -> None:
    assert served.proc.poll() is None
    assert realparts.stop_process(served.proc) == 0
    realparts.wait_card_present(READER, present=False)


def test_serve_without_a_card_or_vpcd(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "aosign_plugin.simcard.cli", "serve", "--state", str(tmp_path / "none.json")]
    r = subprocess.run([*cmd, "--port", "1"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 6 and "aosign-sim issue" in r.stderr
    CardStore(tmp_path / "c.json").create(new_card_state(PIN, CODE, kdf=QUICK_KDF))
    cmd[-1] = str(tmp_path / "c.json")
    r = subprocess.run([*cmd, "--port", "1", "--connect-timeout", "0.2"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 6 and "vpcd is not listening on 127.0.0.1:1" in r.stderr


# -- the vpcd link itself, against a fake vpcd (framing, controls, the fault hook) -----------------------------


def _frame(payload: bytes) -> bytes:
    return len(payload).to_bytes(2, "big") + payload


def _read_frame(sock: socket.socket) -> bytes:
    head = sock.recv(2, socket.MSG_WAITALL)
    return sock.recv(int.from_bytes(head, "big"), socket.MSG_WAITALL)


def test_vpcd_framing_and_hook(tmp_path: Path) -> None:
    store = CardStore(tmp_path / "c.json")
    store.create(new_card_state(PIN, CODE, kdf=QUICK_KDF))
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    seen: list[tuple[str, bytes]] = []

    def hook(point: str, apdu: bytes) -> bytes | None:
        seen.append((point, apdu))
        return bytes.fromhex("6F00") if apdu == bytes.fromhex("00B00000") else None

    server = VpcdServer(store, hook=hook)
    sock = connect_vpcd("127.0.0.1", port, timeout=5)
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    thread = threading.Thread(target=server.serve, args=(sock,))
    thread.start()
    vpcd, _ = listener.accept()
    try:
        vpcd.sendall(_frame(b"\x01"))  # power on: no answer
        vpcd.sendall(_frame(b"\x04"))
        assert _read_frame(vpcd) == ATR
        vpcd.sendall(_frame(bytes(SELECT)))
        assert _read_frame(vpcd) == b"\x90\x00"
        vpcd.sendall(_frame(bytes(TRIES)))
        assert _read_frame(vpcd) == b"\x63\xca"
        vpcd.sendall(_frame(b"\x02"))  # reset: selection lost
        vpcd.sendall(_frame(bytes(TRIES)))
        assert _read_frame(vpcd) == b"\x69\x85"
        vpcd.sendall(_frame(bytes.fromhex("00B00000")))
        assert _read_frame(vpcd) == b"\x6f\x00"
        assert seen[:2] == [("before", bytes(SELECT)), ("after", b"\x90\x00")]
        assert ("after", b"\x6f\x00") not in seen  # a "before" answer skips the card
    finally:
        vpcd.close()
        thread.join(5)
        listener.close()
    assert not thread.is_alive()  # vpcd closing the link ends serve()
    assert ("after", b"\x63\xca") in seen
