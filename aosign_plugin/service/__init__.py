"""Floor 8, the application: the PIN use cases guarded by the card's state and the policy (:mod:`.pin_service`),
their typed outcomes (:mod:`.outcomes`) and the audit log (:mod:`.audit`). A library: it decides and returns typed
outcomes; it builds no user text."""

from __future__ import annotations

__all__: list[str] = []
