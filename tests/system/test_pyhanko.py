"""aosign as a pyHanko signer (``pyhanko sign addsig aosign``), with the real toolkit and real tokens, no mocks.

SoftHSM2 holds a key pair and a self-signed certificate made here; the ``pyhanko`` command line signs through the
``aosign`` signer (found through its ``pyhanko.cli_plugin.signing`` entry point, declared by a throwaway dist-info
on ``PYTHONPATH``) and ``pyhanko sign validate`` judges the result. The PIN is changed with ``aosign-host``.

The lock, death and last-try refusals need a module that reports them: OpenSC's module over the simulated card,
served through the real pcscd and vpcd. In a fresh process OpenSC's generic driver reports no PIN state at all (it
sends no status query), so the service reads the card's own counters with an empty VERIFY through the PC/SC reader
the token's slot stands for (``[pkcs11] card_counters``, on by default), and the card's APDU log shows what reached
it. With that turned off, a locked card is found only by the login (one VERIFY answered 6983, no try spent): pinned
below.

"Nothing asked" is proven for real: standard input is a pipe still holding its line after the command, and on a
terminal (a pty) no prompt is written.
"""

from __future__ import annotations

import datetime
import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pkcs11
import pytest

from aosign_plugin.backends.pkcs11.backend import CKF_USER_PIN_COUNT_LOW
from aosign_plugin.catalogs import text
from aosign_plugin.simcard.apdu_log import read_log
from aosign_plugin.simcard.store import CardStore
from tests.support.cards import SHEET_CODE, SHEET_PIN, issue_card
from tests.support.opensc import MODULE as OPENSC_MODULE
from tests.support.opensc import OPENSC_CONF, PORT, READER
from tests.support.realparts import serve_card, stop_process
from tests.support.softhsm import LABEL, PIN, SoftHsm, session_is_open
from tests.support.system_manifest import SYSTEM_MANIFEST, with_system_manifest

BIN = Path(sys.executable).parent
PYHANKO = str(BIN / "pyhanko")
CERT_LABEL = "signer"
#: the new PIN: a canary that must appear in no output and no file
CANARY = "Cn7RyQ4zPx"
WRONG_PIN = "27182818"
WRONG = "PIN(暗証番号)が不正です。"
NOTHING_SENT = "カードには何も送っていません"
#: SoftHSM2's flags tell no count: said before the PIN is asked (issue 33)
COUNT_UNKNOWN = text("notice.pin_count_unknown", "ja", reason=text("status.unknown.module_gives_no_count", "ja"))
HOWTO_UNLOCK = "aosign-host unlock を実行してください。"
PROMPT_JA = "PIN(暗証番号): ".encode()


@dataclass
class Run:
    """One finished process; ``unread``: what was left of its standard input."""

    code: int
    out: str
    err: str
    unread: bytes = b""

    @property
    def text(self) -> str:
        return self.out + self.err


def _entry_point_site(root: Path) -> Path:
    """A folder for ``PYTHONPATH`` declaring the signer's entry point, as ``pip install .[pyhanko]`` will."""
    info = root / "site" / "aosign_pyhanko_test-0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: aosign-pyhanko-test\nVersion: 0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        "[pyhanko.cli_plugin.signing]\naosign = aosign_plugin.frontends.pyhanko_signer:AosignSigningPlugin\n",
        encoding="utf-8",
    )
    return info.parent


def _run(argv: list[str], env: dict[str, str], cwd: Path, stdin: str | None) -> Run:
    """Run ``argv`` with ``stdin`` in a pipe; what the process did not read is kept in :attr:`Run.unread`."""
    r, w = os.pipe()
    try:
        if stdin:
            os.write(w, stdin.encode())
        os.close(w)
        w = -1
        # pyHanko 0.38 imports cryptography's DSA, deprecated since cryptography 47: its warning is pyHanko's line on
        # standard error, not ours (the tests read our lines in order)
        env = {**env, "PYTHONWARNINGS": "ignore:DSA is deprecated"}
        proc = subprocess.run(argv, stdin=r, capture_output=True, env=env, cwd=cwd, timeout=60, check=False)
        readable, _, _ = select.select([r], [], [], 0)
        unread = os.read(r, 4096) if readable else b""
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)
    return Run(proc.returncode, proc.stdout.decode(), proc.stderr.decode(), unread)


if sys.platform != "win32":

    def _run_in_pty(argv: list[str], env: dict[str, str], cwd: Path, answer: str | None) -> tuple[int, str]:
        """Run ``argv`` on a terminal of its own (a pty as its controlling terminal); type ``answer`` at the PIN
        prompt. A prompt when ``answer`` is ``None`` fails the test (the child is killed)."""
        pid, fd = pty.fork()
        if pid == 0:  # the child: exec at once
            try:
                os.chdir(cwd)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        out = bytearray()
        answered = False
        deadline = time.monotonic() + 60
        try:
            while True:
                ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
                if not ready:
                    os.kill(pid, signal.SIGKILL)
                    raise AssertionError(f"no end within 60 s: {out.decode(errors='replace')}")
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # EIO: the child closed its terminal
                    break
                if not chunk:
                    break
                out += chunk
                if not answered and PROMPT_JA in out:
                    if answer is None:
                        os.kill(pid, signal.SIGKILL)
                        raise AssertionError(f"a PIN was asked: {out.decode(errors='replace')}")
                    os.write(fd, answer.encode() + b"\n")
                    answered = True
        finally:
            os.close(fd)
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status), out.decode(errors="replace")

else:

    def _run_in_pty(argv: list[str], env: dict[str, str], cwd: Path, answer: str | None) -> tuple[int, str]:
        raise NotImplementedError("a pty: POSIX only")


# --- SoftHSM2: a token with a key and a certificate -----------------------------------------------------------------


def _identity(hsm: SoftHsm, *, expires_in: int = 365) -> Path:
    """An RSA key pair and a self-signed certificate, made here and put on the token; returns the certificate.

    :param expires_in: days until the certificate ends (negative: it has expired).
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from pkcs11 import Attribute
    from pkcs11.util.rsa import decode_rsa_private_key
    from pkcs11.util.x509 import decode_x509_certificate

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "AOSign Test Signer")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=400))
        .not_valid_after(now + datetime.timedelta(days=expires_in))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    ident = {Attribute.TOKEN: True, Attribute.LABEL: CERT_LABEL, Attribute.ID: b"\x01"}
    with hsm.loaded() as lib, lib.get_token(token_label=LABEL).open(rw=True, user_pin=PIN) as session:
        attrs = decode_rsa_private_key(der_key)
        attrs.update(ident)
        attrs.update({Attribute.PRIVATE: True, Attribute.SENSITIVE: True, Attribute.SIGN: True})
        session.create_object(attrs)
        attrs = decode_x509_certificate(cert.public_bytes(serialization.Encoding.DER))
        attrs.update(ident)
        session.create_object(attrs)
    path = hsm.root / "signer.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def _pdf(path: Path) -> Path:
    """A one-page PDF, written by hand (catalog, page tree, one empty page, exact cross-reference table)."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
    ]
    pdf = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    path.write_bytes(bytes(pdf))
    return path


@dataclass
class Signing:
    """A SoftHSM2 token holding the signer's key and certificate, a PDF, and the commands a user runs."""

    hsm: SoftHsm
    cert: Path
    pdf: Path
    site: Path
    runs: list[Run]

    def env(self, lang: str = "ja") -> dict[str, str]:
        return {**self.hsm.env(lang), "PYTHONPATH": str(self.site)}

    def sign(
        self, stdin: str | None, out: str, *options: str, src: Path | None = None, field: str = "Sig1"
    ) -> tuple[Run, Path]:
        """``pyhanko sign addsig --field FIELD aosign --cert-label signer OPTIONS IN OUT``."""
        target = self.hsm.root / out
        argv = [PYHANKO, "sign", "addsig", "--field", field, "aosign", "--cert-label", CERT_LABEL, *options]
        run = _run([*argv, str(src or self.pdf), str(target)], self.env(), self.hsm.root, stdin)
        self.runs.append(run)
        return run, target

    def validate(self, pdf: Path) -> Run:
        argv = [PYHANKO, "sign", "validate", "--executive-summary", "--trust-replace", "--trust", str(self.cert)]
        run = _run([*argv, str(pdf)], self.env(), self.hsm.root, None)
        self.runs.append(run)
        return run

    def count_low(self) -> bool:
        return bool(self.hsm.flags() & CKF_USER_PIN_COUNT_LOW)


@pytest.fixture
def signing(tmp_path: Path) -> Iterator[Signing]:
    hsm = SoftHsm(tmp_path)
    hsm.init_token()
    yield Signing(hsm, _identity(hsm), _pdf(tmp_path / "in.pdf"), _entry_point_site(tmp_path), [])


def _no_canary(root: Path, texts: list[str], canary: str = CANARY) -> None:
    """``canary`` is in none of ``texts`` and in no file under ``root``."""
    needle = canary.encode()
    assert not any(canary in text for text in texts)
    for path in root.rglob("*"):
        if path.is_file():
            assert needle not in path.read_bytes(), path


def test_sign_validate_change_pin_then_old_and_new(signing: Signing) -> None:
    # signs, and pyHanko judges the signature VALID with the certificate as the only trust anchor
    run, signed = signing.sign(f"{PIN}\n", "signed.pdf", "--other-cert", CERT_LABEL)
    assert run.code == 0, run.text
    # the module tells no count: said before the PIN is asked, and nothing else
    assert run.out == "" and run.err.endswith(COUNT_UNKNOWN + "\n") and run.unread == b"", run.text
    check = signing.validate(signed)
    assert check.code == 0, check.text
    assert check.out.strip().startswith("Sig1:") and check.out.strip().endswith(":VALID"), check.out

    # PINs the card's base rules refuse never reach the token: no COUNT_LOW, nothing written
    for bad in ("271", "27182818271828182", "2718 2818", "２７１８２８１８"):
        run, out = signing.sign(f"{bad}\n", "refused.pdf")
        assert run.code == 2, run.text
        assert NOTHING_SENT in run.err and not out.exists()
    assert not signing.count_low()
    # each signing login is a PIN operation with its audit line, as change-pin's and unlock's (never the PIN)
    audit = signing.hsm.root / "home" / ".local" / "state" / "aosign" / "audit.jsonl"
    lines = [json.loads(line) for line in audit.read_text(encoding="utf-8").splitlines()]
    assert [(e["operation"], e["result"]) for e in lines] == [("sign", "ok")] + [("sign", "bad_input")] * 4, lines
    assert PIN not in audit.read_text(encoding="utf-8")

    # the PIN changed with the host, on the same token
    host = signing.hsm.host("change-pin", answers=[PIN, CANARY, CANARY])
    assert host.code == 0, host.text
    manifest = str(signing.hsm.manifest)
    run, again = signing.sign(f"{CANARY}\n", "again.pdf", "--manifest", manifest, src=signed, field="Sig2")
    assert run.code == 0, run.text
    # and through an identity of pyhanko.yml, with pyHanko's debug logging on
    root = signing.hsm.root
    config = root / "pyhanko.yml"
    config.write_text(
        f"identities:\n  card:\n    plugin: aosign\n    parameters:\n      cert-label: {CERT_LABEL}\n"
        f"      manifest: {manifest}\n",
        encoding="utf-8",
    )
    third = root / "identity.pdf"
    argv = [PYHANKO, "--verbose", "--config", str(config), "sign", "addsig", "--field", "Sig3", "identity", "card"]
    run = _run([*argv, str(again), str(third)], signing.env(), root, f"{CANARY}\n")
    signing.runs.append(run)
    assert run.code == 0 and "DEBUG" in run.err, run.text
    check = signing.validate(third)
    assert check.code == 0, check.text
    assert [line.split(":")[0::2] for line in check.out.split()] == [[f"Sig{n}", "VALID"] for n in (1, 2, 3)]

    # the old PIN: refused once, with the fresh state; the right PIN on the next line is not tried (no retry)
    run, out = signing.sign(f"{PIN}\n{CANARY}\n", "old.pdf")
    assert run.code == 3, run.text
    assert WRONG + "\n" in run.err and run.err.index(COUNT_UNKNOWN) < run.err.index(WRONG), run.err
    assert "状態: 使用できます" in run.err and "PIN(暗証番号)の残り回数: 残りわずか" in run.err
    assert run.unread == f"{CANARY}\n".encode()
    assert not out.exists()
    assert signing.count_low()  # the token counted exactly that login
    # English, and the advice after a wrong PIN before the PIN is asked again
    run, out = signing.sign(f"{CANARY}\n", "en.pdf", "--lang", "en")
    assert run.code == 0 and "resetting the PIN" in run.err, run.text
    run, out = signing.sign(f"{WRONG_PIN}\n", "en-wrong.pdf", "--lang", "en")
    assert run.code == 3 and "\nThe PIN is incorrect." in run.err, run.text
    _no_canary(signing.hsm.root, [r.text for r in signing.runs] + [host.text])


def test_terminal_prompt_is_pyhankos_and_echoes_nothing(signing: Signing) -> None:
    host = signing.hsm.host("change-pin", answers=[PIN, CANARY, CANARY])
    assert host.code == 0, host.text
    out = signing.hsm.root / "tty.pdf"
    argv = [
        PYHANKO,
        "sign",
        "addsig",
        "--field",
        "Sig1",
        "aosign",
        "--cert-label",
        CERT_LABEL,
        str(signing.pdf),
        str(out),
    ]
    code, screen = _run_in_pty(argv, signing.env(), signing.hsm.root, CANARY)
    assert code == 0, screen
    assert PROMPT_JA.decode() in screen and CANARY not in screen
    assert out.exists()
    _no_canary(signing.hsm.root, [screen, host.text])


def test_refused_before_anything_is_asked(signing: Signing) -> None:
    # no certificate or key named: a usage error, the token untouched
    run = _run(
        [PYHANKO, "sign", "addsig", "--field", "Sig1", "aosign", str(signing.pdf), "x.pdf"],
        signing.env(),
        signing.hsm.root,
        "x\n",
    )
    assert run.code == 2 and "--cert-label" in run.err and run.unread == b"x\n", run.text
    # no such token: named, with the tokens present; nothing read from standard input
    run, out = signing.sign(f"{PIN}\n", "none.pdf", "--token-label", "Nowhere")
    assert run.code == 6 and "pkcs11:token=Nowhere" in run.err and f"'{LABEL}'" in run.err, run.text
    assert run.unread == f"{PIN}\n".encode() and not out.exists()
    # no such certificate: refused before the PIN is asked (nothing read, no login), the certificates present named
    run, out = signing.sign(f"{PIN}\n", "nokey.pdf", "--cert-label", "nope")
    assert run.code == 2 and "label='nope'" in run.err and CERT_LABEL in run.err, run.text
    assert run.unread == f"{PIN}\n".encode() and not out.exists()
    # an invalid manifest: every problem with its line
    bad = signing.hsm.root / "bad.toml"
    bad.write_text('[plugin]\nbackend = "pkcs11"\n[pkcs11]\ntoken = "pkcs11:token=AOSign?pin-value=1234"\n')
    run, out = signing.sign(f"{PIN}\n", "bad.pdf", "--manifest", str(bad))
    assert run.code == 7 and f"{bad}:4:" in run.err and "1234" not in run.text, run.text
    assert run.unread == f"{PIN}\n".encode()
    # the system manifest (at its real place, in a private mount namespace) locks the module: --lib is refused
    # (manifests merged as the host merges them)
    system = '[manifest]\nlocked = ["pkcs11.module"]\n' + signing.hsm.manifest.read_text(encoding="utf-8")
    env = {k: v for k, v in signing.env().items() if k != "AOSIGN_MANIFEST"}
    env.update(XDG_CONFIG_HOME=str(signing.hsm.root / "xdg-user"))
    argv = [PYHANKO, "sign", "addsig", "--field", "Sig1", "aosign", "--cert-label", CERT_LABEL]
    run = _run(with_system_manifest([*argv, str(signing.pdf), "merged.pdf"], system), env, signing.hsm.root, f"{PIN}\n")
    assert run.code == 0, run.text  # the system manifest alone, merged: it signs
    lib = ["--lib", "/usr/lib/softhsm/libsofthsm2.so"]
    # issue 26: any lock of the module (by path, by p11-kit name, the whole table) refuses --lib
    for lock in ("pkcs11.module", "pkcs11.p11kit", "pkcs11"):
        locked = system.replace('locked = ["pkcs11.module"]', f'locked = ["{lock}"]')
        run = _run(
            with_system_manifest([*argv, *lib, str(signing.pdf), "lib.pdf"], locked), env, signing.hsm.root, f"{PIN}\n"
        )
        assert run.code == 2 and "--lib" in run.err and SYSTEM_MANIFEST in run.err, (lock, run.text)
        assert run.unread == f"{PIN}\n".encode()


@contextmanager
def _stdin_lines(*lines: str) -> Iterator[None]:
    """Standard input (fd 0) of this process replaced by a pipe holding ``lines``."""
    r, w = os.pipe()
    os.write(w, "".join(line + "\n" for line in lines).encode())
    os.close(w)
    saved = os.dup(0)
    os.dup2(r, 0)
    os.close(r)
    try:
        yield
    finally:
        os.dup2(saved, 0)
        os.close(saved)


def test_no_session_left_in_process(signing: Signing, monkeypatch: pytest.MonkeyPatch) -> None:
    from pyhanko.cli._ctx import CLIContext

    from aosign_plugin.frontends.pyhanko_signer import AosignSigningPlugin, SignerRefused

    monkeypatch.setenv("AOSIGN_LANG", "ja")
    monkeypatch.setenv("AOSIGN_MANIFEST", str(signing.hsm.manifest))
    plugin = AosignSigningPlugin()
    with signing.hsm.loaded():
        # a wrong PIN: refused, and the login's session is gone (python-pkcs11 alone would leave it open)
        with (
            _stdin_lines(WRONG_PIN),
            pytest.raises(SignerRefused) as refused,
            plugin.create_signer(CLIContext(), cert_label=CERT_LABEL),
        ):
            raise AssertionError("a wrong PIN gave a signer")
        assert refused.value.exit_code == 3 and refused.value.lines[0] == WRONG
        assert not any(session_is_open(handle) for handle in range(1, 64))
        # the right PIN: one session while the signer lives, closed after
        with _stdin_lines(PIN), plugin.create_signer(CLIContext(), cert_label=CERT_LABEL) as signer:
            handle = signer.pkcs11_session.handle  # type: ignore[attr-defined]
            assert session_is_open(handle)
            cert = signer.signing_cert
            assert cert is not None and cert.subject.human_friendly == "Common Name: AOSign Test Signer"
        assert not session_is_open(handle)
        assert isinstance(signer.pkcs11_session, pkcs11.Session)  # type: ignore[attr-defined]


# --- OpenSC's module over the simulated card, through pcscd ---------------------------------------------------------


@dataclass
class OpenscCard:
    """The simulated card served in vpcd's second reader, OpenSC configured for it, and the signer's manifests."""

    root: Path
    state: Path
    log: Path
    site: Path
    pdf: Path

    def set_tries(self, pin: int, unblock: int = 10) -> None:
        store = CardStore(self.state)
        with store.locked() as s:
            s.pin.tries_left, s.unblock.tries_left = pin, unblock
            store.save(s)

    def counters(self) -> tuple[int, int]:
        s = CardStore(self.state).load()
        return s.pin.tries_left, s.unblock.tries_left

    def manifest(self, backend: str, card_counters: bool = True) -> Path:
        path = self.root / f"{backend}-{card_counters}.toml"
        path.write_text(
            f'[plugin]\nbackend = "{backend}"\n\n[pcsc]\nreader = "{READER}"\n\n'
            f'[pkcs11]\nmodule.linux = "{OPENSC_MODULE}"\ntoken = "pkcs11:token=AOSign"\n'
            f"card_counters = {str(card_counters).lower()}\n",
            encoding="utf-8",
        )
        return path

    def env(self, backend: str, card_counters: bool = True) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "LC_", "LANG", "OPENSC_"))}
        env.update(
            AOSIGN_MANIFEST=str(self.manifest(backend, card_counters)),
            AOSIGN_LANG="ja",
            OPENSC_CONF=str(self.root / "opensc.conf"),
            HOME=str(self.root),
            XDG_CACHE_HOME=str(self.root / "cache"),
            XDG_STATE_HOME=str(self.root / "state"),
            PYTHONPATH=str(self.site),
        )
        return env

    def argv(self, *options: str) -> list[str]:
        return [
            PYHANKO,
            "sign",
            "addsig",
            "--field",
            "Sig1",
            "aosign",
            "--cert-label",
            "Signing certificate",  # the card's certificate: the signer checks it is there before the PIN
            *options,
            str(self.pdf),
            "out.pdf",
        ]

    def sign(self, stdin: str | None, *options: str, backend: str = "pcsc", card_counters: bool = True) -> Run:
        return _run(self.argv(*options), self.env(backend, card_counters), self.root, stdin)

    def mark(self) -> int:
        return len(read_log(self.log).entries) if self.log.exists() else 0

    def tries_sent(self, since: int) -> list[str]:
        """The SW of each logged command that carried a PIN (VERIFY, CHANGE, RESET with data) after ``since``."""
        entries = read_log(self.log).entries[since:]
        return [e["sw"] for e in entries if e["ins"] in (0x20, 0x24, 0x2C) and e.get("lc")]


@pytest.fixture(scope="module")
def opensc_card(pcscd: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenscCard]:
    root = tmp_path_factory.mktemp("opensc")
    state, log = root / "card.json", root / "apdus.jsonl"
    issue_card(state, SHEET_PIN, SHEET_CODE)
    (root / "opensc.conf").write_text(OPENSC_CONF, encoding="utf-8")
    server = serve_card(state, PORT, log)
    try:
        yield OpenscCard(root, state, log, _entry_point_site(root), _pdf(root / "in.pdf"))
    finally:
        stop_process(server)


def test_locked_card_nothing_asked(opensc_card: OpenscCard) -> None:
    card = opensc_card
    card.set_tries(0)
    mark = card.mark()
    run = card.sign(f"{SHEET_PIN}\n")
    assert run.code == 4, run.text
    assert run.err.splitlines()[0] == "AOSignICカードはロックした状態のため、署名できません。" + (
        "PIN(暗証番号)はお尋ねしていません(カードには何も送っていません)。"
    )
    assert HOWTO_UNLOCK in run.err
    assert run.unread == f"{SHEET_PIN}\n".encode()  # standard input untouched
    # on a terminal: no prompt at all
    code, screen = _run_in_pty(card.argv(), card.env("pcsc"), card.root, None)
    assert code == 4 and HOWTO_UNLOCK in screen, screen
    assert card.tries_sent(mark) == [] and card.counters() == (0, 10)
    # English
    run = card.sign(f"{SHEET_PIN}\n", "--lang", "en")
    assert run.code == 4 and "The AOSign IC card is locked" in run.err and "aosign-host unlock" in run.err, run.text


def test_dead_card_revoke(opensc_card: OpenscCard) -> None:
    card = opensc_card
    card.set_tries(10, 0)
    mark = card.mark()
    run = card.sign(f"{SHEET_PIN}\n")
    assert run.code == 5, run.text
    assert "失効" in run.err and "新規申込" in run.err
    assert run.unread == f"{SHEET_PIN}\n".encode() and card.tries_sent(mark) == []


def test_final_try_needs_the_option(opensc_card: OpenscCard) -> None:
    card = opensc_card
    card.set_tries(1)
    mark = card.mark()
    first = run = card.sign(f"{WRONG_PIN}\n")
    assert run.code == 2, run.text
    assert "次が最後の1回です(残り1回)" in run.err and "--final-try" in run.err and NOTHING_SENT in run.err
    assert run.unread == f"{WRONG_PIN}\n".encode() and card.tries_sent(mark) == []
    # acknowledged: the warning, one try, and the wrong PIN that spends it locks the card
    run = card.sign(f"{WRONG_PIN}\n{SHEET_PIN}\n", "--final-try")
    assert run.code == 4, run.text
    lines = run.err.splitlines()
    # the last try: the lock warning and the issuer's advice to reset with the sheet, both before the PIN (issue 33)
    assert lines[0].startswith("次が最後の1回です") and "リセットをおすすめします" in lines[1], lines
    assert lines[2] == WRONG, lines
    assert "ロックした状態となりました。署名はしていません。" in lines[3] and HOWTO_UNLOCK in run.err
    assert run.unread == f"{SHEET_PIN}\n".encode()  # no retry
    assert card.tries_sent(mark) == ["63C0"] and card.counters() == (0, 10)
    # the wrong PIN went through pyHanko, the plugin, OpenSC and the card: it is in no output and no file
    _no_canary(card.root, [first.text, run.text], WRONG_PIN)


def test_wrong_pins_advice_then_exact_count(opensc_card: OpenscCard) -> None:
    card = opensc_card
    card.set_tries(8)
    mark = card.mark()
    run = card.sign(f"{WRONG_PIN}\n")
    assert run.code == 3, run.text
    lines = run.err.splitlines()
    assert lines[0].startswith("PIN(暗証番号)の誤入力が続いています(残り8回)。")  # before the PIN was read
    assert lines[1] == WRONG and lines[2].startswith("残り7回入力できます。"), lines
    assert "PIN(暗証番号)の残り回数: 7 / 10 回" in run.err
    assert card.tries_sent(mark) == ["63C7"] and card.counters() == (7, 10)
    # the right PIN: the login resets the count; the simulated card holds no private key (its certificate is
    # there: checked before the PIN), which is named
    run = card.sign(f"{SHEET_PIN}\n")
    assert run.code == 6 and "Could not find private key with label 'Signing certificate'" in run.err, run.text
    assert card.counters() == (10, 10)


def test_pkcs11_backend_reads_the_card_behind_the_token(opensc_card: OpenscCard) -> None:
    """With ``backend = "pkcs11"`` the card behind the token is read through its reader: the lock is found before
    anything is asked, and nothing reaches the card."""
    card = opensc_card
    card.set_tries(0)
    mark = card.mark()
    run = card.sign(f"{WRONG_PIN}\n", backend="pkcs11")
    assert run.code == 4, run.text
    assert HOWTO_UNLOCK in run.err and WRONG not in run.err
    assert run.unread == f"{WRONG_PIN}\n".encode() and card.tries_sent(mark) == []


def test_pkcs11_alone_finds_the_lock_only_at_login(opensc_card: OpenscCard) -> None:
    """Without the card's own counters (``card_counters = false``), OpenSC's generic driver reports no PIN state in
    a fresh process: the PIN is read, and the login's VERIFY is answered 6983 (blocked) without spending a try; the
    lock message follows."""
    card = opensc_card
    card.set_tries(0)
    mark = card.mark()
    run = card.sign(f"{WRONG_PIN}\n", backend="pkcs11", card_counters=False)
    assert run.code == 4, run.text
    assert HOWTO_UNLOCK in run.err and WRONG not in run.err
    assert run.unread == b""  # the PIN was read: the module could not tell
    assert card.tries_sent(mark) == ["6983"] and card.counters() == (0, 10)


def test_expired_certificate_refused_before_the_pin_expiring_one_warned(tmp_path: Path) -> None:
    hsm = SoftHsm(tmp_path)
    hsm.init_token()
    signing = Signing(hsm, _identity(hsm, expires_in=-1), _pdf(tmp_path / "in.pdf"), _entry_point_site(tmp_path), [])
    flags = hsm.flags()
    run, out = signing.sign(f"{PIN}\n", "expired.pdf")
    assert run.code == 2 and not out.exists(), run.text
    assert "有効期限が切れています" in run.err and "カードには何も送信していません" in run.err, run.err
    assert run.unread == f"{PIN}\n".encode()  # the PIN was never asked
    assert hsm.flags() == flags
    # an expiring one (30 days < 60): warned, then signed
    fresh = SoftHsm(tmp_path / "second")
    fresh.init_token()
    second = Signing(fresh, _identity(fresh, expires_in=30), signing.pdf, signing.site, [])
    run, out = second.sign(f"{PIN}\n", "expiring.pdf")
    assert run.code == 0 and out.exists(), run.text
    assert "有効期限まであと" in run.err and "更新の申込" in run.err, run.err
