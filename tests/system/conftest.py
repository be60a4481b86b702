"""Fixtures shared by the system tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.private_pcsc import PrivatePcsc


@pytest.fixture(scope="module")
def private_pcsc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivatePcsc]:
    """One pcscd of our own for a test module; a test that stops it gets it started again by the next."""
    own = PrivatePcsc.launch(tmp_path_factory.mktemp("pcscd"))
    try:
        yield own
    finally:
        own.stop()
