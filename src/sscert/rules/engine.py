"""One person under one campaign as of a date: every rule applied, every decision kept."""

from __future__ import annotations

import datetime as dt

from attrs import frozen

from sscert.campaigns.model import Campaign
from sscert.people import Person
from sscert.rules.citations import (
    FRAUD_LAW,
    FRAUD_REGULATION,
    OVERPAYMENT,
    SEED_CHANNELS,
    SEED_SCOPE,
    SEED_WINDOW,
)
from sscert.rules.coverage import covered_entitlements
from sscert.rules.deadline import deadline_for
from sscert.rules.death import DeathReport, assess_death_report
from sscert.rules.decisions import Decision, Rule
from sscert.rules.knowledge import Facts, KnownCertification, Rejection, known_facts
from sscert.rules.payroll import MonthOutcome, Outcome, run_payroll
from sscert.rules.penalty import FraudPenalty, fraud_evidence, fraud_penalty
from sscert.rules.status import Status, status_as_of, status_reason
from sscert.values.money import Money
from sscert.values.months import Month

__all__ = ["PersonResult", "Totals", "default_first_month", "evaluate"]


@frozen
class Totals:
    paid_on_time: Money
    backpaid: Money
    withheld: Money
    overpaid: Money

    @classmethod
    def of(cls, months: list[MonthOutcome]) -> Totals:
        def total(outcome: Outcome, due: bool = False) -> Money:
            return Money.sum(m.due if due else m.paid for m in months if m.outcome is outcome)

        return cls(
            paid_on_time=total(Outcome.PAID),
            backpaid=total(Outcome.BACKPAID),
            withheld=total(Outcome.WITHHELD, due=True),
            overpaid=total(Outcome.OVERPAID),
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


def default_first_month(campaign: Campaign, person: Person) -> Month:
    """C6: the window's start month; for a rolling cycle, its start month or else the
    person's earliest entitlement start."""
    if campaign.window is not None:
        return campaign.window.start_month
    assert campaign.cycle is not None
    if campaign.cycle.start is not None:
        return Month.of(campaign.cycle.start)
    starts = [e.start for e in person.entitlements]
    return min(starts) if starts else Month(9999, 12)


def _rejection_decision(campaign: Campaign, rejected: KnownCertification) -> Decision:
    event = rejected.event
    if rejected.rejection is Rejection.CHANNEL_NOT_ACCEPTED:
        reason = (
            f"event {rejected.index}: certification on {rejected.on} through "
            f"{event.channel}, a channel {campaign.id} does not accept: it does not count"
        )
        return Decision(Rule.C3_CHANNELS, reason, (SEED_CHANNELS,))
    reason = (
        f"event {rejected.index}: certification on {rejected.on}, before certification "
        f"opened on {campaign.window.start if campaign.window else ''}: it does not count"
    )
    return Decision(Rule.C2_WINDOW, reason.replace(" on :", ":"), (SEED_WINDOW,))


def evaluate(
    campaign: Campaign, person: Person, as_of: dt.date, first: Month | None = None
) -> PersonResult:
    """Apply rules C1-C12 to ``person`` under ``campaign`` as of ``as_of``.

    ``first`` is the first month to simulate (the case's ``from``); by default the window's
    start month. Pure: no clock, no I/O.
    """
    facts: Facts = known_facts(campaign, person.events, as_of)
    covered = covered_entitlements(campaign, person.entitlements)
    deadline = deadline_for(campaign, covered, facts)
    decisions: list[Decision] = []

    if covered:
        schemes = ", ".join(sorted({e.scheme.value for e in covered}))
        decisions.append(
            Decision(Rule.C4_COVERAGE, f"covered by {campaign.id} through {schemes}", (SEED_SCOPE,))
        )
    else:
        decisions.append(
            Decision(
                Rule.C4_COVERAGE,
                f"no entitlement covered by {campaign.id}: never suspended",
                (SEED_SCOPE,),
            )
        )
    decisions.extend(_rejection_decision(campaign, r) for r in facts.rejected)

    first_month = first if first is not None else default_first_month(campaign, person)
    months, payroll_decisions = run_payroll(
        person.entitlements,
        first=first_month,
        as_of=as_of,
        day=campaign.payroll_day,
        deadline=deadline,
        death=facts.death,
    )
    decisions.extend(payroll_decisions)
    totals = Totals.of(months)

    evidence = fraud_evidence(facts)
    suspected = bool(evidence)
    penalty = None
    if suspected:
        assert facts.death is not None
        dates = ", ".join(str(c.on) for c in evidence)
        penalty = fraud_penalty(totals.overpaid) if totals.overpaid.is_positive else None
        consequence = (
            f"repay {totals.overpaid} yuan and a fine of {penalty.fine_min} to "
            f"{penalty.fine_max} yuan"
            if penalty
            else "no overpayment to recover"
        )
        decisions.append(
            Decision(
                Rule.C11_FRAUD,
                f"certification attempted on {dates}, after the death on {facts.death.on}: "
                f"evidence of fraud (冒领); {consequence}",
                (FRAUD_LAW, FRAUD_REGULATION),
            )
        )
    elif totals.overpaid.is_positive:
        decisions.append(
            Decision(
                Rule.C10_DEATH,
                f"overpaid {totals.overpaid} yuan after the death, without evidence of fraud: "
                "to be recovered (退回, possibly in instalments or offset); no fine",
                (OVERPAYMENT,),
            )
        )

    death_report = assess_death_report(facts.death) if facts.death is not None else None
    if death_report is not None:
        decisions.append(Decision(Rule.C10_DEATH, death_report.note, (death_report.citation,)))

    status = status_as_of(campaign, facts, deadline)
    decisions.append(
        Decision(
            Rule.C12_STATUS, f"{status.value}: {status_reason(status, campaign, facts, deadline)}"
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
        decisions=tuple(decisions),
    )
