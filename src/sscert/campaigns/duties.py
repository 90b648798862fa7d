"""The duty to certify (认证周期): a fixed window, a rolling cycle, or calendar periods.

Each duty answers the same questions, so the rules never ask which kind it is:

* :attr:`~Window.opens` — the first day on which a certification counts (C2);
* :meth:`~Window.first_month` — the first month simulated by default (C6);
* :meth:`~Window.covers` — whether an entitlement's months fall in the duty (C4);
* :meth:`~Window.due_date` — a person's due date, given their covered schemes, the month
  their first covered entitlement starts and their last counting certification (C8, C14).

A due date of ``None`` means the person is not due at all (certified in a fixed window).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from attrs import field, frozen
from dateutil.relativedelta import relativedelta

from sscert.i18n import _
from sscert.schemes import Scheme
from sscert.values.months import Month

__all__ = ["CalendarPeriods", "Duty", "Period", "RollingCycle", "Window"]


def _within(bounds: tuple[Month | None, Month | None], start: Month, end: Month | None) -> bool:
    latest_start, earliest_end = bounds
    if latest_start is not None and start > latest_start:
        return False
    return earliest_end is None or end is None or end >= earliest_end


@frozen
class Window:
    """A fixed window (C2, C8): certifications count from ``start``; with none by ``end``
    (both days included), a person is overdue."""

    start: dt.date
    end: dt.date
    reference: str = ""

    kind = "window"

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the window ends ({self.end}) before it starts ({self.start})")

    @property
    def start_month(self) -> Month:
        return Month.of(self.start)

    @property
    def end_month(self) -> Month:
        return Month.of(self.end)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @property
    def opens(self) -> dt.date:
        return self.start

    @property
    def common_first_month(self) -> Month:
        """The first month simulated for everyone (C6)."""
        return self.start_month

    @property
    def coverage_bounds(self) -> tuple[Month | None, Month | None]:
        """C4: the latest start month and the earliest end month of a covered entitlement."""
        return self.end_month, self.start_month

    def first_month(self, starts: Iterable[Month]) -> Month:
        return self.start_month

    def covers(self, start: Month, end: Month | None) -> bool:
        """C4: started by the window's end month and not ended before its start month."""
        return _within(self.coverage_bounds, start, end)

    def due_date(
        self, schemes: Iterable[Scheme], first_start: Month, last: dt.date | None
    ) -> dt.date | None:
        return None if last is not None else self.end

    def describe(self) -> list[str]:
        """The duty in lines of English, as ``sscert campaign show`` prints it."""
        return [
            _("window (认证时间): {start} to {end}, both days included").format(
                start=self.start, end=self.end
            ),
            _("  reference: {reference}").format(reference=self.reference),
        ]

    def describe_zh(self) -> str:
        return f"认证时间 {self.start:%Y年%m月%d日} 至 {self.end:%Y年%m月%d日}"

    def next_deadline(self, day: dt.date) -> dt.date | None:
        """The deadline everyone works towards on ``day``: the window's end, until it
        passes."""
        return self.end if day <= self.end else None


@frozen
class RollingCycle:
    """Certify at least every ``months`` months, counted from the last certification
    (人社厅发〔2018〕54号).

    ``by_scheme`` overrides ``months`` for some schemes; a person holding several schemes is
    held to the shortest cycle. ``start`` (optional) is the day from which certifications
    count. A person never certified is first due by the last day of the month ``months``
    after their first covered entitlement's start month (or the cycle's start month, when
    later).
    """

    months: int
    reference: str = ""
    by_scheme: Mapping[Scheme, int] = field(factory=dict)
    start: dt.date | None = None

    kind = "rolling"

    def __attrs_post_init__(self) -> None:
        for value in (self.months, *self.by_scheme.values()):
            if not 1 <= value <= 120:
                raise ValueError(f"a cycle is 1 to 120 months, not {value}")

    def months_for(self, schemes: Iterable[Scheme]) -> int:
        """The cycle length for a person holding ``schemes``: the shortest that applies."""
        lengths = [self.by_scheme.get(scheme, self.months) for scheme in schemes]
        return min(lengths, default=self.months)

    @property
    def opens(self) -> dt.date | None:
        return self.start

    @property
    def common_first_month(self) -> Month | None:
        """The cycle's start month; ``None``: each person from their first entitlement."""
        return Month.of(self.start) if self.start is not None else None

    @property
    def coverage_bounds(self) -> tuple[Month | None, Month | None]:
        return None, self.common_first_month

    def first_month(self, starts: Iterable[Month]) -> Month:
        if self.start is not None:
            return Month.of(self.start)
        return min(starts, default=Month(9999, 12))

    def covers(self, start: Month, end: Month | None) -> bool:
        return _within(self.coverage_bounds, start, end)

    def first_due(self, schemes: Iterable[Scheme], first_start: Month) -> dt.date:
        anchor = first_start
        if self.start is not None:
            anchor = max(anchor, Month.of(self.start))
        return (anchor + self.months_for(schemes)).last_day()

    def due_date(
        self, schemes: Iterable[Scheme], first_start: Month, last: dt.date | None
    ) -> dt.date | None:
        chosen = list(schemes)
        if last is None:
            return self.first_due(chosen, first_start)
        return last + relativedelta(months=self.months_for(chosen))

    def describe(self) -> list[str]:
        lines = [
            _("rolling cycle: certify at least every {months} months").format(months=self.months)
        ]
        for scheme, months in self.by_scheme.items():
            lines.append(
                _("  {scheme} ({code}): every {months} months").format(
                    scheme=scheme.name_zh, code=scheme.value, months=months
                )
            )
        if self.start:
            lines.append(_("  counting from {start}").format(start=self.start))
        lines.append(_("  reference: {reference}").format(reference=self.reference))
        return lines

    def describe_zh(self) -> str:
        return f"滚动认证：自上次认证起每 {self.months} 个月至少认证一次"

    def next_deadline(self, day: dt.date) -> dt.date | None:
        """No common deadline: each person's own (rolling)."""
        return None


@frozen
class Period:
    """One scheme's calendar period (C14): ``months`` 6 (January–June, July–December) or 12
    (the calendar year), and at most ``max_interval`` months between two certifications
    (``None``: the periods alone)."""

    months: int
    max_interval: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.months not in (6, 12):
            raise ValueError(f"a calendar period is 6 or 12 months, not {self.months}")
        if self.max_interval is not None and not 1 <= self.max_interval <= 120:
            raise ValueError(f"a maximum interval is 1 to 120 months, not {self.max_interval}")

    def describe(self) -> str:
        period = (
            _("each half-year (Jan–Jun, Jul–Dec)") if self.months == 6 else _("each calendar year")
        )
        if self.max_interval is not None:
            period += _(", at most {months} months apart").format(months=self.max_interval)
        return period

    def end_of_period(self, day: dt.date) -> dt.date:
        """The last day of the period that contains ``day``."""
        last_month = ((day.month - 1) // self.months + 1) * self.months
        return Month(day.year, last_month).last_day()

    def end_of_next_period(self, day: dt.date) -> dt.date:
        """The last day of the period after the one that contains ``day``."""
        return self.end_of_period(self.end_of_period(day) + dt.timedelta(days=1))

    def due_after(self, last: dt.date) -> dt.date:
        """C14: the earlier of ``last`` + the maximum interval (same day of month, clamped to
        the month's end) and the end of the period after the one containing ``last``."""
        due = self.end_of_next_period(last)
        if self.max_interval is not None:
            due = min(due, last + relativedelta(months=self.max_interval))
        return due


@frozen
class CalendarPeriods:
    """Certify once in each calendar period (C14): per scheme a period of 6 or 12 months and
    a maximum interval; ``default`` for schemes not named in ``by_scheme``. Certifications
    count from ``start``. With several schemes the earliest due date wins."""

    start: dt.date
    default: Period
    by_scheme: Mapping[Scheme, Period] = field(factory=dict)
    reference: str = ""

    kind = "periods"

    def period_for(self, scheme: Scheme) -> Period:
        return self.by_scheme.get(scheme, self.default)

    @property
    def opens(self) -> dt.date:
        return self.start

    @property
    def common_first_month(self) -> Month:
        return Month.of(self.start)

    @property
    def coverage_bounds(self) -> tuple[Month | None, Month | None]:
        return None, Month.of(self.start)

    def first_month(self, starts: Iterable[Month]) -> Month:
        return Month.of(self.start)

    def covers(self, start: Month, end: Month | None) -> bool:
        return _within(self.coverage_bounds, start, end)

    def due_date(
        self, schemes: Iterable[Scheme], first_start: Month, last: dt.date | None
    ) -> dt.date | None:
        periods = [self.period_for(s) for s in schemes] or [self.default]
        if last is None:
            anchor = max(self.start, first_start.first_day())
            return min(p.end_of_period(anchor) for p in periods)
        return min(p.due_after(last) for p in periods)

    def describe(self) -> list[str]:
        lines = [_("calendar periods (C14), counting from {start}:").format(start=self.start)]
        lines.append(_("  every scheme: {period}").format(period=self.default.describe()))
        for scheme, period in self.by_scheme.items():
            lines.append(
                _("  {scheme} ({code}): {period}").format(
                    scheme=scheme.name_zh, code=scheme.value, period=period.describe()
                )
            )
        lines.append(_("  reference: {reference}").format(reference=self.reference))
        return lines

    def describe_zh(self) -> str:
        return f"按自然周期认证（自 {self.start:%Y年%m月%d日} 起）"

    def next_deadline(self, day: dt.date) -> dt.date | None:
        """The end of the shortest period that contains ``day`` (once counting began)."""
        if day < self.start:
            return None
        shortest = min([self.default, *self.by_scheme.values()], key=lambda p: p.months)
        return shortest.end_of_period(day)


Duty = Window | RollingCycle | CalendarPeriods
