"""The simulated AOSign card: test equipment and the product's built-in default backend ("sim").

- :mod:`.card`: the card's rules over raw APDUs (:class:`~.card.SimCard`), its ATR.
- :mod:`.store`: the state file (hashes and counters only), atomic writes, the cross-process lock.
- :mod:`.apdu_log`: the card's own APDU log, with secrets as salted digests only.
- :mod:`.vpcd_server`: the card served to vsmartcard's vpcd, so pcscd sees it in a virtual reader.
- :mod:`.certificate`: its key pair, certificate and test CA; :mod:`.pkcs15_files`: its files for OpenSC.
- :mod:`.cli`: ``aosign-sim issue|add-certificate|serve|show``.

Nothing is imported here, so ``aosign-sim`` and the in-process backend load only what they use.
"""

from __future__ import annotations

__all__: list[str] = []
