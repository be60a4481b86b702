"""Windows: whether an open file belongs to this account (the audit log's owner check; POSIX uses ``fstat``).

The decision (:func:`owner_is_me`) is a pure function over SID strings, tested with recorded values on every OS; the
reader (:func:`handle_owned_by_me`) asks Windows for the handle's owner (``GetSecurityInfo``) and this process's
user (``GetTokenInformation(TokenUser)``).
"""

from __future__ import annotations

import sys

__all__ = ["ADMINISTRATORS", "handle_owned_by_me", "owner_is_me"]

ADMINISTRATORS = "S-1-5-32-544"


def owner_is_me(owner: str, me: str, *, admin_member: bool) -> bool:
    """The file's ``owner`` SID is this account's ``me``, or Administrators while this process is an elevated member
    (Windows makes an administrator's new files the group's)."""
    return owner == me or (owner == ADMINISTRATORS and admin_member)


def handle_owned_by_me(fd: int) -> bool | None:
    """Whether the file open as ``fd`` is owned by this account (:func:`owner_is_me`); None when Windows cannot say."""
    if sys.platform != "win32":
        return None
    import ctypes
    import msvcrt
    from ctypes import wintypes

    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    advapi32.GetSecurityInfo.restype = wintypes.DWORD
    out_pointer = ctypes.POINTER(ctypes.c_void_p)
    advapi32.GetSecurityInfo.argtypes = [
        wintypes.HANDLE,
        ctypes.c_int,
        wintypes.DWORD,
        out_pointer,
        out_pointer,
        out_pointer,
        out_pointer,
        out_pointer,
    ]
    advapi32.ConvertSidToStringSidW.argtypes = [ctypes.c_void_p, ctypes.POINTER(wintypes.LPWSTR)]
    advapi32.OpenProcessToken.argtypes = [wintypes.HANDLE, wintypes.DWORD, ctypes.POINTER(wintypes.HANDLE)]
    advapi32.GetTokenInformation.argtypes = [
        wintypes.HANDLE,
        ctypes.c_int,
        ctypes.c_void_p,
        wintypes.DWORD,
        ctypes.POINTER(wintypes.DWORD),
    ]
    advapi32.CheckTokenMembership.argtypes = [wintypes.HANDLE, ctypes.c_void_p, ctypes.POINTER(wintypes.BOOL)]
    advapi32.ConvertStringSidToSidW.argtypes = [wintypes.LPCWSTR, ctypes.POINTER(ctypes.c_void_p)]
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    kernel32.LocalFree.argtypes = [ctypes.c_void_p]
    kernel32.CloseHandle.argtypes = [wintypes.HANDLE]

    def sid_text(psid: int | None) -> str | None:
        out = wintypes.LPWSTR()
        if not psid or not advapi32.ConvertSidToStringSidW(psid, ctypes.byref(out)):
            return None
        try:
            return str(out.value)
        finally:
            kernel32.LocalFree(ctypes.cast(out, ctypes.c_void_p))

    owner, descriptor = ctypes.c_void_p(), ctypes.c_void_p()
    se_file_object, owner_information = 1, 0x1
    handle = msvcrt.get_osfhandle(fd)
    if advapi32.GetSecurityInfo(
        handle, se_file_object, owner_information, ctypes.byref(owner), None, None, None, ctypes.byref(descriptor)
    ):
        return None
    token = wintypes.HANDLE()
    try:
        owner_sid = sid_text(owner.value)
        if owner_sid is None or not advapi32.OpenProcessToken(kernel32.GetCurrentProcess(), 0x8, ctypes.byref(token)):
            return None
        size = wintypes.DWORD(0)
        advapi32.GetTokenInformation(token, 1, None, 0, ctypes.byref(size))  # TokenUser: asks for the size
        buffer = ctypes.create_string_buffer(size.value or 1)
        if not advapi32.GetTokenInformation(token, 1, buffer, size, ctypes.byref(size)):
            return None
        me = sid_text(ctypes.cast(buffer, ctypes.POINTER(ctypes.c_void_p))[0])  # TOKEN_USER.User.Sid
        admins = ctypes.c_void_p()
        member = wintypes.BOOL(False)
        if advapi32.ConvertStringSidToSidW(ADMINISTRATORS, ctypes.byref(admins)):
            advapi32.CheckTokenMembership(None, admins, ctypes.byref(member))
            kernel32.LocalFree(admins)
        return None if me is None else owner_is_me(owner_sid, me, admin_member=bool(member.value))
    finally:
        if token:
            kernel32.CloseHandle(token)
        kernel32.LocalFree(descriptor)
