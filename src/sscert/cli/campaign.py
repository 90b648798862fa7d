"""``sscert campaign``: show the bundled campaigns or a campaign file."""

from __future__ import annotations

import click

from sscert.campaigns import Campaign, CampaignError, bundled_campaigns, load_campaign
from sscert.channels import KNOWN_CHANNELS
from sscert.cli.output import dump_json, table
from sscert.serialization import unstructure

__all__ = ["campaign"]


@click.group()
def campaign() -> None:
    """Campaigns (认证工作): their window, channels, schemes and contacts."""


@campaign.command("list")
def list_campaigns() -> None:
    """List the campaigns bundled with sscert."""
    for name in bundled_campaigns():
        loaded = load_campaign(name)
        click.echo(f"{name}\t{loaded.name}")


@campaign.command("show")
@click.argument("name_or_path")
@click.option("--json", "as_json", is_flag=True, help="Print the campaign as JSON.")
def show(name_or_path: str, as_json: bool) -> None:
    """Show a bundled campaign (by id) or a campaign file (by path)."""
    try:
        loaded = load_campaign(name_or_path)
    except CampaignError as error:
        click.echo(f"sscert: {error}", err=True)
        raise SystemExit(2) from None
    if as_json:
        click.echo(dump_json(unstructure(loaded)))
    else:
        click.echo(render_campaign(loaded))


def _channel_label(code: str) -> str:
    info = KNOWN_CHANNELS.get(code)
    return f"{code} ({info.name_zh}, {info.name_en})" if info else code


def render_campaign(loaded: Campaign) -> str:
    """The human view of a campaign, as ``sscert campaign show`` prints it."""
    lines = [f"{loaded.name}", f"id: {loaded.id}"]
    if loaded.region_code:
        lines.append(f"region code: {loaded.region_code}")
    lines.extend(loaded.duty.describe())
    lines.append(f"payroll day: {loaded.payroll_day} of each month")
    lines.append("channels (认证方式):")
    lines.extend(f"  - {_channel_label(code)}" for code in loaded.channels)
    lines.append("schemes (认证范围):")
    lines.extend(f"  - {s.value} ({s.name_zh}; {s.name_en})" for s in loaded.schemes)
    if loaded.contacts:
        lines.append("contacts (咨询电话):")
        rows = [
            [
                c.office or c.name,
                c.phone,
                "all schemes"
                if set(c.schemes) >= set(loaded.schemes)
                else ", ".join(sorted(s.name_zh for s in c.schemes)),
            ]
            for c in loaded.contacts
        ]
        lines.extend(
            "  " + line for line in table(["name", "phone", "answers for"], rows).split("\n")
        )
    return "\n".join(lines)
