"""OpenSC's PKCS#11 module over the simulated card in vpcd's second reader: where it is and how it is configured."""

from __future__ import annotations

from tests.support.realparts import reader_name

__all__ = ["MODULE", "OPENSC_CONF", "PORT", "READER"]

MODULE = "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so"
PORT = 35964
READER = reader_name(PORT)  # "Virtual PCD 00 01"

#: the OpenSC configuration the tests use (written to a temp dir, named by ``OPENSC_CONF``)
OPENSC_CONF = """\
app default {
    # OpenSC's generic ISO 7816 / PKCS#15 driver for a card no specific driver knows, and only it: no other
    # driver probes the card (with the full internal list ~50 probing SELECT / GET DATA reach it, no PIN command)
    enable_default_driver = yes;
    card_drivers = default;
    framework pkcs15 {
        use_file_caching = no;
        # the PIN is never kept by the module to be presented again
        use_pin_caching = no;
    }
    pkcs11 {
        # C_Login(CKU_SO, code) then C_InitPIN(new) = RESET RETRY COUNTER with code || new (the card has no SO
        # PIN: the code is presented only inside RESET RETRY COUNTER)
        user_pin_unblock_style = init_pin_in_so_session;
    }
}
"""
