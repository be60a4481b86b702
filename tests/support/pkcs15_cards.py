"""A simulated card whose files a test lays out (PKCS#15 directories, damaged or odd), for the certificate reader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from aosign_plugin.apdu.iso7816 import ApduProtocol
from aosign_plugin.domain.certificates import RawCertificate, UnreadableCertificate
from aosign_plugin.session.pkcs15_reader import Pkcs15Reader
from aosign_plugin.simcard.card import SimCard
from aosign_plugin.simcard.pkcs15_files import (
    APP_FID,
    DIR_FID,
    MF_FID,
    ODF_FID,
    PKCS15_AID,
    TOKENINFO_FID,
    CardFile,
    der,
)
from aosign_plugin.simcard.pkcs15_files import FileSystem as Fs
from aosign_plugin.simcard.store import QUICK_KDF, MemoryStore, SimCardState, new_card_state
from aosign_plugin.transport import SmartCardConnection

__all__ = ["APP", "Fs", "LaidOutCard", "Link", "cdf_entry", "layout", "path", "read"]

NOW = dt.datetime.now(dt.UTC)
APP = (MF_FID, APP_FID)


class LaidOutCard(SimCard):
    """The simulated card with the files a test lays out instead of its own."""

    def __init__(self, fs: Fs) -> None:
        super().__init__(MemoryStore(new_card_state(b"31415926", b"31415926", kdf=QUICK_KDF)))
        self.fs = fs
        self.commands: list[bytes] = []

    def files(self, state: SimCardState) -> Fs:
        return self.fs

    def transmit(self, apdu: bytes | bytearray) -> bytes:
        self.commands.append(bytes(apdu))
        return super().transmit(apdu)


class Link(SmartCardConnection):
    def __init__(self, card: SimCard) -> None:
        self.card = card

    def send_and_receive(self, apdu: bytes | bytearray) -> tuple[bytes, int]:
        resp = self.card.transmit(apdu)
        return resp[:-2], resp[-2] << 8 | resp[-1]

    def close(self) -> None:
        pass


def path(*fids: int, index: int | None = None, length: int | None = None) -> bytes:
    parts = [der(0x04, b"".join(f.to_bytes(2, "big") for f in fids))]
    if index is not None:
        parts.append(der(0x02, index.to_bytes(2, "big")))
    if length is not None:
        parts.append(der(0x80, length.to_bytes(2, "big")))
    return der(0x30, *parts)


def cdf_entry(label: str, key_id: bytes, value: bytes) -> bytes:
    return der(
        0x30,
        der(0x30, der(0x0C, label.encode())),
        der(0x30, der(0x04, key_id)),
        der(0xA1, der(0x30, value)),
    )


def layout(
    cdf: bytes | None, files: dict[int, bytes], *, ef_dir: bool = True, serial: bytes = b"\x48\x21\x09\x37"
) -> Fs:
    children = [CardFile(path=(*APP, TOKENINFO_FID), data=der(0x30, der(0x02, b"\x00"), der(0x04, serial)))]
    if cdf is not None:
        children.append(CardFile(path=(*APP, 0x4403), data=cdf))
        odf = der(0xA4, path(MF_FID, APP_FID, 0x4403))
    else:
        odf = der(0xA8, path(MF_FID, APP_FID, 0x4401))
    children.append(CardFile(path=(*APP, ODF_FID), data=odf))
    children += [CardFile(path=(*APP, fid), data=data) for fid, data in files.items()]
    app = CardFile(path=APP, name=PKCS15_AID, children=tuple(children))
    top: list[CardFile] = [app]
    if ef_dir:
        record = der(0x61, der(0x4F, PKCS15_AID), der(0x51, bytes.fromhex("3F005015")))
        top.insert(0, CardFile(path=(MF_FID, DIR_FID), data=record))
    return Fs(CardFile(path=(MF_FID,), children=tuple(top)))


def read(fs: Fs) -> tuple[LaidOutCard, Pkcs15Reader, Sequence[RawCertificate | UnreadableCertificate], str | None]:
    card = LaidOutCard(fs)
    card.power_on()
    reader = Pkcs15Reader(ApduProtocol(Link(card)))
    reading = reader.read()
    return card, reader, reading.certificates, reading.serial
