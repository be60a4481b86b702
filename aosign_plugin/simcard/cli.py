"""``aosign-sim``: issue, serve and inspect the simulated AOSign card.

``issue`` prints the card's 「PIN(暗証番号)について」 sheet once: the initial PIN and the unblocking code
exist in clear nowhere else. ``serve`` inserts the card into vpcd's virtual reader. ``show`` prints counters,
never secrets.

Exit codes: 0 done · 2 bad usage or refusing to overwrite a card · 6 no card state file (or it is unusable, or
vpcd is not there) · 74 ``issue`` could not write the sheet (a full disk, a closed output): the old card stays.

Its texts are the catalogs' ``sim.*`` (and ``unavailable.*`` for a card that cannot be used), in the language of
``--lang``, else ``$AOSIGN_LANG``, else the system's, like the host.
"""

from __future__ import annotations

import argparse
import errno
import os
import secrets
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aosign_plugin.simcard.store import CardStore, Scrypt, SimCardState

__all__ = ["EXIT_BAD_USAGE", "EXIT_NO_CARD", "EXIT_OK", "default_state_path", "main"]

EXIT_OK = 0
EXIT_BAD_USAGE = 2
#: ``issue`` could not write the new card's sheet: the new card was not kept (sysexits.h's EX_IOERR, as the host's)
EXIT_NOT_WRITTEN = 74
EXIT_NO_CARD = 6

_DIGITS = b"0123456789"
_CODE_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_PIN_LEN = 8
_CODE_LEN = 12
_STDIN_MAX = 4096


def default_state_path() -> Path:
    """The user's data folder's ``sim-card.json``: the same file the sim backend reads (one source for both)."""
    from aosign_plugin.config.platforms import default_sim_state

    return default_sim_state()


def _int(text: str) -> int:
    """An integer in decimal or ``0x`` hex."""
    try:
        return int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None


def _hex(text: str) -> bytes:
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not hex: {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aosign-sim", description="The simulated AOSign IC card.", allow_abbrev=False)
    parser.add_argument("--lang", choices=["ja", "en"], help="language (else $AOSIGN_LANG, else the system's language)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    issue = sub.add_parser("issue", help="issue a fresh card and print its 「PIN(暗証番号)について」 sheet once")
    issue.add_argument("--state", type=Path, help="state file (default: the user data dir's sim-card.json)")
    issue.add_argument("--force", action="store_true", help="replace an existing card")
    issue.add_argument(
        "--keep", action="store_true", help="if a card is already issued, keep it and succeed (its sheet is not shown)"
    )
    issue.add_argument(
        "--separate-code",
        action="store_true",
        help="give the card an unblocking code different from its initial PIN (the sheet then shows both)",
    )
    aid = issue.add_mutually_exclusive_group()
    aid.add_argument("--aid", type=_hex, help="the card's AID in hex (default A0000006474F5349474E)")
    aid.add_argument("--no-aid", action="store_true", help="a card without an application to select")
    issue.add_argument("--cla", type=_int)
    issue.add_argument("--pin-ref", type=_int)
    issue.add_argument("--unblock-ref", type=_int)
    issue.add_argument("--pad-to", type=_int, help="field width in bytes, 0 for no padding")
    issue.add_argument("--pad-byte", type=_int)
    issue.add_argument("--change", choices=["combined", "verify-then-set"])
    issue.add_argument("--unblock-status", choices=["verify-empty", "unknown"])
    # the cost of the card's scrypt (n; r=8, p=1 unless 16 or below: the tests' quick card); hidden: for tests
    issue.add_argument("--scrypt-n", type=_int, default=None, help=argparse.SUPPRESS)
    issue.add_argument(
        "--code-status-answer",
        choices=["63Cx", "9000", "6985", "6A88", "6982"],
        default="63Cx",
        help="the card's answer to the empty VERIFY on the unblocking code's reference (63Cx: it tells the tries; "
        "any other: a card that does not)",
    )
    issue.add_argument(
        "--from-stdin",
        action="store_true",
        help="read the initial PIN, and optionally a different unblocking code, as lines from stdin (not a terminal)",
    )
    issue.add_argument(
        "--lang", choices=["ja", "en"], default=argparse.SUPPRESS, help="language (as aosign-sim --lang)"
    )
    cert = issue.add_argument_group("the card's certificate (from the test CA kept beside the state file)")
    cert.add_argument("--holder", help="the holder's name, the certificate's CN (any script; default: a test name)")
    cert.add_argument(
        "--expires-in",
        type=_int,
        metavar="DAYS",
        help="days until the certificate expires (default 1095; -1: it expired yesterday)",
    )
    cert.add_argument("--starts-in", type=_int, metavar="DAYS", help="days until it becomes valid (default: valid now)")
    cert.add_argument("--no-certificate", action="store_true", help="a card without a certificate")

    add = sub.add_parser(
        "add-certificate",
        help="put a certificate file (PEM or DER, stored as given) on the card, after those it holds",
    )
    add.add_argument("file", type=Path)
    add.add_argument("--label", default="Certificate", help="its label in the card's certificate directory")
    add.add_argument("--replace", action="store_true", help="remove the card's certificates first")
    add.add_argument("--state", type=Path)

    serve = sub.add_parser("serve", help="insert the card into vpcd's virtual reader until stopped")
    serve.add_argument("--port", type=_int, default=None, help="vpcd port (default 35963: Virtual PCD 00 00)")
    serve.add_argument("--state", type=Path)
    serve.add_argument("--log", type=Path, help="append the card's APDU log (hashed secrets only) here")
    serve.add_argument("--connect-timeout", type=float, default=10.0, help=argparse.SUPPRESS)
    serve.add_argument(
        "--fault",
        metavar="SPEC",
        help="tests: make the card vanish (or go mute) at one command, e.g. ins=24,when=before "
        "(when=before|after, ins=HEX, nth=N counted from the start of serving, action=vanish|mute)",
    )

    show = sub.add_parser("show", help="serial, dialect and counters (never secrets)")
    show.add_argument("--state", type=Path)
    show.add_argument("--json", action="store_true")
    return parser


#: the language of this run's texts (set by :func:`main`)
_lang = "en"


def _language(chosen: str | None) -> str:
    """``--lang``, else ``$AOSIGN_LANG`` (empty: unset; another value: ignored), else the system's language."""
    if chosen in ("ja", "en"):
        return chosen
    env = os.environ.get("AOSIGN_LANG", "")
    if env in ("ja", "en"):
        return env
    from hostapp_stub.api import system_language

    return system_language()


def _t(key: str, **params: object) -> str:
    from aosign_plugin import catalogs

    return catalogs.text(key, _lang, **params)


def _err(message: str) -> None:
    print(f"aosign-sim: {message}", file=sys.stderr)


def _broken(exc: Exception) -> bool:
    """A card state (or APDU log) that cannot be used, in the catalogs' words: the file and what is wrong, and the
    command that fixes it when there is one (True then)."""
    from aosign_plugin.simcard.fixes import fault_fix
    from aosign_plugin.simcard.store import CardStateMissingError

    reason = getattr(exc, "reason", "sim_state_corrupt")
    detail = getattr(exc, "detail", None) or str(exc)
    path = getattr(exc, "path", None)
    if isinstance(exc, CardStateMissingError):
        _err(_t("sim.no_card", path=detail if path is None else path))
    else:
        _err(_t(f"unavailable.{reason}", detail=detail))
    fix = fault_fix(reason, path, _lang) if path is not None else None
    if fix is not None:  # the same words as aosign-host's, naming this card's file
        _err(fix)
    return fix is not None


def _random_ascii(alphabet: bytes, n: int) -> bytearray:
    return bytearray(alphabet[secrets.randbelow(len(alphabet))] for _ in range(n))


def _read_stdin_lines() -> list[bytearray] | None:
    """One or two non-empty lines from fd 0 as bytearrays (the buffer is wiped); ``None`` if there are none."""
    from aosign_plugin.domain.secret import wipe_bytearray

    buf = bytearray()
    try:
        while len(buf) <= _STDIN_MAX:
            chunk = os.read(0, 1024)
            if not chunk:
                break
            buf.extend(chunk)
        lines: list[bytearray] = []
        start = 0
        while len(lines) < 2:
            end = buf.find(b"\n", start)
            stop = len(buf) if end < 0 else end
            line = bytearray(buf[start:stop])
            if line.endswith(b"\r"):
                line.pop()
            lines.append(line)
            if end < 0:
                break
            start = end + 1
        if lines and not lines[-1] and len(lines) == 2:
            wipe_bytearray(lines.pop())
        if not lines or not all(lines):
            for line in lines:
                wipe_bytearray(line)
            return None
        return lines
    finally:
        wipe_bytearray(buf)


_SHEET_PARTS = ("head", "pin_label", "code_label", "tail")


class SheetNotWrittenError(Exception):
    """The sheet could not be written whole (a full disk, a closed or broken output): the new card is not kept."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _print_sheet(lang: str, serial: str, issued: str, pin: bytearray, code: bytearray) -> None:
    """Write the sheet to standard output, flushed, and to a file fsynced: only then may the new card replace the
    old one.

    :raises SheetNotWrittenError: it could not be (the descriptor then writes to the null device, so that nothing
        buffered fails again at exit).
    """
    from aosign_plugin import catalogs

    if sys.stdout is None:  # closed before the start
        raise SheetNotWrittenError(os.strerror(errno.EBADF))

    head, pin_label, code_label, tail = (catalogs.text(f"sim.sheet.{part}", lang) for part in _SHEET_PARTS)
    enc = getattr(sys.stdout, "encoding", None) or "utf-8"

    def text(s: str) -> bytes:
        return s.encode(enc, errors="replace")

    out = bytearray()
    try:
        out += text(head.format(serial=serial, issued=issued) + "\n\n")
        out += text(pin_label + " ") + pin + b"\n"
        if code != pin:  # the issuer's sheet has one PIN, for first use and for unlocking; some cards have two
            out += text(code_label + " ") + code + b"\n"
        out += text("\n" + tail + "\n")
        try:
            sys.stdout.flush()
            sys.stdout.buffer.write(out)
            sys.stdout.buffer.flush()
            fd = sys.stdout.fileno()
            if stat.S_ISREG(os.fstat(fd).st_mode):
                os.fsync(fd)
        except (OSError, ValueError) as exc:
            _stdout_to_null()
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise SheetNotWrittenError(reason) from None
    finally:
        for i in range(len(out)):
            out[i] = 0


def _stdout_to_null() -> None:
    """Standard output now writes to the null device: what is still buffered goes nowhere, without failing."""
    import contextlib

    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
        finally:
            os.close(null)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stdout.flush()


def _cmd_issue(args: argparse.Namespace) -> int:
    from aosign_plugin.config.dialect import CardDialect, ChangeStyle, UnblockStatus
    from aosign_plugin.domain.secret import wipe_bytearray
    from aosign_plugin.simcard.card import card_accepts
    from aosign_plugin.simcard.store import CardStateError, CardStore, new_card_state

    kwargs: dict[str, Any] = {}
    if args.no_aid:
        kwargs["aid"] = None
    elif args.aid is not None:
        kwargs["aid"] = args.aid
    for name in ("cla", "pin_ref", "unblock_ref", "pad_to", "pad_byte"):
        value = getattr(args, name)
        if value is not None:
            kwargs[name] = value
    if args.change is not None:
        kwargs["change"] = ChangeStyle(args.change)
    if args.unblock_status is not None:
        kwargs["unblock_status"] = UnblockStatus(args.unblock_status)
    try:
        dialect = CardDialect(**kwargs)
        kdf = _kdf(args.scrypt_n)
    except ValueError as exc:
        _err(str(exc))
        return EXIT_BAD_USAGE
    lang = _lang
    store = CardStore(args.state or default_state_path())
    if store.exists() and not args.force:
        try:
            store.load()
        except CardStateError as exc:
            # a card that cannot be used is never passed over, not even with --keep: say what is wrong and how
            # to replace it
            if not _broken(exc):
                from aosign_plugin.simcard.fixes import issue_command

                _err(_t("sim.replace_broken", command=issue_command(store.path, force=True)))
            return EXIT_NO_CARD
        if args.keep:
            _err(_t("sim.kept", path=store.path))
            return EXIT_OK
        _err(_t("sim.exists", path=store.path))
        return EXIT_BAD_USAGE

    if args.from_stdin:
        if sys.stdin is not None and sys.stdin.isatty():
            _err(_t("sim.stdin_terminal"))
            return EXIT_BAD_USAGE
        lines = _read_stdin_lines()
        if lines is None:
            _err(_t("sim.stdin_empty"))
            return EXIT_BAD_USAGE
        pin = lines[0]
        code = lines[1] if len(lines) > 1 else bytearray(pin)
    else:
        pin = _random_ascii(_DIGITS, _PIN_LEN)
        while not card_accepts(pin):
            wipe_bytearray(pin)
            pin = _random_ascii(_DIGITS, _PIN_LEN)
        if args.separate_code:
            code = _random_ascii(_CODE_ALPHABET, _CODE_LEN)
            while not card_accepts(code):
                wipe_bytearray(code)
                code = _random_ascii(_CODE_ALPHABET, _CODE_LEN)
        else:
            code = bytearray(pin)
    try:
        if not card_accepts(pin) or not card_accepts(code):
            _err(_t("sim.refused_values"))
            return EXIT_BAD_USAGE
        if dialect.pad_to and max(len(pin), len(code)) > dialect.pad_to:
            _err(_t("sim.too_wide", pad_to=dialect.pad_to))
            return EXIT_BAD_USAGE
        state = new_card_state(pin, code, dialect=dialect, kdf=kdf)
        if args.code_status_answer != "63Cx":
            state.code_status_sw = int(args.code_status_answer, 16)
        if not args.no_certificate:
            problem = _give_certificate(state, store.path.parent, args)
            if problem:
                _err(problem)
                return EXIT_BAD_USAGE

        def show_sheet() -> None:
            _print_sheet(lang, state.serial, state.issued, pin, code)

        try:
            # the sheet is written (flushed, and fsynced to a file) before the new card replaces the old one: a
            # card whose PIN and code nobody saw is never kept
            store.create(state, force=args.force, before_replace=show_sheet)
        except FileExistsError:
            _err(_t("sim.exists", path=store.path))
            return EXIT_BAD_USAGE
        except CardStateError as exc:
            _broken(exc)
            return EXIT_NO_CARD
        except SheetNotWrittenError as exc:
            _err(_t("sim.sheet_not_written", reason=exc.reason, path=store.path))
            return EXIT_NOT_WRITTEN
    finally:
        wipe_bytearray(pin)
        wipe_bytearray(code)
    return EXIT_OK


def _kdf(n: int | None) -> Scrypt:
    from aosign_plugin.simcard.store import DEFAULT_KDF, QUICK_KDF, Scrypt

    if n is None:
        return DEFAULT_KDF
    return QUICK_KDF if n == QUICK_KDF.n else Scrypt(n=n, r=DEFAULT_KDF.r, p=DEFAULT_KDF.p)


def _give_certificate(state: SimCardState, folder: Path, args: argparse.Namespace) -> str | None:
    """Give the new card its key pair and a certificate from the folder's test CA; a problem's text, or None."""
    import datetime as dt

    from aosign_plugin.simcard.certificate import DEFAULT_HOLDER, DEFAULT_VALID_DAYS, issue_card_certificate

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    expires = DEFAULT_VALID_DAYS if args.expires_in is None else args.expires_in
    not_after = now + dt.timedelta(days=expires)
    if args.starts_in is not None:
        not_before = now + dt.timedelta(days=args.starts_in)
    else:  # valid from a minute ago, or (an expired one) for a year before it ended
        not_before = min(now - dt.timedelta(minutes=1), not_after - dt.timedelta(days=365))
        if expires >= 0:
            not_before = now - dt.timedelta(minutes=1)
    try:
        issued = issue_card_certificate(
            folder,
            holder=args.holder or DEFAULT_HOLDER,
            serial=state.serial,
            not_before=not_before,
            not_after=not_after,
        )
    except (ValueError, OSError) as exc:
        return f"cannot make the card's certificate: {exc}"
    state.key = issued.key
    state.certificates = [(issued.label, issued.certificate)]
    return None


def _cmd_add_certificate(args: argparse.Namespace) -> int:
    from aosign_plugin.simcard.certificate import load_certificate_file
    from aosign_plugin.simcard.store import MAX_CERTIFICATES, CardStateError

    try:
        data = load_certificate_file(args.file.read_bytes())
    except OSError as exc:
        _err(f"cannot read {args.file}: {exc.strerror}")
        return EXIT_BAD_USAGE
    if not data or len(data) > 0x7FFF:
        _err(f"{args.file}: a certificate file must hold 1 to 32767 bytes")
        return EXIT_BAD_USAGE
    loaded = _load(args.state)
    if loaded is None:
        return EXIT_NO_CARD
    store, _ = loaded
    try:
        with store.locked() as state:
            kept = [] if args.replace else list(state.certificates)
            if len(kept) >= MAX_CERTIFICATES:
                _err(f"the card holds {MAX_CERTIFICATES} certificates already")
                return EXIT_BAD_USAGE
            state.certificates = [*kept, (args.label, data)]
            store.save(state)
    except CardStateError as exc:
        _err(str(exc))
        return EXIT_NO_CARD
    return EXIT_OK


def _load(path: Path | None) -> tuple[CardStore, SimCardState] | None:
    from aosign_plugin.simcard.store import CardStateError, CardStore

    store = CardStore(path or default_state_path())
    try:
        return store, store.load()
    except CardStateError as exc:
        _broken(exc)
        return None


def _cmd_show(args: argparse.Namespace) -> int:
    from hostapp_stub.api import Untrusted, json_text

    loaded = _load(args.state)
    if loaded is None:
        return EXIT_NO_CARD
    store, state = loaded
    card_state = "dead" if state.dead else "locked" if state.locked else "ready"
    info = {
        "state_file": str(store.path),
        "serial": state.serial,
        "issued": state.issued,
        "state": card_state,
        "pin": {
            "tries_left": state.pin.tries_left,
            "max_tries": state.pin.max_tries,
            "length": state.pin.length,
        },
        "unblock": {"tries_left": state.unblock.tries_left, "max_tries": state.unblock.max_tries},
        "dialect": state.dialect.to_table(),
        "certificates": [{"label": label, "bytes": len(data)} for label, data in state.certificates],
    }
    if args.json:
        print(json_text(info, indent=None))
        return EXIT_OK
    dialect = ", ".join(f"{k}={v}" for k, v in state.dialect.to_table().items())
    print(
        _t(
            "sim.show",
            serial=Untrusted(state.serial),  # the state file's words: shown, never run
            issued=Untrusted(state.issued),
            state=_t(f"state.{card_state}"),
            pin_left=state.pin.tries_left,
            pin_max=state.pin.max_tries,
            unblock_left=state.unblock.tries_left,
            unblock_max=state.unblock.max_tries,
            dialect=dialect,
            path=store.path,
        )
    )
    for label, data in state.certificates:
        print(_t("sim.show_certificate", label=Untrusted(label), size=len(data)))
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    import signal

    from aosign_plugin.simcard.apdu_log import ApduLog, ApduLogError
    from aosign_plugin.simcard.store import CardStateError
    from aosign_plugin.simcard.vpcd_server import (
        DEFAULT_HOST,
        DEFAULT_PORT,
        Fault,
        FaultAction,
        StopServing,
        VpcdServer,
        connect_vpcd,
    )

    try:
        fault = Fault.parse(args.fault) if args.fault is not None else None
    except ValueError as exc:
        _err(f"--fault: {exc}")
        return EXIT_BAD_USAGE
    loaded = _load(args.state)
    if loaded is None:
        return EXIT_NO_CARD
    store, state = loaded
    port = DEFAULT_PORT if args.port is None else args.port

    def on_fault(fired: Fault, number: int) -> None:
        print(f"fault: {fired.describe()} (command {number} since serving started)", flush=True)

    try:
        log = ApduLog(args.log) if args.log is not None else None
    except ApduLogError as exc:
        _broken(exc)
        return EXIT_NO_CARD
    server = VpcdServer(store, log=log, fault=fault, on_fault=on_fault)

    def on_signal(signum: int, frame: object) -> None:
        server.request_stop()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        sock = connect_vpcd(DEFAULT_HOST, port, timeout=args.connect_timeout)
    except ConnectionError as exc:
        _err(str(exc))
        return EXIT_NO_CARD
    except StopServing:
        return EXIT_OK
    print(_t("sim.serving", serial=state.serial, where=f"{DEFAULT_HOST}:{port}"), flush=True)
    try:
        if server.serve(sock):
            pass
        elif server.fault_fired and fault is not None and fault.action is FaultAction.VANISH:
            _err(_t("sim.vanished", fault=fault.describe()))
        else:
            _err(_t("sim.vpcd_closed", port=port))
    except (CardStateError, ApduLogError) as exc:
        _broken(exc)
        return EXIT_NO_CARD
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``aosign-sim``; returns the exit code (the console script exits with it)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_USAGE
    global _lang
    _lang = _language(args.lang)
    handlers = {"issue": _cmd_issue, "serve": _cmd_serve, "show": _cmd_show, "add-certificate": _cmd_add_certificate}
    try:
        code = handlers[args.command](args)
        if sys.stdout is not None:
            sys.stdout.flush()
    except OSError as exc:  # standard output could not be written (a full disk, a reader that left): no traceback
        if exc.errno not in (errno.EPIPE, errno.ENOSPC, errno.EIO, errno.EBADF) or sys.stdout is None:
            raise
        _stdout_to_null()
        if exc.errno == errno.EPIPE:  # the reader left: what it no longer reads is dropped
            return EXIT_OK
        _err(exc.strerror or str(exc))
        return EXIT_NOT_WRITTEN
    return code


if __name__ == "__main__":
    sys.exit(main())
