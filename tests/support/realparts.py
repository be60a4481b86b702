"""Helpers for tests against the real parts: Debian's pcscd with vsmartcard's vpcd, and the simulated card served
to it by ``aosign-sim serve``.

Plain functions; the caller owns what they return. One pcscd per machine: :func:`start_pcscd` returns ``None`` when
one is already running, and the caller must then leave it alone. Everything started here is stopped by its own pid
(:func:`stop_process`).

Several test sessions on one machine (parallel pytest runs, xdist workers) would fight over the one pcscd and
vpcd's two ports: one stops the pcscd the other is using ("Service not available" mid-test), or two cards race for
one reader. So :func:`start_pcscd` and :func:`serve_card` first take a machine-wide lock
(:data:`MACHINE_LOCK`, ``flock``) and keep it until the process exits: sessions using the real parts run one after
the other.
"""

from __future__ import annotations

import os
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = [
    "MACHINE_LOCK",
    "PCSCD_SOCKET",
    "hold_real_parts",
    "pcscd_running",
    "reader_name",
    "serve_card",
    "start_pcscd",
    "stop_process",
    "wait_card_present",
]

PCSCD_SOCKET = Path("/run/pcscd/pcscd.comm")
VPCD_FIRST_PORT = 35963
MACHINE_LOCK = Path(tempfile.gettempdir()) / "aosign-realparts.lock"

_machine_lock_fd: int | None = None


def hold_real_parts(timeout: float = 600.0) -> None:
    """Take the machine-wide real-parts lock for the rest of this process (idempotent).

    :raises TimeoutError: another process held it for ``timeout`` seconds.
    """
    global _machine_lock_fd
    if _machine_lock_fd is not None or sys.platform == "win32":
        return
    import fcntl

    fd = os.open(MACHINE_LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                raise TimeoutError(
                    f"another process has held {MACHINE_LOCK} (pcscd and the vpcd readers) for {timeout} s"
                ) from None
            time.sleep(0.05)
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    _machine_lock_fd = fd


def pcscd_running() -> bool:
    """True when pcscd's socket accepts a connection."""
    if sys.platform == "win32" or not PCSCD_SOCKET.exists():
        return False
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(1.0)
        sock.connect(str(PCSCD_SOCKET))
        return True
    except OSError:
        return False
    finally:
        sock.close()


def start_pcscd(timeout: float = 10.0) -> subprocess.Popen[bytes] | None:
    """Start ``pcscd --foreground`` (output to a temp log) unless one runs already.

    :returns: the process, which the caller stops with :func:`stop_process`; ``None`` if pcscd was already running
        (then it is not ours to stop).
    :raises RuntimeError: pcscd is not installed, exited, or its socket did not answer in time.
    """
    hold_real_parts()
    if sys.platform == "win32":  # WinSCard: the Smart Card service, started by the virtual reader's driver
        return None
    if pcscd_running():
        return None
    exe = shutil.which("pcscd") or ("/usr/sbin/pcscd" if os.path.exists("/usr/sbin/pcscd") else None)
    if exe is None:
        raise RuntimeError("pcscd is not installed (Debian: apt-get install pcscd vsmartcard-vpcd)")
    log = tempfile.NamedTemporaryFile(prefix="pcscd-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen([exe, "--foreground"], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    log.close()
    proc.log_path = log.name  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout
    while not pcscd_running():
        if proc.poll() is not None:
            text = Path(log.name).read_text(errors="replace")
            raise RuntimeError(f"pcscd exited with {proc.returncode}; its log ({log.name}):\n{text}")
        if time.monotonic() > deadline:
            stop_process(proc)
            raise RuntimeError(f"pcscd did not open {PCSCD_SOCKET} within {timeout} s (log: {log.name})")
        time.sleep(0.01)
    return proc


def stop_process(proc: subprocess.Popen[bytes] | None, timeout: float = 5.0) -> int | None:
    """Terminate ``proc`` by its own pid, wait, kill it after ``timeout``; returns its exit code."""
    if proc is None:
        return None
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
    log_path = getattr(proc, "log_path", None)
    if log_path is not None and os.path.exists(log_path) and os.path.getsize(log_path) == 0:
        os.unlink(log_path)  # keep pcscd's log only when it said something
    return proc.returncode


def reader_name(port: int) -> str:
    """vpcd's reader for ``port`` in Debian's default config: 35963 → "Virtual PCD 00 00", 35964 → "… 00 01".

    On Windows (vsmartcard's BixVReader driver, configured by ``scripts/windows/install-vpcd.ps1`` with one reader
    per port from 35963 up) Windows names each reader from the driver's vendor, type and unit: the readers whose name
    holds "Virtual PCD", in the order of their unit number.
    """
    index = port - VPCD_FIRST_PORT
    if not 0 <= index <= 9:
        raise ValueError(f"port {port} is not one of vpcd's default ports")
    if sys.platform == "win32":
        from smartcard import scard

        hresult, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise RuntimeError(f"SCardEstablishContext: 0x{hresult & 0xFFFFFFFF:08X}")
        try:
            hresult, readers = scard.SCardListReaders(ctx, [])
        finally:
            scard.SCardReleaseContext(ctx)
        virtual = sorted((r for r in readers or [] if "Virtual PCD" in r), key=lambda r: (len(r), r))
        if index >= len(virtual):
            raise RuntimeError(f"no vpcd reader for port {port}; readers: {readers}")
        return virtual[index]
    return f"Virtual PCD 00 {index:02d}"


def wait_card_present(reader: str, timeout: float = 10.0, *, present: bool = True) -> None:
    """Wait until pcscd reports a card in ``reader`` (or, with ``present=False``, none).

    :raises TimeoutError: it did not happen in time.
    """
    from smartcard import scard

    hresult, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        raise RuntimeError(f"SCardEstablishContext: {scard.SCardGetErrorMessage(hresult)}")
    try:
        deadline = time.monotonic() + timeout
        seen = "no such reader"
        while True:
            hresult, readers = scard.SCardListReaders(ctx, [])
            if hresult == scard.SCARD_S_SUCCESS and reader in readers:
                hresult, states = scard.SCardGetStatusChange(ctx, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
                if hresult == scard.SCARD_S_SUCCESS:
                    flags = states[0][1]
                    is_present = bool(flags & scard.SCARD_STATE_PRESENT) and not flags & scard.SCARD_STATE_MUTE
                    if is_present == present:
                        return
                    seen = f"state flags 0x{flags:X}"
            if time.monotonic() > deadline:
                want = "a card" if present else "no card"
                raise TimeoutError(f"pcscd did not report {want} in {reader!r} within {timeout} s ({seen})")
            time.sleep(0.01)
    finally:
        scard.SCardReleaseContext(ctx)


def serve_card(
    state_path: Path,
    port: int,
    log_path: Path | None = None,
    *,
    timeout: float = 10.0,
    fault: str | None = None,
) -> subprocess.Popen[bytes]:
    """Run ``aosign-sim serve`` for ``state_path`` on vpcd ``port``; return once pcscd sees the card.

    :param fault: ``aosign-sim serve --fault`` (where the card vanishes or goes mute).

    The caller stops it with :func:`stop_process` (SIGTERM: a clean exit, code 0). A card still shown in the
    reader (one just stopped, which pcscd notices within its 400 ms polling) is waited out first.

    :raises RuntimeError: the server exited or did not connect in time.
    :raises TimeoutError: the reader kept another card.
    """
    hold_real_parts()
    wait_card_present(reader_name(port), timeout, present=False)
    cmd = [
        sys.executable,
        "-m",
        "aosign_plugin.simcard.cli",
        "serve",
        "--port",
        str(port),
        "--state",
        str(state_path),
    ]
    if log_path is not None:
        cmd += ["--log", str(log_path)]
    if fault is not None:
        cmd += ["--fault", fault]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    deadline = time.monotonic() + timeout
    if sys.platform == "win32":  # select() takes sockets only there: the first line is read by a thread
        line = _first_line(proc, timeout, port)
    else:
        line = _first_line_selected(proc, deadline, port)
    if not line.startswith(b"serving "):
        stop_process(proc)
        raise RuntimeError(f"unexpected output from aosign-sim serve: {line!r}")
    try:
        wait_card_present(reader_name(port), max(deadline - time.monotonic(), 0.5))
    except BaseException:
        stop_process(proc)
        raise
    return proc


def _first_line(proc: subprocess.Popen[bytes], timeout: float, port: int) -> bytes:
    import threading

    assert proc.stdout is not None and proc.stderr is not None
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(proc.stdout.readline() if proc.stdout else b""), daemon=True)
    reader.start()
    reader.join(timeout)
    if not got:
        stop_process(proc)
        raise RuntimeError(f"aosign-sim serve did not connect to vpcd on port {port} within {timeout} s")
    if not got[0]:
        proc.wait()
        err = proc.stderr.read().decode(errors="replace")
        raise RuntimeError(f"aosign-sim serve exited with {proc.returncode}: {err.strip()}")
    return got[0]


def _first_line_selected(proc: subprocess.Popen[bytes], deadline: float, port: int) -> bytes:
    assert proc.stdout is not None and proc.stderr is not None
    timeout = deadline - time.monotonic()
    line = b""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while not line.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not sel.select(remaining):
                stop_process(proc)
                raise RuntimeError(f"aosign-sim serve did not connect to vpcd on port {port} within {timeout} s")
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                proc.wait()
                err = proc.stderr.read().decode(errors="replace")
                raise RuntimeError(f"aosign-sim serve exited with {proc.returncode}: {err.strip()}")
            line += chunk
    return line
