"""``sscert calculate CASE.json [-o OUT.json]``: the calculation contract from the shell."""

from __future__ import annotations

from pathlib import Path

import click

from sscert.campaigns import CampaignError, load_campaign
from sscert.cli.options import fail
from sscert.cli.output import OUTPUT_OPTION, echo_json
from sscert.contract import InputError
from sscert.i18n import _
from sscert.plugins import calculate_with_plugins, make_plugin_manager
from sscert.values.limits import loads
from sscert.values.privacy import redact

__all__ = ["calculate_command"]


@click.command("calculate")
@click.argument("case_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--campaign-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A campaign TOML file the case may name by its id (besides the bundled ones).",
)
@OUTPUT_OPTION
def calculate_command(case_file: Path, campaign_file: Path | None, output: Path | None) -> None:
    """Apply rules C1-C16 to the people of CASE_FILE and print the result as JSON.

    Exit status: 0 on success; 2 for bad input, with the path of the bad field on stderr.
    """
    try:
        text = case_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        click.echo(
            _("sscert: cannot read {case_file}: {error}").format(case_file=case_file, error=error),
            err=True,
        )
        raise SystemExit(2) from None
    try:
        case = loads(text)
    except ValueError as error:
        click.echo(
            _("sscert: {case_file} is not JSON sscert accepts: {error}").format(
                case_file=case_file, error=error
            ),
            err=True,
        )
        raise SystemExit(2) from None
    campaigns = []
    if campaign_file is not None:
        try:
            campaigns.append(load_campaign(campaign_file))
        except CampaignError as error:
            raise fail(str(error)) from None
    pm = make_plugin_manager()
    try:
        result = calculate_with_plugins(case, pm, campaigns=campaigns)
    except InputError as error:
        click.echo(_("sscert: {case_file}: bad input").format(case_file=case_file), err=True)
        click.echo(redact(str(error)), err=True)
        raise SystemExit(2) from None
    echo_json(result, output)
