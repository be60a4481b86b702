"""``python -m hostapp_stub.gui``: the same as ``aosign-host gui``."""

from __future__ import annotations

import sys

from . import main

sys.exit(main())
