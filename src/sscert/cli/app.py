"""The command group and its sub-commands."""

from __future__ import annotations

import click

from sscert import __version__
from sscert.cli.batch import batch
from sscert.cli.calculate import calculate_command
from sscert.cli.campaign import campaign
from sscert.cli.campaign_run import remind, report
from sscert.cli.channels import channels
from sscert.cli.demo import demo
from sscert.cli.output import ensure_utf8_streams
from sscert.cli.roster import roster
from sscert.cli.store import keys, store

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sscert")
def cli() -> None:
    """sscert — benefit eligibility certification (待遇领取资格认证)."""


cli.add_command(campaign)
cli.add_command(calculate_command)
cli.add_command(channels)
cli.add_command(store)
cli.add_command(keys)
cli.add_command(roster)
cli.add_command(remind)
cli.add_command(report)
cli.add_command(demo)
cli.add_command(batch)


def main() -> None:
    """Console-script entry point."""
    ensure_utf8_streams()
    cli()
