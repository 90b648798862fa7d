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

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol, TypeVar

import polars as pl
from attrs import frozen

from sscert.batch.engine import DEPENDANT_ENDS, IMPRISONMENTS, BatchInput, in_person_order
from sscert.batch.schema import (
    CHANGE_COLUMNS,
    ENTITLEMENT_COLUMNS,
    EVENT_COLUMNS,
    EVENT_TEXT,
    PEOPLE_COLUMNS,
)
from sscert.channels import KNOWN_CHANNELS
from sscert.contract import EVENT_TYPES, InvalidPerson
from sscert.events import EndReason
from sscert.i18n import _
from sscert.people import Relationship
from sscert.schemes import Scheme
from sscert.values.identity import CHECK_CHARACTERS, MONTH_DAYS, WEIGHTS
from sscert.values.limits import MAX_MONTHLY_AMOUNT, MAX_TEXT, MAX_YEAR, MIN_YEAR

if TYPE_CHECKING:
    from sscert.store.sqlite import SQLiteStore

__all__ = [
    "BatchInputError",
    "Table",
    "from_store",
    "from_store_checked",
    "from_tables",
    "read_table",
    "scan_table",
]

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


def read_table(path: str | Path) -> pl.DataFrame:
    """A table from a ``.parquet``, ``.arrow``/``.feather``/``.ipc`` or ``.csv`` file."""
    table = scan_table(path)
    return table if isinstance(table, pl.DataFrame) else table.collect()


def scan_table(path: str | Path) -> pl.DataFrame | pl.LazyFrame:
    """A table file to give :func:`from_tables`, scanned lazily: read a part at a time as it
    is checked, never whole (Parquet, Arrow, and CSV with every column as text)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pl.scan_parquet(path)
    if suffix in (".arrow", ".feather", ".ipc"):
        return pl.scan_ipc(path)
    if suffix == ".csv":
        return pl.scan_csv(path, infer_schema=False, encoding="utf8-lossy")
    raise ValueError(_("{path}: a table is a .parquet, .arrow or .csv file").format(path=path))


Table = pl.DataFrame | pl.LazyFrame
"""A table in memory, or scanned from a file."""


Stages = list[dict[str, pl.Expr]]
"""A column check as stages: each stage's expressions read the table's text columns and the
columns of earlier stages only, so every part is computed once, in parallel across checks."""


@frozen
class Quick:
    """A check with a quick way for the usual values: ``quick`` computes the same columns
    as ``full`` with no reason given, and ``good``, true for each row whose value it reads
    as ``full`` would and finds valid. A table with a row that is not good is checked again
    the full way (for that check only), as is a table with a value that has white space
    around it: the quick way reads the text as given, the full way without the white space."""

    quick: Stages
    good: str
    full: Stages
    #: The table's column whose text the check reads.
    source: str


class _Finish(Protocol):
    """The columns a table's check keeps (``keep`` among them), from its working columns."""

    def __call__(self, frame: pl.LazyFrame, *keep: str) -> pl.LazyFrame: ...


def _texts(
    frame: pl.LazyFrame, columns: Sequence[str], raw: Iterable[str] = (), /, **more: pl.Expr
) -> pl.LazyFrame:
    """``t_{column}``: each column as text without surrounding white space — as given for
    the columns of ``raw`` — (null if the table has no such column); and ``more``."""
    present = _schema(frame)
    given = set(raw)

    def text(column: str) -> pl.Expr:
        if column not in present:
            return pl.lit(None, pl.Utf8)
        as_text = pl.col(column).cast(pl.Utf8)
        return as_text if column in given else as_text.str.strip_chars()

    return frame.select(**more, **{f"t_{column}": text(column) for column in columns})


_Frame = TypeVar("_Frame", pl.DataFrame, pl.LazyFrame)


def _staged(frame: _Frame, *checks: Stages) -> _Frame:
    """``frame`` with the columns of ``checks``, stage by stage."""
    for depth in range(max(len(check) for check in checks)):
        frame = frame.with_columns(
            **{
                name: e
                for check in checks
                if depth < len(check)
                for name, e in check[depth].items()
            }
        )
    return frame


def _checked(
    table: Table,
    columns: Sequence[str],
    checks: Sequence[Stages | Quick],
    finish: _Finish,
    *,
    reasons: tuple[str, dict[str, str], list[tuple[str, int, str, str]]] | None = None,
    cap: int | None = MAX_PROBLEMS,
    **more: pl.Expr,
) -> pl.DataFrame:
    """``table``'s text ``columns`` (and ``more``) through ``checks``, then ``finish``, in
    one query of Polars' streaming engine: the table (a file, when scanned) is read a part
    at a time, on every core, and the checks' working columns never exist for more than a
    part. Each :class:`Quick` check runs the quick way; when a row is not good for it, the
    table is checked again with that check the full way. ``reasons`` is (the table's name,
    its columns' reason columns from ``finish``, the list their problems are added to); the
    reason columns are then left out."""
    quick = {c.good: c for c in checks if isinstance(c, Quick)}

    def run(full: Iterable[str], raw: Iterable[str] = ()) -> pl.DataFrame:
        """The checks, those of ``full`` the full way, on the texts (``raw`` as given);
        keeping the others' good columns."""
        texts = _texts(table.lazy(), columns, raw, **more)
        ways = [
            (c.full if c.good in full else c.quick) if isinstance(c, Quick) else c for c in checks
        ]
        keep = [good for good in quick if good not in full]
        return finish(_staged(texts, *ways), *keep).collect(engine="streaming")

    # the quick checks' columns as given: a value they find good has no white space around
    # it, and a table with any other is checked again, every column without white space
    part = run((), [c.source for c in quick.values()])
    good = part.select(pl.col(g).fill_null(False).all() for g in quick).row(0) if quick else ()
    again = [g for g, ok in zip(quick, good, strict=True) if not ok]
    part = (run(again) if again else part).drop(g for g in quick if g not in again)
    if reasons is not None:
        name, why_columns, problems = reasons
        problems += _collect(part, name, why_columns, 0, cap)
        part = part.drop(why_columns.values())
    return part


#: A valid ID number as a whole number: its first 17 digits (the check character follows from
#: them), from the ID check's own working column. Joins and uniqueness on it are faster than
#: on text. Null when the ID number is not valid (its check character wrong, say).
KEY: Final = pl.when(pl.col("w_id_number").is_null()).then(pl.col("_id_numbern"))
#: The ID number as given (upper-cased), only where it is not valid: a valid one is its key.
ID_TEXT: Final = pl.when(pl.col("w_id_number").is_not_null()).then(pl.col("_id_number"))


#: The ID number and scheme of a checked row as one whole number, the key and the scheme's
#: position (the checks across rows compare them); null unless both are valid.
KIND: Final = KEY * len(Scheme) + pl.col("t_scheme").replace_strict(
    [s.value for s in Scheme], list(range(len(Scheme))), default=None, return_dtype=pl.Int64
)


#: Who a checked row is about, as text that is equal for the same person: the key's digits
#: when the ID number is valid, else ``~`` and the ID number as given.
WHO: Final = pl.coalesce(pl.col("key").cast(pl.Utf8), pl.lit("~") + pl.col("id_text"))


def _id_number_of(key: pl.Expr) -> pl.Expr:
    """The 18-character ID number of a key (its first 17 digits as a whole number)."""
    return key.cast(pl.Utf8).str.zfill(17) + _check_character(key)


#: The check character's sum is taken six digits at a time, each six by a table lookup.
_SIX: Final = 10**6


@functools.cache
def _weighted_sixes() -> pl.Series:
    """For every six digits ``abcdef``: the sum of each digit times the first six weights,
    modulo 11. The weights are the powers of 2 modulo 11, so each later group of six has
    the same sums times a factor (:func:`_factors`)."""

    def threes(weights: tuple[int, ...]) -> pl.Series:
        """The same for every three digits, with three weights."""
        return pl.Series(
            [sum(int(d) * w for d, w in zip(f"{n:03d}", weights, strict=True)) for n in range(1000)]
        )

    number = pl.int_range(_SIX, dtype=pl.Int64)
    high, low = threes(WEIGHTS[:3]), threes(WEIGHTS[3:6])
    sums = pl.lit(high).gather(number // 1000) + pl.lit(low).gather(number % 1000)
    return pl.select(s=sums % 11).to_series().cast(pl.Int32)


def _factors() -> tuple[int, int, int]:
    """What the sums of :func:`_weighted_sixes` are multiplied by for digits 1-6, 7-12 and
    13-17 (those followed by a 0, whose weight is 1)."""
    weights = (*WEIGHTS, 1)
    inverse = pow(weights[0], -1, 11)
    first, middle, last = (weights[6 * k] * inverse % 11 for k in range(3))
    factors = (first, middle, last)
    if any(weights[i] != weights[i % 6] * factors[i // 6] % 11 for i in range(18)):
        raise AssertionError("the check weights are not powers of 2 modulo 11")
    return factors


def _check_character(number: pl.Expr) -> pl.Expr:
    """The check character of the 17 digits ``number`` (null stays null)."""
    table = pl.lit(_weighted_sixes())
    first, middle, last = _factors()
    total = (
        table.gather(number // 10**11) * first
        + table.gather(number // 10**5 % _SIX) * middle
        + table.gather(number % 10**5 * 10) * last
    )
    return pl.lit(pl.Series(list(CHECK_CHARACTERS))).gather(total % 11)


def _id_number(out: str) -> Stages:
    """``out``: the normalised 18-character number of ``t_{out}``; ``w_{out}``: why it is
    invalid, or null. The check character is computed on the 17 digits as an integer."""
    c = pl.col
    t, first17, number, check, ok = (f"_{out}{part}" for part in ("", "17", "n", "c", "ok"))
    fifteen = c(t).str.len_chars() == 15
    birth = c(first17).str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    why = (
        pl.when(c(t).is_null())
        .then(pl.lit(_("missing")))
        .when(~c(t).str.len_chars().is_in([15, 18]))
        .then(pl.lit(_("an ID number has 18 characters (or 15 digits)")))
        .when(~c(ok))
        .then(pl.lit(_("an ID number is digits, with an optional final X")))
        .when(birth.is_null() | (birth.dt.year() < 1800))
        .then(pl.lit(_("not a real birth date")))
        .when((c(t).str.len_chars() == 18) & (c(t).str.slice(17, 1) != c(check)))
        .then(pl.lit(_("the check character does not match")))
    )
    return [
        {t: c(f"t_{out}").str.to_uppercase()},
        {
            first17: pl.when(fifteen)
            .then(c(t).str.slice(0, 6) + pl.lit("19") + c(t).str.slice(6, 9))
            .otherwise(c(t).str.slice(0, 17)),
            # 15 digits, or 17 digits and a digit or X (so the first 17 are digits)
            ok: c(t).str.contains(r"^([0-9]{15}|[0-9]{17}[0-9X])$"),
        },
        {number: pl.when(c(ok)).then(c(first17).cast(pl.Int64))},
        {check: _check_character(c(number))},
        {
            out: pl.when(fifteen).then(c(first17) + c(check)).otherwise(c(t)),
            f"w_{out}": why,
        },
    ]


#: The days of a leap year as whole numbers ``mmdd`` (:data:`MONTH_DAYS`).
_MONTH_DAY_CODES: Final = sorted(int(month_day) for month_day in MONTH_DAYS)


def _birth_date_valid(number: pl.Expr) -> pl.Expr:
    """Whether digits 7-14 of the 17 digits ``number`` are a real date from 1800 on."""
    year, day = number // 10**7 % 10_000, number // 1000 % 10_000
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    return ((year >= 1800) & day.is_in(_MONTH_DAY_CODES) & ((day != 229) | leap)).fill_null(False)


def _id_number_checked(out: str) -> Quick:
    """:func:`_id_number`, the quick way for 18 characters that are valid (17 digits and a
    matching check character, an upper-case X as given, digits 7-14 a birth date) and do
    not start with 0 (no region code does).

    The 17 digits are found without a regular expression (which took three quarters of the
    check's time): 18 bytes whose first 17 characters are a whole number of 17 digits can
    only be 17 digits and one byte more, and that byte must be the check character."""
    c = pl.col
    t, number, check, good = (f"_{out}{part}" for part in ("", "n", "c", "g"))
    quick: Stages = [
        {
            t: c(f"t_{out}"),
            f"{number}17": c(f"t_{out}").str.slice(0, 17).cast(pl.Int64, strict=False),
        },
        {
            number: pl.when((c(t).str.len_bytes() == 18) & (c(f"{number}17") >= 10**16)).then(
                c(f"{number}17")
            )
        },
        {check: _check_character(c(number)), f"{good}b": _birth_date_valid(c(number))},
        {
            out: c(t),
            good: c(number).is_not_null()
            & c(f"{good}b")
            & (c(t).str.slice(17, 1) == c(check)).fill_null(False),
            f"w_{out}": pl.lit(None, pl.Utf8),
        },
    ]
    return Quick(quick, good, _id_number(out), out)


def _in_years(year: pl.Expr) -> pl.Expr:
    """The input limits' years (sscert.values.limits), as an expression."""
    return (year >= MIN_YEAR) & (year <= MAX_YEAR)


def _month(out: str, source: str | None = None) -> Stages:
    """``out``: the month index of ``t_{source}``, a month ``YYYY-MM``; ``w_{out}``: why not."""
    text = pl.col(f"t_{source or out}")
    year = text.str.slice(0, 4).cast(pl.Int32, strict=False)
    ok = f"_{out}ok"
    return [
        {ok: text.str.contains(r"^[0-9]{4}-(0[1-9]|1[0-2])$") & _in_years(year)},
        {
            out: pl.when(pl.col(ok)).then(
                year * 12 + text.str.slice(5, 2).cast(pl.Int32, strict=False) - 1
            ),
            f"w_{out}": pl.when(~pl.col(ok).fill_null(False)).then(
                pl.lit(
                    _("not a month YYYY-MM in {MIN_YEAR}-{MAX_YEAR}").format(
                        MIN_YEAR=MIN_YEAR, MAX_YEAR=MAX_YEAR
                    )
                )
            ),
        },
    ]


def _fen(out: str, source: str = "monthly_amount") -> Stages:
    """``out``: fen of ``t_{source}``, yuan with at most 2 decimals; ``w_{out}``: why not."""
    text = pl.col(f"t_{source}")
    ok, fen = f"_{out}ok", f"_{out}fen"
    fraction = text.str.extract(r"\.([0-9]{1,2})$", 1).fill_null("0").str.pad_end(2, "0")
    return [
        {
            ok: text.str.contains(r"^[0-9]{1,7}(\.[0-9]{1,2})?$"),
            fen: text.str.extract(r"^([0-9]+)", 1).cast(pl.Int64, strict=False) * 100
            + fraction.cast(pl.Int64, strict=False),
        },
        {
            out: pl.when(pl.col(ok)).then(pl.col(fen)),
            f"w_{out}": pl.when(~pl.col(ok).fill_null(False))
            .then(pl.lit(_("an amount is yuan with at most 2 decimals, like 2856.40")))
            .when(pl.col(fen) <= 0)
            .then(pl.lit(_("must be greater than zero")))
            .when(pl.col(fen) > MAX_FEN)
            .then(
                pl.lit(
                    _("must be at most {MAX_MONTHLY_AMOUNT} yuan a month").format(
                        MAX_MONTHLY_AMOUNT=MAX_MONTHLY_AMOUNT
                    )
                )
            ),
        },
    ]


def _fen_checked(out: str, source: str = "monthly_amount") -> Quick:
    """:func:`_fen`, the quick way for yuan with two decimals within the limits."""
    text, c = pl.col(f"t_{source}"), pl.col
    good = f"_{out}g"
    quick = [
        {out: text.str.replace(".", "", literal=True).cast(pl.Int64, strict=False)},
        {
            good: (
                text.str.contains(r"^[0-9]{1,7}\.[0-9]{2}$") & (c(out) > 0) & (c(out) <= MAX_FEN)
            ).fill_null(False),
            f"w_{out}": pl.lit(None, pl.Utf8),
        },
    ]
    return Quick(quick, good, _fen(out, source), source)


OFFSET: Final = r"(Z|[+-][0-9]{2}:[0-9]{2})$"


def _not_a_moment() -> pl.Expr:
    return pl.lit(
        _("not an ISO date or date-time in {MIN_YEAR}-{MAX_YEAR}").format(
            MIN_YEAR=MIN_YEAR, MAX_YEAR=MAX_YEAR
        )
    )


def _cst_date(out: str, source: str) -> Stages:
    """C1: ``out``, the CST date of ``t_{source}``, an ISO date or date-time (with or without
    an offset); ``w_{out}``: why it is not one."""
    c = pl.col
    t, offset, core, minutes, day = (f"_{out}{part}" for part in ("t", "o", "c", "m", "d"))
    moment = pl.coalesce(
        c(core).str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False),
        c(core).str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False),
        c(core).str.to_datetime("%Y-%m-%dT%H:%M", strict=False),
    )
    ok = (
        c(core).str.contains(
            r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?)?$"
        )
        & _in_years(c(core).str.slice(0, 4).cast(pl.Int32, strict=False))
        & _in_years(c(day).dt.year())
        & (c(minutes).abs() <= 14 * 60)
    )
    return [
        {t: c(f"t_{source}").str.replace(" ", "T", literal=True)},
        {offset: c(t).str.extract(OFFSET, 1), core: c(t).str.replace(OFFSET, "")},
        {
            minutes: pl.when(c(offset).is_null())
            .then(480)
            .when(c(offset) == "Z")
            .then(0)
            .otherwise(
                (
                    c(offset).str.slice(1, 2).cast(pl.Int64, strict=False) * 60
                    + c(offset).str.slice(4, 2).cast(pl.Int64, strict=False)
                )
                * pl.when(c(offset).str.starts_with("-")).then(-1).otherwise(1)
            )
        },
        {
            day: pl.when(c(t).str.len_chars() == 10)
            .then(c(t).str.to_date("%Y-%m-%d", strict=False))
            .otherwise((moment - pl.duration(minutes=c(minutes)) + pl.duration(hours=8)).dt.date())
        },
        {
            out: pl.when(ok).then(c(day)),
            f"w_{out}": pl.when(~ok.fill_null(False) | c(day).is_null()).then(_not_a_moment()),
        },
    ]


#: The usual time stamps: a date, or a time to the second in China Standard Time (its date
#: is the CST date).
_CST_SECOND: Final = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\+08:00)?$"
)


def _cst_date_checked(out: str, source: str) -> Quick:
    """:func:`_cst_date`, the quick way for a date, a time stamp to the second at ``+08:00``
    or none (the full way gives the same reason)."""
    text, c = pl.col(f"t_{source}"), pl.col
    shape, day, good = (f"_{out}{part}" for part in ("s", "d", "g"))
    full = _cst_date(out, source)
    quick = [
        {
            shape: text.str.contains(_CST_SECOND),
            day: text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False),
        },
        {
            good: text.is_null() | (c(shape) & _in_years(c(day).dt.year())).fill_null(False),
            out: pl.when(c(shape)).then(c(day)),
            # a missing time stamp: the reason the full way gives
            f"w_{out}": pl.when(text.is_null()).then(_not_a_moment()),
        },
    ]
    return Quick(quick, good, full, source)


def _date(out: str, source: str | None = None) -> Stages:
    """``out``: the date of ``t_{source}``, ``YYYY-MM-DD``; ``w_{out}``: why not."""
    text = pl.col(f"t_{source or out}")
    day = f"_{out}d"
    return [
        {
            day: pl.when(text.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")).then(
                text.str.to_date("%Y-%m-%d", strict=False)
            )
        },
        {
            out: pl.when(_in_years(pl.col(day).dt.year())).then(pl.col(day)),
            f"w_{out}": pl.when(~_in_years(pl.col(day).dt.year()).fill_null(False)).then(
                pl.lit(
                    _("not an ISO date (YYYY-MM-DD) in {MIN_YEAR}-{MAX_YEAR}").format(
                        MIN_YEAR=MIN_YEAR, MAX_YEAR=MAX_YEAR
                    )
                )
            ),
        },
    ]


def _text_columns(columns: Mapping[str, pl.DataType]) -> tuple[str, ...]:
    """The text columns of a table (:mod:`sscert.batch.schema`)."""
    return tuple(name for name, kind in columns.items() if kind == pl.String())


def _schema(frame: Table) -> pl.Schema:
    return frame.schema if isinstance(frame, pl.DataFrame) else frame.collect_schema()


def _flag(frame: Table, column: str) -> tuple[pl.Expr, pl.Expr]:
    """A true/false column (Boolean, or text ``true``/``false``); null stays null."""
    schema = _schema(frame)
    if column not in schema:
        return pl.lit(None, pl.Boolean), pl.lit(None, pl.Utf8)
    if schema[column] == pl.Boolean:
        return pl.col(column), pl.lit(None, pl.Utf8)
    text = pl.col(column).cast(pl.Utf8).str.strip_chars().str.to_lowercase()
    value = pl.when(text == "true").then(True).when(text == "false").then(False)
    why = pl.when(text.is_not_null() & (text != "") & value.is_null()).then(
        pl.lit(_("true or false"))
    )
    return value, why


def _collect(
    frame: pl.DataFrame,
    table: str,
    checks: dict[str, str],
    offset: int = 0,
    cap: int | None = MAX_PROBLEMS,
) -> list[tuple[str, int, str, str]]:
    """The first ``cap`` reasons of each column (all for ``None``); rows count from 1 after
    ``offset`` rows."""
    problems: list[Problem] = []
    counts = frame.select(pl.col(checks.values()).null_count()).row(0)
    for (column, why_column), nulls in zip(checks.items(), counts, strict=True):
        if nulls == frame.height:
            continue  # no reason given: the usual case, known from the column's null count
        bad = frame.with_row_index("row", offset=offset + 1).filter(
            pl.col(why_column).is_not_null()
        )
        for row, why in _capped(bad.select("row", why_column), cap).iter_rows():
            problems.append((table, int(row), column, str(why)))
    return problems


_Rows = TypeVar("_Rows", pl.DataFrame, pl.Series)
Problem = tuple[str, int, str, str]
"""(table, row, column, reason); rows count from 1 for the first data row."""


@frozen
class Checked:
    """The tables' converted columns (keyed by the normalised ID number) and every problem
    found (at most ``cap`` per column and check)."""

    entitlements: pl.DataFrame
    events: pl.DataFrame
    changes: pl.DataFrame
    people: pl.DataFrame | None
    problems: list[Problem]


def from_tables(
    entitlements: Table,
    events: Table | None = None,
    changes: Table | None = None,
    people: Table | None = None,
    *,
    known_channels: Iterable[str] = (),
) -> BatchInput:
    """Validate and convert the tables; raise :class:`BatchInputError` for bad values.

    A table may be a data frame or a lazy frame (:func:`scan_table`): a lazy one is read a
    part at a time, so a file is never held whole alongside its converted columns."""
    checked = check_tables(entitlements, events, changes, people, known_channels=known_channels)
    if checked.problems:
        raise BatchInputError(checked.problems[:MAX_PROBLEMS], len(checked.problems))
    return assemble(checked)


def check_tables(
    entitlements: Table,
    events: Table | None = None,
    changes: Table | None = None,
    people: Table | None = None,
    *,
    known_channels: Iterable[str] = (),
    cap: int | None = MAX_PROBLEMS,
) -> Checked:
    """Every column check and every check across rows, without stopping at a problem:
    ``cap`` problems per column and check at most (``None``: all of them)."""
    c = pl.col
    schemes = [s.value for s in Scheme]
    channels = sorted(set(KNOWN_CHANNELS) | set(known_channels))
    relationships = [r.value for r in Relationship]
    problems: list[tuple[str, int, str, str]] = []

    incapacitated, incapacitated_why = _flag(entitlements, "dependant_fully_incapacitated")
    found: dict[str, list[Problem]] = {name: [] for name in _TABLES}
    jobs: dict[str, Callable[[], pl.DataFrame]] = {}
    jobs["entitlements"] = functools.partial(
        _checked,
        entitlements,
        _text_columns(ENTITLEMENT_COLUMNS),
        [_id_number_checked("id_number"), _month("start"), _month("end"), _fen_checked("amount")],
        lambda frame, *keep: frame.select(
            *keep,
            key=KEY,
            kind=KIND,
            id_text=ID_TEXT,
            scheme="t_scheme",
            start="start",
            end=pl.when(c("t_end").fill_null("") != "").then(c("end")),
            amount="amount",
            relationship=pl.when(c("t_dependant_relationship") != "").then(
                c("t_dependant_relationship")
            ),
            incapacitated="incapacitated",
            w_relationship=pl.when(
                (c("t_dependant_relationship") != "")
                & (
                    ~c("t_dependant_relationship").is_in(relationships)
                    | (c("t_scheme") != "work_injury_survivor")
                )
            ).then(
                pl.lit(
                    _("a relationship ({known}) of a work_injury_survivor dependant").format(
                        known=", ".join(relationships)
                    )
                )
            ),
            w_incapacitated="w_incapacitated",
            w_id="w_id_number",
            w_scheme=pl.when(~c("t_scheme").is_in(schemes).fill_null(False)).then(
                pl.lit(_("unknown scheme"))
            ),
            w_start="w_start",
            w_end=pl.when(c("t_end").fill_null("") != "").then(
                pl.coalesce("w_end", pl.when(c("end") < c("start")).then(pl.lit(_("before start"))))
            ),
            w_amount="w_amount",
        ),
        incapacitated=incapacitated,
        w_incapacitated=incapacitated_why,
        reasons=(
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
            found["entitlements"],
        ),
        cap=cap,
    )
    events = events if events is not None else pl.DataFrame({"id_number": [], "type": []})
    types = list(EVENT_TYPES)
    kind, given_to = c("t_type"), c("t_to").fill_null("") != ""
    # plain text of the wire classes (the channel has a check of its own): its length as given
    texts = {column: tags for column, tags in EVENT_TEXT.items() if column != "channel"}
    present = _schema(events)
    lengths = {
        f"n_{column}": pl.col(column).cast(pl.Utf8).str.len_chars()
        if column in present
        else pl.lit(None, pl.UInt32)
        for column in texts
    }
    too_long = {
        f"w_{column}": pl.when(kind.is_in(tags) & (c(f"n_{column}") > MAX_TEXT)).then(
            pl.lit(_("longer than {MAX_TEXT} characters").format(MAX_TEXT=MAX_TEXT))
        )
        for column, tags in texts.items()
    }
    jobs["events"] = functools.partial(
        _checked,
        events,
        _text_columns(EVENT_COLUMNS),
        [
            _id_number_checked("id_number"),
            _cst_date_checked("at", "at"),
            _date("on"),
            _date("reported_on"),
            _date("start", "from"),
            _date("end", "to"),
        ],
        lambda frame, *keep: frame.select(
            *keep,
            "at",
            "on",
            "reported_on",
            key=KEY,
            id_text=ID_TEXT,
            type=kind,
            channel="t_channel",
            reason="t_reason",
            start="start",
            end=pl.when(given_to).then(c("end")),
            w_id="w_id_number",
            w_type=pl.when(~kind.is_in(types).fill_null(False)).then(pl.lit(", ".join(types))),
            w_reason=pl.when(
                (kind == "dependant_ended")
                & ~c("t_reason").is_in([r.value for r in EndReason]).fill_null(False)
            ).then(pl.lit(", ".join(r.value for r in EndReason))),
            w_from=pl.when(kind == "imprisoned").then(c("w_start")),
            w_to=pl.when((kind == "imprisoned") & given_to).then(
                pl.coalesce("w_end", pl.when(c("end") < c("start")).then(pl.lit(_("before from"))))
            ),
            w_at=pl.when(kind == "certified").then(c("w_at")),
            w_channel=pl.when(
                (kind == "certified") & ~c("t_channel").is_in(channels).fill_null(False)
            ).then(pl.lit(_("unknown channel"))),
            w_on=pl.when(kind.is_in(["died", "dependant_ended"])).then(c("w_on")),
            w_reported=pl.when(kind == "died").then(
                pl.coalesce(
                    "w_reported_on",
                    pl.when(c("reported_on") < c("on")).then(pl.lit(_("before the death"))),
                )
            ),
            **too_long,
        ),
        reasons=(
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
                **{column: f"w_{column}" for column in texts},
            },
            found["events"],
        ),
        cap=cap,
        **lengths,
    )

    changes = changes if changes is not None else pl.DataFrame({"id_number": [], "scheme": []})
    jobs["changes"] = functools.partial(
        _checked,
        changes,
        _text_columns(CHANGE_COLUMNS),
        [_id_number_checked("id_number"), _month("start", "from"), _fen_checked("amount")],
        lambda frame, *keep: frame.select(
            *keep,
            "start",
            "amount",
            key=KEY,
            kind=KIND,
            id_text=ID_TEXT,
            scheme="t_scheme",
            w_id="w_id_number",
            w_from="w_start",
            w_amount="w_amount",
        ),
        reasons=(
            "changes",
            {"id_number": "w_id", "from": "w_from", "monthly_amount": "w_amount"},
            found["changes"],
        ),
        cap=cap,
    )
    if people is not None:
        jobs["people"] = functools.partial(
            _checked,
            people,
            _text_columns(PEOPLE_COLUMNS),
            [_id_number_checked("id_number")],
            lambda frame, *keep: frame.select(
                *keep, "id_number", key=KEY, township="t_township", w_id="w_id_number"
            ),
            reasons=("people", {"id_number": "w_id"}, found["people"]),
            cap=cap,
        )
    frames = _all_at_once(jobs)
    ents, evs, chs = frames["entitlements"], frames["events"], frames["changes"]
    across = _all_at_once(
        {
            "entitlements": functools.partial(_entitlement_problems, ents, cap),
            "changes": functools.partial(_change_problems, ents, chs, cap),
            "deaths": functools.partial(_death_problems, evs, cap),
            "dependants": functools.partial(_dependant_event_problems, ents, evs, cap),
        }
    )
    problems += found["entitlements"] + across["entitlements"]
    problems += found["events"] + found["changes"] + across["changes"]
    problems += found["people"] + across["deaths"] + across["dependants"]
    return Checked(ents, evs, chs, frames.get("people"), problems)


_TABLES: Final = ("entitlements", "events", "changes", "people")
#: How many tables are checked at once. Polars computes each check on its own threads too,
#: but a table's query and its small steps leave cores idle that another table's checks fill.
#: Two, as many as the machine's cores here: four at once were no faster and held more
#: working columns at a time.
CHECK_THREADS: Final = 2


_Done = TypeVar("_Done")


def _all_at_once(jobs: Mapping[str, Callable[[], _Done]]) -> dict[str, _Done]:
    """Each job's table, the jobs run on :data:`CHECK_THREADS` threads (Polars lets go of
    the interpreter while it computes). The first failure is raised, as if run in turn."""
    with ThreadPoolExecutor(CHECK_THREADS) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def assemble(checked: Checked) -> BatchInput:
    """The engine's input from checked tables (which must have no problems)."""
    ents, evs, chs = checked.entitlements, checked.events, checked.changes
    # People: the given order, else first appearance (entitlements, then events).
    given = pl.DataFrame(schema={"key": pl.Int64, "id_number": pl.Utf8, "township": pl.Utf8})
    if checked.people is not None:
        given = checked.people.select("key", "id_number", "township")
        given = given.filter(_firsts(given["key"]))
    persons, (keyed_ents, keyed_evs, keyed_chs) = _keyed(given, ents, evs, chs)
    if keyed_ents["person"].null_count() or keyed_evs["person"].null_count():
        # people not in the people table (usually none): after it, as they first appear
        appearing = pl.concat([ents.select("key"), evs.select("key")])
        appearing = appearing.filter(~pl.col("key").is_in(given["key"].implode()))
        appearing = appearing.filter(pl.col("key").is_first_distinct()).with_columns(
            id_number=_id_number_of(pl.col("key")), township=pl.lit(None, pl.Utf8)
        )
        everyone = pl.concat([given, appearing])
        persons, (keyed_ents, keyed_evs, keyed_chs) = _keyed(everyone, ents, evs, chs)
    keyed_events = _numbered(keyed_evs, "index")
    kind = pl.col("type")
    return BatchInput(
        persons.select("person", "id_number", "township"),
        _numbered(keyed_ents, "position").select(
            "person",
            "position",
            scheme="scheme",
            start="start",
            end="end",
            amount="amount",
            relationship="relationship",
            incapacitated="incapacitated",
        ),
        keyed_chs.select("person", "scheme", "start", "amount"),
        keyed_events.filter(kind == "certified").select(
            "person", "index", on="at", channel="channel"
        ),
        keyed_events.filter(kind == "died").select("person", "index", "on", "reported_on"),
        keyed_events.filter(kind == "dependant_ended")
        .select("person", "on", "reason")
        .cast(DEPENDANT_ENDS),  # type: ignore[arg-type]
        keyed_events.filter(kind == "imprisoned")
        .select("person", "start", "end")
        .cast(IMPRISONMENTS),  # type: ignore[arg-type]
    )


def _keyed(people: pl.DataFrame, *tables: pl.DataFrame) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """``people`` (each key once) numbered in order (``person``), and each of ``tables``
    with its row in the table (``order``) and its ``person``: null for a person not in
    ``people``. The keys of every table are looked up in one join, and only the ``person``
    column is added to each table (its other columns are not copied)."""
    persons = people.with_row_index("person").with_columns(pl.col("person").cast(pl.Int64))
    found = (
        pl.concat([table.select("key") for table in tables])
        .join(persons.select("key", "person"), on="key", how="left", maintain_order="left")
        .get_column("person")
    )
    if found.len() != sum(table.height for table in tables):
        raise AssertionError("a key of the people is not unique")
    keyed, start = [], 0
    for table in tables:
        person = found.slice(start, table.height)
        keyed.append(table.with_row_index("order").with_columns(person=person))
        start += table.height
    return persons, keyed


def _numbered(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """``frame`` (its rows in ``order``, the row in the input table) sorted by person and
    ``order``, with ``name``: the row's position among the person's rows, from 0."""
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    first = (pl.col("person") != pl.col("person").shift()).fill_null(True)
    # a table already in the people's order (rows are in ``order``) is not sorted again
    return (
        (frame if in_person_order(frame) else frame.sort("person", maintain_order=True))  # stable
        .with_columns(_first=pl.when(first).then(row).forward_fill())
        .with_columns((row - pl.col("_first")).alias(name))
        .drop("_first")
    )


def _capped(rows: _Rows, cap: int | None) -> _Rows:
    """The first ``cap`` of ``rows`` (all of them for ``None``)."""
    return rows if cap is None else rows.head(cap)


def _first(rows: pl.Series, cap: int | None) -> list[int]:
    """The first ``cap`` row numbers of ``rows``."""
    return [int(r) for r in _capped(rows, cap)]


def _entitlement_problems(ents: pl.DataFrame, cap: int | None) -> list[Problem]:
    """One entitlement per scheme per person."""
    duplicated = ents.with_row_index("row", offset=1).filter(
        ~_first_of_kind(ents, ("id_number", "scheme"))
    )
    return [
        ("entitlements", r, "scheme", _("one entitlement per scheme per person"))
        for r in _first(duplicated["row"], cap)
    ]


def _death_problems(evs: pl.DataFrame, cap: int | None) -> list[Problem]:
    """One death a person."""
    later_deaths = (
        evs.with_row_index("row", offset=1)
        .filter(pl.col("type") == "died")
        .select("row", who=WHO)
        .filter(~pl.col("who").is_first_distinct())
    )
    return [
        ("events", int(row), "type", _("a second death"))
        for row in _first(later_deaths["row"], cap)
    ]


def _change_problems(ents: pl.DataFrame, chs: pl.DataFrame, cap: int | None) -> list[Problem]:
    """An amount change belongs to one of its person's entitlements, and starts in a month
    no other change of that entitlement starts in."""
    rows = chs.select("id_text", "key", "scheme", "start", "kind").with_row_index("row", offset=1)
    if _whole(ents) and _whole(chs):
        orphans = rows.join(ents.select("kind"), on="kind", how="anti", maintain_order="left")
    else:
        orphans = rows.with_columns(who=WHO).join(
            ents.select("scheme", who=WHO).unique(),
            on=["who", "scheme"],
            how="anti",
            maintain_order="left",
        )
    again = rows.filter(~_first_of_kind(rows, ("id_number", "scheme", "start")))
    return [
        ("changes", row, "scheme", _("an amount change with no entitlement of that scheme"))
        for row in _first(orphans["row"], cap)
    ] + [
        ("changes", row, "from", _("another change of the entitlement starts in that month"))
        for row in _first(again["row"], cap)
    ]


def _whole(frame: pl.DataFrame) -> bool:
    """Whether every row of checked ``frame`` has a valid ID number and a known scheme: a
    ``kind`` (:data:`KIND`)."""
    return frame["kind"].null_count() == 0


def _firsts(values: pl.Series) -> pl.Series:
    """Whether each value is the first of its kind — all of them when none repeats, which
    counting the distinct values (on every core) finds sooner than marking each."""
    if values.n_unique() == values.len():
        return pl.repeat(True, values.len(), eager=True)
    return values.is_first_distinct()


def _first_of_kind(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.Series:
    """Whether each row is the first with its values of ``columns`` (``id_number``,
    ``scheme``, perhaps ``start``): compared as whole numbers when every row has a valid ID
    number and a known scheme (:data:`KIND`), else as text."""
    if _whole(frame):
        if "start" in columns:
            return frame.select(pl.struct("kind", "start").is_first_distinct()).to_series()
        return _firsts(frame["kind"])
    texts = [WHO if c == "id_number" else pl.col(c).cast(pl.Utf8) for c in columns]
    return frame.select(pl.concat_str(texts, separator="\x1f").is_first_distinct()).to_series()


def _dependant_event_problems(
    ents: pl.DataFrame, evs: pl.DataFrame, cap: int | None
) -> list[Problem]:
    """C15 events belong to a person with a ``work_injury_survivor`` entitlement, and a
    benefit ends once."""
    survivors = ents.filter(pl.col("scheme") == "work_injury_survivor").select(who=WHO)
    c15 = (
        evs.with_row_index("row", offset=1)
        .filter(pl.col("type").is_in(["dependant_ended", "imprisoned"]))
        .select("row", "type", who=WHO)
    )
    orphans = c15.join(survivors.unique(), on="who", how="anti", maintain_order="left")
    problems = [
        ("events", int(row), "type", _("only for a person with a work_injury_survivor entitlement"))
        for row in _first(orphans["row"], cap)
    ]
    ends = c15.filter(pl.col("type") == "dependant_ended")
    again = ends.filter(~pl.col("who").is_first_distinct())
    problems += [
        ("events", int(row), "type", _("a second end of the benefit"))
        for row in _first(again["row"], cap)
    ]
    return problems


def from_store(store: SQLiteStore, *, known_channels: Iterable[str] = ()) -> BatchInput:
    """The store's people as batch input (in the order first imported). People whose
    records do not make a valid case are left out: :func:`from_store_checked` names them."""
    return from_store_checked(store, known_channels=known_channels)[0]


def from_store_checked(
    store: SQLiteStore, *, known_channels: Iterable[str] = ()
) -> tuple[BatchInput, tuple[InvalidPerson, ...]]:
    """The store's valid people as batch input, and the people left out with the reason —
    the same people, for the same reasons, as ``store calculate``, ``report`` and ``remind``
    (:func:`sscert.store.load_people`). Plain records are read as columns and checked
    column-wise; the people with other records are read one by one
    (:func:`sscert.batch.stored.store_input`)."""
    from sscert.batch.stored import store_input  # noqa: PLC0415 - it builds on this module

    return store_input(store, known_channels=known_channels)
