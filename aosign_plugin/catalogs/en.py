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
        "A run of digits or letters with an equal step (such as 1234, abcd, 9876 or 13579), or such a "
        "run with one character added (such as H01234), is easy to guess and is not accepted: "
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
        "This PIN is a run of digits or letters with an equal step (such as 1234, abcd, 9876 or 13579), or such a "
        "run with one character added (such as H01234), which is easy to guess. "
        "It is accepted, but a PIN that is easy for you to remember and hard for others to guess is safer."
    ),
    "policy.date_order": (
        "This PIN reads as a date with the day or the month first (such as 04121985 or 120485) and is not "
        "accepted: choose one that others cannot guess, not a date or a phone number."
    ),
    "policy.era_date": (
        "This PIN reads as a Japanese era date (Showa, Heisei or Reiwa, such as S600412 or 600412 for Showa 60, "
        "12 April) and is not accepted: choose one that others cannot guess, not a date or a phone number."
    ),
    "policy.year": (
        "A year alone (such as 1985 or 2000) is easy to guess and is not accepted: choose one that others cannot "
        "guess, not a date or a phone number."
    ),
    "policy.repeated_block": (
        "A block repeated (such as 123123 or abcabc) is easy to guess and is not accepted: choose a PIN that is "
        "easy for you to remember but hard for others to guess."
    ),
    "policy.common": (
        "This is one of the most common passwords (such as password, qwerty or abc123), tried first by anyone "
        "guessing, and is not accepted: choose a PIN that is easy for you to remember but hard for others to guess."
    ),
    "policy.near_repeat": (
        "A PIN of almost only one character (such as aaaaab or 1111121) is easy to guess and is not accepted: "
        "mix different characters."
    ),
    "policy.same_as_code": (
        "The new PIN is the same as the unblocking code from the 'About your PIN' sheet: keep them apart and "
        "choose a different new PIN."
    ),
    "policy.warn.date_order": (
        "This PIN reads as a date with the day or the month first, which others may guess. It is accepted, but "
        "a PIN that is not a date or a phone number is safer."
    ),
    "policy.warn.era_date": (
        "This PIN reads as a Japanese era date (Showa, Heisei or Reiwa), which others may guess. It is accepted, "
        "but a PIN that is not a date or a phone number is safer."
    ),
    "policy.warn.year": (
        "This PIN is a year alone, which is easy to guess. It is accepted, but a PIN that is hard for others to "
        "guess is safer."
    ),
    "policy.warn.repeated_block": (
        "This PIN is a block repeated (such as 123123 or abcabc), which is easy to guess. It is accepted, but a "
        "PIN that is hard for others to guess is safer."
    ),
    "policy.warn.common": (
        "This PIN is one of the most common passwords (such as password or qwerty), tried first by anyone "
        "guessing. It is accepted, but a PIN that is hard for others to guess is safer."
    ),
    "policy.warn.near_repeat": (
        "This PIN is almost only one character (such as aaaaab), which is easy to guess. It is accepted, but a "
        "PIN that mixes different characters is safer."
    ),
    "policy.field.current_pin": "The current PIN",
    "policy.field.unblock_code": "The PIN printed on the 'About your PIN' sheet",
    "policy.field.new_pin": "The new PIN",
    "policy.field.confirm": "The new PIN again (confirmation)",
    # --- end policy ---
    # --- host menu entries and options (aosign_plugin.frontends.hooks) ---
    "entry.status": "Show the card's status",
    "entry.change_pin": "Change the PIN",
    "entry.unlock": "Unlock the card (reset the PIN)",
    "option.show_input": "show what you type (入力内容を表示する)",
    "option.json": "print JSON",
    "option.quiet": "print nothing; the exit code alone tells the state (0 ready to sign, 4 locked, 5 unusable, 6 no card, 10 the certificate is outside its validity: cannot sign)",
    "audit.failed": "The audit log could not be written (the operation's result is as shown): {detail}",
    "option.final_try": "agree to use the last unlock try, or a try whose count the card does not tell (when standard input is not a terminal)",
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
    "status.tries_nomax": "{left} (the card does not say its maximum)",
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
    "advice.reset_recommended.one": (
        "Several wrong PINs in a row (1 try left). The issuer recommends resetting the PIN after 2 or 3 wrong "
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
    "advice.unblock_low.one": (
        "1 unlock try left. If it is wrong the AOSign IC card becomes unusable: it must then be "
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
    "unlock.one_try_left": (
        "One unlock try left. If it is wrong, the AOSign IC card becomes unusable and must be revoked and applied "
        "for anew."
    ),
    "unlock.final_try_acknowledged": (
        "This is the unlock's last try (--final-try given): a wrong entry makes the AOSign IC card unusable for good, "
        "and it must then be revoked and a new card applied for."
    ),
    "unlock.not_confirmed_asked": "The unlock's last try was not used.",
    "unlock.not_confirmed": (
        "The last unlock try needs an explicit yes: standard input is not a terminal, so pass --final-try to use it."
    ),
    "pin.incorrect": "The PIN is incorrect.",
    "pin.tries_left": "{left} tries left. Ten wrong PINs in a row lock the card.",
    "pin.tries_left.one": "1 try left. Ten wrong PINs in a row lock the card.",
    "pin.tries_unknown": "The card did not say how many tries are left.",
    "pin.locked": "Changing the PIN failed. The IC card is locked.",
    "pin.locked_howto": ("The card must be unlocked: with the 'About your PIN' sheet at hand, run aosign-host unlock."),
    "code.incorrect": "The PIN printed on the 'About your PIN' sheet is incorrect.",
    "code.tries_left": (
        "{left} unlock tries left. If they are all wrong the AOSign IC card becomes unusable and must be revoked "
        "and applied for anew."
    ),
    "code.tries_left.one": (
        "1 unlock try left. If it is wrong the AOSign IC card becomes unusable and must be revoked "
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
    "cancelled": "Cancelled. Nothing was sent to the card.",
    "option.no_wait": "do not wait for a card when there is none: exit at once (exit code 6)",
    "wait.no_card": "Insert the AOSign IC card into the reader. Waiting for it…",
    "wait.no_reader": "Waiting for an IC card reader: connect it to the computer.",
    "wait.no_service": "Waiting for the smart card service (PC/SC) to start.",
    "wait.no_sim_card": "Waiting for a simulated card to be issued.",
    "wait.no_token": "Waiting for the AOSign IC card's token: insert the card into the reader.",
    "wait.cli_hint": "(Ctrl-C stops.)",
    "card.changed": "The card in the reader is not the card whose state was shown: it was swapped. Check the state of the card in the reader with aosign-host status, then try again.",
    "gui.card.changed": "The card in the reader is not the card whose state was shown: it was swapped. The state of the card now in the reader is shown again: check it, then type the PINs again.",
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
    "unavailable.no_sim_card": "No simulated card has been issued yet. ({detail})",
    "unavailable.sim_state_corrupt": (
        "The simulated card's state file is damaged (cut short, or not a card state): {detail}."
    ),
    "unavailable.sim_state_invalid": "The simulated card's state file holds a value no card can have: {detail}.",
    "unavailable.sim_state_unreadable": (
        "The simulated card's state file cannot be read: {detail}. Check its permissions (its owner must be able "
        "to read and write it)."
    ),
    "unavailable.sim_state_symlink": (
        "The simulated card's state file is a symbolic link: {detail}. The simulated card keeps its state in a "
        "regular file only: remove the link, or set the manifest's [sim] state to the file itself."
    ),
    "unavailable.sim_state_unwritable": (
        "The simulated card's state could not be saved: {detail}. Check the free disk space and that the folder "
        "can be written, then check the card with aosign-host status."
    ),
    "unavailable.sim_log_unwritable": (
        "The simulated card's APDU log (the manifest's [sim] log) cannot be written: {detail}. Free disk space "
        "or fix its permissions, or remove [sim] log; check the last operation's result with aosign-host status."
    ),
    "unavailable.sim_log_corrupt": (
        "The simulated card's APDU log (the manifest's [sim] log) is not such a log: {detail}. Name another file "
        "or remove [sim] log."
    ),
    "unavailable.no_card_auto": (
        "No AOSign IC card found. Insert your AOSign IC card into a reader, or issue a simulated card. ({detail})"
    ),
    "unavailable.several_aosign_cards": (
        "Several readers hold an AOSign IC card: {detail}. Name the reader to use in the manifest's [pcsc] "
        "reader, or leave only one card in."
    ),
    "unavailable.protocol": "The card gave an unexpected answer: {detail}. Check the manifest's [card] settings.",
    "unavailable.module": "The PKCS#11 module cannot be used: {detail}",
    "unavailable.card_in_use": (
        "Another application is using the IC card right now. Wait until it has finished (or close it), then try "
        "again. ({detail})"
    ),
    "unavailable.card_reset": (
        "Another application reset the IC card during the operation. Check the card's tries with aosign-host status, "
        "then try again if you wish. ({detail})"
    ),
    "unavailable.module_bitness": (
        "The PKCS#11 module cannot be loaded: {detail} is built for another bitness than this Python (a 32-bit module "
        "cannot load into 64-bit Python, nor the reverse). Install the vendor's module of this Python's bitness and "
        "name it in the manifest's [pkcs11] module.windows."
    ),
    "unavailable.module_arch": (
        "The PKCS#11 module cannot be loaded: {detail} is built for another processor than this Python (on Apple "
        "silicon an x86_64-only module cannot load into arm64 Python). Install the vendor's module for this processor "
        "(arm64 or universal) and name it in the manifest's [pkcs11] module."
    ),
    "unavailable.module_quarantine": (
        "macOS refuses to load the PKCS#11 module {detail}: the file still carries the quarantine mark of a download "
        "(com.apple.quarantine). Install it with the vendor's installer; or, if you trust where it came from, remove "
        "the mark with: xattr -d com.apple.quarantine <file>"
    ),
    "unavailable.module_dependency": (
        "The PKCS#11 module {detail} needs another DLL that was not found (error 126). Its own folder and the system "
        "folders were searched: reinstall the vendor's software."
    ),
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
    # --- issue 28: the window as office staff read it ---
    "status.card_sim": "Card: the simulated card (an AOSign IC card for trying out and tests)",
    "status.sim_name": "the simulated card",
    "status.certificate_issuer": "issuer: {issuer}, certificate serial {serial}",
    "cert_label.signing": "Signing certificate",
    "gui.state.ready": "Ready to use",
    "gui.state.warn": "Ready to use (take care)",
    "gui.state.locked": "Locked",
    "gui.state.dead": "Unusable",
    "gui.state.unknown": "The card cannot be read",
    "gui.tries.pin": "PIN tries left",
    "gui.tries.unblock": "Unlock tries left",
    "gui.tries.value_nomax": "{left}",
    "gui.tries.unknown": "unknown",
    "gui.a11y.status": "Card status",
    "gui.a11y.state_description": "The card's state and tries left; read out when they change.",
    "gui.a11y.advice": "What to do",
    "gui.a11y.message": "Result",
    "gui.a11y.feedback": "Check of what was typed",
    "gui.a11y.show_input": "When ticked, the PINs typed are shown on screen.",
    "gui.a11y.final_try": "When ticked, [OK] may use the last unlock try.",
    "gui.a11y.ok": "Sends the PINs typed to the card, once.",
    "gui.a11y.cancel": "Closes without sending anything to the card.",
    "gui.a11y.reload": "Reads the card's state again (no try is spent).",
    "gui.a11y.to_unlock": "Closes this dialog and opens the unlock dialog.",
    "gui.a11y.lost_sheet": "Shows what to do when the PIN sheet is lost.",
    "gui.a11y.field": "What is typed is hidden.",
    # --- end issue 28 ---
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
    "gui.advice.reset_recommended.one": (
        "Several wrong PINs in a row (1 try left). The issuer recommends resetting the PIN after 2 or 3 wrong "
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
    "gui.unavailable.card_reset": (
        "Another application reset the IC card during the operation. Click [Read the card again] to see its tries, "
        "then try again if you wish. ({detail})"
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
    "advice.certificate_expiring": "The certificate ({subject}) expires in {days} days (valid until {not_after}). After that this card can no longer sign: apply for renewal now.",
    "advice.certificate_expired": "The certificate ({subject}) has expired (valid until {not_after}): this card can no longer sign. Apply for renewal.",
    "status.serial": "Serial number: {serial}",
    "status.certificate": "Certificate: {subject} ({label})",
    "status.certificate_validity": "valid from {not_before} to {not_after} ({days} days left): {state}",
    "status.certificate_unreadable": "Certificate [{label}]: cannot be read ({reason})",
    "status.no_certificates": "Certificates: none",
    "cert_state.valid": "valid",
    "cert_state.expiring": "expiring soon",
    "cert_state.expired": "expired",
    "cert_state.not_yet_valid": "not yet valid",
    "cert_reason.not_found": "the card's certificate directory points to a file that does not exist",
    "cert_reason.unreadable": "the card refused to read it",
    "cert_reason.malformed": "the data is damaged or not a certificate",
    "cert_reason.directory": "the card's certificate directory is damaged",
    "cert_reason.too_many": "too many certificates: the rest were not read",
    "manifest.certificate_paths": 'must be a list of at most {high} file paths, each file identifiers of 4 hex digits from the MF (e.g. "3F00/5015/4331").',
    "pyhanko.certificate_expired": "No signature with an expired certificate. No PIN was asked and nothing was sent to the card.",
    # --- aosign-sim (aosign_plugin.simcard.sim_cli) ---
    "sim.no_card": "No simulated card has been issued yet ({path}).",
    "sim.replace_broken": "To replace it with a new card: {command} (the old card's 'About your PIN' sheet becomes useless).",
    "sim.kept": "A card is already issued at {path}; keeping it (its 'About your PIN' sheet was shown when it was issued).",
    "sim.exists": "A card is already issued at {path}: add --force to replace it (its 'About your PIN' sheet becomes useless).",
    "sim.stdin_terminal": "--from-stdin reads from a pipe, not a terminal.",
    "sim.stdin_empty": "--from-stdin needs the initial PIN on a line, then optionally a different unblocking code.",
    "sim.refused_values": "The card refuses these values: 4 to 16 half-width letters or digits, not one repeated character.",
    "sim.too_wide": "The values do not fit the card's {pad_to}-byte fields.",
    "sim.show": "serial:   {serial}\nissued:   {issued}\nstate:    {state}\nPIN:      {pin_left}/{pin_max} tries left\nunblock:  {unblock_left}/{unblock_max} tries left\ndialect:  {dialect}\nfile:     {path}",
    "sim.show_certificate": "certificate: {label} ({size} bytes)",
    "sim.serving": "serving {serial} on {where}",
    "sim.vanished": "the card vanished: {fault}",
    "sim.vpcd_closed": "vpcd closed the connection on port {port} (pcscd stopped?)",
    "sim.sheet.head": (
        '"About your PIN" (「PIN(暗証番号)について」)\n'
        "The simulated card (an AOSign IC card for trying out and tests)\n"
        "Serial number: {serial}\n"
        "Issued: {issued}"
    ),
    "sim.sheet.pin_label": "PIN:",
    "sim.sheet.code_label": "PIN for unlocking:",
    "sim.sheet.tail": (
        "- You can change the PIN to 4 to 16 half-width letters and digits; one repeated character is refused.\n"
        "- The PIN printed on this sheet is needed to unlock the card (reset the PIN), even after you change your PIN: keep it apart from the PIN you choose.\n"
        "- After 10 wrong entries while unlocking, the card is unusable for good: it must be revoked and a new one applied for.\n"
        "- This sheet cannot be reissued; keep it safe and do not lose it.\n"
        "  (「PIN(暗証番号)について」の用紙は再発行ができませんので、なくさないよう大切に保管してください。)"
    ),
    # --- doctor (aosign_plugin.frontends.doctor_checks) ---
    "doctor.could_not_run": "this check could not run: {reason}",
    "doctor.could_not_run_fix": "Send this report (aosign-host doctor) to your helpdesk.",
    "doctor.origin.manifest": "set in the manifest",
    "doctor.origin.default": "the built-in default",
    "doctor.backend": "{backend} ({origin})",
    "doctor.backend.auto_none": "auto ({origin}): neither an AOSign IC card in a reader nor an issued simulated card ({detail})",
    "doctor.fix.auto_none": "Insert the AOSign IC card into the reader (the checks below say what PC/SC sees), or, to try the plugin, issue a simulated card: {command}",
    "doctor.backend.auto_sim": "auto ({origin}) → the simulated card ({path}): no reader holds a card that answers the AOSign application's SELECT",
    "doctor.backend.auto_pcsc": "auto ({origin}) → PC/SC: the card in {reader} answers the AOSign application's SELECT",
    "doctor.pcsc.no_pyscard": "PC/SC cannot be used: pyscard cannot be imported ({error})",
    "doctor.fix.reinstall": "Reinstall the plugin with its dependencies: pip install --force-reinstall aosign-plugin",
    "doctor.pcsc.socket_missing": "its socket {path} does not exist, so pcscd is neither running nor socket-activated.",
    "doctor.pcsc.no_service": "the smart card service (PC/SC) does not answer ({detail}); {where}",
    "doctor.fix.no_service.linux": "Start pcscd and let it start by itself from now on: sudo systemctl enable --now pcscd.socket (if it is not installed: sudo apt install pcscd).",
    "doctor.fix.no_service.windows": "Start the Windows service 'Smart Card' (SCardSvr): in services.msc set it to Automatic and start it, or as an administrator run: sc config SCardSvr start= auto && sc start SCardSvr",
    "doctor.fix.no_service.macos": "macOS starts its smart card service when a reader is connected: unplug the reader, plug it in again and wait a few seconds; if it still does not answer, restart the Mac.",
    "doctor.pcsc.list_failed": "PC/SC could not list the readers ({detail})",
    "doctor.fix.no_reader": "Unplug the IC card reader and plug it in again; if it persists, restart the smart card service.",
    "doctor.pcsc.service_socket": "the smart card service (PC/SC) answers (pcscd, socket {path})",
    "doctor.pcsc.service": "the smart card service (PC/SC) answers",
    "doctor.pcsc.no_reader": "PC/SC shows no IC card reader",
    "doctor.fix.no_reader.linux": "Connect the IC card reader to the computer (another USB port if need be). A USB reader needs pcscd's CCID driver: sudo apt install libccid, then sudo systemctl restart pcscd.",
    "doctor.fix.no_reader.windows": "Connect the IC card reader to the computer (another USB port if need be) and let Windows install its driver; the reader maker's driver may be needed.",
    "doctor.fix.no_reader.macos": "Connect the IC card reader to the Mac (another USB port or adapter if need be); the reader maker's driver may be needed.",
    "doctor.pcsc.readers": "{count} reader(s): {readers}",
    "doctor.pcsc.no_card": "no reader holds a card",
    "doctor.fix.no_card": "Insert the AOSign IC card into the reader, chip first and facing the way the reader shows, until it stops.",
    "doctor.pcsc.mute": "(the card does not answer: take it out and insert it again)",
    "doctor.pcsc.cards": "cards: {cards}",
    "doctor.pcsc.no_aid": "the manifest's [card] table names no AID: no application is selected",
    "doctor.pcsc.select_ok": "{reader}: answers",
    "doctor.pcsc.select_refused": "{reader}: refuses ({sw})",
    "doctor.pcsc.select_no_answer": "{reader}: no answer ({detail})",
    "doctor.pcsc.not_aosign": "no card answers the AOSign application's SELECT (AID {aid}): {answers}. The card inserted is another IC card (a bank, transit or ID card) or not an AOSign IC card.",
    "doctor.fix.not_aosign": "Take that card out and insert the AOSign IC card. If it is the AOSign IC card, check the manifest's [card] aid.",
    "doctor.pcsc.aosign": "the AOSign application (AID {aid}): {answers}",
    "doctor.pcsc.rule": "[pcsc] reader = '{match}'",
    "doctor.pcsc.rule_auto": "chosen by auto: the reader whose card answers the AOSign application's SELECT",
    "doctor.pcsc.rule_any": "any reader ([pcsc] reader not set)",
    "doctor.pcsc.picked_not_aosign": "the reader used ({rule}) is {reader}, but the AOSign IC card is in {aosign}",
    "doctor.fix.wrong_reader": "Take the card out of {reader}, or move the AOSign IC card from {aosign} into the reader the manifest names, or set the manifest's [pcsc] reader to a part of the name {aosign}.",
    "doctor.pcsc.reader": "the reader used: {reader} ({rule})",
    "doctor.pcsc.several_cards": "several readers hold a card ({rule}); the AOSign IC card is in: {aosign}",
    "doctor.fix.several_cards": "Take the other cards out of their readers and leave only the AOSign IC card, or set the manifest's [pcsc] reader to a part of the name {aosign}.",
    "doctor.pcsc.rule_matches_none": "no reader's name matches {rule}; readers: {readers}",
    "doctor.fix.rule_matches_none": "Set the manifest's [pcsc] reader to a part of one of these names: {readers} (or remove it to use any reader).",
    "doctor.pcsc.card_elsewhere": "the readers matching {rule} are empty; the AOSign IC card is in {aosign}",
    "doctor.fix.card_elsewhere": "Move the AOSign IC card into the reader whose name contains '{match}', or set the manifest's [pcsc] reader to a part of the name {aosign}.",
    "doctor.pcsc.picked_failed": "the reader for {rule} cannot be used: {reason}",
    "doctor.pkcs11.p11kit_unknown": "p11-kit has no module named '{name}'",
    "doctor.fix.p11kit_unknown": "Install the module that provides p11-kit's {name}.module, or set the manifest's [pkcs11] p11kit to the name of an installed one (p11-kit list-modules).",
    "doctor.pkcs11.no_module": "the manifest names no PKCS#11 module for this OS ([pkcs11] module.{key})",
    "doctor.fix.no_module": "Set [pkcs11] module.{key} in the manifest to the absolute path of the card's PKCS#11 module.",
    "doctor.pkcs11.refused": "the module ({source}) is not loaded: {problem}",
    "doctor.fix.module_relative": "Give [pkcs11] module.{key} as an absolute path.",
    "doctor.fix.module_missing": "Install the card's PKCS#11 module (reinstall the card maker's software), or correct [pkcs11] module.{key} to the path where it is installed.",
    "doctor.fix.module_not_a_file": "Correct [pkcs11] module.{key}: it must name the module file itself ({module} is not a file).",
    "doctor.fix.module_writable": "As an administrator, take away the write permission of group and others: sudo chmod go-w '{path}' (or install the module into a system folder).",
    "doctor.fix.module_owner": "As an administrator, give it to root: sudo chown root '{path}' (or install the module into a system folder).",
    "doctor.fix.module_digest": "The module was replaced or updated: reinstall the card maker's module, or, if the update is genuine, put its new SHA-256 in [pkcs11] sha256.{key}.",
    "doctor.pkcs11.pinned": ", SHA-256 as pinned",
    "doctor.pkcs11.module": "module {path} ({source}): passes the path rules{pinned}",
    "doctor.pkcs11.load_failed": "the module cannot be used: {detail}",
    "doctor.fix.module_load": "Reinstall the card maker's PKCS#11 module for this system (its 64-bit version, with the libraries it needs), then run aosign-host doctor again. The module: {path}",
    "doctor.pkcs11.load": "the module loads: {info}",
    "doctor.pkcs11.empty_slot": "no token",
    "doctor.pkcs11.several_tokens": "the token URI {uri} matches several tokens: {tokens}",
    "doctor.fix.several_tokens": "Name one token in the manifest's [pkcs11] token: add its label or serial (pkcs11:token=<label>;serial=<serial>), or take out the cards that are not the AOSign IC card.",
    "doctor.pkcs11.no_token": "the token URI {uri} matches no token; slots: {slots}",
    "doctor.fix.no_token": "Insert the AOSign IC card into the reader; if it is in, correct the manifest's [pkcs11] token to the label shown for it above.",
    "doctor.pkcs11.token": "token URI {uri} picks {token}; slots: {slots}",
    "doctor.sim.none": "no simulated card has been issued ({path})",
    "doctor.sim.card": "the simulated card: {path}",
    "doctor.card.not_read": "the card was not read: the check {check} failed",
    "doctor.fix.first": "Do the fix of {check} first, then run aosign-host doctor again.",
    "doctor.fix.card.no_service": "Start the smart card service (see pcsc.service).",
    "doctor.fix.card.no_reader": "Connect the IC card reader, or correct the manifest's [pcsc] reader.",
    "doctor.fix.card.no_card": "Insert the AOSign IC card into the reader.",
    "doctor.fix.card.several_cards": "Leave only the AOSign IC card in a reader, or name its reader in the manifest's [pcsc] reader.",
    "doctor.fix.card.several_aosign_cards": "Leave only one AOSign IC card in a reader, or name its reader in the manifest's [pcsc] reader.",
    "doctor.fix.card.card_gone": "Take the card out, insert it again, and run aosign-host doctor again.",
    "doctor.fix.card.protocol": "The card is not the AOSign IC card, or the manifest's [card] table does not fit it: insert the AOSign IC card, or correct [card].",
    "doctor.fix.card.module": "Correct the PKCS#11 module (see the pkcs11 checks above).",
    "doctor.fix.card.no_token": "Insert the AOSign IC card; if it is in, correct the manifest's [pkcs11] token.",
    "doctor.fix.card.several_tokens": "Name one token in the manifest's [pkcs11] token (label or serial).",
    "doctor.fix.card.other": "Send this report (aosign-host doctor) to your helpdesk.",
    "doctor.card.unknown": "unknown",
    "doctor.card.state.ready": "usable",
    "doctor.card.state.locked": "locked",
    "doctor.card.state.dead": "unusable for good",
    "doctor.card": "the card ({reader}): {state}; PIN tries left: {pin}, unlock tries left: {code} (read without using a try)",
    "doctor.certificates.none": "no certificate on the card",
    "doctor.certificates.item": "{subject} until {not_after} ({state}, {days} days)",
    "doctor.certificates.unreadable": "{label}: not readable ({reason})",
    "doctor.fix.certificates": "The certificate is not valid now: apply to the issuer for a new certificate (renewal). Signatures made with it will not be accepted.",
    "doctor.certificates": "certificates: {listed}",
    "doctor.audit.disabled": "the audit log is turned off ([audit] enabled = false)",
    "doctor.audit.unwritable": "the audit log {path} cannot be written: {problem}",
    "doctor.fix.audit": "Make the folder {folder} writable for this user (or create it), or set the manifest's [audit] path to a file this user can write.",
    "doctor.audit": "the audit log {path} can be written ({size} bytes, rotated at {max_bytes})",
    # --- end doctor ---
    # --- issue 32: fixes that name the card they fix (aosign_plugin.frontends.fault_fixes), doctor's proofs ---
    "fix.sim_issue": "To issue the simulated card: {command}",
    "fix.sim_reissue": (
        "This card cannot be used. A new one comes with a new 'About your PIN' sheet (the old sheet becomes "
        "useless). To issue it: {command}"
    ),
    "doctor.sim.unwritable": "the simulated card {path} cannot save its state: {problem}",
    "doctor.fix.sim_unwritable": "Free disk space and check that this user can write in the folder {folder} (or set the manifest's [sim] state to a place this user can write).",
    "doctor.backend.auto_no_service": "auto ({origin}) → the simulated card ({path}): the smart card service (PC/SC) does not answer, so no reader was looked at",
    "doctor.sim.log_unwritable": "the simulated card's APDU log {path} (the manifest's [sim] log) cannot be written: {problem}",
    "doctor.fix.sim_log_unwritable": "Let this user write in the folder {folder}, or remove [sim] log from the manifest.",
    "doctor.fix.disk_full": "Free disk space (delete files that are no longer needed) on the disk of the folder {folder}.",
    "doctor.problem.full": "the disk is full",
    "doctor.problem.read_only": "the disk is read-only",
    "doctor.problem.denied": "no permission to write",
    "doctor.problem.not_a_file": "not a regular file",
    "doctor.problem.not_a_folder": "{folder} is not a folder",
    "doctor.problem.other": "cannot be written ({error})",
    "new_pin.ask_again": "Type another new PIN (up to {left} more times; nothing was sent to the card).",
    "new_pin.ask_again.one": "Type another new PIN (once more at most; nothing was sent to the card).",
    # --- end issue 32 ---
    # issue 30: whether the card can sign today leads the status; the window's wait for a card in use
    "wait.card_in_use": "Another program is using the IC card right now; waiting until it has finished…",
    "status.headline.ok": "Ready to sign.",
    "status.headline.card_dead": "Cannot sign: the card is unusable for good.",
    "status.headline.pin_locked": "Cannot sign: the PIN is locked.",
    "status.headline.certificate_expired": "Cannot sign: the certificate ({subject}) expired on {not_after}.",
    "status.headline.certificate_not_yet_valid": (
        "Cannot sign yet: the certificate ({subject}) is valid from {not_before}."
    ),
    "state.cannot_sign": "cannot sign (the PIN itself works)",
    # issue 30: the pyHanko signer checks the certificate before the PIN
    "pyhanko.no_certificate": "The token has no certificate with {wanted} (on the token: {present}). No PIN was asked.",
    "pyhanko.certificate_not_yet_valid": "The certificate ({subject}) is not valid before {when}: no signature with it yet. No PIN was asked.",
    # issue 30: p11-kit module names as distributions ship them
    "manifest.p11kit_unknown_known": "p11-kit has no module config {tried}; p11-kit knows here: {known}.",
    "doctor.pkcs11.p11kit_unknown_known": "p11-kit has no module named '{name}' (nor by its other names); p11-kit knows here: {known}",
    # --- issue 33: what the card does not say is the worst case; answers that cannot be right; advice ---
    "status.tries_unknown.reason": "unknown ({reason})",
    "status.unknown.card_does_not_tell": "the card does not tell this count",
    "status.unknown.not_read": "the manifest's [card] unblock_status says the card cannot tell it",
    "status.unknown.module_gives_no_count": "the PKCS#11 module gives no count",
    "notice.pin_count_unknown": (
        "The PIN tries left are unknown ({reason}): treat this as your last try. A wrong PIN may lock the AOSign IC "
        "card."
    ),
    "notice.unblock_count_unknown": (
        "The unlock tries left are unknown ({reason}): this try may be the last. A wrong entry may make the AOSign "
        "IC card unusable for good; it must then be revoked and a new card applied for."
    ),
    "unlock.unknown_try": (
        "The unlock tries left are unknown: this may be the last try, and a wrong entry would make the AOSign IC "
        "card unusable for good. Use this try?"
    ),
    "unlock.unknown_try_acknowledged": (
        "The unlock tries left are unknown (--final-try given): a wrong entry may make the AOSign IC card unusable "
        "for good, and it must then be revoked and a new card applied for."
    ),
    "unlock.not_confirmed_unknown": (
        "The card does not say how many unlock tries are left, so each try may be the last and needs an explicit "
        "yes: standard input is not a terminal, so pass --final-try to use it."
    ),
    "unlock.not_confirmed_unknown_asked": "The unlock try was not used.",
    "answer.repeated": (
        "{field} you typed is one repeated character (such as 1111). The issuer never lets anyone set such a PIN: "
        "it is most likely mistyped. A wrong entry uses one try."
    ),
    "answer.repeated_confirm": "Send it to the card anyway (one try is used if it is wrong)?",
    "answer.repeated_not_confirmed": "It was not sent.",
    "card.same_again": (
        "The card was taken out and put back: it is the same card (same serial), and its tries were read again."
    ),
    "status.before_asking": "Before you type: {state}; PIN tries left: {pin}; unlock tries left: {code}.",
    "gui.answer.repeated": (
        "One repeated character (such as 1111): the issuer never lets anyone set such a PIN. Check it; [OK] sends "
        "it anyway and a wrong entry uses one try."
    ),
    # --- end issue 33 ---
    # --- issue 26: the audit log no other account can redirect or forge; the administrator's PKCS#11 module ---
    "audit.refused.link": '{path} is a symbolic link (another account may have planted it to redirect the log): nothing was written. Ask the administrator to remove it; [audit] sink = "system" cannot be redirected.',
    "audit.refused.not_regular": "{path} is not a regular file: nothing was written. Ask the administrator to remove it.",
    "audit.refused.owner": '{path} belongs to another account (it may have been planted to read or rewrite your lines): nothing was written. Ask the administrator to remove it; [audit] sink = "system" cannot be forged.',
    "audit.refused.links": "{path} has another hard link (another account could keep a copy): nothing was written. Ask the administrator to remove it.",
    "audit.refused.folder": "the folder {path} lets another account replace the log (it is another account's, or writable by others without the sticky bit): nothing was written.",
    "audit.plantable": "every account can write in {folder}: another user can create a file or a link under someone's name there first, and that user's log is then refused (with a warning). For fleets use [audit] sink = \"system\" (the OS's log), or a folder only the administrator can write.",
    "manifest.p11kit_untrusted.owner": "{path}: the p11-kit config that names the locked module is not owned by root, so the module is not loaded.",
    "manifest.p11kit_untrusted.writable": "{path}: the p11-kit config that names the locked module is writable by group or others, so the module is not loaded.",
    "manifest.p11kit_untrusted.unreadable": "{path}: the owner and permissions of the p11-kit config that names the locked module cannot be read, so the module is not loaded.",
    "manifest.module_owner_admin": "{path}: not owned by root; the system manifest locks the module, so it must be root's file in root's folders.",
    "pyhanko.lib_locked": "--lib cannot be used: the administrator's manifest locks the PKCS#11 module.",
    "doctor.pkcs11.p11kit_source": "[pkcs11] p11kit = '{name}' → {config}",
    "doctor.pkcs11.locked_source": "; locked by the system manifest",
    "doctor.fix.p11kit_untrusted": "As an administrator: sudo chown root '{path}' && sudo chmod go-w '{path}'.",
    "doctor.audit.system": "the audit lines go to the OS's log ({where})",
    "doctor.audit.no_system_log": '[audit] sink = "system", but no system logger listens at {where}',
    "doctor.fix.audit_system": "Start the system logger (systemd-journald or rsyslog), or ask the administrator.",
    "doctor.fix.audit_refused": 'Ask the administrator to remove what is named above (another account may have planted it), or to set [audit] sink = "system".',
    # --- end issue 26 ---
    # --- issue 25: the edges of the program ---
    "sim.sheet_not_written": "The new card's 'About your PIN' sheet could not be written ({reason}): the new card was not kept, the card at {path} is unchanged. Write the sheet where it can be kept (a terminal, or a file on a disk with room) and issue again.",
    # --- end issue 25 ---
}
