"""The simulated card keeps a proven PIN verified, as real cards do, until it is reset: what item 5 of issue 19 is
about (a card left verified for the next application). The reset arrives as vpcd's control byte 2."""

from __future__ import annotations

import pytest

from aosign_plugin.config.dialect import CardDialect, ChangeStyle
from aosign_plugin.simcard.store import QUICK_KDF, MemoryStore, new_card_state
from aosign_plugin.simcard.vpcd_server import VpcdControl, VpcdServer

PIN = b"12345678"
CODE = b"ABCDEFGH1234"
NEW = b"Hk47vQ2w"


def pad(value: bytes) -> bytes:
    return value + b"\xff" * (16 - len(value))


SELECT = bytes.fromhex("00A404000A") + CardDialect().aid  # type: ignore[operator]
TRIES = bytes.fromhex("00200081")


def served(dialect: CardDialect = CardDialect()) -> VpcdServer:  # noqa: B008
    server = VpcdServer(MemoryStore(new_card_state(PIN, CODE, dialect=dialect, kdf=QUICK_KDF)))  # type: ignore[arg-type]
    assert server._handle(bytearray([VpcdControl.POWER_ON])) is None
    return server


def sw(server: VpcdServer, apdu: bytes) -> str:
    answer = server._handle(bytearray(apdu))
    assert answer is not None
    return answer[-2:].hex().upper()


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(bytes.fromhex("0020008110") + pad(PIN), id="verify"),
        pytest.param(bytes.fromhex("0024008120") + pad(PIN) + pad(NEW), id="change"),
    ],
)
@pytest.mark.parametrize("control", [VpcdControl.RESET, VpcdControl.POWER_OFF])
def test_a_proven_pin_stays_verified_until_reset(command: bytes, control: VpcdControl) -> None:
    server = served()
    assert sw(server, SELECT) == "9000"
    assert sw(server, TRIES) == "63CA"
    assert sw(server, command) == "9000"
    assert sw(server, TRIES) == "9000"  # verified: the next application would find it so
    server._handle(bytearray([control]))
    if control is VpcdControl.POWER_OFF:
        server._handle(bytearray([VpcdControl.POWER_ON]))
    assert sw(server, SELECT) == "9000"
    assert sw(server, TRIES) == "63CA"


def test_verify_then_set_leaves_it_verified_too() -> None:
    server = served(CardDialect(change=ChangeStyle.VERIFY_THEN_SET))
    assert sw(server, SELECT) == "9000"
    assert sw(server, bytes.fromhex("0020008110") + pad(PIN)) == "9000"
    assert sw(server, bytes.fromhex("0024018110") + pad(NEW)) == "9000"
    assert sw(server, TRIES) == "9000"
    server._handle(bytearray([VpcdControl.RESET]))
    assert sw(server, SELECT) == "9000"
    assert sw(server, TRIES) == "63CA"
