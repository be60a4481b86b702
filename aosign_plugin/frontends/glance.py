"""The card's state at a glance (no Qt here): one word of state with its tone, the two counts that matter, the
advice right under, and the rest as detail lines. The host's status panel and the PIN dialogs show the same.

The tone gives the mark and the colour (:func:`hostapp_stub.api.mark_pixmap`), the headline the words: a state is
never told by colour alone.
"""

from __future__ import annotations

from aosign_plugin import catalogs
from aosign_plugin.domain.card_status import Advice, CardState, CardStatus, Counter, CounterSource
from hostapp_stub.api import PanelFigure, Tone

__all__ = ["Glance", "glance"]


class Glance:
    """What to show first: ``headline`` beside the ``tone``'s mark, ``figures`` large, ``advice`` right under,
    ``details`` below (the card, its serial, its certificates)."""

    def __init__(
        self, tone: Tone, headline: str, figures: tuple[PanelFigure, ...], advice: list[str], details: list[str]
    ) -> None:
        self.tone = tone
        self.headline = headline
        self.figures = figures
        self.advice = advice
        self.details = details


def _tone(status: CardStatus) -> Tone:
    if status.state is CardState.DEAD:
        return Tone.FATAL
    # a certificate expired or not yet valid: the card cannot sign today, whatever its PIN's state
    if status.state is CardState.LOCKED or not status.can_sign or Advice.CERTIFICATE_EXPIRED in status.advices:
        return Tone.ERROR
    return Tone.WARN if status.advices else Tone.OK


def _headline(status: CardStatus, tone: Tone, lang: str) -> str:
    if status.state is CardState.READY and status.pin.source is CounterSource.MODULE and not status.pin.told:
        return catalogs.text("state.no_lock_reported", lang)  # from a module's flags: no more than they say
    key = {CardState.LOCKED: "gui.state.locked", CardState.DEAD: "gui.state.dead"}.get(status.state)
    if key is None and not status.can_sign:
        key = "state.cannot_sign"
    if key is None:
        key = "gui.state.ready" if tone is Tone.OK else "gui.state.warn"
    return catalogs.text(key, lang)


def _count(counter: Counter, lang: str) -> tuple[str, Tone]:
    left = counter.tries_left
    if left is None:
        if counter.final:
            return catalogs.text("status.tries_final", lang), Tone.ERROR
        if counter.low:
            return catalogs.text("status.tries_low", lang), Tone.WARN
        return catalogs.text("gui.tries.unknown", lang), Tone.PLAIN
    if counter.max_tries is None:
        value = catalogs.text("gui.tries.value_nomax", lang, left=left)
    else:
        value = catalogs.text("status.tries", lang, left=left, max=counter.max_tries)  # the terminal's words
    if left == 0:
        return value, Tone.FATAL
    if left <= 3:
        return value, Tone.ERROR
    return value, Tone.WARN if (counter.max_tries is not None and left < counter.max_tries) else Tone.PLAIN


def _figure(key: str, counter: Counter, status: CardStatus, lang: str) -> PanelFigure:
    label = catalogs.text(key, lang)
    if status.backend == "pkcs11":  # where it was read, where that can differ
        label += catalogs.text(f"status.source.{counter.source.value}", lang)
    value, tone = _count(counter, lang)
    return PanelFigure(label, value, tone)


def glance(status: CardStatus, lang: str) -> Glance:
    """The state at a glance, in ``lang``; ``advice`` in the terminal's words (a window says them its own way)."""
    from aosign_plugin.frontends.certificate_view import certificate_lines
    from aosign_plugin.frontends.terminal_view import advice_lines, card_text

    tone = _tone(status)
    figures = (
        _figure("gui.tries.pin", status.pin, status, lang),
        _figure("gui.tries.unblock", status.unblock, status, lang),
    )
    details = [card_text(status, lang), *certificate_lines(status, lang)]
    return Glance(tone, _headline(status, tone, lang), figures, advice_lines(status, lang), details)
