"""A PIN or unblocking code held in a bytearray that is wiped after use.

A :class:`Secret` never shows its value: not in ``repr``, ``str``, f-strings, logs or exception texts. It is not
hashable and compares in constant time. Use it as a context manager, or call :meth:`Secret.wipe`, so the bytes are
overwritten with zeros as soon as the operation is done.
"""

from __future__ import annotations

__all__ = ["Secret", "wipe_bytearray"]


class Secret:
    """Bytes that must not leak; see the module docstring."""

    __slots__ = ("_buf",)

    def __init__(self, buf: bytearray) -> None:
        """Take ownership of ``buf`` (not a copy): the caller must not keep using it.

        :param buf: the secret's ASCII bytes, as typed.
        """
        if not isinstance(buf, bytearray):
            raise TypeError("Secret takes a bytearray")
        self._buf = buf

    @classmethod
    def from_ascii(cls, text: str) -> Secret:
        """Build a secret from a ``str`` (tests and the simulated card's issuing only: a str cannot be wiped).

        Characters outside ASCII are kept as their UTF-8 bytes so that the policy can still name them.
        """
        return cls(bytearray(text.encode("utf-8")))

    def __len__(self) -> int:
        return len(self._buf)

    def __repr__(self) -> str:
        return "Secret(***)"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        import hmac  # here: OpenSSL's hashlib costs ~7 ms of a start that compares no PIN

        return hmac.compare_digest(self._buf, other._buf)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret cannot be pickled")

    @property
    def wiped(self) -> bool:
        """True once :meth:`wipe` ran (the buffer is then empty)."""
        return len(self._buf) == 0

    def view(self) -> memoryview:
        """A read-only view of the bytes, for the layers that must send them (APDU building, hashing)."""
        return memoryview(self._buf).toreadonly()

    def copy(self) -> Secret:
        """An independent copy that must be wiped on its own."""
        return Secret(bytearray(self._buf))

    def wipe(self) -> None:
        """Overwrite the bytes with zeros and empty the buffer; idempotent."""
        for i in range(len(self._buf)):
            self._buf[i] = 0
        del self._buf[:]

    def __enter__(self) -> Secret:
        return self

    def __exit__(self, *exc: object) -> None:
        self.wipe()


def wipe_bytearray(buf: bytearray) -> None:
    """Zero and empty a scratch buffer that held secret bytes (an APDU, a padded field)."""
    for i in range(len(buf)):
        buf[i] = 0
    del buf[:]
