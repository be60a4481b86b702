"""Whether a file, and every folder above it, is one that only the administrators can change.

Two uses: the system manifest (its locks hold only if no ordinary user can rewrite it) and, in the plugin, the
PKCS#11 module (code loaded into the signing app with the user's PIN). The decisions are pure functions over
recorded facts, tested on every OS; the readers that gather the facts are thin.

POSIX: each node (the file through any symlink, the folders above it, and the folders above the link itself) is
owned by an allowed account (root; for a module also the user) and is not writable by group or others (a POSIX ACL
granting write shows in the group bits, as the ACL mask). A sticky folder (``/tmp``) may be allowed: others can add
files there but not replace ours.

macOS: its ACLs (``chmod +a``) do not show in the mode bits at all, so each node's extended ACL is read too
(``acl_get_file(ACL_TYPE_EXTENDED)``, as ``acl_to_text`` prints it) and an allow entry that lets anyone but an allowed
owner change or replace the node fails: on a file ``write``, ``append``, ``delete``, ``writesecurity``, ``chown``; on a
folder ``add_file``, ``add_subdirectory`` (not on an allowed sticky folder), ``delete_child``, ``delete``,
``writesecurity``, ``chown``. Inherit-only entries do not apply to the node; deny entries are not subtracted.

Windows: for each node, its owner and every allow entry of its DACL that grants a right to change or replace it
belong to Administrators, SYSTEM or TrustedInstaller. The rights that count: on the file, writing or appending its
data, deleting it, changing its DACL or owner (and the generic write/all rights); on a folder, deleting a child,
deleting or renaming the folder itself, changing its DACL or owner. Adding a file or a subfolder (which
``C:\\`` and ``C:\\ProgramData`` grant their users) cannot replace an existing one and does not count. Inherit-only
entries do not apply to the node; deny entries are not subtracted (a file is never trusted because of a deny).
A NULL DACL (everyone may do everything) fails.

A DLL's own folder is stricter (:func:`windows_verdict`'s ``dll_folders``): Windows looks for a DLL's dependencies
in the folder it was loaded from, so there adding a file (``FILE_ADD_FILE``, or the generic write right) counts too:
whoever can add one can plant a DLL that loads into the signing app with the PIN. ``C:\\ProgramData`` grants its
users that right and its subfolders inherit it: a vendor module there fails unless its folder's DACL is made
administrators-only.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

__all__ = [
    "ADMINISTRATORS",
    "SYSTEM",
    "TRUSTED_INSTALLER",
    "TRUSTED_SIDS",
    "Ace",
    "Distrust",
    "MacAce",
    "PosixNode",
    "WindowsNode",
    "admin_only",
    "dll_folders",
    "parse_macos_acl",
    "posix_chain",
    "posix_verdict",
    "windows_chain",
    "windows_verdict",
]

ADMINISTRATORS = "S-1-5-32-544"
SYSTEM = "S-1-5-18"
TRUSTED_INSTALLER = "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464"
TRUSTED_SIDS = frozenset({ADMINISTRATORS, SYSTEM, TRUSTED_INSTALLER})
#: OWNER RIGHTS: an entry for whoever owns the node (trusted exactly when the owner is)
OWNER_RIGHTS = "S-1-3-4"

# access mask bits (winnt.h)
FILE_WRITE_DATA = 0x0002  # on a folder: FILE_ADD_FILE
FILE_APPEND_DATA = 0x0004  # on a folder: FILE_ADD_SUBDIRECTORY
FILE_DELETE_CHILD = 0x0040
DELETE = 0x0001_0000
WRITE_DAC = 0x0004_0000
WRITE_OWNER = 0x0008_0000
GENERIC_ALL = 0x1000_0000
GENERIC_WRITE = 0x4000_0000
#: rights that let their holder change or replace a file
FILE_CHANGING = FILE_WRITE_DATA | FILE_APPEND_DATA | DELETE | WRITE_DAC | WRITE_OWNER | GENERIC_WRITE | GENERIC_ALL
#: rights that let their holder replace what a folder holds, or the folder itself
FOLDER_CHANGING = FILE_DELETE_CHILD | DELETE | WRITE_DAC | WRITE_OWNER | GENERIC_ALL
#: on the folder a DLL is loaded from, adding a file counts too (a planted dependency DLL loads with it)
DLL_FOLDER_CHANGING = FOLDER_CHANGING | FILE_WRITE_DATA | GENERIC_WRITE

# ACE types and flags
ACCESS_ALLOWED_ACE_TYPE = 0x0
ACCESS_ALLOWED_OBJECT_ACE_TYPE = 0x5
ACCESS_ALLOWED_CALLBACK_ACE_TYPE = 0x9
ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE = 0xB
ALLOW_TYPES = frozenset(
    {
        ACCESS_ALLOWED_ACE_TYPE,
        ACCESS_ALLOWED_OBJECT_ACE_TYPE,
        ACCESS_ALLOWED_CALLBACK_ACE_TYPE,
        ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE,
    }
)
INHERIT_ONLY_ACE = 0x08


class Distrust(NamedTuple):
    """Why a node fails: ``rule`` is ``owner`` (owned by ``who``), ``writable`` (``who`` may change it; on POSIX
    ``group``/``others``) or ``unreadable`` (its owner or permissions could not be read: ``who`` says why)."""

    rule: str
    path: str
    who: str


class MacAce(NamedTuple):
    """One entry of a macOS extended ACL, as ``acl_to_text`` prints it (``user:UUID:name:id:allow:perm,...``)."""

    tag: str
    name: str
    id: int | None
    allow: bool
    perms: frozenset[str]


class PosixNode(NamedTuple):
    """One node's ``stat`` as recorded: its owner and mode (and on macOS its extended ACL)."""

    path: str
    uid: int
    mode: int
    acl: tuple[MacAce, ...] = ()


#: macOS ACL rights that let their holder change or replace a file, or what a folder holds (or the folder itself)
MAC_FILE_CHANGING = frozenset({"write", "append", "delete", "writesecurity", "chown"})
MAC_FOLDER_CHANGING = frozenset({"delete_child", "delete", "writesecurity", "chown"})
MAC_FOLDER_ADDING = frozenset({"add_file", "add_subdirectory"})


def parse_macos_acl(text: str) -> tuple[MacAce, ...]:
    """The entries of ``acl_to_text``'s output (``!#acl 1`` then one entry a line); unknown lines are skipped."""
    out = []
    for line in text.splitlines():
        fields = line.strip().split(":")
        if len(fields) < 6 or fields[0] not in ("user", "group"):
            continue
        tag, name, ident, kind, perms = fields[0], fields[2], fields[3], fields[4], fields[5]
        out.append(
            MacAce(
                tag,
                name,
                int(ident) if ident.isdigit() else None,
                kind == "allow",
                frozenset(p.strip() for p in perms.split(",") if p.strip()),
            )
        )
    return tuple(out)


def _mac_acl_verdict(node: PosixNode, owners: Collection[int], *, sticky_allowed: bool) -> Distrust | None:
    folder = stat.S_ISDIR(node.mode)
    changing = MAC_FOLDER_CHANGING | (frozenset() if sticky_allowed else MAC_FOLDER_ADDING) if folder else None
    for ace in node.acl:
        if not ace.allow or "only_inherit" in ace.perms:
            continue
        granted = ace.perms & (changing if changing is not None else MAC_FILE_CHANGING)
        if granted and not (ace.tag == "user" and ace.id in owners):
            return Distrust("writable", node.path, f"{ace.tag}:{ace.name}")
    return None


class Ace(NamedTuple):
    """One entry of a DACL: ``type`` (0 allow, 1 deny...), ``flags`` (inheritance), ``mask`` and the SID."""

    type: int
    flags: int
    mask: int
    sid: str


class WindowsNode(NamedTuple):
    """One node's owner and DACL as read by ``GetNamedSecurityInfoW``; ``dacl`` None for a NULL DACL."""

    path: str
    is_dir: bool
    owner: str
    dacl: tuple[Ace, ...] | None


def posix_verdict(
    nodes: Iterable[PosixNode], owners: Collection[int] = (0,), *, sticky_folders: bool = False
) -> Distrust | None:
    """The first node that another account could change, or None when all hold.

    :param owners: the uids that may own a node (root; for a PKCS#11 module also the user).
    :param sticky_folders: a folder with the sticky bit may be writable by others (``/tmp``).
    """
    for node in nodes:
        if node.uid not in owners:
            return Distrust("owner", node.path, str(node.uid))
        sticky = stat.S_ISDIR(node.mode) and node.mode & stat.S_ISVTX
        found = _mac_acl_verdict(node, owners, sticky_allowed=bool(sticky and sticky_folders))
        if found is not None:
            return found
        if sticky and sticky_folders:
            continue
        if node.mode & stat.S_IWOTH:
            return Distrust("writable", node.path, "others")
        if node.mode & stat.S_IWGRP:
            return Distrust("writable", node.path, "group")
    return None


def windows_verdict(
    nodes: Iterable[WindowsNode], trusted: Collection[str] = TRUSTED_SIDS, *, dll_folders: Collection[str] = ()
) -> Distrust | None:
    """The first node that an account outside ``trusted`` could change or replace, or None when all hold.

    :param dll_folders: the folders a DLL is loaded from (:func:`dll_folders`): there adding a file counts too.
    """
    for node in nodes:
        if node.owner not in trusted:
            return Distrust("owner", node.path, node.owner)
        if node.dacl is None:
            return Distrust("writable", node.path, "Everyone (NULL DACL)")
        if not node.is_dir:
            changing = FILE_CHANGING
        elif node.path in dll_folders:
            changing = DLL_FOLDER_CHANGING
        else:
            changing = FOLDER_CHANGING
        for ace in node.dacl:
            if ace.type not in ALLOW_TYPES or ace.flags & INHERIT_ONLY_ACE:
                continue
            sid = node.owner if ace.sid == OWNER_RIGHTS else ace.sid
            if ace.mask & changing and sid not in trusted:
                return Distrust("writable", node.path, ace.sid)
    return None


def _chain(path: Path) -> list[Path]:
    """The file through any symlink, the folders above it, then the folders above the link itself (once each)."""
    real = Path(os.path.realpath(path))
    return list(dict.fromkeys((real, *real.parents, *Path(os.path.abspath(path)).parents)))


def dll_folders(path: Path) -> list[str]:
    """The folders Windows loads ``path``'s dependencies from: the one of the path as given and, through a link,
    the one it points into (as :func:`windows_chain` names them)."""
    return list(dict.fromkeys((str(Path(os.path.realpath(path)).parent), str(Path(os.path.abspath(path)).parent))))


def posix_chain(path: Path) -> list[PosixNode]:
    """Read the nodes :func:`posix_verdict` judges.

    :raises OSError: a node cannot be stat'ed.
    """
    nodes = []
    for node in _chain(path):
        st = os.stat(node)
        acl = parse_macos_acl(_macos_acl_text(node)) if sys.platform == "darwin" else ()
        nodes.append(PosixNode(str(node), st.st_uid, st.st_mode, acl))
    return nodes


def _macos_acl_text(node: Path) -> str:
    """The node's extended ACL as ``acl_to_text`` prints it; empty when it has none.

    :raises OSError: it could not be read (an ACL there but unreadable is not "none").
    """
    import ctypes
    import errno

    libc = ctypes.CDLL(None, use_errno=True)
    libc.acl_get_file.argtypes = [ctypes.c_char_p, ctypes.c_int]
    libc.acl_get_file.restype = ctypes.c_void_p
    libc.acl_to_text.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_ssize_t)]
    libc.acl_to_text.restype = ctypes.c_void_p
    libc.acl_free.argtypes = [ctypes.c_void_p]
    acl_type_extended = 0x100
    acl = libc.acl_get_file(os.fsencode(node), acl_type_extended)
    if not acl:
        err = ctypes.get_errno()
        if err == errno.ENOENT:  # no ACL on this node (the node itself was stat'ed just before)
            return ""
        raise OSError(err, os.strerror(err), str(node))
    try:
        length = ctypes.c_ssize_t(0)
        text = libc.acl_to_text(acl, ctypes.byref(length))
        if not text:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), str(node))
        try:
            return ctypes.string_at(text, length.value).decode("utf-8", "replace")
        finally:
            libc.acl_free(text)
    finally:
        libc.acl_free(acl)


def admin_only(path: Path) -> Distrust | None:
    """Whether only the administrators can change ``path`` (see the module docstring); None when they alone can."""
    try:
        if sys.platform == "win32":
            return windows_verdict(windows_chain(path))
        return posix_verdict(posix_chain(path))
    except OSError as e:
        return Distrust("unreadable", str(e.filename or path), e.strerror or str(e))


def windows_chain(path: Path) -> list[WindowsNode]:
    """Read the owner and DACL of the file and each folder above it (Windows only).

    :raises OSError: a node's security information cannot be read.
    """
    return [_read_security(node) for node in _chain(path)]


def _read_security(node: Path) -> WindowsNode:
    if sys.platform != "win32":
        raise OSError(0, "Windows security information exists only on Windows", str(node))
    import ctypes
    from ctypes import wintypes

    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    advapi32.GetNamedSecurityInfoW.restype = wintypes.DWORD
    advapi32.GetNamedSecurityInfoW.argtypes = [
        wintypes.LPCWSTR,
        ctypes.c_int,
        wintypes.DWORD,
        ctypes.POINTER(ctypes.c_void_p),
        ctypes.POINTER(ctypes.c_void_p),
        ctypes.POINTER(ctypes.c_void_p),
        ctypes.POINTER(ctypes.c_void_p),
        ctypes.POINTER(ctypes.c_void_p),
    ]
    advapi32.GetAce.argtypes = [ctypes.c_void_p, wintypes.DWORD, ctypes.POINTER(ctypes.c_void_p)]
    advapi32.GetAce.restype = wintypes.BOOL
    advapi32.ConvertSidToStringSidW.argtypes = [ctypes.c_void_p, ctypes.POINTER(wintypes.LPWSTR)]
    advapi32.ConvertSidToStringSidW.restype = wintypes.BOOL
    kernel32.LocalFree.argtypes = [ctypes.c_void_p]
    kernel32.LocalFree.restype = ctypes.c_void_p

    se_file_object = 1
    owner_information, dacl_information = 0x1, 0x4
    owner = ctypes.c_void_p()
    dacl = ctypes.c_void_p()
    descriptor = ctypes.c_void_p()
    err = advapi32.GetNamedSecurityInfoW(
        str(node),
        se_file_object,
        owner_information | dacl_information,
        ctypes.byref(owner),
        None,
        ctypes.byref(dacl),
        None,
        ctypes.byref(descriptor),
    )
    if err:
        raise OSError(0, ctypes.FormatError(err).strip(), str(node), err)

    def sid_text(psid: int | None) -> str:
        out = wintypes.LPWSTR()
        if not psid or not advapi32.ConvertSidToStringSidW(psid, ctypes.byref(out)):
            raise OSError(0, "unreadable SID", str(node))
        try:
            return str(out.value)
        finally:
            kernel32.LocalFree(ctypes.cast(out, ctypes.c_void_p))

    try:
        aces: list[Ace] | None = None
        if dacl.value:
            # ACL header: revision, sbz1 (bytes), size, count, sbz2 (words)
            count = ctypes.cast(dacl, ctypes.POINTER(ctypes.c_uint16))[2]
            aces = []
            for i in range(count):
                ace = ctypes.c_void_p()
                if not advapi32.GetAce(dacl, i, ctypes.byref(ace)):
                    raise OSError(0, "unreadable access control entry", str(node))
                raw = ctypes.cast(ace, ctypes.POINTER(ctypes.c_uint8))
                ace_type, flags = raw[0], raw[1]
                mask = ctypes.cast(ace, ctypes.POINTER(ctypes.c_uint32))[1]
                sid_at = _sid_offset(ace_type, ctypes.cast(ace, ctypes.POINTER(ctypes.c_uint32))[2])
                if sid_at is None:  # an entry that cannot grant anything (deny, audit, label)
                    aces.append(Ace(ace_type, flags, mask, ""))
                    continue
                assert ace.value is not None
                aces.append(Ace(ace_type, flags, mask, sid_text(ace.value + sid_at)))
        return WindowsNode(str(node), node.is_dir(), sid_text(owner.value), None if aces is None else tuple(aces))
    finally:
        kernel32.LocalFree(descriptor)


def _sid_offset(ace_type: int, object_flags: int) -> int | None:
    """Where the SID starts in an allow entry (header 4, mask 4; object entries add flags and up to two GUIDs)."""
    if ace_type in (ACCESS_ALLOWED_ACE_TYPE, ACCESS_ALLOWED_CALLBACK_ACE_TYPE):
        return 8
    if ace_type in (ACCESS_ALLOWED_OBJECT_ACE_TYPE, ACCESS_ALLOWED_CALLBACK_OBJECT_ACE_TYPE):
        return 12 + (16 if object_flags & 1 else 0) + (16 if object_flags & 2 else 0)
    return None


def parse_sddl_dacl(sddl: str) -> tuple[Ace, ...]:
    """The allow and deny entries of an SDDL DACL (``D:(A;OICI;FA;;;SY)...``), for recorded test inputs and for
    showing an administrator what was read. Only the forms ``icacls /save`` and ``Get-Acl`` print are known."""
    aces = []
    body = sddl.split("D:", 1)[1] if "D:" in sddl else sddl
    for entry in body.split("(")[1:]:
        fields = entry.split(")")[0].split(";")
        kind, flags, rights, sid = fields[0], fields[1], fields[2], fields[5]
        ace_type = {"A": 0, "D": 1, "OA": 5, "XA": 9}.get(kind, 2)
        flag_bits = sum(v for k, v in _SDDL_FLAGS.items() if k in _pairs(flags))
        mask = int(rights, 16) if rights.lower().startswith("0x") else _sddl_rights(rights)
        aces.append(Ace(ace_type, flag_bits, mask, _SDDL_SIDS.get(sid, sid)))
    return tuple(aces)


def _pairs(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(0, len(text), 2)]


def _sddl_rights(text: str) -> int:
    return sum(_SDDL_RIGHTS[p] for p in _pairs(text))


_SDDL_FLAGS = {"OI": 0x01, "CI": 0x02, "NP": 0x04, "IO": 0x08, "ID": 0x10}
_SDDL_RIGHTS = {
    "GA": GENERIC_ALL,
    "GW": GENERIC_WRITE,
    "GR": 0x8000_0000,
    "GX": 0x2000_0000,
    "FA": 0x001F_01FF,
    "FR": 0x0012_0089,
    "FW": 0x0012_0116,
    "FX": 0x0012_00A0,
    "SD": DELETE,
    "RC": 0x0002_0000,
    "WD": WRITE_DAC,
    "WO": WRITE_OWNER,
    "CC": 0x0001,
    "DC": 0x0002,
    "LC": 0x0004,
    "SW": 0x0008,
    "RP": 0x0010,
    "WP": 0x0020,
    "DT": 0x0040,
    "LO": 0x0080,
    "CR": 0x0100,
}
_SDDL_SIDS = {
    "SY": SYSTEM,
    "BA": ADMINISTRATORS,
    "BU": "S-1-5-32-545",
    "AU": "S-1-5-11",
    "WD": "S-1-1-0",
    "CO": "S-1-3-0",
    "OW": OWNER_RIGHTS,
    "AC": "S-1-15-2-1",
}


def nodes_from_sddl(records: Sequence[tuple[str, bool, str]]) -> list[WindowsNode]:
    """:class:`WindowsNode` s from recorded ``(path, is_dir, SDDL)`` triples (``O:owner`` and ``D:`` parts)."""
    out = []
    for path, is_dir, sddl in records:
        owner = sddl.split("O:", 1)[1].split("G:", 1)[0].split("D:", 1)[0] if "O:" in sddl else ""
        dacl = None if "D:NO_ACCESS_CONTROL" in sddl else parse_sddl_dacl(sddl)
        out.append(WindowsNode(path, is_dir, _SDDL_SIDS.get(owner, owner), dacl))
    return out
