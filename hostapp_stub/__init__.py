"""A small but real host signing app: it owns the hook specifications (:mod:`.hookspecs`), discovers plugins
(:mod:`.plugins`), reads the deployment manifest (:mod:`.manifest`) and runs the plugins' menu entries from the
command line (:mod:`.cli`, ``aosign-host``) or a window (:mod:`.gui`). Plugins import :mod:`.api` only.
"""

from __future__ import annotations

__all__: list[str] = []
