"""Presentation: the card's state and the plugin's errors as the user's texts, JSON and exit codes."""

from __future__ import annotations

from enum import IntEnum, unique
from typing import Any

from aosign_plugin import catalogs
from aosign_plugin.domain.card_status import Advice, CardStatus, Counter, SecretKind
from aosign_plugin.domain.errors import (
    AosignError,
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

__all__ = ["ExitCode", "advice_for", "advice_text", "error_report", "status_json", "status_lines"]


@unique
class ExitCode(IntEnum):
    """CONTRACT.md's exit codes."""

    OK = 0
    BAD_INPUT = 2
    WRONG_SECRET = 3
    LOCKED = 4
    DEAD = 5
    NO_CARD = 6
    MANIFEST = 7


def _tries(counter: Counter, lang: str) -> str:
    if counter.tries_left is None:
        key = "status.tries_low" if counter.low or counter.final else "status.tries_unknown"
        if counter.final:
            key = "status.tries_final"
        return catalogs.text(key, lang, max=counter.max_tries)
    return catalogs.text("status.tries", lang, left=counter.tries_left, max=counter.max_tries)


def advice_for(advice: Advice, left: int | None, lang: str) -> str:
    """An advice's text; where it would give a count that the backend does not know, the wording without one."""
    key = f"advice.{advice.value}"
    if left is None and f"{key}.nocount" in catalogs.catalog(lang):
        return catalogs.text(f"{key}.nocount", lang)
    return catalogs.text(key, lang, left=left if left is not None else "?")


def advice_text(status: CardStatus, lang: str) -> str | None:
    advice = status.advice
    if advice is None:
        return None
    left = status.unblock.tries_left if advice is Advice.UNBLOCK_LOW else status.pin.tries_left
    return advice_for(advice, left, lang)


def status_lines(status: CardStatus, lang: str) -> list[str]:
    """The status as a few labelled lines."""
    t = catalogs.text
    lines = [
        t("status.card", lang, reader=status.reader or "-", backend=status.backend),
        t("status.state", lang, state=t(f"state.{status.state.value}", lang)),
        t("status.pin", lang, tries=_tries(status.pin, lang)),
        t("status.unblock", lang, tries=_tries(status.unblock, lang)),
    ]
    advice = advice_text(status, lang)
    if advice:
        lines.append(advice)
    return lines


def status_json(status: CardStatus, lang: str) -> dict[str, Any]:
    """CONTRACT.md's ``status --json`` object (plus ``advice_code``, stable for scripts)."""
    advice = status.advice
    return {
        "backend": status.backend,
        "reader": status.reader,
        "state": status.state.value,
        "pin": status.pin.to_json(),
        "unblock": status.unblock.to_json(),
        "advice": advice_text(status, lang),
        "advice_code": advice.value if advice else None,
    }


def error_report(error: AosignError, lang: str) -> tuple[ExitCode, list[str]]:
    """The exit code and the lines to show for an error (never a secret: errors hold none)."""
    t = catalogs.text
    if isinstance(error, PinPolicyError):
        lines = [f"{r.field_label(lang)}: {r.message(lang)}" for r in error.verdict.refusals]
        lines.append(t("nothing_sent", lang))
        return ExitCode.BAD_INPUT, lines
    if isinstance(error, CardDeadError):
        lines = [t("code.incorrect", lang)] if error.just_now else []
        lines += [t("card.dead", lang), t("card.dead_howto", lang)]
        return ExitCode.DEAD, lines
    if isinstance(error, PinBlockedError):
        lines = [t("pin.incorrect", lang)] if error.just_now else []
        lines += [t("pin.locked", lang), t("pin.locked_howto", lang)]
        return ExitCode.LOCKED, lines
    if isinstance(error, PinIncorrectError):
        left = error.tries_left
        if error.kind is SecretKind.UNBLOCK:
            lines = [t("code.incorrect", lang)]
            lines.append(t("code.tries_left", lang, left=left) if left is not None else t("code.tries_unknown", lang))
            if left == 1:
                lines.append(t("unlock.final_try", lang))
            return ExitCode.WRONG_SECRET, lines
        lines = [t("pin.incorrect", lang)]
        lines.append(t("pin.tries_left", lang, left=left) if left is not None else t("pin.tries_unknown", lang))
        if left == 1:
            lines.append(t("advice.pin_final_try", lang, left=left))
        elif left is not None and left <= 8:
            lines.append(t("advice.reset_recommended", lang, left=left))
        return ExitCode.WRONG_SECRET, lines
    if isinstance(error, CardRefusedInputError):
        return ExitCode.BAD_INPUT, [t("card.refused_input", lang)]
    if isinstance(error, CardStateChangedError):
        return ExitCode.BAD_INPUT, [t("card.state_changed", lang), t("nothing_sent", lang)]
    if isinstance(error, NotConfirmedError):
        key = "no_answer" if isinstance(error, NoAnswerError) else "unlock.not_confirmed"
        return ExitCode.BAD_INPUT, [t(key, lang), t("nothing_sent", lang)]
    if isinstance(error, CardUnavailableError):
        return ExitCode.NO_CARD, [t(f"unavailable.{error.reason}", lang, detail=error.detail or "-")]
    return ExitCode.NO_CARD, [str(error)]
