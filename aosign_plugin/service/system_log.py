"""``[audit] sink = "system"``: the audit lines go to the OS's own log, where one user cannot write as another.

- Linux: a datagram to the system logger's socket ``/dev/log`` (journald or rsyslog), facility ``authpriv``: the
  logger records the sender's uid from the socket's credentials, so a user cannot forge another's lines, and cannot
  move or delete them. Python's ``syslog`` module cannot serve here: glibc's ``syslog(3)`` drops a line silently when
  no logger listens (``python3 -c 'import syslog; syslog.syslog("x")'`` with no ``/dev/log`` reports nothing), and a
  lost audit line must be a warning. The datagram is the one glibc sends (RFC 3164: ``<PRI>Mmm dd hh:mm:ss
  aosign[pid]: text``).
- macOS: ``syslog(3)`` through Python's ``syslog`` module: the unified log keeps it (``log show --predicate
  'process == "Python"'`` or the ``aosign`` sender).
- Windows: the Application event log, through ``ReportEventW`` (event source ``aosign``), via ctypes.

:func:`send` returns a warning text when the line could not be handed to the OS, never raises.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

__all__ = ["DEV_LOG", "IDENT", "datagram", "report_event", "send"]

IDENT = "aosign"
#: the system logger's socket on Linux (a fixed place: never from the environment, which the user controls)
DEV_LOG = "/dev/log"
_AUTHPRIV = 10  # LOG_AUTHPRIV: PIN operations are authentication events (root-only files on most systems)
_INFO, _NOTICE = 6, 5
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Windows event types
EVENTLOG_WARNING_TYPE = 0x0002
EVENTLOG_INFORMATION_TYPE = 0x0004
#: the event id of an audit line (the source has no message file: the line is the event's one string)
EVENT_ID = 1


def datagram(text: str, *, warning: bool, now: float | None = None, pid: int | None = None) -> bytes:
    """The syslog datagram glibc's ``syslog(3)`` would send for ``text`` (local time, month names in English)."""
    t = time.localtime(now)
    stamp = f"{_MONTHS[t.tm_mon - 1]} {t.tm_mday:2d} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}"
    pri = _AUTHPRIV * 8 + (_NOTICE if warning else _INFO)
    return f"<{pri}>{stamp} {IDENT}[{os.getpid() if pid is None else pid}]: {text}".encode()


def send(text: str, *, warning: bool = False) -> str | None:
    """Hand one audit line to the OS's log; a warning text (naming the log and the reason) when it could not be."""
    if sys.platform == "win32":
        return _windows(text, warning)
    if sys.platform == "darwin":
        import syslog

        syslog.openlog(IDENT, syslog.LOG_PID, syslog.LOG_AUTHPRIV)
        syslog.syslog(syslog.LOG_NOTICE if warning else syslog.LOG_INFO, text)
        return None
    import socket

    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.settimeout(2.0)  # a logger that stopped reading must not hang the command
            sock.connect(DEV_LOG)
            sock.send(datagram(text, warning=warning))
    except OSError as e:
        return f"{DEV_LOG} (the system log): {e.strerror or e}"
    return None


def _windows(text: str, warning: bool) -> str | None:
    if sys.platform != "win32":
        return "the Windows event log exists only on Windows"
    import ctypes

    try:
        advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
    except OSError as e:
        return f"the Windows event log: {e}"
    return report_event(advapi32, text, warning=warning, last_error=ctypes.get_last_error)


def report_event(lib: Any, text: str, *, warning: bool, last_error: Any) -> str | None:
    """``RegisterEventSourceW`` → ``ReportEventW`` (one string) → ``DeregisterEventSource`` on ``lib`` (advapi32;
    tests give a recorder), a warning text when Windows refused."""
    import ctypes
    from ctypes import wintypes

    lib.RegisterEventSourceW.restype = wintypes.HANDLE
    lib.RegisterEventSourceW.argtypes = [wintypes.LPCWSTR, wintypes.LPCWSTR]
    lib.ReportEventW.restype = wintypes.BOOL
    lib.ReportEventW.argtypes = [
        wintypes.HANDLE,
        wintypes.WORD,
        wintypes.WORD,
        wintypes.DWORD,
        ctypes.c_void_p,
        wintypes.WORD,
        wintypes.DWORD,
        ctypes.POINTER(wintypes.LPCWSTR),
        ctypes.c_void_p,
    ]
    lib.DeregisterEventSource.argtypes = [wintypes.HANDLE]
    lib.DeregisterEventSource.restype = wintypes.BOOL
    handle = lib.RegisterEventSourceW(None, IDENT)
    if not handle:
        return f"the Windows event log (source {IDENT}): error {last_error()}"
    try:
        strings = (wintypes.LPCWSTR * 1)(text)
        kind = EVENTLOG_WARNING_TYPE if warning else EVENTLOG_INFORMATION_TYPE
        if not lib.ReportEventW(handle, kind, 0, EVENT_ID, None, 1, 0, strings, None):
            return f"the Windows event log (source {IDENT}): error {last_error()}"
    finally:
        lib.DeregisterEventSource(handle)
    return None
