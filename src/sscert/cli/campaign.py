"""``sscert campaign``: show the bundled campaigns or a campaign file."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import click

from sscert.campaigns import (
    Campaign,
    CampaignError,
    bundled_campaigns,
    load_campaign,
    parse_campaign,
)
from sscert.channels import KNOWN_CHANNELS
from sscert.cli.options import fail
from sscert.cli.output import dump_json, table
from sscert.i18n import _
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


@campaign.command("init")
@click.argument("new_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from", "source", required=True, help="The bundled campaign to copy (its id).")
@click.option("--id", "campaign_id", help="The new campaign's id (default: from the file name).")
def init(new_file: Path, source: str, campaign_id: str | None) -> None:
    """Write NEW_FILE, an editable copy of a bundled campaign with its comments and
    references: change the dates, channels and phone numbers to your county's."""
    if source not in bundled_campaigns():
        click.echo(
            _("sscert: ")
            + _("no bundled campaign {name!r} (bundled: {known})").format(
                name=source, known=", ".join(bundled_campaigns())
            ),
            err=True,
        )
        raise SystemExit(2)
    if new_file.exists():
        click.echo(
            _("sscert: ") + _("{path} exists: choose a new file").format(path=new_file), err=True
        )
        raise SystemExit(2)
    if campaign_id is None and not new_file.stem.isascii():
        click.echo(
            _("sscert: ")
            + _(
                "name the new campaign with --id (for example --id {example}): an id is "
                "lowercase letters, digits, '.', '_' or '-', and {name} has others"
            ).format(example=f"{source.split('-', maxsplit=1)[0]}-new", name=new_file.name),
            err=True,
        )
        raise SystemExit(2)
    new_id = campaign_id or re.sub(r"[^a-z0-9._-]+", "-", new_file.stem.lower()).strip("-._")
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,63}", new_id or ""):
        click.echo(
            _("sscert: ") + _("--id: a campaign id is lowercase letters, digits, '.', '_' or '-'"),
            err=True,
        )
        raise SystemExit(2)
    text = (resources.files("sscert.campaigns") / "data" / f"{source}.toml").read_text("utf-8")
    copied = re.sub(r'(?m)^id = "[^"]*"$', f'id = "{new_id}"', text, count=1)
    header = _(
        "# Copied from the bundled campaign {source} by `sscert campaign init`: edit the dates,\n"
        "# channels, schemes and phone numbers for your county, and keep every reference.\n"
    ).format(source=source)
    parse_campaign(copied, source=str(new_file))  # the copy loads as it is
    try:
        new_file.parent.mkdir(parents=True, exist_ok=True)
        new_file.write_text(header + copied, encoding="utf-8")
    except OSError as error:
        click.echo(
            _("sscert: {new_file}: {strerror}").format(new_file=new_file, strerror=error.strerror),
            err=True,
        )
        raise SystemExit(2) from None
    click.echo(
        _(
            "wrote {path}: campaign {id}, a copy of {source}; check it with "
            "`sscert campaign show {path}`"
        ).format(path=new_file, id=new_id, source=source)
    )


@campaign.command("show")
@click.argument("name_or_path")
@click.option("--json", "as_json", is_flag=True, help="Print the campaign as JSON.")
def show(name_or_path: str, as_json: bool) -> None:
    """Show a bundled campaign (by id) or a campaign file (by path)."""
    try:
        loaded = load_campaign(name_or_path)
    except CampaignError as error:
        raise fail(str(error)) from None
    if as_json:
        click.echo(dump_json(unstructure(loaded)))
    else:
        click.echo(render_campaign(loaded))


def _channel_label(code: str) -> str:
    info = KNOWN_CHANNELS.get(code)
    return f"{info.name_zh} ({code}, {info.name_en})" if info else code


def render_campaign(loaded: Campaign) -> str:
    """The human view of a campaign, as ``sscert campaign show`` prints it."""
    lines = [f"{loaded.name}", _("id: {id}").format(id=loaded.id)]
    if loaded.region_code:
        lines.append(_("region code: {code}").format(code=loaded.region_code))
    lines.extend(loaded.duty.describe())
    lines.append(_("payroll day: {day} of each month").format(day=loaded.payroll_day))
    lines.append(_("channels (认证方式):"))
    lines.extend(f"  - {_channel_label(code)}" for code in loaded.channels)
    lines.append(_("schemes (认证范围):"))
    lines.extend(f"  - {s.name_zh} ({s.value}; {s.name_en})" for s in loaded.schemes)
    if loaded.contacts:
        lines.append(_("contacts (咨询电话):"))
        rows = [
            [
                c.office or c.name,
                c.phone,
                _("all schemes")
                if set(c.schemes) >= set(loaded.schemes)
                else "、".join(sorted(s.name_zh for s in c.schemes)),
            ]
            for c in loaded.contacts
        ]
        headers = [_("name"), _("phone"), _("answers for")]
        lines.extend("  " + line for line in table(headers, rows).split("\n"))
    return "\n".join(lines)
