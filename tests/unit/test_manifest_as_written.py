"""A manifest shown as written (issue 32 item 5): ``manifest show`` prints TOML as the administrator writes it
(``0x81`` kept, ``true`` not ``True``), ``manifest check PATH`` speaks the user's language (not the checked file's),
and a TOML syntax error is in the ``file:line:column:`` form of every other problem, in that language."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hostapp_stub.toml_text import as_written, toml_value

HOST = Path(sys.executable).parent / "aosign-host"

MANIFEST = """\
[plugin]
backend = "sim"   # the simulated card
language = "en"

[card]
pin_ref = 0x81
pad_byte = 0xFF
cla = 0
aid = "A0000006474F5349474E" # a comment with a # in it

[audit]
enabled = true
max_bytes = 1_048_576

[plugins]
allow = [
  "aosign-plugin",
]
"""


def _host(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "XDG_", "LC_", "LANG"))}
    base.update(HOME=str(home), **env)
    return subprocess.run([str(HOST), *args], capture_output=True, text=True, env=base, timeout=60, check=False)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_show_prints_toml_as_written(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "m.toml"
    path.write_text(MANIFEST)
    run = _host(tmp_path, "--manifest", str(path), "--lang", lang, "manifest", "show")
    assert run.returncode == 0, run.stderr
    shown = {line.split("=", 1)[0].strip(): line.split("=", 1)[1].split("  #")[0].strip() for line in
             run.stdout.splitlines() if " = " in line}  # fmt: skip
    assert shown["card.pin_ref"] == "0x81"
    assert shown["card.pad_byte"] == "0xFF"
    assert shown["card.cla"] == "0"
    assert shown["audit.enabled"] == "true"
    assert shown["audit.max_bytes"] == "1_048_576"
    assert shown["plugin.backend"] == '"sim"'
    assert shown["card.aid"] == '"A0000006474F5349474E"'
    assert shown["plugins.allow"] == '["aosign-plugin"]'  # over several lines in the file: written out as TOML
    assert "True" not in run.stdout and "129" not in run.stdout and "'sim'" not in run.stdout
    data = json.loads(_host(tmp_path, "--manifest", str(path), "manifest", "show", "--json").stdout)
    keys = {k["key"]: k for k in data["keys"]}
    assert keys["card.pin_ref"]["value"] == 0x81 and keys["card.pin_ref"]["toml"] == "0x81"


def test_toml_value() -> None:
    assert toml_value(True) == "true"
    assert toml_value(129) == "129"
    assert toml_value('a"b') == '"a\\"b"'
    assert toml_value([1, "x", False]) == '[1, "x", false]'
    assert toml_value({"linux": "/x", "a b": 1}) == '{ linux = "/x", "a b" = 1 }'


def test_as_written_never_takes_a_comment_or_a_neighbour() -> None:
    text = 'a = 0x81 # 1, 2 }\nm = { linux = "/x", windows = "C:/y" }\nt = 1\n'
    assert as_written(text, (1, 1), 0x81) == "0x81"
    assert as_written(text, (2, 7), "/x") == '"/x"'
    assert as_written(text, (2, 21), "C:/y") == '"C:/y"'
    assert as_written(text, (3, 1), True) == "true"  # what the file says is not that value: written out


def test_check_path_speaks_the_users_language(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text('[plugin]\nlanguage = "en"\nbackend = "usb"\n')
    run = _host(tmp_path, "manifest", "check", str(path), LANG="ja_JP.UTF-8")
    assert run.returncode == 7
    assert f"{path}:3:1: plugin.backend: 次のいずれかを指定してください" in run.stdout
    # the user's own manifest chooses the language when nothing else does
    own = tmp_path / ".config/aosign/manifest.toml"
    own.parent.mkdir(parents=True)
    own.write_text('[plugin]\nlanguage = "ja"\n')
    run = _host(tmp_path, "manifest", "check", str(path), LANG="C.UTF-8")
    assert "次のいずれかを指定してください" in run.stdout


@pytest.mark.parametrize(
    ("body", "where", "ja"),
    [
        ('[plugin]\nbackend = "sim"\n[policy\nmin_length = 6\n', "3:8", "表の見出しが ] で閉じられていません"),
        ("[plugin]\nbackend = sim\n", "2:11", "値が正しくありません"),
        ('[plugin]\nbackend = "sim"\nbackend = "pcsc"\n', "3:17", "同じキーまたは表が2回あります"),
        ("[plugins]\nallow = [1,\n", "3:1", "値が正しくありません"),
    ],
)
def test_syntax_error_in_file_line_column_form(tmp_path: Path, body: str, where: str, ja: str) -> None:
    path = tmp_path / "m.toml"
    path.write_text(body)
    run = _host(tmp_path, "--lang", "ja", "manifest", "check", str(path))
    assert run.returncode == 7
    assert run.stderr.startswith(f"{path}:{where}: "), run.stderr
    assert ja in run.stderr
    assert "(at line" not in run.stderr
