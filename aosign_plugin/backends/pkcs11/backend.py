"""PKCS#11 backend: the card through its vendor's module, with python-pkcs11.

python-pkcs11 is imported here only, and only when an operation needs the module (``import pkcs11`` costs ~48 ms).
No PKCS#11 exception leaves this module: each becomes an error of :mod:`aosign_plugin.domain.errors`.

What PKCS#11 gives and what it does not:

- The token says how its PINs stand only through flags (``CKF_USER_PIN_COUNT_LOW / FINAL_TRY / LOCKED`` and their
  ``SO_PIN`` twins, read fresh with ``C_GetTokenInfo`` before each operation); a count is exact only where a flag
  says it (final try: 1, locked: 0), else ``None``.
- Change: a user login with the current PIN, then ``C_SetPIN``. Unlock, per :class:`UnblockStyle` (chosen by
  configuration, never by trying): the standard SO login with the unblocking code and ``C_InitPIN``, or OpenSC's
  ``set_pin_in_specific_context`` / ``set_pin_in_unlogged_session`` sequences.
- python-pkcs11 leaves the session it opened behind when ``C_Login`` fails (``Token.open``); this backend then ends
  the sessions through python-pkcs11's own function table by re-initialising the module (:meth:`Pkcs11Backend.
  _close_all`: a second table would not do behind p11-kit's proxy). ``C_SetPIN`` / ``C_InitPIN`` with ``NULL``
  PINs on a protected authentication path (a PIN pad behind the module), which python-pkcs11 cannot express, go
  through the module's function list (:class:`_RawModule`, ctypes).

PINs: python-pkcs11 calls ``pin.encode("utf-8")`` and hands the result's buffer to the module. :class:`_PinArg`
answers with a ``bytearray`` copy of the secret that is wiped as soon as the call returns: the one unavoidable copy,
held only for the call, and no ``str`` or ``bytes`` (which could not be wiped) is ever made of a PIN.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum, unique
from typing import TYPE_CHECKING, Any, TypeVar, cast

from aosign_plugin.config.platforms import os_key
from aosign_plugin.config.token_uri import Pkcs11Uri, UriError, parse_uri
from aosign_plugin.domain.card_status import CardIdentity, CardStatus, Counter, CounterSource, SecretKind
from aosign_plugin.domain.certificates import RawCertificate, UnreadableCertificate
from aosign_plugin.domain.errors import (
    AosignError,
    CardDeadError,
    CardRefusedInputError,
    CardStateChangedError,
    CardUnavailableError,
    PinBlockedError,
    PinIncorrectError,
)
from aosign_plugin.domain.secret import Secret, wipe_bytearray
from hostapp_stub.api import Untrusted, untrusted

if TYPE_CHECKING:
    from pkcs11 import Session, Slot, Token

    from aosign_plugin.config.settings import Settings
    from aosign_plugin.transport.presence import Presence, PresenceWatch

#: certificate objects read at most per status
MAX_CERTIFICATES = 32
#: how often the slot list is looked at while the window watches (C_GetSlotList: no session, no login)
SLOT_WATCH_S = 1.0

__all__ = ["SLOT_WATCH_S", "Pkcs11Backend", "UnblockStyle", "counters_from_flags"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

# CK_TOKEN_INFO flags (PKCS#11 v2.40 §4.5), here so that reading them needs no import of python-pkcs11
CKF_USER_PIN_INITIALIZED = 0x00000008
CKF_PROTECTED_AUTHENTICATION_PATH = 0x00000100
CKF_TOKEN_INITIALIZED = 0x00000400
CKF_USER_PIN_COUNT_LOW = 0x00010000
CKF_USER_PIN_FINAL_TRY = 0x00020000
CKF_USER_PIN_LOCKED = 0x00040000
CKF_SO_PIN_COUNT_LOW = 0x00100000
CKF_SO_PIN_FINAL_TRY = 0x00200000
CKF_SO_PIN_LOCKED = 0x00400000

#: the return values this module names itself (the ones the raw calls can meet), by python-pkcs11's class names
_CKR_NAMES = {
    0x05: "GeneralError",
    0x06: "FunctionFailed",
    0x07: "ArgumentsBad",
    0x30: "DeviceError",
    0x31: "DeviceMemory",
    0x32: "DeviceRemoved",
    0x54: "FunctionNotSupported",
    0xA0: "PinIncorrect",
    0xA1: "PinInvalid",
    0xA2: "PinLenRange",
    0xA3: "PinExpired",
    0xA4: "PinLocked",
    0xA5: "PinTooWeak",
    0xB0: "SessionClosed",
    0xB3: "SessionHandleInvalid",
    0xB5: "SessionReadOnly",
    0xE0: "TokenNotPresent",
    0x101: "UserNotLoggedIn",
    0x190: "CryptokiNotInitialized",
}
_CKR_VALUES = {name: rv for rv, name in _CKR_NAMES.items()}
#: the token went away or stopped answering
_GONE = frozenset(
    {"DeviceError", "DeviceMemory", "DeviceRemoved", "SessionClosed", "SessionHandleInvalid", "TokenNotPresent"}
)
#: the module refused the new PIN's format; no try was counted
_REFUSED = frozenset({"PinInvalid", "PinLenRange", "PinTooWeak"})
#: a module that does not do the configured unblock style answers one of these
_STYLE_REFUSED = frozenset({"FunctionNotSupported", "OperationNotInitialized", "UserNotLoggedIn", "UserTypeInvalid"})


_MODULE_RULES = {
    "relative": "not an absolute path",
    "missing": "no such file",
    "not_a_file": "not a regular file",
    "writable": "writable by group or others",
    "owner": "owned by another account",
    "digest": "SHA-256 differs from the manifest's",
}


@unique
class UnblockStyle(Enum):
    """How the unblocking code resets the user PIN (OpenSC's ``user_pin_unblock_style``, chosen by configuration)."""

    #: the standard: ``C_Login(CKU_SO, code)``, then ``C_InitPIN(new)`` (OpenSC ``init_pin_in_so_session``)
    SO_INITPIN = "so-initpin"
    #: ``C_Login(CKU_CONTEXT_SPECIFIC, code)``, then ``C_SetPIN(code, new)`` (OpenSC ``set_pin_in_specific_context``)
    CONTEXT_SPECIFIC = "context-specific"
    #: ``C_SetPIN(code, new)`` in a session nobody logged in to (OpenSC ``set_pin_in_unlogged_session``)
    UNLOGGED_SETPIN = "unlogged-setpin"


def _counter(flags: int, low: int, final: int, locked: int) -> Counter:
    blocked = bool(flags & locked)
    last = bool(flags & final) and not blocked
    tries = 0 if blocked else 1 if last else None
    return Counter(tries_left=tries, low=bool(flags & low), final=last, blocked=blocked, source=CounterSource.MODULE)


@functools.lru_cache(maxsize=64)
def counters_from_flags(flags: int) -> tuple[Counter, Counter]:
    """The user PIN's and the unblocking code's counters, as a token's ``CK_TOKEN_INFO.flags`` state them.

    A token whose user PIN was never initialised reads as a blocked PIN: the way out is the same (unlock with the
    unblocking code, which initialises it with ``C_InitPIN``).

    :returns: ``(pin, unblock)``; the unblocking code's counter is the SO PIN's.
    """
    pin = _counter(flags, CKF_USER_PIN_COUNT_LOW, CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED)
    if not flags & CKF_USER_PIN_INITIALIZED:
        pin = Counter(tries_left=None, blocked=True, source=CounterSource.MODULE)
    unblock = _counter(flags, CKF_SO_PIN_COUNT_LOW, CKF_SO_PIN_FINAL_TRY, CKF_SO_PIN_LOCKED)
    return pin, unblock


def _guard(now: Counter, seen: Counter) -> None:
    if now.spent_since(seen):
        raise CardStateChangedError("the token's PIN flags changed since they were shown")


def _pin(arg: _PinArg | None) -> str:
    """``arg`` as python-pkcs11's PIN parameters are typed: it only ever calls ``encode()`` on them, which
    :class:`_PinArg` answers with its wipeable buffer (never a ``str``)."""
    if arg is None:
        raise ValueError("a PIN is needed here")
    return cast(str, arg)


def _handle(session: Session) -> int:
    """The session's ``CK_SESSION_HANDLE`` (python-pkcs11's Cython session has it; its typed base does not)."""
    return int(cast(Any, session).handle)


class _PinArg:
    """A PIN as python-pkcs11 takes it: it calls ``encode()`` and passes the buffer it gets to the module.

    ``encode`` answers with a ``bytearray`` copy of the secret (Cython reads a ``bytearray`` as ``CK_UTF8CHAR *``
    without copying it again), wiped by :meth:`wipe` right after the call.
    """

    __slots__ = ("_buf",)

    def __init__(self, secret: Secret) -> None:
        self._buf = bytearray(secret.view())

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytearray:
        return self._buf

    def wipe(self) -> None:
        wipe_bytearray(self._buf)

    def __repr__(self) -> str:
        return "_PinArg(***)"


@contextmanager
def _pin_args(*secrets: Secret | None) -> Iterator[list[_PinArg | None]]:
    args = [None if s is None else _PinArg(s) for s in secrets]
    try:
        yield args
    finally:
        for arg in args:
            if arg is not None:
                arg.wipe()


class _RawModule:
    """The calls python-pkcs11 does not expose, made through the module's own ``CK_FUNCTION_LIST`` (ctypes).

    The module is opened by the same path python-pkcs11 loaded, so the loader hands back the same, already
    initialised instance.
    """

    #: the function list's first entries, in PKCS#11's order (v2.40 §5.1.x); we read no further than C_Logout
    _NAMES = (
        "C_Initialize",
        "C_Finalize",
        "C_GetInfo",
        "C_GetFunctionList",
        "C_GetSlotList",
        "C_GetSlotInfo",
        "C_GetTokenInfo",
        "C_GetMechanismList",
        "C_GetMechanismInfo",
        "C_InitToken",
        "C_InitPIN",
        "C_SetPIN",
        "C_OpenSession",
        "C_CloseSession",
        "C_CloseAllSessions",
        "C_GetSessionInfo",
        "C_GetOperationState",
        "C_SetOperationState",
        "C_Login",
        "C_Logout",
    )

    def __init__(self, path: str) -> None:
        import ctypes

        ulong = ctypes.c_ulong
        version = type(
            "CK_VERSION", (ctypes.Structure,), {"_fields_": [("major", ctypes.c_ubyte), ("minor", ctypes.c_ubyte)]}
        )
        body: dict[str, Any] = {"_fields_": [("version", version), *((n, ctypes.c_void_p) for n in self._NAMES)]}
        if sys.platform == "win32":
            body["_pack_"] = 1  # cryptoki's Windows headers pack its structures to 1 byte
        function_list: Any = type("CK_FUNCTION_LIST", (ctypes.Structure,), body)
        dll = ctypes.CDLL(path)
        get = dll.C_GetFunctionList
        get.restype = ulong
        get.argtypes = [ctypes.POINTER(ctypes.POINTER(function_list))]
        pointer = ctypes.POINTER(function_list)()
        rv = get(ctypes.byref(pointer))
        if rv != 0 or not pointer:
            raise OSError(f"C_GetFunctionList returned 0x{rv:X}")
        table = pointer.contents
        # cryptoki's calling convention is cdecl on every platform, 32-bit Windows included: CFUNCTYPE
        self._set_pin = ctypes.CFUNCTYPE(ulong, ulong, ctypes.c_char_p, ulong, ctypes.c_char_p, ulong)(table.C_SetPIN)
        self._init_pin = ctypes.CFUNCTYPE(ulong, ulong, ctypes.c_char_p, ulong)(table.C_InitPIN)
        self._dll = dll  # keeps the library referenced for as long as the function pointers are

    def set_pin_on_pinpad(self, session_handle: int) -> int:
        """``C_SetPIN(h, NULL, 0, NULL, 0)``: the reader's PIN pad asks for both PINs."""
        return int(self._set_pin(session_handle, None, 0, None, 0))

    def init_pin_on_pinpad(self, session_handle: int) -> int:
        """``C_InitPIN(h, NULL, 0)``: the reader's PIN pad asks for the new PIN."""
        return int(self._init_pin(session_handle, None, 0))


_raw_modules: dict[str, _RawModule] = {}


def _raw(path: str) -> _RawModule:
    raw = _raw_modules.get(path)
    if raw is None:
        raw = _raw_modules[path] = _RawModule(path)
    return raw


class _RawError(Exception):
    """A raw call's return value, named like python-pkcs11's exception for it so one mapping serves both."""

    def __init__(self, rv: int) -> None:
        super().__init__(f"CKR 0x{rv:X}")
        self.name = _CKR_NAMES.get(rv, f"CKR_0x{rv:X}")


def _error_name(error: Exception) -> str:
    if isinstance(error, _RawError):
        return error.name
    name = type(error).__name__
    if name == "PKCS11Error" and "User type invalid" in str(error):
        return "UserTypeInvalid"
    return name


class Pkcs11Backend:
    """The one token the ``[pkcs11] token`` URI picks, in the module ``[pkcs11] module.<os>`` names.

    :param settings: the plugin's settings (module paths per OS, token URI).
    :param unblock_style: how the unblocking code resets the PIN (:class:`UnblockStyle` or its value).
    :param module_path: the module, when found otherwise than by ``[pkcs11] module.<os>`` (e.g. through p11-kit).
    :raises CardUnavailableError: ``module``: no module for this OS, no such file, a URI that is refused (it would
        carry a PIN, or cannot be parsed), an unknown unblock style.
    """

    name = "pkcs11"

    def __init__(
        self,
        settings: Settings,
        *,
        unblock_style: UnblockStyle | str = UnblockStyle.SO_INITPIN,
        module_path: str | None = None,
    ) -> None:
        key = os_key()
        path = module_path or settings.pkcs11_module or settings.pkcs11_modules.get(key)
        if path is None:
            raise CardUnavailableError("module", f"no module for this OS: set [pkcs11] module.{key} in the manifest")
        from aosign_plugin.config.module_rules import ModuleProblem, check_module

        try:  # the manifest check ran at start; the file is checked again right before it is loaded
            check_module(
                path,
                settings.pkcs11_sha256.get(key),
                pinned_by_system=settings.pkcs11_pinned_by_system,
                administrator=settings.pkcs11_module_locked,
            )
        except ModuleProblem as e:
            raise CardUnavailableError("module", f"{e.path}: {_MODULE_RULES.get(e.rule, e.rule)}") from None
        self.module_path = path
        try:
            self.uri: Pkcs11Uri = parse_uri(settings.pkcs11_token or "pkcs11:")
        except UriError as e:
            raise CardUnavailableError("module", "[pkcs11] token: " + "; ".join(e.problems)) from None
        try:
            self.unblock_style = UnblockStyle(unblock_style)
        except ValueError:
            allowed = ", ".join(s.value for s in UnblockStyle)
            raise CardUnavailableError("module", f"unknown unblock style; use one of: {allowed}") from None
        #: the token's label and slot, once found
        self.reader: str | None = None  # Untrusted (the module's token label and slot)
        #: the token's slot as the module describes it (a PC/SC reader's name, for modules over PC/SC), once found
        self.slot_description: Untrusted | None = None
        self._flags: int | None = None
        self._p11: Any = None
        self._library_checked = False
        self._any = self.uri.picks_any
        #: ``[status] expiry_warn_days``
        self.expiry_warn_days = settings.expiry_warn_days
        #: ``[plugin] card_busy_wait``
        self.busy_wait = settings.card_busy_wait

    # --- the module and the token -------------------------------------------------------------------------------

    def _bounded(self, during: str, fn: Callable[[], T]) -> T:
        """``fn()`` within ``[plugin] card_busy_wait``: a module over PC/SC (OpenSC with ``lock_login``) blocks in
        its calls while another program holds the card. Only calls that send no PIN are bounded so: one given up on
        is left to finish in its thread, and such a call may finish late without harm.

        :raises CardUnavailableError: ``card_in_use``.
        """
        from aosign_plugin.transport.bounded import BusyError, bounded_call

        try:
            return bounded_call(fn, self.busy_wait, lambda _late: None, name="aosign-pkcs11")
        except BusyError as e:
            where = self.slot_description or self.module_path
            raise CardUnavailableError("card_in_use", f"{where}: {during} waited {e.waited:g} s") from None

    def _library(self) -> Any:
        """The module, loaded and initialised, within the busy limit (:meth:`_bounded`)."""
        return self._bounded("C_Initialize", self._library_now)

    def _find(self) -> Token:
        """The one token the URI picks, read fresh, within the busy limit (:meth:`_bounded`)."""
        return self._bounded("C_GetTokenInfo", self._find_now)

    def _library_now(self) -> Any:
        """The module, loaded and initialised (python-pkcs11 keeps one per path, so this is cheap after the first
        call; not held here, so that a host that unloads and reloads the module is followed)."""
        path = self.module_path
        if self._p11 is None:
            try:
                import pkcs11
            except ImportError:
                raise CardUnavailableError(
                    "module", "python-pkcs11, a dependency of aosign-plugin, is missing: reinstall aosign-plugin"
                ) from None
            self._p11 = pkcs11
        pkcs11 = self._p11
        from aosign_plugin.backends.pkcs11.module_loader import cause_detail, explain_failure, prepare_load

        try:
            prepare_load(path)  # Windows: the module's own folder searched for the DLLs it needs
            lib = pkcs11.lib(path)
        except OSError as e:
            cause = explain_failure(path, getattr(e, "winerror", None), str(e))
            if cause is not None:
                raise CardUnavailableError(f"module_{cause.reason}", cause_detail(path, cause)) from None
            why = e.strerror or str(e) or "cannot be loaded"
            raise CardUnavailableError("module", f"{path}: not a PKCS#11 module this system can load ({why})") from None
        except pkcs11.PKCS11Error as e:
            text = str(e)
            prefix = f"OS exception while loading {path}: "
            if text.startswith(prefix) or type(e) is pkcs11.PKCS11Error:
                cause = explain_failure(path, None, text)
                if cause is not None:
                    raise CardUnavailableError(f"module_{cause.reason}", cause_detail(path, cause)) from None
                why = text.removeprefix(prefix) or "cannot be loaded"
                raise CardUnavailableError(
                    "module", f"{path}: not a PKCS#11 module this system can load ({why})"
                ) from None
            raise CardUnavailableError("module", f"{path}: C_Initialize failed ({_error_name(e)})") from None
        return lib

    def _unavailable(self, error: Exception, during: str) -> CardUnavailableError:
        name = _error_name(error)
        if name in _GONE:
            return CardUnavailableError("card_gone", f"{self.reader or self.module_path}: {name} during {during}")
        return CardUnavailableError("module", f"{self.module_path}: {name} during {during}")

    def _call(self, during: str, fn: Callable[[], T]) -> T:
        """Run one python-pkcs11 call outside a PIN operation: any PKCS#11 error means the module or token failed."""
        try:
            return fn()
        except self._p11.PKCS11Error as e:
            raise self._unavailable(e, during) from None

    @staticmethod
    def _describe(slot: Slot, token: Token) -> str:
        serial = token.serial.decode("ascii", "replace").strip()
        return f"'{token.label}' serial {serial or '-'} ({slot.slot_description})"

    def _find_now(self) -> Token:
        """The one token the URI picks, read fresh (its flags are a snapshot of this moment)."""
        lib = self._library_now()
        uri = self.uri
        if not self._library_checked:
            if not uri.matches_library(lib.library_description, lib.manufacturer_id, lib.library_version):
                version = "{}.{}".format(*lib.library_version)
                raise CardUnavailableError(
                    "no_token",
                    f"{self.module_path} is '{lib.library_description}' {version} by '{lib.manufacturer_id}', "
                    f"not the library {uri} names",
                )
            self._library_checked = True
        p11 = self._p11
        seen: list[tuple[Slot, Token]] = []
        found: list[tuple[Slot, Token, int]] = []
        for slot in self._call("C_GetSlotList", lambda: lib.get_slots(token_present=True)):
            try:
                token = slot.get_token()
            except (p11.TokenNotPresent, p11.TokenNotRecognised):
                continue
            except p11.PKCS11Error as e:
                raise self._unavailable(e, "C_GetTokenInfo") from None
            seen.append((slot, token))
            if self._any or (
                uri.matches_slot(slot.slot_id, slot.slot_description, slot.manufacturer_id)
                and uri.matches_token(
                    token.label,
                    token.manufacturer_id,
                    "" if uri.serial is None else token.serial.decode("ascii", "replace"),
                    token.model,
                )
            ):
                flags = int(token.flags)
                if flags & CKF_TOKEN_INITIALIZED:  # not an empty slot's blank token (SoftHSM2 always offers one)
                    found.append((slot, token, flags))
        if not found:
            present = [self._describe(s, t) for s, t in seen if t.flags & CKF_TOKEN_INITIALIZED]
            raise CardUnavailableError("no_token", f"{uri}; present: {', '.join(present) or 'none'}")
        if len(found) > 1:
            raise CardUnavailableError("several_tokens", ", ".join(self._describe(s, t) for s, t, _ in found))
        slot, token, self._flags = found[0]
        # the module's texts: marked where they enter, never interpreted where they are shown
        self.slot_description = Untrusted(str(slot.slot_description))
        self.reader = Untrusted(f"{token.label} ({slot.slot_description})")
        return token

    # --- for ``aosign-host doctor``: read-only, no session, no login -------------------------------------------

    def library_info(self) -> str:
        """The module as it describes itself (``CK_INFO``), once loaded and initialised.

        :raises CardUnavailableError: ``module``: it cannot be loaded or initialised (the cause named).
        """
        lib = self._library()
        version = "{}.{}".format(*lib.library_version)
        return f"'{lib.library_description}' {version} ({lib.manufacturer_id})"

    def slot_inventory(self) -> list[tuple[str, str | None]]:
        """Every slot (its id and description) with the label of the initialised token it holds (None: none).

        :raises CardUnavailableError: the module failed; ``card_in_use`` (:meth:`_bounded`).
        """
        return self._bounded("C_GetTokenInfo", self._slot_inventory_now)

    def _slot_inventory_now(self) -> list[tuple[str, str | None]]:
        lib = self._library_now()
        p11 = self._p11
        found: list[tuple[str, str | None]] = []
        for slot in self._call("C_GetSlotList", lambda: lib.get_slots(token_present=False)):
            slot_name = f"{slot.slot_id}: {str(slot.slot_description).strip()}"
            try:
                token = slot.get_token()
            except (p11.TokenNotPresent, p11.TokenNotRecognised):
                found.append((slot_name, None))
                continue
            except p11.PKCS11Error as e:
                raise self._unavailable(e, "C_GetTokenInfo") from None
            initialised = bool(int(token.flags) & CKF_TOKEN_INITIALIZED)
            found.append((slot_name, self._describe(slot, token) if initialised else None))
        return found

    def pick_token(self) -> str:
        """The token the ``[pkcs11] token`` URI picks, described (label, serial, slot).

        :raises CardUnavailableError: ``no_token`` or ``several_tokens`` (what is present named), ``module``.
        """
        token = self._find()
        return self._describe(token.slot, token)

    def _fresh_flags(self, token: Token) -> int:
        fresh = self._call("C_GetTokenInfo", lambda: token.slot.get_token())
        self._flags = int(fresh.flags)
        return self._flags

    @property
    def protected_path(self) -> bool:
        """The token has a protected authentication path (a PIN pad): PINs are entered there, not asked for.

        The service should then ask for no PIN and pass ``None``, telling the user to enter it on the reader.
        """
        if self._flags is None:
            self._find()
        return bool((self._flags or 0) & CKF_PROTECTED_AUTHENTICATION_PATH)

    # --- errors ----------------------------------------------------------------------------------------------------

    def _wrong(self, token: Token, kind: SecretKind, *, code_in_user_flags: bool = False) -> AosignError:
        """The error for a wrong PIN or code: what is left comes from the flags as they are now.

        :param code_in_user_flags: the code was checked by ``C_InitPIN`` (a module with no SO PIN of its own, such
            as OpenSC's ``init_pin_in_so_session``): such a module files the code's remaining tries under the
            *user* PIN's flags (FINAL_TRY at 1, LOCKED at 0), so they are read there.
        """
        try:
            pin, unblock = counters_from_flags(self._fresh_flags(token))
        except CardUnavailableError:
            return PinIncorrectError(kind, None)  # the try was counted; how many are left, the token won't say
        counter = pin if kind is SecretKind.PIN or code_in_user_flags else unblock
        if counter.blocked:
            return PinBlockedError(just_now=True) if kind is SecretKind.PIN else CardDeadError(just_now=True)
        return PinIncorrectError(kind, 1 if counter.final else None)

    def _failed(self, error: Exception, token: Token, kind: SecretKind | None, during: str) -> AosignError:
        """Map a PKCS#11 error met while ``kind`` (``None``: no secret being checked) was in play."""
        name = _error_name(error)
        if name == "PinIncorrect" and kind is not None:
            return self._wrong(token, kind, code_in_user_flags=during == "C_InitPIN")
        if name == "PinLocked":
            return CardDeadError() if kind is SecretKind.UNBLOCK else PinBlockedError()
        if name in _REFUSED:
            return CardRefusedInputError(_CKR_VALUES[name])
        return self._unavailable(error, during)

    def _style_refused(self, error: Exception, during: str) -> CardUnavailableError:
        return CardUnavailableError(
            "module",
            f"{self.module_path}: unblock style {self.unblock_style.value} not supported by this module "
            f"({_error_name(error)} during {during})",
        )

    def _close_all(self, token: Token) -> None:
        """End every session this process opened through python-pkcs11, through the function table that opened
        them: python-pkcs11's own, by re-initialising the module (``C_Finalize`` closes them all; ``C_Initialize``
        again). Used when python-pkcs11 lost a session's handle (a failed ``C_Login`` in ``Token.open``) or could
        not close one.

        A second table from ``C_GetFunctionList`` would not do: p11-kit's proxy hands out a new, uninitialised one
        per call (its ``C_CloseAllSessions`` answers CKR_CRYPTOKI_NOT_INITIALIZED, and would not know the first
        table's sessions anyway). And a module over PC/SC lets go of the card only so: OpenSC with ``lock_login``
        keeps the card locked (a PC/SC transaction) after a failed login, for every other program, until
        ``C_Finalize``.
        """
        try:
            self._p11.lib(self.module_path).reinitialize()
        except self._p11.PKCS11Error as e:
            logger.warning("could not close the module's sessions: %s", _error_name(e))

    @contextmanager
    def _session(
        self, token: Token, *, user: str | None, secret: _PinArg | None, kind: SecretKind
    ) -> Iterator[Session]:
        """A read/write session, logged in as ``user`` (``"user"``, ``"so"`` or ``None``) with ``secret``
        (``None``: on the PIN pad); closed whatever happens, and no session left behind by a failed login."""
        p11 = self._p11
        pin: Any = p11.PROTECTED_AUTH if secret is None else secret
        login = {} if user is None else {"so_pin": pin} if user == "so" else {"user_pin": pin}
        try:
            session = token.open(rw=True, **login)
        except p11.PKCS11Error as e:
            # python-pkcs11 opened a session for C_Login and lost its handle when the login failed
            self._close_all(token)
            raise self._failed(e, token, kind, "C_Login" if user else "C_OpenSession") from None
        try:
            yield session
        finally:
            try:
                session.close()
            except p11.PKCS11Error as e:
                logger.warning("closing the session failed (%s); closing the slot's sessions", _error_name(e))
                self._close_all(token)

    def _raw_call(self, fn: Callable[[_RawModule], int]) -> None:
        rv = fn(_raw(self.module_path))
        if rv != 0:
            raise _RawError(rv)

    @contextmanager
    def user_session(self, pin: Secret | None, *, seen: Counter, now: Counter | None = None) -> Iterator[Session]:
        """A read/write session logged in as the user with ``pin`` (``None``: on the PIN pad), for signing.

        The PIN's copy handed to the module is wiped as soon as the login returns, and the session closed on exit;
        a failed login leaves no session behind.

        :param seen: the PIN counter the user was shown; :param now: a fresher reading, when the caller has one
            (an exact one over PC/SC), else the token's flags are read.
        :raises CardStateChangedError: the counter got worse since ``seen``; nothing was sent.
        :raises PinIncorrectError, PinBlockedError: the login failed.
        """
        token = self._find()
        _guard(now if now is not None else counters_from_flags(self._flags or 0)[0], seen)
        with _pin_args(pin) as (arg,), self._session(token, user="user", secret=arg, kind=SecretKind.PIN) as session:
            if arg is not None:
                arg.wipe()  # logged in: no copy of the PIN is kept while the session is used
            yield session

    # --- the protocol ------------------------------------------------------------------------------------------------

    def status(self) -> CardStatus:
        """The token's flags, serial and certificates (no login), within the busy limit."""
        return self._bounded("C_FindObjects", self._status_now)

    def _status_now(self) -> CardStatus:
        token = self._find_now()
        pin, unblock = counters_from_flags(self._flags or 0)
        from aosign_plugin.backends.certificate_cache import CertificateCache, default_cache_path, evaluate

        certificates, unreadable = evaluate(
            self._certificates(token), warn_days=self.expiry_warn_days, cache=CertificateCache(default_cache_path())
        )
        serial = untrusted(token.serial.decode("ascii", "replace").strip() or None)
        return CardStatus(
            backend=self.name,
            reader=untrusted(self.reader),
            pin=pin,
            unblock=unblock,
            serial=serial,
            certificates=certificates,
            unreadable_certificates=unreadable,
            identity=self._id(token),
        )

    def _certificates(self, token: Any) -> list[RawCertificate | UnreadableCertificate]:
        """The token's certificate objects, read in a public session (no login, no try): ``CKA_LABEL``, ``CKA_ID``
        and ``CKA_VALUE`` of each ``CKO_CERTIFICATE``. One that cannot be read is reported, the rest still read.

        :raises CardUnavailableError: the token went away.
        """
        p11 = self._p11
        found: list[RawCertificate | UnreadableCertificate] = []

        def attribute(obj: Any, which: Any) -> Any:
            try:
                return obj[which]
            except (p11.PKCS11Error, KeyError, UnicodeDecodeError):
                return None

        try:
            with token.open() as session:
                for obj in session.get_objects({p11.Attribute.CLASS: p11.ObjectClass.CERTIFICATE}):
                    found_label = attribute(obj, p11.Attribute.LABEL)
                    label = Untrusted(found_label) if isinstance(found_label, str) and found_label else None
                    if len(found) >= MAX_CERTIFICATES:
                        found.append(UnreadableCertificate(label, "too_many"))
                        break
                    value = attribute(obj, p11.Attribute.VALUE)
                    key_id = attribute(obj, p11.Attribute.ID)
                    if not isinstance(value, bytes | bytearray) or not value:
                        found.append(UnreadableCertificate(label, "unreadable", "CKA_VALUE"))
                        continue
                    ident = bytes(key_id).hex() if isinstance(key_id, bytes | bytearray) and key_id else None
                    found.append(RawCertificate(label, bytes(value), ident))
        except p11.PKCS11Error as e:
            if _error_name(e) in _GONE:
                raise self._unavailable(e, "C_FindObjects") from None
            found.append(UnreadableCertificate(None, "unreadable", _error_name(e)))
        return found

    def _id(self, token: Any) -> CardIdentity:
        serial = untrusted(token.serial.decode("ascii", "replace").strip() or None)
        return CardIdentity(reader=self.slot_description, serial=serial)

    def identity(self) -> CardIdentity:
        """The token's slot and serial (C_GetSlotList, C_GetTokenInfo): no session, no login."""
        return self._id(self._find())

    def watch(self, on_change: Callable[[Presence], None]) -> PresenceWatch:
        """Watch the slot list (slots with a token): no session, no login. :raises CardUnavailableError: no module."""
        from aosign_plugin.transport.presence import Presence, PresenceWatch

        lib = self._library()
        p11 = self._p11

        class SlotWatch(PresenceWatch):
            def _watch(self) -> None:
                while not self._stopping.is_set():
                    try:
                        slots = lib.get_slots(token_present=True)
                        cards = tuple(CardIdentity(reader=Untrusted(str(slot.slot_description))) for slot in slots)
                        self._report(Presence("card" if cards else "no_token", cards))
                    except p11.PKCS11Error as e:
                        self._report(Presence("module", detail=_error_name(e)))
                    self._stopping.wait(SLOT_WATCH_S)

        return SlotWatch(on_change, name="aosign-pkcs11-watch").start()

    def change_pin(self, old: Secret | None, new: Secret | None, *, seen: Counter) -> None:
        """Log in with ``old`` and ``C_SetPIN(old, new)``; ``None`` for both: on the reader's PIN pad.

        :raises CardStateChangedError: the flags got worse than ``seen``; nothing was sent.
        """
        token = self._find()
        _guard(counters_from_flags(self._flags or 0)[0], seen)
        on_pad = self._pad(token, old, new)
        logger.info("Changing the PIN through PKCS#11")
        with (
            _pin_args(old, new) as (old_arg, new_arg),
            self._session(token, user="user", secret=old_arg, kind=SecretKind.PIN) as session,
        ):
            try:
                if on_pad:
                    self._raw_call(lambda raw: raw.set_pin_on_pinpad(_handle(session)))
                else:
                    session.set_pin(_pin(old_arg), _pin(new_arg))
            except (self._p11.PKCS11Error, _RawError) as e:
                raise self._failed(e, token, SecretKind.PIN, "C_SetPIN") from None

    def unblock_pin(self, code: Secret | None, new: Secret | None, *, seen: Counter) -> None:
        """Reset the PIN with the unblocking code, in the configured :class:`UnblockStyle`; ``None``: on the pad.

        :raises CardStateChangedError: the SO flags got worse than ``seen``; nothing was sent.
        """
        token = self._find()
        _guard(counters_from_flags(self._flags or 0)[1], seen)
        on_pad = self._pad(token, code, new)
        style = self.unblock_style
        if on_pad and style is not UnblockStyle.SO_INITPIN:
            raise CardUnavailableError("module", f"unblock style {style.value} on a PIN pad is not supported")
        logger.info("Resetting the PIN with the unblocking code through PKCS#11 (%s)", style.value)
        unblock = SecretKind.UNBLOCK
        with _pin_args(code, new) as (code_arg, new_arg):
            if style is UnblockStyle.SO_INITPIN:
                with self._session(token, user="so", secret=code_arg, kind=unblock) as session:
                    try:
                        if on_pad:
                            self._raw_call(lambda raw: raw.init_pin_on_pinpad(_handle(session)))
                        else:
                            session.init_pin(_pin(new_arg))
                    except (self._p11.PKCS11Error, _RawError) as e:
                        # a module without an SO PIN of its own (OpenSC's init_pin_in_so_session over a card whose
                        # code is checked by RESET RETRY COUNTER) checks the code here: wrong or exhausted code
                        raise self._failed(e, token, unblock, "C_InitPIN") from None
                return
            with self._session(token, user=None, secret=None, kind=unblock) as session:
                if style is UnblockStyle.CONTEXT_SPECIFIC:
                    try:
                        session.reaffirm_credentials(_pin(code_arg))  # C_Login(CKU_CONTEXT_SPECIFIC, code)
                    except self._p11.PKCS11Error as e:
                        if _error_name(e) in _STYLE_REFUSED:
                            raise self._style_refused(e, "C_Login(CKU_CONTEXT_SPECIFIC)") from None
                        raise self._failed(e, token, unblock, "C_Login(CKU_CONTEXT_SPECIFIC)") from None
                try:
                    session.set_pin(_pin(code_arg), _pin(new_arg))
                except self._p11.PKCS11Error as e:
                    if _error_name(e) in _STYLE_REFUSED:
                        raise self._style_refused(e, "C_SetPIN") from None
                    raise self._failed(e, token, unblock, "C_SetPIN") from None

    def _pad(self, token: Token, first: Secret | None, second: Secret | None) -> bool:
        """Whether this operation goes through the PIN pad (no secrets given)."""
        if first is None and second is None:
            if not int(token.flags) & CKF_PROTECTED_AUTHENTICATION_PATH:
                raise ValueError("no PIN given, and the token has no protected authentication path")
            return True
        if first is None or second is None:
            raise ValueError("give both secrets, or neither (PIN pad)")
        return False
