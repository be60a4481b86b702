"""Floor 1, the domain model every layer speaks: the card's counters and states (:mod:`.card_status`), the typed errors
(:mod:`.errors`), the wipeable secret (:mod:`.secret`) and the logger factory (:mod:`.logs`). No I/O here."""

from __future__ import annotations

__all__: list[str] = []
