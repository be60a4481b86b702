"""A pcscd of the test's own, never the machine's, and a PC/SC helper process to drive it.

Debian's pcscd 1.9.9 always creates ``/run/pcscd/pcscd.comm`` (it ignores ``PCSCLITE_CSOCK_NAME``, which only its
client library honours), so it is started in a private mount namespace where a temp folder is bind-mounted over
``/run/pcscd``; its reader config moves vpcd to two free ports. Clients reach it with ``PCSCLITE_CSOCK_NAME``; every
PC/SC client is a subprocess (the library caches the socket name per process). Stopped by its own pid.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.support.realparts import hold_real_parts, pcscd_running, stop_process

#: vpcd's second reader, where the served cards go
READER = "Virtual PCD 00 01"

#: the PC/SC helper process: ``wait READER present|absent TIMEOUT``, ``hold READER SECONDS`` (a transaction with
#: three GET DATA spread over SECONDS), ``spend READER PIN`` (SELECT and one VERIFY, as another application would)
HELPER = r"""
import sys, time
from smartcard import scard

def check(hresult, what):
    if hresult != scard.SCARD_S_SUCCESS:
        raise SystemExit(f"{what}: {scard.SCardGetErrorMessage(hresult)}")

command, reader = sys.argv[1], sys.argv[2]
hresult, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
if command == "wait":
    want = sys.argv[3] == "present"
    deadline = time.monotonic() + float(sys.argv[4])
    last = "no answer from pcscd"
    while time.monotonic() < deadline:
        if hresult != scard.SCARD_S_SUCCESS:  # pcscd still starting
            time.sleep(0.02)
            hresult, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            continue
        hr, readers = scard.SCardListReaders(ctx, [])
        if hr == scard.SCARD_S_SUCCESS and reader in readers:
            hr, states = scard.SCardGetStatusChange(ctx, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
            flags = states[0][1] if hr == scard.SCARD_S_SUCCESS else 0
            last = f"reader state 0x{flags:08X}" if hr == scard.SCARD_S_SUCCESS else f"SCardGetStatusChange 0x{hr:08X}"
            present = bool(flags & scard.SCARD_STATE_PRESENT) and not flags & scard.SCARD_STATE_MUTE
            if hr == scard.SCARD_S_SUCCESS and present == want:
                sys.exit(0)
        time.sleep(0.01)
    sys.exit(f"timeout waiting for {'a' if want else 'no'} card in {reader} (last: {last})")
check(hresult, "SCardEstablishContext")
hresult, card, proto = scard.SCardConnect(
    ctx, reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
)
check(hresult, "SCardConnect")
check(scard.SCardBeginTransaction(card), "SCardBeginTransaction")
if command == "hold":
    print("held", flush=True)
    for _ in range(3):
        time.sleep(float(sys.argv[3]) / 3)
        hresult, response = scard.SCardTransmit(card, proto, [0x00, 0xCA, 0x00, 0x00])  # GET DATA: 6D00
        check(hresult, "SCardTransmit")
elif command == "spend":
    aid = bytes.fromhex("A0000006474F5349474E")
    hresult, response = scard.SCardTransmit(card, proto, [0x00, 0xA4, 0x04, 0x00, len(aid), *aid])
    check(hresult, "SCardTransmit")
    pin = sys.argv[3].encode().ljust(16, b"\xff")
    hresult, response = scard.SCardTransmit(card, proto, [0x00, 0x20, 0x00, 0x81, len(pin), *pin])
    check(hresult, "SCardTransmit")
    print(bytes(response[-2:]).hex().upper())
scard.SCardEndTransaction(card, scard.SCARD_LEAVE_CARD)
scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)
scard.SCardReleaseContext(ctx)
"""


def _free_port_pair() -> int:
    """A port p with p and p + 1 both free on all addresses (vpcd listens on both)."""
    for _ in range(200):
        with socket.socket() as probe:
            probe.bind(("", 0))
            port = int(probe.getsockname()[1])
        if port >= 65535:
            continue
        try:
            with socket.socket() as a, socket.socket() as b:
                a.bind(("", port))
                b.bind(("", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no two consecutive free TCP ports for vpcd")


class PrivatePcsc:
    """A pcscd of our own whose vpcd listens on free ports.

    :param root: a folder for its socket, pid file, reader config and log.
    :param friendly: vpcd's ``FRIENDLYNAME``: its readers are ``<friendly> 00 00`` and ``<friendly> 00 01`` (a
        hostile name tests what a reader can say about itself).
    """

    def __init__(self, root: Path, friendly: str = "Virtual PCD") -> None:
        self.root = root
        self.friendly = friendly
        self.run_dir = root / "run"
        self.conf_dir = root / "reader.conf.d"
        self.run_dir.mkdir(parents=True)
        self.conf_dir.mkdir()
        self.first_port = _free_port_pair()
        #: the card side of "Virtual PCD 00 01"
        self.port = self.first_port + 1
        (self.conf_dir / "vpcd").write_text(
            f'FRIENDLYNAME "{friendly}"\n'
            f"DEVICENAME /dev/null:{self.first_port}\n"
            "LIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\n"
            f"CHANNELID {self.first_port}\n",
            encoding="utf-8",
        )
        self.socket_path = self.run_dir / "pcscd.comm"
        self.private_namespace = True
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def env(self) -> dict[str, str]:
        """What a client process needs to reach this pcscd."""
        return {"PCSCLITE_CSOCK_NAME": str(self.socket_path)} if self.private_namespace else {}

    def _accepting(self) -> bool:
        path = self.socket_path if self.private_namespace else Path("/run/pcscd/pcscd.comm")
        with socket.socket(socket.AF_UNIX) as s:
            try:
                s.connect(str(path))
                return True
            except OSError:
                return False

    def start(self, timeout: float = 10.0) -> None:
        exe = shutil.which("pcscd") or "/usr/sbin/pcscd"
        daemon = [exe, "--foreground", "-c", str(self.conf_dir)]
        self.starts += 1
        log = open(self.root / f"pcscd-{self.starts}.log", "wb")  # noqa: SIM115 (the child keeps it)
        if self.private_namespace:
            script = f'mkdir -p /run/pcscd && mount --bind "{self.run_dir}" /run/pcscd && exec "$@"'
            cmd = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", *daemon]
        else:
            cmd = daemon
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + timeout
        while not self._accepting():
            if self.proc.poll() is not None:
                text = (self.root / f"pcscd-{self.starts}.log").read_text(errors="replace")
                raise RuntimeError(f"our pcscd exited with {self.proc.returncode}: {text}")
            if time.monotonic() > deadline:
                stop_process(self.proc)
                raise RuntimeError(f"our pcscd did not open its socket within {timeout} s")
            time.sleep(0.01)

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None

    @classmethod
    def launch(cls, root: Path, friendly: str = "Virtual PCD") -> PrivatePcsc:
        """Start one in a private mount namespace; without that (no ``unshare``, not root), on the machine's
        socket, which needs that no pcscd runs there (one that is not ours must not be stopped)."""
        pcsc = cls(root, friendly)
        if shutil.which("unshare") is not None:
            try:
                pcsc.start()
                return pcsc
            except RuntimeError as exc:
                reason = str(exc)
        else:
            reason = "unshare is not installed"
        hold_real_parts()
        if pcscd_running():
            raise RuntimeError(
                f"cannot run a private pcscd ({reason}) and the machine's pcscd is not ours to stop: these tests "
                "stop their pcscd on purpose"
            )
        pcsc.private_namespace = False
        pcsc.start()
        return pcsc


def helper(pcsc: PrivatePcsc, *args: str, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
    """Run :data:`HELPER` against our pcscd."""
    env = {**os.environ, **pcsc.env}
    return subprocess.run(
        [sys.executable, "-c", HELPER, *args], capture_output=True, text=True, env=env, timeout=timeout, check=False
    )


def wait_card(pcsc: PrivatePcsc, *, present: bool, timeout: float = 10.0, check: bool = True) -> str | None:
    """Until pcscd shows a card in :data:`READER` (or none); None once it does, else what it showed last (or an
    assertion error, with ``check``)."""
    r = helper(pcsc, "wait", READER, "present" if present else "absent", str(timeout))
    assert not check or r.returncode == 0, f"wait for {'a' if present else 'no'} card: {r.stdout}{r.stderr}"
    return None if r.returncode == 0 else r.stdout + r.stderr


def running(pcsc: PrivatePcsc) -> PrivatePcsc:
    """``pcsc``, started again if a test stopped it."""
    if pcsc.proc is None or pcsc.proc.poll() is not None:
        pcsc.start()
    return pcsc
