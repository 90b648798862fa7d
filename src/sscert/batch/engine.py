"""The columnar batch engine: rules C1-C15 for a whole roster at once, on Polars.

It gives the same answers as the per-person :func:`sscert.calculate`, field for field, for
millions of people, without a Python loop over people. Each month's outcome is computed in
closed form rather than simulated run by run:

* a payroll run *holds* a person when they are covered, their death is not yet known and
  they are overdue (past the window's end with no counting certification yet; or, for a
  rolling cycle, past the due date of their last certification);
* a month whose own run did not hold the person is paid on time (overpaid when it is after
  a death not yet known then) — or stopped, when the death was already known;
* a held month waits for the next run that does not hold the person: there it is back-paid
  (or, after the death month, dropped when the death is known then, overpaid when not);
  with no such run yet it is still withheld (dropped at the as-of date when it is after a
  known death).

For a fixed window the held runs of a person are one interval of months — from the first
payday after the window to the first payday on or after their certification or the report
of their death — so every test is a comparison of month numbers. A rolling cycle can hold,
release and hold again; there the engine looks up, per person and run, the last
certification (an as-of join) and the next run that does not hold.

Money is integer fen (Int64) throughout: no float ever holds an amount.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal

import polars as pl
from attrs import field, frozen

from sscert.campaigns import CalendarPeriods, Campaign, Duty, RollingCycle, Window
from sscert.rules.knowledge import Rejection
from sscert.rules.payroll import Outcome
from sscert.rules.penalty import (
    MAX_MULTIPLIER,
    MIN_MULTIPLIER,
    NOT_FRAUD_EVIDENCE,
    FinePolicy,
    FraudLead,
    suggest_fine,
)
from sscert.rules.status import Status
from sscert.schemes import Scheme
from sscert.values.identity import IdNumber
from sscert.values.money import Money
from sscert.values.months import Month

__all__ = [
    "MONTH_COLUMNS",
    "OUTCOMES",
    "BatchInput",
    "BatchResult",
    "evaluate_batch",
    "evaluate_in_chunks",
    "part_of",
]

#: The outcomes, in the rules' own order: the engine's codes are their positions.
OUTCOMES = pl.Enum([o.value for o in Outcome])
SCHEMES = pl.Enum([s.value for s in Scheme])
NEVER = 10**7  # a month index later than any real one
DEPENDANT_ENDS = {"person": pl.Int64, "on": pl.Date, "reason": pl.Utf8}
IMPRISONMENTS = {"person": pl.Int64, "start": pl.Date, "end": pl.Date}
#: C15: the relationships whose benefit ends at 18 unless fully incapacitated.
AGE_LIMITED = ["child", "grandchild", "sibling"]
SURVIVOR = Scheme.WORK_INJURY_SURVIVOR.value


def _shape(frame: pl.DataFrame) -> str:
    """A table's shape for ``repr``: its rows hold full ID numbers, never shown."""
    return f"<{frame.height} rows × {frame.width} columns>"


@frozen
class BatchInput:
    """A roster as columns. ``person`` is a dense integer key (0..n-1) in output order.

    * ``people``: person (Int64), id_number (Utf8)
    * ``entitlements``: person, position (Int64: order within the person), scheme (Utf8),
      start (Int32 month index), end (Int32 month index or null), amount (Int64 fen)
    * ``changes``: person, scheme, start (Int32 month index), amount (Int64 fen)
    * ``certifications``: person, index (Int64: position in the person's events),
      on (Date, CST), channel (Utf8)
    * ``deaths``: person, index, on (Date), reported_on (Date)
    * ``dependant_ends`` (C15): person, on (Date), reason (Utf8)
    * ``imprisonments`` (C15): person, start (Date), end (Date or null)

    ``entitlements`` may also hold, for ``work_injury_survivor``, ``relationship`` (Utf8)
    and ``incapacitated`` (Boolean) of the dependant.
    """

    people: pl.DataFrame = field(repr=_shape)
    entitlements: pl.DataFrame = field(repr=_shape)
    changes: pl.DataFrame = field(repr=_shape)
    certifications: pl.DataFrame = field(repr=_shape)
    deaths: pl.DataFrame = field(repr=_shape)
    dependant_ends: pl.DataFrame = field(
        repr=_shape, factory=lambda: pl.DataFrame(schema=DEPENDANT_ENDS)
    )
    imprisonments: pl.DataFrame = field(
        repr=_shape, factory=lambda: pl.DataFrame(schema=IMPRISONMENTS)
    )


@frozen
class BatchResult:
    """``persons``: one row per person; ``months``: one row per entitlement per month;
    ``rejected``: the certifications that do not count, with their reason."""

    persons: pl.DataFrame = field(repr=_shape)
    months: pl.DataFrame = field(repr=_shape)
    rejected: pl.DataFrame = field(repr=_shape)


def _payday(month: pl.Expr, day: int) -> pl.Expr:
    """The payroll date of a month index (``year*12 + month-1``)."""
    return pl.date(month // 12, month % 12 + 1, day)


def _month_of(date: pl.Expr) -> pl.Expr:
    return (date.dt.year().cast(pl.Int32) * 12 + date.dt.month().cast(pl.Int32) - 1).cast(pl.Int32)


def _first_run_on_or_after(date: pl.Expr, day: int) -> pl.Expr:
    """The month index of the first payday on or after ``date`` (null stays null)."""
    return _month_of(date) + (date.dt.day() > day).cast(pl.Int32)


_ORDER = list(Outcome)
PAID, WITHHELD, BACKPAID, STOPPED, OVERPAID = (
    _ORDER.index(o)
    for o in (Outcome.PAID, Outcome.WITHHELD, Outcome.BACKPAID, Outcome.STOPPED, Outcome.OVERPAID)
)
_CODES = {code: outcome.value for code, outcome in enumerate(_ORDER)}
#: Each person's totals, by the outcome of the months they add up.
_TOTALS = {"paid_on_time": PAID, "backpaid": BACKPAID, "withheld": WITHHELD, "overpaid": OVERPAID}
#: The month rows of a result: one per entitlement per payroll month.
MONTH_COLUMNS: dict[str, pl.DataType] = {
    "person": pl.Int64(),
    "position": pl.Int16(),
    "month": pl.Int32(),
    "scheme": SCHEMES,
    "due": pl.Int64(),
    "paid": pl.Int64(),
    "paid_in": pl.Int32(),
    "outcome": OUTCOMES,
}


def _outcome(
    after_death: pl.Expr,
    known_now: pl.Expr,
    held: pl.Expr,
    release: pl.Expr,
    known_at_release: pl.Expr,
) -> pl.Expr:
    """The outcome as a small integer code (cheap to compute on millions of rows)."""
    # After a known death month: dropped, or overpaid when paid before the death was known.
    after = (
        pl.when(known_now)
        .then(STOPPED)
        .when(~held)
        .then(OVERPAID)
        .when(release.is_null() | known_at_release)
        .then(STOPPED)
        .otherwise(OVERPAID)
    )
    before = (
        pl.when(known_now | ~held)
        .then(PAID)
        .when(release.is_null())
        .then(WITHHELD)
        .otherwise(BACKPAID)
    )
    return pl.when(after_death).then(after).otherwise(before).cast(pl.UInt8)


def in_person_order(frame: pl.DataFrame) -> bool:
    """Whether each row's ``person`` is set and not before the one of the row before."""
    return frame["person"].null_count() == 0 and bool(
        frame.select((pl.col("person").diff() >= 0).all()).item()
    )


def _by_person(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame``, its ``person`` column marked as sorted when it is (as the tables of a roster
    usually are: :func:`in_person_order`), so that Polars groups and joins by person along
    the sorted column instead of through a hash table; else as it is."""
    person = frame["person"]
    if person.flags["SORTED_ASC"]:
        return frame
    return frame.with_columns(person.set_sorted()) if in_person_order(frame) else frame


def _with_c15_ends(data: BatchInput, as_of: dt.date) -> BatchInput:
    """C15: each ``work_injury_survivor`` entitlement's last month due (``c15_end``): the
    month its age-limited dependant turns 18 (birth date from the ID number), or the month
    of an end known at the as-of date, whichever is first; null for every other one."""
    ents = data.entitlements
    for column, dtype in (("relationship", pl.Utf8), ("incapacitated", pl.Boolean)):
        if column not in ents.columns:
            ents = ents.with_columns(pl.lit(None, dtype).alias(column))
    # only the survivors' entitlements (usually few) are looked at; the others' end is null
    survivors = ents.filter(pl.col("scheme") == SURVIVOR)
    births = data.people.join(survivors.select("person"), on="person", how="semi").select(
        "person",
        adult_m=(pl.col("id_number").str.slice(6, 4).cast(pl.Int32, strict=False) + 18) * 12
        + pl.col("id_number").str.slice(10, 2).cast(pl.Int32, strict=False)
        - 1,
    )
    ended = (
        data.dependant_ends.filter(pl.col("on") <= as_of)
        .group_by("person")
        .agg(ended_m=_month_of(pl.col("on")).min())
    )
    limited = pl.col("relationship").is_in(AGE_LIMITED) & ~pl.col("incapacitated").fill_null(False)
    ends = (
        survivors.join(births, on="person", how="left")
        .join(ended, on="person", how="left")
        .select(
            "entitlement",
            c15_end=pl.min_horizontal(
                pl.when(limited).then(pl.col("adult_m")), pl.col("ended_m")
            ).cast(pl.Int32),
        )
    )
    ents = (
        ents.join(ends, on="entitlement", how="left", maintain_order="left")
        if ends.height
        else ents.with_columns(c15_end=pl.lit(None, pl.Int32))
    ).drop("relationship", "incapacitated")
    return BatchInput(
        data.people,
        ents,
        data.changes,
        data.certifications,
        data.deaths,
        data.dependant_ends,
        data.imprisonments,
    )


def _c15_stops(rows: pl.DataFrame, data: BatchInput, as_of: dt.date, day: int) -> pl.DataFrame:
    """C15: a month after the dependant's last month due, or whose payday falls in a prison
    term known at the as-of date, is stopped."""
    stopped = pl.col("c15_end").is_not_null() & (pl.col("month") > pl.col("c15_end"))
    prison = data.imprisonments.filter(pl.col("start") <= as_of)
    if prison.height:
        hits = (
            rows.filter(pl.col("scheme") == SURVIVOR)
            .select("entitlement", "person", "month")
            .join(prison, on="person")
            .with_columns(payday=_payday(pl.col("month"), day))
            .filter(
                (pl.col("payday") >= pl.col("start"))
                & (pl.col("end").is_null() | (pl.col("payday") <= pl.col("end")))
            )
            .select("entitlement", "month")
            .unique()
            .with_columns(in_prison=pl.lit(True))
        )
        rows = rows.join(hits, on=["entitlement", "month"], how="left", maintain_order="left")
        stopped = stopped | pl.col("in_prison").fill_null(False)
        rows = rows.with_columns(
            outcome=pl.when(stopped).then(STOPPED).otherwise("outcome").cast(pl.UInt8)
        )
        return rows.drop("in_prison", "c15_end")
    return rows.with_columns(
        outcome=pl.when(stopped).then(STOPPED).otherwise("outcome").cast(pl.UInt8)
    ).drop("c15_end")


def _with_outcome_names(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        outcome=pl.col("outcome").replace_strict(_CODES, return_dtype=OUTCOMES)
    )


def _entitlement_changes(data: BatchInput, *columns: str, **named: str) -> pl.DataFrame:
    """Each amount change (its ``start`` and ``amount``) with ``columns`` and ``named`` of
    the entitlement it changes, its person's of its scheme: joined by person (along the
    sorted columns, without a hash table), then kept where the schemes are the same."""
    return (
        data.entitlements.select("person", "scheme", *columns, **named)
        .join(data.changes, on="person")
        .filter(pl.col("scheme") == pl.col("scheme_right"))
        .drop("scheme_right")
    )


def _amounts(rows: pl.DataFrame, data: BatchInput) -> pl.DataFrame:
    """C7: the amount in force — the last change whose month is not after the row's."""
    if not data.changes.height:
        return rows.rename({"base": "amount"})
    keyed = (
        _entitlement_changes(data, "entitlement")
        .select(key=pl.col("entitlement").cast(pl.Int64) * NEVER + pl.col("start"), change="amount")
        .sort("key")
    )
    return (
        rows.with_columns(key=pl.col("entitlement").cast(pl.Int64) * NEVER + pl.col("month"))
        .join_asof(
            keyed.with_columns(change_key=pl.col("key")),
            on="key",
            strategy="backward",
            check_sortedness=False,
        )
        .with_columns(
            amount=pl.when(pl.col("change_key") // NEVER == pl.col("entitlement"))
            .then(pl.col("change"))
            .otherwise(pl.col("base"))
        )
        .drop("key", "change_key", "change", "base")
    )


def evaluate_batch(
    data: BatchInput,
    campaign: Campaign,
    as_of: dt.date,
    first: Month | None = None,
    *,
    progress: Callable[[str], None] | None = None,
    fine_policy: FinePolicy | None = None,
    months: bool = True,
) -> BatchResult:
    """Apply rules C1-C14 to every person of ``data`` as of ``as_of``.

    ``progress`` is told of each stage as it ends (for long runs). ``fine_policy`` is asked,
    as :func:`sscert.rules.evaluate` asks it, for a suggested multiple for each suspected
    fraud with an amount at stake (few people: a Python call each). With ``months`` false,
    the result's month rows are left out (an empty table of :data:`MONTH_COLUMNS`): the
    persons' totals are the same.
    """

    def stage(name: str) -> None:
        if progress is not None:
            progress(name)

    day = campaign.payroll_day
    duty = campaign.duty
    current = Month.of(as_of)
    last = (current if as_of.day >= day else current - 1).index
    opens = duty.opens
    common = duty.common_first_month
    first_index: int | None = (
        first.index if first is not None else common.index if common is not None else None
    )  # None: each person from their own first entitlement month
    data = BatchInput(
        _by_person(data.people),
        data.entitlements.sort("person", "position")
        .with_row_index("entitlement")
        .with_columns(
            pl.col("entitlement").cast(pl.Int64),
            pl.col("scheme").cast(SCHEMES),
            pl.col("position").cast(pl.Int16),
            pl.col("person").set_sorted(),  # just sorted by it
        ),
        _by_person(data.changes.with_columns(pl.col("scheme").cast(SCHEMES))),
        _by_person(data.certifications),
        _by_person(data.deaths),
        _by_person(data.dependant_ends),
        _by_person(data.imprisonments),
    )
    data = _with_c15_ends(data, as_of)
    stage("prepared the columns")

    # C5, C2, C3: certifications known at the as-of date, and which of them count.
    certs = data.certifications.filter(pl.col("on") <= as_of).with_columns(
        reason=pl.when(~pl.col("channel").is_in(list(campaign.channels)))
        .then(pl.lit(Rejection.CHANNEL_NOT_ACCEPTED.value))
        .when(pl.lit(opens is not None) & (pl.col("on") < pl.lit(opens or as_of)))
        .then(pl.lit(Rejection.BEFORE_WINDOW.value))
        .otherwise(pl.lit(None, pl.Utf8))
    )
    counting = certs.filter(pl.col("reason").is_null())
    rejected = certs.filter(pl.col("reason").is_not_null()).select("person", "index", "reason")
    deaths = data.deaths.filter(pl.col("reported_on") <= as_of).select(
        "person", death_on="on", reported_on="reported_on"
    )

    # C4: coverage — a campaign scheme, in the months the duty covers.
    covered_rows = data.entitlements.filter(
        pl.col("scheme").is_in([s.value for s in campaign.schemes])
    )
    latest_start, earliest_end = duty.coverage_bounds
    if latest_start is not None:
        covered_rows = covered_rows.filter(pl.col("start") <= latest_start.index)
    if earliest_end is not None:
        # C4 with C15: a dependant's benefit that ended by age or an end event has ended
        effective_end = pl.min_horizontal("end", "c15_end")
        covered_rows = covered_rows.filter(
            effective_end.is_null() | (effective_end >= earliest_end.index)
        )

    persons = (
        data.people.select("person", "id_number")
        .join(
            counting.group_by("person").agg(
                certified_on=pl.col("on").min(), last_certified_on=pl.col("on").max()
            ),
            on="person",
            how="left",
        )
        .join(deaths, on="person", how="left")
        .join(
            covered_rows.group_by("person").agg(
                pl.col("start").min().alias("first_start"),
                # the schemes choose a cycle's or a period's length; a window has none
                *(
                    []
                    if isinstance(duty, Window)
                    else [pl.col("scheme").unique().alias("covered_schemes")]
                ),
            ),
            on="person",
            how="left",
        )
        .with_columns(
            covered=pl.col("first_start").is_not_null(),
            known_m=_first_run_on_or_after(pl.col("reported_on"), day).fill_null(NEVER),
            death_m=_month_of(pl.col("death_on")),
        )
    )
    if first_index is None:
        starts = data.entitlements.group_by("person").agg(own_first=pl.col("start").min())
        persons = persons.join(starts, on="person", how="left").with_columns(
            run_first=pl.col("own_first").fill_null(last + 1).cast(pl.Int32)
        )
    else:
        persons = persons.with_columns(run_first=pl.lit(first_index, pl.Int32))
    persons = persons.with_columns(_first_due(duty))

    stage("people: coverage, certifications, deaths")
    in_prison = data.imprisonments.filter(pl.col("start") <= as_of).height > 0
    if isinstance(duty, Window) and not months and not in_prison:
        totals = _totals_fixed(data, persons, duty, day, last)
        month_rows = pl.DataFrame(schema=MONTH_COLUMNS)
        stage("totals by intervals of months")
    else:
        if isinstance(duty, Window):
            rows = _months_fixed(data, persons, duty, day, last)
        else:
            rows = _months_by_due_date(
                data, persons, counting=counting, duty=duty, day=day, last=last
            )
        rows = _c15_stops(rows, data, as_of, day)
        stage(f"{rows.height:,} month rows decided")
        rows = _amounts(rows, data)
        stage("amounts in force")
        totals, month_rows = _summed(rows, months)
        stage("totals")

    # C11: a certification attempt dated after a known death.
    fraud = (
        certs.join(deaths, on="person")
        .filter(
            (pl.col("on") > pl.col("death_on"))
            & ~pl.col("channel").is_in(sorted(NOT_FRAUD_EVIDENCE))
        )
        .sort("person", "index")
        .group_by("person", maintain_order=True)
        .agg(
            suspected_fraud=pl.lit(True),
            evidence=pl.col("on"),
            evidence_channels=pl.col("channel"),
        )
    )
    persons = (
        persons.join(totals, on="person", how="left")
        .join(fraud, on="person", how="left")
        .with_columns(
            pl.col("paid_on_time", "backpaid", "withheld", "overpaid").fill_null(0),
            suspected_fraud=pl.col("suspected_fraud").fill_null(False),
        )
    )
    # C12: status as of the date, by the due date of the last counting certification.
    if isinstance(duty, Window):
        certified = pl.col("certified_on").is_not_null()
        pending = pl.lit(as_of <= duty.end)
    else:
        due_now = (
            pl.when(pl.col("last_certified_on").is_null())
            .then(pl.col("first_due"))
            .otherwise(_due_after(duty, pl.col("last_certified_on")))
        )
        certified = pl.col("last_certified_on").is_not_null() & (pl.lit(as_of) <= due_now)
        pending = pl.lit(as_of) <= due_now
    status = (
        pl.when(pl.col("reported_on").is_not_null())
        .then(pl.lit(Status.DECEASED.value))
        .when(~pl.col("covered"))
        .then(pl.lit(Status.NOT_COVERED.value))
        .when(pl.lit(opens is not None and as_of < opens))
        .then(pl.lit(Status.NOT_YET_OPEN.value))
        .when(certified)
        .then(pl.lit(Status.CERTIFIED.value))
        .when(pending)
        .then(pl.lit(Status.PENDING.value))
        .otherwise(pl.lit(Status.SUSPENDED.value))
    )
    penalty = pl.col("suspected_fraud") & (pl.col("overpaid") > 0)
    suggested = _suggestions(persons, campaign, fine_policy)
    persons = persons.select(
        "person",
        "id_number",
        status=status,
        certified_on="certified_on",
        suspected_fraud="suspected_fraud",
        paid_on_time="paid_on_time",
        backpaid="backpaid",
        withheld="withheld",
        overpaid="overpaid",
        repay=pl.when(penalty).then(pl.col("overpaid")),
        fine_min=pl.when(penalty).then(pl.col("overpaid") * int(MIN_MULTIPLIER)),
        fine_max=pl.when(penalty).then(pl.col("overpaid") * int(MAX_MULTIPLIER)),
    ).sort("person")
    persons = persons.join(suggested, on="person", how="left")
    stage("status and penalties")
    return BatchResult(persons, month_rows, rejected.sort(["person", "index"]))


def part_of(data: BatchInput, low: int, high: int) -> BatchInput:
    """The people ``low`` to ``high - 1`` of ``data`` (people are independent of each other:
    any part gives the same answers for its people as the whole)."""

    def rows(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.filter((pl.col("person") >= low) & (pl.col("person") < high))

    return BatchInput(
        rows(data.people),
        rows(data.entitlements),
        rows(data.changes),
        rows(data.certifications),
        rows(data.deaths),
        rows(data.dependant_ends),
        rows(data.imprisonments),
    )


def evaluate_in_chunks(
    data: BatchInput,
    campaign: Campaign,
    as_of: dt.date,
    first: Month | None = None,
    *,
    chunk: int = 100_000,
    fine_policy: FinePolicy | None = None,
    progress: Callable[[str], None] | None = None,
    months: bool = True,
    workers: int = 1,
) -> Iterator[tuple[BatchResult, pl.DataFrame]]:
    """:func:`evaluate_batch` ``chunk`` people at a time, yielding each part's result with
    its people, in order: memory stays bounded by the chunk, whatever the roster's size.
    ``months`` as for :func:`evaluate_batch`. With ``workers`` above 1, that many chunks
    are evaluated at once on threads (and held at once) while the caller takes the earlier
    ones; a fine policy is still asked by one thread at a time."""
    if chunk < 1:
        raise ValueError("a chunk holds at least one person")
    if workers < 1:
        raise ValueError("at least one worker")
    total = data.people.height

    def one(low: int) -> tuple[BatchResult, pl.DataFrame]:
        part = part_of(data, low, low + chunk)
        result = evaluate_batch(
            part, campaign, as_of, first, fine_policy=fine_policy, months=months
        )
        return result, part.people

    def done(low: int) -> None:
        if progress is not None:
            progress(f"{min(low + chunk, total):,} of {total:,} people")

    lows = range(0, max(total, 1), chunk)
    if workers == 1:
        for low in lows:
            yield one(low)
            done(low)
        return
    with ThreadPoolExecutor(workers) as pool:
        running: deque[tuple[int, Future[tuple[BatchResult, pl.DataFrame]]]] = deque()
        for low in lows:
            running.append((low, pool.submit(one, low)))
            if len(running) == workers:
                first_low, future = running.popleft()
                yield future.result()
                done(first_low)
        while running:
            first_low, future = running.popleft()
            yield future.result()
            done(first_low)


_SUGGESTIONS = {
    "person": pl.Int64,
    "suggested_multiplier": pl.Utf8,
    "suggestion_reason": pl.Utf8,
    "suggestion_policy": pl.Utf8,
}


def _suggestions(
    persons: pl.DataFrame, campaign: Campaign, fine_policy: FinePolicy | None
) -> pl.DataFrame:
    """A policy's suggestion for each suspected fraud with an overpayment, by the rules' own
    :func:`~sscert.rules.penalty.suggest_fine` on the same :class:`FraudLead`."""
    rows: dict[str, list[object]] = {k: [] for k in _SUGGESTIONS}
    if fine_policy is not None:
        with _ASKING:
            _ask_policy(persons, campaign, fine_policy, rows)
    return pl.DataFrame(rows, schema=_SUGGESTIONS)


#: A fine policy is asked by one thread at a time (:func:`evaluate_in_chunks`' workers).
_ASKING = threading.Lock()


def _ask_policy(
    persons: pl.DataFrame,
    campaign: Campaign,
    fine_policy: FinePolicy,
    rows: dict[str, list[object]],
) -> None:
    """Add to ``rows`` the policy's suggestion for each of ``persons``' frauds with an
    overpayment."""
    leads = persons.filter(pl.col("suspected_fraud") & (pl.col("overpaid") > 0))
    for row in leads.iter_rows(named=True):
        lead = FraudLead(
            IdNumber.parse(row["id_number"]),
            campaign.id,
            Money(Decimal(row["overpaid"]) / 100),
            tuple(row["evidence"]),
            tuple(row["evidence_channels"]),
            row["death_on"],
            row["reported_on"],
        )
        suggestion = suggest_fine(fine_policy, campaign, lead)
        if suggestion is not None:
            rows["person"].append(row["person"])
            rows["suggested_multiplier"].append(str(suggestion.multiplier))
            rows["suggestion_reason"].append(suggestion.reason)
            rows["suggestion_policy"].append(suggestion.policy)


#: The per-person columns the due date after a certification needs.
_DUE_COLUMNS = ("cycle_months", "min_period", "min_interval")


def _smallest(default: int | None, by_scheme: dict[str, int | None]) -> pl.Expr:
    """The smallest of ``default`` and each covered scheme's own value (``None``: no limit)."""
    values = [
        pl.when(pl.col("covered_schemes").list.contains(code)).then(value)
        for code, value in by_scheme.items()
        if value is not None
    ]
    if default is not None:
        others = (
            pl.col("covered_schemes")
            .list.eval(pl.element().is_in(list(by_scheme)).not_())
            .list.any()
        )
        values.append(pl.when(others).then(default))
    return pl.min_horizontal(values) if values else pl.lit(None, pl.Int32)


def _first_due(duty: Duty) -> list[pl.Expr]:
    """The columns of a person's due date before any certification (C14 for periods)."""
    if isinstance(duty, Window):
        return [pl.lit(None, pl.Date).alias("first_due")]
    if isinstance(duty, RollingCycle):
        months = _smallest(duty.months, {s.value: n for s, n in duty.by_scheme.items()})
        anchor = pl.col("first_start")
        if duty.start is not None:
            anchor = pl.max_horizontal(anchor, pl.lit(Month.of(duty.start).index))
        due_month = anchor + months
        return [
            months.cast(pl.Int32).alias("cycle_months"),
            pl.date(due_month // 12, due_month % 12 + 1, 1).dt.month_end().alias("first_due"),
        ]
    periods = {s.value: p for s, p in duty.by_scheme.items()}
    length = _smallest(duty.default.months, {k: p.months for k, p in periods.items()})
    interval = _smallest(duty.default.max_interval, {k: p.max_interval for k, p in periods.items()})
    anchor = pl.max_horizontal(
        pl.lit(duty.start), pl.date(pl.col("first_start") // 12, pl.col("first_start") % 12 + 1, 1)
    )
    return [
        length.cast(pl.Int32).alias("min_period"),
        interval.cast(pl.Int32).alias("min_interval"),
        _end_of_period(anchor, length).alias("first_due"),
    ]


def _end_of_period(day: pl.Expr, months: pl.Expr) -> pl.Expr:
    """The last day of the calendar period of ``months`` (6 or 12) containing ``day``."""
    last_month = ((day.dt.month().cast(pl.Int32) - 1) // months + 1) * months
    return pl.date(day.dt.year(), last_month, 1).dt.month_end()


def _due_after(duty: RollingCycle | CalendarPeriods, cert: pl.Expr) -> pl.Expr:
    """The due date after a counting certification on ``cert`` (C8 rolling; C14)."""
    if isinstance(duty, RollingCycle):
        return cert.dt.offset_by(pl.format("{}mo", pl.col("cycle_months")))
    length = pl.col("min_period")
    following = _end_of_period(_end_of_period(cert, length).dt.offset_by("1d"), length)
    by_interval = cert.dt.offset_by(pl.format("{}mo", pl.col("min_interval")))
    return (
        pl.when(pl.col("min_interval").is_null())
        .then(following)
        .otherwise(pl.min_horizontal(following, by_interval))
    )


def _explode(
    data: BatchInput, persons: pl.DataFrame, columns: list[str], last: int
) -> pl.DataFrame:
    """One row per entitlement per month it runs in, with the person's ``columns``."""
    lower = pl.max_horizontal(pl.col("start"), pl.col("run_first"))
    upper = pl.min_horizontal(pl.col("end").fill_null(last), pl.lit(last))
    return (
        data.entitlements.join(
            persons.select("person", "run_first", *columns),
            on="person",
            how="left",
            maintain_order="left",
        )
        # an entitlement with no month in the run is left out before exploding, not as a
        # null row filtered out of all of them after
        .filter(lower <= upper)
        .with_columns(month=pl.int_ranges(lower, upper + 1, dtype=pl.Int32))
        .explode("month")
        .drop("start", "end", "run_first")
        .rename({"amount": "base"})
        # The entitlements are numbered in person order and each one's months ascend, so
        # the rows are in entitlement and month order already, without sorting a copy of
        # them: group-bys take the fast path.
        .with_columns(pl.col("person").set_sorted(), pl.col("entitlement").set_sorted())
    )


def _summed(rows: pl.DataFrame, months: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Each person's totals from the month rows with their outcome and amount in force, and
    the month rows as a result gives them (left out, with ``months`` false)."""
    # The codes are chosen so that: due <=> code <= BACKPAID; paid <=> the code is even.
    code = pl.col("outcome")
    # each total is the amount of the months with its outcome (paid, back-paid and overpaid
    # months are paid; a withheld month is due)
    totals = rows.group_by("person").agg(
        **{name: pl.col("amount").filter(code == value).sum() for name, value in _TOTALS.items()}
    )
    if not months:
        return totals, pl.DataFrame(schema=MONTH_COLUMNS)
    due = pl.when(code <= BACKPAID).then(pl.col("amount")).otherwise(0)
    paid = pl.when(code % 2 == 0).then(pl.col("amount")).otherwise(0)
    month_rows = rows.select(
        "person",
        "position",
        "month",
        "scheme",
        due=due,
        paid=paid,
        paid_in=pl.when(code % 2 == 0).then(pl.col("paid_in")),
        outcome=code,
    )
    return totals, _with_outcome_names(month_rows)


def _held_runs(window: Window, day: int) -> tuple[int, pl.Expr]:
    """Fixed window: the runs that may hold a person start at the first payday after the
    window (a month index), and end before the first payday on or after their certification
    or the report of their death (a person's column, :data:`NEVER` for neither)."""
    end = window.end
    suspend_m = Month.of(end).index + (1 if end.day >= day else 0)
    release_m = pl.min_horizontal(
        _first_run_on_or_after(pl.col("certified_on"), day).fill_null(NEVER), pl.col("known_m")
    )
    return suspend_m, release_m


def _months_fixed(
    data: BatchInput, persons: pl.DataFrame, window: Window, day: int, last: int
) -> pl.DataFrame:
    """Fixed window: the held runs of a person are the months from the first payday after the
    window to (not including) the first payday on or after their certification or the report
    of their death."""
    suspend_m, release_m = _held_runs(window, day)
    persons = persons.with_columns(release_m=release_m)
    rows = _explode(data, persons, ["covered", "known_m", "death_m", "release_m"], last)
    month = pl.col("month")
    held = pl.col("covered") & (month >= suspend_m) & (month < pl.col("release_m"))
    release = pl.when(pl.col("release_m") <= last).then(pl.col("release_m"))
    after_death = pl.col("death_m").is_not_null() & (month > pl.col("death_m"))
    outcome = _outcome(
        after_death,
        month >= pl.col("known_m"),
        held,
        release,
        pl.col("release_m") >= pl.col("known_m"),
    )
    return rows.with_columns(
        outcome=outcome,
        paid_in=pl.when(held & (month < pl.col("known_m"))).then(release).otherwise(month),
    ).drop("covered", "known_m", "death_m", "release_m")


def _totals_fixed(
    data: BatchInput, persons: pl.DataFrame, window: Window, day: int, last: int
) -> pl.DataFrame:
    """Fixed window, the totals only: each outcome's months of an entitlement, by the rules
    of :func:`_months_fixed` and :func:`_c15_stops` (no prison term), are at most two
    intervals of months, and the amount in force is a step function of the month, so each
    total is a sum over intervals — without a row for each month.

    In the months an entitlement runs (to its C15 end), with ``known`` the months from the
    first payday that knows of the death and ``held`` the held runs:

    * before or in the death month: paid on time unless held and not yet known; those are
      withheld, or back-paid when a later run releases them;
    * after the death month and before it is known: overpaid, except held months dropped
      when no run releases them or the release knows of the death;
    * every other month is stopped, in no total.
    """
    suspend_m, release_m = _held_runs(window, day)
    c = pl.col
    people = persons.select(
        "person",
        "run_first",
        known="known_m",
        death=c("death_m").fill_null(NEVER),
        release=release_m,
        covered="covered",
    )
    ents = data.entitlements.join(people, on="person", how="left", maintain_order="left")
    low = pl.max_horizontal(c("start"), c("run_first"))
    high = pl.min_horizontal(c("end").fill_null(last), pl.lit(last), c("c15_end").fill_null(NEVER))
    # the held runs [suspend, release); none when not covered
    held_high = pl.when(c("covered")).then(c("release") - 1).otherwise(suspend_m - 1)
    ents = ents.select(
        "entitlement",
        "person",
        base="amount",
        released=c("release") <= last,
        release_knows=c("release") >= c("known"),
        # months up to the death month
        alive_a=low,
        alive_b=pl.min_horizontal(high, c("death")),
        # … of them, held and not yet known of the death
        held_a=pl.max_horizontal(low, pl.lit(suspend_m)),
        held_b=pl.min_horizontal(high, c("death"), c("known") - 1, held_high),
        # months after the death month, before it is known
        after_a=pl.max_horizontal(low, c("death") + 1),
        after_b=pl.min_horizontal(high, c("known") - 1),
        # … of them, held
        after_held_a=pl.max_horizontal(low, c("death") + 1, pl.lit(suspend_m)),
        after_held_b=pl.min_horizontal(high, c("known") - 1, held_high),
    )
    sums = _interval_sums(ents, data, ("alive", "held", "after", "after_held"))
    held, after_held = c("held"), c("after_held")
    released = c("released")
    # each entitlement's part of each total, then summed per person (sums without filters
    # are what Polars sums fastest by group)
    return (
        sums.select(
            "person",
            paid_on_time=c("alive") - held,
            backpaid=pl.when(released).then(held).otherwise(0),
            withheld=pl.when(~released).then(held).otherwise(0),
            overpaid=c("after")
            - pl.when(~released | c("release_knows")).then(after_held).otherwise(0),
        )
        .group_by("person")
        .sum()
    )


def _interval_sums(ents: pl.DataFrame, data: BatchInput, names: tuple[str, ...]) -> pl.DataFrame:
    """``ents`` with, for each name, the sum of the amounts in force (C7) over the months
    ``{name}_a`` to ``{name}_b`` (none when the first is after the last). The amount is the
    base, plus each change's difference from the amount before it for the months from its
    own."""
    c = pl.col

    def months(a: pl.Expr, b: pl.Expr) -> pl.Expr:
        return (b - a + 1).clip(lower_bound=0)

    sums = ents.with_columns(
        **{name: c("base") * months(c(f"{name}_a"), c(f"{name}_b")) for name in names}
    )
    if not data.changes.height:
        return sums
    same = c("entitlement") == c("entitlement").shift()
    steps = (
        _entitlement_changes(data, "entitlement", base="amount")
        .sort("entitlement", "start")
        .select(
            pl.col("entitlement").set_sorted(),  # just sorted by it
            "start",
            delta=c("amount") - pl.when(same).then(c("amount").shift()).otherwise(c("base")),
        )
        .join(
            ents.select("entitlement", *(f"{n}_{e}" for n in names for e in "ab")), on="entitlement"
        )
        .group_by("entitlement")
        .agg(
            **{
                f"_{name}": (
                    c("delta")
                    * months(pl.max_horizontal(c(f"{name}_a"), c("start")), c(f"{name}_b"))
                ).sum()
                for name in names
            }
        )
    )
    return sums.join(steps, on="entitlement", how="left", maintain_order="left").with_columns(
        **{name: c(name) + c(f"_{name}").fill_null(0) for name in names}
    )


def _months_by_due_date(
    data: BatchInput,
    persons: pl.DataFrame,
    *,
    counting: pl.DataFrame,
    duty: RollingCycle | CalendarPeriods,
    day: int,
    last: int,
) -> pl.DataFrame:
    """Rolling cycle or calendar periods: each run looks up the person's last certification
    on or before its payday and the due date after it; a held month waits for the next run
    that does not hold."""
    runs = (
        persons.select(
            "person",
            "covered",
            "known_m",
            *(c for c in _DUE_COLUMNS if c in persons.columns),
            "first_due",
            "run_first",
        )
        .with_columns(month=pl.int_ranges(pl.col("run_first"), last + 1, dtype=pl.Int32))
        .explode("month")
        .drop_nulls("month")
        .with_columns(payday=_payday(pl.col("month"), day))
        .sort("payday")
        .join_asof(
            counting.select("person", cert=pl.col("on")).sort("cert"),
            left_on="payday",
            right_on="cert",
            by="person",
            strategy="backward",
            check_sortedness=False,
        )
    )
    due = (
        pl.when(pl.col("cert").is_null())
        .then(pl.col("first_due"))
        .otherwise(_due_after(duty, pl.col("cert")))
    )
    runs = (
        runs.with_columns(
            held=pl.col("covered")
            & (pl.col("month") < pl.col("known_m"))
            & (pl.col("payday") > due)
        )
        .sort("person", "month")
        .with_columns(
            next_free=pl.when(~pl.col("held")).then(pl.col("month")).shift(-1).over("person")
        )
        .with_columns(next_free=pl.col("next_free").fill_null(strategy="backward").over("person"))
        .select("person", "month", "held", "next_free")
    )
    rows = _explode(data, persons, ["known_m", "death_m"], last).join(
        runs, on=["person", "month"], how="left", maintain_order="left"
    )
    month = pl.col("month")
    release = pl.col("next_free")
    after_death = pl.col("death_m").is_not_null() & (month > pl.col("death_m"))
    outcome = _outcome(
        after_death,
        month >= pl.col("known_m"),
        pl.col("held"),
        release,
        release >= pl.col("known_m"),
    )
    return rows.with_columns(
        outcome=outcome,
        paid_in=pl.when(pl.col("held") & (month < pl.col("known_m")))
        .then(release)
        .otherwise(month),
    ).drop("known_m", "death_m", "held", "next_free")
