"""English texts, the same keys and placeholders as ``ja``."""

MESSAGES: dict[str, str] = {
    # --- policy (aosign_plugin.policy) ---
    # --- end policy ---
}
