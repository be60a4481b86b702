"""Why a PKCS#11 module does not load: headers built here byte by byte (PE, Mach-O, fat), Windows' recorded error
codes and macOS dyld's recorded text, through the same functions the loader runs."""

from __future__ import annotations

import platform
import struct
import sys
from pathlib import Path

import pytest

from aosign_plugin import catalogs
from aosign_plugin.backends.pkcs11.module_format import (
    ERROR_BAD_EXE_FORMAT,
    ERROR_MOD_NOT_FOUND,
    BinaryInfo,
    LoadCause,
    diagnose,
    python_arch,
    read_binary_info,
)


def pe(machine: int, pe_offset: int = 0x80) -> bytes:
    """A DOS stub whose e_lfanew points at a PE signature and an IMAGE_FILE_HEADER starting with Machine."""
    dos = bytearray(pe_offset)
    dos[:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, pe_offset)
    return bytes(dos) + b"PE\0\0" + struct.pack("<HH", machine, 6) + bytes(16)


def macho(cputype: int) -> bytes:
    """mach_header_64, little-endian as on disk."""
    return struct.pack("<IiiIIII", 0xFEEDFACF, cputype, 3, 6, 0, 0, 0) + bytes(4)


def fat(*cputypes: int, magic: int = 0xCAFEBABE) -> bytes:
    """fat_header + fat_arch entries, big-endian as on disk."""
    out = struct.pack(">II", magic, len(cputypes))
    for i, cpu in enumerate(cputypes):
        if magic == 0xCAFEBABF:
            out += struct.pack(">iiQQII", cpu, 0, 0x4000 * (i + 1), 0x1000, 14, 0)
        else:
            out += struct.pack(">iiIII", cpu, 0, 0x4000 * (i + 1), 0x1000, 14)
    return out


X86_64, ARM64, I386 = 0x01000007, 0x0100000C, 7


def test_pe_machine_field() -> None:
    assert read_binary_info(pe(0x014C)) == BinaryInfo("pe", ("x86",))
    assert read_binary_info(pe(0x8664, pe_offset=0xF8)) == BinaryInfo("pe", ("x64",))
    assert read_binary_info(pe(0xAA64)) == BinaryInfo("pe", ("arm64",))
    assert read_binary_info(pe(0x1234)).archs == ("machine 0x1234",)
    # MZ without a PE signature where e_lfanew points (a DOS program, or a truncated file)
    assert read_binary_info(pe(0x8664)[:0x82]).format == "unknown"
    assert read_binary_info(b"MZ" + bytes(10)).format == "unknown"


def test_macho_and_fat_headers() -> None:
    assert read_binary_info(macho(X86_64)) == BinaryInfo("macho", ("x86_64",))
    assert read_binary_info(macho(ARM64)) == BinaryInfo("macho", ("arm64",))
    assert read_binary_info(fat(X86_64, ARM64)) == BinaryInfo("macho", ("x86_64", "arm64"))
    assert read_binary_info(fat(X86_64, magic=0xCAFEBABF)) == BinaryInfo("macho", ("x86_64",))
    # a Java class file shares 0xCAFEBABE; its next word is a version, far above any architecture count
    assert read_binary_info(struct.pack(">IHH", 0xCAFEBABE, 0, 52) + bytes(8)).format == "unknown"
    assert read_binary_info(b"\x7fELF\x02\x01\x01" + bytes(9)).format == "elf"
    assert read_binary_info(b"").format == "unknown"


@pytest.mark.parametrize(
    ("os_key", "machine", "bits", "arch"),
    [
        ("windows", "AMD64", 64, "x64"),
        ("windows", "AMD64", 32, "x86"),  # 32-bit Python on 64-bit Windows
        ("windows", "ARM64", 64, "arm64"),
        ("macos", "arm64", 64, "arm64"),
        ("macos", "x86_64", 64, "x86_64"),
        ("linux", "aarch64", 64, "arm64"),
    ],
)
def test_python_arch(os_key: str, machine: str, bits: int, arch: str) -> None:
    assert python_arch(os_key, machine, bits) == arch


def test_32_bit_dll_in_64_bit_python_is_bitness() -> None:
    # LoadLibrary answered ERROR_BAD_EXE_FORMAT (193): the header tells why
    cause = diagnose(os_key="windows", info=read_binary_info(pe(0x014C)), python="x64", winerror=ERROR_BAD_EXE_FORMAT)
    assert cause == LoadCause("bitness", "x86", "x64")
    cause = diagnose(os_key="windows", info=read_binary_info(pe(0x8664)), python="x86", winerror=ERROR_BAD_EXE_FORMAT)
    assert cause == LoadCause("bitness", "x64", "x86")
    cause = diagnose(os_key="windows", info=read_binary_info(pe(0x8664)), python="arm64", winerror=ERROR_BAD_EXE_FORMAT)
    assert cause == LoadCause("arch", "x64", "arm64")


def test_missing_sibling_dll_is_dependency_only_when_the_dll_itself_fits() -> None:
    fits = read_binary_info(pe(0x8664))
    assert diagnose(os_key="windows", info=fits, python="x64", winerror=ERROR_MOD_NOT_FOUND) == LoadCause("dependency")
    assert diagnose(os_key="windows", info=fits, python="x64", winerror=5) is None


def test_x86_64_only_dylib_on_apple_silicon() -> None:
    cause = diagnose(os_key="macos", info=read_binary_info(macho(X86_64)), python="arm64")
    assert cause == LoadCause("arch", "x86_64", "arm64")
    assert diagnose(os_key="macos", info=read_binary_info(fat(X86_64, ARM64)), python="arm64") is None
    cause = diagnose(os_key="macos", info=read_binary_info(fat(X86_64, I386)), python="arm64")
    assert cause == LoadCause("arch", "x86_64+i386", "arm64")


def test_dyld_text_names_the_architecture_when_the_header_cannot() -> None:
    # recorded from dlopen on an M1 Mac, as python-pkcs11 reports it
    text = (
        "OS exception while loading /Library/vendor/libp11.dylib: dlopen(/Library/vendor/libp11.dylib, 0x0002): "
        "tried: '/Library/vendor/libp11.dylib' (mach-o file, but is an incompatible architecture (have 'x86_64', "
        "need 'arm64e' or 'arm64'))"
    )
    cause = diagnose(os_key="macos", info=BinaryInfo("unknown"), python="arm64", text=text)
    assert cause == LoadCause("arch", "x86_64", "arm64")


def test_quarantine_named_only_when_the_architecture_fits() -> None:
    info = read_binary_info(macho(ARM64))
    assert diagnose(os_key="macos", info=info, python="arm64", quarantined=True) == LoadCause("quarantine")
    assert diagnose(os_key="macos", info=info, python="arm64", quarantined=False) is None
    wrong = read_binary_info(macho(X86_64))
    assert diagnose(os_key="macos", info=wrong, python="arm64", quarantined=True).reason == "arch"  # type: ignore[union-attr]


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("reason", ["bitness", "arch", "quarantine", "dependency"])
def test_each_cause_has_its_text(lang: str, reason: str) -> None:
    text = catalogs.text(f"unavailable.module_{reason}", lang, detail="/x/vendor.dll")
    assert "/x/vendor.dll" in text


def test_a_module_for_another_machine_is_named_through_the_backend(tmp_path: Path) -> None:
    """The backend's real load path on this runner: a file whose header declares another machine. Windows and macOS
    name the cause from the header; on Linux dlopen's own words stand (a DLL is not a Linux module at all)."""
    from aosign_plugin.backends.pkcs11.backend import Pkcs11Backend
    from aosign_plugin.config.settings import Backend, Settings
    from aosign_plugin.domain.errors import CardUnavailableError
    from hostapp_stub.platforms import os_key

    here = os_key()
    sixty_four = sys.maxsize > 2**32
    if here == "windows":
        data, reason, name = pe(0x014C if sixty_four else 0x8664), "module_bitness", "vendor.dll"
    elif here == "macos":
        data, reason, name = macho(X86_64 if platform.machine() == "arm64" else ARM64), "module_arch", "vendor.dylib"
    else:
        data, reason, name = pe(0x014C), "module", "vendor.so"
    path = tmp_path / name
    path.write_bytes(data + bytes(1024))
    path.chmod(0o644)
    settings = Settings(backend=Backend.PKCS11, pkcs11_modules={here: str(path)}, pkcs11_token="pkcs11:token=AOSign")
    with pytest.raises(CardUnavailableError) as caught:
        Pkcs11Backend(settings).status()
    assert caught.value.reason.value == reason
    assert str(path) in caught.value.detail
