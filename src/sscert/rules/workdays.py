"""Working days on the official Chinese calendar, including make-up working days (调休).

The calendar comes from the ``chinesecalendar`` package, which follows the State Council's
yearly holiday notices; sscert keeps no hand-written holiday list. A year the installed
package does not know raises :class:`CalendarNotCovered` — update ``chinesecalendar``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools

import chinese_calendar

from sscert.i18n import _

__all__ = ["CalendarNotCovered", "is_working_day", "working_days_after"]


class CalendarNotCovered(LookupError):
    """The installed official calendar does not cover the requested dates."""


@functools.cache
def _working_days(year: int) -> tuple[dt.date, ...]:
    """Every working day of ``year``, in order (asked of the official calendar once)."""
    try:
        days = chinese_calendar.get_workdays(dt.date(year, 1, 1), dt.date(year, 12, 31))
    except NotImplementedError:
        raise CalendarNotCovered(
            _("the installed chinesecalendar does not know {year}; upgrade it").format(year=year)
        ) from None
    return tuple(days)


def is_working_day(day: dt.date) -> bool:
    days = _working_days(day.year)
    position = bisect.bisect_left(days, day)
    return position < len(days) and days[position] == day


def working_days_after(start: dt.date, end: dt.date) -> int:
    """The number of working days ``d`` with ``start < d <= end`` (0 when ``end <= start``)."""
    if end <= start:
        return 0
    count = 0
    for year in range(start.year, end.year + 1):
        days = _working_days(year)
        low = bisect.bisect_right(days, start) if year == start.year else 0
        high = bisect.bisect_right(days, end) if year == end.year else len(days)
        count += high - low
    return count
