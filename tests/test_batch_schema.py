"""The batch tables' columns come from the input contract's wire classes: one definition of
the data's shape for the JSON contract, the tables, the nested rows and the store reader."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest

from sscert.contract import EVENT_WIRES, ChangeIn, EntitlementIn
from sscert.serialization import wire_keys

pytest.importorskip("polars")

from sscert.batch import nested, schema, stored

DOCS = Path(__file__).resolve().parent.parent / "docs" / "batch.md"


def _wire_names(wire: type) -> set[str]:
    return {f.name.removesuffix("_") for f in attrs.fields(wire)} - schema.NOT_READ


def test_every_wire_field_the_engine_reads_is_a_column() -> None:
    entitlement = set(schema.ENTITLEMENT_COLUMNS)
    for name in _wire_names(EntitlementIn):
        assert name in entitlement or any(c.startswith(f"{name}_") for c in entitlement), name
    assert _wire_names(ChangeIn) <= set(schema.CHANGE_COLUMNS)
    for wire in EVENT_WIRES.values():
        assert _wire_names(wire) <= set(schema.EVENT_COLUMNS), wire
    # the dependant's fields, flattened
    assert {"dependant_relationship", "dependant_fully_incapacitated"} <= entitlement


def test_the_nested_rows_and_the_store_reader_use_the_same_columns() -> None:
    for table, struct in (
        (schema.ENTITLEMENT_COLUMNS, nested._ENT),
        (schema.CHANGE_COLUMNS, nested._CHG),
        (schema.EVENT_COLUMNS, nested._EVT),
    ):
        assert [f.name for f in struct.fields] == [c for c in table if c != "id_number"]
    reader = stored._Reader()
    assert list(reader.columns["entitlements"]) == list(schema.ENTITLEMENT_COLUMNS)
    assert list(reader.columns["changes"]) == list(schema.CHANGE_COLUMNS)
    assert list(reader.columns["events"]) == list(schema.EVENT_COLUMNS)


def test_the_docs_name_every_column() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Input tables", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"[a-z_]+", section))
    for table in (schema.ENTITLEMENT_COLUMNS, schema.CHANGE_COLUMNS, schema.EVENT_COLUMNS):
        assert set(table) <= named, set(table) - named


def test_the_plain_text_of_events_is_found_in_the_wire_classes() -> None:
    for column, tags in schema.EVENT_TEXT.items():
        assert column in schema.EVENT_COLUMNS
        for tag in tags:
            assert column in wire_keys(EVENT_WIRES[tag])
    assert schema.EVENT_TEXT["channel"] == ("certified",)
