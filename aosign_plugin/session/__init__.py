"""Floor 6, the card session: the card's PIN verbs (:mod:`.pin_session`) in its APDU dialect
(:mod:`aosign_plugin.config.dialect`) and its certificates through PKCS#15 (:mod:`.pkcs15_reader`).
Status words become the typed errors of :mod:`aosign_plugin.domain.errors`."""

from __future__ import annotations

__all__: list[str] = []
