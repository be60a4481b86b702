"""Loggers that cost nothing until the host turns logging on.

Importing :mod:`logging` costs ~6 ms, more than a whole APDU exchange. Debug and info records are only wanted
when the host configured logging (``aosign-host -v``), which imports it; so until :mod:`logging` is imported,
they are dropped without importing it. Warnings always go through :mod:`logging`.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["LazyLogger", "get_logger"]

_WARNING = 30


class LazyLogger:
    """The subset of :class:`logging.Logger` the plugin uses."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def _logger(self, level: int) -> Any:
        module: Any = sys.modules.get("logging")
        if module is None:
            if level < _WARNING:
                return None
            import logging as module
        return module.getLogger(self.name)

    def isEnabledFor(self, level: int) -> bool:
        logger = self._logger(level)
        return bool(logger is not None and logger.isEnabledFor(level))

    def log(self, level: int, msg: str, *args: object) -> None:
        logger = self._logger(level)
        if logger is not None:
            logger.log(level, msg, *args)

    def debug(self, msg: str, *args: object) -> None:
        self.log(10, msg, *args)

    def info(self, msg: str, *args: object) -> None:
        self.log(20, msg, *args)

    def warning(self, msg: str, *args: object) -> None:
        self.log(_WARNING, msg, *args)


def get_logger(name: str) -> LazyLogger:
    return LazyLogger(name)
