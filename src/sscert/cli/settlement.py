"""``sscert settlement SOURCE ID``: one deceased person's settlement (死亡待遇结算), from a
store or a case file — as a statement, as JSON, or as a printable 死亡待遇结算单."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import click

from sscert.campaigns import Campaign, CampaignError, load_campaign
from sscert.cli.options import (
    OPERATOR_OPTION,
    fail,
    load_campaign_option,
    log_full_export,
    parse_as_of,
)
from sscert.cli.output import dump_json
from sscert.contract import InputError, parse_case
from sscert.i18n import _
from sscert.people import Person
from sscert.plugins import channel_codes, make_plugin_manager
from sscert.reports.settlement import statement_text, write_statement_html
from sscert.rules.engine import PersonResult, evaluate
from sscert.store import SQLiteStore, StoreError, load_case
from sscert.store.sqlite import SQLITE_HEADER
from sscert.values.identity import IdNumber, InvalidIdNumber
from sscert.values.limits import LimitError, loads

__all__ = ["settlement"]


def _is_store(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError as error:
        raise fail(
            _("cannot read {path}: {error}").format(path=path, error=error.strerror)
        ) from None


def _from_store(
    path: Path, wanted: IdNumber, campaign_name: str | None, as_of: str | None
) -> tuple[Campaign, dt.date, Person | None, SQLiteStore]:
    if campaign_name is None or as_of is None:
        raise fail(_("a store needs --campaign and --as-of"))
    campaign = load_campaign_option(campaign_name)
    day, _first = parse_as_of(as_of)
    try:
        store = SQLiteStore.open(path)
    except StoreError as error:
        raise fail(str(error)) from None
    known = channel_codes(make_plugin_manager())
    stored = load_case(store, campaign, day, known_channels=known, only=wanted.value)
    person = next((p for p in stored.case.people if p.id_number == wanted), None)
    if person is None and any(p.id_number == wanted.masked for p in stored.invalid):
        reason = next(p.reason for p in stored.invalid if p.id_number == wanted.masked)
        store.close()
        raise fail(
            _("{person}: not calculated: {reason}").format(person=wanted.masked, reason=reason),
            1,
        )
    return campaign, day, person, store


def _from_case(
    path: Path, wanted: IdNumber, campaign_name: str | None, as_of: str | None
) -> tuple[Campaign, dt.date, Person | None]:
    try:
        data = loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, LimitError, ValueError) as error:
        raise fail(
            _("{path} is neither a store nor a case file sscert reads: {error}").format(
                path=path, error=error
            )
        ) from None
    campaigns = []
    if campaign_name is not None:
        try:
            campaigns.append(load_campaign(campaign_name))
        except CampaignError as error:
            raise fail(str(error)) from None
    try:
        case = parse_case(
            data, campaigns=campaigns, known_channels=channel_codes(make_plugin_manager())
        )
    except InputError as error:
        raise fail(_("{path}: bad input\n{error}").format(path=path, error=error)) from None
    day = parse_as_of(as_of)[0] if as_of is not None else case.as_of
    person = next((p for p in case.people if p.id_number == wanted), None)
    return case.campaign, day, person


@click.command("settlement")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("id_number")
@click.option("--campaign", help="Campaign id or file (required for a store).")
@click.option("--as-of", "as_of", help="The as-of date, YYYY-MM-DD (a case file has its own).")
@click.option(
    "--instalments",
    type=click.IntRange(1, 120),
    help="Propose repaying what remains in this many monthly instalments.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the settlement as JSON.")
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the printable 死亡待遇结算单 (A4) to this file.",
)
@click.option("--unmasked", is_flag=True, help="Show the ID number in full (logged).")
@OPERATOR_OPTION
def settlement(
    source: Path,
    id_number: str,
    campaign: str | None,
    as_of: str | None,
    instalments: int | None,
    as_json: bool,
    html_path: Path | None,
    unmasked: bool,
    operator: str | None,
) -> None:
    """The settlement after a death (死亡待遇结算) of the person ID_NUMBER: arrears,
    overpayment, survivor benefits, the account balance, offsets, what remains to repay
    (optionally in instalments) and what the heirs receive — each with its legal source.

    SOURCE is a store (with --campaign and --as-of) or a case file (.json).

    Exit status: 0 printed; 1 when the person is not there, not dead as of the date, or
    cannot be calculated; 2 for bad input.
    """
    try:
        wanted = IdNumber.parse(id_number)
    except InvalidIdNumber as error:
        raise fail(str(error)) from None
    store: SQLiteStore | None = None
    if _is_store(source):
        chosen, day, person, store = _from_store(source, wanted, campaign, as_of)
    else:
        chosen, day, person = _from_case(source, wanted, campaign, as_of)
    try:
        if person is None:
            raise fail(
                _("{person}: no such person in {source}").format(
                    person=wanted.masked, source=source
                ),
                1,
            )
        if instalments is not None:
            person = attrs.evolve(person, instalment_months=instalments)
        result: PersonResult = evaluate(chosen, person, day)
        if result.settlement is None:
            raise fail(
                _("{person}: no death known as of {as_of}: nothing to settle").format(
                    person=wanted.masked, as_of=day
                ),
                1,
            )
        if unmasked and store is not None:
            log_full_export(
                store,
                "settlement --unmasked",
                _("the settlement of {person}").format(person=wanted.masked),
                operator,
            )
    finally:
        if store is not None:
            store.close()
    if as_json:
        shown = wanted.value if unmasked else wanted.masked
        click.echo(
            dump_json(
                {
                    "id_number": shown,
                    "as_of": day.isoformat(),
                    "campaign": chosen.id,
                    "settlement": json.loads(json.dumps(result.settlement.to_dict())),
                }
            )
        )
    else:
        click.echo(statement_text(result, unmasked=unmasked))
    if html_path is not None:
        try:
            write_statement_html(html_path, [result], chosen, unmasked=unmasked)
        except OSError as error:
            raise fail(
                _("cannot write {path}: {error}").format(path=html_path, error=error.strerror)
            ) from None
        click.echo(_("statement: {path}").format(path=html_path.resolve()), err=True)
