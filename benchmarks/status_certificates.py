"""What reading the card's certificates adds to ``aosign-host status`` over the real pcscd: APDUs and whole-process
time, with the parsed certificate cached by its digest (the usual case) and without (the first status after a new
certificate), against the same status reading no certificate at all (``[card] certificates = []``: the status as it
was before certificates) and against a card whose PKCS#15 directory holds none.

Two simulated cards are served at once, one with a certificate (vpcd's first reader) and one without (the second),
and the runs are interleaved; medians. Starts pcscd (unless one runs); stops what it started.

    .venv/bin/python benchmarks/status_certificates.py [-n 30]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.support.realparts import reader_name, serve_card, start_pcscd, stop_process  # noqa: E402

BIN = Path(sys.executable).parent
PIN = "31415926"
_INS = {0xA4: "SELECT", 0xB0: "READ BINARY", 0x20: "VERIFY", 0xB2: "READ RECORD"}


def _run(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{cmd} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')}")
    return elapsed


def _card(tmp: Path, name: str, port: int, *options: str, card: str = "") -> tuple[Path, Path, subprocess.Popen[bytes]]:
    state, log, manifest = tmp / f"{name}.json", tmp / f"{name}.jsonl", tmp / f"{name}.toml"
    subprocess.run(
        [str(BIN / "aosign-sim"), "issue", "--state", str(state), "--from-stdin", *options],
        input=f"{PIN}\n".encode(),
        capture_output=True,
        check=True,
    )
    manifest.write_text(
        f'[plugin]\nbackend = "pcsc"\n\n{card}[pcsc]\nreader = "{reader_name(port)}"\n', encoding="utf-8"
    )
    return manifest, log, serve_card(state, port, log)


def _apdus(log: Path) -> list[int]:
    from aosign_plugin.simcard.apdu_log import read_log

    return [int(e["ins"]) for e in read_log(log).entries] if log.exists() else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("-n", type=int, default=30, help="runs of each (default 30)")
    args = parser.parse_args()

    pcscd = start_pcscd()
    tmp = Path(tempfile.mkdtemp(prefix="aosign-bench-certs-"))
    with_cert, log_with, server_with = _card(tmp, "with", 35963, "--holder", "山田 太郎", "--expires-in", "10")
    without, log_without, server_without = _card(tmp, "without", 35964, "--no-certificate")
    # the same card as "with", but the status told to read no certificate file: the status as it was before
    baseline = tmp / "baseline.toml"
    baseline.write_text(
        with_cert.read_text().replace("[pcsc]", '[card]\naid = "A0000006474F5349474E"\ncertificates = []\n[pcsc]'),
        encoding="utf-8",
    )
    cache = tmp / "cache"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "XDG_CACHE"))}
    env.update(AOSIGN_LANG="en", XDG_CACHE_HOME=str(cache))
    status = [str(BIN / "aosign-host"), "status"]
    from aosign_plugin.simcard.store import CardStore

    size = len(CardStore(tmp / "with.json").load().certificates[0][1])
    try:
        # APDUs of one status, from each card's own log
        _run(status, {**env, "AOSIGN_MANIFEST": str(baseline)})
        ins_baseline = Counter(_apdus(log_with))
        _run(status, {**env, "AOSIGN_MANIFEST": str(with_cert)})
        _run(status, {**env, "AOSIGN_MANIFEST": str(without)})
        ins_with = Counter(_apdus(log_with)) - ins_baseline
        ins_without = Counter(_apdus(log_without))
        times: dict[str, list[float]] = {
            "no certificate read": [],
            "directory, no certificate": [],
            "certificate, cached": [],
            "certificate, not cached": [],
        }
        for _ in range(args.n):
            times["no certificate read"].append(_run(status, {**env, "AOSIGN_MANIFEST": str(baseline)}))
            times["directory, no certificate"].append(_run(status, {**env, "AOSIGN_MANIFEST": str(without)}))
            times["certificate, cached"].append(_run(status, {**env, "AOSIGN_MANIFEST": str(with_cert)}))
            shutil.rmtree(cache / "aosign", ignore_errors=True)
            times["certificate, not cached"].append(_run(status, {**env, "AOSIGN_MANIFEST": str(with_cert)}))
    finally:
        stop_process(server_with)
        stop_process(server_without)
        stop_process(pcscd)
        shutil.rmtree(tmp, ignore_errors=True)

    def row(c: Counter[int]) -> str:
        return ", ".join(f"{_INS.get(ins, hex(ins))} {n}" for ins, n in sorted(c.items())) + f" (total {c.total()})"

    print(f"APDUs of one status, no certificate read:          {row(ins_baseline)}")
    print(f"APDUs of one status, directory holding none:       {row(ins_without)}")
    print(f"APDUs of one status, one certificate ({size} bytes): {row(ins_with)}")
    print(f"added by reading one certificate: {ins_with.total() - ins_baseline.total()}")
    base = statistics.median(times["no certificate read"]) * 1000
    print(f"\nwhole-process aosign-host status over pcscd, medians of {args.n} interleaved runs:")
    for name, values in times.items():
        ms = statistics.median(values) * 1000
        print(f"  {name:<26} {ms:7.1f} ms  ({ms - base:+.1f} ms)")


if __name__ == "__main__":
    main()
