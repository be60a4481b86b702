"""The host window's own texts: the ``window.*`` entries of the host's catalog (each plugin brings the texts of its
entries, panels and dialogs)."""

from __future__ import annotations

from ..messages import text as _host_text

__all__ = ["LANGUAGE_NAMES", "text"]

#: the languages the window offers, each named in itself
LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}


def text(key: str, lang: str, /, **params: object) -> str:
    """The window's text for ``key`` in ``lang`` (``ja`` or ``en``)."""
    return _host_text(f"window.{key}", lang, **params)
