"""The batch tables' columns, derived from the input contract's wire classes
(:mod:`sscert.contract`): a field added to an entitlement, an amount change or an event is a
column of its table, of the nested rows and of the store reader, without another list to
edit.

A wire field becomes a text column (the tables carry text, checked column-wise as the
contract checks it), a ``bool`` a Boolean column; a nested wire object (the dependant) is
flattened into ``dependant_relationship`` and ``dependant_fully_incapacitated``; ``from_``
is ``from``. The fields the columnar engine does not read are left out: an entitlement's
own list of changes (the ``changes`` table) and its contribution months (a settlement input,
C16, which the per-person path computes).
"""

from __future__ import annotations

import typing
from types import NoneType, UnionType
from typing import Any, Final

import attrs
import polars as pl

from sscert.contract import EVENT_WIRES, ChangeIn, EntitlementIn

__all__ = [
    "CHANGE_COLUMNS",
    "ENTITLEMENT_COLUMNS",
    "EVENT_COLUMNS",
    "EVENT_TEXT",
    "NOT_READ",
    "PEOPLE_COLUMNS",
]

#: Wire fields the columnar engine does not read.
NOT_READ: Final = frozenset({"changes", "contribution_months"})


def _inner(kind: Any) -> Any:
    """``X`` of ``X | None``."""
    if isinstance(kind, UnionType) or typing.get_origin(kind) is typing.Union:
        rest = [k for k in typing.get_args(kind) if k is not NoneType]
        return rest[0] if len(rest) == 1 else kind
    return kind


def _flat(wire: type[Any], prefix: str = "") -> dict[str, pl.DataType]:
    columns: dict[str, pl.DataType] = {}
    hints = typing.get_type_hints(wire)
    for field in attrs.fields(wire):
        if field.name in NOT_READ:
            continue
        name = prefix + field.name.removesuffix("_")
        kind = _inner(hints[field.name])
        if attrs.has(kind) and kind.__module__ == EntitlementIn.__module__:  # a wire object
            columns.update(_flat(kind, f"{name}_"))
        elif kind is bool:
            columns[name] = pl.Boolean()
        else:
            columns[name] = pl.String()
    return columns


def _events() -> dict[str, pl.DataType]:
    columns: dict[str, pl.DataType] = {"id_number": pl.String(), "type": pl.String()}
    for wire in EVENT_WIRES.values():
        columns.update(_flat(wire))
    return columns


#: ``entitlements``: the ID number and an entitlement's fields.
ENTITLEMENT_COLUMNS: Final = {"id_number": pl.String(), **_flat(EntitlementIn)}
#: ``changes``: the ID number, the scheme of the entitlement and a change's fields.
CHANGE_COLUMNS: Final = {"id_number": pl.String(), "scheme": pl.String(), **_flat(ChangeIn)}
#: ``events``: the ID number, the type and the fields of every type of event.
EVENT_COLUMNS: Final = _events()
#: ``people`` (optional): the ID number (the output's order) and the township.
PEOPLE_COLUMNS: Final = {"id_number": pl.String(), "township": pl.String()}


def _free_text() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for tag, wire in EVENT_WIRES.items():
        hints = typing.get_type_hints(wire)
        for field in attrs.fields(wire):
            if _inner(hints[field.name]) is str:
                found.setdefault(field.name.removesuffix("_"), []).append(tag)
    return {column: tuple(tags) for column, tags in found.items()}


#: ``events`` columns that are plain text in their wire classes, with the event types that
#: have them: text of at most ``MAX_TEXT`` characters, as the contract reads it.
EVENT_TEXT: Final = _free_text()
