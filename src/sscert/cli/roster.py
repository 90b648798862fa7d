"""``sscert roster import DB FILE [--mapping MAP.toml] [--rejects REJECTS.csv]``."""

from __future__ import annotations

from pathlib import Path

import click

from sscert.campaigns import CampaignError, load_campaign
from sscert.roster import ColumnMapping, RosterError, import_roster, write_rejects
from sscert.store import SQLiteStore, StoreError

__all__ = ["roster"]


@click.group()
def roster() -> None:
    """Rosters (花名册) exported from agency systems, as CSV or Excel."""


@roster.command("import")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A TOML file naming the headers of your export (default: ROSTER.md's).",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the rejected rows (default: FILE.rejects.csv beside FILE).",
)
@click.option(
    "--campaign",
    "campaign_name",
    help="Warn about townships that are not the campaign's (e.g. laiyuan-2023).",
)
def import_(
    db: Path, file: Path, mapping: Path | None, rejects: Path | None, campaign_name: str | None
) -> None:
    """Import the rows of a roster FILE (.csv or .xlsx) into the store DB.

    Exit status: 0 when every row was imported (or already there), 1 when some rows were
    rejected (the rest are imported), 2 when the import could not run.
    """
    try:
        store = SQLiteStore.open(db)
        columns = ColumnMapping.load(mapping)
        campaign = load_campaign(campaign_name) if campaign_name else None
    except (StoreError, RosterError, CampaignError) as error:
        click.echo(f"sscert: {error}", err=True)
        raise SystemExit(2) from None

    def progress(rows: int) -> None:
        click.echo(f"  {rows:,} rows…", err=True)

    try:
        with store:
            report = import_roster(
                store, file, mapping=columns, campaign=campaign, progress=progress
            )
    except RosterError as error:
        click.echo(f"sscert: {error}", err=True)
        raise SystemExit(2) from None
    for warning in report.warnings:
        click.echo(
            f"{file}: row {warning.row}: {warning.column}: warning: {warning.reason}", err=True
        )
    for problem in report.rejected:
        click.echo(
            f"{file}: row {problem.row}: {problem.column}: rejected: {problem.reason}", err=True
        )
    target = rejects or file.with_name(file.name + ".rejects.csv")
    if report.rejected:
        write_rejects(target, report)
    click.echo(
        f"rows {report.rows}: imported {report.imported}, already present "
        f"{report.already_present}, rejected {len(report.rejected)}, warnings "
        f"{len(report.warnings)}"
        + (f"; rejected rows written to {target}" if report.rejected else "")
    )
    raise SystemExit(0 if report.ok else 1)
