"""User texts in Japanese and English. Words in 「」 in the catalogs are the issuer's FAQ, verbatim.

Catalogs are plain dict modules (``ja``, ``en``) so that looking a text up costs no parser. Placeholders use
``str.format`` names; a test keeps both catalogs' keys and placeholders identical.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module

__all__ = ["LANGUAGES", "PerLanguage", "catalog", "text"]

LANGUAGES = ("ja", "en")

_loaded: dict[str, dict[str, str]] = {}


def catalog(lang: str) -> dict[str, str]:
    """The catalog of ``lang`` (``ja`` or ``en``).

    :raises ValueError: another language.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r} (ja or en)")
    cat = _loaded.get(lang)
    if cat is None:
        cat = import_module(f"{__name__}.{lang}").MESSAGES
        _loaded[lang] = cat
    return cat


def text(key: str, lang: str, /, **params: object) -> str:
    """The text for ``key`` in ``lang``, formatted with ``params`` (never pass a secret).

    Where ``left`` or ``count`` is 1 and the language has a singular form of the text (``KEY.one``: English has,
    Japanese has no plural), that form is used.

    :raises KeyError: no such message (a programming error, caught by the catalog tests).
    """
    cat = catalog(lang)
    template = cat.get(f"{key}.one") if 1 in (params.get("left"), params.get("count")) else None
    template = template or cat[key]
    return template.format(**params) if params else template


class PerLanguage(Mapping[str, str]):
    """One text in each language (``{"ja": ..., "en": ...}`` for the host), each looked up when it is asked for.

    A menu label or an option's help is registered on every start and shown in one language at most: the other
    catalog (~50 KB of compiled texts) is not loaded for it.
    """

    __slots__ = ("_key",)

    def __init__(self, key: str) -> None:
        self._key = key

    def __getitem__(self, lang: str) -> str:
        if lang not in LANGUAGES:
            raise KeyError(lang)
        return text(self._key, lang)

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)

    def __repr__(self) -> str:
        return f"PerLanguage({self._key!r})"
