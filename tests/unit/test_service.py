"""The service's decisions that need a backend the test controls: a PIN-pad token asks nothing and sends the
operation once; a counter that dropped since it was shown stops the operation before anything is sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from aosign_plugin.backends.sim_backend import SimBackend
from aosign_plugin.domain.card_status import CardStatus, Counter
from aosign_plugin.domain.errors import CardStateChangedError
from aosign_plugin.domain.secret import Secret
from aosign_plugin.service.pin_service import PinService
from aosign_plugin.service.policy import PolicySettings
from aosign_plugin.service.settings import Settings
from tests.support.cards import SHEET_PIN, issue_card


class PinPadBackend:
    """A backend that reports a protected authentication path and records what the service asks of it."""

    name = "pkcs11"
    protected_path = True

    def __init__(self) -> None:
        self.calls: list[tuple[str, object, object]] = []

    def status(self) -> CardStatus:
        return CardStatus("pkcs11", "PIN pad reader", Counter(None), Counter(None))

    def change_pin(self, old: Secret | None, new: Secret | None, *, seen: Counter) -> None:
        self.calls.append(("change", old, new))

    def unblock_pin(self, code: Secret | None, new: Secret | None, *, seen: Counter) -> None:
        self.calls.append(("unblock", code, new))


class NoAsking:
    lang = "en"
    interactive = True

    def __init__(self) -> None:
        self.notices: list[str] = []

    def notice(self, text: str) -> None:
        self.notices.append(text)

    def ask_secret(self, label: str, *, echo: bool = False) -> bytearray:
        raise AssertionError("a PIN was asked on a PIN-pad reader")

    def confirm(self, question: str) -> bool:
        return True


def test_pin_pad_asks_nothing() -> None:
    backend = PinPadBackend()
    ui = NoAsking()
    service = PinService(backend, PolicySettings())
    service.change_pin(ui)
    service.unlock(ui)
    assert backend.calls == [("change", None, None), ("unblock", None, None)]
    assert sum("PIN pad" in n for n in ui.notices) == 2


def test_counter_dropped_since_shown_sends_nothing(tmp_path: Path) -> None:
    state = tmp_path / "card.json"
    issue_card(state)
    backend = SimBackend(Settings(sim_state=state))
    shown = backend.status().pin  # 10 tries, as the user was told
    # meanwhile another application spends a try
    with pytest.raises(Exception):  # noqa: B017 (the wrong PIN's own error)
        backend.change_pin(Secret.from_ascii("Wrong123"), Secret.from_ascii("Hk47vQ2w"), seen=shown)
    with pytest.raises(CardStateChangedError):
        backend.change_pin(Secret.from_ascii(SHEET_PIN), Secret.from_ascii("Hk47vQ2w"), seen=shown)
    assert backend.status().pin.tries_left == 9  # the guarded attempt cost nothing
