"""``sscert store``: init, import, verify, calculate and export a campaign store."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from sscert.attestation import AttestationVerifier, TrustedKey
from sscert.campaigns import CampaignError, load_campaign
from sscert.cli.output import dump_json
from sscert.contract import InputError
from sscert.plugins import calculate_with_plugins, channel_codes, make_plugin_manager
from sscert.store import SQLiteStore, StoreError, export_archive
from sscert.values.months import Month

__all__ = ["store"]


def _fail(message: str) -> SystemExit:
    click.echo(f"sscert: {message}", err=True)
    return SystemExit(2)


def _open(db: Path) -> SQLiteStore:
    try:
        return SQLiteStore.open(db)
    except StoreError as error:
        raise _fail(str(error)) from None


@click.group()
def store() -> None:
    """The campaign store: append-only, hash-chained, crash-safe (SQLite)."""


@store.command("init")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
def init(db: Path) -> None:
    """Create a store in DB; an existing store is left untouched."""
    try:
        opened, created = SQLiteStore.init(db)
    except StoreError as error:
        raise _fail(str(error)) from None
    opened.close()
    click.echo(f"created store {db}" if created else f"{db} is already a store: left untouched")


def _verifier(keys: Path | None) -> AttestationVerifier | None:
    if keys is None:
        return None
    try:
        items = json.loads(keys.read_text(encoding="utf-8"))
        trusted = [
            TrustedKey.from_pem(i["key_id"], i["channel"], i["public_key_pem"].encode())
            for i in items
        ]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise _fail(f"{keys}: not a list of trusted keys ({error})") from None
    return AttestationVerifier(trusted)


@store.command("import")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--trusted-keys",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON list of {key_id, channel, public_key_pem}: verify events' attestations.",
)
def import_(db: Path, file: Path, trusted_keys: Path | None) -> None:
    """Import FILE (one JSON record a line) into the store DB.

    Exit status: 0 when every line was stored or already there, 1 when some lines were
    rejected (the rest are stored), 2 when the import could not run.
    """
    opened = _open(db)
    verifier = _verifier(trusted_keys)
    try:
        handle = file.open(encoding="utf-8-sig")
    except OSError as error:
        raise _fail(f"cannot read {file}: {error}") from None
    large = file.stat().st_size > 5_000_000

    def progress(count: int) -> None:
        if large and count % 100_000 < 2000:
            click.echo(f"  {count:,} lines…", err=True)

    with opened, handle:
        try:
            report = opened.import_lines(
                handle,
                known_channels=channel_codes(make_plugin_manager()),
                verifier=verifier,
                progress=progress,
            )
        except UnicodeDecodeError as error:
            raise _fail(
                f"{file} is not UTF-8 text ({error.reason} at byte {error.start}); the lines "
                "before the last committed batch are stored, run the import again once fixed"
            ) from None
    for rejection in report.rejected:
        click.echo(f"{file}:{rejection.line}: rejected: {rejection.reason}", err=True)
    click.echo(
        f"stored {report.stored}, already present {report.present}, rejected {len(report.rejected)}"
    )
    raise SystemExit(0 if report.ok else 1)


@store.command("verify")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
def verify(db: Path) -> None:
    """Check the hash chain. Exit 0 when it holds, 1 naming the first bad row."""
    with _open(db) as opened:
        broken = opened.verify()
        seq, head = opened.head()
    if broken is not None:
        click.echo(
            f"chain broken at row {broken.seq} (record {broken.record_id!r}): {broken.reason}",
            err=True,
        )
        click.echo(f"BROKEN at row {broken.seq}")
        raise SystemExit(1)
    click.echo(f"chain holds: {seq} rows, head {head}")


@store.command("backup")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
def backup(db: Path, destination: Path) -> None:
    """Copy the store DB to DESTINATION consistently, even while imports run."""
    if destination.exists():
        raise _fail(f"{destination} exists: choose a new file for the backup")
    with _open(db) as opened:
        opened.backup(destination)
    with _open(destination) as copy:
        broken = copy.verify()
        seq, head = copy.head()
    if broken is not None:
        raise _fail(f"the backup does not verify at row {broken.seq}")
    click.echo(f"backed up {seq} rows to {destination}; head {head}")


@store.command("calculate")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--campaign", "campaign_name", required=True, help="Campaign id or file.")
@click.option("--as-of", "as_of", required=True, help="The as-of date, YYYY-MM-DD.")
@click.option("--from", "first", default=None, help="First month simulated, YYYY-MM.")
def calculate(db: Path, campaign_name: str, as_of: str, first: str | None) -> None:
    """Print what `sscert calculate` prints for the case equivalent to the store."""
    try:
        day = dt.date.fromisoformat(as_of)
        if first is not None:
            Month.parse(first)
    except ValueError as error:
        raise _fail(str(error)) from None
    with _open(db) as opened:
        case = opened.case(campaign_name, day, first)
    try:
        result = calculate_with_plugins(case, make_plugin_manager())
    except InputError as error:
        raise _fail(f"the store's records do not make a valid case:\n{error}") from None
    click.echo(dump_json(result))


@store.command("export")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--campaign", "campaign_name", required=True, help="Campaign id or file.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--unmasked", is_flag=True, help="Write ID and phone numbers in full.")
def export(db: Path, campaign_name: str, out: Path, unmasked: bool) -> None:
    """Write the archive (JSONL, CSV for Excel, manifest) of a campaign into OUT."""
    try:
        campaign = load_campaign(campaign_name)
    except CampaignError as error:
        raise _fail(str(error)) from None
    with _open(db) as opened:
        manifest = export_archive(opened, campaign, out, unmasked=unmasked)
    click.echo(
        f"wrote {manifest['records']['total']} records to {out} "
        f"({'unmasked' if unmasked else 'ID and phone numbers masked'}); "
        f"chain head {manifest['chain_head']['hash']}"
    )
    if unmasked:
        click.echo("warning: this archive holds full ID and phone numbers", err=True)
    sys.stdout.flush()
