"""Which dependencies install from wheels alone (nothing compiled), per OS, architecture and CPython: the supported
matrix of the README's install section, measured with pip itself.

For each cell it asks pip for a binary-only download of the dependency's newest release for that platform
(``pip download --no-deps --only-binary=:all: --platform P --python-version V --implementation cp``): a cell that
pip fills names the wheel's version; an empty one means pip would compile it from source there (or cannot install it
at all). The big Qt wheels are resolved with ``pip install --dry-run --report`` (the same resolver and the same
platform tags, without downloading ~80 MB per cell).

    python scripts/wheel_matrix.py            # a Markdown table on standard output
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

PLATFORMS = {
    "Windows x64": "win_amd64",
    "Windows x86 (32-bit Python)": "win32",
    "Windows ARM64": "win_arm64",
    "macOS 14 Apple silicon": "macosx_14_0_arm64",
    "macOS 14 Intel": "macosx_14_0_x86_64",
    "macOS 11 Apple silicon": "macosx_11_0_arm64",
    "Linux x86_64 (glibc 2.28)": "manylinux_2_28_x86_64",
}
PYTHONS = ("3.11", "3.12", "3.13", "3.14")
PACKAGES = ("pyscard", "python-pkcs11", "cryptography", "PySide6-Essentials")
#: resolved without downloading (size)
DRY_RUN = {"PySide6-Essentials"}


def _cell(package: str, platform: str, python: str, folder: Path) -> str | None:
    """The version pip picks as a wheel for this cell, None when there is none."""
    common = [
        "--no-deps",
        "--only-binary=:all:",
        "--platform",
        platform,
        "--python-version",
        python,
        "--implementation",
        "cp",
        "--quiet",
    ]
    if package in DRY_RUN:
        report = folder / "report.json"
        argv = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--target",
                str(folder / "t"), "--report", str(report), *common, package]  # fmt: skip
        if subprocess.run(argv, capture_output=True, check=False).returncode != 0:
            return None
        [item] = json.loads(report.read_text(encoding="utf-8"))["install"]
        return str(item["metadata"]["version"])
    argv = [sys.executable, "-m", "pip", "download", "-d", str(folder), *common, package]
    if subprocess.run(argv, capture_output=True, check=False).returncode != 0:
        return None
    wheels = sorted(folder.glob("*.whl"))
    for wheel in wheels:
        wheel.unlink()
    return wheels[-1].name.split("-")[1] if wheels else None


def main() -> int:
    print("| OS, architecture | CPython | " + " | ".join(PACKAGES) + " |")
    print("|---|---|" + "---|" * len(PACKAGES))
    for label, platform in PLATFORMS.items():
        for python in PYTHONS:
            cells = []
            for package in PACKAGES:
                with tempfile.TemporaryDirectory() as tmp:
                    version = _cell(package, platform, python, Path(tmp))
                cells.append(version or "—")
            print(f"| {label} | {python} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
