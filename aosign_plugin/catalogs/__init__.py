"""User texts in Japanese and English. Words in 「」 in the catalogs are the issuer's FAQ, verbatim.

Catalogs are plain dict modules (``ja``, ``en``) so that looking a text up costs no parser. Placeholders use
``str.format`` names; a test keeps both catalogs' keys and placeholders identical.
"""

from __future__ import annotations

from importlib import import_module

__all__ = ["LANGUAGES", "catalog", "text"]

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
