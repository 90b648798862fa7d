"""C6-C10: the monthly payroll, decided on each payroll day with only what was known then.

C6 Payroll: payment for month M is decided on the campaign's payroll day of M, using only
what was known that day: certifications dated on or before it, deaths reported on or before
it. Months run from the ``from`` month (or the entitlement's start if later) up to the last
payroll day not after the as-of date, and not past the entitlement's end month.
C7 Amount: the amount due for M is the entitlement's amount in force in M.
C8 Suspension: at a payroll day after the deadline, a covered person with no counting
certification is suspended: that month is withheld, for every one of their entitlements.
Once a death is known, suspension no longer applies.
C9 Back-pay: at the first payroll day at which a suspended person is no longer suspended,
every withheld month is paid in that run, each at its own month's amount (补发, 涞源县社会保险
待遇领取资格认证通知 (2023) 四、注意事项). An entitlement that has ended since still has its
withheld months released.
C15 Dependants: a month after a dependant's benefit ended, or whose payroll day falls in a
prison term, is stopped: nothing is due, nothing withheld, nothing back-paid.
C10 Death: months after the death month are not due. Once the death is known at a payroll
day, nothing more is paid for later months, withheld months up to the death month are paid
(to the heirs) in that run, and withheld months after it are dropped. Any payment made,
before the death was known, for a month after the death month is an overpayment. At the
as-of date, months after the death month still withheld are dropped.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Sequence

from attrs import define, frozen

from sscert.campaigns.model import Campaign
from sscert.events import Died, Imprisoned
from sscert.people import Entitlement
from sscert.rules import citations
from sscert.rules.deadline import Deadline
from sscert.rules.decisions import Decision, Rule
from sscert.rules.dependants import NO_STOPS, Stops, citations_for_end, citations_for_prison
from sscert.schemes import Scheme
from sscert.values.money import Money
from sscert.values.months import Month

__all__ = ["MonthOutcome", "Outcome", "last_payroll_month", "run_payroll"]

ZERO = Money(0)


class Outcome(enum.StrEnum):
    PAID = "paid"
    WITHHELD = "withheld"
    BACKPAID = "backpaid"
    STOPPED = "stopped"
    OVERPAID = "overpaid"


#: The rule that decides each outcome.
OUTCOME_RULE: dict[Outcome, Rule] = {
    Outcome.PAID: Rule.C6_PAYROLL,
    Outcome.WITHHELD: Rule.C8_SUSPENSION,
    Outcome.BACKPAID: Rule.C9_BACKPAY,
    Outcome.STOPPED: Rule.C10_DEATH,
    Outcome.OVERPAID: Rule.C10_DEATH,
}


@frozen
class MonthOutcome:
    """What happened to one entitlement's money for one month."""

    month: Month
    scheme: Scheme
    due: Money
    paid: Money
    paid_in: Month | None
    outcome: Outcome
    #: The rule that stopped the month when it is not the outcome's own (C15).
    cause: Rule | None = None

    @property
    def rule(self) -> Rule:
        return self.cause or OUTCOME_RULE[self.outcome]


@define
class _Row:
    month: Month
    amount: Money
    outcome: Outcome = Outcome.WITHHELD
    paid_in: Month | None = None
    cause: Rule | None = None


def payroll_day(month: Month, day: int) -> dt.date:
    return month.day(day)


@functools.lru_cache(maxsize=64)
def _run_days(first: int, last: int, day: int) -> tuple[tuple[Month, ...], tuple[dt.date, ...]]:
    """The months of a run from month index ``first`` to ``last`` and their payroll days:
    the same for everyone a campaign's run pays, so made once (months and dates are
    immutable)."""
    run = tuple(Month.from_index(index) for index in range(first, last + 1))
    return run, tuple(payroll_day(month, day) for month in run)


def last_payroll_month(as_of: dt.date, day: int) -> Month:
    """The month of the last payroll day not after ``as_of``."""
    current = Month.of(as_of)
    return current if as_of.day >= day else current - 1


def _money_list(rows: Sequence[_Row | MonthOutcome]) -> str:
    return ", ".join(str(r.month) for r in rows)


def run_payroll(
    entitlements: Sequence[Entitlement],
    *,
    campaign: Campaign,
    first: Month,
    as_of: dt.date,
    day: int,
    deadline: Deadline,
    death: Died | None,
    stops: Sequence[Stops] | None = None,
) -> tuple[list[MonthOutcome], list[Decision]]:
    """Simulate the payroll runs from ``first`` to the last one not after ``as_of``.

    ``death`` is the death known at ``as_of`` (C5), or ``None``; ``stops`` the C15 stops of
    each entitlement (:func:`~sscert.rules.dependants.stops_for`). Returns the month rows
    (per entitlement in input order, months ascending) and the decisions that shaped them.
    """
    stops = stops if stops is not None else [NO_STOPS] * len(entitlements)
    ended_rows: list[list[_Row]] = [[] for _ in entitlements]
    prison_rows: dict[tuple[int, object], list[_Row]] = {}
    last = last_payroll_month(as_of, day)
    death_month = Month.of(death.on) if death is not None else None
    # a month paid or stopped on its own payroll day is final at once; a withheld one (or
    # one stopped under C15, named in a decision) is a row decided later
    rows: list[list[_Row | MonthOutcome]] = [[] for _ in entitlements]
    withheld: list[list[_Row]] = [[] for _ in entitlements]
    decisions: list[Decision] = []
    suspended_since: Month | None = None
    death_applied = False
    # Each entitlement's first and last month in the run as month indexes (an open end runs
    # past the last payroll month), its amount when it never changes, and its C15 stops.
    plan = [
        (
            position,
            entitlement,
            max(first, entitlement.start).index,
            entitlement.end.index if entitlement.end is not None else last.index,
            entitlement.amount if not entitlement.changes else None,
            stops[position] if stops[position] is not NO_STOPS else None,
        )
        for position, entitlement in enumerate(entitlements)
    ]
    death_index = death_month.index if death_month is not None else last.index + 1

    run, paydays = _run_days(first.index, last.index, day)
    overdue_on = deadline.overdue_on(paydays)
    for month, payday, overdue_then in zip(run, paydays, overdue_on, strict=True):
        index = month.index
        death_known = death is not None and death.reported_on <= payday
        overdue = not death_known and overdue_then
        released: list[_Row] = []
        dropped: list[_Row] = []
        new_withheld = False
        overpaid_now: list[_Row | MonthOutcome] = []
        for position, entitlement, begin, end, constant, stop in plan:
            waiting = withheld[position]
            if waiting and death_known:
                for row in waiting:
                    if row.month.index <= death_index:
                        row.outcome, row.paid_in = Outcome.BACKPAID, month
                        released.append(row)
                    else:
                        row.outcome = Outcome.STOPPED
                        dropped.append(row)
                waiting.clear()
            elif waiting and not overdue:
                for row in waiting:
                    after_death = row.month.index > death_index
                    row.outcome = Outcome.OVERPAID if after_death else Outcome.BACKPAID
                    row.paid_in = month
                    released.append(row)
                    if after_death:
                        overpaid_now.append(row)
                waiting.clear()
            if index < begin or index > end:
                continue
            amount = constant if constant is not None else entitlement.amount_in(month)
            if stop is not None and stop.stopped(month, payday):
                row = _Row(month, amount, Outcome.STOPPED, None, Rule.C15_DEPENDANTS)
                rows[position].append(row)
                if stop.end is not None and month > stop.end:
                    ended_rows[position].append(row)
                else:
                    prison_rows.setdefault((position, stop.prison_of(payday)), []).append(row)
            elif overdue:  # withheld: what becomes of the month is decided later
                row = _Row(month, amount)
                rows[position].append(row)
                waiting.append(row)
                new_withheld = True
            elif death_known and index > death_index:
                rows[position].append(
                    MonthOutcome(month, entitlement.scheme, ZERO, ZERO, None, Outcome.STOPPED)
                )
            elif index > death_index:  # paid before the death was known: overpaid
                final = MonthOutcome(
                    month, entitlement.scheme, ZERO, amount, month, Outcome.OVERPAID
                )
                rows[position].append(final)
                overpaid_now.append(final)
            else:  # paid on its payroll day: final
                rows[position].append(
                    MonthOutcome(month, entitlement.scheme, amount, amount, month, Outcome.PAID)
                )

        if overdue and new_withheld and suspended_since is None:
            suspended_since = month
            due = deadline.due_date_at(payday)
            decisions.append(
                Decision(
                    Rule.C8_SUSPENSION,
                    f"payroll of {payday}: no counting certification and the due date "
                    f"{due} has passed: payment suspended (暂停发放) from {month}",
                    citations.suspension(campaign),
                    month,
                    on=payday,
                )
            )
        if released and not death_known:
            total = Money.sum(r.amount for r in released)
            last_cert = deadline.facts.last_counting_on_or_before(payday)
            decisions.append(
                Decision(
                    Rule.C9_BACKPAY,
                    f"payroll of {payday}: certified on {last_cert}, suspension lifted; "
                    f"withheld months {_money_list(released)} paid in this run (补发 from the "
                    f"month of suspension), {total} yuan",
                    citations.backpay(campaign),
                    month,
                    on=payday,
                )
            )
            suspended_since = None
        if death_known and not death_applied:
            assert death is not None
            assert death_month is not None
            death_applied = True
            parts = [
                f"payroll of {payday}: death on {death.on} known (reported {death.reported_on}); "
                f"nothing is due after {death_month} (次月停发: national practice, which no "
                "article states)"
            ]
            if released:
                parts.append(
                    f"withheld months {_money_list(released)} paid to the heirs in this run"
                )
            if dropped:
                parts.append(f"withheld months {_money_list(dropped)} dropped")
            decisions.append(
                Decision(
                    Rule.C10_DEATH,
                    "; ".join(parts),
                    citations.death_stop(campaign, death.on),
                    month,
                    on=death.on,
                )
            )
        if overpaid_now:
            assert death is not None
            decisions.append(
                Decision(
                    Rule.C10_DEATH,
                    f"payroll of {payday}: {_money_list(overpaid_now)} paid for months after "
                    f"the death on {death.on}, before it was known: overpaid (多享受), to be "
                    "recovered",
                    citations.death_stop(campaign, death.on) + citations.overpayment(payday),
                    month,
                    on=payday,
                )
            )

    # At the as-of date, months after the death month still withheld have nothing due.
    if death is not None and death.reported_on <= as_of:
        assert death_month is not None
        still = [r for group in withheld for r in group if r.month > death_month]
        for row in still:
            row.outcome = Outcome.STOPPED
        if still:
            decisions.append(
                Decision(
                    Rule.C10_DEATH,
                    f"as of {as_of}: death on {death.on} known; withheld months "
                    f"{_money_list(still)} after the death month are dropped",
                    citations.death_stop(campaign, death.on),
                    on=death.on,
                )
            )

    decisions.extend(_dependant_decisions(entitlements, stops, ended_rows, prison_rows))
    result = [
        _finish(row, entitlement.scheme) if isinstance(row, _Row) else row
        for entitlement, group in zip(entitlements, rows, strict=True)
        for row in group
    ]
    return result, decisions


_END_WORDS = {
    "employed": "the dependant took up employment (就业)",
    "enlisted": "the dependant enlisted (参军)",
    "remarried": "the dependant remarried (再婚)",
    "adopted": "the dependant was adopted (被收养)",
}


def _dependant_decisions(
    entitlements: Sequence[Entitlement],
    stops: Sequence[Stops],
    ended_rows: list[list[_Row]],
    prison_rows: dict[tuple[int, object], list[_Row]],
) -> list[Decision]:
    """C15: why months of a dependant's benefit were stopped."""
    decisions = []
    for position, rows in enumerate(ended_rows):
        stop = stops[position]
        if not rows or stop.end is None or stop.end_on is None:
            continue
        scheme = entitlements[position].scheme.value
        if stop.end_reason == "adult":
            why = (
                f"the dependant turned 18 on {stop.end_on} and is not fully incapacitated "
                f"(完全丧失劳动能力): due up to and including {stop.end}"
            )
        else:
            why = (
                f"{_END_WORDS.get(stop.end_reason or '', stop.end_reason)} on {stop.end_on}: "
                f"due up to and including {stop.end}"
            )
        decisions.append(
            Decision(
                Rule.C15_DEPENDANTS,
                f"{scheme}: {why}; months {_money_list(rows)} stopped (停发)",
                citations_for_end(stop.end_on),
                stop.end + 1,
                on=stop.end_on,
            )
        )
    for (position, term), rows in prison_rows.items():
        assert isinstance(term, Imprisoned)
        scheme = entitlements[position].scheme.value
        until = f"to {term.end}" if term.end is not None else "(not released yet)"
        decisions.append(
            Decision(
                Rule.C15_DEPENDANTS,
                f"{scheme}: in prison (被判刑收监执行) from {term.start} {until}: months "
                f"{_money_list(rows)} stopped, without back-pay; payment resumes after release",
                citations_for_prison(term.start),
                rows[0].month,
                on=term.start,
            )
        )
    return decisions


def _finish(row: _Row, scheme: Scheme) -> MonthOutcome:
    if row.outcome in (Outcome.PAID, Outcome.BACKPAID):
        return MonthOutcome(row.month, scheme, row.amount, row.amount, row.paid_in, row.outcome)
    if row.outcome is Outcome.WITHHELD:
        return MonthOutcome(row.month, scheme, row.amount, ZERO, None, row.outcome)
    if row.outcome is Outcome.OVERPAID:
        return MonthOutcome(row.month, scheme, ZERO, row.amount, row.paid_in, row.outcome)
    return MonthOutcome(row.month, scheme, ZERO, ZERO, None, Outcome.STOPPED, row.cause)
