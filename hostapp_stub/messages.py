"""The host's own texts (the plugin brings its own catalogs)."""

from __future__ import annotations

__all__ = ["text"]

_MESSAGES: dict[str, dict[str, str]] = {
    "ja": {
        "menu.title": "メニュー",
        "menu.empty": "メニュー項目を登録したプラグインがありません。",
        "manifest.read_error": "{path}: マニフェストを読めません: {error}",
        "manifest.syntax": "{path}: TOMLの書式に誤りがあります: {error}",
        "manifest.unknown_table": "{path}: [{table}] はどのプラグインの設定でもありません。",
        "manifest.ok": "{path}: 問題はありません。",
        "manifest.builtin": "(組み込みの既定値: 模擬カード)",
        "manifest.problems": "{path}: {count}件の問題があります。",
        "lang.bad_env": "AOSIGN_LANG の値が不正です: ja または en を指定してください。",
        "usage.unknown_command": "不明なコマンドです: {command}(一覧は aosign-host menu)",
        "usage.no_handler": "「{entry}」を実行できるプラグインがありません。",
        "cancelled": "中止しました。カードには何も送っていません。",
        "plugin.duplicate": "メニュー項目が重複しています: {error}",
        "help.manifest": "マニフェストのパス(既定: $AOSIGN_MANIFEST、設定フォルダ、組み込みの既定値の順)",
        "help.lang": "表示言語(既定: $AOSIGN_LANG、マニフェスト、システムの言語の順)",
        "help.menu": "プラグインのメニュー項目を表示します",
        "help.manifest_cmd": "マニフェストを扱います",
        "help.manifest_check": "マニフェストを検証し、すべての問題を表示します",
        "help.json": "JSONで出力します",
        "help.verbose": "詳細なログを標準エラーに出力します(PINは出力しません)",
    },
    "en": {
        "menu.title": "Menu",
        "menu.empty": "No plugin registered a menu entry.",
        "manifest.read_error": "{path}: cannot read the manifest: {error}",
        "manifest.syntax": "{path}: TOML syntax error: {error}",
        "manifest.unknown_table": "{path}: [{table}] is not a table any plugin owns.",
        "manifest.ok": "{path}: no problems.",
        "manifest.builtin": "(built-in default: the simulated card)",
        "manifest.problems": "{path}: {count} problem(s).",
        "lang.bad_env": "AOSIGN_LANG is invalid: set it to ja or en.",
        "usage.unknown_command": "unknown command: {command} (see aosign-host menu)",
        "usage.no_handler": "no plugin can run '{entry}'.",
        "cancelled": "Cancelled. Nothing was sent to the card.",
        "plugin.duplicate": "duplicate menu entry: {error}",
        "help.manifest": "manifest path (else $AOSIGN_MANIFEST, the config folders, the built-in default)",
        "help.lang": "language (else $AOSIGN_LANG, the manifest, the system's language)",
        "help.menu": "list the plugins' menu entries",
        "help.manifest_cmd": "work with the deployment manifest",
        "help.manifest_check": "validate a manifest and print every problem",
        "help.json": "print JSON",
        "help.verbose": "log details to standard error (never a PIN)",
    },
}


def text(key: str, lang: str, /, **params: object) -> str:
    template = _MESSAGES[lang][key]
    return template.format(**params) if params else template
