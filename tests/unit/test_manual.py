"""The manual's man pages: the copies in ``man/`` (installed with the package) are what the manual builds now."""

from __future__ import annotations

from pathlib import Path

from sphinx.cmd.build import build_main

_ROOT = Path(__file__).resolve().parents[2]


def _page(path: Path) -> list[str]:
    # the writer's own comment lines name the docutils version: not the page
    return [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith('.\\"')]


def test_the_installed_man_pages_are_the_manuals(tmp_path: Path) -> None:
    out = tmp_path / "man"
    code = build_main(["-W", "-n", "-q", "-d", str(tmp_path / "doctrees"), "-b", "man", str(_ROOT / "docs"), str(out)])
    assert code == 0
    built = sorted(p.name for p in out.iterdir() if p.is_file() and not p.name.startswith("."))
    kept = sorted(p.name for p in (_ROOT / "man").iterdir())
    assert built == kept == ["aosign-host.1", "aosign-manifest.5", "aosign-sim.1"]
    for name in built:
        assert _page(out / name) == _page(_ROOT / "man" / name), (
            f"man/{name} is not what docs/ builds: run "
            "`.venv/bin/sphinx-build -W -n -q -d build/doctrees -b man docs man` and commit man/"
        )
