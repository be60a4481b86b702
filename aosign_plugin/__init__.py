"""aosign-plugin: PIN change, unlock and status for the AOSign IC card, as a plugin of a pluggy host.

Layers, each in its own module: :mod:`.transport` (a card connection) → :mod:`.apdu` (bytes and status words) →
:mod:`.session` (the card's PIN verbs in its :mod:`.dialect`) → :mod:`.backends` (PC/SC, PKCS#11, the simulated
card) → :mod:`.service` (state first, the :mod:`.policy`, one try) → :mod:`.hooks` (thin) → the host's UI.
Nothing is imported here: a command loads only what it uses.
"""

from __future__ import annotations

__all__: list[str] = []
