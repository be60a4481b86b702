"""One source for every location (issue 11 item 8): the computed paths on Linux, macOS and Windows, driven through
the real code with platformdirs' answers as each OS gives them; and how a manifest's paths are read per OS."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hostapp_stub import platforms
from hostapp_stub.platforms import expand_manifest_path, location, make_folder, manifest_locations

LOCAL_APPDATA = r"C:\Users\taro\AppData\Local"


def clear_xdg(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_DIRS"):
        monkeypatch.delenv(var, raising=False)


def test_linux_locations(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_xdg(monkeypatch)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("HOME", "/home/taro")
    assert location("config") == Path("/home/taro/.config/aosign")
    assert location("data") == Path("/home/taro/.local/share/aosign")
    assert location("state") == Path("/home/taro/.local/state/aosign")
    assert location("cache") == Path("/home/taro/.cache/aosign")
    # the user's own folders follow the user's XDG variables; the system's never does
    monkeypatch.setenv("XDG_CONFIG_HOME", "/home/taro/cfg")
    monkeypatch.setenv("XDG_CONFIG_DIRS", "/tmp/mine")
    assert manifest_locations() == (
        Path("/home/taro/cfg/aosign/manifest.toml"),
        Path("/etc/xdg/aosign/manifest.toml"),
    )
    assert platforms.default_sim_state() == Path("/home/taro/.local/share/aosign/sim-card.json")
    assert platforms.default_audit_path() == Path("/home/taro/.local/state/aosign/audit.jsonl")


@pytest.mark.parametrize(
    ("kind", "variable", "attribute"),
    [("config", "XDG_CONFIG_HOME", "user_config_dir"), ("data", "XDG_DATA_HOME", "user_data_dir"),
     ("state", "XDG_STATE_HOME", "user_state_dir"), ("cache", "XDG_CACHE_HOME", "user_cache_dir")],
)  # fmt: skip
@pytest.mark.parametrize(
    ("xdg", "home"),
    [(None, "/home/taro"), ("", "/home/taro"), ("  ", "/home/taro"), ("/home/taro/c", "/home/taro"),
     (" /home/taro/c2 ", "/home/taro"), ("rel", "/home/taro"), (None, "relative"), ("/x/c", "relative")],
)  # fmt: skip
def test_linux_user_folders_are_platformdirs_answer(
    monkeypatch: pytest.MonkeyPatch, kind: platforms.Kind, variable: str, attribute: str, xdg: str | None, home: str
) -> None:
    """The user's folders are found without importing platformdirs (every start needs the cache and the config);
    they are platformdirs' own."""
    from platformdirs.unix import Unix

    clear_xdg(monkeypatch)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("HOME", home)
    if xdg is not None:
        monkeypatch.setenv(variable, xdg)
    assert location(kind) == Path(getattr(Unix("aosign", appauthor=False), attribute))


def test_macos_locations(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_xdg(monkeypatch)
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setenv("HOME", "/Users/taro")
    assert location("config") == Path("/Users/taro/Library/Application Support/aosign")
    assert location("data") == Path("/Users/taro/Library/Application Support/aosign")
    assert location("cache") == Path("/Users/taro/Library/Caches/aosign")
    assert location("system") == Path("/Library/Application Support/aosign")
    assert platforms.os_key() == "macos"


def test_windows_locations(monkeypatch: pytest.MonkeyPatch) -> None:
    """platformdirs' Windows class itself, with the shell's answers for taro recorded; ProgramData from the shell
    (the known-folder call is Windows-only, so its answer is the recorded one), never from the environment."""
    import platformdirs.windows

    answers = {"CSIDL_LOCAL_APPDATA": LOCAL_APPDATA, "CSIDL_APPDATA": r"C:\Users\taro\AppData\Roaming"}
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", answers.__getitem__)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(platforms, "_program_data", lambda: Path(r"C:\ProgramData"))
    monkeypatch.setenv("PROGRAMDATA", r"C:\Users\taro\evil")
    monkeypatch.setenv("ALLUSERSPROFILE", r"C:\Users\taro\evil")
    # no appauthor folder: aosign-sim and the sim backend agree on the card's file (issue 11 item 8)
    assert str(location("data")).replace("/", "\\") == LOCAL_APPDATA + r"\aosign"
    assert str(location("state")).replace("/", "\\") == LOCAL_APPDATA + r"\aosign"
    assert str(location("cache")).replace("/", "\\") == LOCAL_APPDATA + r"\aosign\Cache"
    assert str(platforms.default_sim_state()).replace("/", "\\") == LOCAL_APPDATA + r"\aosign\sim-card.json"
    assert str(location("system")).replace("/", "\\") == r"C:\ProgramData\aosign"
    assert platforms.os_key() == "windows"


def test_sim_cli_and_backend_share_one_default() -> None:
    from aosign_plugin.simcard.cli import default_state_path

    assert default_state_path() == platforms.default_sim_state()


def test_windows_manifest_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", LOCAL_APPDATA)
    monkeypatch.setenv("USERNAME", "taro")
    folder = Path(r"C:\ProgramData\aosign")

    def win(value: str) -> str:
        return str(expand_manifest_path(value, folder))

    assert win(r"%LOCALAPPDATA%\aosign\audit.jsonl") == LOCAL_APPDATA + r"\aosign\audit.jsonl"
    assert win(r"\\server\share\%USERNAME%.jsonl") == r"\\server\share\taro.jsonl"  # UNC: absolute
    assert win(r"logs\audit.jsonl") == r"C:\ProgramData\aosign\logs\audit.jsonl"  # relative: the manifest's folder
    assert win("100%%.jsonl").endswith(r"aosign\100%.jsonl")
    assert win("$HOME/x") == r"C:\ProgramData\aosign\$HOME\x"  # $VAR is never expanded
    with pytest.raises(ValueError, match="NOSUCHVAR"):
        win(r"%NOSUCHVAR%\x")
    with pytest.raises(ValueError):
        expand_manifest_path("relative.so", None)


def test_posix_manifest_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("HOME", "/home/taro")
    monkeypatch.setenv("LOCALAPPDATA", "/nope")
    folder = Path("/etc/xdg/aosign")
    assert expand_manifest_path("audit.jsonl", folder) == Path("/etc/xdg/aosign/audit.jsonl")
    assert expand_manifest_path("../log/a.jsonl", folder) == Path("/etc/xdg/aosign/../log/a.jsonl")
    assert expand_manifest_path("~/a.jsonl", folder) == Path("/home/taro/a.jsonl")
    assert expand_manifest_path("%LOCALAPPDATA%/a", folder) == Path("/etc/xdg/aosign/%LOCALAPPDATA%/a")
    assert expand_manifest_path("$HOME/a", folder) == Path("/etc/xdg/aosign/$HOME/a")


def test_make_folder_never_makes_a_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "nonexistent"))
    assert make_folder(tmp_path / "nonexistent" / ".cache" / "aosign") is False
    assert not (tmp_path / "nonexistent").exists()
    assert make_folder(tmp_path / "elsewhere" / "x") is True and (tmp_path / "elsewhere" / "x").is_dir()
