"""The bounded wait for a call that may block on another program (transport/bounded.py), with threads only."""

from __future__ import annotations

import threading
import time

import pytest

from aosign_plugin.config.settings import parse_settings
from aosign_plugin.transport.bounded import BusyError, bounded_call


def test_a_quick_call_gives_its_result() -> None:
    assert bounded_call(lambda: 42, 1.0, lambda _r: None) == 42


def test_a_call_that_raises_raises_in_the_caller() -> None:
    def fail() -> int:
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        bounded_call(fail, 1.0, lambda _r: None)


def test_a_blocked_call_is_given_up_and_its_late_result_freed() -> None:
    release = threading.Event()
    freed: list[str] = []
    done = threading.Event()

    def blocked() -> str:
        release.wait(10)
        return "handle"

    def abandon(result: str) -> None:
        freed.append(result)
        done.set()

    start = time.monotonic()
    with pytest.raises(BusyError):
        bounded_call(blocked, 0.3, abandon)
    assert 0.25 < time.monotonic() - start < 2.0
    assert freed == []  # still blocked: nothing to free yet
    release.set()
    assert done.wait(5)
    assert freed == ["handle"]  # the late result is freed, never handed to anyone


def test_zero_means_one_short_look() -> None:
    assert bounded_call(lambda: 1, 0, lambda _r: None) == 1
    with pytest.raises(BusyError):
        bounded_call(lambda: time.sleep(1), 0, lambda _r: None)


@pytest.mark.parametrize(
    ("value", "ok"), [(1, True), (0.5, False), (0, True), (121, False), ("5", False), (True, False)]
)
def test_card_busy_wait_in_the_manifest(value: object, ok: bool) -> None:
    settings, problems = parse_settings({"plugin": {"card_busy_wait": value}})
    assert (not problems) is ok
    assert settings.card_busy_wait == (value if ok else 5)
    assert parse_settings({})[0].card_busy_wait == 5
