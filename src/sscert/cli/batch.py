"""``sscert batch``: the columnar engine over files or a store, to Parquet or CSV."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Final

import click

from sscert.cli.options import (
    OPERATOR_OPTION,
    fail,
    load_campaign_option,
    log_full_export,
    parse_as_of,
)
from sscert.contract import InvalidPerson
from sscert.i18n import _

#: People decided at a time without month rows (``--no-months``) …
CHUNK_PEOPLE: Final = 100_000
#: … and with them (``--months-by``): their month rows are twelve a person, so fewer people
#: a chunk keep 10⁶ people under 1 GB.
CHUNK_WITH_MONTHS: Final = 50_000
#: Chunks decided at once without month rows: while one thread waits on Polars, the other's
#: work fills the second core.
WORKERS_WITHOUT_MONTHS: Final = 2

__all__ = ["batch"]


@click.command("batch")
@click.option("--campaign", "campaign_name", required=True, help="Campaign id or file.")
@click.option("--as-of", "as_of", required=True, help="The as-of date (a payroll day), YYYY-MM-DD.")
@click.option("--from", "first", default=None, help="First month simulated, YYYY-MM.")
@click.option(
    "--store",
    "store_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the roster from a store.",
)
@click.option(
    "--entitlements",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Entitlements table (.parquet, .arrow or .csv).",
)
@click.option("--events", type=click.Path(dir_okay=False, path_type=Path), help="Events table.")
@click.option(
    "--changes", type=click.Path(dir_okay=False, path_type=Path), help="Amount changes table."
)
@click.option(
    "--people",
    type=click.Path(dir_okay=False, path_type=Path),
    help="People table: its order is the output's.",
)
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet", show_default=True
)
@click.option("--no-months", "no_months", is_flag=True, help="Leave out the month rows.")
@click.option(
    "--months-by",
    "months_by",
    type=click.Choice(["region", "township"]),
    help="Write the month rows partitioned by region (the ID number's first 6 digits) or "
    "township, chunk by chunk as they are decided (memory stays bounded).",
)
@click.option(
    "--chunk-size",
    "chunk_size",
    type=click.IntRange(1000, 10_000_000),
    default=None,
    help="People decided at a time with --months-by or --no-months "
    f"(default {CHUNK_PEOPLE:,} with --no-months, {CHUNK_WITH_MONTHS:,} with --months-by).",
)
@click.option(
    "--unmasked", is_flag=True, help="Full ID numbers (the payroll run needs them; logged)."
)
@OPERATOR_OPTION
def batch(
    campaign_name: str,
    as_of: str,
    first: str | None,
    store_path: Path | None,
    entitlements: Path | None,
    events: Path | None,
    changes: Path | None,
    people: Path | None,
    out: Path,
    fmt: str,
    no_months: bool,
    months_by: str | None,
    chunk_size: int | None,
    unmasked: bool,
    operator: str | None,
) -> None:
    """Rules C1-C15 for a whole roster at once: per-person results and per-month outcomes.

    Exit status: 0 on success; 1 when a store holds people whose records do not make a
    valid case (named on stderr; everyone else is calculated); 2 for bad input (the table,
    row and column on stderr).
    """
    try:
        import polars as pl  # noqa: PLC0415

        from sscert.batch import (  # noqa: PLC0415
            BatchInputError,
            evaluate_batch,
            from_store_checked,
            from_tables,
            scan_table,
        )
        from sscert.batch.engine import evaluate_in_chunks  # noqa: PLC0415
        from sscert.batch.output import write_outputs, write_streaming  # noqa: PLC0415
    except ImportError:
        raise click.ClickException(
            _(
                "the batch engine needs: pip install 'sscert[batch]' "
                "(from a checkout: pip install '.[batch]')"
            )
        ) from None
    from sscert.plugins import channel_codes, fine_policy, make_plugin_manager  # noqa: PLC0415

    started = time.perf_counter()

    def stage(message: str) -> None:
        click.echo(f"  [{time.perf_counter() - started:6.1f} s] {message}", err=True)

    campaign = load_campaign_option(campaign_name)
    day, first_month = parse_as_of(as_of, first)
    if (store_path is None) == (entitlements is None):
        raise fail(_("give either --store or --entitlements (with --events, --changes, --people)"))
    pm = make_plugin_manager()
    known = channel_codes(pm)
    invalid: tuple[InvalidPerson, ...] = ()
    # the store's modules only when a store is read (tables are read without them)
    bad_input: tuple[type[Exception], ...] = (
        BatchInputError,
        ValueError,
        OSError,
        pl.exceptions.PolarsError,
    )
    try:
        if store_path is not None:
            from sscert.store import SQLiteStore, StoreError  # noqa: PLC0415

            bad_input = (*bad_input, StoreError)
            stage(_("reading the store {store_path}").format(store_path=store_path))
            with SQLiteStore.open(store_path) as store:
                data, invalid = from_store_checked(store, known_channels=known)
        else:
            assert entitlements is not None
            stage(_("reading the tables"))
            # Parquet and Arrow files are read a slice at a time as they are checked
            data = from_tables(
                scan_table(entitlements),
                *(scan_table(path) if path else None for path in (events, changes, people)),
                known_channels=known,
            )
    except bad_input as error:
        raise fail(_("bad input:\n{error}").format(error=error)) from None
    stage(
        _("{height:,} people, {height2:,} entitlements: calculating").format(
            height=data.people.height, height2=data.entitlements.height
        )
    )
    if no_months and months_by:
        raise fail(_("--no-months and --months-by do not go together"))
    if months_by is not None or no_months:
        if chunk_size is None:
            chunk_size = CHUNK_PEOPLE if no_months else CHUNK_WITH_MONTHS
        parts = evaluate_in_chunks(
            data,
            campaign,
            day,
            first_month,
            chunk=chunk_size,
            fine_policy=fine_policy(pm),
            months=not no_months,
            workers=WORKERS_WITHOUT_MONTHS if no_months else 1,
            progress=stage,
        )
        paths = write_streaming(
            parts,
            out,
            fmt,
            unmasked=unmasked,
            partition=months_by or "region",
            months=not no_months,
        )
    else:
        result = evaluate_batch(
            data, campaign, day, first_month, progress=stage, fine_policy=fine_policy(pm)
        )
        stage(
            _("{height:,} month rows: writing {fmt}").format(height=result.months.height, fmt=fmt)
        )
        paths = write_outputs(result, out, fmt, unmasked=unmasked, people=data.people)
    if unmasked and store_path is not None:
        from sscert.store import SQLiteStore  # noqa: PLC0415

        with SQLiteStore.open(store_path) as store:
            log_full_export(
                store,
                "batch --unmasked",
                _("results of {count} people with full ID numbers into {out}").format(
                    count=data.people.height, out=out
                ),
                operator,
            )
    stage(_("done"))
    for path in paths:
        click.echo(str(path))
    for person in invalid:
        click.echo(
            _("sscert: {id_number}: not calculated: {reason}").format(
                id_number=person.id_number, reason=person.reason
            ),
            err=True,
        )
    if invalid:
        raise SystemExit(1)
