"""``calculate(case) -> result``: the JSON contract of the rules (DOMAIN §7, C1-C12).

Plain JSON-ready data in and out. Bad input raises :class:`~sscert.contract.InputError`
naming the path of the bad field; nothing reads a clock: ``as_of`` is in the case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final

from sscert.contract import CampaignsArg, Case, parse_case
from sscert.rules.decisions import Rule
from sscert.rules.engine import PersonResult, evaluate
from sscert.rules.payroll import MonthOutcome, Outcome
from sscert.rules.penalty import FinePolicy
from sscert.schemes import Scheme

__all__ = [
    "calculate",
    "calculate_case",
    "iter_case",
    "person_result_to_dict",
    "result_head",
    "result_to_dict",
]


def calculate(
    case: dict[str, Any],
    *,
    known_channels: Iterable[str] | None = None,
    campaigns: CampaignsArg = None,
) -> dict[str, Any]:
    """Apply rules C1-C12 to every person of ``case`` and return the result as plain data.

    See ``docs/calculate.md`` for the case and result shapes. ``known_channels`` adds
    channel codes provided by plugins to those sscert knows. The case's ``campaign`` names
    a bundled campaign or one of ``campaigns`` (a mapping by id, or campaigns loaded by the
    caller, e.g. with :func:`~sscert.load_campaign` from a file): never a file.

    Raises :class:`~sscert.InputError` naming the path of every bad field, and no other
    exception for any input.
    """
    parsed = parse_case(case, known_channels=known_channels, campaigns=campaigns)
    return result_to_dict(parsed, calculate_case(parsed))


def calculate_case(
    case: Case,
    *,
    fine_policy: FinePolicy | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[PersonResult]:
    """The rules applied to a validated case, person by person, in input order.

    ``fine_policy`` (a regional policy from a plugin) may suggest a multiple of the fine for
    each suspected fraud; the suggestion is recorded, never applied. ``progress`` is told
    how many people are done, now and then."""
    return list(iter_case(case, fine_policy=fine_policy, progress=progress))


def iter_case(
    case: Case,
    *,
    fine_policy: FinePolicy | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[PersonResult]:
    """:func:`calculate_case` one result at a time, so that a caller can write each one out
    and let it go."""
    done = 0
    for done, person in enumerate(case.people, start=1):
        yield evaluate(case.campaign, person, case.as_of, case.first, fine_policy=fine_policy)
        if progress is not None and done % 1000 == 0:
            progress(done)
    if progress is not None:
        progress(done)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


#: The text of each code (an enum's ``value`` is a descriptor: a dictionary is faster).
_CODES: Final[dict[Any, str]] = {m: m.value for e in (Scheme, Outcome, Rule) for m in e}


def _month_row(row: MonthOutcome, codes: dict[Any, str] = _CODES) -> dict[str, Any]:
    paid_in = row.paid_in
    return {
        "month": str(row.month),
        "scheme": codes[row.scheme],
        "due": str(row.due),
        "paid": str(row.paid),
        "paid_in": None if paid_in is None else str(paid_in),
        "outcome": codes[row.outcome],
        "rule": codes[row.rule],
    }


def person_result_to_dict(result: PersonResult) -> dict[str, Any]:
    """One person's result in the contract's JSON shape (with sscert's extra keys)."""
    person = result.person
    report = result.death_report
    return {
        "id_number": person.id_number.value,
        "name": person.name,
        "township": person.township,
        "status": result.status.value,
        "certified_on": _date(result.certified_on),
        "last_certified_on": _date(result.last_certified_on),
        "next_due": _date(result.next_due),
        "suspected_fraud": result.suspected_fraud,
        "totals": {
            "paid_on_time": str(result.totals.paid_on_time),
            "backpaid": str(result.totals.backpaid),
            "withheld": str(result.totals.withheld),
            "overpaid": str(result.totals.overpaid),
        },
        "penalty": result.penalty.to_dict() if result.penalty is not None else None,
        "fine_suggestion": result.penalty.suggestion_dict() if result.penalty else None,
        "review": [lead.to_dict() for lead in result.review],
        "months": [_month_row(row) for row in result.months],
        "rejected_events": [
            {"index": c.index, "reason": c.rejection.value if c.rejection else None}
            for c in sorted(result.rejected, key=lambda c: c.index)
        ],
        "fraud_evidence": [
            {"index": c.index, "on": c.on.isoformat()}
            for c in sorted(result.fraud_evidence, key=lambda c: c.index)
        ],
        "death_report": None
        if report is None
        else {
            "died_on": report.death.on.isoformat(),
            "reported_on": report.death.reported_on.isoformat(),
            "working_days": report.working_days,
            "late": report.late,
            "citation": str(report.citation),
            "citations": [c.to_dict() for c in report.citations],
            "explanation": report.note,
        },
        "decisions": [d.to_dict() for d in result.decisions],
        "settlement": result.settlement.to_dict() if result.settlement is not None else None,
        "benefits_ended": result.benefits_ended,
    }


def result_head(case: Case) -> dict[str, Any]:
    """What a result says of its case before its people: the as-of date, the campaign and
    the first month."""
    return {
        "as_of": case.as_of.isoformat(),
        "campaign": case.campaign.id,
        "from": str(case.first) if case.first is not None else None,
    }


def result_to_dict(case: Case, results: list[PersonResult]) -> dict[str, Any]:
    return {**result_head(case), "people": [person_result_to_dict(r) for r in results]}
