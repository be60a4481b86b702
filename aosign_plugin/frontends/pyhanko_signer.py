"""The AOSign IC card as a pyHanko signer: ``pyhanko sign addsig aosign IN.pdf OUT.pdf``.

Registered with pyHanko through the ``pyhanko.cli_plugin.signing`` entry point (extra ``aosign-plugin[pyhanko]``);
this is the only module that imports pyHanko, and nothing else of ours imports it.

Signing is pyHanko's (:class:`pyhanko.sign.pkcs11.PKCS11Signer`); this module only opens the session it signs in, and
guards it the way the plugin guards every PIN use:

- The module and token come from the deployment manifest (the ``[pkcs11]`` table, the manifest found as the host
  finds it, through the plugin's :func:`~aosign_plugin.config.settings.load_deployed_settings`), with
  pyHanko-style options to override them (``--lib``, ``--token-label``, ``--slot-no``), refused
  where the administrator's system manifest locks the key.
- Before anything is asked, the token is found (absent: a clear error, nothing asked) and its state read without
  spending a try: a locked card is reported with how to unlock it (``aosign-host unlock``), a dead one with the
  revocation steps; the last try is refused unless ``--final-try`` acknowledges it; after two or more wrong PINs the
  issuer's advice is shown, then the PIN is asked.
- PKCS#11 tells a PIN's state only through token flags, and some modules set none until a login in the same process
  (OpenSC's generic driver sends no status query). When the manifest's backend is ``pcsc``, the card's exact counters
  are read as well, with the empty VERIFY of the card's dialect, from the PC/SC reader the token sits in.
- The PIN is asked through pyHanko's prompter on a terminal; otherwise one line is read from standard input into a
  bytearray. Never from argv or the environment. It is checked against the card's base rules first: a PIN that
  cannot be right never reaches the token. A wrong PIN ends the command (exit 3) with the fresh state: never a retry.
- Exit codes and texts are the host's (:mod:`aosign_plugin.frontends.terminal_view`, CONTRACT.md).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import IO, TYPE_CHECKING, Any

import click
from pyhanko.cli.plugin_api import SigningCommandPlugin

from aosign_plugin import catalogs
from aosign_plugin.config.settings import Settings
from aosign_plugin.domain.card_status import CardState, CardStatus, PinState
from aosign_plugin.domain.errors import (
    AosignError,
    NoAnswerError,
    PinBlockedError,
)
from aosign_plugin.frontends.terminal_view import error_report, notice_text, status_lines
from aosign_plugin.policy.rules import Field
from aosign_plugin.service.outcomes import Consent, Notice
from hostapp_stub.api import ExitCode, replace

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from pyhanko.cli._ctx import CLIContext
    from pyhanko.sign.signers.pdf_cms import Signer

    from aosign_plugin.config.settings import DeployedSettings
    from aosign_plugin.service.pin_service import PinService

__all__ = ["AosignSigningPlugin", "SignerRefused"]


def _env_lang() -> str | None:
    value = os.environ.get("AOSIGN_LANG")
    return value if value in catalogs.LANGUAGES else None


def _help_lang() -> str:
    """The language of ``--help``: ``$AOSIGN_LANG``, else the system's (the manifest is not read for help)."""
    from hostapp_stub.api import system_language

    return _env_lang() or system_language()


class SignerRefused(click.ClickException):
    """The signer stops before signing: the lines to show (never a secret) and CONTRACT.md's exit code.

    A :class:`click.ClickException`, so that pyHanko's exception handling passes it on to click, which shows it and
    exits with :attr:`exit_code`.
    """

    def __init__(self, code: ExitCode, lines: Sequence[str]) -> None:
        super().__init__("\n".join(lines))
        # click exits with exit_code, a class attribute of its exceptions: ours differs per instance
        self.exit_code = int(code)  # type: ignore[misc]
        self.lines = list(lines)

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.message, file=file or sys.stderr)


def _say(text: str) -> None:
    click.echo(text, err=True)


def _report(error: AosignError, lang: str, *, at_login: bool = False) -> SignerRefused:
    """The refusal for one of our errors: :func:`~.terminal_view.error_report`, except that a locked card is
    told in signing words (the host's lock text says a PIN change failed).

    :param at_login: the error came from the login (the PIN was asked and sent), not from the state read before.
    """
    t = catalogs.text
    if isinstance(error, PinBlockedError):
        if error.just_now:
            lines = [t("pin.incorrect", lang), t("pyhanko.locked_now", lang)]
        else:
            lines = [t("pyhanko.locked_at_login" if at_login else "pyhanko.locked", lang)]
        return SignerRefused(ExitCode.LOCKED, [*lines, t("pin.locked_howto", lang)])
    code, lines = error_report(error, lang)
    return SignerRefused(code, lines)


def _hex_id(value: str | None, option: str, lang: str) -> bytes | None:
    if value is None:
        return None
    try:
        raw = bytes.fromhex(value.replace(":", ""))
    except ValueError:
        raw = b""
    if not raw:
        raise SignerRefused(ExitCode.USAGE, [catalogs.text("pyhanko.bad_id", lang, option=option)])
    return raw


# --- the manifest -------------------------------------------------------------------------------------------------


def _load_settings(explicit: str | None, lang: str) -> DeployedSettings:
    """The plugin's settings from the manifest in force (:func:`.settings.load_deployed_settings`).

    :raises SignerRefused: unreadable or invalid (exit 7), every problem with its file and line.
    """
    from aosign_plugin.config.settings import SettingsUnusable, load_deployed_settings

    try:
        return load_deployed_settings(explicit, lang)
    except SettingsUnusable as e:
        raise SignerRefused(ExitCode.MANIFEST, e.lines) from None


def _overridden(
    settings: Settings,
    manifest: DeployedSettings,
    lang: str,
    *,
    lib: str | None,
    token_label: str | None,
    slot_no: int | None,
) -> Settings:
    """The settings with the command line's module and token, where the administrator allows it."""
    from aosign_plugin.config.platforms import os_key
    from aosign_plugin.config.token_uri import Pkcs11Uri

    changes: dict[str, Any] = {}
    token_given = token_label is not None or slot_no is not None
    # the module is the administrator's when the system file locks it by path or by p11-kit name (either locks
    # both): --lib may name no other (issue 26)
    for given, option, keys in (
        (lib is not None, "--lib", (f"pkcs11.module.{os_key()}", "pkcs11.module", "pkcs11.p11kit")),
        (token_given, "--token-label/--slot-no", ("pkcs11.token",)),
    ):
        for key in keys if given else ():
            path = manifest.locked_by(key)
            if path is not None:
                text = catalogs.text("pyhanko.option_locked", lang, option=option, path=path, key=key)
                raise SignerRefused(ExitCode.USAGE, [text])
    if lib is not None and settings.pkcs11_module_locked:  # a lock under pkcs11.module for another OS
        raise SignerRefused(ExitCode.USAGE, [catalogs.text("pyhanko.lib_locked", lang)])
    if lib is not None:
        changes["pkcs11_module"] = lib
    if token_given:
        changes["pkcs11_token"] = str(Pkcs11Uri(token=token_label, slot_id=slot_no))
    return replace(settings, **changes) if changes else settings


# --- the signing certificate --------------------------------------------------------------------------------------


def _check_certificates(status: CardStatus, label: str | None, key_id: bytes | None, lang: str) -> None:
    """Before the PIN is asked (nothing sent): the certificate the command names must be on the token and valid
    today; an expiring one is warned about.

    The certificate is the token's with the label or id the command names, read without a login. None there (a
    mistyped ``--cert-label``): refused with the labels present, so that no try is spent on a signature that could
    never be made. Only a token whose certificates could not be read at all is left to pyHanko to look up.
    """
    from aosign_plugin.domain.certificates import CertState
    from aosign_plugin.frontends.certificate_view import advice_about

    chosen = [
        c
        for c in status.certificates
        if (label is None or c.info.label == label) and (key_id is None or c.info.key_id == key_id.hex())
    ]
    if not chosen and (status.certificates or not status.unreadable_certificates):
        wanted = " ".join(
            part for part in (f"label={label!r}" if label else "", f"id={key_id.hex()}" if key_id else "") if part
        )
        present = ", ".join(
            f"{c.info.label or '-'} (id={c.info.key_id or '-'}, {c.info.subject})" for c in status.certificates
        )
        missing = catalogs.text("pyhanko.no_certificate", lang, wanted=wanted, present=present or "-")
        raise SignerRefused(ExitCode.USAGE, [missing, catalogs.text("nothing_sent", lang)])
    for cert in chosen:
        text = advice_about(cert, lang)
        if cert.state is CertState.EXPIRED:
            lines = [text or "", catalogs.text("pyhanko.certificate_expired", lang)]
            raise SignerRefused(ExitCode.USAGE, lines)
        if cert.state is CertState.NOT_YET_VALID:
            from aosign_plugin.domain.certificates import format_time

            when = format_time(cert.info.not_before)
            lines = [catalogs.text("pyhanko.certificate_not_yet_valid", lang, subject=cert.info.subject, when=when)]
            raise SignerRefused(ExitCode.USAGE, [*lines, catalogs.text("nothing_sent", lang)])
        if text:
            _say(text)


# --- asking, as pyHanko's command line does ---------------------------------------------------------------------


class _SignerAsker:
    """The service's asker for signing: notices on standard error, the PIN through pyHanko's prompter on a terminal
    (else one line of standard input), and no question: the last try is agreed to with ``--final-try`` only."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    @property
    def interactive(self) -> bool:
        return False  # a yes for the last try comes from --final-try, never from a prompt in the middle of signing

    def notify(self, notice: Notice) -> None:
        _say(notice_text(notice, self.lang))

    def ask_secret(self, field: Field, *, echo: bool) -> bytearray:
        """pyHanko's prompter returns a ``str``, which cannot be wiped: it is copied into a bytearray at once."""
        from hostapp_stub.api import terminal_ui

        label = catalogs.text("pyhanko.prompt", self.lang)
        ui = terminal_ui(self.lang)
        if not ui.interactive:
            return ui.ask_secret(label)
        from pyhanko.cli.plugin_api import prompt_for_password

        typed = prompt_for_password(f"{label}: ")
        buf = bytearray(typed.encode("utf-8"))
        del typed
        return buf

    def confirm(self, consent: Consent) -> bool:
        return False


def _refusal(error: AosignError, service: PinService | None, shown: CardStatus | None, lang: str) -> SignerRefused:
    """The refusal for an error of the state read (``shown`` None), the service's gate, or the signing login."""
    from aosign_plugin.domain.card_status import SecretKind
    from aosign_plugin.domain.errors import NotConfirmedError, PinIncorrectError

    if service is None or shown is None:
        return _report(error, lang)
    if isinstance(error, NotConfirmedError) and not isinstance(error, NoAnswerError):
        # the last-try warning was said before (the service's advice): what is left is how to go on
        lines = [catalogs.text("pyhanko.final_try_refused", lang), catalogs.text("nothing_sent", lang)]
        return SignerRefused(ExitCode.USAGE, lines)
    if not isinstance(error, PinIncorrectError):
        # a lock found by the gate was told before anything was asked; one met at login, by the card
        return _report(error, lang, at_login=shown.state is CardState.READY)
    # the token counted a wrong PIN: say it with the state read right after (the card's exact count, where it can)
    try:
        fresh: CardStatus | None = service.status()
    except AosignError:
        fresh = None
    if fresh is not None and fresh.pin.state is PinState.BLOCKED:
        return _report(PinBlockedError(just_now=True), lang)
    if fresh is not None and fresh.pin.tries_left is not None:
        error = PinIncorrectError(SecretKind.PIN, fresh.pin.tries_left)
    refusal = _report(error, lang)
    if fresh is None:
        return refusal
    state = [line for line in status_lines(fresh, lang) if line not in refusal.lines]
    return SignerRefused(ExitCode.WRONG_SECRET, [*refusal.lines, *state])


# --- the plugin ---------------------------------------------------------------------------------------------------


@contextmanager
def _aosign_signer(
    context: CLIContext,
    *,
    manifest: str | None = None,
    lib: str | None = None,
    token_label: str | None = None,
    slot_no: int | None = None,
    cert_label: str | None = None,
    cert_id: str | None = None,
    key_label: str | None = None,
    key_id: str | None = None,
    other_cert: Sequence[str] = (),
    other_cert_file: Sequence[str] = (),
    raw_mechanism: bool = False,
    final_try: bool = False,
    lang: str | None = None,
) -> Iterator[Signer]:
    from hostapp_stub.api import system_language

    first_lang = lang or _env_lang() or system_language()
    in_force = _load_settings(manifest, first_lang)
    settings = in_force.settings
    lang = lang or _env_lang() or settings.language or first_lang
    if not (cert_label or cert_id or key_label or key_id):
        raise SignerRefused(ExitCode.USAGE, [catalogs.text("pyhanko.need_cert", lang)])
    ids = _hex_id(cert_id, "--cert-id", lang), _hex_id(key_id, "--key-id", lang)
    ca_chain: list[Any] = []
    if other_cert_file:
        from pyhanko.keys import load_certs_from_pemder

        try:
            ca_chain = list(load_certs_from_pemder(other_cert_file))  # type: ignore[no-untyped-call]
        except (OSError, ValueError) as e:
            raise SignerRefused(ExitCode.USAGE, [catalogs.text("pyhanko.bad_cert_file", lang, detail=e)]) from None
    settings = _overridden(settings, in_force, lang, lib=lib, token_label=token_label, slot_no=slot_no)

    with ExitStack() as stack:
        from aosign_plugin.backends.pkcs11.backend import Pkcs11Backend
        from aosign_plugin.service.pin_service import PinService

        service: PinService | None = None
        shown: CardStatus | None = None
        try:
            backend = Pkcs11Backend(settings, unblock_style=settings.pkcs11_unblock, module_path=settings.pkcs11_module)
            service = PinService(backend, settings)
            shown = service.status()
            _check_certificates(shown, cert_label or key_label, ids[0] or ids[1], lang)
            session = stack.enter_context(service.signing_session(_SignerAsker(lang), final_try_ok=final_try))
        except AosignError as e:
            raise _refusal(e, service, shown, lang) from None
        finally:
            if service is not None and service.audit_failure:
                print(catalogs.text("audit.failed", lang, detail=service.audit_failure), file=sys.stderr)
        from pkcs11 import PKCS11Error
        from pyhanko.sign.pkcs11 import PKCS11Signer

        signer = PKCS11Signer(
            session,
            cert_label=cert_label,
            cert_id=ids[0],
            key_label=key_label,
            key_id=ids[1],
            other_certs_to_pull=tuple(other_cert),
            ca_chain=ca_chain,
            use_raw_mechanism=raw_mechanism,
            prefer_pss=context.prefer_pss,
        )
        try:
            signer.signing_cert  # noqa: B018  (loads the key and certificates now: a missing one is named here)
        except PKCS11Error as e:
            detail = str(e) or type(e).__name__
            raise SignerRefused(ExitCode.UNAVAILABLE, [catalogs.text("pyhanko.objects", lang, detail=detail)]) from None
        yield signer


class AosignSigningPlugin(SigningCommandPlugin):
    """``pyhanko sign addsig aosign``: sign with the AOSign IC card, its PIN guarded by aosign-plugin."""

    subcommand_name = "aosign"
    help_summary = catalogs.text("pyhanko.help", _help_lang())
    unavailable_message = catalogs.text("pyhanko.unavailable", _help_lang())

    def is_available(self) -> bool:
        from importlib.util import find_spec

        return find_spec("pkcs11") is not None

    def click_options(self) -> list[click.Option]:
        lang = _help_lang()

        def h(key: str) -> str:
            return catalogs.text(f"pyhanko.opt.{key}", lang)

        return [
            click.Option(("--manifest",), type=str, help=h("manifest")),
            click.Option(("--lib",), type=str, help=h("lib")),
            click.Option(("--token-label",), type=str, help=h("token_label")),
            click.Option(("--slot-no",), type=int, help=h("slot_no")),
            click.Option(("--cert-label",), type=str, help=h("cert_label")),
            click.Option(("--cert-id",), type=str, help=h("cert_id")),
            click.Option(("--key-label",), type=str, help=h("key_label")),
            click.Option(("--key-id",), type=str, help=h("key_id")),
            click.Option(("--other-cert",), type=str, multiple=True, help=h("other_cert")),
            click.Option(("--other-cert-file",), type=str, multiple=True, help=h("other_cert_file")),
            click.Option(("--raw-mechanism",), is_flag=True, default=False, help=h("raw_mechanism")),
            click.Option(("--final-try",), is_flag=True, default=False, help=h("final_try")),
            click.Option(("--lang",), type=click.Choice(catalogs.LANGUAGES), help=h("lang")),
        ]

    def create_signer(self, context: CLIContext, **kwargs: Any) -> AbstractContextManager[Signer]:
        return _aosign_signer(context, **kwargs)
