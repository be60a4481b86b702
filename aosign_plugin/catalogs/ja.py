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
        "連続した数字や文字(例:1234、abcd、9876)は推測されやすいため使えません。"
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
        "このPIN(暗証番号)は連続した数字や文字(例:1234、abcd、9876)で、推測されやすくなっています。"
        "このまま設定することもできますが、"
        "覚えやすく、かつ他人からは推測されにくいPIN(暗証番号)に変更されることをおすすめします。"
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
    "option.quiet": "何も表示せず、終了コードだけで状態を返します(0: 使用可能、4: ロック、5: 使用不可、6: カードなし)",
    "audit.failed": "監査ログを書き込めませんでした(操作の結果は上のとおりです): {detail}",
    "option.final_try": "ロック解除の最後の1回を使うことに同意します(標準入力が端末でないとき)",
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
    "unlock.final_try_acknowledged": (
        "ロック解除の最後の1回を使います(--final-try 指定)。誤入力するとAOSignICカードは使用できなくなり、"
        "失効および発行の申込が必要となります。"
    ),
    "unlock.not_confirmed_asked": "ロック解除の最後の1回は使いませんでした。",
    "unlock.not_confirmed": (
        "ロック解除の最後の1回には明示的な同意が必要です。端末から実行して同意するか、--final-try を指定してください。"
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
    "option.no_wait": "カードがないときに待たず、すぐに終了します(終了コード 6)",
    "wait.no_card": "ICカードリーダにAOSignICカードを挿入してください。挿入されるまで待っています。",
    "wait.no_reader": "ICカードリーダの接続を待っています。リーダをコンピュータに接続してください。",
    "wait.no_service": "スマートカードサービス(PC/SC)の起動を待っています。",
    "wait.no_sim_card": "模擬カードの発行を待っています(aosign-sim issue)。",
    "wait.no_token": "AOSignICカードのトークンを待っています。ICカードリーダにカードを挿入してください。",
    "wait.cli_hint": "(Ctrl-C で中止します)",
    "card.changed": "表示した状態のあとで、ICカードリーダのカードが別のカードに替わりました。挿入されているカードの状態を aosign-host status で確認してから、もう一度実行してください。",
    "gui.card.changed": "表示した状態のあとで、ICカードリーダのカードが別のカードに替わりました。いま挿入されているカードの状態を表示し直しました。確認してから、もう一度入力してください。",
    "cancelled": "中止しました。",
    "nothing_sent": "カードには何も送っていません(残り回数は減っていません)。",
    "no_answer": "入力がありません。",
    "unavailable.no_service": "スマートカードのサービス(PC/SC)が動いていません。({detail})",
    "unavailable.no_reader": "ICカードリーダが見つかりません。ICカードリーダをパソコンに接続してください。(リーダ: {detail})",
    "unavailable.no_card": "ICカードリーダにAOSignICカードが挿入されていません。(リーダ: {detail})",
    "unavailable.several_cards": (
        "複数のICカードリーダにカードが挿入されています: {detail}。"
        "使うリーダをマニフェストの [pcsc] reader で指定するか、カードを1枚だけ挿入してください。"
    ),
    "unavailable.card_gone": (
        "操作中にカードとの通信が途切れました。aosign-host status でカードの状態を確認してください。({detail})"
    ),
    "unavailable.no_sim_card": "模擬カードがまだ発行されていません。aosign-sim issue で発行してください。({detail})",
    "unavailable.protocol": "カードが想定外の応答をしました: {detail}。マニフェストの [card] の設定を確認してください。",
    "unavailable.module": "PKCS#11モジュールを使えません: {detail}",
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
}
