"""Floor 2, the PIN policy: pure rules over plain values (:mod:`.rules`, the one validator for every backend and
front end) and the guessable patterns they refuse (:mod:`.guessable`). No card, no prompt, no I/O."""

from __future__ import annotations

__all__: list[str] = []
