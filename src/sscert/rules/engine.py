"""One person under one campaign as of a date: every rule applied, every decision kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Final

from attrs import frozen

from sscert.campaigns.model import Campaign
from sscert.people import Person
from sscert.rules import citations
from sscert.rules.coverage import covered_entitlements
from sscert.rules.deadline import deadline_for
from sscert.rules.death import DeathReport, assess_death_report
from sscert.rules.decisions import Decision, Rule
from sscert.rules.dependants import Stops, effective, stops_for
from sscert.rules.knowledge import Facts, KnownCertification, Rejection, known_facts
from sscert.rules.payroll import ZERO, MonthOutcome, Outcome, last_payroll_month, run_payroll
from sscert.rules.penalty import (
    FinePolicy,
    FraudLead,
    FraudPenalty,
    fraud_evidence,
    fraud_penalty,
    suggest_fine,
)
from sscert.rules.review import ReviewLead, review_leads
from sscert.rules.settlement import Settlement, settle
from sscert.rules.status import Status, status_as_of, status_reason
from sscert.values.money import Money
from sscert.values.months import Month

__all__ = ["PersonResult", "Totals", "default_first_month", "evaluate"]


_NOTHING: Final = Decimal(0)


@frozen
class Totals:
    paid_on_time: Money
    backpaid: Money
    withheld: Money
    overpaid: Money

    @classmethod
    def of(cls, months: list[MonthOutcome]) -> Totals:
        """Paid on time, back-paid and overpaid (what was paid), and withheld (what was
        due), in one pass over the months."""
        paid = backpaid = withheld = overpaid = _NOTHING
        for m in months:
            outcome = m.outcome
            if outcome is Outcome.PAID:
                paid += m.paid.amount
            elif outcome is Outcome.WITHHELD:
                withheld += m.due.amount
            elif outcome is Outcome.BACKPAID:
                backpaid += m.paid.amount
            elif outcome is Outcome.OVERPAID:
                overpaid += m.paid.amount
        return cls(
            paid_on_time=Money(paid) if paid else ZERO,
            backpaid=Money(backpaid) if backpaid else ZERO,
            withheld=Money(withheld) if withheld else ZERO,
            overpaid=Money(overpaid) if overpaid else ZERO,
        )


@frozen
class PersonResult:
    """Everything the rules decided about one person, and why."""

    person: Person
    as_of: dt.date
    status: Status
    certified_on: dt.date | None
    last_certified_on: dt.date | None
    next_due: dt.date | None
    suspected_fraud: bool
    totals: Totals
    penalty: FraudPenalty | None
    months: tuple[MonthOutcome, ...]
    rejected: tuple[KnownCertification, ...]
    fraud_evidence: tuple[KnownCertification, ...]
    death_report: DeathReport | None
    decisions: tuple[Decision, ...]
    review: tuple[ReviewLead, ...] = ()
    #: C16: what is owed each way after a death known at the as-of date.
    settlement: Settlement | None = None
    #: Every benefit has ended (end month, or C15) and nothing is withheld: nothing more
    #: can be paid, so there is nobody to remind.
    benefits_ended: bool = False


def default_first_month(campaign: Campaign, person: Person) -> Month:
    """C6: the duty's first month — the window's start month; a rolling cycle's start month
    or else the person's earliest entitlement start; the calendar periods' start month."""
    return campaign.duty.first_month(e.start for e in person.entitlements)


def _rejection_decision(campaign: Campaign, rejected: KnownCertification) -> Decision:
    event = rejected.event
    if rejected.rejection is Rejection.CHANNEL_NOT_ACCEPTED:
        reason = (
            f"event {rejected.index}: certification on {rejected.on} through "
            f"{event.channel}, a channel {campaign.id} does not accept: it does not count"
        )
        return Decision(Rule.C3_CHANNELS, reason, citations.channels(campaign), on=rejected.on)
    reason = (
        f"event {rejected.index}: certification on {rejected.on}, before certification "
        f"opened on {campaign.duty.opens}: it does not count"
    )
    return Decision(Rule.C2_WINDOW, reason, citations.duty(campaign), on=rejected.on)


def evaluate(
    campaign: Campaign,
    person: Person,
    as_of: dt.date,
    first: Month | None = None,
    *,
    fine_policy: FinePolicy | None = None,
) -> PersonResult:
    """Apply rules C1-C16 to ``person`` under ``campaign`` as of ``as_of``.

    ``first`` is the first month to simulate (the case's ``from``); by default the duty's
    first month. ``fine_policy`` (a regional policy, from a plugin) may suggest a multiple
    of the fine for a suspected fraud; the suggestion is recorded, never applied. Pure: no
    clock, no I/O.
    """
    facts: Facts = known_facts(campaign, person.events, as_of)
    stops = stops_for(person, facts.dependant_ended, facts.imprisonments)
    covered = covered_entitlements(
        campaign, [effective(e, s) for e, s in zip(person.entitlements, stops, strict=True)]
    )
    deadline = deadline_for(campaign, covered, facts)
    decisions: list[Decision] = []

    if covered:
        schemes = ", ".join(sorted({e.scheme.value for e in covered}))
        decisions.append(
            Decision(
                Rule.C4_COVERAGE,
                f"covered by {campaign.id} through {schemes}",
                citations.scope(campaign),
            )
        )
    else:
        decisions.append(
            Decision(
                Rule.C4_COVERAGE,
                f"no entitlement covered by {campaign.id}: never suspended",
                citations.scope(campaign),
            )
        )
    decisions.extend(_rejection_decision(campaign, r) for r in facts.rejected)

    first_month = first if first is not None else default_first_month(campaign, person)
    months, payroll_decisions = run_payroll(
        person.entitlements,
        campaign=campaign,
        first=first_month,
        as_of=as_of,
        day=campaign.payroll_day,
        deadline=deadline,
        death=facts.death,
        stops=stops,
    )
    decisions.extend(payroll_decisions)
    totals = Totals.of(months)

    evidence = fraud_evidence(facts)
    suspected = bool(evidence)
    penalty = None
    if suspected:
        assert facts.death is not None
        penalty, decision = _suspected_fraud(
            campaign,
            person,
            facts=facts,
            evidence=evidence,
            totals=totals,
            fine_policy=fine_policy,
        )
        decisions.append(decision)
    elif totals.overpaid.is_positive:
        assert facts.death is not None
        decisions.append(
            Decision(
                Rule.C10_DEATH,
                f"overpaid {totals.overpaid} yuan after the death, without evidence of fraud: "
                "to be recovered (退回, possibly in instalments or offset); no fine",
                citations.overpayment(_last_overpaid_payday(campaign, months)),
                on=_last_overpaid_payday(campaign, months),
            )
        )

    death_report = assess_death_report(facts.death, campaign) if facts.death is not None else None
    if death_report is not None:
        decisions.append(
            Decision(
                Rule.C10_DEATH,
                death_report.note,
                death_report.citations,
                on=death_report.death.on,
            )
        )
    settlement = None
    if facts.death is not None:
        settlement = settle(
            campaign,
            person,
            months=months,
            death=facts.death,
            as_of=as_of,
            overpaid=totals.overpaid,
        )
    review = review_leads(campaign, facts, death_report, totals.overpaid, evidence)
    for lead in review:
        decisions.append(
            Decision(
                Rule.C11_FRAUD,
                f"review lead {lead.reason.value}: {lead.detail}",
                lead.citations,
                on=lead.on,
            )
        )

    status = status_as_of(campaign, facts, deadline)
    decisions.append(
        Decision(
            Rule.C12_STATUS,
            f"{status.value}: {status_reason(status, campaign, facts, deadline)}",
            on=as_of,
        )
    )
    next_due = (
        deadline.due_date_at(as_of)
        if status in (Status.CERTIFIED, Status.PENDING, Status.SUSPENDED)
        else None
    )
    return PersonResult(
        person=person,
        as_of=as_of,
        status=status,
        certified_on=facts.first_counting,
        last_certified_on=facts.last_counting_on_or_before(as_of),
        next_due=next_due,
        suspected_fraud=suspected,
        totals=totals,
        penalty=penalty,
        months=tuple(months),
        rejected=facts.rejected,
        fraud_evidence=evidence,
        death_report=death_report,
        decisions=tuple(decisions) + (settlement.decisions if settlement else ()),
        review=review,
        settlement=settlement,
        benefits_ended=_ended(person, stops, as_of, campaign.payroll_day, totals),
    )


def _ended(
    person: Person, stops: Sequence[Stops], as_of: dt.date, day: int, totals: Totals
) -> bool:
    """Whether every entitlement ended by the last payroll run (its end month, or C15) and
    nothing is withheld."""
    if totals.withheld.is_positive or not person.entitlements:
        return False
    last = last_payroll_month(as_of, day)
    for entitlement, stop in zip(person.entitlements, stops, strict=True):
        ends = [m for m in (entitlement.end, stop.end) if m is not None]
        if not ends or min(ends) > last:
            return False
    return True


def _last_overpaid_payday(campaign: Campaign, months: list[MonthOutcome]) -> dt.date:
    paid = [m.paid_in for m in months if m.outcome is Outcome.OVERPAID and m.paid_in]
    return max(paid).day(campaign.payroll_day) if paid else dt.date.min


def _suspected_fraud(
    campaign: Campaign,
    person: Person,
    *,
    facts: Facts,
    evidence: tuple[KnownCertification, ...],
    totals: Totals,
    fine_policy: FinePolicy | None,
) -> tuple[FraudPenalty | None, Decision]:
    """C11: a lead for the 社会保险行政部门, with the statutory range if it confirms fraud."""
    death = facts.death
    assert death is not None
    dates = ", ".join(str(c.on) for c in evidence)
    first = min(c.on for c in evidence)
    cited = citations.fraud(first)
    if not totals.overpaid.is_positive:
        return None, Decision(
            Rule.C11_FRAUD,
            f"suspected fraud (疑似冒领线索, for the 社会保险行政部门 to investigate): a "
            f"certification was attempted on {dates}, after the death on {death.on}; no "
            "overpayment is at stake",
            cited,
            on=first,
        )
    statutory = fraud_penalty(totals.overpaid)
    lead = FraudLead(
        person.id_number,
        campaign.id,
        totals.overpaid,
        tuple(c.on for c in evidence),
        tuple(c.event.channel for c in evidence),
        death.on,
        death.reported_on,
    )
    suggestion = suggest_fine(fine_policy, campaign, lead)
    penalty = FraudPenalty(
        statutory.repay,
        statutory.fine_min,
        statutory.fine_max,
        citations=cited,
        suggestion=suggestion,
    )
    reason = (
        f"suspected fraud (疑似冒领线索, for the 社会保险行政部门 to investigate): a "
        f"certification was attempted on {dates}, after the death on {death.on}. If fraud is "
        f"confirmed after investigation and the penalty procedure (告知, 陈述申辩, 听证), the law "
        f"provides: repay {statutory.repay} yuan and a fine of {statutory.fine_min} to "
        f"{statutory.fine_max} yuan (2× to 5×); sscert decides neither"
    )
    if suggestion is not None:
        reason += (
            f"; a regional policy{' (' + suggestion.policy + ')' if suggestion.policy else ''} "
            f"suggests {suggestion.multiplier}× ({suggestion.reason}), for the staff who decide"
        )
    return penalty, Decision(Rule.C11_FRAUD, reason, cited, on=first)
