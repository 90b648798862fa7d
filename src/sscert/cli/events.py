"""``sscert events import DB FILE``: certifications and deaths from Excel or CSV."""

from __future__ import annotations

from pathlib import Path

import click

from sscert.cli.options import fail
from sscert.cli.progress import progress
from sscert.cli.sheets import echo_problems, sheet_options, write_rejected
from sscert.event_sheet import import_events, mapping
from sscert.i18n import _
from sscert.plugins import channel_codes, make_plugin_manager
from sscert.sheets import SheetError
from sscert.store import SQLiteStore, StoreError

__all__ = ["events"]


@click.group()
def events() -> None:
    """Certifications (认证明细) and deaths (死亡名单) from Excel or CSV."""


@events.command("import")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@sheet_options
def import_(db: Path, file: Path, mapping_file: Path | None, rejects: Path | None) -> None:
    """Import the certifications and deaths of FILE (.csv or .xlsx) into the store DB.

    Headers understood as they are: 身份证号, 姓名, 认证时间, 认证方式 (河北人社 / 易人社 /
    线下辅助认证 / 静默认证, or the codes), 死亡日期, 报告日期.

    Exit status: 0 when every row was imported (or already there), 1 when some rows were
    rejected (the rest are imported), 2 when the import could not run.
    """
    try:
        store = SQLiteStore.open(db)
        columns = mapping(mapping_file)
    except (StoreError, SheetError) as error:
        raise fail(str(error)) from None
    known = channel_codes(make_plugin_manager())
    try:
        with store, progress(_("importing certifications and deaths")) as update:
            report = import_events(
                store, file, mapping=columns, known_channels=known, progress=update
            )
    except SheetError as error:
        raise fail(str(error)) from None
    echo_problems(file, report.rejected)
    written = write_rejected(file, rejects, report)
    summary = _(
        "rows {rows}: certifications {certifications}, deaths {deaths}, already present "
        "{present}, rejected {rejected}"
    ).format(
        rows=report.rows,
        certifications=report.certifications,
        deaths=report.deaths,
        present=report.already_present,
        rejected=len(report.rejected),
    )
    click.echo(summary + written)
    if report.others:
        click.echo(
            _(
                "and {others} other records: ends of a dependant's benefit, prison terms, "
                "account balances"
            ).format(others=report.others)
        )
    raise SystemExit(0 if report.ok else 1)
