"""Reading a roster's tables (Parquet, Arrow IPC or CSV) — or a store — into the batch
engine's columns, validated column-wise with the same rules as the JSON contract.

The tables have the columns of the store's records:

* ``entitlements``: id_number, scheme, start, monthly_amount, end (optional); for
  ``work_injury_survivor``, dependant_relationship and dependant_fully_incapacitated
  (``true``/``false``) (optional, C15)
* ``events``: id_number, type (``certified``, ``died``, ``dependant_ended`` or
  ``imprisoned``), at, channel (certified), on, reported_on (died), on, reason
  (dependant_ended), from, to (imprisoned)
* ``changes`` (optional): id_number, scheme, from, monthly_amount
* ``people`` (optional): id_number — the order of the output; else first appearance

Bad values raise :class:`BatchInputError` naming the table, the row and the column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

import polars as pl

from sscert.batch.convert import from_people
from sscert.batch.engine import DEPENDANT_ENDS, IMPRISONMENTS, BatchInput
from sscert.channels import KNOWN_CHANNELS
from sscert.contract import EVENT_TYPES, InvalidPerson
from sscert.events import EndReason
from sscert.i18n import _
from sscert.people import Relationship
from sscert.schemes import Scheme
from sscert.store.cases import load_people
from sscert.store.sqlite import SQLiteStore
from sscert.values.limits import MAX_MONTHLY_AMOUNT, MAX_YEAR, MIN_YEAR

__all__ = ["BatchInputError", "from_store", "from_store_checked", "from_tables", "read_table"]

WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
MAX_PROBLEMS: Final = 20
MAX_FEN: Final = int(MAX_MONTHLY_AMOUNT.amount * 100)


class BatchInputError(ValueError):
    """Bad input tables. ``problems`` holds ``(table, row, column, reason)``; rows count from
    1 for the first data row."""

    def __init__(self, problems: Sequence[tuple[str, int, str, str]], total: int) -> None:
        self.problems = list(problems)
        more = f"\n… and {total - len(problems)} more" if total > len(problems) else ""
        super().__init__(
            "\n".join(f"{t} row {r}: {c}: {why}" for t, r, c, why in self.problems) + more
        )


def read_table(path: Path) -> pl.DataFrame:
    """A table from a ``.parquet``, ``.arrow``/``.feather``/``.ipc`` or ``.csv`` file."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pl.read_parquet(path)
    if suffix in (".arrow", ".feather", ".ipc"):
        return pl.read_ipc(path)
    if suffix == ".csv":
        return pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    raise ValueError(_("{path}: a table is a .parquet, .arrow or .csv file").format(path=path))


def _text(frame: pl.DataFrame, column: str) -> pl.Expr:
    if column not in frame.columns:
        return pl.lit(None, pl.Utf8)
    return pl.col(column).cast(pl.Utf8).str.strip_chars()


def _id_number(column: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(normalised 18-character number, why it is invalid or null)."""
    text = column.str.to_uppercase()
    first17 = (
        pl.when(text.str.len_chars() == 15)
        .then(text.str.slice(0, 6) + pl.lit("19") + text.str.slice(6, 9))
        .otherwise(text.str.slice(0, 17))
    )
    digits_ok = first17.str.contains(r"^[0-9]{17}$")
    total = pl.sum_horizontal(
        [first17.str.slice(i, 1).cast(pl.Int64, strict=False) * w for i, w in enumerate(WEIGHTS)]
    )
    check = pl.lit("10X98765432").str.slice(total % 11, 1)
    normalised = pl.when(text.str.len_chars() == 15).then(first17 + check).otherwise(text)
    birth = first17.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    why = (
        pl.when(text.is_null())
        .then(pl.lit(_("missing")))
        .when(~text.str.len_chars().is_in([15, 18]))
        .then(pl.lit(_("an ID number has 18 characters (or 15 digits)")))
        .when(~digits_ok | ~text.str.contains(r"^([0-9]{15}|[0-9]{17}[0-9X])$"))
        .then(pl.lit(_("an ID number is digits, with an optional final X")))
        .when(birth.is_null() | (birth.dt.year() < 1800))
        .then(pl.lit(_("not a real birth date")))
        .when((text.str.len_chars() == 18) & (text.str.slice(17, 1) != check))
        .then(pl.lit(_("the check character does not match")))
    )
    return normalised, why


def _in_years(year: pl.Expr) -> pl.Expr:
    """The input limits' years (sscert.values.limits), as an expression."""
    return (year >= MIN_YEAR) & (year <= MAX_YEAR)


def _month(column: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    ok = column.str.contains(r"^[0-9]{4}-(0[1-9]|1[0-2])$") & _in_years(
        column.str.slice(0, 4).cast(pl.Int32, strict=False)
    )
    index = (
        column.str.slice(0, 4).cast(pl.Int32, strict=False) * 12
        + column.str.slice(5, 2).cast(pl.Int32, strict=False)
        - 1
    )
    return pl.when(ok).then(index), pl.when(~ok.fill_null(False)).then(
        pl.lit(
            _("not a month YYYY-MM in {MIN_YEAR}-{MAX_YEAR}").format(
                MIN_YEAR=MIN_YEAR, MAX_YEAR=MAX_YEAR
            )
        )
    )


def _fen(column: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    ok = column.str.contains(r"^[0-9]{1,7}(\.[0-9]{1,2})?$")
    whole = column.str.extract(r"^([0-9]+)", 1).cast(pl.Int64, strict=False)
    fraction = column.str.extract(r"\.([0-9]{1,2})$", 1).fill_null("0").str.pad_end(2, "0")
    fen = whole * 100 + fraction.cast(pl.Int64, strict=False)
    why = (
        pl.when(~ok.fill_null(False))
        .then(pl.lit(_("an amount is yuan with at most 2 decimals, like 2856.40")))
        .when(fen <= 0)
        .then(pl.lit(_("must be greater than zero")))
        .when(fen > MAX_FEN)
        .then(
            pl.lit(
                _("must be at most {MAX_MONTHLY_AMOUNT} yuan a month").format(
                    MAX_MONTHLY_AMOUNT=MAX_MONTHLY_AMOUNT
                )
            )
        )
    )
    return pl.when(ok).then(fen), why


def _cst_date(column: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """C1: the CST date of an ISO date or date-time text (with or without an offset)."""
    text = column.str.replace(" ", "T")
    is_date = text.str.len_chars() == 10
    offset = text.str.extract(r"(Z|[+-][0-9]{2}:[0-9]{2})$", 1)
    minutes = (
        pl.when(offset.is_null())
        .then(480)
        .when(offset == "Z")
        .then(0)
        .otherwise(
            (
                offset.str.slice(1, 2).cast(pl.Int64, strict=False) * 60
                + offset.str.slice(4, 2).cast(pl.Int64, strict=False)
            )
            * pl.when(offset.str.starts_with("-")).then(-1).otherwise(1)
        )
    )
    core = text.str.replace(r"(Z|[+-][0-9]{2}:[0-9]{2})$", "")
    ascii_ok = core.str.contains(
        r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?)?$"
    )
    moment = pl.coalesce(
        core.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False),
        core.str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False),
        core.str.to_datetime("%Y-%m-%dT%H:%M", strict=False),
    )
    cst = (moment - pl.duration(minutes=minutes) + pl.duration(hours=8)).dt.date()
    day = pl.when(is_date).then(text.str.to_date("%Y-%m-%d", strict=False)).otherwise(cst)
    local = core.str.slice(0, 4).cast(pl.Int32, strict=False)
    ok = ascii_ok & _in_years(local) & _in_years(day.dt.year())
    ok = ok & (minutes.abs() <= 14 * 60)
    return pl.when(ok).then(day), pl.when(~ok.fill_null(False) | day.is_null()).then(
        pl.lit(
            _("not an ISO date or date-time in {MIN_YEAR}-{MAX_YEAR}").format(
                MIN_YEAR=MIN_YEAR, MAX_YEAR=MAX_YEAR
            )
        )
    )


def _date(column: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    ok = column.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    day = pl.when(ok).then(column.str.to_date("%Y-%m-%d", strict=False))
    day = pl.when(_in_years(day.dt.year())).then(day)
    return day, pl.when(day.is_null()).then(
        pl.lit(
            _("not an ISO date (YYYY-MM-DD) in {MIN_YEAR}-{MAX_YEAR}").format(
                MIN_YEAR=MIN_YEAR, MAX_YEAR=MAX_YEAR
            )
        )
    )


def _flag(frame: pl.DataFrame, column: str) -> tuple[pl.Expr, pl.Expr]:
    """A true/false column (Boolean, or text ``true``/``false``); null stays null."""
    if column not in frame.columns:
        return pl.lit(None, pl.Boolean), pl.lit(None, pl.Utf8)
    if frame.schema[column] == pl.Boolean:
        return pl.col(column), pl.lit(None, pl.Utf8)
    text = pl.col(column).cast(pl.Utf8).str.strip_chars().str.to_lowercase()
    value = pl.when(text == "true").then(True).when(text == "false").then(False)
    why = pl.when(text.is_not_null() & (text != "") & value.is_null()).then(
        pl.lit(_("true or false"))
    )
    return value, why


def _collect(
    frame: pl.DataFrame, table: str, checks: dict[str, str]
) -> list[tuple[str, int, str, str]]:
    problems = []
    for column, why_column in checks.items():
        bad = frame.with_row_index("row", offset=1).filter(pl.col(why_column).is_not_null())
        for row, why in bad.select("row", why_column).head(MAX_PROBLEMS).iter_rows():
            problems.append((table, int(row), column, str(why)))
    return problems


def from_tables(
    entitlements: pl.DataFrame,
    events: pl.DataFrame | None = None,
    changes: pl.DataFrame | None = None,
    people: pl.DataFrame | None = None,
    *,
    known_channels: Iterable[str] = (),
) -> BatchInput:
    """Validate and convert the tables; raise :class:`BatchInputError` for bad values."""
    schemes = [s.value for s in Scheme]
    channels = sorted(set(KNOWN_CHANNELS) | set(known_channels))
    problems: list[tuple[str, int, str, str]] = []

    ent_id, ent_id_why = _id_number(_text(entitlements, "id_number"))
    start, start_why = _month(_text(entitlements, "start"))
    end, end_why = _month(_text(entitlements, "end"))
    amount, amount_why = _fen(_text(entitlements, "monthly_amount"))
    relationship = pl.when(_text(entitlements, "dependant_relationship") != "").then(
        _text(entitlements, "dependant_relationship")
    )
    incapacitated, incapacitated_why = _flag(entitlements, "dependant_fully_incapacitated")
    scheme_text = _text(entitlements, "scheme")
    ents = entitlements.select(
        id_number=ent_id,
        scheme=scheme_text,
        start=start,
        end=pl.when(_text(entitlements, "end").fill_null("") == "").then(None).otherwise(end),
        amount=amount,
        relationship=relationship,
        incapacitated=incapacitated,
        w_relationship=pl.when(
            relationship.is_not_null()
            & (
                ~relationship.is_in([r.value for r in Relationship])
                | (scheme_text != "work_injury_survivor")
            )
        ).then(
            pl.lit(
                _("a relationship ({known}) of a work_injury_survivor dependant").format(
                    known=", ".join(r.value for r in Relationship)
                )
            )
        ),
        w_incapacitated=incapacitated_why,
        w_id=ent_id_why,
        w_scheme=pl.when(~_text(entitlements, "scheme").is_in(schemes).fill_null(False)).then(
            pl.lit(_("unknown scheme"))
        ),
        w_start=start_why,
        w_end=pl.when(_text(entitlements, "end").fill_null("") == "").then(None).otherwise(end_why),
        w_amount=amount_why,
    )
    ents = ents.with_columns(
        w_end=pl.coalesce(
            "w_end", pl.when(pl.col("end") < pl.col("start")).then(pl.lit(_("before start")))
        )
    )
    problems += _collect(
        ents,
        "entitlements",
        {
            "id_number": "w_id",
            "scheme": "w_scheme",
            "start": "w_start",
            "end": "w_end",
            "monthly_amount": "w_amount",
            "dependant_relationship": "w_relationship",
            "dependant_fully_incapacitated": "w_incapacitated",
        },
    )
    duplicated = ents.with_row_index("row", offset=1).filter(
        pl.struct("id_number", "scheme").is_duplicated()
        & (pl.col("row") > pl.col("row").min().over(["id_number", "scheme"]))
    )
    problems += [
        ("entitlements", int(r), "scheme", "one entitlement per scheme per person")
        for r in duplicated["row"].head(MAX_PROBLEMS)
    ]

    events = events if events is not None else pl.DataFrame({"id_number": [], "type": []})
    ev_id, ev_id_why = _id_number(_text(events, "id_number"))
    at, at_why = _cst_date(_text(events, "at"))
    on, on_why = _date(_text(events, "on"))
    reported, reported_why = _date(_text(events, "reported_on"))
    term_from, term_from_why = _date(_text(events, "from"))
    term_to, term_to_why = _date(_text(events, "to"))
    given_to = _text(events, "to").fill_null("") != ""
    kind = _text(events, "type")
    reason = _text(events, "reason")
    types = list(EVENT_TYPES)
    evs = events.select(
        id_number=ev_id,
        type=kind,
        at=at,
        channel=_text(events, "channel"),
        on=on,
        reported_on=reported,
        reason=reason,
        start=term_from,
        end=pl.when(given_to).then(term_to),
        w_id=ev_id_why,
        w_type=pl.when(~kind.is_in(types).fill_null(False)).then(pl.lit(", ".join(types))),
        w_reason=pl.when(
            (kind == "dependant_ended")
            & ~reason.is_in([r.value for r in EndReason]).fill_null(False)
        ).then(pl.lit(", ".join(r.value for r in EndReason))),
        w_from=pl.when(kind == "imprisoned").then(term_from_why),
        w_to=pl.when((kind == "imprisoned") & given_to).then(
            pl.coalesce(term_to_why, pl.when(term_to < term_from).then(pl.lit(_("before from"))))
        ),
        w_at=pl.when(kind == "certified").then(at_why),
        w_channel=pl.when(
            (kind == "certified") & ~_text(events, "channel").is_in(channels).fill_null(False)
        ).then(pl.lit(_("unknown channel"))),
        w_on=pl.when(kind.is_in(["died", "dependant_ended"])).then(on_why),
        w_reported=pl.when(kind == "died").then(
            pl.coalesce(reported_why, pl.when(reported < on).then(pl.lit(_("before the death"))))
        ),
    )
    problems += _collect(
        evs,
        "events",
        {
            "id_number": "w_id",
            "type": "w_type",
            "at": "w_at",
            "channel": "w_channel",
            "on": "w_on",
            "reported_on": "w_reported",
            "reason": "w_reason",
            "from": "w_from",
            "to": "w_to",
        },
    )

    changes = changes if changes is not None else pl.DataFrame({"id_number": [], "scheme": []})
    ch_id, ch_id_why = _id_number(_text(changes, "id_number"))
    ch_from, ch_from_why = _month(_text(changes, "from"))
    ch_amount, ch_amount_why = _fen(_text(changes, "monthly_amount"))
    chs = changes.select(
        id_number=ch_id,
        scheme=_text(changes, "scheme"),
        start=ch_from,
        amount=ch_amount,
        w_id=ch_id_why,
        w_from=ch_from_why,
        w_amount=ch_amount_why,
    )
    problems += _collect(
        chs, "changes", {"id_number": "w_id", "from": "w_from", "monthly_amount": "w_amount"}
    )
    if problems:
        raise BatchInputError(problems[:MAX_PROBLEMS], len(problems))

    # People: the given order, else first appearance (entitlements, then events).
    order_sources = [ents.select("id_number", township=pl.lit(None, pl.Utf8))]
    if people is not None:
        given, _why = _id_number(_text(people, "id_number"))
        order_sources.insert(0, people.select(id_number=given, township=_text(people, "township")))
    order_sources.append(evs.select("id_number", township=pl.lit(None, pl.Utf8)))
    persons = (
        pl.concat(order_sources)
        .unique(subset="id_number", keep="first", maintain_order=True)
        .with_row_index("person")
        .with_columns(pl.col("person").cast(pl.Int64))
    )
    deaths = evs.filter(pl.col("type") == "died")
    twice = deaths.filter(pl.col("id_number").is_duplicated())
    if twice.height:
        raise BatchInputError(
            [("events", 0, "type", f"{twice['id_number'].n_unique()} people with a second death")],
            1,
        )
    _check_dependant_events(ents, evs)
    keyed_events = (
        evs.join(persons, on="id_number")
        .with_row_index("order")
        .with_columns(index=pl.col("order").rank("ordinal").over("person").cast(pl.Int64) - 1)
    )
    return BatchInput(
        persons.select("person", "id_number", "township"),
        ents.join(persons, on="id_number")
        .with_row_index("order")
        .select(
            "person",
            position=(pl.col("order").rank("ordinal").over("person") - 1).cast(pl.Int64),
            scheme="scheme",
            start="start",
            end="end",
            amount="amount",
            relationship="relationship",
            incapacitated="incapacitated",
        ),
        chs.join(persons, on="id_number").select("person", "scheme", "start", "amount"),
        keyed_events.filter(pl.col("type") == "certified").select(
            "person", "index", on="at", channel="channel"
        ),
        keyed_events.filter(pl.col("type") == "died").select(
            "person", "index", "on", "reported_on"
        ),
        keyed_events.filter(pl.col("type") == "dependant_ended")
        .select("person", "on", "reason")
        .cast(DEPENDANT_ENDS),  # type: ignore[arg-type]
        keyed_events.filter(pl.col("type") == "imprisoned")
        .select("person", "start", "end")
        .cast(IMPRISONMENTS),  # type: ignore[arg-type]
    )


def _check_dependant_events(ents: pl.DataFrame, evs: pl.DataFrame) -> None:
    """C15 events belong to a person with a ``work_injury_survivor`` entitlement, and a
    benefit ends once."""
    survivors = ents.filter(pl.col("scheme") == "work_injury_survivor").select("id_number")
    c15 = evs.with_row_index("row", offset=1).filter(
        pl.col("type").is_in(["dependant_ended", "imprisoned"])
    )
    orphans = c15.join(survivors.unique(), on="id_number", how="anti")
    problems = [
        ("events", int(row), "type", _("only for a person with a work_injury_survivor entitlement"))
        for row in orphans["row"].head(MAX_PROBLEMS)
    ]
    ends = c15.filter(pl.col("type") == "dependant_ended")
    again = ends.filter(pl.col("row") > pl.col("row").min().over("id_number"))
    problems += [
        ("events", int(row), "type", _("a second end of the benefit"))
        for row in again["row"].head(MAX_PROBLEMS)
    ]
    if problems:
        raise BatchInputError(problems[:MAX_PROBLEMS], len(problems))


def from_store(store: SQLiteStore, *, known_channels: Iterable[str] = ()) -> BatchInput:
    """The store's people as batch input (in the order first imported). People whose
    records do not make a valid case are left out: :func:`from_store_checked` names them."""
    return from_store_checked(store, known_channels=known_channels)[0]


def from_store_checked(
    store: SQLiteStore, *, known_channels: Iterable[str] = ()
) -> tuple[BatchInput, tuple[InvalidPerson, ...]]:
    """The store's valid people as batch input, and the people left out with the reason —
    the same people, for the same reasons, as ``store calculate``, ``report`` and ``remind``
    (:func:`sscert.store.load_people`)."""
    people, invalid = load_people(store, known_channels=known_channels)
    return from_people(people), invalid
