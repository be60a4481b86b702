"""Japanese texts. 「」 quotes the issuer's FAQ (seed-faq-ja.txt) verbatim where it has the wording."""

MESSAGES: dict[str, str] = {
    # --- policy (aosign_plugin.policy) ---
    # --- end policy ---
}
