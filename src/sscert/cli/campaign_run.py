"""``sscert remind`` and ``sscert report``: reminder lists and the progress report."""

from __future__ import annotations

from pathlib import Path

import click

from sscert.cli.store import load_campaign_option, parse_as_of
from sscert.plugins import channel_codes, fine_policy, make_plugin_manager
from sscert.reports import Snapshot, take_snapshot, write_reminders, write_report
from sscert.store import SQLiteStore, StoreError

__all__ = ["remind", "report"]


def _snapshot(db: Path, campaign: str, as_of: str) -> Snapshot:
    loaded = load_campaign_option(campaign)
    day, _ = parse_as_of(as_of)
    try:
        with SQLiteStore.open(db) as store:
            pm = make_plugin_manager()
            return take_snapshot(store, loaded, day, channel_codes(pm), fine_policy=fine_policy(pm))
    except StoreError as error:
        click.echo(f"sscert: {error}", err=True)
        raise SystemExit(2) from None


def _finish(snapshot: Snapshot) -> None:
    """Name the people left out (their records do not make a valid case); exit 1 if any."""
    for person in snapshot.invalid:
        click.echo(f"sscert: {person.id_number}: not calculated: {person.reason}", err=True)
    if snapshot.invalid:
        raise SystemExit(1)


@click.command("remind")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--campaign", required=True, help="Campaign id or file.")
@click.option("--as-of", "as_of", required=True, help="The as-of date, YYYY-MM-DD.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--unmasked", is_flag=True, help="Full ID and phone numbers (agency use only).")
def remind(db: Path, campaign: str, as_of: str, out: Path, unmasked: bool) -> None:
    """Reminder lists of everyone pending or suspended, by township (CSV and Excel), and the
    SMS / notice text for each person."""
    snapshot = _snapshot(db, campaign, as_of)
    paths = write_reminders(snapshot, out, unmasked=unmasked)
    click.echo(f"{len(snapshot.needing_reminder)} people to remind, as of {snapshot.as_of}:")
    for path in paths.values():
        click.echo(f"  {path}")
    _finish(snapshot)


@click.command("report")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--campaign", required=True, help="Campaign id or file.")
@click.option("--as-of", "as_of", required=True, help="The as-of date, YYYY-MM-DD.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
def report(db: Path, campaign: str, as_of: str, out: Path) -> None:
    """The progress report: one self-contained HTML file that works offline."""
    snapshot = _snapshot(db, campaign, as_of)
    write_report(snapshot, out)
    click.echo(f"report: {out.resolve()}")
    _finish(snapshot)
