"""A roster as one row per person with nested lists — the shape a distributed run moves
around — and its conversion to the engine's tables."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl

from sscert.batch.tables import from_tables

__all__ = ["NESTED_SCHEMA", "flatten", "nest_case"]

_ENT = pl.Struct(
    {
        "scheme": pl.Utf8,
        "start": pl.Utf8,
        "end": pl.Utf8,
        "monthly_amount": pl.Utf8,
        "dependant_relationship": pl.Utf8,
        "dependant_fully_incapacitated": pl.Boolean,
    }
)
_CHG = pl.Struct({"scheme": pl.Utf8, "from": pl.Utf8, "monthly_amount": pl.Utf8})
_EVT = pl.Struct(
    {
        "type": pl.Utf8,
        "at": pl.Utf8,
        "channel": pl.Utf8,
        "on": pl.Utf8,
        "reported_on": pl.Utf8,
        "reason": pl.Utf8,
        "from": pl.Utf8,
        "to": pl.Utf8,
    }
)
NESTED_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "id_number": pl.Utf8,
    "region": pl.Utf8,
    "entitlements": pl.List(_ENT),
    "changes": pl.List(_CHG),
    "events": pl.List(_EVT),
}


def nest_case(people: Iterable[dict[str, Any]]) -> pl.DataFrame:
    """People of a calculation case as nested rows (the region is the ID number's first 6)."""
    rows = []
    for person in people:
        changes = [
            {"scheme": e["scheme"], "from": c["from"], "monthly_amount": c["monthly_amount"]}
            for e in person.get("entitlements", [])
            for c in e.get("changes", [])
        ]
        rows.append(
            {
                "id_number": person["id_number"],
                "region": str(person["id_number"])[:6],
                "entitlements": [
                    {
                        "scheme": e["scheme"],
                        "start": e["start"],
                        "end": e.get("end"),
                        "monthly_amount": e["monthly_amount"],
                        "dependant_relationship": (e.get("dependant") or {}).get("relationship"),
                        "dependant_fully_incapacitated": (e.get("dependant") or {}).get(
                            "fully_incapacitated"
                        ),
                    }
                    for e in person.get("entitlements", [])
                ],
                "changes": changes,
                "events": [
                    {
                        "type": v["type"],
                        "at": v.get("at"),
                        "channel": v.get("channel"),
                        "on": v.get("on"),
                        "reported_on": v.get("reported_on"),
                        "reason": v.get("reason"),
                        "from": v.get("from"),
                        "to": v.get("to"),
                    }
                    for v in person.get("events", [])
                ],
            }
        )
    return pl.DataFrame(rows, schema=NESTED_SCHEMA)


def flatten(nested: pl.DataFrame, known_channels: Iterable[str] = ()) -> Any:
    """The engine's input from nested rows (people in row order)."""

    def exploded(column: str) -> pl.DataFrame:
        return nested.select("id_number", column).explode(column).drop_nulls(column).unnest(column)

    return from_tables(
        exploded("entitlements"),
        exploded("events"),
        exploded("changes"),
        nested.select("id_number"),
        known_channels=known_channels,
    )
