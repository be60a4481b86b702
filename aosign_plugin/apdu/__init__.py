"""Floor 5, APDUs: command bytes, ISO 7816-4 status words and one ``send_apdu`` that raises on anything but 9000
(:mod:`.iso7816`). Sits on a :mod:`aosign_plugin.transport` connection."""

from __future__ import annotations

__all__: list[str] = []
