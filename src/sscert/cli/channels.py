"""``sscert channels [--json]``: every channel and the plugin that provides it."""

from __future__ import annotations

import click

from sscert.cli.output import dump_json, table
from sscert.i18n import _
from sscert.plugins import list_channels, make_plugin_manager

__all__ = ["channels"]


def _yes(flag: bool) -> str:
    return _("yes") if flag else "-"


@click.command("channels")
@click.option("--json", "as_json", is_flag=True, help="Print the channels as a JSON list.")
def channels(as_json: bool) -> None:
    """List every certification channel (认证方式) with the plugin that provides it."""
    listings = list_channels(make_plugin_manager())
    if as_json:
        click.echo(dump_json([listing.to_dict() for listing in listings]))
        return
    rows = [
        [
            item.spec.code,
            item.spec.name,
            item.plugin,
            _yes(item.spec.needs_registration),
            _yes(item.spec.needs_template_photo),
            _yes(item.spec.in_person),
        ]
        for item in listings
    ]
    click.echo(
        table(
            [
                _("code"),
                _("name"),
                _("plugin"),
                _("registration"),
                _("template photo"),
                _("in person"),
            ],
            rows,
        )
    )
