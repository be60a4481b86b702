"""The simulated card's persistent state: one JSON file, written atomically, guarded by a lock file.

The file holds only salted hashes of the PIN and the unblocking code, never the values: memory-hard
``hashlib.scrypt`` with its parameters kept beside each hash, so they can be raised. A file of the first version
(PBKDF2, a few thousand rounds) is still read, and upgraded on its next write without knowing the values: the old
PBKDF2 digest is hashed again with scrypt, and a check then runs both. Every write
goes to a temporary file in the same directory, is flushed and fsynced, then renamed over the old file with
:func:`os.replace` (and the directory is fsynced on POSIX), so a crash at any point leaves either the old
state or the new one. One operation holds ``<state>.lock`` (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on
Windows) so that the card served to vpcd and an in-process card never interleave.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import errno
import hashlib
import hmac
import json
import os
import secrets
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from aosign_plugin.config.dialect import CardDialect

__all__ = [
    "CODE_STATUS_ANSWERS",
    "DEFAULT_ITERATIONS",
    "DEFAULT_KDF",
    "MAX_TRIES",
    "QUICK_KDF",
    "STATE_VERSION",
    "CardStateCorruptError",
    "CardStateError",
    "CardStateInvalidError",
    "CardStateMissingError",
    "CardStateSymlinkError",
    "CardStateUnreadableError",
    "CardStateUnwritableError",
    "CardStore",
    "MemoryStore",
    "Scrypt",
    "SecretRecord",
    "SimCardState",
    "StateFieldError",
    "StateStore",
    "new_card_state",
    "new_serial",
]

STATE_VERSION = 2
#: the versions still read (1: PBKDF2 only; upgraded to scrypt on the next write)
_READ_VERSIONS = frozenset({1, 2})
#: PBKDF2 rounds of a version 1 file (read only: new cards use :data:`DEFAULT_KDF`)
DEFAULT_ITERATIONS = 2000
MAX_TRIES = 10
_SALT_LEN = 16
_LOCK_POLL = 0.01
#: errnos that mean "this folder cannot be written here": the card can still be read
_CANNOT_WRITE = frozenset({errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT})


class CardStateError(Exception):
    """The card's state file cannot be used.

    :param reason: a stable code, the catalogs' ``unavailable.<reason>`` (and the JSON error's ``code``).
    :param detail: the path and what is wrong with the file, never a secret; for a file that is not a card
        state (cut short, not JSON, a value no card can have) the path alone: the user's text says in their
        language what is wrong, the English specifics stay in the exception's own text (for logs).
    """

    reason = "sim_state_corrupt"

    def __init__(self, message: str, *, path: Path | None = None, detail: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.detail = detail if detail is not None else message


class CardStateMissingError(CardStateError):
    """No state file: no card has been issued there."""

    reason = "no_sim_card"


class CardStateCorruptError(CardStateError):
    """The state file exists but is not a valid card state (cut short, not JSON, not a card state)."""

    reason = "sim_state_corrupt"


class CardStateInvalidError(CardStateCorruptError):
    """The state file is a card state with a value no card can have (a counter of -5 or 99, ...)."""

    reason = "sim_state_invalid"


class CardStateUnreadableError(CardStateCorruptError):
    """The state file cannot be read (permissions, a folder in its place, I/O error)."""

    reason = "sim_state_unreadable"


class CardStateSymlinkError(CardStateCorruptError):
    """The state file is a symbolic link: the card keeps its state in a regular file only."""

    reason = "sim_state_symlink"


class CardStateUnwritableError(CardStateError):
    """The state could not be saved (a read-only or full disk, permissions): the command did not complete."""

    reason = "sim_state_unwritable"


class StateFieldError(ValueError):
    """A card state's value that no card can have; ``field`` names it (``pin.tries_left``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _pbkdf2(value: bytes | bytearray | memoryview, salt: bytes, iterations: int) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", value, salt, iterations)


@dataclass(frozen=True)
class Scrypt:
    """Parameters of ``hashlib.scrypt`` (RFC 7914), kept in the state file beside each hash.

    :raises ValueError: ``n`` not a power of two above 1, or ``r``/``p`` out of range.
    """

    n: int
    r: int
    p: int

    def __post_init__(self) -> None:
        if self.n < 2 or self.n & (self.n - 1) or self.n > 1 << 24:
            raise ValueError("scrypt n must be a power of two from 2 to 2**24")
        if not 1 <= self.r <= 64 or not 1 <= self.p <= 16:
            raise ValueError("scrypt r must be 1-64 and p 1-16")

    def derive(self, value: bytes | bytearray | memoryview, salt: bytes) -> bytes:
        # memory: 128 * r * n bytes (16 MiB for the default), with room for OpenSSL's own
        maxmem = 128 * self.r * self.n * (self.p + 1) + (1 << 20)
        return hashlib.scrypt(bytes(value), salt=salt, n=self.n, r=self.r, p=self.p, maxmem=maxmem, dklen=32)

    def to_json(self) -> dict[str, Any]:
        return {"name": "scrypt", "n": self.n, "r": self.r, "p": self.p}

    @classmethod
    def from_json(cls, name: str, obj: object) -> Scrypt:
        if not isinstance(obj, dict) or set(obj) != {"name", "n", "r", "p"} or obj["name"] != "scrypt":
            raise StateFieldError(name, f"{name} must be {{'name': 'scrypt', 'n', 'r', 'p'}}")
        values = [obj[k] for k in ("n", "r", "p")]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise StateFieldError(name, f"{name}: n, r and p must be integers")
        try:
            return cls(*values)
        except ValueError as exc:
            raise StateFieldError(name, f"{name}: {exc}") from None


#: a new card's parameters: 16 MiB of memory per check (the common interactive choice for scrypt)
DEFAULT_KDF = Scrypt(n=1 << 14, r=8, p=1)
#: for tests and benchmarks that issue many cards: the card's rules do not depend on the cost
QUICK_KDF = Scrypt(n=16, r=1, p=1)


@dataclass
class SecretRecord:
    """The PIN or the unblocking code as the card keeps it: a salted hash and a counter.

    ``digest`` is ``kdf(pbkdf2(value))``: ``pbkdf2`` (salt, rounds) is set only for a record of a version 1 file, whose
    PBKDF2 digest was hashed again with scrypt on upgrade; ``kdf`` is ``None`` only for such a record not yet
    upgraded (its digest is then the PBKDF2 digest itself; :meth:`upgrade` runs before it is written).
    """

    salt: bytes = field(repr=False)
    digest: bytes = field(repr=False)
    length: int
    tries_left: int
    max_tries: int = MAX_TRIES
    kdf: Scrypt | None = DEFAULT_KDF
    pbkdf2: tuple[bytes, int] | None = field(default=None, repr=False)

    @classmethod
    def create(
        cls,
        value: bytes | bytearray | memoryview,
        *,
        kdf: Scrypt = DEFAULT_KDF,
        max_tries: int = MAX_TRIES,
    ) -> SecretRecord:
        """A fresh record for ``value`` with a new random salt and a full counter."""
        salt = secrets.token_bytes(_SALT_LEN)
        return cls(
            salt=salt,
            digest=kdf.derive(value, salt),
            length=len(value),
            tries_left=max_tries,
            max_tries=max_tries,
            kdf=kdf,
        )

    def _hash(self, value: bytes | bytearray | memoryview) -> bytes:
        if self.pbkdf2 is not None:
            value = _pbkdf2(value, *self.pbkdf2)
        return self.kdf.derive(value, self.salt) if self.kdf is not None else bytes(value)

    def matches(self, value: bytes | bytearray | memoryview) -> bool:
        """Constant-time check of ``value`` against the stored hash (does not touch the counter)."""
        return hmac.compare_digest(self._hash(value), self.digest)

    def replace_value(self, value: bytes | bytearray | memoryview) -> None:
        """Store a new value (new salt, scrypt alone) and refill the counter."""
        self.kdf = self.kdf or DEFAULT_KDF
        self.pbkdf2 = None
        self.salt = secrets.token_bytes(_SALT_LEN)
        self.digest = self.kdf.derive(value, self.salt)
        self.length = len(value)
        self.tries_left = self.max_tries

    def upgrade(self) -> None:
        """A version 1 record (PBKDF2 only) hashed again with scrypt, without knowing the value; idempotent."""
        if self.kdf is not None:
            return
        self.kdf = DEFAULT_KDF
        salt = secrets.token_bytes(_SALT_LEN)
        self.digest = self.kdf.derive(self.digest, salt)
        self.salt = salt

    def to_json(self) -> dict[str, Any]:
        self.upgrade()
        assert self.kdf is not None
        out: dict[str, Any] = {
            "kdf": self.kdf.to_json(),
            "salt": self.salt.hex(),
            "hash": self.digest.hex(),
            "length": self.length,
            "tries_left": self.tries_left,
            "max_tries": self.max_tries,
        }
        if self.pbkdf2 is not None:
            out["pbkdf2"] = {"salt": self.pbkdf2[0].hex(), "iterations": self.pbkdf2[1]}
        return out

    @classmethod
    def from_json(cls, name: str, obj: object, *, version: int = STATE_VERSION) -> SecretRecord:
        """:raises ValueError: naming the bad key."""
        if not isinstance(obj, dict):
            raise StateFieldError(name, f"{name!r} must be an object")
        if version == 1:
            keys = {"salt", "hash", "length", "iterations", "tries_left", "max_tries"}
            optional: set[str] = set()
        else:
            keys = {"kdf", "salt", "hash", "length", "tries_left", "max_tries"}
            optional = {"pbkdf2"}
        if not keys <= set(obj) <= keys | optional:
            raise StateFieldError(name, f"{name!r} must have exactly the keys {sorted(keys)}")
        ints: dict[str, int] = {}
        for key in ("length", "tries_left", "max_tries", *(("iterations",) if version == 1 else ())):
            value = obj[key]
            if not isinstance(value, int) or isinstance(value, bool):
                raise StateFieldError(f"{name}.{key}", f"{name}.{key} must be an integer")
            ints[key] = value
        salt = _hex_field(f"{name}.salt", obj["salt"])
        digest = _hex_field(f"{name}.hash", obj["hash"])
        if len(salt) != _SALT_LEN:
            raise StateFieldError(f"{name}.salt", f"{name}.salt must be {_SALT_LEN} bytes")
        if len(digest) != 32:
            raise StateFieldError(f"{name}.hash", f"{name}.hash must be 32 bytes")
        if not 1 <= ints["max_tries"] <= 15:
            raise StateFieldError(f"{name}.max_tries", f"{name}.max_tries is {ints['max_tries']}, not 1..15")
        if not 0 <= ints["tries_left"] <= ints["max_tries"]:
            raise StateFieldError(
                f"{name}.tries_left", f"{name}.tries_left is {ints['tries_left']}, not 0..{ints['max_tries']}"
            )
        if not 1 <= ints["length"] <= 127:
            raise StateFieldError(f"{name}.length", f"{name}.length must be 1..127")
        common = {"length": ints["length"], "tries_left": ints["tries_left"], "max_tries": ints["max_tries"]}
        if version == 1:
            _positive(f"{name}.iterations", ints["iterations"])
            # not yet upgraded: the digest is PBKDF2's own, and scrypt is added when the state is next written
            return cls(salt=salt, digest=digest, kdf=None, pbkdf2=(salt, ints["iterations"]), **common)
        kdf = Scrypt.from_json(f"{name}.kdf", obj["kdf"])
        pre: tuple[bytes, int] | None = None
        if "pbkdf2" in obj:
            table = obj["pbkdf2"]
            if not isinstance(table, dict) or set(table) != {"salt", "iterations"}:
                raise StateFieldError(f"{name}.pbkdf2", f"{name}.pbkdf2 must have 'salt' and 'iterations'")
            rounds = table["iterations"]
            if not isinstance(rounds, int) or isinstance(rounds, bool):
                raise StateFieldError(f"{name}.pbkdf2", f"{name}.pbkdf2.iterations must be an integer")
            _positive(f"{name}.pbkdf2", rounds)
            pre = (_hex_field(f"{name}.pbkdf2.salt", table["salt"]), rounds)
        return cls(salt=salt, digest=digest, kdf=kdf, pbkdf2=pre, **common)


def _positive(name: str, value: int) -> None:
    if value < 1:
        raise StateFieldError(name, f"{name} must be positive")


#: certificates a simulated card holds at most (its directory has room for these)
MAX_CERTIFICATES = 40


def _certificates_from_json(value: object) -> list[tuple[str, bytes]]:
    if not isinstance(value, list) or len(value) > MAX_CERTIFICATES:
        raise ValueError(f"'certificates' must be a list of at most {MAX_CERTIFICATES} objects")
    out: list[tuple[str, bytes]] = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or set(item) != {"label", "der"} or not isinstance(item["label"], str):
            raise ValueError(f"certificates[{i}] must have exactly a string 'label' and a hex 'der'")
        data = _hex_field(f"certificates[{i}].der", item["der"])
        if not data or len(data) > 0x7FFF:
            raise ValueError(f"certificates[{i}].der must be 1 to 32767 bytes")
        out.append((item["label"], data))
    return out


#: what a card that does not tell its code's tries may answer to the empty VERIFY on the code's reference: already
#: verified, conditions of use not satisfied, reference data not found, security status not satisfied
CODE_STATUS_ANSWERS = (0x9000, 0x6985, 0x6A88, 0x6982)


def _code_status_from_json(value: object) -> int | None:
    if value is None:
        return None
    sw = int.from_bytes(_hex_field("code_status_sw", value), "big") if isinstance(value, str) else -1
    if sw not in CODE_STATUS_ANSWERS or len(str(value)) != 4:
        answers = ", ".join(f"{a:04X}" for a in CODE_STATUS_ANSWERS)
        raise StateFieldError("code_status_sw", f"code_status_sw must be one of {answers}")
    return sw


def _hex_field(name: str, value: object) -> bytes:
    if not isinstance(value, str):
        raise StateFieldError(name, f"{name} must be a hex string")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise StateFieldError(name, f"{name} must be a hex string") from None


@dataclass
class SimCardState:
    """Everything the card remembers across power cycles."""

    serial: str
    issued: str
    dialect: CardDialect
    pin: SecretRecord
    unblock: SecretRecord
    version: int = STATE_VERSION
    #: the card's own private key (PKCS#8 DER), made when it was issued; a real card never lets it out
    key: bytes | None = field(default=None, repr=False)
    #: the certificates on the card, ``(label, DER)`` each, in the order of its certificate directory
    certificates: list[tuple[str, bytes]] = field(default_factory=list, repr=False)
    #: a card that does not tell its unblocking code's tries: what it answers to the empty VERIFY on the code's
    #: reference instead of ``63Cx`` (one of :data:`CODE_STATUS_ANSWERS`); ``None``: it tells them (issue 33)
    code_status_sw: int | None = None

    @property
    def dead(self) -> bool:
        """The unblocking code's tries are spent: the card is unusable for good."""
        return self.unblock.tries_left == 0

    @property
    def locked(self) -> bool:
        """The PIN's tries are spent."""
        return self.pin.tries_left == 0

    def to_json(self) -> dict[str, Any]:
        self.version = STATE_VERSION  # an older file is written in today's format (its records upgraded)
        return {
            "version": self.version,
            "serial": self.serial,
            "issued": self.issued,
            "dialect": self.dialect.to_table(),
            "pin": self.pin.to_json(),
            "unblock": self.unblock.to_json(),
            **({"key": self.key.hex()} if self.key is not None else {}),
            **(
                {"certificates": [{"label": label, "der": data.hex()} for label, data in self.certificates]}
                if self.certificates
                else {}
            ),
            **({"code_status_sw": f"{self.code_status_sw:04X}"} if self.code_status_sw is not None else {}),
        }

    @classmethod
    def from_json(cls, obj: object) -> SimCardState:
        """:raises ValueError: naming what is wrong."""
        if not isinstance(obj, dict):
            raise ValueError("the state must be a JSON object")
        keys = {"version", "serial", "issued", "dialect", "pin", "unblock"}
        optional = {"key", "certificates", "code_status_sw"}
        if not keys <= set(obj) <= keys | optional:
            raise ValueError(f"the state must have the keys {sorted(keys)} (and may have {sorted(optional)})")
        version = obj["version"]
        if isinstance(version, bool) or version not in _READ_VERSIONS:
            raise StateFieldError("version", f"unsupported state version {version!r} (expected {STATE_VERSION})")
        for key in ("serial", "issued"):
            if not isinstance(obj[key], str) or not obj[key]:
                raise StateFieldError(key, f"{key!r} must be a non-empty string")
        table = obj["dialect"]
        if not isinstance(table, dict):
            raise StateFieldError("dialect", "'dialect' must be an object")
        try:
            dialect = CardDialect.from_table(table)
        except (TypeError, ValueError) as exc:
            raise StateFieldError("dialect", f"'dialect': {exc}") from None
        return cls(
            serial=obj["serial"],
            issued=obj["issued"],
            dialect=dialect,
            pin=SecretRecord.from_json("pin", obj["pin"], version=version),
            unblock=SecretRecord.from_json("unblock", obj["unblock"], version=version),
            key=_hex_field("key", obj["key"]) if "key" in obj else None,
            certificates=_certificates_from_json(obj.get("certificates", [])),
            code_status_sw=_code_status_from_json(obj.get("code_status_sw")),
        )

    def copy(self) -> SimCardState:
        return copy.deepcopy(self)


def new_serial() -> str:
    """A random serial of eight digits such as ``48210937``: written on the sheet exactly as the card tells it
    (TokenInfo's serialNumber, :func:`~.pkcs15_files.serial_octets`) and the status shows it. Cards issued
    before kept their ``AOSIM-4821-0937``."""
    return f"{secrets.randbelow(10**8):08d}"


def new_card_state(
    pin: bytes | bytearray | memoryview,
    code: bytes | bytearray | memoryview,
    *,
    dialect: CardDialect | None = None,
    serial: str | None = None,
    kdf: Scrypt = DEFAULT_KDF,
) -> SimCardState:
    """A freshly issued card holding ``pin`` and the unblocking ``code`` (only their hashes are kept)."""
    return SimCardState(
        serial=serial or new_serial(),
        issued=datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        dialect=dialect or CardDialect(),
        pin=SecretRecord.create(pin, kdf=kdf),
        unblock=SecretRecord.create(code, kdf=kdf),
    )


class StateStore(Protocol):
    """Where a :class:`~aosign_plugin.simcard.card.SimCard` keeps its state."""

    def locked(self) -> contextlib.AbstractContextManager[SimCardState]:
        """Hold the state for one operation; yields the loaded state (reentrant)."""
        ...

    def save(self, state: SimCardState) -> None:
        """Persist ``state`` before returning."""
        ...


class MemoryStore:
    """A :class:`StateStore` in memory, for tests: ``locked`` yields a copy, ``save`` keeps a copy."""

    def __init__(self, state: SimCardState) -> None:
        self.state = state.copy()
        self.saves = 0
        self._held: SimCardState | None = None
        self._depth = 0

    @contextlib.contextmanager
    def locked(self) -> Iterator[SimCardState]:
        if self._depth == 0:
            self._held = self.state.copy()
        assert self._held is not None
        self._depth += 1
        try:
            yield self._held
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._held = None

    def save(self, state: SimCardState) -> None:
        self.state = state.copy()
        self.saves += 1


if sys.platform == "win32":
    import msvcrt

    def _lock_file(fd: int) -> None:
        while True:
            try:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return
            except OSError:
                time.sleep(_LOCK_POLL)

    def _unlock_file(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

    def _fsync_dir(directory: Path) -> None:
        # Windows cannot open a directory for fsync; os.replace is already durable enough there.
        return None

else:
    import fcntl

    def _lock_file(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock_file(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

    def _fsync_dir(directory: Path) -> None:
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class CardStore:
    """The state file at ``path`` and its lock file ``path + ".lock"``.

    :meth:`locked` is reentrant within one :class:`CardStore` object (and thread-safe); two objects for the
    same path in one process exclude each other like two processes do, so do not nest them.

    A folder that cannot be written (read-only, or another user's) still lets the card be read: the lock is then
    taken on an existing lock file opened for reading, or not at all when there is none (nothing can be written
    there either); a command that must save the state then fails with :class:`CardStateUnwritableError`.
    """

    #: a state file is a few hundred bytes: anything much larger is not one
    MAX_BYTES = 1 << 20

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._mutex = threading.RLock()
        self._depth = 0
        self._lock_fd: int | None = None
        self._held: SimCardState | None = None

    def exists(self) -> bool:
        """Something is at the state's path (a file, or a link or folder that :meth:`load` will name)."""
        return os.path.lexists(self.path)

    def _open_lock(self) -> int | None:
        """The lock file, opened for writing, else (a read-only folder) for reading, else ``None``."""
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            if exc.errno not in _CANNOT_WRITE:
                raise CardStateUnreadableError(
                    f"cannot open the lock file {self.lock_path}: {_why(exc)}",
                    path=self.lock_path,
                    detail=f"{self.lock_path}: {_why(exc)}",
                ) from None
        try:
            return os.open(self.lock_path, os.O_RDONLY)
        except OSError:
            return None  # nothing can be written in this folder: there is nothing to guard against

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the cross-process lock (reentrant) without loading the state.

        :raises CardStateUnreadableError: the lock file exists but cannot be opened.
        """
        with self._mutex:
            if self._depth == 0:
                fd = self._open_lock()
                if fd is not None:
                    try:
                        _lock_file(fd)
                    except BaseException:
                        os.close(fd)
                        raise
                self._lock_fd = fd
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._held = None
                    held_fd = self._lock_fd
                    self._lock_fd = None
                    if held_fd is not None:
                        try:
                            _unlock_file(held_fd)
                        finally:
                            os.close(held_fd)

    @contextlib.contextmanager
    def locked(self) -> Iterator[SimCardState]:
        """Hold the lock and yield the state, loaded once by the outermost call.

        :raises CardStateMissingError: no state file.
        :raises CardStateCorruptError: the file is not a valid state (or cannot be read).
        """
        with self.lock():
            if self._held is None:
                self._held = self.load()
            yield self._held

    def _read(self) -> bytes:
        """The file's bytes, never through a symbolic link, at most :attr:`MAX_BYTES`."""
        path = self.path
        try:
            if path.is_symlink():
                raise CardStateSymlinkError(
                    f"the simulated card state {path} is a symbolic link to {os.readlink(path)}",
                    path=path,
                    detail=f"{path} -> {os.readlink(path)}",
                )
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
        except FileNotFoundError:
            raise CardStateMissingError(f"no simulated card state at {path}", path=path) from None
        except OSError as exc:
            raise CardStateUnreadableError(
                f"cannot read the simulated card state {path}: {_why(exc)}",
                path=path,
                detail=f"{path}: {_why(exc)}",
            ) from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise CardStateUnreadableError(
                    f"the simulated card state {path} is not a regular file",
                    path=path,
                    detail=f"{path}: not a regular file",
                )
            if info.st_size > self.MAX_BYTES:
                raise CardStateCorruptError(
                    f"the simulated card state {path} is {info.st_size} bytes: not a card state",
                    path=path,
                    detail=str(path),
                )
            chunks: list[bytes] = []
            while chunk := os.read(fd, 65536):
                chunks.append(chunk)
            return b"".join(chunks)
        except OSError as exc:
            raise CardStateUnreadableError(
                f"cannot read the simulated card state {path}: {_why(exc)}",
                path=path,
                detail=f"{path}: {_why(exc)}",
            ) from None
        finally:
            os.close(fd)

    def load(self) -> SimCardState:
        """Read and validate the state (no lock needed to read: writes are atomic renames).

        :raises CardStateMissingError: no state file.
        :raises CardStateCorruptError: the file is not a valid state; its subclasses say more: a value no card can
            have (:class:`CardStateInvalidError`), a file that cannot be read (:class:`CardStateUnreadableError`)
            or a symbolic link (:class:`CardStateSymlinkError`).
        """
        path = self.path
        raw = self._read()
        if not raw.strip():
            raise CardStateCorruptError(f"the simulated card state {path} is empty", path=path, detail=str(path))
        try:
            obj = json.loads(raw)
        except UnicodeDecodeError:
            raise CardStateCorruptError(
                f"the simulated card state {path} is not text", path=path, detail=str(path)
            ) from None
        except json.JSONDecodeError as exc:
            where = "cut short" if exc.pos >= len(raw.rstrip()) else f"line {exc.lineno}, column {exc.colno}"
            raise CardStateCorruptError(
                f"the simulated card state {path} is not JSON ({where})", path=path, detail=str(path)
            ) from None
        except RecursionError:
            raise CardStateCorruptError(
                f"the simulated card state {path} is nested too deeply", path=path, detail=str(path)
            ) from None
        try:
            return SimCardState.from_json(obj)
        except StateFieldError as exc:
            raise CardStateInvalidError(
                f"the simulated card state {path} is invalid: {exc}", path=path, detail=f"{path} ({exc.field})"
            ) from None
        except ValueError as exc:
            raise CardStateCorruptError(
                f"the simulated card state {path} is not a card state: {exc}", path=path, detail=str(path)
            ) from None

    def save(self, state: SimCardState) -> None:
        """Write ``state`` atomically (temp file, fsync, :func:`os.replace`, fsync of the directory).

        :raises CardStateUnwritableError: it could not be written; the old state is still there.
        """
        with self.lock():
            self._write(state)
            if self._held is not None and self._held is not state:
                self._held = state.copy()

    def create(
        self, state: SimCardState, *, force: bool = False, before_replace: Callable[[], None] | None = None
    ) -> None:
        """Write a newly issued card.

        :param before_replace: called once the new state is written and synced beside the old one, before it
            replaces it (the card's sheet is shown then): when it raises, the old card stays and what it raised
            goes on.
        :raises FileExistsError: a state file exists and ``force`` is false.
        :raises CardStateUnwritableError: it could not be written.
        """
        with self.lock():
            if not force and self.exists():
                raise FileExistsError(f"a simulated card already exists at {self.path}")
            self._write(state, before_replace)
            self._held = None

    def _write(self, state: SimCardState, before_replace: Callable[[], None] | None = None) -> None:
        try:
            self._write_atomically(state, before_replace)
        except OSError as exc:
            raise CardStateUnwritableError(
                f"the simulated card state {self.path} could not be written: {_why(exc)}",
                path=self.path,
                detail=f"{self.path}: {_why(exc)}",
            ) from None

    def _write_atomically(self, state: SimCardState, before_replace: Callable[[], None] | None = None) -> None:
        data = json.dumps(state.to_json(), indent=2, sort_keys=True).encode("utf-8") + b"\n"
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=directory)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as fh:
                _chmod_private(fh, tmp)
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if before_replace is not None:
                before_replace()
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        _fsync_dir(directory)


def _why(exc: OSError) -> str:
    """What the OS said, for a message (an ``OSError`` raised by hand may have no ``strerror``)."""
    return exc.strerror or str(exc)


def _chmod_private(fh: IO[bytes], path: Path) -> None:
    if sys.platform == "win32":
        os.chmod(path, 0o600)
    else:
        os.fchmod(fh.fileno(), 0o600)
