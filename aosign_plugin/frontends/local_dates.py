"""Dates as an office user reads them: the day in the user's own time zone, in the user's language.

``2029-12-03T20:41:02Z`` is 「2029年12月4日」 in Tokyo and "3 Dec 2029" in London. The terminal's status, the window
and doctor's summaries say dates this way; JSON keeps ISO 8601 in UTC (:func:`~.certificates.format_time`). No
locale database is read: month names are written out here, so the result does not depend on the system's C locale.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["days_until", "local_date"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _local(moment: dt.datetime) -> dt.date:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone().date()  # the system's time zone: the user's


def local_date(moment: dt.datetime, lang: str) -> str:
    """The day of ``moment`` in the user's time zone: ``2029年12月3日`` (ja) or ``3 Dec 2029`` (en).

    :param moment: an aware datetime (a naive one is taken as UTC).
    """
    day = _local(moment)
    if lang == "ja":
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def days_until(moment: dt.datetime, now: dt.datetime | None = None) -> int:
    """Calendar days in the user's time zone from today to ``moment``'s day: 0 on that day, -1 the day after."""
    return (_local(moment) - _local(now or dt.datetime.now(dt.UTC))).days
