"""Who may change the system manifest or a PKCS#11 module: the decisions over recorded stat results and DACLs (every
OS), and the POSIX reader over real files."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from hostapp_stub.file_trust import (
    ADMINISTRATORS,
    TRUSTED_INSTALLER,
    Ace,
    Distrust,
    PosixNode,
    WindowsNode,
    admin_only,
    nodes_from_sddl,
    parse_sddl_dacl,
    posix_chain,
    posix_verdict,
    windows_verdict,
)

DIR, FILE = stat.S_IFDIR, stat.S_IFREG


def etc_chain(file_mode: int = 0o644, folder_mode: int = 0o755, uid: int = 0, etc_mode: int = 0o755) -> list[PosixNode]:
    return [
        PosixNode("/etc/xdg/aosign/manifest.toml", uid, FILE | file_mode),
        PosixNode("/etc/xdg/aosign", 0, DIR | folder_mode),
        PosixNode("/etc/xdg", 0, DIR | 0o755),
        PosixNode("/etc", 0, DIR | etc_mode),
        PosixNode("/", 0, DIR | 0o755),
    ]


def test_posix_root_owned_not_writable_passes() -> None:
    assert posix_verdict(etc_chain()) is None


@pytest.mark.parametrize(
    ("chain", "rule", "path", "who"),
    [
        (etc_chain(file_mode=0o666), "writable", "/etc/xdg/aosign/manifest.toml", "others"),
        (etc_chain(file_mode=0o664), "writable", "/etc/xdg/aosign/manifest.toml", "group"),
        (etc_chain(uid=1000), "owner", "/etc/xdg/aosign/manifest.toml", "1000"),
        (etc_chain(folder_mode=0o777), "writable", "/etc/xdg/aosign", "others"),
        (etc_chain(etc_mode=0o775), "writable", "/etc", "group"),
        # a sticky folder does not pass for the system manifest
        (etc_chain(folder_mode=0o1777), "writable", "/etc/xdg/aosign", "others"),
    ],
)
def test_posix_failures_name_the_node(chain: list[PosixNode], rule: str, path: str, who: str) -> None:
    found = posix_verdict(chain)
    assert found is not None and (found.rule, found.path, found.who) == (rule, path, who)


def test_posix_module_rules_allow_the_user_and_sticky_folders() -> None:
    chain = [
        PosixNode("/tmp/x/vendor.so", 1000, FILE | 0o644),
        PosixNode("/tmp/x", 1000, DIR | 0o755),
        PosixNode("/tmp", 0, DIR | 0o1777),
        PosixNode("/", 0, DIR | 0o755),
    ]
    assert posix_verdict(chain, owners=(0, 1000), sticky_folders=True) is None
    assert posix_verdict(chain, owners=(0, 1000)) is not None
    assert posix_verdict(chain) is not None


# Security descriptors as Windows 10/11 ship them (the SDDL that `(Get-Acl PATH).Sddl` prints), typical defaults
USER = "S-1-5-21-1004336348-1177238915-682003330-1001"
TI = TRUSTED_INSTALLER
C_ROOT = (
    r"C:\\",
    True,
    f"O:{TI}G:{TI}D:PAI(A;OICI;FA;;;BA)(A;OICI;FA;;;SY)(A;OICIIO;SDGXGWGR;;;AU)(A;;LC;;;AU)(A;OICI;0x1200a9;;;BU)",
)
PROGRAMDATA = (
    r"C:\ProgramData",
    True,
    "O:SYG:SYD:PAI(A;OICIIO;FA;;;CO)(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)(A;CI;DCLCRPCR;;;BU)",
)
AOSIGN_DIR = (
    r"C:\ProgramData\aosign",
    True,
    "O:BAG:SYD:AI(A;OICIIOID;FA;;;CO)(A;OICIID;FA;;;SY)(A;OICIID;FA;;;BA)(A;OICIID;0x1200a9;;;BU)(A;CIID;DCLCRPCR;;;BU)",
)
MANIFEST = (
    r"C:\ProgramData\aosign\manifest.toml",
    False,
    "O:BAG:SYD:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;0x1200a9;;;BU)",
)
PROGRAM_FILES = (
    r"C:\Program Files",
    True,
    f"O:{TI}G:{TI}D:PAI(A;;FA;;;{TI})(A;CIIO;GA;;;{TI})(A;;0x1301bf;;;SY)(A;OICIIO;GA;;;SY)(A;;0x1301bf;;;BA)"
    "(A;OICIIO;GA;;;BA)(A;;0x1200a9;;;BU)(A;OICIIO;GXGR;;;BU)(A;OICIIO;GA;;;CO)(A;;0x1200a9;;;AC)(A;OICIIO;GXGR;;;AC)",
)
OPENSC_DIR = (
    r"C:\Program Files\OpenSC Project",
    True,
    f"O:BAG:{TI}D:AI(A;ID;FA;;;{TI})(A;CIIOID;GA;;;{TI})(A;ID;0x1301bf;;;SY)(A;OICIIOID;GA;;;SY)(A;ID;0x1301bf;;;BA)"
    "(A;OICIIOID;GA;;;BA)(A;ID;0x1200a9;;;BU)(A;OICIIOID;GXGR;;;BU)(A;OICIIOID;GA;;;CO)",
)
OPENSC_DLL = (
    r"C:\Program Files\OpenSC Project\opensc-pkcs11.dll",
    False,
    "O:BAG:SYD:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;0x1200a9;;;BU)",
)
USERS = (
    r"C:\Users",
    True,
    "O:SYG:SYD:PAI(A;OICIIO;GA;;;SY)(A;;FA;;;SY)(A;OICIIO;GA;;;BA)(A;;FA;;;BA)(A;;0x1200a9;;;BU)",
)
PROFILE = (r"C:\Users\taro", True, f"O:SYG:SYD:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;{USER})")
PROFILE_DLL = (
    r"C:\Users\taro\vendor\p11.dll",
    False,
    f"O:{USER}G:{USER}D:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;FA;;;{USER})",
)
PROFILE_VENDOR = (
    r"C:\Users\taro\vendor",
    True,
    f"O:{USER}G:{USER}D:AI(A;OICIID;FA;;;SY)(A;OICIID;FA;;;BA)(A;OICIID;FA;;;{USER})",
)

USER_WRITABLE_DLL = (
    r"C:\Program Files\OpenSC Project\opensc-pkcs11.dll",
    False,
    f"O:BAG:SYD:AI(A;;FA;;;{USER})(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;0x1200a9;;;BU)",
)
# a vendor's installer that made its folder under ProgramData and left the inherited entries (users may add files)
VENDOR_DIR = (
    r"C:\ProgramData\Vendor",
    True,
    "O:BAG:SYD:AI(A;OICIIOID;FA;;;CO)(A;OICIID;FA;;;SY)(A;OICIID;FA;;;BA)(A;OICIID;0x1200a9;;;BU)(A;CIID;DCLCRPCR;;;BU)",
)
VENDOR_DLL = (r"C:\ProgramData\Vendor\p11.dll", False, "O:BAG:SYD:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;0x1200a9;;;BU)")
# the same folder after `icacls C:\ProgramData\Vendor /inheritance:r /grant:r SYSTEM:(OI)(CI)F Administrators:(OI)(CI)F
# Users:(OI)(CI)RX`
VENDOR_DIR_CLOSED = (
    r"C:\ProgramData\Vendor",
    True,
    "O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)",
)


def test_sddl_parsing() -> None:
    aces = parse_sddl_dacl(PROGRAMDATA[2])
    assert aces[0] == Ace(0, 0x01 | 0x02 | 0x08, 0x001F01FF, "S-1-3-0")
    assert aces[-1] == Ace(0, 0x02, 0x2 | 0x4 | 0x10 | 0x100, "S-1-5-32-545")


def test_windows_default_programdata_manifest_passes() -> None:
    # Users may add files and folders under ProgramData (and C:\), which cannot replace an existing manifest
    assert windows_verdict(nodes_from_sddl([MANIFEST, AOSIGN_DIR, PROGRAMDATA, C_ROOT])) is None


def test_windows_program_files_module_passes_profile_module_does_not() -> None:
    assert windows_verdict(nodes_from_sddl([OPENSC_DLL, OPENSC_DIR, PROGRAM_FILES, C_ROOT])) is None
    found = windows_verdict(nodes_from_sddl([PROFILE_DLL, PROFILE_VENDOR, PROFILE, USERS, C_ROOT]))
    assert found is not None and found.rule == "owner" and found.who == USER


@pytest.mark.parametrize(
    ("manifest_sddl", "rule", "who"),
    [
        ("O:BAG:SYD:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;;0x1301bf;;;BU)", "writable", "S-1-5-32-545"),  # Users: modify
        ("O:BAG:SYD:AI(A;ID;FA;;;SY)(A;;FA;;;WD)", "writable", "S-1-1-0"),  # Everyone: full
        ("O:BAG:SYD:AI(A;ID;FA;;;SY)(A;;0x40000;;;AU)", "writable", "S-1-5-11"),  # WRITE_DAC alone
        ("O:BAG:SYD:AI(A;ID;FA;;;SY)(A;;GW;;;BU)", "writable", "S-1-5-32-545"),  # generic write
        (f"O:{USER}G:SYD:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)", "owner", USER),  # owned by a user
        ("O:BAG:SYD:NO_ACCESS_CONTROL", "writable", "Everyone (NULL DACL)"),
    ],
)
def test_windows_manifest_failures(manifest_sddl: str, rule: str, who: str) -> None:
    record = (MANIFEST[0], False, manifest_sddl)
    found = windows_verdict(nodes_from_sddl([record, AOSIGN_DIR, PROGRAMDATA, C_ROOT]))
    assert found is not None and (found.rule, found.path, found.who) == (rule, MANIFEST[0], who)


def test_windows_folder_rules() -> None:
    # a folder where Users may delete children (so replace the manifest) fails; inherit-only entries do not count
    open_dir = (AOSIGN_DIR[0], True, "O:BAG:SYD:AI(A;OICI;FA;;;SY)(A;;0x40;;;BU)")
    found = windows_verdict(nodes_from_sddl([MANIFEST, open_dir, PROGRAMDATA, C_ROOT]))
    assert found is not None and (found.rule, found.path) == ("writable", AOSIGN_DIR[0])
    inherit_only = (AOSIGN_DIR[0], True, "O:BAG:SYD:AI(A;OICI;FA;;;SY)(A;OICIIO;FA;;;BU)")
    assert windows_verdict(nodes_from_sddl([MANIFEST, inherit_only, PROGRAMDATA, C_ROOT])) is None
    # a deny entry never makes a node trusted; OWNER RIGHTS counts as the (trusted) owner
    deny = WindowsNode("f", False, ADMINISTRATORS, (Ace(1, 0, 0x1F01FF, "S-1-1-0"), Ace(0, 0, 0x1F01FF, "S-1-1-0")))
    assert windows_verdict([deny]) is not None
    owner_rights = WindowsNode("f", False, ADMINISTRATORS, (Ace(0, 0, 0x1F01FF, "S-1-3-4"),))
    assert windows_verdict([owner_rights]) is None


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes and owners; Windows: the DACL tests")
def test_posix_reader_over_real_files(tmp_path: Path) -> None:
    folder = tmp_path / "aosign"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    f = folder / "manifest.toml"
    f.write_text("")
    f.chmod(0o644)
    link = tmp_path / "link.toml"
    link.symlink_to(f)
    chain = posix_chain(link)
    paths = [n.path for n in chain]
    # the file through the link, its folders up to /, and the link's own folder (already among them)
    assert paths[0] == str(f) and paths[1] == str(folder) and paths[-1] == "/"
    assert len(paths) == len(set(paths))
    owner = os.getuid()
    assert posix_verdict(chain, owners=(0, owner), sticky_folders=True) is None
    f.chmod(0o646)
    found = admin_only(f) if owner == 0 else posix_verdict(posix_chain(f), owners=(owner,), sticky_folders=True)
    assert found is not None and found.path == str(f) and found.rule == "writable"
    gone = admin_only(tmp_path / "nothing.toml")
    assert gone is not None and gone.rule == "unreadable"


def test_windows_module_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """check_module on Windows: the DACL rule over the recorded security of each folder (the ctypes reader is the
    only part replaced), and the system manifest's pinned digest standing in for it under the user's profile."""
    import hashlib
    import sys

    from aosign_plugin.config.module_rules import ModuleProblem, check_module
    from hostapp_stub import file_trust

    dll = tmp_path / "p11.dll"
    dll.write_bytes(b"MZ vendor module")
    digest = hashlib.sha256(dll.read_bytes()).hexdigest()
    recorded: list[WindowsNode] = []
    monkeypatch.setattr(file_trust, "windows_chain", lambda path: recorded)
    folders: list[str] = []
    monkeypatch.setattr(file_trust, "dll_folders", lambda path: folders)
    monkeypatch.setattr(sys, "platform", "win32")
    recorded[:] = nodes_from_sddl([OPENSC_DLL, OPENSC_DIR, PROGRAM_FILES, C_ROOT])
    folders[:] = [OPENSC_DIR[0]]
    assert check_module(str(dll)) == dll
    recorded[:] = nodes_from_sddl([PROFILE_DLL, PROFILE_VENDOR, PROFILE, USERS, C_ROOT])
    folders[:] = [PROFILE_VENDOR[0]]
    with pytest.raises(ModuleProblem) as e:
        check_module(str(dll))
    assert (e.value.rule, e.value.path) == ("owner", PROFILE_DLL[0])
    with pytest.raises(ModuleProblem):  # a digest the user's own file pins does not stand in
        check_module(str(dll), digest)
    with pytest.raises(ModuleProblem) as e:  # issue 27: pinned, but in a folder the user owns (a DLL planted beside)
        check_module(str(dll), digest, pinned_by_system=True)
    assert (e.value.rule, e.value.path) == ("owner", PROFILE_VENDOR[0])
    # pinned, a DLL the user may rewrite (its digest holds for it) in a folder only the administrators can change
    recorded[:] = nodes_from_sddl([USER_WRITABLE_DLL, OPENSC_DIR, PROGRAM_FILES, C_ROOT])
    folders[:] = [OPENSC_DIR[0]]
    assert check_module(str(dll), digest, pinned_by_system=True) == dll
    with pytest.raises(ModuleProblem):
        check_module(str(dll))
    with pytest.raises(ModuleProblem) as e:  # pinned, and replaced
        check_module(str(dll), "0" * 64, pinned_by_system=True)
    assert e.value.rule == "digest"
    # issue 27: a vendor folder under ProgramData inherits the users' right to add files: a DLL planted there loads
    recorded[:] = nodes_from_sddl([VENDOR_DLL, VENDOR_DIR, PROGRAMDATA, C_ROOT])
    folders[:] = [VENDOR_DIR[0]]
    with pytest.raises(ModuleProblem) as e:
        check_module(str(dll))
    assert (e.value.rule, e.value.path) == ("writable", VENDOR_DIR[0])
    with pytest.raises(ModuleProblem) as e:
        check_module(str(dll), digest, pinned_by_system=True)
    assert (e.value.rule, e.value.path) == ("writable", VENDOR_DIR[0])
    recorded[:] = nodes_from_sddl([VENDOR_DLL, VENDOR_DIR_CLOSED, PROGRAMDATA, C_ROOT])  # icacls /inheritance:r ...
    folders[:] = [VENDOR_DIR_CLOSED[0]]
    assert check_module(str(dll)) == dll


def test_windows_dll_folder_counts_add_file_only_for_the_dll_folder() -> None:
    """The system manifest's folder may let users add files (ProgramData's default); a DLL's folder may not."""
    assert windows_verdict(nodes_from_sddl([MANIFEST, AOSIGN_DIR, PROGRAMDATA, C_ROOT])) is None
    found = windows_verdict(nodes_from_sddl([VENDOR_DLL, VENDOR_DIR, PROGRAMDATA, C_ROOT]), dll_folders=[VENDOR_DIR[0]])
    assert found == Distrust("writable", VENDOR_DIR[0], "S-1-5-32-545")
    # C:\ and ProgramData above it grant add-file too, but no DLL is loaded from them
    assert (
        windows_verdict(
            nodes_from_sddl([VENDOR_DLL, VENDOR_DIR_CLOSED, PROGRAMDATA, C_ROOT]), dll_folders=[VENDOR_DIR_CLOSED[0]]
        )
        is None
    )
    generic = (VENDOR_DIR_CLOSED[0], True, VENDOR_DIR_CLOSED[2] + "(A;;GW;;;S-1-5-11)")
    found = windows_verdict(nodes_from_sddl([VENDOR_DLL, generic, PROGRAMDATA, C_ROOT]), dll_folders=[generic[0]])
    assert found == Distrust("writable", generic[0], "S-1-5-11")


def test_dll_folders_names_the_folder_as_given_and_through_a_link(tmp_path: Path) -> None:
    from hostapp_stub.file_trust import dll_folders

    tmp_path = Path(os.path.realpath(tmp_path))  # Windows' TEMP may be an 8.3 short name (RUNNER~1)
    real = tmp_path / "vendor"
    real.mkdir()
    (real / "p11.dll").write_bytes(b"MZ")
    (tmp_path / "link").mkdir()
    (tmp_path / "link" / "p11.dll").symlink_to(real / "p11.dll")
    assert dll_folders(real / "p11.dll") == [str(real)]
    assert dll_folders(tmp_path / "link" / "p11.dll") == [str(real), str(tmp_path / "link")]


def test_pinned_by_system_only_through_a_system_lock() -> None:
    from aosign_plugin.config.settings import parse_settings

    digest = {"sha256": {"linux": "a" * 64}}
    settings, _ = parse_settings({"pkcs11": digest})
    assert not settings.pkcs11_pinned_by_system
    for locked in (["pkcs11"], ["pkcs11.sha256"], ["pkcs11.sha256.linux"]):
        settings, _ = parse_settings({"pkcs11": digest, "manifest": {"locked": locked}})
        assert settings.pkcs11_pinned_by_system, locked
    settings, _ = parse_settings({"pkcs11": {}, "manifest": {"locked": ["pkcs11"]}})
    assert not settings.pkcs11_pinned_by_system  # locked, but nothing pinned


# macOS extended ACLs as `acl_to_text` prints them (what `ls -le` shows; `chmod +a "everyone allow add_file"`): the
# mode bits stay 0755 and say nothing of them
EVERYONE_ADDS = (
    "!#acl 1\ngroup:ABCDEFAB-CDEF-ABCD-EFAB-CDEF0000000C:everyone:12:allow:list,add_file,search,add_subdirectory\n"
)
STAFF_WRITES = "!#acl 1\ngroup:ABCDEFAB-CDEF-ABCD-EFAB-CDEF00000014:staff:20:allow:read,write,append\n"
ROOT_ONLY = "!#acl 1\nuser:FFFFEEEE-DDDD-CCCC-BBBB-AAAA00000000:root:0:allow:read,write,delete,writesecurity,chown\n"
INHERIT_ONLY = (
    "!#acl 1\ngroup:ABCDEFAB-CDEF-ABCD-EFAB-CDEF0000000C:everyone:12:allow:write,delete,file_inherit,only_inherit\n"
)
DENY = "!#acl 1\ngroup:ABCDEFAB-CDEF-ABCD-EFAB-CDEF0000000C:everyone:12:deny:write,delete,writesecurity,chown\n"


def mac_chain(file_acl: str = "", folder_acl: str = "") -> list[PosixNode]:
    from hostapp_stub.file_trust import parse_macos_acl

    return [
        PosixNode("/Library/AOSign/manifest.toml", 0, FILE | 0o644, parse_macos_acl(file_acl)),
        PosixNode("/Library/AOSign", 0, DIR | 0o755, parse_macos_acl(folder_acl)),
        PosixNode("/Library", 0, DIR | 0o755),
        PosixNode("/", 0, DIR | 0o755),
    ]


def test_macos_acls_count_though_the_mode_bits_do_not_show_them() -> None:
    from hostapp_stub.file_trust import parse_macos_acl

    [ace] = parse_macos_acl(EVERYONE_ADDS)
    assert (ace.tag, ace.name, ace.id, ace.allow) == ("group", "everyone", 12, True)
    assert "add_file" in ace.perms
    assert posix_verdict(mac_chain()) is None
    assert posix_verdict(mac_chain(folder_acl=EVERYONE_ADDS)) == Distrust(
        "writable", "/Library/AOSign", "group:everyone"
    )
    assert posix_verdict(mac_chain(file_acl=STAFF_WRITES)) == Distrust(
        "writable", "/Library/AOSign/manifest.toml", "group:staff"
    )
    assert posix_verdict(mac_chain(file_acl=ROOT_ONLY, folder_acl=ROOT_ONLY)) is None
    assert posix_verdict(mac_chain(folder_acl=INHERIT_ONLY)) is None  # applies to what is made inside, not here
    assert posix_verdict(mac_chain(file_acl=DENY, folder_acl=DENY)) is None


def test_macos_acl_on_a_module_the_user_may_hold_but_no_one_else() -> None:
    from hostapp_stub.file_trust import parse_macos_acl

    user_acl = parse_macos_acl("!#acl 1\nuser:FFFFEEEE-DDDD-CCCC-BBBB-AAAA000001F5:taro:501:allow:write,delete\n")
    module = [
        PosixNode("/Users/taro/lib/p11.dylib", 501, FILE | 0o755, user_acl),
        PosixNode("/Users/taro", 501, DIR | 0o755),
    ]
    assert posix_verdict(module, owners=(0, 501)) is None
    assert posix_verdict(module, owners=(0,)) == Distrust("owner", "/Users/taro/lib/p11.dylib", "501")
    tmp = [PosixNode("/private/tmp", 0, DIR | 0o1777, parse_macos_acl(EVERYONE_ADDS))]
    assert posix_verdict(tmp, owners=(0, 501), sticky_folders=True) is None  # adding is what a sticky folder allows
