"""Fixtures: pcscd and the simulated card, in process or served to the real pcscd through vpcd.

pcscd is started by the tests themselves (unless one already runs: then it is left alone) and stopped by its own
pid. Only a physical card would be opt-in; nothing here is. Each test is marked by its folder: ``unit`` (no real
part), ``system`` (pcscd, vpcd, SoftHSM2 or OpenSC's module, started by the test) or ``gui`` (Qt, offscreen).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.support.cards import Card, make_card
from tests.support.realparts import start_pcscd, stop_process

_HERE = Path(__file__).parent

# Hypothesis profiles: "ci" (scripts/test, and CI) runs every property with its examples as written and no deadline
# (a loaded 2-core machine is no failure); "dev", the default of a bare pytest run, a quick loop with at most 10
# examples where a test does not set its own number
settings.register_profile("ci", deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, max_examples=10)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

#: not even collected on Windows: they import what Windows has not (pty; OpenSC's Linux reader names at import). All
#: are system tests, which the Linux run has; Windows runs the card path through WinSCard (the workflow's winscard job).
collect_ignore = (
    [
        "system/test_presence.py",
        "system/test_pyhanko.py",
        "system/test_opensc_host.py",
        "system/test_opensc_pkcs11.py",
        "system/test_certificates_real.py",
    ]
    if sys.platform == "win32"
    else []
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        group = Path(str(item.fspath)).relative_to(_HERE).parts[0]
        if group in ("unit", "system", "gui"):
            item.add_marker(getattr(pytest.mark, group))


@pytest.fixture(scope="session")
def pcscd() -> Iterator[None]:
    proc = start_pcscd()
    try:
        yield
    finally:
        stop_process(proc)


# the pcsc card needs pcscd and vpcd wherever the test sits: marked system, so that a run without them (the Windows
# and macOS workflow: -m "not system") deselects just that variant
@pytest.fixture(params=["sim", pytest.param("pcsc", marks=pytest.mark.system)])
def card(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Card]:
    """A freshly issued card with the default dialect, in process (sim) or in vpcd's second reader (pcsc)."""
    if request.param == "pcsc":
        request.getfixturevalue("pcscd")
    c = make_card(tmp_path, request.param)
    try:
        yield c
    finally:
        stop_process(c.server)
