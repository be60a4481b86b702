"""The host's own texts (the plugin brings its own catalogs)."""

from __future__ import annotations

__all__ = ["text"]

_MESSAGES: dict[str, dict[str, str]] = {
    "ja": {
        "window.window.title": "AOSign ホストアプリ",
        "window.menu.heading": "メニュー",
        "window.menu.empty": "メニュー項目を登録したプラグインがありません。",
        "window.status.auto": "状態の表示は自動で更新されます。",
        "window.status.watched": "状態は変化があったときに読み直されます。[状態を読み直す] で今すぐ読み直せます。",
        "window.refresh": "状態を読み直す",
        "window.status.failed": "プラグイン {plugin} が状態を読めませんでした: {error}",
        "window.lang.label": "表示言語",
        "window.quit": "終了",
        "window.cancelled": "中止しました。",
        "window.failed": "「{entry}」の実行中にエラーが発生しました: {error}",
        "window.missing_qt": (
            "aosign-host gui のウィンドウには PySide6 が必要ですが、インストールされていません。"
            'インストールするには: pip install "aosign-plugin[gui]"'
            "(ソースから使っている場合は scripts/bootstrap --gui)。"
        ),
        "window.start_failed": "AOSign ホストアプリを開始できませんでした",
        "window.support.button": "サポート情報",
        "window.support.title": "サポート情報(aosign-host doctor)",
        "window.support.copied": "この内容をクリップボードにコピーしました。ヘルプデスクへの連絡に貼り付けてください。",
        "window.support.copy": "コピー",
        "window.support.close": "閉じる",
        "window.support.failed": "診断を実行できませんでした: {error}",
        "menu.title": "メニュー",
        "menu.empty": "メニュー項目を登録したプラグインがありません。",
        "manifest.read_error": "{path}: マニフェストを読めません: {error}",
        "manifest.syntax": "{path}: TOMLの書式に誤りがあります: {error}",
        "manifest.unknown_table": "どのプラグインの設定でもないテーブルです(綴りを確認してください)。",
        "manifest.too_large": "{path}: マニフェストが大きすぎます({limit} KiB まで)。マニフェストのファイルを指定してください。",
        "manifest.locked": "システムのマニフェスト {system} で固定されている設定なので、この値は使いません。",
        "manifest.lock_only_system": "設定の固定([manifest])はシステムのマニフェストでしか指定できないため、使いません。",
        "manifest.warning": "警告: {problem}",
        "manifest.no_system_place": "システムのマニフェストの場所(ProgramData フォルダ)を OS から取得できません: {error}",
        "manifest.ignored": "無視: {system} で固定",
        "manifest.ignored_only_system": "無視: システムのマニフェスト専用",
        "manifest.untrusted": "{path}: システムのマニフェストを管理者以外も変更できる状態のため、使えません({rule})。{fix}",
        "manifest.untrusted.owner": "{node} の所有者が管理者ではありません({who})",
        "manifest.untrusted.writable": "{node} に管理者以外の書き込み権限があります({who})",
        "manifest.untrusted.unreadable": "{node} の所有者と権限を確認できません({who})",
        "manifest.untrusted_fix.posix": "直し方: sudo chown root {node} && sudo chmod go-w {node}",
        "manifest.untrusted_fix.windows": '直し方: 管理者として icacls "{node}" /setowner *S-1-5-32-544 を実行し、Administrators・SYSTEM・TrustedInstaller 以外の書き込み・削除・権限変更の許可を外してください。',
        "manifest.path_variable": "環境変数 {name} が設定されていません。",
        "manifest.path_relative": "絶対パスにできません。",
        "manifest.path_no_home": "~ のホームフォルダがありません。",
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
        "help.gui": 'ウィンドウで開きます(PySide6が必要です: pip install "aosign-plugin[gui]")',
        "manifest.ok": "{path}: 問題はありません。",
        "manifest.builtin": "(マニフェストのファイルはありません: 組み込みの既定値)",
        "manifest.problems": "{path}: {count}件の問題があります。",
        "lang.bad_env": "AOSIGN_LANG の値が不正です: ja または en を指定してください。",
        "answer.too_long": "入力が長すぎます({limit}バイトを超えています)。この入力は使いません。",
        "terminal.cannot_hide": (
            "この端末(Git Bash の mintty)では入力を隠せません。Windows ターミナルかコマンドプロンプトで実行するか、"
            "winpty aosign-host ... として実行してください。"
        ),
        "usage.unknown_command": "不明なコマンドです: {command}(一覧は aosign-host menu)",
        "cancelled": "中止しました。",
        "plugin.collision": (
            "メニュー項目「{entry}」を複数のプラグイン({plugins})が登録しているため、どれも実行しません。"
            "不要なプラグインをマニフェストの [plugins] で除外してください。"
        ),
        "plugin.reserved": (
            "プラグイン({plugins})がメニュー項目「{entry}」を登録していますが、これはホストのコマンド名のため"
            "実行しません(ホストのコマンドが実行されます)。プラグインの提供元に項目名の変更を依頼してください。"
        ),
        "help.manifest": "ユーザーのマニフェストの代わりに使うファイル(既定: $AOSIGN_MANIFEST、ユーザーの設定フォルダの順)。システムのマニフェストの固定された設定は変わりません",
        "help.lang": "表示言語(既定: $AOSIGN_LANG、マニフェスト、システムの言語の順)",
        "help.menu": "プラグインのメニュー項目を表示します",
        "help.manifest_cmd": "マニフェストを扱います",
        "help.manifest_check": "マニフェストを検証し、すべての問題を表示します",
        "help.manifest_schema": "マニフェストのJSON Schema(エディタでの検証と補完用)を表示します",
        "help.json": "JSONで出力します",
        "help.verbose": "詳細なログを標準エラーに出力します(PINは出力しません)",
        "help.doctor": "環境を診断し、問題ごとに対処方法を表示します(PINの試行回数は消費しません)",
        "doctor.host": "aosign-host {version}、{implementation} {python}、{os} ({machine})",
        "doctor.plugins": "読み込み済み: {loaded}/マニフェストで除外: {kept_out}",
        "doctor.plugins.collision": "複数のプラグインが同じメニュー項目を登録しています: {entries}",
        "doctor.plugins.collision_fix": "不要なプラグインをマニフェストの [plugins] block に加えて除外してください。",
        "doctor.plugins.reserved": "ホストのコマンド名でメニュー項目を登録しているプラグインがあります(実行されません): {entries}",
        "doctor.plugins.reserved_fix": "プラグインの提供元に項目名の変更を依頼するか、マニフェストの [plugins] block で除外してください。",
        "doctor.plugins.none": "読み込まれたプラグインがありません(マニフェストで除外: {kept_out})。",
        "doctor.plugins.none_fix": "プラグインをインストールしてください: pip install aosign-plugin",
        "doctor.plugins.none_fix_kept_out": (
            "マニフェストの [plugins] allow に aosign-plugin を加え、block から外してください。"
        ),
        "doctor.manifest": "ファイル: {files}/固定されたキー: {locked}",
        "doctor.manifest.unreadable_fix": (
            "上の表示のとおりに直してください(示された行、または管理者以外も変更できるシステムのマニフェストの所有者と権限)。"
            "確認: aosign-host manifest check。直るまで、カードの診断はこのマニフェストでは行えません。"
        ),
        "doctor.manifest.problems_fix": (
            "示されたファイルの各行を直してください。aosign-host manifest check で問題がなくなったことを確認できます。"
            "システムのマニフェストは管理者が直します。"
        ),
        "doctor.plugin_failed": "プラグイン {plugin} の診断が失敗しました: {error}",
        "doctor.plugin_failed_fix": "このプラグインの提供元に、この出力を添えて連絡してください。",
        "doctor.fix": "対処: {fix}",
        "doctor.passed": "{total}項目すべて問題ありません。",
        "doctor.failed": "{total}項目中{failed}項目に問題があります(✗ の項目の対処を上から順に行ってください)。",
        # issue 27: --output FILE, --version
        "help.output": "標準出力に出す内容を、代わりにFILEへUTF-8で書き込みます(書き終えてから置き換えます)。PowerShellのスクリプトから --json を読むときに使います",
        "help.version": "バージョンを表示して終了します",
        "output.failed": "出力ファイル {path} に書き込めませんでした: {error}",
        "window.start_failed_code": "終了コード {code} で終了しました。コマンドプロンプトで aosign-host doctor を実行すると、原因がわかります。",
        # issue 24: a plugin that fails is named, left out, and everything else works
        "plugin.failed": (
            "プラグイン {dist} {version} が {hook} で失敗しました({error}: {message})。"
            "このプラグインの機能を除いて続けます。"
        ),
        "plugin.failed_run": (
            "プラグイン {dist} {version} が「{entry}」の実行中に失敗しました({error}: {message})。"
            "{dist} を更新するか削除してください。詳細は -v を付けて実行すると表示されます。"
        ),
        "plugin.trace_hint": "(詳細は -v を付けて実行すると表示されます)",
        "plugins.failed": "失敗",
        "plugins.shared": "エントリポイント名 {name} を複数のディストリビューションが使っています: {dists}(置き換えずに、それぞれを読み込みます)",
        "doctor.plugins.shared": "同じエントリポイント名を使うディストリビューション(それぞれ読み込み済み): {names}",
        "doctor.plugin_broken": "プラグイン {dist} {version} が失敗しました(その機能は使えません): {failures}",
        "doctor.plugin_broken_fix": "{dist} を更新するか削除してください(またはマニフェストの [plugins] block に {dist} を加えてください)。",
        # --- issue 32: tomllib's syntax errors in the user's language (hostapp_stub.manifest._parse) ---
        "manifest.toml.expected_equals": "キーの後に = がありません",
        "manifest.toml.unclosed_table": "表の見出しが ] で閉じられていません",
        "manifest.toml.unclosed_array_table": "表の配列の見出しが ]] で閉じられていません",
        "manifest.toml.invalid_value": '値が正しくありません(文字列は "..." で囲みます。true/false は小文字です)',
        "manifest.toml.unterminated_string": "文字列が閉じられていません(最後の引用符がありません)",
        "manifest.toml.unclosed_array": "配列が ] で閉じられていません",
        "manifest.toml.unclosed_inline_table": "インラインテーブルが } で閉じられていません",
        "manifest.toml.twice": "同じキーまたは表が2回あります",
        "manifest.toml.invalid_statement": "TOMLの行として読めません",
        "manifest.toml.illegal_character": "使えない文字があります",
        # --- end issue 32 ---
        # --- issue 28: accessible names and descriptions of the window ---
        "window.a11y.language": "画面に表示する言語を選びます。",
        "window.a11y.refresh": "プラグインの状態を今すぐ読み直します。",
        "window.a11y.support": "診断を実行し、結果をヘルプデスク向けにクリップボードへコピーします。",
        "window.a11y.quit": "ウィンドウを閉じて終了します。",
        "window.a11y.report": "診断の結果",
        # --- end issue 28 ---
        # --- issue 26: the system file's place, nesting, what the system file's [plugins] and [audit] hold ---
        "manifest.system_place": (
            "{path}: システムのマニフェストがあるかどうかを確かめられません({folder}: {error})。"
            "管理者の設定が抜け落ちないよう、確かめられるまで、すべてのコマンドを止めます。"
        ),
        "manifest.system_place_fix.posix": "管理者として実行してください: sudo chmod a+rx {folder}",
        "manifest.system_place_fix.posix_other": "管理者が {folder} を確認してください(リンクの循環やディスクの異常)。",
        "manifest.system_place_fix.windows": '管理者として実行してください: icacls "{folder}" /grant *S-1-5-32-545:(RX)',
        "manifest.system_place_fix.windows_other": "管理者が {folder} を確認してください(リンクの循環やディスクの異常)。",
        "manifest.system_file_fix.posix": "管理者として実行してください: sudo chmod a+r {path}",
        "manifest.system_file_fix.windows": '管理者として実行してください: icacls "{path}" /grant *S-1-5-32-545:(R)',
        "manifest.too_deep": "{path}: テーブルや配列の入れ子が深すぎます({limit}段まで)。マニフェストではありません。",
        "manifest.held_audit": "システムのマニフェスト {system} が監査ログを設定しています。ユーザーのファイルでは止める・移す・小さくすることはできないため、この値は無視します。",
        "manifest.plugins_narrow_only": "システムのマニフェストが許可していないプラグインは許可できません({names}): 無視します(ユーザーのファイルは許可を減らし、禁止を増やすことだけができます)。",
        # --- end issue 26 ---
        # issue 25: output that could not be written, said on the other stream
        "output.lost_stdout": "標準出力に書き込めませんでした({error})。表示できなかった内容は次のとおりです:",
        "output.lost_stderr": "標準エラー出力に書き込めませんでした({error})。表示できなかった内容は次のとおりです:",
    },
    "en": {
        "window.window.title": "AOSign host app",
        "window.menu.heading": "Menu",
        "window.menu.empty": "No plugin registered a menu entry.",
        "window.status.auto": "The status shown here updates by itself.",
        "window.status.watched": "The status is read again when it changes; [Read the status again] reads it now.",
        "window.refresh": "Read the status again",
        "window.status.failed": "The plugin {plugin} could not read its status: {error}",
        "window.lang.label": "Language",
        "window.quit": "Quit",
        "window.cancelled": "Cancelled.",
        "window.failed": "'{entry}' failed: {error}",
        "window.missing_qt": (
            "The window of aosign-host gui needs PySide6, which is not installed. To install it: "
            'pip install "aosign-plugin[gui]" (from a source checkout: scripts/bootstrap --gui).'
        ),
        "window.start_failed": "The AOSign host app could not start",
        "window.support.button": "Support information",
        "window.support.title": "Support information (aosign-host doctor)",
        "window.support.copied": "Copied to the clipboard: paste it into your message to the helpdesk.",
        "window.support.copy": "Copy",
        "window.support.close": "Close",
        "window.support.failed": "The checks could not run: {error}",
        "menu.title": "Menu",
        "menu.empty": "No plugin registered a menu entry.",
        "manifest.read_error": "{path}: cannot read the manifest: {error}",
        "manifest.syntax": "{path}: TOML syntax error: {error}",
        "manifest.unknown_table": "no plugin owns this table (check its spelling).",
        "manifest.too_large": "{path}: too large for a manifest (at most {limit} KiB); give the manifest file.",
        "manifest.locked": "locked by the system manifest {system}: this value is ignored.",
        "manifest.lock_only_system": "only the system manifest may lock keys ([manifest]): ignored.",
        "manifest.warning": "warning: {problem}",
        "manifest.no_system_place": "the system manifest's place (the ProgramData folder) cannot be had from the OS: {error}",
        "manifest.ignored": "ignored: locked by {system}",
        "manifest.ignored_only_system": "ignored: system manifest only",
        "manifest.untrusted": "{path}: the system manifest is not used, because someone other than the administrators can change it ({rule}). {fix}",
        "manifest.untrusted.owner": "{node} is owned by {who}, not by an administrator",
        "manifest.untrusted.writable": "{node} is writable by {who}",
        "manifest.untrusted.unreadable": "the owner and permissions of {node} cannot be read: {who}",
        "manifest.untrusted_fix.posix": "To fix: sudo chown root {node} && sudo chmod go-w {node}",
        "manifest.untrusted_fix.windows": 'To fix, as an administrator: icacls "{node}" /setowner *S-1-5-32-544, and remove every right to write, delete or change permissions from anyone but Administrators, SYSTEM and TrustedInstaller.',
        "manifest.path_variable": "the environment variable {name} is not set.",
        "manifest.path_relative": "cannot be made an absolute path.",
        "manifest.path_no_home": "the home folder of ~ does not exist here.",
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
        "help.gui": 'open the window (needs PySide6: pip install "aosign-plugin[gui]")',
        "manifest.ok": "{path}: no problems.",
        "manifest.builtin": "(no manifest file: the built-in defaults)",
        "manifest.problems": "{path}: {count} problems.",
        "manifest.problems.one": "{path}: 1 problem.",
        "lang.bad_env": "AOSIGN_LANG is invalid: set it to ja or en.",
        "answer.too_long": "The answer is too long (over {limit} bytes): it was not used.",
        "terminal.cannot_hide": (
            "This terminal (Git Bash's mintty) cannot hide what you type: run the command in Windows Terminal or the "
            "command prompt, or as winpty aosign-host ..."
        ),
        "usage.unknown_command": "unknown command: {command} (see aosign-host menu)",
        "cancelled": "Cancelled.",
        "plugin.collision": (
            "the menu entry '{entry}' is registered by several plugins ({plugins}), so none of them runs it. "
            "Keep the one you do not need out with the manifest's [plugins] table."
        ),
        "plugin.reserved": (
            "the menu entry '{entry}' registered by {plugins} has the name of a host command, so it never runs "
            "(the host's command does). Ask the plugin's vendor to rename the entry."
        ),
        "help.manifest": "a manifest in the user file's place (else $AOSIGN_MANIFEST, the user's config folder); the system manifest's locks still hold",
        "help.lang": "language (else $AOSIGN_LANG, the manifest, the system's language)",
        "help.menu": "list the plugins' menu entries",
        "help.manifest_cmd": "work with the deployment manifest",
        "help.manifest_check": "validate a manifest and print every problem",
        "help.manifest_schema": "print the manifest's JSON Schema (for editors to validate and complete it)",
        "help.json": "print JSON",
        "help.verbose": "log details to standard error (never a PIN)",
        "help.doctor": "diagnose the set-up and say how to fix each problem (never spends a try)",
        "doctor.host": "aosign-host {version}, {implementation} {python}, {os} ({machine})",
        "doctor.plugins": "loaded: {loaded}; kept out by the manifest: {kept_out}",
        "doctor.plugins.collision": "several plugins register one menu entry: {entries}",
        "doctor.plugins.collision_fix": (
            "Keep the plugin you do not need out: add it to the manifest's [plugins] block."
        ),
        "doctor.plugins.reserved": "a plugin registers a menu entry under a host command's name (it never runs): {entries}",
        "doctor.plugins.reserved_fix": (
            "Ask the plugin's vendor to rename the entry, or keep the plugin out with the manifest's [plugins] block."
        ),
        "doctor.plugins.none": "no plugin is loaded (kept out by the manifest: {kept_out}).",
        "doctor.plugins.none_fix": "Install the plugin: pip install aosign-plugin",
        "doctor.plugins.none_fix_kept_out": (
            "Add aosign-plugin to the manifest's [plugins] allow list and remove it from block."
        ),
        "doctor.manifest": "files: {files}; locked keys: {locked}",
        "doctor.manifest.unreadable_fix": (
            "Do what the message above says: correct the line it names or, for a system manifest others can change, "
            "its owner and permissions (check with: aosign-host manifest check). Until then the card cannot be "
            "diagnosed with this manifest."
        ),
        "doctor.manifest.problems_fix": (
            "Correct each line named in its file; aosign-host manifest check confirms when none is left. "
            "A problem in the system manifest is for the administrator to correct."
        ),
        "doctor.plugin_failed": "the checks of the plugin {plugin} failed: {error}",
        "doctor.plugin_failed_fix": "Send this output to the plugin's provider.",
        "doctor.fix": "Fix: {fix}",
        "doctor.passed": "All {total} checks passed.",
        "doctor.failed": "{failed} of {total} checks failed (do the fixes of the ✗ lines, from the top).",
        # issue 27: --output FILE, --version
        "help.output": "write what goes to standard output to FILE instead, as UTF-8, replacing it once complete (for PowerShell scripts reading --json)",
        "help.version": "show the version and exit",
        "output.failed": "could not write the output file {path}: {error}",
        "window.start_failed_code": "It ended with exit code {code}. Run aosign-host doctor in a command prompt to find out why.",
        # issue 24: a plugin that fails is named, left out, and everything else works
        "plugin.failed": (
            "The plugin {dist} {version} failed in {hook} ({error}: {message}); going on without what it adds."
        ),
        "plugin.failed_run": (
            "The plugin {dist} {version} failed while running '{entry}' ({error}: {message}). "
            "Update or remove {dist}; run with -v for the details."
        ),
        "plugin.trace_hint": "(run with -v for the details)",
        "plugins.failed": "failed",
        "plugins.shared": "the entry-point name {name} is used by several distributions: {dists} (each loads; none replaces another)",
        "doctor.plugins.shared": "distributions sharing an entry-point name (each loaded): {names}",
        "doctor.plugin_broken": "the plugin {dist} {version} failed (what it adds is left out): {failures}",
        "doctor.plugin_broken_fix": "Update or remove {dist} (or add {dist} to the manifest's [plugins] block).",
        # --- issue 32: tomllib's syntax errors in the user's language (hostapp_stub.manifest._parse) ---
        "manifest.toml.expected_equals": "expected '=' after a key",
        "manifest.toml.unclosed_table": "the table header is not closed with ']'",
        "manifest.toml.unclosed_array_table": "the array-of-tables header is not closed with ']]'",
        "manifest.toml.invalid_value": 'invalid value (a string is written in "...", true/false in lower case)',
        "manifest.toml.unterminated_string": "the string is not closed (its last quote is missing)",
        "manifest.toml.unclosed_array": "the array is not closed with ']'",
        "manifest.toml.unclosed_inline_table": "the inline table is not closed with '}'",
        "manifest.toml.twice": "the same key or table is given twice",
        "manifest.toml.invalid_statement": "not a TOML line",
        "manifest.toml.illegal_character": "a character that is not allowed here",
        # --- end issue 32 ---
        # --- issue 28: accessible names and descriptions of the window ---
        "window.a11y.language": "Chooses the language of the window.",
        "window.a11y.refresh": "Reads the plugins' status again now.",
        "window.a11y.support": "Runs the checks and copies the result to the clipboard for the helpdesk.",
        "window.a11y.quit": "Closes the window.",
        "window.a11y.report": "The checks' result",
        # --- end issue 28 ---
        # --- issue 26: the system file's place, nesting, what the system file's [plugins] and [audit] hold ---
        "manifest.system_place": (
            "{path}: cannot tell whether the system manifest is there ({folder}: {error}). Every command stops "
            "until it can, so that the administrator's settings are never dropped."
        ),
        "manifest.system_place_fix.posix": "As an administrator: sudo chmod a+rx {folder}",
        "manifest.system_place_fix.posix_other": "As an administrator, check {folder} (a link loop or a disk error).",
        "manifest.system_place_fix.windows": 'As an administrator: icacls "{folder}" /grant *S-1-5-32-545:(RX)',
        "manifest.system_place_fix.windows_other": "As an administrator, check {folder} (a link loop or a disk error).",
        "manifest.system_file_fix.posix": "As an administrator: sudo chmod a+r {path}",
        "manifest.system_file_fix.windows": 'As an administrator: icacls "{path}" /grant *S-1-5-32-545:(R)',
        "manifest.too_deep": "{path}: tables or arrays nested too deep (at most {limit} levels): not a manifest.",
        "manifest.held_audit": "the system manifest {system} sets the audit log, which a user file may not switch off, move or shrink: this value is ignored.",
        "manifest.plugins_narrow_only": "cannot allow plugins the system manifest does not allow ({names}): ignored (a user file may only remove allowed plugins and add blocked ones).",
        # --- end issue 26 ---
        # issue 25: output that could not be written, said on the other stream
        "output.lost_stdout": "Could not write to standard output ({error}). What could not be shown:",
        "output.lost_stderr": "Could not write to standard error ({error}). What could not be shown:",
    },
}


def text(key: str, lang: str, /, **params: object) -> str:
    """The text for ``key`` in ``lang``; where ``count`` or ``left`` is 1 and the language has a singular form
    (``KEY.one``, English only: Japanese has no plural), that form."""
    catalog = _MESSAGES[lang]
    template = catalog.get(f"{key}.one") if 1 in (params.get("count"), params.get("left")) else None
    template = template or catalog[key]
    return template.format(**params) if params else template
