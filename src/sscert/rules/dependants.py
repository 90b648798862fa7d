"""C15 Dependants (供养亲属, ``work_injury_survivor`` only): when a dependant's benefit ends or
pauses (因工死亡职工供养亲属范围规定, 劳社部令第18号).

* A child, grandchild or sibling who is not fully incapacitated (完全丧失劳动能力) is due up
  to and including the month in which they turn 18 — the birth date from the recipient's ID
  number — and nothing after (``stopped``; 第四条).
* ``dependant_ended`` (就业, 参军, 再婚, 被收养; on a date) stops the benefit from the month
  after (第四条).
* ``imprisoned`` (from, to): a month whose payroll day falls within the term is ``stopped``,
  without back-pay; payment resumes with the first payroll day after release (第五条).

An end is an end for coverage too (C4): a dependant whose benefit ended before a campaign
opened is not asked to certify. Only facts known at the as-of date count (C5): an end or a
term dated after it does not exist yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from attrs import evolve, frozen

from sscert.events import DependantEnded, Imprisoned
from sscert.law import Citation, cite
from sscert.people import ADULT_AGE, Entitlement, Person
from sscert.schemes import Scheme
from sscert.values.identity import IdNumber
from sscert.values.months import Month

__all__ = [
    "Stops",
    "adulthood",
    "citations_for_end",
    "citations_for_prison",
    "effective",
    "stops_for",
]


def adulthood(id_number: IdNumber) -> dt.date:
    """The day the recipient turns 18 (29 February → 28 February in a common year)."""
    birth = id_number.birth_date
    year = birth.year + ADULT_AGE
    try:
        return birth.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


@frozen
class Stops:
    """C15 for one entitlement: the last month due (``end``, with why and the date of the
    fact) and the prison terms that pause it."""

    end: Month | None = None
    end_on: dt.date | None = None
    #: ``adult`` (turned 18) or an :class:`~sscert.events.EndReason` value.
    end_reason: str | None = None
    prison: tuple[Imprisoned, ...] = ()

    def stopped(self, month: Month, payday: dt.date) -> bool:
        """Whether nothing is due for ``month``, decided on its payroll day ``payday``."""
        if self.end is not None and month > self.end:
            return True
        return any(term.covers(payday) for term in self.prison)

    def prison_of(self, payday: dt.date) -> Imprisoned | None:
        return next((term for term in self.prison if term.covers(payday)), None)


NO_STOPS = Stops()


def stops_for(
    person: Person, ended: DependantEnded | None, prison: Sequence[Imprisoned]
) -> tuple[Stops, ...]:
    """The C15 stops of each of ``person``'s entitlements (in order), from the end of the
    benefit and the prison terms known at the as-of date."""
    result = []
    for entitlement in person.entitlements:
        if entitlement.scheme is not Scheme.WORK_INJURY_SURVIVOR:
            result.append(NO_STOPS)
            continue
        ends: list[tuple[Month, dt.date, str]] = []
        dependant = entitlement.dependant
        if dependant is not None and dependant.ends_at_adulthood:
            turns = adulthood(person.id_number)
            ends.append((Month.of(turns), turns, "adult"))
        if ended is not None:
            ends.append((Month.of(ended.on), ended.on, ended.reason.value))
        end, end_on, reason = min(ends) if ends else (None, None, None)
        result.append(
            Stops(end, end_on, reason, tuple(prison)) if end is not None or prison else NO_STOPS
        )
    return tuple(result)


def effective(entitlement: Entitlement, stops: Stops) -> Entitlement:
    """The entitlement as coverage (C4) sees it: ending no later than its C15 end."""
    if stops.end is None or (entitlement.end is not None and entitlement.end <= stops.end):
        return entitlement
    return evolve(entitlement, end=stops.end)


def citations_for_end(on: dt.date) -> tuple[Citation, ...]:
    """劳社部令第18号 第四条, when in force on the date of the fact."""
    found = cite("dependants-rule", "第四条", on)
    return (found,) if found is not None else ()


def citations_for_prison(on: dt.date) -> tuple[Citation, ...]:
    """劳社部令第18号 第五条, when in force on the date of the fact."""
    found = cite("dependants-rule", "第五条", on)
    return (found,) if found is not None else ()
