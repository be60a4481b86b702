"""aosign-plugin: PIN change, unlock and status for the AOSign IC card, as a plugin of a pluggy host.

The layers, one folder each, lowest first:

- :mod:`.transport`: a connection to a card (pyscard, or the in-process simulated card)
- :mod:`.apdu`: command bytes and status words
- :mod:`.session`: the card's PIN verbs in its dialect
- :mod:`.backends`: how the service reaches a card (PC/SC or the simulated card over APDUs; :mod:`.pkcs11` through
  the vendor's module)
- :mod:`.service`: the use cases (state first, the policy, consent, one try, audit), returning typed outcomes
- :mod:`.frontends`: the host's hooks and terminal texts, the Qt dialogs, the pyHanko signer

Beside them: :mod:`.domain` (counters, states, errors, secrets: what every layer speaks), :mod:`.catalogs` (the
Japanese and English texts) and :mod:`.simcard` (the simulated card: test equipment and the built-in default).
Nothing is imported here: a command loads only what it uses.
"""

from __future__ import annotations

__all__: list[str] = []
