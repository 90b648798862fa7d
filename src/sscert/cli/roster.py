"""``sscert roster import DB FILE [--mapping MAP.toml] [--rejects REJECTS.csv]``."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import click

from sscert.campaigns import CampaignError, load_campaign
from sscert.cli.options import fail
from sscert.cli.progress import progress
from sscert.cli.sheets import echo_problems, sheet_options, write_rejected
from sscert.events import CST
from sscert.i18n import _
from sscert.roster import RosterError, import_roster, mapping
from sscert.spreadsheet import neutralise
from sscert.store import SQLiteStore, StoreError
from sscert.values.identity import mask_id_text
from sscert.values.limits import LimitError, parse_month
from sscert.values.months import Month

__all__ = ["roster"]


@click.group()
def roster() -> None:
    """Rosters (花名册) exported from agency systems, as CSV or Excel."""


@roster.command("import")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@sheet_options
@click.option(
    "--campaign",
    "campaign_name",
    help="Warn about townships that are not the campaign's (e.g. laiyuan-2023).",
)
@click.option(
    "--month",
    "month_text",
    help="The month an amount change takes effect when the export gives no 待遇调整年月 "
    "(YYYY-MM; default: this month).",
)
def import_(
    db: Path,
    file: Path,
    mapping_file: Path | None,
    rejects: Path | None,
    campaign_name: str | None,
    month_text: str | None,
) -> None:
    """Import the rows of a roster FILE (.csv or .xlsx) into the store DB.

    Importing a newer export again updates what changed (names, phones, townships, amounts,
    end months) and lists the people it no longer holds; nothing is deleted.

    Exit status: 0 when every row was imported (or already there), 1 when some rows were
    rejected (the rest are imported), 2 when the import could not run.
    """
    try:
        month = (
            parse_month(month_text, "--month")
            if month_text
            else Month.of(dt.datetime.now(CST).date())
        )
        store = SQLiteStore.open(db)
        columns = mapping(mapping_file)
        campaign = load_campaign(campaign_name) if campaign_name else None
    except (StoreError, RosterError, CampaignError, LimitError) as error:
        raise fail(str(error)) from None
    try:
        with store, progress(_("importing the roster")) as update:
            report = import_roster(
                store, file, mapping=columns, campaign=campaign, import_month=month, progress=update
            )
    except RosterError as error:
        raise fail(str(error)) from None
    echo_problems(file, report.warnings, warning=True)
    echo_problems(file, report.rejected)
    written = write_rejected(file, rejects, report)
    missing_path = file.with_name(file.name + ".missing.csv")
    if report.missing:
        _write_missing(missing_path, report.missing)
    summary = _(
        "rows {rows}: imported {imported}, already present {present}, rejected {rejected}, "
        "warnings {warnings}, updated {updated}"
    ).format(
        rows=report.rows,
        imported=report.imported,
        updated=report.updated,
        present=report.already_present,
        rejected=len(report.rejected),
        warnings=len(report.warnings),
    )
    click.echo(summary + written)
    if report.missing:
        click.echo(
            _(
                "{count} people held in the store are not in this export (nothing was deleted): "
                "listed in {path}"
            ).format(count=len(report.missing), path=missing_path)
        )
    raise SystemExit(0 if report.ok else 1)


def _write_missing(path: Path, people: list[dict[str, str]]) -> None:
    """The people the store holds and the export does not: ID numbers masked."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([_("ID number"), _("name"), _("township")])
        for person in people:
            writer.writerow(
                [
                    neutralise(cell)
                    for cell in (
                        mask_id_text(person["id_number"]),
                        person.get("name", ""),
                        person.get("township", ""),
                    )
                ]
            )
