"""RFC 7512 token URIs: what picks a token is parsed, everything else refused by name, and no value ever quoted."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aosign_plugin.config.token_uri import Pkcs11Uri, UriError, parse_uri, validate_uri


def test_token_by_label() -> None:
    uri = parse_uri("pkcs11:token=AOSign")
    assert uri == Pkcs11Uri(token="AOSign")
    assert not uri.picks_any
    assert uri.matches_token("AOSign", "SoftHSM project", "0606f6dfb3801d03", "SoftHSM v2")
    assert not uri.matches_token("AOSign2", "SoftHSM project", "0606f6dfb3801d03", "SoftHSM v2")
    # CK_TOKEN_INFO pads its fields with blanks
    assert uri.matches_token("AOSign" + " " * 26, "", "", "")


def test_bare_scheme_picks_any() -> None:
    uri = parse_uri("pkcs11:")
    assert uri.picks_any
    assert uri.matches_token("anything", "x", "y", "z")
    assert uri.matches_slot(7, "slot", "maker")
    assert uri.matches_library("lib", "maker", (1, 2))
    assert parse_uri("PKCS11:") == uri  # URI schemes compare without case


def test_every_supported_attribute() -> None:
    text = (
        "pkcs11:token=My%20Token;manufacturer=SoftHSM%20project;serial=0606f6dfb3801d03;model=SoftHSM%20v2;"
        "slot-id=864034051;slot-description=SoftHSM%20slot%20ID%200x33801d03;slot-manufacturer=SoftHSM%20project;"
        "library-description=Implementation%20of%20PKCS11;library-manufacturer=SoftHSM;library-version=2.6"
    )
    uri = parse_uri(text)
    assert uri == Pkcs11Uri(
        token="My Token",
        manufacturer="SoftHSM project",
        serial="0606f6dfb3801d03",
        model="SoftHSM v2",
        slot_id=864034051,
        slot_description="SoftHSM slot ID 0x33801d03",
        slot_manufacturer="SoftHSM project",
        library_description="Implementation of PKCS11",
        library_manufacturer="SoftHSM",
        library_version=(2, 6),
    )
    assert uri.matches_slot(864034051, "SoftHSM slot ID 0x33801d03", "SoftHSM project")
    assert not uri.matches_slot(1, "SoftHSM slot ID 0x33801d03", "SoftHSM project")
    assert uri.matches_library("Implementation of PKCS11", "SoftHSM", (2, 6))
    assert not uri.matches_library("Implementation of PKCS11", "SoftHSM", (2, 5))
    assert parse_uri(str(uri)) == uri
    assert validate_uri(text) == []


def test_percent_decoding() -> None:
    assert parse_uri("pkcs11:token=%E9%9D%92%E7%BD%B2").token == "青署"  # UTF-8, percent-encoded
    assert parse_uri("pkcs11:token=a%3bb%3Fc").token == "a;b?c"  # either hex case
    assert parse_uri("pkcs11:token=").token == ""  # an empty value is a value (the empty label)
    # the characters RFC 7512 lets stand unencoded in a path value
    assert parse_uri("pkcs11:token=a:[]@!$'()*+,=&b-._~").token == "a:[]@!$'()*+,=&b-._~"
    assert parse_uri("pkcs11:library-version=3").library_version == (3, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pkcs11:token=AOSign?pin-value=31415926", "'pin-value': a PIN never lives in configuration"),
        ("pkcs11:token=AOSign?pin-source=file:/home/u/pin.txt", "'pin-source': a PIN never lives in configuration"),
        ("pkcs11:token=AOSign;pin-value=31415926", "'pin-value': a PIN never lives in configuration"),
        ("pkcs11:token=AOSign?pin-value", "'pin-value': a PIN never lives in configuration"),
        ("pkcs11:object=sign;type=private", "'object' names an object; this setting picks a token"),
        ("pkcs11:id=%01", "'id' names an object"),
        ("pkcs11:token=A?module-path=/usr/lib/x.so", "'module-path': the module comes from [pkcs11] module.<os>"),
        ("pkcs11:token=A?module-name=softhsm2", "'module-name': the module comes from"),
        ("pkcs11:x-vendor=1", "path attribute 1 is vendor-specific"),
        ("pkcs11:tokn=AOSign", "path attribute 1 is not an attribute this setting knows; use: token,"),
        ("pkcs11:Token=AOSign", "(attribute names are lower-case)"),
        ("pkcs11:?token=AOSign", "'token' belongs in the path (before '?')"),
        ("pkcs11:token=A;token=B", "'token' is given more than once"),
        ("pkcs11:token=My Token", "'token': a character RFC 7512 wants percent-encoded (a space is %20)"),
        ("pkcs11:token=a/b", "'token': a character RFC 7512 wants percent-encoded"),
        ("pkcs11:token=%2", "'token': a '%' not followed by two hex digits"),
        ("pkcs11:token=%zz", "'token': a '%' not followed by two hex digits"),
        ("pkcs11:token=%FF", "'token': the value is not UTF-8 once percent-decoded"),
        ("pkcs11:token=" + "a" * 33, "'token' is longer than the 32 bytes PKCS#11 gives it"),
        ("pkcs11:serial=" + "0" * 17, "'serial' is longer than the 16 bytes"),
        ("pkcs11:slot-id=0x1", "'slot-id' must be a decimal number"),
        ("pkcs11:library-version=2.x", "'library-version' must be a number, or two numbers joined by '.'"),
        ("pkcs11:token=A#frag", "a PKCS#11 URI has no fragment"),
        ("pkcs11:token=A?", "an empty query after '?'"),
        ("pkcs11:token=A;", "path attribute 2 is empty or has no name"),
        ("pkcs11:=A", "path attribute 1 is empty or has no name"),
        ("pkcs11:AOSign", "path attribute 1 has no '=' and value"),
        ("pkcs11", 'not a PKCS#11 URI: it must start with "pkcs11:"'),
        ("https://example.com/", 'not a PKCS#11 URI: it must start with "pkcs11:"'),
    ],
)
def test_refused(text: str, expected: str) -> None:
    problems = validate_uri(text)
    assert any(expected in p for p in problems), problems
    with pytest.raises(UriError) as info:
        parse_uri(text)
    assert info.value.problems == problems
    assert isinstance(info.value, ValueError)


def test_every_problem_is_reported() -> None:
    problems = validate_uri("pkcs11:token=A;token=B;tokn=C;slot-id=x?pin-value=1234&module-path=/x")
    assert len(problems) == 5, problems


# a PIN: 6 to 16 letters and digits with at least one of each (no word of the problem texts is one)
pins = st.text("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", min_size=6, max_size=16).filter(
    lambda s: any(c.isdigit() for c in s) and any(c.isalpha() for c in s)
)


@given(pins)
def test_a_pin_is_never_quoted(pin: str) -> None:
    for text in (
        f"pkcs11:token=AOSign?pin-value={pin}",
        f"pkcs11:token=AOSign;pin-value={pin}",
        f"pkcs11:token=AOSign?pin-value={pin}&pin-value={pin}",
        f"pkcs11:{pin}",  # typed where an attribute goes
        f"pkcs11:{pin}=x",
        f"pkcs11:token=AOSign?{pin}",
        f"pkcs11:token=AOSign?x-{pin}=1",
        f"pkcs11:token=AOSign;pin-value={pin}#x",
        f"pkcs11:token={pin} {pin}",  # a value with a space is refused without quoting it
    ):
        problems = validate_uri(text)
        assert problems, text
        assert all(pin not in p for p in problems), (text, problems)
        with pytest.raises(UriError) as info:
            parse_uri(text)
        assert pin not in str(info.value)


@given(st.text(min_size=0, max_size=32).filter(lambda s: len(s.encode("utf-8")) <= 32))
def test_labels_round_trip(label: str) -> None:
    uri = Pkcs11Uri(token=label)
    text = str(uri)
    assert validate_uri(text) == []
    assert parse_uri(text) == uri


def test_uri_is_frozen() -> None:
    uri = parse_uri("pkcs11:token=AOSign")
    with pytest.raises(AttributeError):
        uri.token = "other"  # type: ignore[misc]
