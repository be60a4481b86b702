"""Start-up: ``aosign-host menu`` as a whole process with 1 and with 100 installed plugins, peak RSS of
``aosign-host status``, and ``python -c pass`` beside them.

The 100 plugins are real distributions: a ``*.dist-info`` folder (METADATA, entry_points.txt in the ``aosign_host``
group, RECORD) and a module registering one menu entry each, in a temp site folder put on ``PYTHONPATH`` (a folder
on ``sys.path`` like site-packages: importlib.metadata scans it the same way). Runs of every configuration are
interleaved, medians reported. "warm" is the usual start (the host's plugin-discovery cache is valid); "cache cold"
is the first start after an install (its cache folder is empty). Then ``python -X importtime`` says where the time
goes. Peak RSS comes from ``wait4`` of each process, for ``status`` on the in-process simulated card and, unless
``--no-pcsc``, over pcscd with the card served through vpcd (pcscd started unless one runs; stopped if started).

    .venv/bin/python benchmarks/startup.py [-n 30] [--no-pcsc]
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

PLUGIN_MODULE = '''"""Benchmark plugin {n}: one menu entry."""

from hostapp_stub.api import EntryResult, MenuEntry, hookimpl


def _run(request, ui):
    return EntryResult(0)


@hookimpl
def hostapp_register_menu_entries(register):
    register(MenuEntry("bench-{n:03d}", {{"ja": "ベンチ {n}", "en": "Bench {n}"}}, _run))
'''


def make_plugins(site: Path, count: int) -> None:
    """``count`` installed distributions ``aosign-bench-plugin-NNN``, each with one entry point."""
    site.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        module = f"aosign_bench_plugin_{n:03d}"
        dist = site / f"aosign_bench_plugin_{n:03d}-0.1.dist-info"
        dist.mkdir()
        (site / f"{module}.py").write_text(PLUGIN_MODULE.format(n=n), encoding="utf-8")
        (dist / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: aosign-bench-plugin-{n:03d}\nVersion: 0.1\n", encoding="utf-8"
        )
        (dist / "entry_points.txt").write_text(f"[aosign_host]\nbench_{n:03d} = {module}\n", encoding="utf-8")
        (dist / "INSTALLER").write_text("benchmark\n", encoding="utf-8")
        (dist / "RECORD").write_text(f"{module}.py,,\n{dist.name}/METADATA,,\n", encoding="utf-8")
    import compileall

    compileall.compile_dir(site, quiet=1)  # as pip does on install


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """Run ``cmd`` to the end: (seconds, exit code, peak RSS in KiB)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.stderr is not None
    err = proc.stderr.read()
    proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode(errors='replace')}")
    return elapsed, proc.returncode, usage.ru_maxrss


def importtime(cmd: list[str], env: dict[str, str], top: int = 8) -> list[tuple[int, str]]:
    """The top-level imports of ``cmd`` (a Python script) by cumulative time, from ``-X importtime``.

    Modules imported with ``importlib.import_module`` (the plugins) bypass the timer: their own imports show up as
    top-level ones, they do not.
    """
    best: dict[str, int] = {}
    for _ in range(5):  # the least of 5 runs, per module
        r = subprocess.run([sys.executable, "-X", "importtime", *cmd], env=env, capture_output=True, text=True)
        rows: list[tuple[int, int, str]] = []
        for line in r.stderr.splitlines():
            if not line.startswith("import time:") or "cumulative" in line:
                continue
            _, cumulative, field = line[len("import time:") :].split("|")
            rows.append((len(field) - len(field.lstrip()), int(cumulative), field.strip()))
        depth = min((d for d, _, _ in rows), default=0)
        for d, us, name in rows:
            if d == depth:
                best[name] = min(us, best.get(name, us))
    found = sorted(((us, name) for name, us in best.items()), reverse=True)
    return [(sum(us for us, _ in found), "all imports (-X importtime, least of 5 runs each)"), *found[:top]]


PHASES = """
import importlib, sys, time
import pluggy
t0 = time.perf_counter()
from hostapp_stub.plugins import installed_plugins, load_plugins, menu
from hostapp_stub.api import PROJECT
t1 = time.perf_counter()
cached = installed_plugins()
t2 = time.perf_counter()
scanned = installed_plugins(use_cache=False)
t3 = time.perf_counter()
pm = load_plugins(pluggy.PluginManager(PROJECT))
t4 = time.perf_counter()
entries = menu(pm).entries
t5 = time.perf_counter()
assert len(cached) == len(scanned)
print(f"{len(cached)} plugins, {len(entries)} entries")
for label, dt in (
    ("import hostapp_stub.plugins", t1 - t0),
    ("installed_plugins(), from the cache", t2 - t1),
    ("installed_plugins(use_cache=False): the scan", t3 - t2),
    ("load_plugins(): import + register every plugin", t4 - t3),
    ("menu(): every plugin's hook", t5 - t4),
):
    print(f"{dt * 1000:6.1f} ms  {label}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("-n", type=int, default=30, help="runs of each (default 30)")
    parser.add_argument("--no-pcsc", action="store_true", help="skip status over pcscd")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="aosign-startup-"))
    site = tmp / "site"
    make_plugins(site, 100)
    state, manifest = tmp / "card.json", tmp / "manifest.toml"
    subprocess.run(
        [str(BIN / "aosign-sim"), "issue", "--state", str(state), "--from-stdin"],
        input=b"31415926\n",
        capture_output=True,
        check=True,
    )
    manifest.write_text(f'[plugin]\nbackend = "sim"\n\n[sim]\nstate = "{state}"\n', encoding="utf-8")
    # PYTHONDONTWRITEBYTECODE is dropped: an installed package has its .pyc files (the warm-up runs write them)
    drop = ("AOSIGN_", "PYTHONPATH", "XDG_CACHE_HOME", "PYTHONDONTWRITEBYTECODE")
    base = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    base.update(AOSIGN_LANG="en", HOME=str(tmp))

    def env(cache: str, plugins: bool, **extra: str) -> dict[str, str]:
        e = dict(base, XDG_CACHE_HOME=str(tmp / cache), **extra)
        if plugins:
            e["PYTHONPATH"] = str(site)
        return e

    host = str(BIN / "aosign-host")
    menu = [host, "menu"]
    configs: dict[str, tuple[list[str], dict[str, str], bool]] = {
        "python -c pass": ([sys.executable, "-c", "pass"], env("c0", False), False),
        "aosign-host menu, 1 plugin": (menu, env("c1", False), False),
        "aosign-host menu, 101 plugins": (menu, env("c101", True), False),
        "aosign-host menu, 1 plugin, cache cold": (menu, env("cold1", False), True),
        "aosign-host menu, 101 plugins, cache cold": (menu, env("cold101", True), True),
    }
    # the plugins are there: 101 entries in the menu
    out = subprocess.run(menu, env=env("c101", True), capture_output=True, text=True, check=True).stdout
    entries = len(out.splitlines())
    times: dict[str, list[float]] = {name: [] for name in configs}
    for cmd, e, _ in configs.values():  # warm the OS caches and the plugin caches
        run(cmd, e)
    for _ in range(args.n):
        for name, (cmd, e, cold) in configs.items():
            if cold:
                shutil.rmtree(e["XDG_CACHE_HOME"], ignore_errors=True)
            times[name].append(run(cmd, e)[0])

    # peak RSS of status
    rss: dict[str, int] = {}
    status_env = env("c1", False, AOSIGN_MANIFEST=str(manifest))
    rss["aosign-host status (sim)"] = max(run([host, "status"], status_env)[2] for _ in range(5))
    rss["aosign-host menu"] = max(run(menu, env("c1", False))[2] for _ in range(5))
    rss["python -c pass"] = max(run([sys.executable, "-c", "pass"], env("c0", False))[2] for _ in range(5))
    if not args.no_pcsc:
        from tests.support.realparts import serve_card, start_pcscd, stop_process

        pcscd = start_pcscd()
        server = None
        try:
            server = serve_card(state, 35964, None)
            pcsc_manifest = tmp / "pcsc.toml"
            pcsc_manifest.write_text('[plugin]\nbackend = "pcsc"\n\n[pcsc]\nreader = "Virtual PCD 00 01"\n')
            pcsc_env = env("c1", False, AOSIGN_MANIFEST=str(pcsc_manifest))
            rss["aosign-host status (pcsc)"] = max(run([host, "status"], pcsc_env)[2] for _ in range(5))
        finally:
            stop_process(server)
            stop_process(pcscd)

    def ms(name: str) -> float:
        return statistics.median(times[name]) * 1000

    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}")
    print(f"command: {' '.join(sys.argv)}  (n={args.n}, interleaved, medians; {entries} menu entries with 101)")
    print()
    print(f"{'whole process':45s} {'median':>9s} {'min':>9s}")
    for name in times:
        print(f"  {name:43s} {ms(name):6.1f} ms {min(times[name]) * 1000:6.1f} ms")
    print()
    one, many = ms("aosign-host menu, 1 plugin"), ms("aosign-host menu, 101 plugins")
    print(f"  menu, 101 plugins / 1 plugin                {many / one:6.2f} x")
    cold_ratio = ms("aosign-host menu, 101 plugins, cache cold") / ms("aosign-host menu, 1 plugin, cache cold")
    print(f"  menu cache cold, 101 plugins / 1 plugin     {cold_ratio:6.2f} x")
    print(f"  menu above python -c pass                   {one - ms('python -c pass'):6.1f} ms")
    print()
    print("peak RSS (wait4 ru_maxrss, max of 5)")
    for name, kib in rss.items():
        print(f"  {name:43s} {kib / 1024:6.1f} MiB")
    print()
    for plugins in (False, True):
        print(f"in one process, {'101 plugins' if plugins else '1 plugin'} (phases of plugin loading):")
        # its own cache folder: a different sys.path (``-c``) has a different cache key; the second run is measured
        phase_env = env("p101" if plugins else "p1", plugins)
        for _ in range(2):
            r = subprocess.run([sys.executable, "-c", PHASES], env=phase_env, capture_output=True, text=True)
        for line in (r.stdout + r.stderr).splitlines():
            print("  " + line)
        print()
    for label, cmd, e in (
        ("aosign-host menu, 1 plugin", [host, "menu"], env("c1", False)),
        ("aosign-host status (sim)", [host, "status"], status_env),
    ):
        print(f"python -X importtime: {label} (top-level imports, cumulative)")
        for us, name in importtime(cmd, e):
            print(f"  {us / 1000:6.1f} ms  {name}")
        print()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
