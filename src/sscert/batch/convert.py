"""Between the JSON contract and the columnar engine: a case into columns, a batch result
into the same dictionaries ``calculate`` returns (for checks and for small rosters)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs
import polars as pl

from sscert.batch.engine import DEPENDANT_ENDS, IMPRISONMENTS, BatchInput, BatchResult
from sscert.contract import Case
from sscert.events import Certified, DependantEnded, Died, Imprisoned
from sscert.people import Person
from sscert.rules.penalty import FineSuggestion, FraudPenalty, fraud_penalty
from sscert.values.money import Money

__all__ = ["fen_text", "from_case", "from_people", "to_result_dict"]

_ENTITLEMENTS = {
    "person": pl.Int64,
    "position": pl.Int64,
    "scheme": pl.Utf8,
    "start": pl.Int32,
    "end": pl.Int32,
    "amount": pl.Int64,
    "relationship": pl.Utf8,
    "incapacitated": pl.Boolean,
}
_CHANGES = {"person": pl.Int64, "scheme": pl.Utf8, "start": pl.Int32, "amount": pl.Int64}
_CERTS = {"person": pl.Int64, "index": pl.Int64, "on": pl.Date, "channel": pl.Utf8}
_DEATHS = {"person": pl.Int64, "index": pl.Int64, "on": pl.Date, "reported_on": pl.Date}


def _fen(amount: Any) -> int:
    cents = amount.amount * 100
    return int(cents)


def from_case(case: Case) -> BatchInput:
    """The columns of a validated case (people in case order)."""
    return from_people(case.people)


def from_people(persons: Sequence[Person]) -> BatchInput:
    """The columns of validated people (in their order)."""
    people: dict[str, list[Any]] = {"person": [], "id_number": [], "township": []}
    ents: dict[str, list[Any]] = {k: [] for k in _ENTITLEMENTS}
    changes: dict[str, list[Any]] = {k: [] for k in _CHANGES}
    certs: dict[str, list[Any]] = {k: [] for k in _CERTS}
    deaths: dict[str, list[Any]] = {k: [] for k in _DEATHS}
    ends: dict[str, list[Any]] = {k: [] for k in DEPENDANT_ENDS}
    prison: dict[str, list[Any]] = {k: [] for k in IMPRISONMENTS}
    for number, person in enumerate(persons):
        people["person"].append(number)
        people["id_number"].append(person.id_number.value)
        people["township"].append(person.township)
        for position, entitlement in enumerate(person.entitlements):
            for key, value in (
                ("person", number),
                ("position", position),
                ("scheme", entitlement.scheme.value),
                ("start", entitlement.start.index),
                ("end", entitlement.end.index if entitlement.end else None),
                ("amount", _fen(entitlement.amount)),
                (
                    "relationship",
                    entitlement.dependant.relationship.value if entitlement.dependant else None,
                ),
                (
                    "incapacitated",
                    entitlement.dependant.fully_incapacitated if entitlement.dependant else None,
                ),
            ):
                ents[key].append(value)
            for change in entitlement.changes:
                changes["person"].append(number)
                changes["scheme"].append(entitlement.scheme.value)
                changes["start"].append(change.start.index)
                changes["amount"].append(_fen(change.amount))
        for index, event in enumerate(person.events):
            if isinstance(event, Certified):
                certs["person"].append(number)
                certs["index"].append(index)
                certs["on"].append(event.on)
                certs["channel"].append(event.channel)
            elif isinstance(event, Died):
                deaths["person"].append(number)
                deaths["index"].append(index)
                deaths["on"].append(event.on)
                deaths["reported_on"].append(event.reported_on)
            elif isinstance(event, DependantEnded):
                ends["person"].append(number)
                ends["on"].append(event.on)
                ends["reason"].append(event.reason.value)
            elif isinstance(event, Imprisoned):
                prison["person"].append(number)
                prison["start"].append(event.start)
                prison["end"].append(event.end)
    return BatchInput(
        pl.DataFrame(
            people, schema={"person": pl.Int64, "id_number": pl.Utf8, "township": pl.Utf8}
        ),
        pl.DataFrame(ents, schema=_ENTITLEMENTS),
        pl.DataFrame(changes, schema=_CHANGES),
        pl.DataFrame(certs, schema=_CERTS),
        pl.DataFrame(deaths, schema=_DEATHS),
        pl.DataFrame(ends, schema=DEPENDANT_ENDS),
        pl.DataFrame(prison, schema=IMPRISONMENTS),
    )


def fen_text(column: str) -> pl.Expr:
    """Integer fen as the contract's money text, ``"2856.40"`` — exact, no float."""
    fen = pl.col(column)
    return pl.format("{}.{}", fen // 100, (fen % 100).cast(pl.Utf8).str.zfill(2))


def month_text(column: str) -> pl.Expr:
    index = pl.col(column)
    return pl.format(
        "{}-{}",
        (index // 12).cast(pl.Utf8).str.zfill(4),
        (index % 12 + 1).cast(pl.Utf8).str.zfill(2),
    )


def _penalty(row: dict[str, Any]) -> FraudPenalty | None:
    """The penalty of a person row in the contract's shape, made by the rules' own
    :class:`~sscert.rules.penalty.FraudPenalty` (the statutory range, and a policy's
    suggestion when there is one)."""
    if row["repay"] is None:
        return None
    statutory = fraud_penalty(Money.parse_exact(row["repay"]))
    suggestion = None
    if row.get("suggested_multiplier") is not None:
        suggestion = FineSuggestion(
            Decimal(row["suggested_multiplier"]),
            row["suggestion_reason"] or "",
            row["suggestion_policy"] or "",
        )
    return attrs.evolve(statutory, suggestion=suggestion)


def to_result_dict(as_of: dt.date, result: BatchResult) -> dict[str, Any]:
    """The batch result in ``calculate``'s JSON shape (its required keys)."""
    persons = result.persons.with_columns(
        *(fen_text(c).alias(c) for c in ("paid_on_time", "backpaid", "withheld", "overpaid")),
        *(
            pl.when(pl.col(c).is_not_null()).then(fen_text(c)).alias(c)
            for c in ("repay", "fine_min", "fine_max")
        ),
        certified_on=pl.col("certified_on").dt.strftime("%Y-%m-%d"),
    )
    months = result.months.with_columns(
        fen_text("due").alias("due"),
        fen_text("paid").alias("paid"),
        month_text("month").alias("month"),
        pl.when(pl.col("paid_in").is_not_null()).then(month_text("paid_in")).alias("paid_in"),
    )
    by_person: dict[int, list[dict[str, Any]]] = {}
    for row in months.iter_rows(named=True):
        by_person.setdefault(row["person"], []).append(
            {k: row[k] for k in ("month", "scheme", "due", "paid", "paid_in", "outcome")}
        )
    rejected: dict[int, list[dict[str, Any]]] = {}
    for row in result.rejected.iter_rows(named=True):
        rejected.setdefault(row["person"], []).append(
            {"index": row["index"], "reason": row["reason"]}
        )
    people = []
    for row in persons.iter_rows(named=True):
        number = row["person"]
        penalty = _penalty(row)
        people.append(
            {
                "id_number": row["id_number"],
                "status": row["status"],
                "certified_on": row["certified_on"],
                "suspected_fraud": row["suspected_fraud"],
                "totals": {k: row[k] for k in ("paid_on_time", "backpaid", "withheld", "overpaid")},
                "penalty": penalty.to_dict() if penalty else None,
                "fine_suggestion": penalty.suggestion_dict() if penalty else None,
                "months": by_person.get(number, []),
                "rejected_events": rejected.get(number, []),
            }
        )
    return {"as_of": as_of.isoformat(), "people": people}
