"""When a covered person is overdue: the fixed window's end (C8) or the rolling cycle's due
date (人社厅发〔2018〕54号).

Fixed window: at a payroll day after the window's end, a person with no counting
certification on or before that day is overdue.

Rolling cycle of N months: a certification is valid for N months from its date
(``date + relativedelta(months=N)``); a person never certified is first due by the last day
of the month N months after their (earliest covered) entitlement's start month — or after
the cycle's own start month, when the cycle starts later (a cycle cannot have begun before
the campaign did). At a payroll day after the due date with no certification since, the
person is overdue.
"""

from __future__ import annotations

import datetime as dt

from attrs import frozen
from dateutil.relativedelta import relativedelta

from sscert.campaigns.model import Campaign
from sscert.people import Entitlement
from sscert.rules.citations import ROLLING_CYCLE, SEED_WINDOW, Citation
from sscert.rules.knowledge import Facts
from sscert.values.months import Month

__all__ = ["Deadline", "deadline_for"]


@frozen
class Deadline:
    """The duty to certify, for one person under one campaign."""

    covered: bool
    window_end: dt.date | None
    cycle_months: int | None
    first_due: dt.date | None
    facts: Facts

    @property
    def citation(self) -> Citation:
        return SEED_WINDOW if self.window_end is not None else ROLLING_CYCLE

    def due_date_at(self, day: dt.date) -> dt.date | None:
        """The last day on which the person is not yet overdue, seen on ``day``."""
        if not self.covered:
            return None
        if self.window_end is not None:
            return None if self.facts.certified_by(day) else self.window_end
        assert self.cycle_months is not None
        last = self.facts.last_counting_on_or_before(day)
        if last is None:
            return self.first_due
        return last + relativedelta(months=self.cycle_months)

    def overdue_at(self, day: dt.date) -> bool:
        """Whether the person is overdue on ``day`` (C8 / rolling cycle)."""
        due = self.due_date_at(day)
        return due is not None and day > due


def deadline_for(campaign: Campaign, covered: list[Entitlement], facts: Facts) -> Deadline:
    if campaign.window is not None:
        return Deadline(bool(covered), campaign.window.end, None, None, facts)
    assert campaign.cycle is not None
    if not covered:
        return Deadline(False, None, campaign.cycle.months, None, facts)
    months = campaign.cycle.months_for({e.scheme for e in covered})
    first_start = min(e.start for e in covered)
    if campaign.cycle.start is not None:
        first_start = max(first_start, Month.of(campaign.cycle.start))
    first_due = (first_start + months).last_day()
    return Deadline(True, None, months, first_due, facts)
