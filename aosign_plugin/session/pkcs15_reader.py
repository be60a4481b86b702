"""Session: the card's certificates read through its PKCS#15 directory (or from paths the dialect names).

Nothing here needs a PIN or touches a counter: SELECT by path (``00 A4 08 04``, path from the MF) and READ BINARY
(``00 B0``), with READ RECORD (``00 B2``) for an EF.DIR kept as records. The walk is PKCS#15's (ISO/IEC 7816-15):
EF.DIR ``2F00`` names the application's path → its EF.ODF ``5031`` names the certificate directories (CDFs:
certificates, trusted and useful certificates) → each CDF entry names its certificate's file (with an optional
offset and length inside it) or holds the certificate itself. EF.TokenInfo ``5032`` gives the card's serial number.

A card without a PKCS#15 application (no EF.DIR, no file system) has no certificates to show; a damaged directory or
a certificate file that cannot be read is reported as an :class:`UnreadableCertificate`, and the rest is still read.
Only a card that goes away stops the reading (:class:`~aosign_plugin.transport.TransportError`).

The DER here is the directory's (tags, lengths, paths), read with a small TLV walker; the certificates themselves
are parsed elsewhere (:mod:`aosign_plugin.domain.certificates`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from aosign_plugin.apdu.iso7816 import INS_SELECT, ApduError, ApduProtocol
from aosign_plugin.domain.certificates import RawCertificate, UnreadableCertificate
from hostapp_stub.api import Record, Untrusted

__all__ = [
    "MAX_CERTIFICATES",
    "CertificateReading",
    "Pkcs15Reader",
    "Tlv",
    "parse_path",
    "parse_tlvs",
]

INS_READ_BINARY = 0xB0
INS_READ_RECORD = 0xB2
_MF = b"\x3f\x00"
_DIR = b"\x2f\x00"
_DEFAULT_APP = b"\x3f\x00\x50\x15"
_ODF = b"\x50\x31"
_TOKENINFO = b"\x50\x32"
#: ODF choices that hold certificate directories: certificates [4], trustedCertificates [5], usefulCertificates [6]
_CDF_TAGS = (0xA4, 0xA5, 0xA6)
#: certificates read at most per status (one card rarely holds more than a handful)
MAX_CERTIFICATES = 32
#: no file read is larger than this (a certificate is a few KiB; READ BINARY's offset stops at 0x7FFF anyway)
MAX_FILE = 0x7FFF
_CHUNK = 256
_MAX_RECORDS = 16
#: answers meaning "no such file system / file here": the card simply has no PKCS#15 directory
_ABSENT = frozenset({0x6A82, 0x6A86, 0x6A87, 0x6D00, 0x6E00, 0x6A81, 0x6B00, 0x6985, 0x6986})


class DirectoryError(ValueError):
    """A PKCS#15 file whose DER does not parse."""


class Tlv(Record):
    tag: int
    value: bytes
    #: constructed (its value is more TLVs)
    constructed: bool


def parse_tlvs(data: bytes) -> list[Tlv]:
    """The TLVs of ``data`` one after another (BER: multi-byte tags, short and long lengths up to 4 bytes).

    Padding after the last object (``00`` or ``FF`` bytes, as cards leave in a file larger than its content) ends
    the list.

    :raises DirectoryError: a truncated or impossible encoding.
    """
    out: list[Tlv] = []
    i, n = 0, len(data)
    while i < n:
        first = data[i]
        if first in (0x00, 0xFF):
            break
        i += 1
        tag = first
        if first & 0x1F == 0x1F:
            for _ in range(3):
                if i >= n:
                    raise DirectoryError("truncated tag")
                tag = tag << 8 | data[i]
                i += 1
                if not data[i - 1] & 0x80:
                    break
            else:
                raise DirectoryError("tag too long")
        if i >= n:
            raise DirectoryError("truncated length")
        length = data[i]
        i += 1
        if length & 0x80:
            count = length & 0x7F
            if count == 0 or count > 4 or i + count > n:
                raise DirectoryError("bad length")
            length = int.from_bytes(data[i : i + count], "big")
            i += count
        if i + length > n:
            raise DirectoryError("truncated value")
        out.append(Tlv(tag, data[i : i + length], bool(first & 0x20)))
        i += length
    return out


def _children(tlv: Tlv) -> list[Tlv]:
    if not tlv.constructed:
        raise DirectoryError(f"tag {tlv.tag:X} is not constructed")
    return parse_tlvs(tlv.value)


class _FileRef(Record):
    """A PKCS#15 Path: the file from the MF, and where the object sits in it."""

    path: bytes
    index: int | None = None
    length: int | None = None


def parse_path(tlv: Tlv, app: bytes) -> _FileRef:
    """A PKCS#15 ``Path ::= SEQUENCE { path OCTET STRING, index INTEGER OPTIONAL, length [0] INTEGER OPTIONAL }``;
    a path that does not start at the MF is taken from the application's DF ``app``.

    :raises DirectoryError: not such a path.
    """
    if tlv.tag != 0x30:
        raise DirectoryError("a path must be a SEQUENCE")
    parts = _children(tlv)
    if not parts or parts[0].tag != 0x04 or not parts[0].value or len(parts[0].value) % 2:
        raise DirectoryError("a path's file identifiers must be pairs of bytes")
    path = parts[0].value
    if not path.startswith(_MF):
        path = app + path
    index = length = None
    for part in parts[1:]:
        if part.tag == 0x02:
            index = int.from_bytes(part.value, "big")
        elif part.tag == 0x80:
            length = int.from_bytes(part.value, "big")
    return _FileRef(path, index, length)


def _utf8(value: bytes) -> Untrusted:
    """A text the card wrote (a label): marked, never interpreted where it is shown."""
    return Untrusted(value.decode("utf-8", "replace"))


class CertificateReading(Record):
    """What was read: the card's serial (``None`` when it does not say) and its certificates in directory order."""

    serial: str | None
    certificates: tuple[RawCertificate | UnreadableCertificate, ...]


class Pkcs15Reader:
    """Reads files over an open :class:`~aosign_plugin.apdu.ApduProtocol` (inside the operation's transaction).

    :param protocol: the APDU protocol; file commands use the interindustry class ``00``.
    """

    def __init__(self, protocol: ApduProtocol) -> None:
        self.protocol = protocol
        self.apdus_sent = 0

    # --- files ----------------------------------------------------------------------------------------------------

    def _send(self, ins: int, p1: int, p2: int, data: bytes = b"", le: int | None = None) -> bytes:
        self.apdus_sent += 1
        return self.protocol.send_apdu(0x00, ins, p1, p2, data, le)

    def select(self, path: bytes) -> int | None:
        """SELECT the file at ``path`` (from the MF); its size when the FCP tells it.

        :raises ApduError: the card refused (``6A82``: no such file).
        """
        rest = path[2:] if path.startswith(_MF) else path
        if not rest:
            self._send(INS_SELECT, 0x00, 0x0C, _MF)
            return None
        fcp = self._send(INS_SELECT, 0x08, 0x04, rest, le=256)
        try:
            tlvs = parse_tlvs(fcp)
            if tlvs and tlvs[0].tag == 0x62:
                for item in parse_tlvs(tlvs[0].value):
                    if item.tag in (0x80, 0x81) and 1 <= len(item.value) <= 4:
                        return int.from_bytes(item.value, "big")
        except DirectoryError:
            pass
        return None

    def read_binary(self, size: int | None, limit: int = MAX_FILE) -> bytes:
        """The current EF's bytes: ``size`` of them when known, else up to its end (``6282``, ``6B00`` past it, or
        a short answer).

        :raises ApduError: the card refused the read.
        """
        want = min(size if size is not None else limit, limit)
        out = bytearray()
        while len(out) < want:
            n = min(_CHUNK, want - len(out))
            offset = len(out)
            try:
                chunk = self._send(INS_READ_BINARY, offset >> 8, offset & 0xFF, le=n)
            except ApduError as e:
                if e.sw == 0x6282:  # end of file reached: what came is all there is
                    out += e.data
                    break
                if e.sw == 0x6B00 and offset and size is None:  # offset past the end of a file of unknown size
                    break
                raise
            out += chunk
            if len(chunk) < n or not chunk:
                break
        return bytes(out)

    def read_file(self, path: bytes, limit: int = MAX_FILE) -> bytes:
        return self.read_binary(self.select(path), limit)

    def _read_records(self) -> bytes:
        """EF.DIR kept as a linear record file: its records one after another."""
        out = bytearray()
        for number in range(1, _MAX_RECORDS + 1):
            try:
                out += self._send(INS_READ_RECORD, number, 0x04, le=256)
            except ApduError as e:
                if e.sw in (0x6A83, 0x6A82, 0x6282):
                    break
                raise
        return bytes(out)

    # --- the directory --------------------------------------------------------------------------------------------

    def applications(self) -> list[bytes]:
        """The paths of the applications EF.DIR names (the conventional ``3F00 5015`` without an EF.DIR).

        :raises ApduError: the card has no file system to speak of.
        """
        try:
            size = self.select(_MF + _DIR)
        except ApduError as e:
            if e.sw == 0x6A82:
                return [_DEFAULT_APP]
            raise
        try:
            data = self.read_binary(size)
        except ApduError as e:
            if e.sw != 0x6981:  # "command incompatible with file structure": a record file
                raise
            data = self._read_records()
        paths: list[bytes] = []
        for entry in parse_tlvs(data):
            if entry.tag != 0x61:
                continue
            for item in _children(entry):
                if item.tag == 0x51 and item.value and len(item.value) % 2 == 0:
                    path = item.value if item.value.startswith(_MF) else _MF + item.value
                    if path not in paths:
                        paths.append(path)
        return paths or [_DEFAULT_APP]

    def serial(self, app: bytes) -> str | None:
        """TokenInfo's serialNumber as hex (as OpenSC shows it); ``None`` when the card does not say."""
        try:
            tokeninfo = parse_tlvs(self.read_file(app + _TOKENINFO, 1024))
            fields = _children(tokeninfo[0]) if tokeninfo else []
        except (ApduError, DirectoryError):
            return None
        for item in fields:
            if item.tag == 0x04:
                return item.value.hex() or None
        return None

    def _cdf_paths(self, app: bytes) -> list[_FileRef]:
        odf = parse_tlvs(self.read_file(app + _ODF, 4096))
        out: list[_FileRef] = []
        for item in odf:
            if item.tag in _CDF_TAGS:
                inner = _children(item)
                if inner:
                    out.append(parse_path(inner[0], app))
        return out

    def _entries(self, cdf: bytes, app: bytes) -> Iterator[tuple[Untrusted | None, str | None, _FileRef | bytes]]:
        """(label, iD hex, where the certificate is) for each X.509 certificate entry of a CDF."""
        for entry in parse_tlvs(cdf):
            if entry.tag != 0x30:  # x509AttributeCertificate [0], spki [1], ...: not X.509 certificates
                continue
            parts = _children(entry)
            label: Untrusted | None = None
            key_id: str | None = None
            if parts and parts[0].tag == 0x30:
                for item in _children(parts[0]):
                    if item.tag == 0x0C:
                        label = _utf8(item.value)
            if len(parts) > 1 and parts[1].tag == 0x30:
                for item in _children(parts[1]):
                    if item.tag == 0x04:
                        key_id = item.value.hex()
                        break
            typed = [p for p in parts[2:] if p.tag == 0xA1]
            if not typed:
                raise DirectoryError("a certificate entry without its X509CertificateAttributes")
            attrs = _children(typed[0])
            if not attrs or attrs[0].tag != 0x30:
                raise DirectoryError("X509CertificateAttributes must be a SEQUENCE")
            value = _children(attrs[0])
            if not value:
                raise DirectoryError("a certificate entry without its value")
            if value[0].tag == 0xA0:  # direct [0]: the certificate itself
                yield label, key_id, value[0].value
            else:
                yield label, key_id, parse_path(value[0], app)

    def _certificate(self, label: Untrusted | None, key_id: str | None, where: _FileRef | bytes) -> RawCertificate:
        if isinstance(where, bytes):
            return RawCertificate(label, where, key_id)
        data = self.read_file(where.path)
        if where.index is not None or where.length is not None:
            start = where.index or 0
            end = start + where.length if where.length is not None else len(data)
            data = data[start:end]
        return RawCertificate(label, data, key_id)

    @staticmethod
    def _unreadable(label: Untrusted | None, e: ApduError) -> UnreadableCertificate:
        reason = "not_found" if e.sw in (0x6A82, 0x6A83, 0x6A86) else "unreadable"
        return UnreadableCertificate(label, reason, f"SW={e.sw:04X}")

    def read_files(self, paths: Sequence[bytes]) -> list[RawCertificate | UnreadableCertificate]:
        """Certificates kept in plain files (``[card] certificates``): one per path, no labels."""
        out: list[RawCertificate | UnreadableCertificate] = []
        for path in paths[:MAX_CERTIFICATES]:
            try:
                out.append(RawCertificate(None, self.read_file(path)))
            except ApduError as e:
                out.append(self._unreadable(None, e))
        return out

    def read(self) -> CertificateReading:
        """The serial and every X.509 certificate the PKCS#15 directory names, without a PIN."""
        try:
            apps = self.applications()
        except ApduError as e:
            if e.sw in _ABSENT:
                return CertificateReading(None, ())
            return CertificateReading(None, (UnreadableCertificate(None, "directory", f"EF.DIR: SW={e.sw:04X}"),))
        except DirectoryError as e:
            return CertificateReading(None, (UnreadableCertificate(None, "directory", f"EF.DIR: {e}"),))
        serial: str | None = None
        found: list[RawCertificate | UnreadableCertificate] = []
        for app in apps[:4]:
            try:
                cdfs = self._cdf_paths(app)
            except ApduError as e:
                if e.sw not in _ABSENT:
                    found.append(UnreadableCertificate(None, "directory", f"EF.ODF: SW={e.sw:04X}"))
                continue
            except DirectoryError as e:
                found.append(UnreadableCertificate(None, "directory", f"EF.ODF: {e}"))
                continue
            if serial is None:
                serial = self.serial(app)
            for cdf in cdfs:
                try:
                    entries = list(self._entries(self.read_file(cdf.path, 0x7FFF), app))
                except ApduError as e:
                    found.append(self._unreadable(None, e))
                    continue
                except DirectoryError as e:
                    found.append(UnreadableCertificate(None, "directory", f"CDF: {e}"))
                    continue
                for label, key_id, where in entries:
                    if len(found) >= MAX_CERTIFICATES:
                        found.append(UnreadableCertificate(label, "too_many"))
                        return CertificateReading(serial, tuple(found))
                    try:
                        found.append(self._certificate(label, key_id, where))
                    except ApduError as e:
                        found.append(self._unreadable(label, e))
        return CertificateReading(serial, tuple(found))
