"""PC/SC return codes → the user's reason, with the codes WinSCard and pcsc-lite return (recorded values).

The mapping is the code :mod:`aosign_plugin.transport.pyscard_reader` runs for every failed call; the numbers below
are the documented return values (winerror.h / pcsclite.h), as pyscard hands them over: unsigned on Linux, and as a
signed LONG where WinSCard's LONG comes through negative.
"""

from __future__ import annotations

import pytest

from aosign_plugin import catalogs
from aosign_plugin.transport.pcsc_codes import CODE_NAMES, Stage, classify, describe

SCARD_E_NO_SERVICE = 0x8010001D
SCARD_E_SERVICE_STOPPED = 0x8010001E
SCARD_E_SHARING_VIOLATION = 0x8010000B
SCARD_W_RESET_CARD = 0x80100068
SCARD_W_REMOVED_CARD = 0x80100069
SCARD_E_NO_SMARTCARD = 0x8010000C
SCARD_E_NO_READERS_AVAILABLE = 0x8010002E
SCARD_E_TIMEOUT = 0x8010000A
SCARD_W_UNRESPONSIVE_CARD = 0x80100066


def signed(code: int) -> int:
    """The same 32 bits as a signed LONG."""
    return code - (1 << 32) if code & 0x80000000 else code


@pytest.mark.parametrize("stage", [Stage.CONTEXT, Stage.READERS])
def test_no_service_on_windows_means_connect_the_reader(stage: Stage) -> None:
    # the Smart Card service stops with the last reader unplugged: the user must plug one in, not start a service
    assert classify(SCARD_E_NO_SERVICE, stage, "windows") == "no_reader"
    assert classify(signed(SCARD_E_NO_SERVICE), stage, "windows") == "no_reader"
    assert classify(SCARD_E_SERVICE_STOPPED, stage, "windows") == "no_reader"


@pytest.mark.parametrize("os_key", ["linux", "macos"])
def test_no_service_elsewhere_means_the_service(os_key: str) -> None:
    assert classify(SCARD_E_NO_SERVICE, Stage.CONTEXT, os_key) == "no_service"
    assert classify(SCARD_E_NO_SERVICE, Stage.READERS, os_key) == "no_service"


@pytest.mark.parametrize("os_key", ["linux", "macos", "windows"])
def test_service_gone_during_the_operation_is_card_gone(os_key: str) -> None:
    assert classify(SCARD_E_SERVICE_STOPPED, Stage.TRANSMIT, os_key) == "card_gone"
    assert classify(SCARD_E_NO_SERVICE, Stage.CONNECT, os_key) == "card_gone"


@pytest.mark.parametrize("stage", [Stage.CONNECT, Stage.TRANSACTION, Stage.TRANSMIT])
@pytest.mark.parametrize("os_key", ["linux", "macos", "windows"])
def test_sharing_violation_and_reset_are_not_card_removed(stage: Stage, os_key: str) -> None:
    assert classify(SCARD_E_SHARING_VIOLATION, stage, os_key) == "card_in_use"
    assert classify(signed(SCARD_E_SHARING_VIOLATION), stage, os_key) == "card_in_use"
    assert classify(SCARD_W_RESET_CARD, stage, os_key) == "card_reset"
    assert classify(SCARD_W_REMOVED_CARD, Stage.TRANSMIT, os_key) == "card_gone"


def test_connect_without_a_card_and_readers_without_any() -> None:
    assert classify(SCARD_W_REMOVED_CARD, Stage.CONNECT, "windows") == "no_card"
    assert classify(SCARD_E_NO_SMARTCARD, Stage.CONNECT, "linux") == "no_card"
    assert classify(SCARD_E_NO_READERS_AVAILABLE, Stage.READERS, "windows") == "no_reader"
    assert classify(SCARD_E_TIMEOUT, Stage.READERS, "linux") == "no_reader"
    assert classify(SCARD_W_UNRESPONSIVE_CARD, Stage.TRANSMIT, "macos") == "card_gone"


def test_describe_is_our_own_text_never_the_library_message() -> None:
    assert describe(SCARD_E_SHARING_VIOLATION) == "SCARD_E_SHARING_VIOLATION (0x8010000B)"
    assert describe(signed(SCARD_E_NO_SERVICE)) == "SCARD_E_NO_SERVICE (0x8010001D)"
    assert describe(0x80100099) == "PC/SC error (0x80100099)"
    assert describe(0x6D) == "ERROR_BROKEN_PIPE (0x0000006D)"


def test_names_match_pyscard_constants() -> None:
    from smartcard import scard

    for code, name in CODE_NAMES.items():
        if name.startswith("SCARD_") and hasattr(scard, name):
            assert getattr(scard, name) & 0xFFFFFFFF == code, name


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_reason_has_a_text(lang: str) -> None:
    reasons = {
        classify(code, stage, os_key)
        for code in [*CODE_NAMES, 0x80100099]
        for stage in Stage
        for os_key in ("linux", "macos", "windows")
    }
    assert reasons == {"no_service", "no_reader", "no_card", "card_in_use", "card_reset", "card_gone"}
    for reason in reasons:
        assert catalogs.text(f"unavailable.{reason}", lang, detail="x")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_window_says_card_reset_without_a_command(lang: str) -> None:
    from aosign_plugin.frontends.gui.window_wording import window_lines

    detail = "Virtual PCD 00 01: SCARD_W_RESET_CARD (0x80100068)"
    cli = catalogs.text("unavailable.card_reset", lang, detail=detail)
    assert "aosign-host" in cli
    [shown] = window_lines([cli], lang, detail=detail)
    assert shown == catalogs.text("gui.unavailable.card_reset", lang, detail=detail)
    assert "aosign-host" not in shown and detail in shown


@pytest.mark.parametrize("code", [0x80100012, signed(0x80100012), 6, 0x6D])
def test_windows_dead_context_while_listing_means_plug_the_reader(code: int) -> None:
    # issue 27: the last reader unplugged cancels the wait and stops the service under the context
    assert classify(code, Stage.READERS, "windows") == "no_reader"
    assert classify(code, Stage.READERS, "linux") == "no_service"
