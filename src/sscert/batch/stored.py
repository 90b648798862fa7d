"""A store's people as the batch engine's columns, read in one pass, and a campaign snapshot
counted by the batch engine.

Most people's records are plain: a person record, entitlements with a scheme, start, amount
and perhaps an end, amount changes and certifications or a death. Those are read straight
into table columns and checked column-wise (:func:`sscert.batch.tables.check_tables`, which
accepts exactly what the per-record contract accepts). Everyone else — records of the other
kinds (survivor details, accounts, repayment plans, the end of a benefit), a record that is
not a JSON object of its kind's shape, or any value a column check refuses — is *routed*: read
and calculated one by one by the per-person path, which is the reference and names the
reason a person cannot be calculated exactly as ``store calculate`` does.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from decimal import Decimal
from typing import Any, Final

import orjson
import polars as pl
from attrs import frozen
from cattrs import BaseValidationError

from sscert.batch.convert import from_people
from sscert.batch.engine import BatchInput, BatchResult, evaluate_batch
from sscert.batch.schema import (
    CHANGE_COLUMNS,
    ENTITLEMENT_COLUMNS,
    EVENT_COLUMNS,
    PEOPLE_COLUMNS,
)
from sscert.batch.tables import Checked, assemble, check_tables
from sscert.calculate import calculate_case
from sscert.campaigns import Campaign
from sscert.contract import EVENT_WIRES, InvalidPerson
from sscert.people import UNKNOWN_TOWNSHIP
from sscert.reports.snapshot import NAMED, TOTALS, Figures, Snapshot
from sscert.rules.penalty import FinePolicy
from sscert.rules.status import Status
from sscert.schemes import Scheme
from sscert.serialization import (
    ChangeIn,
    ContributionMonths,
    DependantIn,
    EntitlementIn,
    wire_converter,
    wire_keys,
)
from sscert.store.cases import load_case, load_people
from sscert.store.sqlite import PERSON_FIELDS, SQLiteStore
from sscert.values.limits import MAX_TEXT
from sscert.values.money import Money

__all__ = [
    "StoreColumns",
    "read_store_columns",
    "snapshot_by_columns",
    "store_input",
]

#: The event types read into columns, with their fields (from their wire classes).
EVENT_FIELDS: Final = {kind: tuple(wire_keys(EVENT_WIRES[kind])) for kind in ("certified", "died")}
#: Of those, the ones an event must have (the others may be absent).
_REQUIRED: Final = {
    kind: tuple(k for k, required in wire_keys(EVENT_WIRES[kind]).items() if required)
    for kind in EVENT_FIELDS
}
_contribution_months = wire_converter.get_structure_hook(ContributionMonths)
#: Rows read before they are moved from Python lists into column frames.
FLUSH_ROWS: Final = 200_000


@frozen
class StoreColumns:
    """The plain people of a store as batch input; every person's place in the store (the
    order first imported); and the people routed to the per-person path."""

    data: BatchInput
    positions: dict[str, int]
    routed: frozenset[str]


def _plain_text(value: object) -> bool:
    return type(value) is str and len(value) <= MAX_TEXT


def _plain_values(
    record: dict[str, Any], fields: Iterable[str], required: Iterable[str]
) -> list[Any] | None:
    """``record``'s values of ``fields`` when each is plain text or absent and each of
    ``required`` is plain text; ``None`` otherwise (the person is read one by one)."""
    values = [record.get(f) for f in fields]
    if all(v is None or _plain_text(v) for v in values) and all(
        _plain_text(record.get(f)) for f in required
    ):
        return values
    return None


def _columns(names: Iterable[str]) -> dict[str, list[Any]]:
    return {name: [] for name in names}


#: The batch tables the reader fills, with their columns (:mod:`sscert.batch.schema`).
_TABLES: Final = {
    "entitlements": ENTITLEMENT_COLUMNS,
    "changes": CHANGE_COLUMNS,
    "events": EVENT_COLUMNS,
}
#: An entitlement's columns read as plain text (the dependant's come from its own hook).
_ENTITLEMENT_TEXT: Final = tuple(
    c for c in ENTITLEMENT_COLUMNS if c != "id_number" and not c.startswith("dependant_")
)
_ENTITLEMENT_REQUIRED: Final = tuple(
    k for k, required in wire_keys(EntitlementIn).items() if required
)
_CHANGE_TEXT: Final = tuple(c for c in CHANGE_COLUMNS if c != "id_number")
_CHANGE_SCHEME: Final = _CHANGE_TEXT.index("scheme")
_CHANGE_REQUIRED: Final = (
    "scheme",
    *(k for k, required in wire_keys(ChangeIn).items() if required),
)


class _Reader:
    """The columns of the plain records read so far (the batch tables' columns,
    :mod:`sscert.batch.schema`), each row filled by column name."""

    def __init__(self) -> None:
        self.township: dict[str, str | None] = {}
        self.held: set[tuple[str, str]] = set()
        self.columns = {name: _columns(schema) for name, schema in _TABLES.items()}
        self._done: dict[str, list[pl.DataFrame]] = {name: [] for name in _TABLES}
        self._slots()

    def _slots(self) -> None:
        """Per kind of row, the column lists its values go to and the columns it leaves
        empty (rebuilt when the rows move into frames)."""
        ents, changes, events = (self.columns[n] for n in _TABLES)
        self._ents = [ents[c] for c in _ENTITLEMENT_TEXT]
        self._ents_key = ents["id_number"]
        self._dependant = (ents["dependant_relationship"], ents["dependant_fully_incapacitated"])
        self._changes = [changes[c] for c in _CHANGE_TEXT]
        self._changes_key = changes["id_number"]
        self._events: dict[str, tuple[list[Any], list[list[Any]], list[list[Any]]]] = {}
        for kind, fields in EVENT_FIELDS.items():
            empty = [events[c] for c in EVENT_COLUMNS if c not in ("id_number", "type", *fields)]
            self._events[kind] = (events["type"], [events[f] for f in fields], empty)
        self._events_key = events["id_number"]

    def flush(self) -> None:
        """Move the rows read so far into column frames (a store of millions of people is
        never held as Python values all at once)."""
        for name, schema in _TABLES.items():
            if self.columns[name]["id_number"]:
                self._done[name].append(_frame(self.columns[name], schema))
                self.columns[name] = _columns(schema)
        self._slots()

    def table(self, name: str) -> pl.DataFrame:
        """Every row read into ``name`` (``entitlements``, ``changes`` or ``events``)."""
        self.flush()
        parts = self._done[name]
        return pl.concat(parts) if parts else _frame(_columns(_TABLES[name]), _TABLES[name])

    def add(self, kind: str, key: str, record: dict[str, Any]) -> bool:
        """Add one record to the columns; false when its person must be read one by one."""
        if kind == "event":
            return self._event(key, record)
        if kind == "entitlement":
            return self._entitlement(key, record)
        if kind == "person":
            return self._person(key, record)
        if kind == "amount_change":
            return self._change(key, record)
        return False

    def _change(self, key: str, record: dict[str, Any]) -> bool:
        values = _plain_values(record, _CHANGE_TEXT, _CHANGE_REQUIRED)
        if values is None:
            return False
        if (key, values[_CHANGE_SCHEME]) not in self.held:
            return False  # the store cannot fold it into an entitlement
        self._changes_key.append(key)
        for column, value in zip(self._changes, values, strict=True):
            column.append(value)
        return True

    def _event(self, key: str, record: dict[str, Any]) -> bool:
        kind = record.get("type")
        wanted = EVENT_FIELDS.get(kind) if type(kind) is str else None
        if wanted is None:
            return False
        values = _plain_values(record, wanted, _REQUIRED[kind])  # type: ignore[index]
        if values is None:
            return False
        types, columns, empty = self._events[kind]  # type: ignore[index]
        self._events_key.append(key)
        types.append(kind)
        for column, value in zip(columns, values, strict=True):
            column.append(value)
        for column in empty:
            column.append(None)
        return True

    def _person(self, key: str, record: dict[str, Any]) -> bool:
        # the latest person record supersedes every field
        if not all(_plain_text(record[f]) for f in PERSON_FIELDS if f in record):
            return False
        place = record.get("township")
        if place is not None and place != place.strip():
            return False
        self.township[key] = place
        return True

    def _entitlement(self, key: str, record: dict[str, Any]) -> bool:
        values = _plain_values(record, _ENTITLEMENT_TEXT, _ENTITLEMENT_REQUIRED)
        if values is None:
            return False
        relationship: str | None = None
        incapacitated: bool | None = None
        # the settlement's and C15's fields, through the contract's own hooks
        try:
            if record.get("contribution_months") is not None:
                _contribution_months(record["contribution_months"], ContributionMonths)
            if record.get("dependant") is not None:
                dependant = wire_converter.structure(record["dependant"], DependantIn)
                relationship = dependant.relationship.value
                incapacitated = dependant.fully_incapacitated
        except (ValueError, TypeError, BaseValidationError):
            return False
        self._ents_key.append(key)
        for column, value in zip(self._ents, values, strict=True):
            column.append(value)
        self._dependant[0].append(relationship)
        self._dependant[1].append(incapacitated)
        self.held.add((key, str(record["scheme"])))
        return True


def read_store_columns(store: SQLiteStore, *, known_channels: Iterable[str] = ()) -> StoreColumns:
    """Read every row of ``store`` once; plain people become columns, the others are routed."""
    positions: dict[str, int] = {}
    routed: set[str] = set()
    reader = _Reader()
    add = reader.add
    for row, (kind, key, body) in enumerate(store.raw_rows(), start=1):
        if row % FLUSH_ROWS == 0:
            reader.flush()
        if key not in positions:
            positions[key] = len(positions)
        elif key in routed:
            continue
        try:
            # orjson refuses NaN, lone surrogates and nesting beyond its own limit; a routed
            # person's records are read again through every limit of the contract
            record = orjson.loads(body)
        except ValueError:
            routed.add(key)
            continue
        if not isinstance(record, dict) or not add(kind, key, record):
            routed.add(key)
    people = [key for key in positions if key not in routed]
    tables = {  # without the rows read before their person was routed
        "entitlements": reader.table("entitlements"),
        "changes": reader.table("changes"),
        "events": reader.table("events"),
        "people": _frame(
            {"id_number": people, "township": [reader.township.get(k) for k in people]},
            PEOPLE_COLUMNS,
        ),
    }
    tables = _without(routed, tables)
    checked = _check(tables, known_channels)
    if checked.problems:
        # the rows with a problem name their people: route them, and check the rest again
        routed |= {
            str(tables[table]["id_number"][row - 1]) for table, row, _c, _w in checked.problems
        }
        tables = _without(routed, tables)
        checked = _check(tables, known_channels)
        if checked.problems:  # pragma: no cover - the checks do not depend on other people
            routed |= set(positions)
            checked = _check({n: t.clear() for n, t in tables.items()}, known_channels)
    return StoreColumns(assemble(checked), positions, frozenset(routed))


def _without(routed: set[str], tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The tables without the rows of the routed people."""
    if not routed:
        return tables
    keys = pl.Series(sorted(routed), dtype=pl.Utf8)
    return {n: t.filter(~pl.col("id_number").is_in(keys.to_list())) for n, t in tables.items()}


def _frame(columns: dict[str, list[Any]], schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(columns, schema=schema)


def _check(tables: dict[str, pl.DataFrame], known_channels: Iterable[str]) -> Checked:
    return check_tables(
        tables["entitlements"],
        tables["events"],
        tables["changes"],
        tables["people"],
        known_channels=known_channels,
        cap=None,
    )


def _figures(data: BatchInput, result: BatchResult, named: pl.DataFrame, as_of: dt.date) -> Figures:
    """The figures of the people the batch engine decided and the lists do not name."""
    keep = result.persons.join(named, on="person", how="anti")
    people = keep.join(data.people.select("person", "township"), on="person").with_columns(
        township=pl.when(pl.col("township").fill_null("") == "")
        .then(pl.lit(UNKNOWN_TOWNSHIP))
        .otherwise(pl.col("township"))
    )
    by_township: dict[str, Counter[Status]] = defaultdict(Counter)
    for place, status, count in people.group_by("township", "status").len().iter_rows():
        by_township[place][Status(status)] += count
    by_scheme: dict[Scheme, Counter[Status]] = defaultdict(Counter)
    schemes = (
        data.entitlements.select("person", "scheme")
        .unique()
        .join(people.select("person", "status"), on="person")
    )
    for scheme, status, count in schemes.group_by("scheme", "status").len().iter_rows():
        by_scheme[Scheme(scheme)][Status(status)] += count
    certs = (
        data.certifications.join(people.select("person"), on="person")
        .filter(pl.col("on") <= as_of)
        .join(
            result.rejected.select("person", "index", rejected=pl.lit(True)),
            on=["person", "index"],
            how="left",
        )
    )
    per_day: Counter[dt.date] = Counter()
    counted: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    for on, channel, was_rejected, count in (
        certs.group_by("on", "channel", "rejected").len().iter_rows()
    ):
        if was_rejected:
            rejected[channel] += count
        else:
            counted[channel] += count
            per_day[on] += count
    sums = people.select(pl.col(list(TOTALS)).sum()).row(0)
    totals = {k: Money(Decimal(int(v or 0)).scaleb(-2)) for k, v in zip(TOTALS, sums, strict=True)}
    return Figures(dict(by_township), dict(by_scheme), per_day, counted, rejected, totals)


def snapshot_by_columns(
    store: SQLiteStore,
    campaign: Campaign,
    as_of: dt.date,
    known_channels: Iterable[str] = (),
    *,
    fine_policy: FinePolicy | None = None,
    progress: Callable[[int], None] | None = None,
    named: Collection[Status] = NAMED,
) -> Snapshot:
    """:func:`sscert.reports.take_snapshot` with the batch engine counting everyone and the
    per-person path calculating the people of the ``named`` statuses (by default those the
    lists and the report name: pending, suspended, deceased) and the routed ones. The
    figures and lists are those of the per-person path (a test compares them)."""
    columns = read_store_columns(store, known_channels=[*known_channels, *campaign.channels])
    result = evaluate_batch(columns.data, campaign, as_of, None, fine_policy=fine_policy)
    chosen = result.persons.filter(pl.col("status").is_in([s.value for s in named])).select(
        "person", "id_number"
    )
    one_by_one = columns.routed | set(chosen["id_number"].to_list())
    stored = load_case(
        store,
        campaign,
        as_of,
        known_channels=known_channels,
        only=one_by_one,
        positions=columns.positions,
    )
    results = calculate_case(stored.case, fine_policy=fine_policy, progress=progress)
    figures = _figures(columns.data, result, chosen.select("person"), as_of).plus(
        Figures.of(results)
    )
    return Snapshot.of_store(store, stored, results, figures)


def store_input(
    store: SQLiteStore, *, known_channels: Iterable[str] = ()
) -> tuple[BatchInput, tuple[InvalidPerson, ...]]:
    """Every valid person of ``store`` as batch input, in the order first imported, and the
    people left out with their reasons: plain people read as columns, the routed ones one
    by one (:func:`sscert.store.load_people`), then put back in their places."""
    columns = read_store_columns(store, known_channels=known_channels)
    if not columns.routed:
        return columns.data, ()
    people, invalid = load_people(
        store, known_channels=known_channels, only=columns.routed, positions=columns.positions
    )
    return _merged(columns.data, from_people(people), columns.positions), invalid


def _merged(first: BatchInput, second: BatchInput, positions: dict[str, int]) -> BatchInput:
    """Two inputs as one, people numbered by their places in the store."""
    place = pl.DataFrame(
        {"id_number": list(positions), "place": list(positions.values())},
        schema={"id_number": pl.Utf8, "place": pl.Int64},
    )
    keys = []
    for part, data in enumerate((first, second)):
        keys.append(
            data.people.select("person", "id_number")
            .join(place, on="id_number", how="left")
            .select("person", "place", part=pl.lit(part))
        )
    numbered = (
        pl.concat(keys)
        .sort("place")
        .with_row_index("new")
        .select("part", "person", pl.col("new").cast(pl.Int64))
    )

    def renumbered(part: int, frame: pl.DataFrame) -> pl.DataFrame:
        mapping = numbered.filter(pl.col("part") == part).drop("part")
        return (
            frame.join(mapping, on="person", how="inner", maintain_order="left")
            .drop("person")
            .rename({"new": "person"})
            .select(frame.columns)
        )

    def both(name: str) -> pl.DataFrame:
        parts = [renumbered(k, getattr(d, name)) for k, d in enumerate((first, second))]
        return pl.concat(parts, how="vertical_relaxed")

    merged = {name: both(name) for name in _FRAMES}
    merged["people"] = merged["people"].sort("person")
    return BatchInput(**merged)


_FRAMES: Final = (
    "people",
    "entitlements",
    "changes",
    "certifications",
    "deaths",
    "dependant_ends",
    "imprisonments",
)
