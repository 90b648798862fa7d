"""When a covered person is due: the duty's due date (C8, C14).

The campaign's duty (:mod:`sscert.campaigns.duties`) says it: a fixed window's end while the
person has no counting certification; a rolling cycle's length after the last one; or, for
calendar periods, the end of the period they are in (never certified) or the earlier of the
maximum interval and the end of the next period (after a certification). At a payroll day
after the due date, the person is overdue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import MutableMapping, Sequence

from attrs import field, frozen

from sscert.campaigns.model import Campaign
from sscert.people import Entitlement
from sscert.rules.knowledge import Facts
from sscert.schemes import Scheme
from sscert.values.months import Month

__all__ = ["Deadline", "deadline_for"]


@frozen
class Deadline:
    """The duty to certify, for one person under one campaign."""

    covered: bool
    campaign: Campaign
    schemes: frozenset[Scheme]
    first_start: Month | None
    facts: Facts
    #: The due date after each last counting certification (``None``: none yet), once
    #: asked for: the payroll asks on every payroll day, and it changes only when the person
    #: certifies.
    _due_after: MutableMapping[dt.date | None, dt.date | None] = field(
        factory=dict, init=False, eq=False, repr=False, hash=False
    )

    def due_date_at(self, day: dt.date) -> dt.date | None:
        """The last day on which the person is not yet overdue, seen on ``day`` (``None``
        when not due at all)."""
        if not self.covered or self.first_start is None:
            return None
        return self._due(self.facts.last_counting_on_or_before(day))

    def _due(self, last: dt.date | None) -> dt.date | None:
        """The due date after the last counting certification ``last`` (of a covered
        person), worked out once."""
        known = self._due_after
        if last in known:
            return known[last]
        assert self.first_start is not None
        due = known[last] = self.campaign.duty.due_date(self.schemes, self.first_start, last)
        return due

    @property
    def first_due(self) -> dt.date | None:
        """The due date before any certification."""
        if not self.covered or self.first_start is None:
            return None
        return self.campaign.duty.due_date(self.schemes, self.first_start, None)

    def overdue_at(self, day: dt.date) -> bool:
        """Whether the person is overdue on ``day`` (C8, C14): after its due date."""
        return self.overdue_on((day,))[0]

    def overdue_on(self, days: Sequence[dt.date]) -> list[bool]:
        """:meth:`overdue_at` for each of ``days`` (the payroll days of a run): after the due
        date :meth:`due_date_at` gives for the day, with the coverage asked once."""
        if not self.covered or self.first_start is None:
            return [False] * len(days)
        due, last_on = self._due, self.facts.last_counting_on_or_before
        overdue = []
        for day in days:
            until = due(last_on(day))
            overdue.append(until is not None and day > until)
        return overdue


def deadline_for(campaign: Campaign, covered: list[Entitlement], facts: Facts) -> Deadline:
    return Deadline(
        bool(covered),
        campaign,
        frozenset([e.scheme for e in covered]),
        min([e.start for e in covered]) if covered else None,
        facts,
    )
