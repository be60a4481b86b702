"""The host window's own texts (each plugin brings the texts of its entries and dialogs)."""

from __future__ import annotations

__all__ = ["LANGUAGE_NAMES", "text"]

#: the languages the window offers, each named in itself
LANGUAGE_NAMES = {"ja": "日本語", "en": "English"}

_MESSAGES: dict[str, dict[str, str]] = {
    "ja": {
        "window.title": "AOSign ホストアプリ",
        "menu.heading": "メニュー",
        "menu.empty": "メニュー項目を登録したプラグインがありません。",
        "status.auto": "状態の表示は自動で更新されます。",
        "status.failed": "プラグイン {plugin} が状態を読めませんでした: {error}",
        "lang.label": "表示言語",
        "quit": "終了",
        "cancelled": "中止しました。",
        "failed": "「{entry}」の実行中にエラーが発生しました: {error}",
        "missing_qt": "aosign-host gui には PySide6 が必要です: pip install 'aosign-plugin[gui]'",
    },
    "en": {
        "window.title": "AOSign host app",
        "menu.heading": "Menu",
        "menu.empty": "No plugin registered a menu entry.",
        "status.auto": "The status shown here updates by itself.",
        "status.failed": "The plugin {plugin} could not read its status: {error}",
        "lang.label": "Language",
        "quit": "Quit",
        "cancelled": "Cancelled.",
        "failed": "'{entry}' failed: {error}",
        "missing_qt": "aosign-host gui needs PySide6: pip install 'aosign-plugin[gui]'",
    },
}


def text(key: str, lang: str, /, **params: object) -> str:
    """The window's text for ``key`` in ``lang`` (``ja`` or ``en``)."""
    template = _MESSAGES[lang][key]
    return template.format(**params) if params else template
