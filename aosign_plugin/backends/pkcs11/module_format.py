"""Why a PKCS#11 module would not load, from its file header and the loader's error: pure, no I/O, no ctypes.

A vendor module that fails to load tells the user only "cannot load". The usual causes on our users' machines:

- Windows, error 193 (``ERROR_BAD_EXE_FORMAT``): a 32-bit DLL in 64-bit Python (or x64 in ARM64 Python), read from
  the PE header's ``Machine`` field;
- Windows, error 126 (``ERROR_MOD_NOT_FOUND``): a DLL the module needs is missing (:mod:`.module_loader` already
  searches the module's own folder);
- macOS: an x86_64-only dylib in arm64 Python (or the reverse), read from the Mach-O header or the fat header's
  architecture list; a file carrying the ``com.apple.quarantine`` mark (downloaded, not installed by a package),
  which Gatekeeper refuses to load.

:func:`diagnose` turns those facts into a :class:`LoadCause`: a reason code (a catalog key suffix
``unavailable.module_<reason>``) and the architecture names involved.
"""

from __future__ import annotations

import re
import struct

from hostapp_stub.api import Record

__all__ = ["HEADER_BYTES", "BinaryInfo", "LoadCause", "diagnose", "python_arch", "read_binary_info"]

#: how many bytes of the file :func:`read_binary_info` needs (a PE header sits within the first KiB in practice; the
#: fat header's architecture list within the first few hundred bytes)
HEADER_BYTES = 4096

#: PE ``IMAGE_FILE_HEADER.Machine`` values
_PE_MACHINES = {0x014C: "x86", 0x8664: "x64", 0xAA64: "arm64", 0x01C4: "arm"}
#: Mach-O ``cputype`` values (CPU_ARCH_ABI64 = 0x01000000)
_MACHO_CPUS = {0x01000007: "x86_64", 0x0100000C: "arm64", 0x00000007: "i386", 0x0000000C: "arm", 0x0200000C: "arm64_32"}
_MACHO_64 = (0xFEEDFACF, 0xCFFAEDFE)  # MH_MAGIC_64 as read little- or big-endian
_MACHO_32 = (0xFEEDFACE, 0xCEFAEDFE)
_FAT_MAGIC = 0xCAFEBABE  # big-endian on disk; FAT_MAGIC_64 is 0xCAFEBABF
_FAT_MAGIC_64 = 0xCAFEBABF

#: Win32 error codes of LoadLibrary
ERROR_MOD_NOT_FOUND = 126
ERROR_BAD_EXE_FORMAT = 193

#: macOS dyld's text for a wrong architecture, e.g. "(mach-o file, but is an incompatible architecture (have
#: 'x86_64', need 'arm64e' or 'arm64'))"
_DYLD_ARCH = re.compile(r"incompatible architecture \(have '([^']+)', need '([^']+)'")


class BinaryInfo(Record):
    """What a file's header says: its format (``pe``, ``macho``, ``elf`` or ``unknown``) and its architectures."""

    format: str
    archs: tuple[str, ...] = ()


class LoadCause(Record):
    """Why the module does not load: ``reason`` is ``bitness``, ``arch``, ``quarantine`` or ``dependency``;
    ``module_arch`` and ``python_arch`` name the architectures where they are the cause."""

    reason: str
    module_arch: str = ""
    python_arch: str = ""


def _pe(head: bytes) -> BinaryInfo:
    if len(head) < 0x40:
        return BinaryInfo("unknown")
    (pe_offset,) = struct.unpack_from("<I", head, 0x3C)
    if pe_offset + 6 > len(head) or head[pe_offset : pe_offset + 4] != b"PE\0\0":
        return BinaryInfo("unknown")
    (machine,) = struct.unpack_from("<H", head, pe_offset + 4)
    return BinaryInfo("pe", (_PE_MACHINES.get(machine, f"machine 0x{machine:04X}"),))


def _cpu(cputype: int) -> str:
    return _MACHO_CPUS.get(cputype, f"cputype 0x{cputype:08X}")


def _fat(head: bytes, magic: int) -> BinaryInfo:
    (count,) = struct.unpack_from(">I", head, 4)
    if count > 0x20:  # not a fat binary: Java class files share the magic 0xCAFEBABE, with a version here
        return BinaryInfo("unknown")
    size = 32 if magic == _FAT_MAGIC_64 else 20
    archs = []
    for i in range(count):
        at = 8 + i * size
        if at + 4 > len(head):
            break
        (cputype,) = struct.unpack_from(">i", head, at)
        archs.append(_cpu(cputype & 0xFFFFFFFF))
    return BinaryInfo("macho", tuple(archs))


def read_binary_info(head: bytes) -> BinaryInfo:
    """The format and architectures of a file from its first bytes (:data:`HEADER_BYTES` of them suffice)."""
    if head[:2] == b"MZ":
        return _pe(head)
    if head[:4] == b"\x7fELF":
        return BinaryInfo("elf")
    if len(head) < 8:
        return BinaryInfo("unknown")
    (big,) = struct.unpack_from(">I", head, 0)
    if big in (_FAT_MAGIC, _FAT_MAGIC_64):
        return _fat(head, big)
    (little,) = struct.unpack_from("<I", head, 0)
    if little in (0xFEEDFACF, 0xFEEDFACE):
        (cputype,) = struct.unpack_from("<I", head, 4)
        return BinaryInfo("macho", (_cpu(cputype),))
    if big in (0xFEEDFACF, 0xFEEDFACE):
        (cputype,) = struct.unpack_from(">I", head, 4)
        return BinaryInfo("macho", (_cpu(cputype),))
    return BinaryInfo("unknown")


def python_arch(os_key: str, machine: str, pointer_bits: int) -> str:
    """This Python's architecture in the names :func:`read_binary_info` uses.

    :param os_key: ``windows``, ``macos`` or ``linux``.
    :param machine: ``platform.machine()`` (on Windows the OS's, which a 32-bit Python on x64 does not share).
    :param pointer_bits: ``struct.calcsize("P") * 8``: the interpreter's own bitness.
    """
    m = machine.lower()
    arm = m in ("arm64", "aarch64") or m.startswith("arm")
    if os_key == "windows":
        if arm:
            return "arm64" if pointer_bits == 64 else "arm"
        return "x64" if pointer_bits == 64 else "x86"
    if arm:
        return "arm64" if pointer_bits == 64 else "arm"
    return "x86_64" if pointer_bits == 64 else "i386"


def _compatible(module: str, python: str) -> bool:
    # arm64e (Apple's own processes) loads arm64 code; our Python is plain arm64
    return module == python or (module, python) == ("arm64", "arm64e")


def diagnose(
    *,
    os_key: str,
    info: BinaryInfo,
    python: str,
    winerror: int | None = None,
    text: str = "",
    quarantined: bool = False,
) -> LoadCause | None:
    """The cause of a failed load, or ``None`` when none of the known ones is shown by the facts given.

    :param info: the module file's header (:func:`read_binary_info`).
    :param python: this Python's architecture (:func:`python_arch`).
    :param winerror: the Windows error code of the failed ``LoadLibrary`` (``OSError.winerror``), if any.
    :param text: the loader's error text (macOS dyld names the architectures when the header could not be read).
    :param quarantined: the file carries ``com.apple.quarantine`` (macOS).
    """
    native = {"windows": "pe", "macos": "macho"}.get(os_key)
    if info.archs and info.format == native and not any(_compatible(a, python) for a in info.archs):
        module = "+".join(info.archs)
        if os_key == "windows" and {info.archs[0], python} <= {"x86", "x64"}:
            return LoadCause("bitness", module, python)
        return LoadCause("arch", module, python)
    found = _DYLD_ARCH.search(text)
    if found is not None and not info.archs:
        return LoadCause("arch", found.group(1), python)
    if os_key == "macos" and quarantined:
        return LoadCause("quarantine")
    if os_key == "windows" and winerror == ERROR_MOD_NOT_FOUND:
        return LoadCause("dependency")
    return None
