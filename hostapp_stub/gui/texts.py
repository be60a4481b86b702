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
        "status.heading": "カードの状態",
        "status.auto": "カードの抜き差しは自動で反映されます(1秒ごとに確認します。回数は消費しません)。",
        "status.none": "カードの状態を表示できるプラグインがありません。",
        "status.failed": "カードの状態を読めませんでした: {error}",
        "lang.label": "表示言語",
        "quit": "終了",
        "no_handler": "「{entry}」を実行できるプラグインがありません。",
        "cancelled": "中止しました。カードには何も送っていません。",
        "failed": "「{entry}」の実行中にエラーが発生しました: {error}",
        "missing_qt": "aosign-host gui には PySide6 が必要です: pip install 'aosign-plugin[gui]'",
    },
    "en": {
        "window.title": "AOSign host app",
        "menu.heading": "Menu",
        "menu.empty": "No plugin registered a menu entry.",
        "status.heading": "Card status",
        "status.auto": "Inserting or removing the card shows here by itself (checked every second; no try is spent).",
        "status.none": "No plugin can show the card's status.",
        "status.failed": "The card's status could not be read: {error}",
        "lang.label": "Language",
        "quit": "Quit",
        "no_handler": "No plugin can run '{entry}'.",
        "cancelled": "Cancelled. Nothing was sent to the card.",
        "failed": "'{entry}' failed: {error}",
        "missing_qt": "aosign-host gui needs PySide6: pip install 'aosign-plugin[gui]'",
    },
}


def text(key: str, lang: str, /, **params: object) -> str:
    """The window's text for ``key`` in ``lang`` (``ja`` or ``en``)."""
    template = _MESSAGES[lang][key]
    return template.format(**params) if params else template
