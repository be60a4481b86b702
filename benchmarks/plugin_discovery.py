"""Is the plugin-discovery cache worth its code (issue 24)? One interleaved run of three fresh processes, ``-n``
times each, medians and minima:

- ``cache``: ``installed_plugins()`` answered from the cache file (filled by the first run);
- ``scan``: ``installed_plugins(use_cache=False)``: importlib.metadata over every installed distribution;
- ``floor``: importing ``hostapp_stub.plugins`` alone (what both pay).

The cache pays when ``scan - cache`` is a large part of a command's start (``aosign-host menu`` is ~60-70 ms).

    .venv/bin/python benchmarks/plugin_discovery.py [-n 21]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import statistics
import subprocess
import sys
import tempfile
import time

CODE = {
    "cache": "from hostapp_stub.plugins import installed_plugins as f; f(use_cache=True)",
    "scan": "from hostapp_stub.plugins import installed_plugins as f; f(use_cache=False)",
    "floor": "import hostapp_stub.plugins",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], allow_abbrev=False)
    parser.add_argument("-n", type=int, default=21)
    n = parser.parse_args().n
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "XDG_CACHE_HOME": cache}
        subprocess.run([sys.executable, "-c", CODE["cache"]], env=env, check=True)  # fills the cache
        times: dict[str, list[float]] = {name: [] for name in CODE}
        for _ in range(n):
            for name, code in CODE.items():
                start = time.perf_counter()
                subprocess.run([sys.executable, "-c", code], env=env, check=True)
                times[name].append((time.perf_counter() - start) * 1000)
    dists = len(list(importlib.metadata.distributions()))
    print(f"{dists} distributions installed, {n} runs each (ms)")
    for name, values in times.items():
        print(f"  {name:6} median {statistics.median(values):6.1f}  min {min(values):6.1f}")
    saved = statistics.median(times["scan"]) - statistics.median(times["cache"])
    print(f"  the cache saves {saved:.1f} ms a start (median)")


if __name__ == "__main__":
    main()
