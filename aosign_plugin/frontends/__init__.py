"""Floor 9, the front ends: they only ask and render. The host's hooks (:mod:`.hooks`) with the terminal's texts
(:mod:`.terminal_view`), the PIN dialogs of the host's window (:mod:`.gui`) and the pyHanko signer
(:mod:`.pyhanko_signer`)."""

from __future__ import annotations

__all__: list[str] = []
