"""Key positions in TOML text."""

from __future__ import annotations

from hostapp_stub.tomlpos import key_positions, locate

TEXT = """# comment = not a key
[plugin]
backend = "sim"   # trailing
  language = 'ja'

[policy]
min_length = 2
notes = [
  "x = 1",
  { y = 2 },
]
doc = \"\"\"
z = 3
\"\"\"

[pkcs11]
module.linux = "/usr/lib/x.so"
"module".windows = 'C:\\\\x.dll'
token = { uri = "pkcs11:token=A", label = "A" }

[[ "quoted table" ]]
key = 1
"""


def test_positions() -> None:
    pos = key_positions(TEXT)
    assert pos["plugin"] == (2, 1)
    assert pos["plugin.backend"] == (3, 1)
    assert pos["plugin.language"] == (4, 3)
    assert pos["policy.min_length"] == (7, 1)
    assert pos["policy.notes"] == (8, 1)
    assert "policy.y" not in pos and "policy.notes.y" not in pos and "policy.z" not in pos
    assert pos["policy.doc"] == (12, 1)
    assert pos["pkcs11.module.linux"] == (17, 1)
    assert pos["pkcs11.module.windows"] == (18, 1)
    assert pos["pkcs11.token.label"][0] == 19
    assert pos["quoted table.key"] == (22, 1)


def test_locate_falls_back_to_the_enclosing_key() -> None:
    pos = key_positions(TEXT)
    assert locate(pos, "plugin.backend") == (3, 1)
    assert locate(pos, "pkcs11.module.bsd") == (17, 1)
    assert locate(pos, "nothing.here") is None
