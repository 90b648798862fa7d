"""Working days on the official Chinese calendar, including make-up working days (调休).

The calendar comes from the ``chinesecalendar`` package, which follows the State Council's
yearly holiday notices; sscert keeps no hand-written holiday list. A year the installed
package does not know raises :class:`CalendarNotCovered` — update ``chinesecalendar``.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar

__all__ = ["CalendarNotCovered", "is_working_day", "working_days_after"]


class CalendarNotCovered(LookupError):
    """The installed official calendar does not cover the requested dates."""


def is_working_day(day: dt.date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise CalendarNotCovered(
            f"the installed chinesecalendar does not know {day.year}; upgrade it"
        ) from None


def working_days_after(start: dt.date, end: dt.date) -> int:
    """The number of working days ``d`` with ``start < d <= end`` (0 when ``end <= start``)."""
    count = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        count += is_working_day(day)
        day += dt.timedelta(days=1)
    return count
