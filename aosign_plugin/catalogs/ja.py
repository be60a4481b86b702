"""Japanese texts. 「」 quotes the issuer's FAQ (seed-faq-ja.txt) verbatim where it has the wording."""

MESSAGES: dict[str, str] = {
    # --- policy (aosign_plugin.service.policy) ---
    "policy.empty": (
        "PIN(暗証番号)が入力されていません。"
        "半角英数字{min_length}桁以上、{max_length}桁以内になるよう入力してください。"
    ),
    "policy.too_short": (
        "PIN(暗証番号)の桁数が足りません。半角英数字{min_length}桁以上、{max_length}桁以内になるよう入力してください。"
    ),
    "policy.too_long": (
        "PIN(暗証番号)の桁数が多すぎます。半角英数字{min_length}桁以上、{max_length}桁以内になるよう入力してください。"
    ),
    "policy.full_width": (
        "全角文字(例:１２３４、ＡＢＣ、全角スペース)は使えません。"
        "日本語入力をオフにして、半角英数字で入力してください。"
    ),
    "policy.space": "空白(スペース)は使えません。空白を取り除いて、半角英数字だけで入力してください。",
    "policy.symbol": "記号(例:- _ @ ! #)は使えません。英字(A-Z、a-z)と数字(0-9)だけで入力してください。",
    "policy.non_ascii": (
        "半角英数字以外の文字(例:ひらがな、漢字、é などのアクセント付きの文字)は使えません。"
        "英字(A-Z、a-z)と数字(0-9)だけで入力してください。"
    ),
    "policy.control": ("制御文字(タブ、改行など)は使えません。取り除いて、半角英数字だけで入力してください。"),
    "policy.repeated": ("すべて同じ文字列(例:111111、aaaa)は認められません。2種類以上の文字を組み合わせてください。"),
    "policy.date": (
        "日付(生年月日など)と読めるPIN(暗証番号)は使えません。"
        "他人に類推されやすいもの(例:生年月日、電話番号)は避けてください。"
    ),
    "policy.phone": (
        "電話番号と読めるPIN(暗証番号)は使えません。他人に類推されやすいもの(例:生年月日、電話番号)は避けてください。"
    ),
    "policy.sequence": (
        "連続した数字や文字、一定の間隔で並んだ数字や文字(例:1234、abcd、9876、13579)と、"
        "それに1文字を付け足しただけのもの(例:H01234)は推測されやすいため使えません。"
        "覚えやすく、かつ他人からは推測されにくいPIN(暗証番号)にしてください。"
    ),
    "policy.same_as_current": (
        "新しいPIN(暗証番号)が現在のPIN(暗証番号)と同じです。現在とは異なるPIN(暗証番号)を入力してください。"
    ),
    "policy.mismatch": (
        "確認のために入力したPIN(暗証番号)が新しいPIN(暗証番号)と一致しません。"
        "同じPIN(暗証番号)をもう一度入力してください。"
    ),
    "policy.warn.date": (
        "このPIN(暗証番号)は日付(生年月日など)と読めます。"
        "他人に類推されやすいもの(例:生年月日、電話番号)は避けてください。"
        "このまま設定することもできますが、変更をおすすめします。"
    ),
    "policy.warn.phone": (
        "このPIN(暗証番号)は電話番号と読めます。"
        "他人に類推されやすいもの(例:生年月日、電話番号)は避けてください。"
        "このまま設定することもできますが、変更をおすすめします。"
    ),
    "policy.warn.sequence": (
        "このPIN(暗証番号)は連続した数字や文字、一定の間隔で並んだ数字や文字(例:1234、abcd、9876、13579)"
        "か、それに1文字を付け足しただけのもの(例:H01234)で、推測されやすくなっています。"
        "このまま設定することもできますが、"
        "覚えやすく、かつ他人からは推測されにくいPIN(暗証番号)に変更されることをおすすめします。"
    ),
    "policy.date_order": (
        "日付(生年月日など)を日・月・年や月・日・年の順に並べたもの(例:04121985、120485)は使えません。"
        "他人に類推されやすいもの(例:生年月日、電話番号)は避けてください。"
    ),
    "policy.era_date": (
        "和暦の日付(例:昭和60年4月12日のS600412や600412、平成・令和の日付)と読めるPIN(暗証番号)は使えません。"
        "他人に類推されやすいもの(例:生年月日、電話番号)は避けてください。"
    ),
    "policy.year": (
        "西暦の年だけ(例:1985、2000)のPIN(暗証番号)は推測されやすいため使えません。"
        "他人に類推されやすいもの(例:生年月日、電話番号)は避けてください。"
    ),
    "policy.repeated_block": (
        "同じ並びの繰り返し(例:123123、abcabc)は推測されやすいため使えません。"
        "覚えやすく、かつ他人からは推測されにくいPIN(暗証番号)にしてください。"
    ),
    "policy.common": (
        "よく使われるパスワード(例:password、qwerty、abc123)は真っ先に試されるため使えません。"
        "覚えやすく、かつ他人からは推測されにくいPIN(暗証番号)にしてください。"
    ),
    "policy.near_repeat": (
        "ほとんど同じ文字ばかりのPIN(暗証番号)(例:aaaaab、1111121)は推測されやすいため使えません。"
        "いろいろな文字を組み合わせてください。"
    ),
    "policy.same_as_code": (
        "新しいPIN(暗証番号)が、「PIN(暗証番号)について」に記載されているロック解除用のPIN(暗証番号)と同じです。"
        "ロック解除用のPIN(暗証番号)とは区別して、異なるPIN(暗証番号)を設定してください。"
    ),
    "policy.warn.date_order": (
        "このPIN(暗証番号)は日付(生年月日など)を並べ替えたものと読めます。"
        "他人に類推されやすいもの(例:生年月日、電話番号)は避けてください。"
        "このまま設定することもできますが、変更をおすすめします。"
    ),
    "policy.warn.era_date": (
        "このPIN(暗証番号)は和暦(昭和・平成・令和)の日付と読めます。"
        "他人に類推されやすいもの(例:生年月日、電話番号)は避けてください。"
        "このまま設定することもできますが、変更をおすすめします。"
    ),
    "policy.warn.year": (
        "このPIN(暗証番号)は西暦の年だけで、推測されやすくなっています。"
        "このまま設定することもできますが、変更をおすすめします。"
    ),
    "policy.warn.repeated_block": (
        "このPIN(暗証番号)は同じ並びの繰り返し(例:123123、abcabc)で、推測されやすくなっています。"
        "このまま設定することもできますが、変更をおすすめします。"
    ),
    "policy.warn.common": (
        "このPIN(暗証番号)はよく使われるパスワード(例:password、qwerty)で、真っ先に試されます。"
        "このまま設定することもできますが、変更をおすすめします。"
    ),
    "policy.warn.near_repeat": (
        "このPIN(暗証番号)はほとんど同じ文字ばかり(例:aaaaab)で、推測されやすくなっています。"
        "このまま設定することもできますが、変更をおすすめします。"
    ),
    "policy.field.current_pin": "現在のPIN(暗証番号)",
    "policy.field.unblock_code": "「PIN(暗証番号)について」に記載のPIN(暗証番号)",
    "policy.field.new_pin": "新しいPIN(暗証番号)",
    "policy.field.confirm": "確認用の新しいPIN(暗証番号)",
    # --- end policy ---
    # --- host menu entries and options (aosign_plugin.frontends.hooks) ---
    "entry.status": "カードの状態を表示",
    "entry.change_pin": "PIN(暗証番号)の変更",
    "entry.unlock": "ICカードのロック解除(PIN(暗証番号)のリセット)",
    "option.show_input": "入力内容を表示する",
    "option.json": "JSONで出力します",
    "option.quiet": "何も表示せず、終了コードだけで状態を返します(0: 署名できます、4: ロック、5: 使用不可、6: カードなし、10: 証明書が有効期間外のため署名できません)",
    "audit.failed": "監査ログを書き込めませんでした(操作の結果は上のとおりです): {detail}",
    "option.final_try": "ロック解除の最後の1回、または残り回数をカードが返さない1回を使うことに同意します(標準入力が端末でないとき)",
    # --- prompts (aosign_plugin.service.pin_service) ---
    "panel.card": "カードの状態",
    "prompt.current_pin": "現在のPIN(暗証番号)",
    "prompt.new_pin": "新しいPIN(暗証番号)",
    "prompt.confirm": "新しいPIN(暗証番号)(確認のため再度入力)",
    "prompt.unblock_code": "「PIN(暗証番号)について」に記載のPIN(暗証番号)",
    # --- status (aosign_plugin.frontends.terminal_view) ---
    "status.card": "カード: {reader}({backend})",
    "status.state": "状態: {state}",
    "status.pin": "PIN(暗証番号)の残り回数: {tries}",
    "status.unblock": "ロック解除の残り回数: {tries}",
    "status.tries": "{left} / {max} 回",
    "status.tries_nomax": "{left} 回(最大回数はカードが示していません)",
    "status.tries_unknown": "不明(回数を消費せずには読めません)",
    "status.tries_low": "残りわずか(正確な回数は不明)",
    "status.tries_final": "残り1回",
    "state.no_lock_reported": "モジュールはロックを報告していません(モジュールからは残り回数が分かりません)",
    "status.source.card": "(カードから読み取り)",
    "status.source.module": "(PKCS#11モジュールの表示)",
    "status.counters_from_module": "カードの残り回数を直接読めなかったため、PKCS#11モジュールの表示で判断します。({detail})",
    "state.ready": "使用できます",
    "state.locked": "ロックしています",
    "state.dead": "使用できません(失効および発行の申込が必要です)",
    # --- advice ---
    "advice.reset_recommended": (
        "PIN(暗証番号)の誤入力が続いています(残り{left}回)。"
        "誤入力が2~3回になった時点で、PIN(暗証番号)のリセットをおすすめします。"
        "「PIN(暗証番号)について」をご用意のうえ、aosign-host unlock でリセットできます。"
    ),
    "advice.pin_final_try": (
        "次が最後の1回です(残り{left}回)。PIN(暗証番号)を誤入力すると、AOSignICカードはロックされます。"
    ),
    "advice.unlock": (
        "ロックした場合、「AOSignICカードのロック解除」が必要となります。"
        "「PIN(暗証番号)について」をご用意のうえ、aosign-host unlock を実行してください。"
    ),
    "advice.unblock_low": (
        "ロック解除の残り回数は{left}回です。すべて誤入力するとAOSignICカードは使用できなくなり、"
        "AOSignICカードの失効および、発行の申込が必要となりますので注意してください。"
    ),
    "advice.revoke": (
        "このAOSignICカードは使用できません。速やかに失効手続を行い、"
        "また新たにAOSignICカードの発行申込を行ってください。"
    ),
    # --- results and errors ---
    "change.done": "以上で、PIN(暗証番号)の変更は完了です。",
    "unlock.done": "PIN(暗証番号)をリセットしました。ICカードのロックは解除されています。新しいPIN(暗証番号)をご利用ください。",
    "unlock.intro": (
        "ロック解除には、AOSignICカード発行時にお渡しした「PIN(暗証番号)について」に記載のPIN(暗証番号)が必要です"
        "(変更後のPIN(暗証番号)ではありません)。"
        "「PIN(暗証番号)について」を紛失されている場合、当社ではPIN(暗証番号)を保管することができないため、"
        "該当のAOSignICカードは以降利用することができなくなります(失効手続と新規申込が必要です)。"
    ),
    "unlock.final_try": (
        "ロック解除の残りは1回です。誤入力するとAOSignICカードは使用できなくなり、"
        "失効および発行の申込が必要となります。最後の1回を使いますか?"
    ),
    "unlock.one_try_left": (
        "ロック解除の残りは1回です。誤入力するとAOSignICカードは使用できなくなり、失効および発行の申込が必要となります。"
    ),
    "unlock.final_try_acknowledged": (
        "ロック解除の最後の1回を使います(--final-try 指定)。誤入力するとAOSignICカードは使用できなくなり、"
        "失効および発行の申込が必要となります。"
    ),
    "unlock.not_confirmed_asked": "ロック解除の最後の1回は使いませんでした。",
    "unlock.not_confirmed": (
        "ロック解除の最後の1回には明示的な同意が必要です。標準入力が端末ではないため、使う場合は --final-try を指定してください。"
    ),
    "pin.incorrect": "PIN(暗証番号)が不正です。",
    "pin.tries_left": "残り{left}回入力できます。PIN(暗証番号)を連続して10回誤入力した場合、ロックした状態となります。",
    "pin.tries_unknown": "残り回数はカードから読めませんでした。",
    "pin.locked": "PIN(暗証番号)の変更に失敗しました。ICカードはロックされています。",
    "pin.locked_howto": (
        "ロックした場合、「AOSignICカードのロック解除」が必要となります。"
        "「PIN(暗証番号)について」をご用意のうえ、aosign-host unlock を実行してください。"
    ),
    "code.incorrect": "「PIN(暗証番号)について」に記載のPIN(暗証番号)が不正です。",
    "code.tries_left": (
        "ロック解除はあと{left}回試せます。すべて誤入力するとAOSignICカードは使用できなくなり、"
        "失効および発行の申込が必要となります。"
    ),
    "code.tries_unknown": "ロック解除の残り回数は読めませんでした。ロック解除の操作において、PIN(暗証番号)を連続して10回誤入力した場合は使用できなくなりますので注意してください。",
    "card.dead": "ロック解除の操作において連続して10回誤入力したため、AOSignICカードは使用できなくなりました。",
    "card.dead_howto": (
        "AOSignICカードの失効および、発行の申込が必要となります。"
        "速やかに失効手続を行い、また新たにAOSignICカードの発行申込(新規申込)を行ってください。"
    ),
    "card.refused_input": "カードが新しいPIN(暗証番号)を受け付けませんでした。残り回数は減っていません。",
    "card.state_changed": "表示した後にカードの残り回数が変わりました。aosign-host status で確認してからやり直してください。",
    "cancelled": "中止しました。カードには何も送っていません。",
    "option.no_wait": "カードがないときに待たず、すぐに終了します(終了コード 6)",
    "wait.no_card": "ICカードリーダにAOSignICカードを挿入してください。挿入されるまで待っています。",
    "wait.no_reader": "ICカードリーダの接続を待っています。ICカードリーダをパソコンに接続してください。",
    "wait.no_service": "スマートカードサービス(PC/SC)の起動を待っています。",
    "wait.no_sim_card": "模擬カードの発行を待っています。",
    "wait.no_token": "AOSignICカードのトークンを待っています。ICカードリーダにカードを挿入してください。",
    "wait.cli_hint": "(Ctrl-C で中止します)",
    "card.changed": "表示した状態のあとで、ICカードリーダのカードが別のカードに替わりました。挿入されているカードの状態を aosign-host status で確認してから、もう一度実行してください。",
    "gui.card.changed": "表示した状態のあとで、ICカードリーダのカードが別のカードに替わりました。いま挿入されているカードの状態を表示し直しました。確認してから、もう一度入力してください。",
    "nothing_sent": "カードには何も送っていません(残り回数は減っていません)。",
    "no_answer": "入力がありません。",
    "unavailable.no_service": "スマートカードのサービス(PC/SC)が動いていません。({detail})",
    "unavailable.no_reader": "ICカードリーダが見つかりません。ICカードリーダをパソコンに接続してください。(ICカードリーダ: {detail})",
    "unavailable.no_card": "ICカードリーダにAOSignICカードが挿入されていません。(ICカードリーダ: {detail})",
    "unavailable.several_cards": (
        "複数のICカードリーダにカードが挿入されています: {detail}。"
        "使うリーダをマニフェストの [pcsc] reader で指定するか、カードを1枚だけ挿入してください。"
    ),
    "unavailable.card_gone": (
        "操作中にカードとの通信が途切れました。aosign-host status でカードの状態を確認してください。({detail})"
    ),
    "unavailable.no_sim_card": "模擬カードがまだ発行されていません。({detail})",
    "unavailable.sim_state_corrupt": (
        "模擬カードの状態ファイルが壊れています(途中で切れている、またはカードの状態ではありません): {detail}。"
    ),
    "unavailable.sim_state_invalid": "模擬カードの状態ファイルに、カードにありえない値があります: {detail}。",
    "unavailable.sim_state_unreadable": (
        "模擬カードの状態ファイルを読めません: {detail}。ファイルの権限(所有者が読み書きできること)を確認してください。"
    ),
    "unavailable.sim_state_symlink": (
        "模擬カードの状態ファイルがシンボリックリンクになっています: {detail}。"
        "模擬カードは状態を通常のファイルにだけ保存します。リンクを削除するか、"
        "マニフェストの [sim] state にファイルそのものを指定してください。"
    ),
    "unavailable.sim_state_unwritable": (
        "模擬カードの状態を保存できませんでした: {detail}。"
        "ディスクの空きとフォルダの書き込み権限を確認してから、aosign-host status でカードの状態を確認してください。"
    ),
    "unavailable.sim_log_unwritable": (
        "模擬カードのAPDUログ(マニフェストの [sim] log)に書き込めません: {detail}。"
        "ディスクの空きと権限を確認するか、[sim] log を外してください。"
        "書き込めなかった操作の結果は aosign-host status で確認してください。"
    ),
    "unavailable.sim_log_corrupt": (
        "模擬カードのAPDUログ(マニフェストの [sim] log)がこのログの形式ではありません: {detail}。"
        "別のファイルを指定するか、[sim] log を外してください。"
    ),
    "unavailable.no_card_auto": (
        "AOSignICカードが見つかりません。ICカードリーダにAOSignICカードを挿入するか、"
        "模擬カードを発行してください。({detail})"
    ),
    "unavailable.several_aosign_cards": (
        "AOSignICカードが入ったICカードリーダが複数あります: {detail}。"
        "使うリーダをマニフェストの [pcsc] reader で指定するか、カードを1枚だけにしてください。"
    ),
    "unavailable.protocol": "カードが想定外の応答をしました: {detail}。マニフェストの [card] の設定を確認してください。",
    "unavailable.module": "PKCS#11モジュールを使えません: {detail}",
    "unavailable.card_in_use": (
        "ほかのアプリケーションがICカードを使用中です。そのアプリケーションの処理が終わるまで待つか、"
        "アプリケーションを閉じてから、もう一度お試しください。({detail})"
    ),
    "unavailable.card_reset": (
        "操作中にほかのアプリケーションがICカードをリセットしました。aosign-host status で残り回数を確認してから、"
        "必要ならもう一度お試しください。({detail})"
    ),
    "unavailable.module_bitness": (
        "PKCS#11モジュールを読み込めません: {detail} はこのPythonとビット数が異なります"
        "(64ビットのPythonに32ビットのモジュールは読み込めず、その逆もできません)。"
        "このPythonと同じビット数のモジュールをベンダーから入手してインストールし、マニフェストの [pkcs11] module.windows に指定してください。"
    ),
    "unavailable.module_arch": (
        "PKCS#11モジュールを読み込めません: {detail} はこのPythonと異なるプロセッサ向けです"
        "(Appleシリコンのarm64版Pythonにx86_64専用のモジュールは読み込めません)。"
        "このプロセッサ向け(arm64版またはユニバーサル版)のモジュールをインストールし、マニフェストの [pkcs11] module に指定してください。"
    ),
    "unavailable.module_quarantine": (
        "macOSがPKCS#11モジュール {detail} の読み込みを拒否しました。ダウンロードしたファイルの隔離属性"
        "(com.apple.quarantine)が付いたままです。ベンダーのインストーラでインストールしてください。"
        "入手元が信頼できる場合は xattr -d com.apple.quarantine <ファイル> で属性を外すこともできます。"
    ),
    "unavailable.module_dependency": (
        "PKCS#11モジュール {detail} が必要とする別のDLLが見つかりません(エラー126)。"
        "モジュールのフォルダとシステムのフォルダを探しました。ベンダーのソフトウェアを入れ直してください。"
    ),
    # --- manifest problems (aosign_plugin.service.settings) ---
    "manifest.not_a_table": "テーブル([...])で指定してください。",
    "manifest.unknown_key": "不明なキーです。使えるキー: {allowed}",
    "manifest.one_of": "次のいずれかを指定してください: {allowed}",
    "manifest.want_int": "{low}から{high}までの整数を指定してください。",
    "manifest.out_of_range": "{low}から{high}までの値を指定してください。",
    "manifest.want_str": "空でない文字列を指定してください。",
    "manifest.bad_path": "パスにNUL文字は使えません。",
    "manifest.path_not_absolute": "絶対パスで指定してください(マニフェストのファイルの場所を基準にする相対パスは、aosign-host が絶対パスにしてから渡します)。",
    "audit.shared_missing": "{path} はすべてのユーザーが使う1つのファイルですが、まだありません。最初に書いたユーザーだけが書き込める権限(0600)で作られます。パスに {{user}} を入れてユーザーごとのファイルにするか、全員が書き込めるファイルを先に作ってください。",
    "audit.shared_file": "{path} はすべてのユーザーが使う1つのファイルですが、所有者しか書き込めません。パスに {{user}} を入れてユーザーごとのファイルにしてください。",
    "audit.folder_missing": "ユーザーごとの監査ログを作るフォルダ {folder} がありません。全員がファイルを作れるフォルダ(例: chmod 1777)を作ってください。",
    "audit.folder_shared": "フォルダ {folder} には所有者しかファイルを作れないため、ほかのユーザーの監査ログを作れません。全員がファイルを作れるようにしてください(例: chmod 1777)。",
    "audit.not_writable": "{path} にはこのユーザーが書き込めません。",
    "manifest.no_home": "~ で始まるパスのユーザーのホームフォルダが見つかりません。",
    "manifest.p11kit_name": 'モジュール設定の名前(英数字と . _ - だけ)を指定してください(例: "opensc")。',
    "manifest.want_bool": "true または false を指定してください。",
    "manifest.loosens": "カードの規則({low}~{high}文字)を緩める値は指定できません。ポリシーは規則を厳しくすることだけができます。",
    "manifest.min_over_max": "min_length が max_length より大きくなっています。",
    "manifest.bad_aid": '5~16バイトを表す16進数の文字列を指定してください(例: "A0000006474F5349474E")。',
    "manifest.bad_pad_to": "0(パディングなし)または{high}以上を指定してください。",
    "manifest.same_refs": "pin_ref と unblock_ref には異なる値を指定してください。",
    "manifest.module_table": "OSごとに指定してください(module.linux など: {allowed})。",
    "manifest.module_absolute": "絶対パスを指定してください。",
    "manifest.token_uri": '"pkcs11:" で始まる RFC 7512 のURIを指定してください。',
    "manifest.token_uri_invalid": "RFC 7512 のURIとして使えません: {detail}",
    "unavailable.no_token": "PKCS#11モジュールにAOSignICカードのトークンが見つかりません。ICカードリーダにカードが挿入されているか確認してください。({detail})",
    "unavailable.several_tokens": "条件に合うトークンが複数あります: {detail}。マニフェストの [pkcs11] token でラベルやシリアル番号を指定してください。",
    "pinpad.enter_on_reader": "ICカードリーダのPINパッドでPIN(暗証番号)を入力してください(この場合、PINの規則はカード側で確認されます)。",
    "advice.reset_recommended.nocount": "PIN(暗証番号)の誤入力が続いています(残りわずか)。誤入力が2~3回になった時点で、PIN(暗証番号)のリセットをおすすめします。「PIN(暗証番号)について」をご用意のうえ、aosign-host unlock でリセットできます。",
    "advice.unblock_low.nocount": "ロック解除の残り回数がわずかです。すべて誤入力するとAOSignICカードは使用できなくなり、AOSignICカードの失効および、発行の申込が必要となりますので注意してください。",
    "manifest.bad_sha256": "SHA-256の16進数64文字で指定してください。",
    "manifest.p11kit_unknown": "p11-kitのモジュール設定 {name}.module が見つかりません。",
    "manifest.module_relative": "{path}: 絶対パスを指定してください。",
    "manifest.module_missing": "{path}: ファイルがありません。",
    "manifest.module_not_a_file": "{path}: 通常のファイルではありません。",
    "manifest.module_writable": "{path}: 所有者以外(グループまたは他のユーザー)が書き込めるため、PKCS#11モジュールを読み込めません。書き込み権限を外してください。",
    "manifest.module_owner": "{path}: root でも利用者本人でもないアカウントの所有のため、PKCS#11モジュールを読み込めません。",
    "manifest.module_digest": "{path}: ファイルのSHA-256がマニフェストの値と一致しません。モジュールが差し替えられていないか確認してください。",
    # --- issue 28: the window as office staff read it ---
    "status.card_sim": "カード: 模擬カード(試用・テスト用のAOSignICカード)",
    "status.sim_name": "模擬カード",
    "status.certificate_issuer": "発行者: {issuer}、証明書のシリアル番号: {serial}",
    "cert_label.signing": "署名用電子証明書",
    "gui.state.ready": "使用できます",
    "gui.state.warn": "使用できます(ご注意ください)",
    "gui.state.locked": "ロックしています",
    "gui.state.dead": "使用できません",
    "gui.state.unknown": "カードを読み取れません",
    "gui.tries.pin": "PIN(暗証番号)の残り回数",
    "gui.tries.unblock": "ロック解除の残り回数",
    "gui.tries.value_nomax": "{left} 回",
    "gui.tries.unknown": "不明",
    "gui.a11y.status": "カードの状態",
    "gui.a11y.state_description": "カードの状態と残り回数。回数が変わると読み上げます。",
    "gui.a11y.advice": "おすすめする操作",
    "gui.a11y.message": "操作の結果",
    "gui.a11y.feedback": "入力内容の確認結果",
    "gui.a11y.show_input": "チェックを入れると、入力したPIN(暗証番号)が画面に表示されます。",
    "gui.a11y.final_try": "チェックを入れると、ロック解除の最後の1回を使う[OK]が押せるようになります。",
    "gui.a11y.ok": "入力したPIN(暗証番号)をカードに1回だけ送ります。",
    "gui.a11y.cancel": "何もカードに送らずに閉じます。",
    "gui.a11y.reload": "カードの状態を読み直します(残り回数は減りません)。",
    "gui.a11y.to_unlock": "このダイアログを閉じて、ロック解除のダイアログを開きます。",
    "gui.a11y.lost_sheet": "「PIN(暗証番号)について」を紛失した場合の手続を表示します。",
    "gui.a11y.field": "入力した文字は伏せて表示されます。",
    # --- end issue 28 ---
    # --- gui (aosign_plugin.frontends.gui) ---
    "gui.status.heading": "カードの状態",
    "gui.change.intro": (
        "今回初めてPIN(暗証番号)を変更される場合は、AOSignICカード発行時にお渡しした「PIN(暗証番号)について」に記載のPIN(暗証番号)を入力してください。"
        "PINを変更済みの場合は、ICカードリーダに挿入しているAOSignICカードのPINを入力してください。"
    ),
    "gui.show_input": "入力内容を表示する",
    "gui.final_try.agree": "ロック解除の最後の1回を使うことに同意します",
    "gui.lost_sheet.heading": "「PIN(暗証番号)について」を紛失した場合",
    "gui.lost_sheet.text": (
        "「PIN(暗証番号)について」を紛失されている場合、当社ではPIN(暗証番号)を保管することができないため、"
        "該当のAOSignICカードは以降利用することができなくなります。"
        "速やかに失効手続を行い、また新たにAOSignICカードの発行申込を行ってください。"
        "ただし、失効手続が完了後、「PIN(暗証番号)について」を発見されても失効済のAOSignICカードはご利用できません。"
        "そのため、紛失確定してからのお手続をおすすめします。"
    ),
    "gui.reload": "カードを読み直す",
    "gui.ok": "OK",
    "gui.cancel": "キャンセル",
    "gui.close": "閉じる",
    "gui.dead.title": "このAOSignICカードは使用できません",
    "gui.dead.steps": (
        "ロック解除の操作において、PIN(暗証番号)を連続して10回誤入力した場合は使用できなくなり、"
        "AOSignICカードの失効および、発行の申込が必要となります。次の手続を行ってください。"
    ),
    "gui.dead.revoke": "1. 失効手続: 速やかにこのAOSignICカードの失効手続を行ってください(失効申込手続をご確認ください)。",
    "gui.dead.apply": "2. 新規申込: 新たにAOSignICカードの発行申込を行ってください(新規申込手続をご確認ください)。",
    "gui.dead.no_operation": "このAOSignICカードでは、PIN(暗証番号)の変更もロック解除もできません。",
    "gui.hint.new_pin": (
        "半角英数字{min_length}桁以上、{max_length}桁以内になるよう入力してください。"
        "他人に類推されやすいもの(例:生年月日、電話番号)は避けてください。"
        "すべて同じ文字列(例:111111)は認められません。"
    ),
    "gui.feedback.usable": "このPIN(暗証番号)は使用できます。",
    "gui.feedback.match": "新しいPIN(暗証番号)と一致しています。",
    "gui.wrong.check_input": "[入力内容を表示する]にチェックを入れて、PIN(暗証番号)に誤りがないかご確認ください。",
    "gui.locked_howto": (
        "ロックした場合、「AOSignICカードのロック解除」が必要となります。"
        "「PIN(暗証番号)について」をご用意のうえ、[ICカードのロック解除(PIN(暗証番号)のリセット)]をクリックしてください。"
    ),
    "gui.advice.reset_recommended": (
        "PIN(暗証番号)の誤入力が続いています(残り{left}回)。"
        "誤入力が2~3回になった時点で、PIN(暗証番号)のリセットをおすすめします。"
        "「PIN(暗証番号)について」をご用意のうえ、[ICカードのロック解除(PIN(暗証番号)のリセット)]からリセットできます。"
    ),
    "gui.card.state_changed": (
        "表示した後にカードの残り回数が変わりました(ほかのアプリケーションがカードを使った可能性があります)。"
        "表示を更新しましたので、残り回数を確認してから、もう一度入力してください。"
    ),
    "gui.unlock.not_confirmed": (
        "ロック解除の最後の1回には明示的な同意が必要です。同意する場合はチェックを入れてから[OK]をクリックしてください。"
    ),
    "gui.unavailable.card_gone": (
        "操作中にカードとの通信が途切れました。ICカードリーダにAOSignICカードを挿入し直し、"
        "[カードを読み直す]をクリックしてください。({detail})"
    ),
    "gui.unavailable.card_reset": (
        "操作中にほかのアプリケーションがICカードをリセットしました。[カードを読み直す]をクリックして残り回数を確認してから、"
        "必要ならもう一度お試しください。({detail})"
    ),
    # --- end gui ---
    # --- pyhanko (aosign_plugin.frontends.pyhanko_signer) ---
    "pyhanko.help": "AOSignICカードで署名します(カードの状態を確かめてから、PIN(暗証番号)を1回だけお尋ねします)",
    "pyhanko.unavailable": "python-pkcs11 が必要です: pip install 'aosign-plugin[pyhanko]'",
    "pyhanko.opt.manifest": "マニフェストのパス(省略時は aosign-host と同じ場所を探します)",
    "pyhanko.opt.lib": "PKCS#11モジュールのパス(マニフェストの [pkcs11] module より優先)",
    "pyhanko.opt.token_label": "トークンのラベル(マニフェストの [pkcs11] token より優先)",
    "pyhanko.opt.slot_no": "スロット番号(マニフェストの [pkcs11] token より優先)",
    "pyhanko.opt.cert_label": "署名に使う証明書のラベル",
    "pyhanko.opt.cert_id": "署名に使う証明書のID(16進数)",
    "pyhanko.opt.key_label": "署名に使う秘密鍵のラベル(省略時は証明書のラベル)",
    "pyhanko.opt.key_id": "署名に使う秘密鍵のID(16進数)",
    "pyhanko.opt.other_cert": "トークンから取り出して署名に含めるCA証明書のラベル(複数指定できます)",
    "pyhanko.opt.other_cert_file": "署名に含めるCA証明書のファイル(PEMまたはDER、複数指定できます)",
    "pyhanko.opt.raw_mechanism": "ハッシュをこちらで計算し、トークンには生の署名だけを求めます(ECDSA)",
    "pyhanko.opt.final_try": "PIN(暗証番号)の入力が残り1回のとき、その最後の1回を使うことに同意します",
    "pyhanko.opt.lang": "表示の言語(ja または en)",
    "pyhanko.prompt": "PIN(暗証番号)",
    "pyhanko.locked": "AOSignICカードはロックした状態のため、署名できません。PIN(暗証番号)はお尋ねしていません(カードには何も送っていません)。",
    "pyhanko.locked_at_login": "AOSignICカードはロックした状態のため、PIN(暗証番号)を受け付けませんでした(残り回数は減っていません)。署名はしていません。",
    "pyhanko.locked_now": "PIN(暗証番号)を連続して10回誤入力したため、AOSignICカードはロックした状態となりました。署名はしていません。",
    "pyhanko.final_try_refused": "署名を中止しました。最後の1回を使って署名する場合は、--final-try を指定してもう一度実行してください。",
    "pyhanko.need_cert": "署名に使う証明書か鍵を、--cert-label、--cert-id、--key-label、--key-id のいずれかで指定してください。",
    "pyhanko.bad_id": "{option} にはIDを16進数で指定してください(例: 01、0a:1b)。",
    "pyhanko.bad_cert_file": "証明書ファイルを読めません: {detail}",
    "pyhanko.option_locked": "{option} は使えません。管理者のマニフェスト {path} が {key} を固定しています。",
    "pyhanko.objects": "トークンに署名用の鍵または証明書が見つかりません: {detail}",
    # --- end pyhanko ---
    "advice.certificate_expiring": "電子証明書({subject})の有効期限まであと{days}日です({not_after}まで)。有効期限が切れるとこのICカードでは署名できなくなります。早めに更新の申込を行ってください。",
    "advice.certificate_expired": "電子証明書({subject})の有効期限が切れています({not_after}まで)。このICカードでは署名できません。更新の申込を行ってください。",
    "status.serial": "シリアル番号: {serial}",
    "status.certificate": "電子証明書: {subject}({label})",
    "status.certificate_validity": "有効期間: {not_before}から{not_after}まで(残り{days}日): {state}",
    "status.certificate_unreadable": "電子証明書 [{label}]: 読み取れません({reason})",
    "status.no_certificates": "電子証明書: なし",
    "cert_state.valid": "有効",
    "cert_state.expiring": "まもなく有効期限切れ",
    "cert_state.expired": "有効期限切れ",
    "cert_state.not_yet_valid": "有効期間の開始前",
    "cert_reason.not_found": "カードの証明書ディレクトリが存在しないファイルを指しています",
    "cert_reason.unreadable": "カードが読み取りを拒否しました",
    "cert_reason.malformed": "証明書のデータが壊れているか、証明書ではありません",
    "cert_reason.directory": "カードの証明書ディレクトリが壊れています",
    "cert_reason.too_many": "証明書が多すぎるため、これ以降は読み取っていません",
    "manifest.certificate_paths": 'ファイルパスの一覧(最大{high}個)を指定してください。各パスはMFからの4桁16進数のファイルIDの並びです(例: "3F00/5015/4331")。',
    "pyhanko.certificate_expired": "有効期限の切れた電子証明書では署名しません。PIN(暗証番号)は入力されず、カードには何も送信していません。",
    # --- aosign-sim (aosign_plugin.simcard.sim_cli) ---
    "sim.no_card": "模擬カードがまだ発行されていません({path})。",
    "sim.replace_broken": "このカードを新しいカードに置き換えるには: {command}(古いカードの「PIN(暗証番号)について」は使えなくなります)",
    "sim.kept": "{path} のカードは発行済みです。そのまま使います(「PIN(暗証番号)について」は発行したときに表示されています)。",
    "sim.exists": "{path} にはカードが発行済みです。置き換えるには --force を付けてください(そのカードの「PIN(暗証番号)について」は使えなくなります)。",
    "sim.stdin_terminal": "--from-stdin はパイプから読みます。端末からは読みません。",
    "sim.stdin_empty": "--from-stdin には、初期PIN(暗証番号)を1行、続けて必要ならロック解除用のPIN(暗証番号)を1行、渡してください。",
    "sim.refused_values": "カードが受け付けない値です: 半角英数字4桁以上16桁以内で、すべて同じ文字ではないものにしてください。",
    "sim.too_wide": "カードの{pad_to}バイトの欄に収まりません。",
    "sim.show": "シリアル番号: {serial}\n発行日時: {issued}\n状態: {state}\nPIN(暗証番号)の残り回数: {pin_left} / {pin_max} 回\nロック解除の残り回数: {unblock_left} / {unblock_max} 回\n方式: {dialect}\nファイル: {path}",
    "sim.show_certificate": "電子証明書: {label}({size}バイト)",
    "sim.serving": "{serial} を {where} で提供しています",
    "sim.vanished": "カードが消えました: {fault}",
    "sim.vpcd_closed": "vpcd がポート {port} の接続を閉じました(pcscd が止まりましたか)",
    "sim.sheet.head": (
        "「PIN(暗証番号)について」\n模擬カード(試用・テスト用のAOSignICカード)\nシリアル番号: {serial}\n発行日時: {issued}"
    ),
    "sim.sheet.pin_label": "PIN(暗証番号):",
    "sim.sheet.code_label": "ロック解除用のPIN(暗証番号):",
    "sim.sheet.tail": (
        "・PIN(暗証番号)は半角英数字4桁以上、16桁以内で変更できます。すべて同じ文字列は認められません。\n"
        "・当社から送付しました「PIN(暗証番号)について」に記載されているPIN(暗証番号)は「ICカードのロック解除」に必要になります。変更後のPIN(暗証番号)とは区別して厳重に保管してください。\n"
        "・ロック解除の操作において、PIN(暗証番号)を連続して10回誤入力した場合は使用できなくなり、AOSignICカードの失効および、発行の申込が必要となりますので注意してください。\n"
        "・「PIN(暗証番号)について」の用紙は再発行ができませんので、なくさないよう大切に保管してください。"
    ),
    # --- doctor (aosign_plugin.frontends.doctor_checks) ---
    "doctor.could_not_run": "この項目は確認できませんでした: {reason}",
    "doctor.could_not_run_fix": "この結果(aosign-host doctor)をヘルプデスクにお送りください。",
    "doctor.origin.manifest": "マニフェストで指定",
    "doctor.origin.default": "組み込みの既定値",
    "doctor.backend": "{backend}({origin})",
    "doctor.backend.auto_none": "auto({origin}): ICカードリーダにAOSignICカードがなく、模擬カードも発行されていません({detail})",
    "doctor.fix.auto_none": "AOSignICカードをICカードリーダに挿入してください(PC/SCの状態は以下の項目のとおりです)。試用のみの場合は模擬カードを発行してください: {command}",
    "doctor.backend.auto_sim": "auto({origin})→ 模擬カード({path}): AOSignアプリケーションのSELECTに応答するカードがICカードリーダにありません",
    "doctor.backend.auto_pcsc": "auto({origin})→ PC/SC: {reader} のカードがAOSignアプリケーションのSELECTに応答しました",
    "doctor.pcsc.no_pyscard": "PC/SCを使えません: pyscard を読み込めません({error})",
    "doctor.fix.reinstall": "依存パッケージごと再インストールしてください: pip install --force-reinstall aosign-plugin",
    "doctor.pcsc.socket_missing": "ソケット {path} がないため、pcscd は起動しておらず、ソケット起動も設定されていません。",
    "doctor.pcsc.no_service": "スマートカードサービス(PC/SC)が応答しません({detail})。{where}",
    "doctor.fix.no_service.linux": "pcscd を起動し、今後は自動で起動するようにしてください: sudo systemctl enable --now pcscd.socket(未インストールの場合: sudo apt install pcscd)",
    "doctor.fix.no_service.windows": "Windowsのサービス 'Smart Card'(SCardSvr)を開始してください: services.msc でスタートアップの種類を '自動' にして開始するか、管理者として sc config SCardSvr start= auto && sc start SCardSvr を実行します。",
    "doctor.fix.no_service.macos": "macOSのスマートカードサービスはICカードリーダの接続で起動します。ICカードリーダを抜いて挿し直し、数秒待ってください。それでも応答しない場合はMacを再起動してください。",
    "doctor.pcsc.list_failed": "PC/SCがICカードリーダの一覧を返しませんでした({detail})",
    "doctor.fix.no_reader": "ICカードリーダを抜いて挿し直してください。続く場合はスマートカードサービスを再起動してください。",
    "doctor.pcsc.service_socket": "スマートカードサービス(PC/SC)が応答しています(pcscd、ソケット {path})",
    "doctor.pcsc.service": "スマートカードサービス(PC/SC)が応答しています",
    "doctor.pcsc.no_reader": "PC/SCにICカードリーダが見つかりません",
    "doctor.fix.no_reader.linux": "ICカードリーダをパソコンに接続してください(必要なら別のUSBポートへ)。USBのICカードリーダには pcscd のCCIDドライバーが必要です: sudo apt install libccid の後、sudo systemctl restart pcscd",
    "doctor.fix.no_reader.windows": "ICカードリーダをパソコンに接続し(必要なら別のUSBポートへ)、Windowsにドライバーをインストールさせてください。ICカードリーダのメーカーのドライバーが必要な場合があります。",
    "doctor.fix.no_reader.macos": "ICカードリーダをMacに接続してください(必要なら別のUSBポートやアダプターへ)。ICカードリーダのメーカーのドライバーが必要な場合があります。",
    "doctor.pcsc.readers": "ICカードリーダ {count}台: {readers}",
    "doctor.pcsc.no_card": "どのICカードリーダにもカードが入っていません",
    "doctor.fix.no_card": "AOSignICカードを、ICチップ側からICカードリーダの表示どおりの向きで、止まるまで挿入してください。",
    "doctor.pcsc.mute": "(カードが応答しません。抜いて挿し直してください)",
    "doctor.pcsc.cards": "カード: {cards}",
    "doctor.pcsc.no_aid": "マニフェストの [card] にAIDがないため、アプリケーションを選択しません",
    "doctor.pcsc.select_ok": "{reader}: 応答あり",
    "doctor.pcsc.select_refused": "{reader}: 拒否({sw})",
    "doctor.pcsc.select_no_answer": "{reader}: 応答なし({detail})",
    "doctor.pcsc.not_aosign": "AOSignアプリケーション(AID {aid})のSELECTに応答するカードがありません: {answers}。挿入されているのは別のICカード(キャッシュカード、交通系カード、身分証など)で、AOSignICカードではありません。",
    "doctor.fix.not_aosign": "そのカードを抜き、AOSignICカードを挿入してください。AOSignICカードである場合は、マニフェストの [card] aid を確認してください。",
    "doctor.pcsc.aosign": "AOSignアプリケーション(AID {aid}): {answers}",
    "doctor.pcsc.rule": "[pcsc] reader = '{match}'",
    "doctor.pcsc.rule_auto": "auto による選択: AOSignアプリケーションのSELECTに応答したカードのICカードリーダ",
    "doctor.pcsc.rule_any": "すべてのICカードリーダ([pcsc] reader の指定なし)",
    "doctor.pcsc.picked_not_aosign": "使われるICカードリーダ({rule})は {reader} ですが、AOSignICカードは {aosign} に入っています",
    "doctor.fix.wrong_reader": "{reader} からカードを抜くか、AOSignICカードを {aosign} からマニフェストで指定されたICカードリーダに移すか、マニフェストの [pcsc] reader を {aosign} の名前の一部にしてください。",
    "doctor.pcsc.reader": "使われるICカードリーダ: {reader}({rule})",
    "doctor.pcsc.several_cards": "複数のICカードリーダにカードが入っています({rule})。AOSignICカードがあるのは: {aosign}",
    "doctor.fix.several_cards": "AOSignICカード以外のカードをICカードリーダから抜くか、マニフェストの [pcsc] reader を {aosign} の名前の一部にしてください。",
    "doctor.pcsc.rule_matches_none": "{rule} に合う名前のICカードリーダがありません。ICカードリーダ: {readers}",
    "doctor.fix.rule_matches_none": "マニフェストの [pcsc] reader を次のいずれかの名前の一部にしてください: {readers}(すべてのICカードリーダを使う場合は削除してください)",
    "doctor.pcsc.card_elsewhere": "{rule} に合うICカードリーダは空です。AOSignICカードは {aosign} に入っています",
    "doctor.fix.card_elsewhere": "AOSignICカードを名前に '{match}' を含むICカードリーダに移すか、マニフェストの [pcsc] reader を {aosign} の名前の一部にしてください。",
    "doctor.pcsc.picked_failed": "{rule} のICカードリーダを使えません: {reason}",
    "doctor.pkcs11.p11kit_unknown": "p11-kit に '{name}' という名前のモジュールがありません",
    "doctor.fix.p11kit_unknown": "p11-kit の {name}.module を提供するモジュールをインストールするか、マニフェストの [pkcs11] p11kit をインストール済みのモジュール名(p11-kit list-modules)にしてください。",
    "doctor.pkcs11.no_module": "この OS 用のPKCS#11モジュールがマニフェストにありません([pkcs11] module.{key})",
    "doctor.fix.no_module": "マニフェストの [pkcs11] module.{key} に、カードのPKCS#11モジュールの絶対パスを指定してください。",
    "doctor.pkcs11.refused": "モジュール({source})は読み込まれません: {problem}",
    "doctor.fix.module_relative": "[pkcs11] module.{key} を絶対パスで指定してください。",
    "doctor.fix.module_missing": "カードのPKCS#11モジュールをインストールする(カードメーカーのソフトウェアを再インストールする)か、[pkcs11] module.{key} をインストール先のパスに直してください。",
    "doctor.fix.module_not_a_file": "[pkcs11] module.{key} を直してください: モジュールのファイルそのものを指定します({module} はファイルではありません)。",
    "doctor.fix.module_writable": "管理者として、グループとその他の書き込み権限を外してください: sudo chmod go-w '{path}'(またはモジュールをシステムのフォルダーにインストールしてください)。",
    "doctor.fix.module_owner": "管理者として、所有者を root にしてください: sudo chown root '{path}'(またはモジュールをシステムのフォルダーにインストールしてください)。",
    "doctor.fix.module_digest": "モジュールが置き換えられたか更新されています。カードメーカーのモジュールを再インストールするか、正規の更新であれば新しいSHA-256を [pkcs11] sha256.{key} に指定してください。",
    "doctor.pkcs11.pinned": "、SHA-256も指定どおり",
    "doctor.pkcs11.module": "モジュール {path}({source}): パスの規則を満たしています{pinned}",
    "doctor.pkcs11.load_failed": "モジュールを使えません: {detail}",
    "doctor.fix.module_load": "このシステム用のカードメーカーのPKCS#11モジュール(64ビット版と、それが必要とするライブラリー)を再インストールし、aosign-host doctor をもう一度実行してください。モジュール: {path}",
    "doctor.pkcs11.load": "モジュールを読み込めます: {info}",
    "doctor.pkcs11.empty_slot": "トークンなし",
    "doctor.pkcs11.several_tokens": "トークンURI {uri} に合うトークンが複数あります: {tokens}",
    "doctor.fix.several_tokens": "マニフェストの [pkcs11] token でトークンを1つに絞ってください: ラベルかシリアル番号を加えます(pkcs11:token=<ラベル>;serial=<シリアル番号>)。またはAOSignICカード以外のカードを抜いてください。",
    "doctor.pkcs11.no_token": "トークンURI {uri} に合うトークンがありません。スロット: {slots}",
    "doctor.fix.no_token": "AOSignICカードをICカードリーダに挿入してください。挿入済みの場合は、マニフェストの [pkcs11] token を上に表示されたラベルに直してください。",
    "doctor.pkcs11.token": "トークンURI {uri} で選ばれるトークン: {token}。スロット: {slots}",
    "doctor.sim.none": "模擬カードが発行されていません({path})",
    "doctor.sim.card": "模擬カード: {path}",
    "doctor.card.not_read": "カードは読み取っていません: 項目 {check} に問題があります",
    "doctor.fix.first": "先に {check} の対処を行い、aosign-host doctor をもう一度実行してください。",
    "doctor.fix.card.no_service": "スマートカードサービスを起動してください(pcsc.service を参照)。",
    "doctor.fix.card.no_reader": "ICカードリーダを接続するか、マニフェストの [pcsc] reader を直してください。",
    "doctor.fix.card.no_card": "AOSignICカードをICカードリーダに挿入してください。",
    "doctor.fix.card.several_cards": "ICカードリーダにはAOSignICカードだけを残すか、マニフェストの [pcsc] reader でそのICカードリーダを指定してください。",
    "doctor.fix.card.several_aosign_cards": "AOSignICカードを1枚だけICカードリーダに残すか、マニフェストの [pcsc] reader でそのICカードリーダを指定してください。",
    "doctor.fix.card.card_gone": "カードを抜いて挿し直し、aosign-host doctor をもう一度実行してください。",
    "doctor.fix.card.protocol": "AOSignICカードではないか、マニフェストの [card] がカードに合っていません。AOSignICカードを挿入するか、[card] を直してください。",
    "doctor.fix.card.module": "PKCS#11モジュールを直してください(上の pkcs11 の項目を参照)。",
    "doctor.fix.card.no_token": "AOSignICカードを挿入してください。挿入済みの場合は、マニフェストの [pkcs11] token を直してください。",
    "doctor.fix.card.several_tokens": "マニフェストの [pkcs11] token でトークンを1つに絞ってください(ラベルかシリアル番号)。",
    "doctor.fix.card.other": "この結果(aosign-host doctor)をヘルプデスクにお送りください。",
    "doctor.card.unknown": "不明",
    "doctor.card.state.ready": "使用可能",
    "doctor.card.state.locked": "ロック中",
    "doctor.card.state.dead": "使用不可",
    "doctor.card": "カード({reader}): {state}。PIN(暗証番号)の残り回数: {pin}、ロック解除の残り回数: {code}(試行回数を消費せずに読み取り)",
    "doctor.certificates.none": "カードに証明書がありません",
    "doctor.certificates.item": "{subject}、有効期限 {not_after}({state}、{days}日)",
    "doctor.certificates.unreadable": "{label}: 読み取れません({reason})",
    "doctor.fix.certificates": "証明書が現在有効ではありません。発行元に新しい証明書(更新)を申請してください。この証明書による署名は受け付けられません。",
    "doctor.certificates": "証明書: {listed}",
    "doctor.audit.disabled": "監査ログは無効です([audit] enabled = false)",
    "doctor.audit.unwritable": "監査ログ {path} に書き込めません: {problem}",
    "doctor.fix.audit": "フォルダー {folder} をこのユーザーが書き込めるようにする(なければ作成する)か、マニフェストの [audit] path をこのユーザーが書き込めるファイルにしてください。",
    "doctor.audit": "監査ログ {path} に書き込めます({size}バイト、{max_bytes}バイトでローテーション)",
    # --- end doctor ---
    # --- issue 32: fixes that name the card they fix (aosign_plugin.frontends.fault_fixes), doctor's proofs ---
    "fix.sim_issue": "模擬カードを発行するには: {command}",
    "fix.sim_reissue": (
        "このカードは使えません。新しいカードを発行すると、新しい「PIN(暗証番号)について」が表示され、"
        "古いものは使えなくなります。発行するには: {command}"
    ),
    "doctor.sim.unwritable": "模擬カード {path} の状態を保存できません: {problem}",
    "doctor.fix.sim_unwritable": "ディスクの空きと、フォルダー {folder} にこのユーザーが書き込めることを確認してください(またはマニフェストの [sim] state を書き込める場所にしてください)。",
    "doctor.backend.auto_no_service": "auto({origin})→ 模擬カード({path}): スマートカードサービス(PC/SC)が応答しないため、ICカードリーダのカードは探していません",
    "doctor.sim.log_unwritable": "模擬カードのAPDUログ {path}(マニフェストの [sim] log)に書き込めません: {problem}",
    "doctor.fix.sim_log_unwritable": "フォルダー {folder} にこのユーザーが書き込めるようにするか、マニフェストの [sim] log を外してください。",
    "doctor.fix.disk_full": "ディスクの空きを増やしてください(不要なファイルを削除します)。対象のフォルダー: {folder}",
    "doctor.problem.full": "ディスクに空きがありません",
    "doctor.problem.read_only": "読み取り専用のディスクです",
    "doctor.problem.denied": "書き込む権限がありません",
    "doctor.problem.not_a_file": "通常のファイルではありません",
    "doctor.problem.not_a_folder": "{folder} はフォルダーではありません",
    "doctor.problem.other": "書き込めません({error})",
    "new_pin.ask_again": "別の新しいPIN(暗証番号)を入力してください(あと{left}回まで。カードには何も送っていません)。",
    # --- end issue 32 ---
    # issue 30: whether the card can sign today leads the status; the window's wait for a card in use
    "wait.card_in_use": "ほかのアプリケーションがICカードを使用中です。終わるのを待っています…",
    "status.headline.ok": "署名できます。",
    "status.headline.card_dead": "署名できません: ICカードは使用できなくなっています。",
    "status.headline.pin_locked": "署名できません: PIN(暗証番号)がロックされています。",
    "status.headline.certificate_expired": "署名できません: 電子証明書({subject})の有効期限が{not_after}に切れています。",
    "status.headline.certificate_not_yet_valid": "まだ署名できません: 電子証明書({subject})は{not_before}から有効です。",
    "state.cannot_sign": "署名できません(PIN(暗証番号)は使用できます)",
    # issue 30: the pyHanko signer checks the certificate before the PIN
    "pyhanko.no_certificate": "トークンに {wanted} の電子証明書がありません(トークンにあるもの: {present})。PIN(暗証番号)は入力されていません。",
    "pyhanko.certificate_not_yet_valid": "電子証明書({subject})は{when}まで有効になりません。まだ署名できません。PIN(暗証番号)は入力されていません。",
    # issue 30: p11-kit module names as distributions ship them
    "manifest.p11kit_unknown_known": "p11-kitのモジュール設定 {tried} が見つかりません。このPCのp11-kitにあるもの: {known}。",
    "doctor.pkcs11.p11kit_unknown_known": "p11-kit に '{name}'(別名を含む)という名前のモジュールがありません。このPCのp11-kitにあるもの: {known}",
    # --- issue 33: what the card does not say is the worst case; answers that cannot be right; advice ---
    "status.tries_unknown.reason": "不明({reason})",
    "status.unknown.card_does_not_tell": "カードがこの残り回数を返しません",
    "status.unknown.not_read": "マニフェストの[card] unblock_statusで、カードが返せないと設定されています",
    "status.unknown.module_gives_no_count": "PKCS#11モジュールが回数を返しません",
    "notice.pin_count_unknown": (
        "PIN(暗証番号)の残り回数が不明です({reason})。最後の1回と考えて入力してください。"
        "PIN(暗証番号)を誤入力すると、AOSignICカードがロックされることがあります。"
    ),
    "notice.unblock_count_unknown": (
        "ロック解除の残り回数が不明です({reason})。今回が最後の1回かもしれません。"
        "誤入力するとAOSignICカードは使用できなくなり、AOSignICカードの失効および、発行の申込が必要となることがあります。"
    ),
    "unlock.unknown_try": (
        "ロック解除の残り回数が不明です。今回が最後の1回かもしれず、誤入力するとAOSignICカードは使用できなくなります。"
        "この1回を使いますか?"
    ),
    "unlock.unknown_try_acknowledged": (
        "ロック解除の残り回数が不明です(--final-try 指定)。誤入力するとAOSignICカードは使用できなくなり、"
        "AOSignICカードの失効および、発行の申込が必要となることがあります。"
    ),
    "unlock.not_confirmed_unknown": (
        "カードがロック解除の残り回数を返さないため、毎回が最後の1回かもしれず、明示的な同意が必要です。"
        "標準入力が端末ではありません。この1回を使うには --final-try を指定してください。"
    ),
    "unlock.not_confirmed_unknown_asked": "ロック解除は行いませんでした。",
    "answer.repeated": (
        "入力された{field}は同じ文字の繰り返し(例:1111)です。このようなPIN(暗証番号)は設定できないため、"
        "入力誤りの可能性が高いです。誤っていると残り回数が1回減ります。"
    ),
    "answer.repeated_confirm": "それでもカードに送りますか(誤っていると残り回数が1回減ります)?",
    "answer.repeated_not_confirmed": "送信しませんでした。",
    "card.same_again": (
        "カードがいったん抜かれ、再び挿入されました。同じカード(同じシリアル番号)です。残り回数を読み直しました。"
    ),
    "status.before_asking": "入力の前に:状態 {state}、PIN(暗証番号)の残り回数 {pin}、ロック解除の残り回数 {code}。",
    "gui.answer.repeated": (
        "同じ文字の繰り返し(例:1111)です。このようなPIN(暗証番号)は設定できません。確認してください。"
        "[OK]を押すとそのまま送信し、誤っていると残り回数が1回減ります。"
    ),
    # --- end issue 33 ---
    # --- issue 26: the audit log no other account can redirect or forge; the administrator's PKCS#11 module ---
    "audit.refused.link": '{path} はシンボリックリンクです(ほかのアカウントがログの書き込み先を変えるために置いた可能性があります)。何も書き込んでいません。管理者に削除を依頼してください。[audit] sink = "system" なら書き込み先を変えられません。',
    "audit.refused.not_regular": "{path} は通常のファイルではありません。何も書き込んでいません。管理者に削除を依頼してください。",
    "audit.refused.owner": '{path} はほかのアカウントの所有です(あなたの記録を読んだり書き換えたりするために置かれた可能性があります)。何も書き込んでいません。管理者に削除を依頼してください。[audit] sink = "system" なら偽造できません。',
    "audit.refused.links": "{path} にはほかのハードリンクがあります(ほかのアカウントが写しを持てます)。何も書き込んでいません。管理者に削除を依頼してください。",
    "audit.refused.folder": "フォルダ {path} ではほかのアカウントがログを置き換えられます(ほかのアカウントの所有か、スティッキービットなしでほかの人も書き込めます)。何も書き込んでいません。",
    "audit.plantable": '{folder} にはすべてのアカウントが書き込めます。ほかのユーザーが誰かの名前でファイルやリンクを先に作ると、そのユーザーのログは(警告とともに)書き込みを拒否されます。多数のPCでは [audit] sink = "system"(OSのログ)か、管理者だけが書き込めるフォルダを使ってください。',
    "manifest.p11kit_untrusted.owner": "{path}: 固定されたモジュールを指定する p11-kit の設定ファイルが root の所有ではないため、モジュールを読み込みません。",
    "manifest.p11kit_untrusted.writable": "{path}: 固定されたモジュールを指定する p11-kit の設定ファイルにグループかほかの人の書き込み権限があるため、モジュールを読み込みません。",
    "manifest.p11kit_untrusted.unreadable": "{path}: 固定されたモジュールを指定する p11-kit の設定ファイルの所有者と権限を確認できないため、モジュールを読み込みません。",
    "manifest.module_owner_admin": "{path}: root の所有ではありません。システムのマニフェストがモジュールを固定しているため、root のフォルダにある root のファイルでなければなりません。",
    "pyhanko.lib_locked": "--lib は使えません。管理者のマニフェストがPKCS#11モジュールを固定しています。",
    "doctor.pkcs11.p11kit_source": "[pkcs11] p11kit = '{name}' → {config}",
    "doctor.pkcs11.locked_source": "、システムのマニフェストで固定",
    "doctor.fix.p11kit_untrusted": "管理者として実行してください: sudo chown root '{path}' && sudo chmod go-w '{path}'",
    "doctor.audit.system": "監査ログは OS のログ({where})に書き込まれます",
    "doctor.audit.no_system_log": '[audit] sink = "system" ですが、{where} でシステムのログが受け付けていません',
    "doctor.fix.audit_system": "システムのログ(systemd-journald か rsyslog)を起動するか、管理者に連絡してください。",
    "doctor.fix.audit_refused": '上に示されたものの削除を管理者に依頼してください(ほかのアカウントが置いた可能性があります)。または [audit] sink = "system" にしてもらってください。',
    # --- end issue 26 ---
    # --- issue 25: the edges of the program ---
    "sim.sheet_not_written": "新しいカードの「PIN(暗証番号)について」を書き出せませんでした({reason})。新しいカードは発行していません。{path} のカードはそのままです。用紙を保存できる出力先(端末、空きのあるディスク上のファイル)を指定して、もう一度発行してください。",
    # --- end issue 25 ---
}
