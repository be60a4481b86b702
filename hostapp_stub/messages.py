"""The host's own texts (the plugin brings its own catalogs)."""

from __future__ import annotations

__all__ = ["text"]

_MESSAGES: dict[str, dict[str, str]] = {
    "ja": {
        "menu.title": "メニュー",
        "menu.empty": "メニュー項目を登録したプラグインがありません。",
        "manifest.read_error": "{path}: マニフェストを読めません: {error}",
        "manifest.syntax": "{path}: TOMLの書式に誤りがあります: {error}",
        "manifest.unknown_table": "どのプラグインの設定でもないテーブルです(綴りを確認してください)。",
        "manifest.locked": "システムのマニフェストで固定されている設定です。ユーザーのマニフェストでは変更できません。",
        "manifest.not_a_table": "テーブル([...])で指定してください。",
        "manifest.unknown_key": "不明なキーです。使えるキー: {allowed}",
        "manifest.want_names": '名前(文字列)のリストで指定してください(例: ["aosign-plugin"])。',
        "manifest.show_file": "{origin}: {path}",
        "manifest.origin.explicit": "--manifest で指定",
        "manifest.origin.env": "AOSIGN_MANIFEST で指定",
        "manifest.origin.user": "ユーザーの設定",
        "manifest.origin.system": "システムの設定",
        "plugins.loaded": "読み込み済み",
        "plugins.blocked": "マニフェストで禁止",
        "plugins.not_allowed": "許可リストにない",
        "plugins.none": "インストールされているプラグインはありません。",
        "help.manifest_show": "使われているマニフェストと、各キーの出どころを表示します",
        "help.plugins": "インストール済み・読み込み済み・禁止のプラグインを表示します",
        "help.gui": "ウィンドウで開きます(PySide6が必要です: pip install 'aosign-plugin[gui]')",
        "manifest.ok": "{path}: 問題はありません。",
        "manifest.builtin": "(マニフェストのファイルはありません: 組み込みの既定値)",
        "manifest.problems": "{path}: {count}件の問題があります。",
        "lang.bad_env": "AOSIGN_LANG の値が不正です: ja または en を指定してください。",
        "usage.unknown_command": "不明なコマンドです: {command}(一覧は aosign-host menu)",
        "cancelled": "中止しました。",
        "plugin.collision": (
            "メニュー項目「{entry}」を複数のプラグイン({plugins})が登録しているため、どれも実行しません。"
            "不要なプラグインをマニフェストの [plugins] で除外してください。"
        ),
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
        "manifest.unknown_table": "no plugin owns this table (check its spelling).",
        "manifest.locked": "locked by the system manifest: the user manifest cannot change it.",
        "manifest.not_a_table": "must be a table ([...]).",
        "manifest.unknown_key": "unknown key; allowed: {allowed}",
        "manifest.want_names": 'must be a list of names (strings), e.g. ["aosign-plugin"].',
        "manifest.show_file": "{origin}: {path}",
        "manifest.origin.explicit": "given with --manifest",
        "manifest.origin.env": "given in AOSIGN_MANIFEST",
        "manifest.origin.user": "user manifest",
        "manifest.origin.system": "system manifest",
        "plugins.loaded": "loaded",
        "plugins.blocked": "blocked by the manifest",
        "plugins.not_allowed": "not on the allow-list",
        "plugins.none": "No plugin is installed.",
        "help.manifest_show": "show the manifest in force and where each key comes from",
        "help.plugins": "list installed, loaded and blocked plugins",
        "help.gui": "open the window (needs PySide6: pip install 'aosign-plugin[gui]')",
        "manifest.ok": "{path}: no problems.",
        "manifest.builtin": "(no manifest file: the built-in defaults)",
        "manifest.problems": "{path}: {count} problem(s).",
        "lang.bad_env": "AOSIGN_LANG is invalid: set it to ja or en.",
        "usage.unknown_command": "unknown command: {command} (see aosign-host menu)",
        "cancelled": "Cancelled.",
        "plugin.collision": (
            "the menu entry '{entry}' is registered by several plugins ({plugins}), so none of them runs it. "
            "Keep the one you do not need out with the manifest's [plugins] table."
        ),
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
