"""Issue 27: the card watch driven by recorded WinSCard and PC/SC.framework answers.

The watch under test is the real :class:`~aosign_plugin.transport.pyscard_reader.PcscWatch`; only the PC/SC layer
under it (the module's ``scard``) answers from a recording: each PC/SC call takes the next recorded answer, in order,
and a call the recording does not expect fails the test. The return codes are those documented for the call
(winerror.h / pcsclite.h) as pyscard hands them over: on Windows a LONG, so ``0x80100012`` arrives as a negative int.

What was recorded where (read in the platform docs, not run here):

- Windows: when the last reader is unplugged, ``SCardGetStatusChange`` answers ``SCARD_E_SYSTEM_CANCELLED`` (pyscard's
  ``PCSCCardRequest.py`` handles the same), the Smart Card service stops, ``SCardEstablishContext`` then answers
  ``SCARD_E_NO_SERVICE`` until a reader is plugged in again; a context that outlived its service answers
  ``ERROR_INVALID_HANDLE`` (6) or ``ERROR_BROKEN_PIPE`` (0x6D).
- macOS: ``\\\\?PnP?\\Notification`` was never supported by Apple's PC/SC (Ludovic Rousseau, "OS X El Capitan missing
  feature", Apple bug 23966225), and the high word of ``dwEventState`` counts no card events (Apple bug 23937633).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aosign_plugin.domain.card_status import CardIdentity
from aosign_plugin.transport import pyscard_reader
from aosign_plugin.transport.pcsc_codes import context_dead
from aosign_plugin.transport.presence import Presence

real = pyscard_reader.scard
PNP = pyscard_reader.PNP_READER
PRESENT, EMPTY, CHANGED = real.SCARD_STATE_PRESENT, real.SCARD_STATE_EMPTY, real.SCARD_STATE_CHANGED
ATR = [0x3B, 0x80, 0x80, 0x01, 0x01]


def signed(code: int) -> int:
    """A WinSCard LONG as pyscard returns it on Windows."""
    return code - (1 << 32) if code & 0x80000000 else code


SYSTEM_CANCELLED = signed(0x80100012)
NO_SERVICE = signed(0x8010001D)
NO_READERS = signed(0x8010002E)
TIMEOUT = signed(0x8010000A)
UNKNOWN_READER = signed(0x80100009)
ERROR_INVALID_HANDLE = 6
ERROR_BROKEN_PIPE = 0x6D


class Recorded:
    """pyscard's ``scard`` layer answering from a recording: ``(function name, answer)`` in call order.

    Constants are pyscard's own. When the recording is used up the watch is stopped (as :meth:`close` would) and
    the call in progress answers ``SCARD_E_CANCELLED``.
    """

    def __init__(self, steps: list[tuple[str, Any]]) -> None:
        self.steps = list(steps)
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.stop: Callable[[], None] = lambda: None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("SCard"):
            raise AttributeError(name)  # a PC/SC call the recording has no answer for
        return getattr(real, name)

    def _next(self, name: str, args: tuple[Any, ...]) -> Any:
        self.calls.append((name, args))
        if not self.steps:
            self.stop()
            return None
        expected, answer = self.steps.pop(0)
        assert name == expected, f"call {len(self.calls)}: {name}{args!r}, recorded: {expected}"
        return answer

    def SCardEstablishContext(self, scope: int) -> tuple[int, Any]:
        answer = self._next("SCardEstablishContext", (scope,))
        return (signed(real.SCARD_E_CANCELLED), None) if answer is None else answer

    def SCardReleaseContext(self, hcontext: Any) -> int:
        self.calls.append(("SCardReleaseContext", (hcontext,)))  # not recorded: always answered 0
        return 0

    def SCardCancel(self, hcontext: Any) -> int:
        self.calls.append(("SCardCancel", (hcontext,)))
        return 0

    def SCardListReaders(self, hcontext: Any, groups: list[str]) -> tuple[int, list[str]]:
        answer = self._next("SCardListReaders", (hcontext,))
        return (signed(real.SCARD_E_CANCELLED), []) if answer is None else answer

    def SCardGetStatusChange(
        self, hcontext: Any, timeout: int, states: list[tuple[str, int]]
    ) -> tuple[int, list[tuple[str, int, list[int]]]]:
        answer = self._next("SCardGetStatusChange", (hcontext, timeout, tuple(states)))
        return (signed(real.SCARD_E_CANCELLED), []) if answer is None else answer


def run(monkeypatch: pytest.MonkeyPatch, os_name: str, steps: list[tuple[str, Any]]) -> tuple[list[Presence], Recorded]:
    recorded = Recorded(steps)
    monkeypatch.setattr(pyscard_reader, "scard", recorded)
    monkeypatch.setattr(pyscard_reader, "os_key", lambda: os_name)
    seen: list[Presence] = []
    watch = pyscard_reader.PcscWatch(None, seen.append)
    watch.retry_s = 0
    watch.poll_ms = 0
    recorded.stop = watch._stopping.set
    watch._watch()  # the thread's body, on this thread: it returns when the recording is used up
    assert not recorded.steps, f"recorded answers left: {recorded.steps}"
    return seen, recorded


def card(count: int) -> int:
    return PRESENT | CHANGED | count << 16


@pytest.mark.parametrize("dead", [SYSTEM_CANCELLED, ERROR_INVALID_HANDLE, ERROR_BROKEN_PIPE])
def test_windows_last_reader_unplugged_renews_the_context(monkeypatch: pytest.MonkeyPatch, dead: int) -> None:
    """The wait is cancelled for good: the context is released and a new one established (after the service comes
    back), never asked again in a loop."""
    seen, recorded = run(
        monkeypatch,
        "windows",
        [
            ("SCardEstablishContext", (0, "ctx1")),
            ("SCardListReaders", (0, ["Reader A"])),
            ("SCardGetStatusChange", (0, [("Reader A", card(1), ATR), (PNP, CHANGED | 0x10000, [])])),
            ("SCardListReaders", (0, ["Reader A"])),
            ("SCardGetStatusChange", (dead, [])),
            # the Smart Card service stopped with the last reader: plug one in
            ("SCardEstablishContext", (NO_SERVICE, None)),
            ("SCardEstablishContext", (0, "ctx2")),
            ("SCardListReaders", (NO_READERS, [])),
            ("SCardGetStatusChange", (0, [(PNP, CHANGED | 0x20000, [])])),
            ("SCardListReaders", (0, ["Reader A"])),
            ("SCardGetStatusChange", (0, [("Reader A", card(3), ATR), (PNP, 0x20000, [])])),
        ],
    )
    names = [name for name, _ in recorded.calls]
    assert names.count("SCardReleaseContext") >= 2  # ctx1 released after the dead wait, ctx2 at the end
    assert ("SCardReleaseContext", ("ctx1",)) in recorded.calls
    ctx1_calls = [args for name, args in recorded.calls if name != "SCardReleaseContext" and args[:1] == ("ctx1",)]
    assert len(ctx1_calls) == 4, "the dead context is never asked again"
    # said as Windows means it: the reader is gone (never "start the service"); then no reader, until one is back
    assert [p.state for p in seen] == ["card", "no_reader", "no_reader", "no_reader", "card"]
    assert seen[1].detail.startswith(("SCARD_E_SYSTEM_CANCELLED", "ERROR_", "SCARD_E_NO_SERVICE"))
    assert seen[-1].cards == (CardIdentity(reader="Reader A", atr="3B80800101", insertion=3),)


def test_windows_any_failure_to_list_readers_renews_the_context(monkeypatch: pytest.MonkeyPatch) -> None:
    seen, recorded = run(
        monkeypatch,
        "windows",
        [
            ("SCardEstablishContext", (0, "ctx1")),
            ("SCardListReaders", (ERROR_INVALID_HANDLE, [])),
            ("SCardEstablishContext", (0, "ctx2")),
            ("SCardListReaders", (0, ["Reader A"])),
            ("SCardGetStatusChange", (0, [("Reader A", EMPTY | CHANGED, []), (PNP, 0, [])])),
        ],
    )
    assert ("SCardReleaseContext", ("ctx1",)) in recorded.calls
    assert [p.state for p in seen] == ["no_reader", "no_card"]


def test_unknown_failures_of_a_wait_renew_the_context_after_a_few(monkeypatch: pytest.MonkeyPatch) -> None:
    """A code not known to mean a dead context (a reader gone mid-call) is tried again on the same context, but a
    few in a row mean it is not working: a new one."""
    steps: list[tuple[str, Any]] = [("SCardEstablishContext", (0, "ctx1"))]
    for _ in range(pyscard_reader.PcscWatch.MAX_ODD_FAILURES):
        steps += [("SCardListReaders", (0, ["Reader A"])), ("SCardGetStatusChange", (UNKNOWN_READER, []))]
    steps += [
        ("SCardEstablishContext", (0, "ctx2")),
        ("SCardListReaders", (0, ["Reader A"])),
        ("SCardGetStatusChange", (0, [("Reader A", card(1), ATR), (PNP, 0, [])])),
    ]
    seen, recorded = run(monkeypatch, "windows", steps)
    assert ("SCardReleaseContext", ("ctx1",)) in recorded.calls
    assert seen[-1].state == "card"


def test_macos_never_asks_for_pnp_and_bounds_every_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """No PnP pseudo reader on macOS: with no reader the watch lists the readers again after a pause; with one, each
    wait is bounded, then the readers are listed again (a reader plugged in meanwhile is found)."""
    seen, recorded = run(
        monkeypatch,
        "macos",
        [
            ("SCardEstablishContext", (0, "ctx1")),
            ("SCardListReaders", (NO_READERS, [])),
            ("SCardListReaders", (NO_READERS, [])),
            ("SCardListReaders", (0, ["Reader A"])),
            ("SCardGetStatusChange", (0, [("Reader A", EMPTY | CHANGED, [])])),
            ("SCardListReaders", (0, ["Reader A"])),
            ("SCardGetStatusChange", (TIMEOUT, [])),
            ("SCardListReaders", (0, ["Reader A", "Reader B"])),
            # Apple's layer: the high word stays 0 (no card event count)
            ("SCardGetStatusChange", (0, [("Reader A", EMPTY, []), ("Reader B", PRESENT | CHANGED, ATR)])),
        ],
    )
    waits = [args for name, args in recorded.calls if name == "SCardGetStatusChange"]
    assert all(PNP not in [reader for reader, _ in args[2]] for args in waits)
    assert all(args[1] == 0 for args in waits)  # poll_ms (0 here): bounded, never WAIT_MS or INFINITE
    assert [p.state for p in seen] == ["no_reader", "no_card", "card"]
    assert seen[-1].cards == (CardIdentity(reader="Reader B", atr="3B80800101", insertion=None),)


def test_macos_layer_answering_at_once_with_nothing_new_does_not_spin(monkeypatch: pytest.MonkeyPatch) -> None:
    sleeps: list[float] = []
    steps: list[tuple[str, Any]] = [("SCardEstablishContext", (0, "ctx1"))]
    for _ in range(3):
        steps += [
            ("SCardListReaders", (0, ["Reader A"])),
            ("SCardGetStatusChange", (0, [("Reader A", PRESENT, ATR)])),
        ]
    recorded = Recorded(steps)
    monkeypatch.setattr(pyscard_reader, "scard", recorded)
    monkeypatch.setattr(pyscard_reader, "os_key", lambda: "macos")
    watch = pyscard_reader.PcscWatch(None, lambda p: None)
    watch.retry_s = 0
    real_wait = watch._stopping.wait

    def wait(timeout: float | None = None) -> bool:
        sleeps.append(timeout or 0.0)
        return real_wait(0)

    monkeypatch.setattr(watch._stopping, "wait", wait)
    recorded.stop = watch._stopping.set
    watch._watch()
    # the first answer is news (nothing known yet), the two after it are not: each is followed by a pause
    assert sleeps[:2] == [pyscard_reader.POLL_MS / 1000] * 2


@pytest.mark.parametrize(
    ("code", "dead"),
    [
        (0x80100012, True),
        (SYSTEM_CANCELLED, True),
        (6, True),
        (0x6D, True),
        (NO_SERVICE, True),
        (signed(0x8010001E), True),
        (signed(0x80100003), True),
        (TIMEOUT, False),
        (UNKNOWN_READER, False),
        (signed(0x80100002), False),  # SCARD_E_CANCELLED: our own SCardCancel
    ],
)
def test_context_dead_is_decided_on_the_raw_code(code: int, dead: bool) -> None:
    assert context_dead(code) is dead


class SilentWatch:
    """A watch that never reports (a PC/SC layer that missed the event, or one whose context died)."""

    def close(self) -> None:
        self.closed = True


class ReaderPluggedInLater:
    """The backend's answers to "which card is there?" (no APDU): no reader ``absent`` times, then a card."""

    def __init__(self, absent: int) -> None:
        self.absent = absent
        self.asked = 0
        self.watch_made: SilentWatch | None = None

    def identity(self) -> CardIdentity:
        from aosign_plugin.domain.errors import CardUnavailableError

        self.asked += 1
        if self.asked <= self.absent:
            raise CardUnavailableError("no_reader", "")
        return CardIdentity(reader="Reader A", atr="3B80800101")

    def watch(self, on_change: Callable[[Presence], None]) -> SilentWatch:
        self.watch_made = SilentWatch()
        return self.watch_made


class InteractiveUI:
    lang = "en"
    interactive = True

    def __init__(self) -> None:
        self.notices: list[str] = []

    def notice(self, text: str) -> None:
        self.notices.append(text)


def test_waiting_for_a_card_asks_again_on_a_slow_tick_even_when_the_watch_is_silent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 27: the wait never depends on the watch alone (a Windows watch once never woke it again)."""
    from aosign_plugin.frontends import entries
    from hostapp_stub.api import Request

    monkeypatch.setattr(entries, "_WAKE_S", 0.01)
    monkeypatch.setattr(entries, "_PROBE_S", 0.02)
    backend = ReaderPluggedInLater(absent=3)
    ui = InteractiveUI()
    entries._wait_for_card(backend, Request(lang="en"), ui)  # type: ignore[arg-type]
    assert backend.asked == 4  # the first look, then two ticks with no reader, then the card
    assert backend.watch_made is not None and backend.watch_made.closed
    assert len(ui.notices) == 1  # "connect the reader" said once
