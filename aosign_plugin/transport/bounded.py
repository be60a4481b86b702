"""A call that may block on another program (a PC/SC connect or transaction, a PKCS#11 module waiting for the card),
run with a time limit and interruptible by Ctrl-C.

pcsc-lite's ``SCardConnect`` waits (in the daemon) while another context holds a transaction, and its
``SCardBeginTransaction`` polls (in the client library) until the other lets go; neither takes a timeout and
``SCardCancel`` ends only ``SCardGetStatusChange``. A PKCS#11 module over PC/SC (OpenSC with ``lock_login``) blocks
inside the same calls. So the call runs in a worker thread and the caller waits for it in short slices (on every OS a
slice ends for Python to see a pending Ctrl-C). When the limit passes, or the user presses Ctrl-C, the caller gives up:
the call is left to finish in its thread, and whatever it got then is handed to ``abandon`` (disconnect, end the
transaction, release the context), so nothing is held and nothing is sent after the caller gave up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["BusyError", "bounded_call"]

T = TypeVar("T")

#: how often the waiting caller wakes (a pending Ctrl-C is seen at the latest then)
_SLICE_S = 0.05


class BusyError(Exception):
    """The call did not return within its limit: another program holds what it waits for. Its result, when it
    comes, goes to ``abandon``."""

    def __init__(self, waited: float) -> None:
        super().__init__(f"waited {waited:g} s")
        self.waited = waited


class _Pending(Generic[T]):
    def __init__(self, call: Callable[[], T], abandon: Callable[[T], None]) -> None:
        import threading

        self._call = call
        self._abandon = abandon
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._given_up = False
        self._result: T | None = None
        self._error: BaseException | None = None

    def run(self) -> None:
        try:
            result = self._call()
        except BaseException as e:  # handed to the caller, or dropped with the abandoned call
            with self._lock:
                self._error = e
                self._done.set()
            return
        with self._lock:
            if not self._given_up:
                self._result = result
                self._done.set()
                return
        self._release(result)

    def _release(self, result: T) -> None:
        import contextlib

        with contextlib.suppress(Exception):  # the caller is gone: a failed clean-up has no one to tell
            self._abandon(result)

    def give_up(self) -> tuple[bool, T | None]:
        """Stop waiting; ``(True, result)`` when the call had finished meanwhile (the caller then owns it)."""
        with self._lock:
            if self._done.is_set():
                return True, self._result
            self._given_up = True
            return False, None

    def outcome(self) -> T:
        if self._error is not None:
            raise self._error
        return self._result  # type: ignore[return-value]


def bounded_call(call: Callable[[], T], limit: float, abandon: Callable[[T], None], *, name: str = "aosign-busy") -> T:
    """``call()``'s result, if it returns within ``limit`` seconds.

    :param abandon: takes the result of a call that returned after the caller gave up (frees what it holds); called
        on the worker thread.
    :raises BusyError: the limit passed first.
    :raises KeyboardInterrupt: Ctrl-C while waiting (the call is abandoned as on the limit).
    :raises BaseException: what ``call`` raised.
    """
    import threading
    import time

    pending: _Pending[T] = _Pending(call, abandon)
    worker = threading.Thread(target=pending.run, name=name, daemon=True)
    worker.start()
    deadline = time.monotonic() + max(limit, _SLICE_S)  # 0: no more than one short look
    try:
        while not pending._done.wait(min(_SLICE_S, max(0.0, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                finished, result = pending.give_up()
                if finished:
                    return pending.outcome()
                raise BusyError(limit)
    except KeyboardInterrupt:
        finished, result = pending.give_up()
        if finished and pending._error is None:
            pending._release(result)  # type: ignore[arg-type]
        raise
    return pending.outcome()
