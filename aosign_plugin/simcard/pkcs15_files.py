"""The simulated card's file system: an MF with EF.DIR and a PKCS#15 application that describes the card's PIN.

With it the card is a token that a generic PKCS#15 reader (OpenSC's default driver and its PKCS#11 module) can
find and use::

    MF 3F00
    ├── EF.DIR 2F00        one record: the PKCS#15 application, its AID and its path 3F00 5015
    └── DF 5015            DF name E8 28 BD 08 0F A0 00 00 01 67 45 53 49 47 4E (the PKCS#15 application)
        ├── EF.ODF 5031    where the AODF is
        ├── EF.TokenInfo 5032  label "AOSign", the card's serial, manufacturer "AOSign (simulated)"
        ├── EF.AODF 4401   the user PIN (pin_ref) and its unblocking PIN (unblock_ref)
        ├── EF.CDF 4403    one X.509 certificate entry per certificate the card holds (only when it holds some)
        └── EF 4331, 4332… each certificate's DER

The AODF follows the card's :class:`~aosign_plugin.config.dialect.CardDialect`, so that a PKCS#15 reader builds exactly
the dialect's bytes: PIN type ``asciiNumeric`` (the value is sent as its bytes, unencoded; the type does not
restrict the characters), ``storedLength`` = ``pad_to`` with ``needs-padding`` and ``padChar`` = ``pad_byte``
(no padding when ``pad_to`` is 0), ``minLength`` 4 and ``maxLength`` 16 (the card's own limits). The user PIN's
``authId`` of its common object attributes names the unblocking PIN: that is how a reader finds the code for
RESET RETRY COUNTER ``2C 00 pin_ref`` (data code || new PIN). The unblocking PIN is flagged ``unblockingPin``
but **not** ``soPin``: the card accepts the code only inside RESET RETRY COUNTER (a VERIFY of ``unblock_ref``
with data answers 6986), so there is no SO PIN to log in with.

The CDF's entries (``x509Certificate``: label, ``iD`` 45 01, 45 02…, the certificate file's path) are what OpenSC's
PKCS#15 layer turns into PKCS#11 certificate objects (``pkcs11-tool -O``) and what the plugin's own reader follows;
certificates are public, so reading them needs no PIN.

Everything is built from the card's state (serial, dialect, certificates); nothing here is persisted. Encoding is
plain DER.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from aosign_plugin.config.dialect import CardDialect
from hostapp_stub.api import Record, field

__all__ = [
    "AODF_FID",
    "APP_FID",
    "CDF_FID",
    "CERT_FID",
    "DIR_FID",
    "MANUFACTURER",
    "MF_FID",
    "ODF_FID",
    "PIN_AUTH_ID",
    "PKCS15_AID",
    "TOKENINFO_FID",
    "TOKEN_LABEL",
    "UNBLOCK_AUTH_ID",
    "CardFile",
    "FileSystem",
    "build_file_system",
    "der",
    "serial_octets",
]

#: the PKCS#15 application identifier OpenSC knows (its "ESIGN" entry): E8 28 BD 08 0F A0 00 00 01 67 "ESIGN"
PKCS15_AID = bytes.fromhex("E828BD080FA000000167455349474E")

MF_FID = 0x3F00
DIR_FID = 0x2F00
APP_FID = 0x5015
ODF_FID = 0x5031
TOKENINFO_FID = 0x5032
AODF_FID = 0x4401
CDF_FID = 0x4403
#: the first certificate's file; the next ones follow (4332, 4333, ...)
CERT_FID = 0x4331

TOKEN_LABEL = "AOSign"
MANUFACTURER = "AOSign (simulated)"
APP_LABEL = "AOSign PKCS#15"
#: the user PIN's label: exactly "PIN", so that OpenSC names the token by TokenInfo's label alone ("AOSign")
PIN_LABEL = "PIN"
UNBLOCK_LABEL = "PUK"

PIN_AUTH_ID = b"\x01"
UNBLOCK_AUTH_ID = b"\x02"

_PIN_MIN = 4
_PIN_MAX = 16

# PKCS#15 PinFlags bit numbers
_CASE_SENSITIVE = 0
_LOCAL = 1
_CHANGE_DISABLED = 2
_UNBLOCK_DISABLED = 3
_INITIALIZED = 4
_NEEDS_PADDING = 5
_UNBLOCKING_PIN = 6
# CommonObjectFlags bit numbers
_MODIFIABLE = 1
# PinType
_ASCII_NUMERIC = 1


# -- DER


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def der(tag: int, *parts: bytes) -> bytes:
    """One DER TLV with a one-byte tag; the value is the concatenation of ``parts``."""
    value = b"".join(parts)
    return bytes([tag]) + _length(len(value)) + value


def _integer(value: int, tag: int = 0x02) -> bytes:
    """A non-negative INTEGER (a leading 00 keeps a high first bit positive)."""
    body = value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big")
    return der(tag, body)


def _bits(bits: Iterable[int]) -> bytes:
    """A BIT STRING of named bits (bit 0 is the first, most significant bit), trailing zero bits dropped."""
    wanted = sorted(set(bits))
    if not wanted:
        return der(0x03, b"\x00")
    nbytes = wanted[-1] // 8 + 1
    out = bytearray(nbytes)
    for bit in wanted:
        out[bit // 8] |= 0x80 >> (bit % 8)
    unused = 7 - wanted[-1] % 8
    return der(0x03, bytes([unused]), bytes(out))


def _utf8(text: str, tag: int = 0x0C) -> bytes:
    return der(tag, text.encode("utf-8"))


def _path(*fids: int) -> bytes:
    return der(0x30, der(0x04, b"".join(fid.to_bytes(2, "big") for fid in fids)))


def serial_octets(serial: str) -> bytes:
    """TokenInfo's serialNumber (an OCTET STRING) for a card serial.

    PKCS#15 readers show the serial as the hex of these octets (OpenSC: the last 16 hex digits), so the serial's
    decimal digits are packed two per byte: ``AOSIM-4821-0937`` → ``48 21 09 37``, shown as ``48210937``. A
    serial without digits is stored as its UTF-8 bytes.
    """
    digits = "".join(c for c in serial if c.isdigit() and c.isascii())
    if not digits:
        return serial.encode("utf-8")
    if len(digits) % 2:
        digits = "0" + digits
    return bytes.fromhex(digits)


# -- files


class CardFile(Record):
    """One file: a DF (``data is None``) or a transparent EF."""

    #: file identifiers from the MF down, the MF's own 3F00 first
    path: tuple[int, ...]
    data: bytes | None = None
    #: the DF name (AID) of an application DF
    name: bytes | None = None
    children: tuple[CardFile, ...] = field(default=(), repr=False)

    @property
    def fid(self) -> int:
        return self.path[-1]

    @property
    def is_df(self) -> bool:
        return self.data is None

    def fcp(self) -> bytes:
        """The FCP template (tag 62) a SELECT returns: size for an EF, descriptor, identifier, name, state."""
        parts: list[bytes] = []
        if self.data is not None:
            parts.append(der(0x80, len(self.data).to_bytes(2, "big")))
            parts.append(der(0x82, b"\x01"))  # working EF, transparent
        else:
            parts.append(der(0x82, b"\x38"))  # DF
        parts.append(der(0x83, self.fid.to_bytes(2, "big")))
        if self.name is not None:
            parts.append(der(0x84, self.name))
        parts.append(der(0x8A, b"\x05"))  # operational, activated
        return der(0x62, *parts)


class FileSystem:
    """The card's files by path, with the lookups SELECT needs."""

    def __init__(self, mf: CardFile) -> None:
        self.mf = mf
        self._by_path: dict[tuple[int, ...], CardFile] = {}
        for f in self._walk(mf):
            self._by_path[f.path] = f

    @classmethod
    def _walk(cls, f: CardFile) -> Iterator[CardFile]:
        yield f
        for child in f.children:
            yield from cls._walk(child)

    def get(self, path: tuple[int, ...]) -> CardFile | None:
        return self._by_path.get(path)

    def by_name(self, name: bytes) -> CardFile | None:
        """The DF whose name is exactly ``name`` (no partial matching)."""
        for f in self._by_path.values():
            if f.name is not None and f.name == name:
                return f
        return None

    def child(self, df: tuple[int, ...], fid: int) -> CardFile | None:
        return self._by_path.get((*df, fid))

    def by_fid(self, df: tuple[int, ...], fid: int) -> CardFile | None:
        """SELECT by file identifier from the current DF ``df``: the MF, the current DF, a child of it, its
        parent, or a sibling of it (in that order)."""
        if fid == MF_FID:
            return self.mf
        if df and df[-1] == fid:
            return self._by_path.get(df)
        found = self.child(df, fid)
        if found is not None:
            return found
        parent = df[:-1]
        if parent:
            if parent[-1] == fid:
                return self._by_path.get(parent)
            return self.child(parent, fid)
        return None

    def by_path(self, start: tuple[int, ...], fids: list[int]) -> CardFile | None:
        """Follow ``fids`` (each a child of the one before) from the DF ``start``."""
        current = start
        for fid in fids:
            f = self.child(current, fid)
            if f is None:
                return None
            current = f.path
        return self._by_path.get(current)


def _pin_object(
    *,
    label: str,
    auth_id: bytes,
    protected_by: bytes | None,
    flags: Iterable[int],
    reference: int,
    dialect: CardDialect,
) -> bytes:
    """One AODF entry: a PIN object with its common, authentication and PIN attributes."""
    common = [_utf8(label), _bits([_MODIFIABLE])]
    if protected_by is not None:
        common.append(der(0x04, protected_by))
    pad_to = dialect.pad_to
    attrs = [
        _bits(flags),
        der(0x0A, bytes([_ASCII_NUMERIC])),
        _integer(_PIN_MIN),
        _integer(pad_to or _PIN_MAX),  # storedLength
        _integer(_PIN_MAX),  # maxLength
        _integer(reference, tag=0x80),  # pinReference [0]
        der(0x04, bytes([dialect.pad_byte])),  # padChar
        _path(MF_FID, APP_FID),
    ]
    return der(
        0x30,
        der(0x30, *common),
        der(0x30, der(0x04, auth_id)),
        der(0xA1, der(0x30, *attrs)),
    )


def _certificate_entry(label: str, key_id: bytes, fid: int) -> bytes:
    """One CDF entry: an ``x509Certificate`` whose value is the path of its file."""
    return der(
        0x30,
        der(0x30, _utf8(label)),  # CommonObjectAttributes: label
        der(0x30, der(0x04, key_id)),  # CommonCertificateAttributes: iD
        der(0xA1, der(0x30, _path(MF_FID, APP_FID, fid))),  # [1] X509CertificateAttributes: value (a path)
    )


def build_file_system(dialect: CardDialect, serial: str, certificates: Sequence[tuple[str, bytes]] = ()) -> FileSystem:
    """The card's files for its dialect, serial and certificates (``(label, DER)`` each)."""
    app_path = (MF_FID, APP_FID)
    padding = [_NEEDS_PADDING] if dialect.pad_to else []
    user_pin = _pin_object(
        label=PIN_LABEL,
        auth_id=PIN_AUTH_ID,
        protected_by=UNBLOCK_AUTH_ID,
        flags=[_CASE_SENSITIVE, _LOCAL, _INITIALIZED, *padding],
        reference=dialect.pin_ref,
        dialect=dialect,
    )
    unblock_pin = _pin_object(
        label=UNBLOCK_LABEL,
        auth_id=UNBLOCK_AUTH_ID,
        protected_by=None,
        # the card neither changes nor resets the code (6986): change-disabled, unblock-disabled
        flags=[_CASE_SENSITIVE, _LOCAL, _CHANGE_DISABLED, _UNBLOCK_DISABLED, _INITIALIZED, *padding, _UNBLOCKING_PIN],
        reference=dialect.unblock_ref,
        dialect=dialect,
    )
    aodf = user_pin + unblock_pin
    odf = der(0xA8, _path(MF_FID, APP_FID, AODF_FID))  # authObjects
    cert_files: list[CardFile] = []
    if certificates:
        fids = [CERT_FID + i for i in range(len(certificates))]
        cdf = b"".join(
            _certificate_entry(label, bytes([0x45, i + 1]), fid)
            for i, ((label, _), fid) in enumerate(zip(certificates, fids, strict=True))
        )
        odf = der(0xA4, _path(MF_FID, APP_FID, CDF_FID)) + odf  # certificates, then authObjects
        cert_files.append(CardFile(path=(*app_path, CDF_FID), data=cdf))
        cert_files += [
            CardFile(path=(*app_path, fid), data=data) for (_, data), fid in zip(certificates, fids, strict=True)
        ]
    tokeninfo = der(
        0x30,
        _integer(0),  # version: v1
        der(0x04, serial_octets(serial)),
        _utf8(MANUFACTURER),
        _utf8(TOKEN_LABEL, tag=0x80),  # label [0]
        _bits([]),  # tokenflags: none
    )
    ef_dir = der(
        0x61,
        der(0x4F, PKCS15_AID),
        _utf8(APP_LABEL, tag=0x50),
        der(0x51, b"".join(fid.to_bytes(2, "big") for fid in app_path)),
    )
    app = CardFile(
        path=app_path,
        name=PKCS15_AID,
        children=(
            CardFile(path=(*app_path, ODF_FID), data=odf),
            CardFile(path=(*app_path, TOKENINFO_FID), data=tokeninfo),
            CardFile(path=(*app_path, AODF_FID), data=aodf),
            *cert_files,
        ),
    )
    mf = CardFile(path=(MF_FID,), children=(CardFile(path=(MF_FID, DIR_FID), data=ef_dir), app))
    return FileSystem(mf)
