"""``sscert remind`` and ``sscert report``: reminder lists and the progress report."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection
from concurrent.futures import Executor
from pathlib import Path

import click

from sscert.cli.options import (
    OPERATOR_OPTION,
    fail,
    load_campaign_option,
    log_full_export,
    parse_as_of,
)
from sscert.cli.progress import progress
from sscert.i18n import _
from sscert.plugins import channel_codes, fine_policy, make_plugin_manager
from sscert.reports import Snapshot, second_process, take_snapshot, write_reminders, write_report
from sscert.reports.snapshot import ENGINES, NAMED, REMINDED
from sscert.rules.status import Status
from sscert.store import SQLiteStore, StoreError

__all__ = ["remind", "report"]


ENGINE_OPTION = click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="auto",
    show_default=True,
    help="batch: the batch engine counts everyone and only the people the lists name are "
    "calculated one by one (needs sscert[batch]); per-person: everyone one by one; auto: "
    "batch when installed. Both give the same lists and report.",
)


def _snapshot(
    db: Path, campaign: str, as_of: str, engine: str = "auto", named: Collection[Status] = NAMED
) -> Snapshot:
    loaded = load_campaign_option(campaign)
    day, _first = parse_as_of(as_of)
    try:
        with SQLiteStore.open(db) as store, progress(_("calculating")) as update:
            pm = make_plugin_manager()
            return take_snapshot(
                store,
                loaded,
                day,
                channel_codes(pm),
                fine_policy=fine_policy(pm),
                progress=update,
                engine=engine,
                named=named,
            )
    except StoreError as error:
        raise fail(str(error)) from None


def _second_process(stack: contextlib.ExitStack, *ready: str) -> Executor | None:
    """On two cores or more, a second process (started now, importing ``ready``) for the
    workbooks or the charts; ``None`` on one core."""
    if (os.cpu_count() or 1) < 2:
        return None
    return stack.enter_context(second_process(*ready))


def _finish(snapshot: Snapshot) -> None:
    """Name the people left out (their records do not make a valid case); exit 1 if any."""
    for person in snapshot.invalid:
        click.echo(
            _("sscert: {id_number}: not calculated: {reason}").format(
                id_number=person.id_number, reason=person.reason
            ),
            err=True,
        )
    if snapshot.invalid:
        raise SystemExit(1)


@click.command("remind")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--campaign", required=True, help="Campaign id or file.")
@click.option("--as-of", "as_of", required=True, help="The as-of date, YYYY-MM-DD.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--masked", is_flag=True, help="Mask phone numbers in the call lists too (not for calling)."
)
@click.option(
    "--unmasked", is_flag=True, help="Full ID and phone numbers everywhere (agency use, logged)."
)
@OPERATOR_OPTION
@ENGINE_OPTION
def remind(
    db: Path,
    campaign: str,
    as_of: str,
    out: Path,
    masked: bool,
    unmasked: bool,
    operator: str | None,
    engine: str,
) -> None:
    """Lists people can act on, by township: call lists (phones in full, for calling),
    visit lists (no phone: village and address), SMS files (at most 70 characters a text)
    and printable notices (催告通知书, 暂停发放告知书), with a summary workbook.

    Phone numbers in full are written to the call lists only, unless --masked; the export
    is recorded in the store's access log with the operator and the time."""
    with contextlib.ExitStack() as stack:
        # on two cores or more, a second process writes workbooks
        pool = _second_process(stack, "xlsxwriter")
        # the lists name the people to remind: only they are calculated one by one
        snapshot = _snapshot(db, campaign, as_of, engine, named=REMINDED)
        with progress(_("writing the lists")) as update:
            paths = write_reminders(
                snapshot, out, unmasked=unmasked, masked_calls=masked, executor=pool
            )
            update(len(paths))
    full = unmasked or not masked
    if full and snapshot.needing_reminder:
        with SQLiteStore.open(db) as store:
            log_full_export(
                store,
                "remind" + (" --unmasked" if unmasked else ""),
                _("{what} for {count} people, as of {as_of}, into {out}").format(
                    what=_("full ID and phone numbers")
                    if unmasked
                    else _("call lists with full phone numbers"),
                    count=len(snapshot.needing_reminder),
                    as_of=snapshot.as_of,
                    out=out,
                ),
                operator,
            )
    click.echo(
        _("{count} people to remind, as of {as_of}:").format(
            count=len(snapshot.needing_reminder), as_of=snapshot.as_of
        )
    )
    for name in ("csv", "xlsx", "notices"):
        click.echo(f"  {paths[name]}")
    townships = {key.split("/")[0] for key in paths if "/" in key}
    click.echo(
        _(
            "  and a folder for each of {count} townships: call list, visit list, SMS, notices"
        ).format(count=len(townships))
    )
    if full and snapshot.needing_reminder:
        click.echo(
            _("the call lists hold phone numbers in full; this export is recorded in the store"),
            err=True,
        )
    _finish(snapshot)


@click.command("report")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--campaign", required=True, help="Campaign id or file.")
@click.option("--as-of", "as_of", required=True, help="The as-of date, YYYY-MM-DD.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@ENGINE_OPTION
def report(db: Path, campaign: str, as_of: str, out: Path, engine: str) -> None:
    """The progress report: one self-contained HTML file that works offline."""
    with contextlib.ExitStack() as stack:
        pool = _second_process(stack, "sscert.reports.charts", "matplotlib.figure")
        snapshot = _snapshot(db, campaign, as_of, engine)
        write_report(snapshot, out, executor=pool)
    click.echo(_("report: {resolve}").format(resolve=out.resolve()))
    _finish(snapshot)
