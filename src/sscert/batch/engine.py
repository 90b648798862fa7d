"""The columnar batch engine: rules C1-C12 for a whole roster at once, on Polars.

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

Money is integer fen (Int64) throughout: no float ever holds an amount.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from attrs import frozen

from sscert.campaigns import Campaign
from sscert.values.months import Month

__all__ = ["BatchInput", "BatchResult", "evaluate_batch", "month_index"]

STATUS_DECEASED, STATUS_NOT_COVERED, STATUS_NOT_YET_OPEN = "deceased", "not_covered", "not_yet_open"
STATUS_CERTIFIED, STATUS_PENDING, STATUS_SUSPENDED = "certified", "pending", "suspended"


def month_index(month: Month) -> int:
    return month.index


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
    """

    people: pl.DataFrame
    entitlements: pl.DataFrame
    changes: pl.DataFrame
    certifications: pl.DataFrame
    deaths: pl.DataFrame


@frozen
class BatchResult:
    """``persons``: one row per person; ``months``: one row per entitlement per month;
    ``rejected``: the certifications that do not count, with their reason."""

    persons: pl.DataFrame
    months: pl.DataFrame
    rejected: pl.DataFrame


def _payday(month: pl.Expr, day: int) -> pl.Expr:
    """The payroll date of a month index (``year*12 + month-1``)."""
    return pl.date(month // 12, month % 12 + 1, day)


def evaluate_batch(
    data: BatchInput, campaign: Campaign, as_of: dt.date, first: Month | None = None
) -> BatchResult:
    """Apply rules C1-C12 to every person of ``data`` as of ``as_of``."""
    day = campaign.payroll_day
    current = Month.of(as_of)
    last = (current if as_of.day >= day else current - 1).index
    opens = (
        campaign.window.start
        if campaign.window
        else campaign.cycle.start
        if campaign.cycle
        else None
    )
    first_index: int | None
    if first is not None:
        first_index = first.index
    elif campaign.window is not None:
        first_index = campaign.window.start_month.index
    elif campaign.cycle is not None and campaign.cycle.start is not None:
        first_index = Month.of(campaign.cycle.start).index
    else:
        first_index = None  # each person from their own first entitlement month
    accepted = list(campaign.channels)
    covered_schemes = [s.value for s in campaign.schemes]

    # C5, C2, C3: certifications known at the as-of date, and which of them count.
    certs = data.certifications.filter(pl.col("on") <= as_of).with_columns(
        reason=pl.when(~pl.col("channel").is_in(accepted))
        .then(pl.lit("channel_not_accepted"))
        .when(pl.lit(opens is not None) & (pl.col("on") < pl.lit(opens or as_of)))
        .then(pl.lit("before_window"))
        .otherwise(pl.lit(None, pl.Utf8))
    )
    counting = certs.filter(pl.col("reason").is_null())
    rejected = certs.filter(pl.col("reason").is_not_null()).select("person", "index", "reason")
    deaths = data.deaths.filter(pl.col("reported_on") <= as_of).select(
        "person", death_on="on", reported_on="reported_on"
    )

    # C4: coverage.
    entitlements = data.entitlements
    covered_rows = entitlements.filter(pl.col("scheme").is_in(covered_schemes))
    if campaign.window is not None:
        covered_rows = covered_rows.filter(
            (pl.col("start") <= campaign.window.end_month.index)
            & (pl.col("end").is_null() | (pl.col("end") >= campaign.window.start_month.index))
        )
    elif campaign.cycle is not None and campaign.cycle.start is not None:
        start_month = Month.of(campaign.cycle.start).index
        covered_rows = covered_rows.filter(pl.col("end").is_null() | (pl.col("end") >= start_month))

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
                first_start=pl.col("start").min(), covered_schemes=pl.col("scheme").unique()
            ),
            on="person",
            how="left",
        )
        .with_columns(covered=pl.col("first_start").is_not_null())
    )
    if first_index is None:  # a rolling cycle without a start: each person's own history
        starts = entitlements.group_by("person").agg(own_first=pl.col("start").min())
        persons = persons.join(starts, on="person", how="left")
    cycle_months = None
    if campaign.cycle is not None:
        cycle = campaign.cycle
        by_scheme = [
            pl.when(pl.col("covered_schemes").list.contains(s.value))
            .then(n)
            .otherwise(cycle.months)
            for s, n in cycle.by_scheme.items()
        ]
        cycle_months = (
            pl.min_horizontal(pl.lit(cycle.months), *by_scheme)
            if by_scheme
            else pl.lit(cycle.months)
        )
        first_due_month = pl.col("first_start")
        if cycle.start is not None:
            first_due_month = pl.max_horizontal(
                first_due_month, pl.lit(Month.of(cycle.start).index)
            )
        due_month = first_due_month + pl.col("cycle_months")
        persons = persons.with_columns(cycle_months=cycle_months.cast(pl.Int32)).with_columns(
            first_due=pl.date(due_month // 12, due_month % 12 + 1, 1).dt.month_end()
        )

    # Payroll runs: every person, every month from the first month to the last.
    run_first = (
        pl.lit(first_index) if first_index is not None else pl.col("own_first").fill_null(last + 1)
    )
    runs = (
        persons.select(
            "person",
            "covered",
            "certified_on",
            "reported_on",
            "death_on",
            *(["cycle_months", "first_due"] if campaign.cycle is not None else []),
            run_first=run_first,
        )
        .with_columns(month=pl.int_ranges(pl.col("run_first"), last + 1))
        .explode("month")
        .drop_nulls("month")
        .with_columns(payday=_payday(pl.col("month"), day))
    )
    death_known = pl.col("reported_on").is_not_null() & (pl.col("reported_on") <= pl.col("payday"))
    if campaign.window is not None:
        overdue = (pl.col("payday") > campaign.window.end) & (
            pl.col("certified_on").is_null() | (pl.col("certified_on") > pl.col("payday"))
        )
    else:
        last_cert = (
            runs.select("person", "payday")
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
        runs = runs.join(last_cert, on=["person", "payday"], how="left")
        due = (
            pl.when(pl.col("cert").is_null())
            .then(pl.col("first_due"))
            .otherwise(pl.col("cert").dt.offset_by(pl.format("{}mo", pl.col("cycle_months"))))
        )
        overdue = pl.col("payday") > due
    runs = runs.with_columns(
        held=pl.col("covered") & ~death_known & overdue, death_known=death_known
    ).sort(["person", "month"])
    runs = runs.with_columns(
        next_free=pl.when(~pl.col("held")).then(pl.col("month")).shift(-1).over("person")
    ).with_columns(next_free=pl.col("next_free").fill_null(strategy="backward").over("person"))

    # Months: every entitlement, every month it runs in.
    lower = pl.max_horizontal(pl.col("start"), pl.col("run_first"))
    upper = pl.min_horizontal(pl.col("end").fill_null(last), pl.lit(last))
    rows = (
        entitlements.join(persons.select("person", run_first=run_first), on="person")
        .with_columns(month=pl.int_ranges(lower, upper + 1))
        .explode("month")
        .drop_nulls("month")
        .select("person", "position", "scheme", "month", base=pl.col("amount"))
    )
    # C7: the amount in force in the month.
    if data.changes.height:
        rows = (
            rows.sort("month")
            .join_asof(
                data.changes.select(
                    "person", "scheme", change_start=pl.col("start"), change=pl.col("amount")
                ).sort("change_start"),
                left_on="month",
                right_on="change_start",
                by=["person", "scheme"],
                strategy="backward",
                check_sortedness=False,
            )
            .with_columns(amount=pl.coalesce("change", "base"))
        )
    else:
        rows = rows.with_columns(amount=pl.col("base"))
    rows = rows.join(
        runs.select(
            "person", "month", "held", "death_known", "next_free", "reported_on", "death_on"
        ),
        on=["person", "month"],
        how="left",
    )
    death_month = pl.col("death_on").dt.year() * 12 + pl.col("death_on").dt.month() - 1
    after_death = pl.col("death_on").is_not_null() & (pl.col("month") > death_month)
    release = pl.col("next_free")
    known_at_release = pl.col("reported_on").is_not_null() & (
        pl.col("reported_on") <= _payday(release, day)
    )
    outcome = (
        pl.when(pl.col("death_known"))
        .then(pl.when(after_death).then(pl.lit("stopped")).otherwise(pl.lit("paid")))
        .when(~pl.col("held"))
        .then(pl.when(after_death).then(pl.lit("overpaid")).otherwise(pl.lit("paid")))
        .when(release.is_null())
        .then(pl.when(after_death).then(pl.lit("stopped")).otherwise(pl.lit("withheld")))
        .when(known_at_release)
        .then(pl.when(after_death).then(pl.lit("stopped")).otherwise(pl.lit("backpaid")))
        .otherwise(pl.when(after_death).then(pl.lit("overpaid")).otherwise(pl.lit("backpaid")))
    )
    rows = rows.with_columns(outcome=outcome).with_columns(
        due=pl.when(pl.col("outcome").is_in(["paid", "backpaid", "withheld"]))
        .then(pl.col("amount"))
        .otherwise(0),
        paid=pl.when(pl.col("outcome").is_in(["paid", "backpaid", "overpaid"]))
        .then(pl.col("amount"))
        .otherwise(0),
        paid_in=pl.when(pl.col("outcome").is_in(["stopped", "withheld"]))
        .then(None)
        .when(pl.col("held") & ~pl.col("death_known"))
        .then(release)
        .otherwise(pl.col("month")),
    )
    months = rows.select(
        "person", "position", "month", "scheme", "due", "paid", "paid_in", "outcome"
    ).sort(["person", "position", "month"])
    totals = months.group_by("person").agg(
        paid_on_time=pl.col("paid").filter(pl.col("outcome") == "paid").sum(),
        backpaid=pl.col("paid").filter(pl.col("outcome") == "backpaid").sum(),
        withheld=pl.col("due").filter(pl.col("outcome") == "withheld").sum(),
        overpaid=pl.col("paid").filter(pl.col("outcome") == "overpaid").sum(),
    )

    # C11: a certification attempt dated after a known death.
    fraud = (
        certs.join(deaths, on="person")
        .filter(pl.col("on") > pl.col("death_on"))
        .group_by("person")
        .agg(suspected_fraud=pl.lit(True))
    )
    persons = (
        persons.join(totals, on="person", how="left")
        .join(fraud, on="person", how="left")
        .with_columns(
            pl.col("paid_on_time", "backpaid", "withheld", "overpaid").fill_null(0),
            suspected_fraud=pl.col("suspected_fraud").fill_null(False),
        )
    )
    # C12: status as of the date.
    if campaign.window is not None:
        certified = pl.col("certified_on").is_not_null()
        pending = pl.lit(as_of <= campaign.window.end)
    else:
        due_now = (
            pl.when(pl.col("last_certified_on").is_null())
            .then(pl.col("first_due"))
            .otherwise(
                pl.col("last_certified_on").dt.offset_by(pl.format("{}mo", pl.col("cycle_months")))
            )
        )
        certified = pl.col("last_certified_on").is_not_null() & (pl.lit(as_of) <= due_now)
        pending = pl.lit(as_of) <= due_now
    status = (
        pl.when(pl.col("reported_on").is_not_null())
        .then(pl.lit(STATUS_DECEASED))
        .when(~pl.col("covered"))
        .then(pl.lit(STATUS_NOT_COVERED))
        .when(pl.lit(opens is not None and as_of < opens))
        .then(pl.lit(STATUS_NOT_YET_OPEN))
        .when(certified)
        .then(pl.lit(STATUS_CERTIFIED))
        .when(pending)
        .then(pl.lit(STATUS_PENDING))
        .otherwise(pl.lit(STATUS_SUSPENDED))
    )
    persons = persons.with_columns(status=status).with_columns(
        penalty=pl.col("suspected_fraud") & (pl.col("overpaid") > 0)
    )
    persons = persons.select(
        "person",
        "id_number",
        "status",
        "certified_on",
        "suspected_fraud",
        "paid_on_time",
        "backpaid",
        "withheld",
        "overpaid",
        repay=pl.when(pl.col("penalty")).then(pl.col("overpaid")),
        fine_min=pl.when(pl.col("penalty")).then(pl.col("overpaid") * 2),
        fine_max=pl.when(pl.col("penalty")).then(pl.col("overpaid") * 5),
    ).sort("person")
    return BatchResult(persons, months, rejected.sort(["person", "index"]))
