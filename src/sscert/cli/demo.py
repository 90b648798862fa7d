"""``sscert demo``: the main job — a whole synthetic Laiyuan 2023 campaign, run end to end."""

from __future__ import annotations

from pathlib import Path

import click

from sscert.demo import run_demo
from sscert.i18n import _

__all__ = ["demo"]


@click.command("demo")
@click.option(
    "--dir",
    "folder",
    default="sscert-demo",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the store, roster, reminder lists, report and archive.",
)
@click.option("--people", default=3000, show_default=True, type=click.IntRange(1, 2_000_000))
@click.option("--seed", default=2023, show_default=True, help="The same number, the same campaign.")
def demo(folder: Path, people: int, seed: int) -> None:
    """Build a realistic synthetic Laiyuan 2023 campaign in a store, run it to 2023-06-30 and
    write the reminder lists, the progress report and the archive."""
    result = run_demo(
        folder, people=people, seed=seed, progress=lambda m: click.echo(f"  {m}…", err=True)
    )
    click.echo(
        _("demo campaign: {people} people, {to_remind} to remind").format(
            people=result.people, to_remind=result.to_remind
        )
    )
    click.echo(_("store:     {store}").format(store=result.store))
    click.echo(_("roster:    {roster}").format(roster=result.roster))
    for path in result.reminders.values():
        click.echo(_("reminders: {path}").format(path=path))
    click.echo(_("archive:   {archive}").format(archive=result.archive))
    click.echo(_("report:    {resolve}").format(resolve=result.report.resolve()))
