"""English texts, the same keys and placeholders as ``ja``."""

MESSAGES: dict[str, str] = {
    # --- policy (aosign_plugin.service.policy) ---
    "policy.empty": "Nothing was entered: type {min_length} to {max_length} half-width letters and digits.",
    "policy.too_short": (
        "Too short: use at least {min_length} characters ({min_length} to {max_length} half-width letters and digits)."
    ),
    "policy.too_long": (
        "Too long: use at most {max_length} characters ({min_length} to {max_length} half-width letters and digits)."
    ),
    "policy.full_width": (
        "Full-width characters (such as １２３４, ＡＢＣ or the full-width space) are not accepted: turn off "
        "Japanese input and type half-width letters and digits only."
    ),
    "policy.space": "Spaces are not accepted: remove them and type half-width letters and digits only.",
    "policy.symbol": (
        "Symbols such as - _ @ ! # are not accepted: use only the letters A-Z and a-z and the digits 0-9."
    ),
    "policy.non_ascii": (
        "Characters other than A-Z, a-z and 0-9 (such as kana, kanji or accented letters like é) are not "
        "accepted: use only the letters A-Z and a-z and the digits 0-9."
    ),
    "policy.control": (
        "Control characters (such as tabs or line breaks) are not accepted: remove them and type half-width "
        "letters and digits only."
    ),
    "policy.repeated": (
        "A PIN of one repeated character (such as 111111 or aaaa) is not accepted: mix at least two "
        "different characters."
    ),
    "policy.date": (
        "This PIN reads as a date (such as a birth date) and is not accepted: choose one that others cannot "
        "guess, not a date or a phone number."
    ),
    "policy.phone": (
        "This PIN reads as a phone number and is not accepted: choose one that others cannot guess, not a "
        "date or a phone number."
    ),
    "policy.sequence": (
        "A plain run of digits or letters (such as 1234, abcd or 9876) is easy to guess and is not accepted: "
        "choose a PIN that is easy for you to remember but hard for others to guess."
    ),
    "policy.same_as_current": "The new PIN is the same as the current one: choose a different PIN.",
    "policy.mismatch": "The confirmation does not match the new PIN: type the same new PIN twice.",
    "policy.warn.date": (
        "This PIN reads as a date (such as a birth date), which others may guess. It is accepted, but a PIN "
        "that is not a date or a phone number is safer."
    ),
    "policy.warn.phone": (
        "This PIN reads as a phone number, which others may guess. It is accepted, but a PIN that is not a "
        "date or a phone number is safer."
    ),
    "policy.warn.sequence": (
        "This PIN is a plain run of digits or letters (such as 1234, abcd or 9876), which is easy to guess. "
        "It is accepted, but a PIN that is easy for you to remember and hard for others to guess is safer."
    ),
    "policy.field.current_pin": "The current PIN",
    "policy.field.unblock_code": "The unblocking code from the 'About your PIN' sheet",
    "policy.field.new_pin": "The new PIN",
    "policy.field.confirm": "The new PIN again (confirmation)",
    # --- end policy ---
    # --- host menu entries and options (aosign_plugin.frontends.hooks) ---
    "entry.status": "Show the card's status",
    "entry.change_pin": "Change the PIN",
    "entry.unlock": "Unlock the card (reset the PIN)",
    "option.show_input": "show what you type (入力内容を表示する)",
    "option.json": "print JSON",
    "option.quiet": "print nothing; the exit code alone tells the state (0 ready, 4 locked, 5 unusable, 6 no card)",
    "audit.failed": "The audit log could not be written (the operation's result is as shown): {detail}",
    "option.final_try": "agree to use the unblocking code's last try (when standard input is not a terminal)",
    # --- prompts (aosign_plugin.service.pin_service) ---
    "panel.card": "Card status",
    "prompt.current_pin": "Current PIN",
    "prompt.new_pin": "New PIN",
    "prompt.confirm": "New PIN again (to confirm)",
    "prompt.unblock_code": "PIN printed on the 'About your PIN' (PIN(暗証番号)について) sheet",
    # --- status (aosign_plugin.frontends.terminal_view) ---
    "status.card": "Card: {reader} ({backend})",
    "status.state": "State: {state}",
    "status.pin": "PIN tries left: {tries}",
    "status.unblock": "Unlock tries left: {tries}",
    "status.tries": "{left} of {max}",
    "status.tries_unknown": "unknown (cannot be read without spending a try)",
    "status.tries_low": "few left (exact count unknown)",
    "status.tries_final": "1 (final try)",
    "state.no_lock_reported": "no lock reported by the module (it cannot tell the tries left)",
    "status.source.card": "(read from the card)",
    "status.source.module": "(as the PKCS#11 module reports it)",
    "status.counters_from_module": "The card's own counters could not be read; the PKCS#11 module's flags decide. ({detail})",
    "state.ready": "ready",
    "state.locked": "locked",
    "state.dead": "unusable (revoke it and apply for a new card)",
    # --- advice ---
    "advice.reset_recommended": (
        "Several wrong PINs in a row ({left} tries left). The issuer recommends resetting the PIN after 2 or 3 wrong "
        "entries: with the 'About your PIN' sheet at hand, run aosign-host unlock."
    ),
    "advice.pin_final_try": "This is your last try ({left} left): a wrong PIN locks the AOSign IC card.",
    "advice.unlock": (
        "The card is locked and must be unlocked: with the 'About your PIN' sheet at hand, run aosign-host unlock."
    ),
    "advice.unblock_low": (
        "{left} unlock tries left. If they are all wrong the AOSign IC card becomes unusable: it must then be "
        "revoked and a new card applied for."
    ),
    "advice.revoke": (
        "This AOSign IC card can no longer be used. Revoke it without delay and apply for a new AOSign IC card."
    ),
    # --- results and errors ---
    "change.done": "The PIN has been changed.",
    "unlock.done": "The PIN has been reset and the card is unlocked. Use your new PIN from now on.",
    "unlock.intro": (
        "Unlocking needs the PIN printed on the 'About your PIN' sheet mailed with the card (not the PIN you changed it "
        "to). If that sheet is lost, the issuer keeps no copy of it and the card can no longer be used: it must be "
        "revoked and a new card applied for."
    ),
    "unlock.final_try": (
        "One unlock try left. If it is wrong, the AOSign IC card becomes unusable and must be revoked and applied "
        "for anew. Use the last try?"
    ),
    "unlock.final_try_acknowledged": (
        "This is the unlock's last try (--final-try given): a wrong entry makes the AOSign IC card unusable for good, "
        "and it must then be revoked and a new card applied for."
    ),
    "unlock.not_confirmed_asked": "The unlock's last try was not used.",
    "unlock.not_confirmed": (
        "The last unlock try needs an explicit yes: run it on a terminal and confirm, or pass --final-try."
    ),
    "pin.incorrect": "The PIN is incorrect.",
    "pin.tries_left": "{left} tries left. Ten wrong PINs in a row lock the card.",
    "pin.tries_unknown": "The card did not say how many tries are left.",
    "pin.locked": "Changing the PIN failed. The IC card is locked.",
    "pin.locked_howto": ("The card must be unlocked: with the 'About your PIN' sheet at hand, run aosign-host unlock."),
    "code.incorrect": "The PIN from the 'About your PIN' sheet is incorrect.",
    "code.tries_left": (
        "{left} unlock tries left. If they are all wrong the AOSign IC card becomes unusable and must be revoked "
        "and applied for anew."
    ),
    "code.tries_unknown": "The unlock tries left could not be read. Ten wrong entries in a row while unlocking make the card unusable for good.",
    "card.dead": "Ten wrong entries while unlocking: this AOSign IC card can no longer be used.",
    "card.dead_howto": (
        "The card must be revoked and a new one applied for: complete the revocation procedure without delay, "
        "then apply for a new AOSign IC card."
    ),
    "card.refused_input": "The card did not accept the new PIN. No try was used.",
    "card.state_changed": (
        "The card's tries changed after they were shown. Check with aosign-host status, then try again."
    ),
    "option.no_wait": "do not wait for a card when there is none: exit at once (exit code 6)",
    "wait.no_card": "Insert the AOSign IC card into the reader. Waiting for it…",
    "wait.no_reader": "Waiting for an IC card reader: connect it to the computer.",
    "wait.no_service": "Waiting for the smart card service (PC/SC) to start.",
    "wait.no_sim_card": "Waiting for a simulated card to be issued (aosign-sim issue).",
    "wait.no_token": "Waiting for the AOSign IC card's token: insert the card into the reader.",
    "wait.cli_hint": "(Ctrl-C stops.)",
    "card.changed": "The card in the reader is not the card whose state was shown: it was swapped. Check the state of the card in the reader with aosign-host status, then try again.",
    "gui.card.changed": "The card in the reader is not the card whose state was shown: it was swapped. The state of the card now in the reader is shown again: check it, then type the PINs again.",
    "cancelled": "Cancelled.",
    "nothing_sent": "Nothing was sent to the card; no try was used.",
    "no_answer": "No answer was given.",
    "unavailable.no_service": "The smart card service (PC/SC) is not running. ({detail})",
    "unavailable.no_reader": "No IC card reader found. Connect the reader to the computer. (readers: {detail})",
    "unavailable.no_card": "No AOSign IC card in the reader. (readers: {detail})",
    "unavailable.several_cards": (
        "Cards are inserted in several readers: {detail}. Name the reader in the manifest's [pcsc] reader, or "
        "insert one card only."
    ),
    "unavailable.card_gone": (
        "The card stopped answering during the operation. Check its state with aosign-host status. ({detail})"
    ),
    "unavailable.no_sim_card": "No simulated card has been issued yet: run aosign-sim issue. ({detail})",
    "unavailable.protocol": "The card gave an unexpected answer: {detail}. Check the manifest's [card] settings.",
    "unavailable.module": "The PKCS#11 module cannot be used: {detail}",
    # --- manifest problems (aosign_plugin.service.settings) ---
    "manifest.not_a_table": "must be a table ([...]).",
    "manifest.unknown_key": "unknown key; allowed: {allowed}",
    "manifest.one_of": "must be one of: {allowed}",
    "manifest.want_int": "must be a whole number from {low} to {high}.",
    "manifest.out_of_range": "must be from {low} to {high}.",
    "manifest.want_str": "must be a non-empty string.",
    "manifest.bad_path": "a path cannot contain a NUL character.",
    "manifest.path_not_absolute": "must be an absolute path (aosign-host makes a path relative to the manifest's folder absolute before passing it on).",
    "audit.shared_missing": "{path} is one file for every user, and it does not exist yet: the first user to write it creates it writable by that user alone (0600). Put {{user}} in the path for a file per user, or create the file writable for all of them.",
    "audit.shared_file": "{path} is one file for every user, but only its owner can write it. Put {{user}} in the path for a file per user.",
    "audit.folder_missing": "the folder {folder}, where each user's audit log is made, does not exist: create it so that every user can create files in it (e.g. chmod 1777).",
    "audit.folder_shared": "only the owner can create files in {folder}, so the other users' audit logs cannot be made there: let every user create files in it (e.g. chmod 1777).",
    "audit.not_writable": "{path} is not writable for this user.",
    "manifest.no_home": "the home folder of the user this ~ path names cannot be found.",
    "manifest.p11kit_name": 'must be the name of a module config (letters, digits, . _ - only), e.g. "opensc".',
    "manifest.want_bool": "must be true or false.",
    "manifest.loosens": "would loosen the card's rules ({low} to {high} characters); a policy may only tighten them.",
    "manifest.min_over_max": "min_length is greater than max_length.",
    "manifest.bad_aid": 'must be 5 to 16 bytes in hex (e.g. "A0000006474F5349474E").',
    "manifest.bad_pad_to": "must be 0 (no padding) or at least {high}.",
    "manifest.same_refs": "pin_ref and unblock_ref must differ.",
    "manifest.module_table": "must be given per OS (module.linux and so on: {allowed}).",
    "manifest.module_absolute": "must be an absolute path.",
    "manifest.token_uri": 'must be an RFC 7512 URI starting with "pkcs11:".',
    "manifest.token_uri_invalid": "cannot be used as an RFC 7512 URI: {detail}",
    "unavailable.no_token": "The PKCS#11 module shows no AOSign IC card token. Check that the card is in the reader. ({detail})",
    "unavailable.several_tokens": "Several tokens match: {detail}. Name the token in the manifest's [pkcs11] token (its label or serial).",
    "pinpad.enter_on_reader": "Enter the PIN on the reader's PIN pad (the card then checks the PIN rules itself).",
    "advice.reset_recommended.nocount": "Several wrong PINs in a row (few tries left). The issuer recommends resetting the PIN after 2 or 3 wrong entries: with the 'About your PIN' sheet at hand, run aosign-host unlock.",
    "advice.unblock_low.nocount": "Few unlock tries left. If they are all wrong the AOSign IC card becomes unusable: it must then be revoked and a new card applied for.",
    "manifest.bad_sha256": "must be a SHA-256 digest (64 hex digits).",
    "manifest.p11kit_unknown": "no p11-kit module config named '{name}.module' was found.",
    "manifest.module_relative": "{path}: must be an absolute path.",
    "manifest.module_missing": "{path}: no such file.",
    "manifest.module_not_a_file": "{path}: not a regular file.",
    "manifest.module_writable": "{path}: writable by group or others, so the PKCS#11 module is not loaded; remove that write permission.",
    "manifest.module_owner": "{path}: owned by another account (neither root nor you), so the PKCS#11 module is not loaded.",
    "manifest.module_digest": "{path}: its SHA-256 differs from the manifest's; check that the module was not replaced.",
    # --- gui (aosign_plugin.frontends.gui) ---
    "gui.status.heading": "Card status",
    "gui.change.intro": (
        "Changing the PIN for the first time? Enter the PIN printed on the 'About your PIN' sheet "
        "(PIN(暗証番号)について) handed over with your AOSign IC card. If you changed it before, enter the PIN of "
        "the card in the reader."
    ),
    "gui.show_input": "Show what you type",
    "gui.final_try.agree": "I agree to use the last unlock try",
    "gui.lost_sheet.heading": "If the 'About your PIN' sheet is lost",
    "gui.lost_sheet.text": (
        "If the 'About your PIN' sheet is lost, the issuer keeps no copy of the PIN, so this AOSign IC card can no "
        "longer be used. Revoke it without delay (revocation, 失効手続) and apply for a new AOSign IC card (new "
        "application, 新規申込). Once the revocation is complete, the card stays unusable even if the sheet turns "
        "up, so start the procedure only once the sheet is surely lost."
    ),
    "gui.reload": "Read the card again",
    "gui.ok": "OK",
    "gui.cancel": "Cancel",
    "gui.close": "Close",
    "gui.dead.title": "This AOSign IC card can no longer be used",
    "gui.dead.steps": (
        "Ten wrong entries in a row while unlocking make the AOSign IC card unusable: it must be revoked and a new "
        "one applied for. Please do the following:"
    ),
    "gui.dead.revoke": "1. Revocation (失効手続): revoke this AOSign IC card without delay (see the issuer's revocation procedure).",
    "gui.dead.apply": "2. New application (新規申込): apply for a new AOSign IC card (see the issuer's application procedure).",
    "gui.dead.no_operation": "Neither a PIN change nor an unlock is possible with this AOSign IC card.",
    "gui.hint.new_pin": (
        "{min_length} to {max_length} half-width letters and digits. Avoid anything others could guess (birth dates, "
        "phone numbers); one character repeated (111111) is not accepted."
    ),
    "gui.feedback.usable": "This PIN can be used.",
    "gui.feedback.match": "Matches the new PIN.",
    "gui.wrong.check_input": "Tick [Show what you type] and check the PIN for typing errors.",
    "gui.locked_howto": (
        "The card must be unlocked: with the 'About your PIN' sheet at hand, click [Unlock the card (reset the PIN)]."
    ),
    "gui.advice.reset_recommended": (
        "Several wrong PINs in a row ({left} tries left). The issuer recommends resetting the PIN after 2 or 3 wrong "
        "entries: with the 'About your PIN' sheet at hand, click [Unlock the card (reset the PIN)]."
    ),
    "gui.card.state_changed": (
        "The card's tries changed after they were shown (another application may have used the card). They are now "
        "shown again: check them, then type the PINs again."
    ),
    "gui.unlock.not_confirmed": "The last unlock try needs an explicit yes: tick the box, then click [OK].",
    "gui.unavailable.card_gone": (
        "The card stopped answering during the operation. Insert the AOSign IC card again, then click "
        "[Read the card again]. ({detail})"
    ),
    # --- end gui ---
    # --- pyhanko (aosign_plugin.frontends.pyhanko_signer) ---
    "pyhanko.help": "sign with the AOSign IC card (its state is checked first; the PIN is asked once)",
    "pyhanko.unavailable": "python-pkcs11 is needed: pip install 'aosign-plugin[pyhanko]'",
    "pyhanko.opt.manifest": "path of the manifest (default: found where aosign-host finds it)",
    "pyhanko.opt.lib": "path of the PKCS#11 module (overrides the manifest's [pkcs11] module)",
    "pyhanko.opt.token_label": "label of the token (overrides the manifest's [pkcs11] token)",
    "pyhanko.opt.slot_no": "slot number (overrides the manifest's [pkcs11] token)",
    "pyhanko.opt.cert_label": "label of the signing certificate",
    "pyhanko.opt.cert_id": "ID of the signing certificate (hex)",
    "pyhanko.opt.key_label": "label of the signing key (default: the certificate's label)",
    "pyhanko.opt.key_id": "ID of the signing key (hex)",
    "pyhanko.opt.other_cert": "label of a CA certificate to pull from the token into the signature (repeatable)",
    "pyhanko.opt.other_cert_file": "file of a CA certificate to include in the signature (PEM or DER, repeatable)",
    "pyhanko.opt.raw_mechanism": "hash here and ask the token for a raw signature only (ECDSA)",
    "pyhanko.opt.final_try": "agree to use the PIN's last try when only one is left",
    "pyhanko.opt.lang": "language of the texts (ja or en)",
    "pyhanko.prompt": "PIN",
    "pyhanko.locked": "The AOSign IC card is locked: it cannot sign. The PIN was not asked for (nothing was sent to the card).",
    "pyhanko.locked_at_login": "The AOSign IC card is locked: it refused the PIN (no try was used). Nothing was signed.",
    "pyhanko.locked_now": "Ten wrong PINs in a row: the AOSign IC card is now locked. Nothing was signed.",
    "pyhanko.final_try_refused": "Signing stopped. To sign with the last try, run the command again with --final-try.",
    "pyhanko.need_cert": "Name the signing certificate or key with --cert-label, --cert-id, --key-label or --key-id.",
    "pyhanko.bad_id": "{option} takes the ID in hex (for example 01 or 0a:1b).",
    "pyhanko.bad_cert_file": "Cannot read the certificate file: {detail}",
    "pyhanko.option_locked": "{option} cannot be used: the administrator's manifest {path} locks {key}.",
    "pyhanko.objects": "The token holds no signing key or certificate like that: {detail}",
    # --- end pyhanko ---
}
