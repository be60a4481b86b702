"""PIN change through the PKCS#11 backend on SoftHSM2: ``aosign-host change-pin`` beside ``pkcs11-tool --change-pin``
as whole processes, and in process the backend's change and status beside the same python-pkcs11 calls made bare.

Runs are interleaved in one run and reported as medians. A throwaway SoftHSM2 token is made in a temp dir (its PINs
on pkcs11-tool's command line are fine for that token only); each round changes A -> B through one tool and B -> A
through the other, so every run is a real change.

    .venv/bin/python benchmarks/pkcs11_change.py [-n 20]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
MODULE = "/usr/lib/softhsm/libsofthsm2.so"
LABEL = "AOSign"
PIN_A, PIN_B, CODE = "31415926", "Hk47vQ2w", "QX7RT2KM9WZ4"
#: in process, status samples per round (each round also makes one change through each path)
STATUS_PER_ROUND = 10


def _run(cmd: list[str], env: dict[str, str], stdin: bytes = b"") -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, input=stdin, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        out = (proc.stdout + proc.stderr).decode(errors="replace")
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {out}")
    return elapsed


def _ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1e3:9.2f} ms"


def _us(samples: list[float]) -> float:
    return statistics.median(samples) * 1e6


def _whole_process(n: int, env: dict[str, str]) -> list[tuple[str, list[float]]]:
    host_change = [str(BIN / "aosign-host"), "change-pin"]
    host_status = [str(BIN / "aosign-host"), "status"]

    def tool(old: str, new: str) -> list[str]:
        return ["pkcs11-tool", "--module", MODULE, "--token-label", LABEL, "--login", "--pin", old,
                "--change-pin", "--new-pin", new]  # fmt: skip

    rows: dict[str, list[float]] = {
        "aosign-host change-pin  (pkcs11, SoftHSM2)": [],
        "pkcs11-tool --change-pin (same token)": [],
        "aosign-host status      (pkcs11, SoftHSM2)": [],
        "python -c pass": [],
        'python -c "import pkcs11"': [],
    }
    keys = list(rows)

    def host(old: str, new: str) -> float:
        return _run(host_change, env, f"{old}\n{new}\n{new}\n".encode())

    for i in range(n):
        # A -> B, then B -> A: each tool goes first every other round
        if i % 2 == 0:
            rows[keys[0]].append(host(PIN_A, PIN_B))
            rows[keys[1]].append(_run(tool(PIN_B, PIN_A), env))
        else:
            rows[keys[1]].append(_run(tool(PIN_A, PIN_B), env))
            rows[keys[0]].append(host(PIN_B, PIN_A))
        rows[keys[2]].append(_run(host_status, env))
        rows[keys[3]].append(_run([sys.executable, "-c", "pass"], env))
        rows[keys[4]].append(_run([sys.executable, "-c", "import pkcs11"], env))
    return list(rows.items())


def _in_process(n: int) -> list[tuple[str, list[float], list[float]]]:
    import pkcs11

    from aosign_plugin.backends.pkcs11.backend import Pkcs11Backend
    from aosign_plugin.config.settings import Backend, Settings
    from aosign_plugin.domain.secret import Secret

    lib = pkcs11.lib(MODULE)
    backend = Pkcs11Backend(
        Settings(backend=Backend.PKCS11, pkcs11_modules={"linux": MODULE}, pkcs11_token=f"pkcs11:token={LABEL}")
    )

    def bare_find() -> Any:
        # what the backend asks of python-pkcs11 to find the token: the slots with a token, each token's info
        found = None
        for slot in lib.get_slots(token_present=True):
            token = slot.get_token()
            if token.label == LABEL:
                found = token
        return found

    def bare_status() -> None:
        int(bare_find().flags)

    def bare_change(old: str, new: str) -> None:
        session = bare_find().open(rw=True, user_pin=old)
        try:
            session.set_pin(old, new)
        finally:
            session.close()

    def ours_status() -> None:
        backend.status()

    def ours_change(old: str, new: str) -> float:
        seen = backend.status().pin  # what the service read and showed the user: not part of the change
        a, b = Secret.from_ascii(old), Secret.from_ascii(new)
        t0 = time.perf_counter()
        backend.change_pin(a, b, seen=seen)
        return time.perf_counter() - t0

    def timed(fn: Callable[[], None]) -> float:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0

    for _ in range(20):  # warm up both paths
        ours_status()
        bare_status()
    status_ours: list[float] = []
    status_bare: list[float] = []
    change_ours: list[float] = []
    change_bare: list[float] = []
    for i in range(n):
        # A -> B, then B -> A; which goes first alternates, so neither always meets a cold or a warm cache
        for j in range(STATUS_PER_ROUND):  # a status is ~50 µs: more samples steady its median
            if (i + j) % 2 == 0:
                status_ours.append(timed(ours_status))
                status_bare.append(timed(bare_status))
            else:
                status_bare.append(timed(bare_status))
                status_ours.append(timed(ours_status))
        if i % 2 == 0:
            change_ours.append(ours_change(PIN_A, PIN_B))
            change_bare.append(timed(lambda: bare_change(PIN_B, PIN_A)))
        else:
            change_bare.append(timed(lambda: bare_change(PIN_A, PIN_B)))
            change_ours.append(ours_change(PIN_B, PIN_A))
    return [
        ("status (C_GetSlotList + C_GetTokenInfo, flags)", status_ours, status_bare),
        ("change (C_OpenSession, C_Login, C_SetPIN, C_Logout, C_CloseSession)", change_ours, change_bare),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0], allow_abbrev=False)
    parser.add_argument("-n", type=int, default=20, help="runs of each (default 20)")
    args = parser.parse_args()
    if shutil.which("pkcs11-tool") is None or not Path(MODULE).exists():
        raise SystemExit("needs Debian's softhsm2 and opensc packages")

    tmp = Path(tempfile.mkdtemp(prefix="aosign-bench-p11-"))
    try:
        (tmp / "tokens").mkdir()
        (tmp / "home").mkdir()
        conf = tmp / "softhsm2.conf"
        conf.write_text(f"directories.tokendir = {tmp / 'tokens'}\nobjectstore.backend = file\n", encoding="utf-8")
        manifest = tmp / "manifest.toml"
        manifest.write_text(
            f'[plugin]\nbackend = "pkcs11"\n\n[pkcs11]\nmodule.linux = "{MODULE}"\ntoken = "pkcs11:token={LABEL}"\n',
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "SOFTHSM2_"))}
        env.update(
            SOFTHSM2_CONF=str(conf),
            AOSIGN_MANIFEST=str(manifest),
            AOSIGN_LANG="en",
            HOME=str(tmp / "home"),
            XDG_DATA_HOME=str(tmp / "home" / "data"),
            XDG_STATE_HOME=str(tmp / "home" / "state"),
        )
        subprocess.run(
            ["softhsm2-util", "--init-token", "--free", "--label", LABEL, "--pin", PIN_A, "--so-pin", CODE],
            env=env,
            capture_output=True,
            check=True,
        )
        whole = _whole_process(args.n, env)
        os.environ["SOFTHSM2_CONF"] = str(conf)
        inproc = _in_process(args.n)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(
        f"machine: {platform.platform()}, nproc {os.cpu_count()}, Python {platform.python_version()}, SoftHSM2 {MODULE}"
    )
    print(f"runs: {args.n} of each (in-process status: {args.n * STATUS_PER_ROUND}), interleaved; medians\n")
    print("whole process")
    for name, samples in whole:
        print(f"  {name:<48} {_ms(samples)}")
    print("\nin process (module loaded, token found each time, as the backend does)")
    print(f"  {'':<72} {'plugin':>10} {'bare':>10} {'overhead':>18}")
    for name, ours, bare in inproc:
        o, b = _us(ours), _us(bare)
        print(f"  {name:<72} {o:8.0f}µs {b:8.0f}µs {o - b:+8.0f}µs {(o - b) / b * 100:+6.1f}%")


if __name__ == "__main__":
    main()
