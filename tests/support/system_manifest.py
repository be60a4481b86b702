"""A real system manifest for one process: ``/etc/xdg/aosign/manifest.toml`` in a private mount namespace.

``unshare -m`` gives the command a mount namespace of its own, where a tmpfs lies over ``/etc/xdg``; the system file
is written there (root's, the mode given), so the host reads it from its real place while the machine's own
``/etc`` is never touched (as the pcscd fault test does for its socket). Needs root and util-linux's ``unshare``.
"""

from __future__ import annotations

import shlex

__all__ = ["SYSTEM_MANIFEST", "with_system_manifest"]

SYSTEM_MANIFEST = "/etc/xdg/aosign/manifest.toml"


def with_system_manifest(argv: list[str], text: str | None, *, setup: str = "", file_mode: str = "644") -> list[str]:
    """``argv`` run in a private mount namespace whose system manifest is ``text`` (none when None), after the
    shell commands ``setup`` (run as root inside the namespace)."""
    script = "mount -t tmpfs -o mode=0755 aosign-test /etc/xdg && mkdir -m 0755 /etc/xdg/aosign"
    if text is not None:
        script += f" && printf %s {shlex.quote(text)} > {SYSTEM_MANIFEST} && chmod {file_mode} {SYSTEM_MANIFEST}"
    if setup:
        script += f" && {setup}"
    script += ' && exec "$@"'
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", *argv]
