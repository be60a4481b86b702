"""The edges where text leaves the program (issue 25): the one neutraliser, JSON, the status lines made of a card's,
a reader's and a certificate's words, the stream that cannot be written, answers in the user's encoding."""

from __future__ import annotations

import datetime as dt
import io
import json
import unicodedata

import pytest

from hostapp_stub.untrusted import Untrusted, json_text, visible

#: what a card, a module, a reader or a plugin can say to take over a terminal or a line reader
HOSTILE = [
    "Evil\x1b[31mRED\x1b]0;pwned\x07",  # CSI colour, OSC title
    "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",  # OSC 8 hyperlink
    "C1 CSI\x9b2J and NEL\x85 here",
    "abc\u202etxt.exe",  # right-to-left override
    "\u2066isolate\u2069 \u202aembed\u202c \u200fmark\u200e \u061c",
    "line\u2028sep\u2029para",
    "ok\r\n✓ PIN changed\n",  # a fake line
    "\x00\x08\x7f\x0b\x0c",
]
#: what must never be left raw: C0 (but LF/TAB of the program's own text), DEL, C1, Bidi_Control, U+2028/2029
BAD = (
    {chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
    | {
        ch
        for ch in map(chr, range(0x2000, 0x2070))
        if unicodedata.bidirectional(ch)
        in {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI", "LRM", "RLM"}
    }
    | {"\u061c", "\u2028", "\u2029"}
)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_visible_leaves_no_control(hostile: str) -> None:
    shown = visible(hostile)
    assert not BAD & set(shown), shown
    kept = visible(hostile, keep_lines=True)
    assert not (BAD - {"\n", "\t"}) & set(kept), kept


def test_printable_japanese_is_untouched() -> None:
    text = "山田 太郎(ﾔﾏﾀﾞ)「PIN(暗証番号)」① ＡＢＣ１２３ — café ✓"
    assert visible(text) == text and json.loads(json_text(text)) == text and text in json_text(text)


def test_untrusted_formats_visibly_and_stays_equal() -> None:
    reader = Untrusted("Reader\x1b[2J\nfake")
    assert reader == "Reader\x1b[2J\nfake"  # still opens its reader
    assert f"{reader}|{reader:>3}" == "Reader\\x1b[2J\\nfake|Reader\\x1b[2J\\nfake"
    assert f"{reader}".count("\n") == 0


@pytest.mark.parametrize("hostile", HOSTILE)
def test_json_escapes_the_same_set_and_stays_valid(hostile: str) -> None:
    out = json_text({"reader": hostile, "list": [hostile]})
    assert not BAD - {"\n"} & set(out)
    assert json.loads(out) == {"reader": hostile, "list": [hostile]}
    assert len(json_text({"a": hostile}, indent=None).splitlines()) == 1  # one record for a line reader


def _status(hostile: str) -> object:
    from aosign_plugin.domain.card_status import CardStatus, Counter, CounterSource
    from aosign_plugin.domain.certificates import CertificateInfo, UnreadableCertificate, assess

    now = dt.datetime.now(dt.UTC)
    info = CertificateInfo(
        label=Untrusted(hostile),
        subject=Untrusted(hostile),
        issuer=Untrusted(hostile),
        serial="01",
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=10),
    )
    counter = Counter(tries_left=10, max_tries=10, source=CounterSource.CARD)
    return CardStatus(
        backend="pkcs11",
        reader=Untrusted(hostile),
        pin=counter,
        unblock=counter,
        serial=Untrusted(hostile),
        certificates=(assess(info, now, 60),),
        unreadable_certificates=(UnreadableCertificate(Untrusted(hostile), "malformed"),),
    )


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("hostile", HOSTILE)
def test_status_lines_show_a_card_s_words_on_their_own_line(hostile: str, lang: str) -> None:
    """Reader, serial, certificate label, subject and issuer, an unreadable certificate's label: each shown visibly,
    none starts a line of its own (the notices before typing and the window use the same lines)."""
    from aosign_plugin.frontends.terminal_view import status_json, status_lines

    status = _status(hostile)
    lines = status_lines(status, lang)  # type: ignore[arg-type]
    for line in lines:
        assert not BAD & set(line), line
        assert "\n" not in line
    out = json_text(status_json(status, lang))  # type: ignore[arg-type]
    assert not (BAD - {"\n"}) & set(out)
    assert json.loads(out)["reader"] == hostile  # the value itself is kept


def test_a_certificate_s_common_name_is_escaped_like_the_rest_of_the_name(tmp_path: object) -> None:
    """``_name`` escaped every attribute but the CN, the one shown."""
    from asn1crypto import x509  # type: ignore[import-untyped]

    from aosign_plugin.domain.certificates import _name

    evil = "Evil\x1b[31mRED\x1b]0;pwned\x07\u202e\x9b"
    name = x509.Name.build({"common_name": evil, "organization_name": "O\x1bX"})
    shown = _name(name)
    assert isinstance(shown, Untrusted)
    assert not BAD & set(shown) and shown.startswith("Evil\\1B[31mRED")
    assert "\\E2\\80\\AE" in shown and "\\C2\\9B" in shown
    whole = _name(x509.Name.build({"organization_name": "O\x1bX", "country_name": "JP"}))
    assert "O=O\\1BX" in whole


class _Full(io.RawIOBase):
    """A descriptor-less stream whose every write fails like a full disk."""

    def writable(self) -> bool:
        return True

    def write(self, b: object) -> int:
        raise OSError(28, "No space left on device")


def test_the_output_edge_keeps_what_it_could_not_write() -> None:
    from hostapp_stub.console_output import OutputEdge

    edge = OutputEdge(io.TextIOWrapper(io.BufferedWriter(_Full())), "stdout")  # type: ignore[arg-type]
    edge.write("Card: Evil\x1b[2J\n")
    edge.flush()  # fails: no traceback
    edge.write("more\n")
    edge.flush()
    assert edge.error is not None and edge.error.errno == 28
    assert "".join(edge.lost) == "Card: Evil\\x1b[2J\nmore\n"


def test_answers_in_legacy_encodings_become_utf8() -> None:
    from hostapp_stub.terminal import in_utf8, is_yes

    for encoding in ("euc_jp", "shift_jis", "utf-8"):
        assert is_yes(in_utf8(bytearray("はい".encode(encoding)), (encoding,)))
        assert in_utf8(bytearray("１２３４".encode(encoding)), ("utf-8", encoding)) == bytearray("１２３４", "utf-8")
    ascii_answer = bytearray(b"31415926")
    assert in_utf8(ascii_answer, ("euc_jp",)) is ascii_answer  # a PIN is never copied
