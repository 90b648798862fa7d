"""What several commands share — the campaign, the as-of date, who exports — kept apart
from the command modules, so that running one command does not import the others."""

from __future__ import annotations

import datetime as dt
import getpass
from typing import TYPE_CHECKING

import click

from sscert.campaigns import Campaign, CampaignError, load_campaign
from sscert.i18n import _
from sscert.values.limits import LimitError, parse_date, parse_month
from sscert.values.months import Month
from sscert.values.privacy import redact

if TYPE_CHECKING:
    from sscert.store import SQLiteStore

__all__ = [
    "OPERATOR_OPTION",
    "fail",
    "load_campaign_option",
    "log_full_export",
    "login_name",
    "parse_as_of",
]

#: ``--operator NAME``: who exports personal data in full, for the store's access log.
OPERATOR_OPTION = click.option(
    "--operator", help="Who exports, for the store's access log (default: the login name)."
)


def fail(message: str, status: int = 2) -> SystemExit:
    """Exit ``status`` (2: the command cannot run) with ``message`` on standard error, ID
    numbers and phone numbers in it masked: a library's or a file's error may quote a
    cell."""
    click.echo(_("sscert: {redact}").format(redact=redact(message)), err=True)
    return SystemExit(status)


def load_campaign_option(name_or_path: str) -> Campaign:
    """The campaign a command's ``--campaign`` names: a bundled id or a file (the
    operator's own choice of file); exit 2 naming the problem otherwise."""
    try:
        return load_campaign(name_or_path)
    except CampaignError as error:
        raise fail(str(error)) from None


def parse_as_of(as_of: str, first: str | None = None) -> tuple[dt.date, Month | None]:
    """``--as-of`` and ``--from`` within the input limits; exit 2 otherwise."""
    try:
        return parse_date(as_of, "--as-of"), parse_month(first, "--from") if first else None
    except LimitError as error:
        raise fail(str(error)) from None


def log_full_export(store: SQLiteStore, action: str, detail: str, operator: str | None) -> None:
    """A line in the store's access log: ``operator`` (default: the login name) exported
    personal data in full, now."""
    store.log_access(action, detail, operator or login_name(), dt.datetime.now(dt.UTC))


def login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
