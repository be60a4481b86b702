"""``python -m hostapp_stub``: the same as ``aosign-host`` (python.org's Windows installer leaves the ``Scripts``
folder, where ``aosign-host.exe`` is, off PATH unless asked)."""

from __future__ import annotations

import sys

from hostapp_stub.cli import main

if __name__ == "__main__":
    sys.exit(main())
