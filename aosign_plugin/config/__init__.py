"""Floor 3, the plugin's settings: one frozen record per manifest table, parsed and checked without file I/O
(:mod:`.settings`), the card's APDU dialect (:mod:`.dialect`), RFC 7512 token URIs (:mod:`.token_uri`) and the rules
a PKCS#11 module's path must pass before it is loaded (:mod:`.module_rules`)."""

from __future__ import annotations

__all__: list[str] = []
