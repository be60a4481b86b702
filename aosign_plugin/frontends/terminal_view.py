"""The terminal's presentation: the card's state, the service's notices and questions, and the plugin's errors as
the user's texts and JSON. Renders only: what happened, what it cost and its exit code come from the service."""

from __future__ import annotations

from typing import Any

from aosign_plugin import catalogs
from aosign_plugin.domain.card_status import Advice, CardState, CardStatus, Counter, CounterSource, SecretKind
from aosign_plugin.domain.errors import (
    AosignError,
    CardChangedError,
    CardDeadError,
    CardRefusedInputError,
    CardStateChangedError,
    CardUnavailableError,
    NoAnswerError,
    NotConfirmedError,
    PinBlockedError,
    PinIncorrectError,
    PinPolicyError,
)
from aosign_plugin.policy.rules import Field
from aosign_plugin.service.outcomes import Consent, Notice, NoticeKind, exit_code_for
from hostapp_stub.api import ExitCode

__all__ = [
    "advice_for",
    "advice_lines",
    "advice_text",
    "before_asking_line",
    "card_text",
    "consent_text",
    "error_lines",
    "error_report",
    "headline",
    "notice_text",
    "prompt_text",
    "status_json",
    "status_lines",
    "unknown_reason_text",
]


def _tries(counter: Counter, lang: str) -> str:
    if counter.tries_left is None:
        if counter.final or counter.low:
            key = "status.tries_final" if counter.final else "status.tries_low"
            return catalogs.text(key, lang, max=counter.max_tries if counter.max_tries is not None else "?")
        return catalogs.text("status.tries_unknown.reason", lang, reason=unknown_reason_text(counter, lang))
    if counter.max_tries is None:
        return catalogs.text("status.tries_nomax", lang, left=counter.tries_left)
    return catalogs.text("status.tries", lang, left=counter.tries_left, max=counter.max_tries)


def unknown_reason_text(counter: Counter, lang: str) -> str:
    """Why a counter's tries are not known, in the user's words ("-" when they are known)."""
    reason = counter.unknown_reason
    return catalogs.text(f"status.unknown.{reason.value}", lang) if reason is not None else "-"


def before_asking_line(status: CardStatus, lang: str) -> str:
    """The state and both counters in one line, said before the first prompt (as the window shows them)."""
    return catalogs.text(
        "status.before_asking",
        lang,
        state=_state(status, lang),
        pin=_tries(status.pin, lang),
        code=_tries(status.unblock, lang),
    )


def advice_for(advice: Advice, left: int | None, lang: str) -> str:
    """An advice's text; where it would give a count that the backend does not know, the wording without one."""
    key = f"advice.{advice.value}"
    if left is None and f"{key}.nocount" in catalogs.catalog(lang):
        return catalogs.text(f"{key}.nocount", lang)
    return catalogs.text(key, lang, left=left if left is not None else "?")


def advice_lines(status: CardStatus, lang: str) -> list[str]:
    """Every advice that applies (the card's and its certificates'), the most urgent first."""
    lines: list[str] = []
    for advice in status.advices:
        if advice in (Advice.CERTIFICATE_EXPIRED, Advice.CERTIFICATE_EXPIRING):
            from aosign_plugin.frontends.certificate_view import certificate_advice_text

            text = certificate_advice_text(status, lang)
            if text:
                lines.append(text)
        else:
            left = status.unblock.tries_left if advice is Advice.UNBLOCK_LOW else status.pin.tries_left
            lines.append(advice_for(advice, left, lang))
    return lines


def advice_text(status: CardStatus, lang: str) -> str | None:
    """Every advice, one per line, the most urgent first; ``None`` when none applies."""
    lines = advice_lines(status, lang)
    return "\n".join(lines) if lines else None


def _state(status: CardStatus, lang: str) -> str:
    """The state's word; from a module's flags alone, no more than they say (never "ready"); "ready" only when the
    card can sign today (else: the PIN works, but the certificate cannot sign)."""
    if status.state is CardState.READY and not status.can_sign:
        return catalogs.text("state.cannot_sign", lang)
    if status.state is CardState.READY and status.pin.source is CounterSource.MODULE and not status.pin.told:
        return catalogs.text("state.no_lock_reported", lang)
    return catalogs.text(f"state.{status.state.value}", lang)


def _source(status: CardStatus, counter: Counter, lang: str) -> str:
    """Where a counter was read, said where it can differ (behind a PKCS#11 module: the card, or the flags)."""
    if status.backend != "pkcs11":
        return ""
    return " " + catalogs.text(f"status.source.{counter.source.value}", lang)


def headline(status: CardStatus, lang: str) -> str:
    """The answer to "can I sign with this card today?", first of the status; why not, when it cannot."""
    from aosign_plugin.frontends.local_dates import local_date

    readiness, cert = status.signing
    key = f"status.headline.{readiness.value}"
    if cert is None:
        return catalogs.text(key, lang)
    info = cert.info
    return catalogs.text(
        key,
        lang,
        subject=info.subject,
        not_after=local_date(info.not_after, lang),
        not_before=local_date(info.not_before, lang),
    )


#: how each backend is named to the user (the simulated card has its own line)
_BACKEND_NAMES = {"pcsc": "PC/SC", "pkcs11": "PKCS#11"}


def card_text(status: CardStatus, lang: str) -> str:
    """Which card: the simulated card by its one name (「模擬カード」), a real one by its reader and path."""
    if status.backend == "sim":
        return catalogs.text("status.card_sim", lang)
    backend = _BACKEND_NAMES.get(status.backend, status.backend)
    return catalogs.text("status.card", lang, reader=status.reader or "-", backend=backend)


def status_lines(status: CardStatus, lang: str) -> list[str]:
    """The status as a few labelled lines led by whether the card can sign today, each counter saying where it was
    read."""
    t = catalogs.text
    lines = [
        headline(status, lang),
        card_text(status, lang),
        t("status.state", lang, state=_state(status, lang)),
        t("status.pin", lang, tries=_tries(status.pin, lang)) + _source(status, status.pin, lang),
        t("status.unblock", lang, tries=_tries(status.unblock, lang)) + _source(status, status.unblock, lang),
    ]
    from aosign_plugin.frontends.certificate_view import certificate_lines

    lines += certificate_lines(status, lang)
    lines.extend(advice_lines(status, lang))
    return lines


def status_json(status: CardStatus, lang: str) -> dict[str, Any]:
    """CONTRACT.md's ``status --json`` object: ``advice`` gives every advice that applies, ``advice_code`` the most
    urgent (:data:`~aosign_plugin.domain.card_status.ADVICE_URGENCY`)."""
    from aosign_plugin.frontends.certificate_view import certificate_json

    advices = status.advices
    return {
        "backend": status.backend,
        "reader": status.reader,
        "state": status.state.value,
        "can_sign": status.can_sign,
        "can_sign_reason": status.signing[0].value,
        "pin": status.pin.to_json(),
        "unblock": status.unblock.to_json(),
        "advice": advice_text(status, lang),
        "advice_code": advices[0].value if advices else None,
        **certificate_json(status),
    }


def notice_text(notice: Notice, lang: str) -> str:
    """A notice of the service, in the terminal's words."""
    kind = notice.kind
    if notice.certificate is not None:
        from aosign_plugin.frontends.certificate_view import advice_about

        return advice_about(notice.certificate, lang) or ""
    if kind is NoticeKind.ADVICE and notice.advice is not None:
        return advice_for(notice.advice, notice.tries_left, lang)
    if kind is NoticeKind.POLICY_WARNING and notice.warning is not None:
        return notice.warning.message(lang)
    if kind is NoticeKind.POLICY_REFUSED and notice.warning is not None:
        refusal = notice.warning
        said = f"{refusal.field_label(lang)}: {refusal.message(lang)}"
        if notice.tries_left is None:
            return said
        return said + "\n" + catalogs.text("new_pin.ask_again", lang, left=notice.tries_left)
    if kind in (NoticeKind.PIN_COUNT_UNKNOWN, NoticeKind.UNBLOCK_COUNT_UNKNOWN):
        word = notice.detail or "card_does_not_tell"
        reason = catalogs.text(f"status.unknown.{word}", lang)
        return catalogs.text(f"notice.{kind.value}", lang, reason=reason)
    if kind is NoticeKind.REPEATED_ANSWER:
        return catalogs.text("answer.repeated", lang, field=catalogs.text(f"policy.field.{notice.detail}", lang))
    keys = {
        NoticeKind.UNLOCK_INTRO: "unlock.intro",
        NoticeKind.PINPAD: "pinpad.enter_on_reader",
        NoticeKind.FINAL_TRY_ACKNOWLEDGED: "unlock.final_try_acknowledged",
        NoticeKind.COUNTERS_FROM_MODULE: "status.counters_from_module",
        NoticeKind.UNKNOWN_TRY_ACKNOWLEDGED: "unlock.unknown_try_acknowledged",
        NoticeKind.SAME_CARD_AGAIN: "card.same_again",
    }
    return catalogs.text(keys[kind], lang, detail=notice.detail or "-")


def consent_text(consent: Consent, lang: str) -> str:
    """The question the service needs a yes to."""
    keys = {
        Consent.UNBLOCK_FINAL_TRY: "unlock.final_try",
        Consent.PIN_FINAL_TRY: "advice.pin_final_try",
        Consent.UNBLOCK_UNKNOWN: "unlock.unknown_try",
        Consent.REPEATED_ANSWER: "answer.repeated_confirm",
    }
    return catalogs.text(keys[consent], lang, left=1)


def prompt_text(field: Field, lang: str) -> str:
    """The label of the answer the service asks for."""
    return catalogs.text(f"prompt.{field.value}", lang)


def error_report(error: AosignError, lang: str) -> tuple[ExitCode, list[str]]:
    """The exit code (the service's) and the lines to show for an error (never a secret: errors hold none)."""
    return exit_code_for(error), error_lines(error, lang)


def error_lines(error: AosignError, lang: str) -> list[str]:
    """The lines to show for an error, in the FAQ's words where it has them."""
    t = catalogs.text
    if isinstance(error, PinPolicyError):
        lines = [f"{r.field_label(lang)}: {r.message(lang)}" for r in error.verdict.refusals]
        lines.append(t("nothing_sent", lang))
        return lines
    if isinstance(error, CardDeadError):
        lines = [t("code.incorrect", lang)] if error.just_now else []
        return [*lines, t("card.dead", lang), t("card.dead_howto", lang)]
    if isinstance(error, PinBlockedError):
        lines = [t("pin.incorrect", lang)] if error.just_now else []
        return [*lines, t("pin.locked", lang), t("pin.locked_howto", lang)]
    if isinstance(error, PinIncorrectError):
        left = error.tries_left
        if error.kind is SecretKind.UNBLOCK:
            lines = [t("code.incorrect", lang)]
            lines.append(t("code.tries_left", lang, left=left) if left is not None else t("code.tries_unknown", lang))
            if left == 1:
                lines.append(t("unlock.one_try_left", lang))
            return lines
        lines = [t("pin.incorrect", lang)]
        lines.append(t("pin.tries_left", lang, left=left) if left is not None else t("pin.tries_unknown", lang))
        if left == 1:  # the last try: the lock warning and the issuer's advice to reset with the sheet
            lines.append(t("advice.pin_final_try", lang, left=left))
        if left is not None and left <= 8:
            lines.append(t("advice.reset_recommended", lang, left=left))
        return lines
    if isinstance(error, CardRefusedInputError):
        return [t("card.refused_input", lang)]
    if isinstance(error, CardChangedError):
        return [t("card.changed", lang), t("nothing_sent", lang)]
    if isinstance(error, CardStateChangedError):
        return [t("card.state_changed", lang), t("nothing_sent", lang)]
    if isinstance(error, NotConfirmedError):
        if isinstance(error, NoAnswerError):
            if error.reported:  # the prompt said why already ("too long"): only what it cost
                return [t("nothing_sent", lang)]
            key = "no_answer"
        elif error.about == "repeated":
            key = "answer.repeated_not_confirmed"
        elif error.about == "unknown_count":
            key = "unlock.not_confirmed_unknown_asked" if error.asked else "unlock.not_confirmed_unknown"
        else:  # refused when asked, or could not be asked (not a terminal, no --final-try)
            key = "unlock.not_confirmed_asked" if error.asked else "unlock.not_confirmed"
        return [t(key, lang), t("nothing_sent", lang)]
    if isinstance(error, CardUnavailableError):
        from aosign_plugin.simcard.fixes import fault_fix

        fix = fault_fix(error.reason, error.sim_state, lang)  # the command that fixes it, naming its file
        lines = [t(f"unavailable.{error.reason.value}", lang, detail=error.detail or "-"), *([fix] if fix else [])]
        return [*lines, t("nothing_sent", lang)] if error.nothing_sent else lines
    return [str(error)]
