"""Certificates made with openssl, outside the project, and what openssl says about them.

:class:`OpensslCa` runs ``openssl req`` and ``openssl ca`` (any validity period, in the past or the future, names in
any script); :func:`openssl_says` reads a certificate back with ``openssl x509`` into the fields of CONTRACT.md's
``certificates[]`` entries, so that a test compares ``status --json`` with openssl, field by field.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Made", "OpensslCa", "expected_entry", "openssl_says"]

_CONF = """\
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir/issued
serial = $dir/serial
default_md = sha256
policy = anything
unique_subject = no
email_in_dn = yes
[ anything ]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
commonName = optional
serialNumber = optional
emailAddress = optional
"""


def _run(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["openssl", *args], capture_output=True, text=True, cwd=cwd, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)}: {done.stderr}")
    return done.stdout


@dataclass(frozen=True)
class Made:
    """One certificate openssl made: its PEM file and its DER bytes."""

    pem: Path
    der: bytes


class OpensslCa:
    """A throwaway CA in ``folder``, made by openssl."""

    def __init__(self, folder: Path, name: str = "/C=JP/O=Outside Test CA/CN=Outside Test CA") -> None:
        self.dir = folder
        (folder / "issued").mkdir(parents=True)
        (folder / "index.txt").write_text("")
        (folder / "serial").write_text("1000A1\n")
        self.conf = folder / "ca.cnf"
        self.conf.write_text(_CONF.format(dir=folder))
        self.key = folder / "ca.key"
        self.cert = folder / "ca.pem"
        _run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-utf8",
             "-subj", name, "-days", "7300", "-keyout", str(self.key), "-out", str(self.cert))  # fmt: skip
        self._n = 0

    def issue(self, subject: str, not_before: dt.datetime, not_after: dt.datetime) -> Made:
        """A certificate for ``subject`` (openssl's ``/C=JP/CN=...`` form, UTF-8) valid in that period."""
        self._n += 1
        key, csr, pem = (self.dir / f"c{self._n}.{ext}" for ext in ("key", "csr", "pem"))
        _run("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-utf8",
             "-subj", subject, "-keyout", str(key), "-out", str(csr))  # fmt: skip
        stamp = "%Y%m%d%H%M%SZ"
        _run("ca", "-batch", "-config", str(self.conf), "-cert", str(self.cert), "-keyfile", str(self.key),
             "-in", str(csr), "-out", str(pem), "-utf8", "-preserveDN", "-notext",
             "-startdate", not_before.astimezone(dt.UTC).strftime(stamp),
             "-enddate", not_after.astimezone(dt.UTC).strftime(stamp))  # fmt: skip
        der = self.dir / f"c{self._n}.der"
        _run("x509", "-in", str(pem), "-outform", "DER", "-out", str(der))
        return Made(pem, der.read_bytes())


def _cn_or_whole(rfc2253: str) -> str:
    """The most specific CN of openssl's RFC 2253 rendering (first CN: most specific first), else all of it."""
    parts: list[str] = []
    current = ""
    escaped = False
    for ch in rfc2253:
        if escaped:
            current += ch
            escaped = False
        elif ch == "\\":
            current += ch
            escaped = True
        elif ch in ",+":
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    for part in parts:
        if part.startswith("CN="):
            return part[3:].replace("\\", "")
    return rfc2253


def _iso(text: str) -> str:
    # openssl -dateopt iso_8601: "2026-11-28 02:51:14Z"
    return text.strip().replace(" ", "T")


def openssl_says(pem: Path) -> dict[str, str]:
    """``openssl x509`` on ``pem``: subject and issuer (CN, else the whole name), serial, not_before, not_after."""
    out = _run("x509", "-in", str(pem), "-noout", "-subject", "-issuer", "-serial", "-startdate", "-enddate",
               "-nameopt", "RFC2253,-esc_msb", "-dateopt", "iso_8601")  # fmt: skip
    fields = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
    return {
        "subject": _cn_or_whole(fields["subject"]),
        "issuer": _cn_or_whole(fields["issuer"]),
        "serial": fields["serial"].strip(),
        "not_before": _iso(fields["notBefore"]),
        "not_after": _iso(fields["notAfter"]),
    }


def expected_entry(
    pem: Path, label: str | None, warn_days: int = 60, now: dt.datetime | None = None
) -> dict[str, object]:
    """The ``certificates[]`` entry that status must print for ``pem``, from openssl's words alone."""
    said = openssl_says(pem)
    moment = now or dt.datetime.now(dt.UTC)
    nb = dt.datetime.fromisoformat(said["not_before"].replace("Z", "+00:00"))
    na = dt.datetime.fromisoformat(said["not_after"].replace("Z", "+00:00"))
    days = (na.date() - moment.date()).days
    if moment < nb:
        state = "not_yet_valid"
    elif moment > na:
        state = "expired"
    elif days < warn_days:
        state = "expiring"
    else:
        state = "valid"
    return {"label": label, **said, "days_left": days, "state": state}
