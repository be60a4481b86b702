"""``aosign-host status`` over the real pcscd beside ``opensc-tool`` sending the same APDUs, plus APDUs per operation
and the in-process overhead of our layers over bare pyscard calls.

Runs are interleaved in one run and reported as medians. Starts pcscd (unless one runs) and serves a fresh
simulated card on vpcd's second reader; stops what it started.

    .venv/bin/python benchmarks/status_vs_opensc.py [-n 30]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.support.realparts import serve_card, start_pcscd, stop_process  # noqa: E402

READER = "Virtual PCD 00 01"
PORT = 35964
BIN = Path(sys.executable).parent
AID = "A0000006474F5349474E"
PIN, NEW, AFTER_UNLOCK = "31415926", "Hk47vQ2w", "Rm52xT8p"  # the unblocking code is PIN


def _timed(cmd: list[str], env: dict[str, str], stdin: bytes = b"") -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, input=stdin, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')}")
    return elapsed


def _apdus(log: Path, since: int) -> tuple[int, list[dict[str, object]]]:
    from aosign_plugin.simcard.apdu_log import read_log

    entries = read_log(log).entries if log.exists() else []
    return len(entries), entries[since:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("-n", type=int, default=30, help="runs of each (default 30)")
    args = parser.parse_args()

    pcscd = start_pcscd()
    tmp = Path(tempfile.mkdtemp(prefix="aosign-bench-"))
    state, log, manifest = tmp / "card.json", tmp / "apdus.jsonl", tmp / "manifest.toml"
    subprocess.run(
        # no certificate: status sends what opensc-tool and the bare script send (with one, it also reads it: 14)
        [str(BIN / "aosign-sim"), "issue", "--state", str(state), "--from-stdin", "--no-certificate"],
        input=f"{PIN}\n".encode(),
        capture_output=True,
        check=True,
    )
    manifest.write_text(f'[plugin]\nbackend = "pcsc"\n\n[pcsc]\nreader = "{READER}"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AOSIGN_")}
    env.update(AOSIGN_MANIFEST=str(manifest), AOSIGN_LANG="en")
    server = serve_card(state, PORT, log)
    try:
        host = [str(BIN / "aosign-host"), "status"]
        opensc = ["opensc-tool", "-r", READER, "-s", f"00:A4:04:00:0A:{':'.join(AID[i:i+2] for i in range(0, 20, 2))}",
                  "-s", "00:20:00:81", "-s", "00:20:00:82"]  # fmt: skip
        # APDUs per operation, from the card's own log
        count0, _ = _apdus(log, 0)
        _timed(host, env)
        count1, status_cmds = _apdus(log, count0)
        _timed([str(BIN / "aosign-host"), "change-pin"], env, f"{PIN}\n{NEW}\n{NEW}\n".encode())
        count2, change_cmds = _apdus(log, count1)
        _timed([str(BIN / "aosign-host"), "unlock"], env, f"{PIN}\n{AFTER_UNLOCK}\n{AFTER_UNLOCK}\n".encode())
        count3, unlock_cmds = _apdus(log, count2)
        _timed(opensc, env)
        _, opensc_cmds = _apdus(log, count3)
        stop_process(server)
        # time without the card's log (its salted hashing costs ~0.3 ms an APDU, on the card side)
        server = serve_card(state, PORT, None)
        for _ in range(3):  # warm caches
            _timed(host, env)
            _timed(opensc, env)
        ours: list[float] = []
        theirs: list[float] = []
        for _ in range(args.n):
            ours.append(_timed(host, env))
            theirs.append(_timed(opensc, env))

        # in process: our backend's status vs the same three APDUs through bare pyscard
        from smartcard import scard

        from aosign_plugin.backends.pcsc_backend import PcscBackend
        from aosign_plugin.config.settings import Settings

        backend = PcscBackend(Settings(pcsc_reader=READER))
        # the same three APDUs through our layers: no PKCS#15 reading (an empty list of certificate files to read)
        counters_only = PcscBackend(Settings(pcsc_reader=READER, certificate_paths=()))
        layered: list[float] = []
        layered_same: list[float] = []
        bare: list[float] = []
        bare_choosing: list[float] = []
        apdus = [bytes.fromhex("00A404000A" + AID), bytes.fromhex("00200081"), bytes.fromhex("00200082")]
        for _ in range(args.n * 10):
            t0 = time.perf_counter()
            backend.status()
            layered.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            counters_only.status()
            layered_same.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            _bare_status(scard, apdus, choose=False)
            bare.append(time.perf_counter() - t0)
            # the same, choosing the reader as the contract says (list readers, which one holds a card)
            t0 = time.perf_counter()
            _bare_status(scard, apdus, choose=True)
            bare_choosing.append(time.perf_counter() - t0)
    finally:
        stop_process(server)
        stop_process(pcscd)

    def ms(xs: list[float]) -> float:
        return statistics.median(xs) * 1000

    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
    print(f"command: {' '.join(sys.argv)}  (n={args.n}, interleaved, medians)")
    print()
    print("APDUs per operation (the card's own log)")
    print(f"  aosign-host status      {len(status_cmds):3d}  ({', '.join(_ins(e) for e in status_cmds)})")
    print(f"  aosign-host change-pin  {len(change_cmds):3d}  ({', '.join(_ins(e) for e in change_cmds)})")
    print(f"  aosign-host unlock      {len(unlock_cmds):3d}  ({', '.join(_ins(e) for e in unlock_cmds)})")
    print(f"  opensc-tool, same 3     {len(opensc_cmds):3d}  (its card detection probes first)")
    print()
    print("whole process, status over pcscd")
    print(f"  aosign-host status      {ms(ours):7.1f} ms")
    print(f"  opensc-tool (same APDUs){ms(theirs):7.1f} ms")
    print(f"  ratio                   {ms(ours) / ms(theirs):7.2f} x")
    print()
    print("in process, one status (connect, transaction, SELECT + 2 empty VERIFY, disconnect)")
    print(f"  bare pyscard, reader known          {ms(bare) * 1000:7.0f} us")
    print(f"  bare pyscard, choosing the reader   {ms(bare_choosing) * 1000:7.0f} us")
    print(f"  our layers, the same 3 APDUs        {ms(layered_same) * 1000:7.0f} us")
    print(f"  our overhead over the same calls    {(ms(layered_same) - ms(bare_choosing)) * 1000:7.0f} us")
    print(f"  our status as a command runs it     {ms(layered) * 1000:7.0f} us  ({len(status_cmds)} APDUs, see above)")


def _bare_status(scard: Any, apdus: list[bytes], *, choose: bool) -> None:
    """The status APDUs through bare pyscard calls, in one transaction; ``choose``: pick the reader as we do."""
    _, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    reader = READER
    if choose:
        _, readers = scard.SCardListReaders(ctx, [])
        _, states = scard.SCardGetStatusChange(ctx, 0, [(r, scard.SCARD_STATE_UNAWARE) for r in readers])
        reader = next(name for name, event, _ in states if event & scard.SCARD_STATE_PRESENT and READER in name)
    any_protocol = scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
    _, card, proto = scard.SCardConnect(ctx, reader, scard.SCARD_SHARE_SHARED, any_protocol)
    scard.SCardBeginTransaction(card)
    for apdu in apdus:
        scard.SCardTransmit(card, proto, list(apdu))
    scard.SCardEndTransaction(card, scard.SCARD_LEAVE_CARD)
    scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)
    scard.SCardReleaseContext(ctx)


def _ins(entry: dict[str, object]) -> str:
    names = {0xA4: "SELECT", 0x20: "VERIFY", 0x24: "CHANGE", 0x2C: "RESET", 0xB0: "READ", 0xCA: "GET DATA"}
    ins = entry["ins"]
    assert isinstance(ins, int)
    name = names.get(ins, f"{ins:02X}")
    if ins == 0x20 and not entry.get("lc"):
        name = "VERIFY()"
    return name


if __name__ == "__main__":
    main()
