"""A roster as one row per person with nested lists — the shape a distributed run moves
around — and its conversion to the engine's tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from sscert.batch.schema import CHANGE_COLUMNS, ENTITLEMENT_COLUMNS, EVENT_COLUMNS
from sscert.batch.tables import from_tables

__all__ = ["NESTED_SCHEMA", "flatten", "nest_case"]


def _struct(columns: dict[str, pl.DataType]) -> pl.Struct:
    """A table's row without its ID number (the nested row's own)."""
    return pl.Struct({name: kind for name, kind in columns.items() if name != "id_number"})


_ENT = _struct(ENTITLEMENT_COLUMNS)
_CHG = _struct(CHANGE_COLUMNS)
_EVT = _struct(EVENT_COLUMNS)
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
        entitlements = person.get("entitlements", [])
        rows.append(
            {
                "id_number": person["id_number"],
                "region": str(person["id_number"])[:6],
                "entitlements": [_cells(e, _ENT) for e in entitlements],
                "changes": [
                    {**_cells(c, _CHG), "scheme": e["scheme"]}
                    for e in entitlements
                    for c in e.get("changes", [])
                ],
                "events": [_cells(v, _EVT) for v in person.get("events", [])],
            }
        )
    return pl.DataFrame(rows, schema=NESTED_SCHEMA)


def _cells(item: Mapping[str, Any], row: pl.Struct) -> dict[str, Any]:
    """A case's item as the fields of a nested row: a flattened column ``a_b`` reads
    ``item["a"]["b"]`` when the item has no ``a_b`` (the dependant's fields)."""
    cells: dict[str, Any] = {}
    for field in row.fields:
        value = item.get(field.name)
        if value is None and "_" in field.name:
            head, _sep, tail = field.name.partition("_")
            inner = item.get(head)
            value = inner.get(tail) if isinstance(inner, Mapping) else None
        cells[field.name] = value
    return cells


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
