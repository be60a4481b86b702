"""``aosign-sim``: issue, serve and inspect the simulated AOSign card.

``issue`` prints the card's 「PIN(暗証番号)について」 sheet once: the initial PIN and the unblocking code
exist in clear nowhere else. ``serve`` inserts the card into vpcd's virtual reader. ``show`` prints counters,
never secrets.

Exit codes: 0 done · 2 bad usage or refusing to overwrite a card · 6 no card state file (or it is unusable, or
vpcd is not there).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aosign_plugin.simcard.card_store import CardStore, SimCardState

__all__ = ["EXIT_BAD_USAGE", "EXIT_NO_CARD", "EXIT_OK", "default_state_path", "main"]

EXIT_OK = 0
EXIT_BAD_USAGE = 2
EXIT_NO_CARD = 6

_DIGITS = b"0123456789"
_CODE_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_PIN_LEN = 8
_CODE_LEN = 12
_STDIN_MAX = 4096


def default_state_path() -> Path:
    """The user's data folder's ``sim-card.json``: the same file the sim backend reads (one source for both)."""
    from hostapp_stub.platforms import default_sim_state

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
    parser = argparse.ArgumentParser(prog="aosign-sim", description="The simulated AOSign IC card.")
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
    issue.add_argument(
        "--from-stdin",
        action="store_true",
        help="read the initial PIN, and optionally a different unblocking code, as lines from stdin (not a terminal)",
    )
    issue.add_argument("--lang", choices=["ja", "en"], help="language of the sheet (default $AOSIGN_LANG or ja)")
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


def _err(message: str) -> None:
    print(f"aosign-sim: {message}", file=sys.stderr)


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


_SHEET = {
    "ja": (
        "「PIN(暗証番号)について」\nAOSignICカード(シミュレーション)\nシリアル番号: {serial}\n発行日時: {issued}\n\n",
        "PIN(暗証番号): ",
        "ロック解除用のPIN(暗証番号): ",
        "\n"
        "・PIN(暗証番号)は半角英数字4桁以上、16桁以内で変更できます。すべて同じ文字列は認められません。\n"
        "・当社から送付しました「PIN(暗証番号)について」に記載されているPIN(暗証番号)は「ICカードのロック解除」に"
        "必要になります。変更後のPIN(暗証番号)とは区別して厳重に保管してください。\n"
        "・ロック解除の操作において、PIN(暗証番号)を連続して10回誤入力した場合は使用できなくなり、"
        "AOSignICカードの失効および、発行の申込が必要となりますので注意してください。\n"
        "・「PIN(暗証番号)について」の用紙は再発行ができませんので、なくさないよう大切に保管してください。\n",
    ),
    "en": (
        '"About your PIN" (「PIN(暗証番号)について」)\n'
        "AOSign IC card (simulated)\n"
        "Serial number: {serial}\n"
        "Issued: {issued}\n"
        "\n",
        "PIN: ",
        "PIN for unlocking: ",
        "\n"
        "- You can change the PIN to 4 to 16 half-width letters and digits;"
        " one repeated character is refused.\n"
        "- The PIN printed on this sheet is needed to unlock the card (reset the PIN), even after you change"
        " your PIN: keep it apart from the PIN you choose.\n"
        "- After 10 wrong entries while unlocking, the card is unusable for good:"
        " it must be revoked and a new one applied for.\n"
        "- This sheet cannot be reissued; keep it safe and do not lose it.\n"
        "  (「PIN(暗証番号)について」の用紙は再発行ができませんので、"
        "なくさないよう大切に保管してください。)\n",
    ),
}


def _print_sheet(lang: str, serial: str, issued: str, pin: bytearray, code: bytearray) -> None:
    head, pin_label, code_label, tail = _SHEET[lang]
    enc = getattr(sys.stdout, "encoding", None) or "utf-8"

    def text(s: str) -> bytes:
        return s.encode(enc, errors="replace")

    out = bytearray()
    try:
        out += text(head.format(serial=serial, issued=issued))
        out += text(pin_label) + pin + b"\n"
        if code != pin:  # the issuer's sheet has one PIN, for first use and for unlocking; some cards have two
            out += text(code_label) + code + b"\n"
        out += text(tail)
        sys.stdout.flush()
        sys.stdout.buffer.write(out)
        sys.stdout.buffer.flush()
    finally:
        for i in range(len(out)):
            out[i] = 0


def _cmd_issue(args: argparse.Namespace) -> int:
    from aosign_plugin.domain.secret import wipe_bytearray
    from aosign_plugin.session.dialect import CardDialect, ChangeStyle, UnblockStatus
    from aosign_plugin.simcard.card_store import CardStore, new_card_state
    from aosign_plugin.simcard.sim_card import card_accepts

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
    except ValueError as exc:
        _err(str(exc))
        return EXIT_BAD_USAGE
    lang = args.lang or os.environ.get("AOSIGN_LANG", "ja")
    if lang not in _SHEET:
        lang = "ja"
    store = CardStore(args.state or default_state_path())
    if store.path.exists() and args.keep and not args.force:
        _err(f"a card is already issued at {store.path}; keeping it (its sheet was shown when it was issued)")
        return EXIT_OK
    if store.path.exists() and not args.force:
        _err(f"a card already exists at {store.path}; use --force to replace it (its sheet will be useless)")
        return EXIT_BAD_USAGE

    if args.from_stdin:
        if sys.stdin is not None and sys.stdin.isatty():
            _err("--from-stdin reads from a pipe, not a terminal")
            return EXIT_BAD_USAGE
        lines = _read_stdin_lines()
        if lines is None:
            _err("--from-stdin needs the initial PIN on a line, then optionally a different unblocking code")
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
            _err("the card refuses these values: 4 to 16 ASCII letters or digits, not one repeated character")
            return EXIT_BAD_USAGE
        if dialect.pad_to and max(len(pin), len(code)) > dialect.pad_to:
            _err(f"the values do not fit the card's {dialect.pad_to}-byte fields")
            return EXIT_BAD_USAGE
        state = new_card_state(pin, code, dialect=dialect)
        if not args.no_certificate:
            problem = _give_certificate(state, store.path.parent, args)
            if problem:
                _err(problem)
                return EXIT_BAD_USAGE
        try:
            store.create(state, force=args.force)
        except FileExistsError as exc:
            _err(f"{exc}; use --force to replace it")
            return EXIT_BAD_USAGE
        _print_sheet(lang, state.serial, state.issued, pin, code)
    finally:
        wipe_bytearray(pin)
        wipe_bytearray(code)
    return EXIT_OK


def _give_certificate(state: SimCardState, folder: Path, args: argparse.Namespace) -> str | None:
    """Give the new card its key pair and a certificate from the folder's test CA; a problem's text, or None."""
    import datetime as dt

    from aosign_plugin.simcard.sim_certificate import DEFAULT_HOLDER, DEFAULT_VALID_DAYS, issue_card_certificate

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
    from aosign_plugin.simcard.card_store import MAX_CERTIFICATES, CardStateError
    from aosign_plugin.simcard.sim_certificate import load_certificate_file

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
    from aosign_plugin.simcard.card_store import CardStateError, CardStore

    store = CardStore(path or default_state_path())
    try:
        return store, store.load()
    except CardStateError as exc:
        _err(f"{exc} (issue a card with `aosign-sim issue`)")
        return None


def _cmd_show(args: argparse.Namespace) -> int:
    import json

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
        print(json.dumps(info, ensure_ascii=False))
        return EXIT_OK
    print(f"serial:   {state.serial}")
    print(f"issued:   {state.issued}")
    print(f"state:    {card_state}")
    print(f"PIN:      {state.pin.tries_left}/{state.pin.max_tries} tries left")
    print(f"unblock:  {state.unblock.tries_left}/{state.unblock.max_tries} tries left")
    print("dialect:  " + ", ".join(f"{k}={v}" for k, v in state.dialect.to_table().items()))
    for label, data in state.certificates:
        print(f"certificate: {label} ({len(data)} bytes)")
    print(f"file:     {store.path}")
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    import signal

    from aosign_plugin.simcard.apdu_log import ApduLog
    from aosign_plugin.simcard.card_store import CardStateError
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

    server = VpcdServer(store, log=ApduLog(args.log) if args.log is not None else None, fault=fault, on_fault=on_fault)

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
    print(f"serving {state.serial} on {DEFAULT_HOST}:{port}", flush=True)
    try:
        if server.serve(sock):
            pass
        elif server.fault_fired and fault is not None and fault.action is FaultAction.VANISH:
            _err(f"the card vanished: {fault.describe()}")
        else:
            _err(f"vpcd closed the connection on port {port} (pcscd stopped?)")
    except CardStateError as exc:
        _err(str(exc))
        return EXIT_NO_CARD
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``aosign-sim``; returns the exit code (the console script exits with it)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_USAGE
    handlers = {"issue": _cmd_issue, "serve": _cmd_serve, "show": _cmd_show, "add-certificate": _cmd_add_certificate}
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
