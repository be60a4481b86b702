"""The APDU layer on exact bytes, offline."""

from __future__ import annotations

import logging

import pytest

from aosign_plugin.apdu.iso7816 import (
    INS_VERIFY,
    LOG_LEVEL_TRAFFIC,
    ApduError,
    ApduProtocol,
    encode_command,
    format_command,
    sw_name,
)
from aosign_plugin.transport import SmartCardConnection


class ScriptedCard(SmartCardConnection):
    """A connection that answers from a script and records every command (copies, before they are wiped)."""

    def __init__(self, answers: list[tuple[bytes, int]]) -> None:
        self.answers = list(answers)
        self.sent: list[bytes] = []
        self.buffers: list[bytearray] = []

    def send_and_receive(self, apdu: bytes | bytearray) -> tuple[bytes, int]:
        self.sent.append(bytes(apdu))
        if isinstance(apdu, bytearray):
            self.buffers.append(apdu)
        return self.answers.pop(0)

    def close(self) -> None:
        pass


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((0x00, 0x20, 0x00, 0x81), "00200081"),
        ((0x00, 0xA4, 0x04, 0x00, bytes.fromhex("A0000006474F5349474E")), "00a404000aa0000006474f5349474e"),
        ((0x80, 0xCA, 0x00, 0x6E, b"", 256), "80ca006e00"),
        ((0x00, 0xB0, 0x00, 0x00, b"", 16), "00b0000010"),
        ((0x00, 0x24, 0x00, 0x81, b"\x31" * 4 + b"\xff" * 12), "0024008110" + "31" * 4 + "ff" * 12),
    ],
)
def test_encode(args: tuple, expected: str) -> None:  # type: ignore[type-arg]
    assert encode_command(*args).hex() == expected


def test_encode_rejects() -> None:
    with pytest.raises(ValueError):
        encode_command(0x100, 0, 0, 0)
    with pytest.raises(ValueError):
        encode_command(0, 0, 0, 0, b"x" * 256)
    with pytest.raises(ValueError):
        encode_command(0, 0, 0, 0, b"", 0)


def test_sw_names() -> None:
    assert sw_name(0x6983) == "SW=0x6983 (AUTH_METHOD_BLOCKED)"
    assert sw_name(0x63C3) == "SW=0x63C3 (VERIFY_FAIL_3_LEFT)"
    assert sw_name(0x6A88) == "SW=0x6A88 (REFERENCE_DATA_NOT_FOUND)"
    assert sw_name(0x6123) == "SW=0x6123 (MORE_DATA)"
    assert sw_name(0x6F42) == "SW=0x6F42 (UNKNOWN)"
    assert str(ApduError(b"", 0x6983)) == "APDU error: SW=0x6983 (AUTH_METHOD_BLOCKED)"


def test_format_command_redacts_pin_commands() -> None:
    pin = b"5RtQ9x" + b"\xff" * 10
    for ins in (0x20, 0x24, 0x2C):
        shown = format_command(encode_command(0, ins, 0, 0x81, pin))
        assert "5254" not in shown and pin.hex() not in shown
        assert "16 bytes redacted" in shown
    assert format_command(encode_command(0, 0xA4, 4, 0, b"\xa0\x00\x00\x06\x47")) == "00a4040005a000000647"


def test_send_ok_and_error() -> None:
    card = ScriptedCard([(b"\x01\x02", 0x9000), (b"", 0x6A82)])
    proto = ApduProtocol(card)
    assert proto.send_apdu(0, 0xCA, 0, 0, le=256) == b"\x01\x02"
    with pytest.raises(ApduError) as e:
        proto.send_apdu(0, 0xA4, 4, 0, b"\xa0\x00\x00\x06\x47")
    assert e.value.sw == 0x6A82


def test_get_response_chain() -> None:
    card = ScriptedCard([(b"ab", 0x6102), (b"cd", 0x6101), (b"e", 0x9000)])
    assert ApduProtocol(card).send_apdu(0, 0xCA, 0, 0, le=256) == b"abcde"
    assert [s[1] for s in card.sent] == [0xCA, 0xC0, 0xC0]
    assert card.sent[1] == bytes.fromhex("00c0000002")


def test_get_response_bounded() -> None:
    card = ScriptedCard([(b"", 0x6101)] * 40)
    with pytest.raises(ApduError):
        ApduProtocol(card).send_apdu(0, 0xCA, 0, 0, le=256)
    assert len(card.sent) <= 17


def test_wrong_le_resent_only_without_secret() -> None:
    card = ScriptedCard([(b"", 0x6C05), (b"hello", 0x9000)])
    assert ApduProtocol(card).send_apdu(0, 0xCA, 0, 0, le=256) == b"hello"
    assert card.sent[1][-1] == 5
    card = ScriptedCard([(b"", 0x6C05), (b"", 0x9000)])
    with pytest.raises(ApduError):
        ApduProtocol(card).send_apdu(0, INS_VERIFY, 0, 0x81, b"1234", le=256)
    assert len(card.sent) == 1  # never sent twice


def test_secret_command_buffer_wiped_and_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    card = ScriptedCard([(b"", 0x63C9)])
    caplog.set_level(LOG_LEVEL_TRAFFIC)
    with pytest.raises(ApduError):
        ApduProtocol(card).send_apdu(0, INS_VERIFY, 0, 0x81, b"Zq81mK" + b"\xff" * 10)
    assert card.buffers and all(len(b) == 0 for b in card.buffers)
    assert b"Zq81mK".hex() not in caplog.text and "Zq81mK" not in caplog.text
    assert "redacted" in caplog.text
    caplog.clear()
    logging.getLogger("aosign_plugin.apdu.iso7816").setLevel(logging.NOTSET)


@pytest.mark.parametrize("sw", [0x9000, 0x6985, 0x6A88, 0x6982, 0x6A86, 0x6986, 0x6A80, 0x6F00])
def test_unblock_tries_unknown_when_the_card_cannot_tell(sw: int) -> None:
    """Issue 33: only 63Cx and 6983 tell the code's count; any other answer (9000 too) leaves it unknown."""
    from aosign_plugin.config.dialect import CardDialect
    from aosign_plugin.domain.card_status import UnknownReason
    from aosign_plugin.session.pin_session import PinSession

    card = ScriptedCard([(b"", 0x9000), (b"", 0x63C7), (b"", sw)])
    session = PinSession(ApduProtocol(card), CardDialect())
    assert session.pin_counter().tries_left == 7
    unblock = session.unblock_counter()
    assert unblock.tries_left is None and not unblock.blocked and unblock.may_be_last
    assert unblock.unknown_reason is UnknownReason.CARD_DOES_NOT_TELL
    assert unblock.to_json()["reason"] == "card_does_not_tell"
    assert len(card.sent) == 3  # read once, nothing else sent


@pytest.mark.parametrize(("sw", "left", "blocked"), [(0x63C3, 3, False), (0x63C1, 1, False), (0x6983, 0, True)])
def test_unblock_tries_told_only_by_63cx_and_6983(sw: int, left: int, blocked: bool) -> None:
    from aosign_plugin.config.dialect import CardDialect
    from aosign_plugin.session.pin_session import PinSession

    card = ScriptedCard([(b"", 0x9000), (b"", sw)])
    unblock = PinSession(ApduProtocol(card), CardDialect()).unblock_counter()
    assert (unblock.tries_left, unblock.blocked, unblock.unknown_reason) == (left, blocked, None)
