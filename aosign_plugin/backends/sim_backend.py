"""The embedded default: the simulated AOSign card, in process, speaking the same APDUs as a real one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from aosign_plugin.backends.apdu_backend import ApduBackend
from aosign_plugin.config.settings import Settings
from aosign_plugin.transport import SmartCardConnection

if TYPE_CHECKING:
    from aosign_plugin.domain.card_status import CardIdentity
    from aosign_plugin.transport.presence import Presence, PresenceWatch

__all__ = ["SimBackend"]


class SimBackend(ApduBackend):
    """The simulated card whose state file the manifest's ``[sim] state`` names (else the user's data dir)."""

    name = "sim"

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            settings.dialect,
            certificate_paths=settings.certificate_paths,
            expiry_warn_days=settings.expiry_warn_days,
        )
        if settings.sim_state is not None:
            self.state_path = settings.sim_state
        else:
            from aosign_plugin.config.platforms import default_sim_state

            self.state_path = default_sim_state()
        self.log_path: Path | None = settings.sim_log

    def connect(self) -> SmartCardConnection:
        from aosign_plugin.backends.sim_link import SimConnection

        return SimConnection(self.state_path, log_path=self.log_path)

    def _probe(self) -> CardIdentity:
        from aosign_plugin.backends.sim_link import sim_identity

        return sim_identity(self.state_path)

    def watch(self, on_change: Callable[[Presence], None]) -> PresenceWatch:
        from aosign_plugin.backends.sim_link import SimWatch

        return SimWatch(self.state_path, on_change).start()
