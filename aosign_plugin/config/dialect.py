"""The card's APDU dialect: the ``[card]`` table of the manifest, as one frozen value.

Both the PC/SC session and the simulated card are driven by it, so any dialect the table allows is spoken the same
way by the host side and by the card.
"""

from __future__ import annotations

from enum import Enum, unique

from aosign_plugin.domain.secret import Secret
from hostapp_stub.api import Record

__all__ = ["DEFAULT_AID", "CardDialect", "ChangeStyle", "Release", "UnblockStatus"]

DEFAULT_AID = bytes.fromhex("A0000006474F5349474E")


@unique
class ChangeStyle(Enum):
    """How CHANGE REFERENCE DATA is sent."""

    #: ``CLA 24 00 ref``, data = old || new
    COMBINED = "combined"
    #: ``CLA 20 00 ref`` with the old PIN, then ``CLA 24 01 ref``, data = new
    VERIFY_THEN_SET = "verify-then-set"


@unique
class UnblockStatus(Enum):
    """How the unblocking code's tries are read."""

    #: empty VERIFY on ``unblock_ref``
    VERIFY_EMPTY = "verify-empty"
    #: the card cannot tell without spending a try: shown as unknown (``null``)
    UNKNOWN = "unknown"


@unique
class Release(Enum):
    """How a PIN operation leaves the card, so that no application finds the PIN verified after it."""

    #: a warm reset (PC/SC ``SCARD_RESET_CARD``)
    RESET = "reset"
    #: the card powered down (PC/SC ``SCARD_UNPOWER_CARD``), for a card that keeps its security state over a reset
    UNPOWER = "unpower"


class CardDialect(Record):
    """One card's APDU dialect; the defaults are CONTRACT.md's."""

    aid: bytes | None = DEFAULT_AID
    cla: int = 0x00
    pin_ref: int = 0x81
    unblock_ref: int = 0x82
    pad_to: int = 16
    pad_byte: int = 0xFF
    change: ChangeStyle = ChangeStyle.COMBINED
    unblock_status: UnblockStatus = UnblockStatus.VERIFY_EMPTY
    release: Release = Release.RESET

    def __post_init__(self) -> None:
        for name in ("cla", "pin_ref", "unblock_ref", "pad_byte"):
            value = getattr(self, name)
            if not 0 <= value <= 0xFF:
                raise ValueError(f"[card] {name} must be a byte (0x00-0xFF)")
        if self.pad_to != 0 and not 16 <= self.pad_to <= 127:
            raise ValueError("[card] pad_to must be 0 or 16-127")
        if self.aid is not None and not 5 <= len(self.aid) <= 16:
            raise ValueError("[card] aid must be 5 to 16 bytes")
        if self.pin_ref == self.unblock_ref:
            raise ValueError("[card] pin_ref and unblock_ref must differ")

    def pin_field(self, secret: Secret) -> bytearray:
        """The secret as one padded field (a fresh buffer the caller wipes).

        :raises ValueError: the secret is longer than ``pad_to`` (the policy keeps that from happening).
        """
        out = bytearray(secret.view())
        if self.pad_to:
            if len(out) > self.pad_to:
                raise ValueError("PIN longer than the card's field")
            out.extend(bytes([self.pad_byte]) * (self.pad_to - len(out)))
        return out

    def to_table(self) -> dict[str, object]:
        """The dialect as ``[card]`` values (for the simulated card's state file and ``manifest show``)."""
        return {
            "aid": self.aid.hex().upper() if self.aid is not None else None,
            "cla": self.cla,
            "pin_ref": self.pin_ref,
            "unblock_ref": self.unblock_ref,
            "pad_to": self.pad_to,
            "pad_byte": self.pad_byte,
            "change": self.change.value,
            "unblock_status": self.unblock_status.value,
            "release": self.release.value,
        }

    @classmethod
    def from_table(cls, table: dict[str, object]) -> CardDialect:
        """Inverse of :meth:`to_table` for already-validated values (absent keys take the defaults)."""
        kwargs: dict[str, object] = {}
        for key in ("cla", "pin_ref", "unblock_ref", "pad_to", "pad_byte"):
            if key in table:
                kwargs[key] = int(table[key])  # type: ignore[call-overload]
        if "aid" in table:
            aid = table["aid"]
            kwargs["aid"] = bytes.fromhex(str(aid)) if aid is not None else None
        if "change" in table:
            kwargs["change"] = ChangeStyle(table["change"])
        if "unblock_status" in table:
            kwargs["unblock_status"] = UnblockStatus(table["unblock_status"])
        if "release" in table:
            kwargs["release"] = Release(table["release"])
        return cls(**kwargs)  # type: ignore[arg-type]
