"""``sscert store``: init, import, verify, checkpoint, calculate, export and back up a
campaign store; ``sscert keys generate``."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from pathlib import Path
from typing import Any, Final

import click
import pluggy

from sscert.attestation import AttestationVerifier, TrustedKey
from sscert.calculate import iter_case, person_result_to_dict, result_head
from sscert.cli.memory import collect_in_full_less_often, kept_for_good
from sscert.cli.options import (
    OPERATOR_OPTION,
    load_campaign_option,
    log_full_export,
    login_name,
    parse_as_of,
)
from sscert.cli.options import fail as _fail
from sscert.cli.output import (
    ITEM_SEPARATOR,
    OUTPUT_OPTION,
    WRITE_BUFFER,
    Chunk,
    dump_json,
    echo_json_chunks,
    item_bytes,
    json_around,
    json_chunks,
    list_chunks,
    table,
)
from sscert.cli.progress import progress
from sscert.contract import Case, InvalidPerson
from sscert.i18n import _
from sscert.keys import KeyFileError, generate_key_files, load_private_key, load_public_key
from sscert.plugins import channel_codes, fine_policy, make_plugin_manager
from sscert.reports.parallel import start_second_process
from sscert.store import (
    CheckpointError,
    SQLiteStore,
    StoredCase,
    StoreError,
    export_archive,
    invalid_dicts,
    load_case,
    make_checkpoint,
    read_checkpoint,
    trusted_keys_from_json,
    verify_against,
)
from sscert.values.identity import IdNumber, InvalidIdNumber, mask_id_text
from sscert.values.phone import mask_phone_text
from sscert.values.privacy import redact

__all__ = ["keys", "load_campaign_option", "login_name", "parse_as_of", "store"]


def _open(db: Path) -> SQLiteStore:
    try:
        return SQLiteStore.open(db)
    except StoreError as error:
        raise _fail(str(error)) from None


def _trusted_keys(path: Path | None) -> list[TrustedKey] | None:
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise _fail(_("cannot read {path}: {error}").format(path=path, error=error)) from None
    try:
        return trusted_keys_from_json(text)
    except ValueError as error:
        raise _fail(
            _("{path}: not a list of trusted keys ({error})").format(path=path, error=error)
        ) from None


@click.group()
def store() -> None:
    """The campaign store: append-only, hash-chained, crash-safe (SQLite)."""


@store.command("init")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--trusted-keys",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON list of {key_id, channel, public_key_pem}: make an attested store that "
    "accepts only certifications with an attestation signed by one of these keys.",
)
def init(db: Path, trusted_keys: Path | None) -> None:
    """Create a store in DB; an existing store is left untouched."""
    keys = _trusted_keys(trusted_keys)
    try:
        opened, created = SQLiteStore.init(db, trusted_keys=keys)
    except StoreError as error:
        raise _fail(str(error)) from None
    attested = opened.attested
    opened.close()
    if not created:
        click.echo(_("{db} is already a store: left untouched").format(db=db))
        return
    if attested:
        click.echo(
            _(
                "created attested store {db}: certifications need an attestation signed by one of "
                "{len} trusted keys"
            ).format(db=db, len=len(keys or []))
        )
    else:
        click.echo(
            _(
                "created store {db} (no trusted keys: certifications are accepted without "
                "attestation; `store verify` counts them)"
            ).format(db=db)
        )


@store.command("import")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--trusted-keys",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON list of {key_id, channel, public_key_pem}: verify events' attestations "
    "(an attested store uses its own policy; keys outside it are refused).",
)
def import_(db: Path, file: Path, trusted_keys: Path | None) -> None:
    """Import FILE (one JSON record a line) into the store DB.

    Each line is checked on its own: a line that is not UTF-8, longer than 1 MiB, nested
    too deep or not a valid record is rejected with its number and reason, and the others
    are stored. The last line printed is the chain's new head. The lines are read and
    checked in a second process while this one stores them, on Linux.

    Exit status: 0 when every line was stored or already there, 1 when some lines were
    rejected (the rest are stored), 2 when the import could not run.
    """
    opened = _open(db)
    keys = _trusted_keys(trusted_keys)
    verifier = AttestationVerifier(keys) if keys is not None else None
    try:
        handle = file.open("rb")
    except OSError as error:
        raise _fail(
            _("cannot read {file}: {strerror}").format(file=file, strerror=error.strerror)
        ) from None
    with opened, handle, progress(_("importing records")) as update:
        try:
            report = opened.import_stream(
                handle,
                known_channels=channel_codes(make_plugin_manager()),
                verifier=verifier,
                now=dt.datetime.now(dt.UTC),
                progress=update,
                read_apart=True,
            )
        except StoreError as error:
            raise _fail(str(error)) from None
    for rejection in report.rejected:
        click.echo(
            _("{file}:{line}: rejected: {redact}").format(
                file=file, line=rejection.line, redact=redact(rejection.reason)
            ),
            err=True,
        )
    click.echo(
        _("stored {stored}, already present {present}, rejected {len}").format(
            stored=report.stored, present=report.present, len=len(report.rejected)
        )
    )
    rows, head = report.head
    click.echo(_("head: {rows} rows, hash {head}").format(rows=rows, head=head))
    raise SystemExit(0 if report.ok else 1)


def _broken(message: str) -> SystemExit:
    click.echo(_("sscert: {redact}").format(redact=redact(message)), err=True)
    click.echo(_("BROKEN: {redact}").format(redact=redact(message)))
    return SystemExit(1)


@store.command("verify")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--checkpoint",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A signed checkpoint (store checkpoint) the store must extend.",
)
@click.option(
    "--public-key",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The public key (NAME.pub) that signed the checkpoint.",
)
def verify(db: Path, checkpoint: Path | None, public_key: Path | None) -> None:
    """Check the hash chain, and that the store extends a signed checkpoint.

    Exit status: 0 when the chain holds (and extends the checkpoint); 1 naming the first
    bad row, a store cut short or rewritten, or a file that is no longer a store; 2 when
    the check cannot run (no such file, a checkpoint or key that cannot be read or does not
    verify).
    """
    if (checkpoint is None) != (public_key is None):
        raise _fail(_("--checkpoint and --public-key go together"))
    anchor = None
    if checkpoint is not None and public_key is not None:
        try:
            anchor = read_checkpoint(checkpoint, load_public_key(public_key))
        except (KeyFileError, CheckpointError) as error:
            raise _fail(str(error)) from None
    if not db.is_file():
        raise _fail(_("{db}: no such file").format(db=db))
    try:
        opened = SQLiteStore.open(db)
    except StoreError as error:
        raise _broken(str(error)) from None
    with opened:
        with progress(_("verifying the chain")):
            broken = opened.verify()
        short = broken is None and anchor is not None and verify_against(opened, anchor)
        try:
            seq, head = opened.head()
            unattested = opened.unattested_certifications()
        except Exception as error:
            raise _broken(_("the store cannot be read ({error})").format(error=error)) from None
        attested = opened.attested
    if broken is not None:
        where = f" (record {broken.record_id!r})" if broken.record_id else ""
        raise _broken(
            _("chain broken at row {seq}{where}: {reason}").format(
                seq=broken.seq, where=where, reason=broken.reason
            )
        )
    if short:
        raise _broken(
            _("the store does not extend the checkpoint: {reason}").format(reason=short.reason)
        )
    click.echo(_("chain holds: {seq} rows, head {head}").format(seq=seq, head=head))
    if anchor is not None:
        click.echo(
            _("extends the checkpoint of {rows} rows signed at {time} by {key_id}").format(
                rows=anchor.rows, time=anchor.time, key_id=anchor.key_id
            )
        )
    if attested:
        click.echo(_("attested store: every certification carries a verified attestation"))
    else:
        click.echo(
            _(
                "{unattested} certifications are unattested (this store was created without "
                "trusted keys)"
            ).format(unattested=unattested)
        )


@store.command("checkpoint")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--key",
    "key_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The private key (NAME.key from `sscert keys generate`) that signs the checkpoint.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the checkpoint: keep it away from the store.",
)
def checkpoint(db: Path, key_file: Path, out: Path) -> None:
    """Sign the store's current row count and head hash into a checkpoint file."""
    try:
        key = load_private_key(key_file)
    except KeyFileError as error:
        raise _fail(str(error)) from None
    if out.exists():
        raise _fail(
            _("{out} exists: a checkpoint is never overwritten, choose a new name").format(out=out)
        )
    with _open(db) as opened:
        broken = opened.verify()
        if broken is not None:
            raise _broken(
                _("chain broken at row {seq}: {reason}").format(
                    seq=broken.seq, reason=broken.reason
                )
            )
        signed = make_checkpoint(opened, key, dt.datetime.now(dt.UTC))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(dump_json(signed.to_dict()) + "\n", encoding="utf-8")
    except OSError as error:
        raise _fail(
            _("cannot write {out}: {strerror}").format(out=out, strerror=error.strerror)
        ) from None
    click.echo(
        _("checkpoint: {rows} rows, head {head}, key {key_id} → {out}").format(
            rows=signed.rows, head=signed.head, key_id=signed.key_id, out=out
        )
    )


@store.command("backup")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("destination", type=click.Path(dir_okay=False, path_type=Path))
def backup(db: Path, destination: Path) -> None:
    """Copy the store DB to DESTINATION consistently, even while imports run (the folder
    is created when missing)."""
    if destination.exists():
        raise _fail(
            _("{destination} exists: choose a new file for the backup").format(
                destination=destination
            )
        )
    with _open(db) as opened, progress(_("copying the store")):
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            opened.backup(destination)
        except (OSError, StoreError) as error:
            raise _fail(
                _("cannot write the backup {destination}: {error}").format(
                    destination=destination, error=error
                )
            ) from None
    with _open(destination) as copy:
        broken = copy.verify()
        seq, head = copy.head()
    if broken is not None:
        raise _fail(_("the backup does not verify at row {seq}").format(seq=broken.seq))
    click.echo(
        _("backed up {seq} rows to {destination}; head {head}").format(
            seq=seq, destination=destination, head=head
        )
    )


@store.command("calculate")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--campaign", "campaign_name", required=True, help="Campaign id or file.")
@click.option("--as-of", "as_of", required=True, help="The as-of date, YYYY-MM-DD.")
@click.option("--from", "first", default=None, help="First month simulated, YYYY-MM.")
@OUTPUT_OPTION
def calculate(
    db: Path, campaign_name: str, as_of: str, first: str | None, output: Path | None
) -> None:
    """Print what `sscert calculate` prints for the case equivalent to the store.

    A person whose stored records do not make a valid case is listed under ``invalid``
    (a key present only then) with the reason, and everyone else is calculated.

    Exit status: 0; 1 when someone is listed under ``invalid``; 2 when it cannot run.
    """
    campaign = load_campaign_option(campaign_name)
    day, month = parse_as_of(as_of, first)
    pm = make_plugin_manager()
    people: list[str] = []
    pool: ProcessPoolExecutor | None = None
    if (os.cpu_count() or 1) > 1:  # on two cores, a large store is shared by two processes
        with _open(db) as opened:
            if opened.head()[0] >= PARALLEL_PEOPLE:  # enough records for that many people
                pool = _second_process()  # its imports done while the people are listed
            people = opened.people_in_order()
    invalid: list[InvalidPerson] = []
    if len(people) >= PARALLEL_PEOPLE:
        with tempfile.TemporaryDirectory(prefix="sscert-") as folder:
            case = Case(campaign, day, month, ())
            shared = _shared(db, case, people, Path(folder), pool, pm, invalid)
            echo_json_chunks(shared, output)
    else:  # one process: on one core, or for few people
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        with _open(db) as opened, kept_for_good():
            stored = load_case(opened, campaign, day, month, known_channels=channel_codes(pm))
        invalid.extend(stored.invalid)
        with progress(_("calculating")) as update:
            # each person's result is written as it is calculated, and let go
            results = iter_case(stored.case, fine_policy=fine_policy(pm), progress=update)
            echo_json_chunks(
                json_chunks(
                    _head(stored.case, invalid), "people", map(person_result_to_dict, results)
                ),
                output,
            )
    for person in invalid:
        click.echo(
            _("sscert: {id_number}: not calculated: {reason}").format(
                id_number=person.id_number, reason=person.reason
            ),
            err=True,
        )
    raise SystemExit(1 if invalid else 0)


#: People from whom ``store calculate`` shares the work between two processes, on a machine
#: with two cores or more.
PARALLEL_PEOPLE: Final = 20_000
#: The share of the people the command's own process calculates when two do (it writes
#: their results into the output as it goes; the second process's parts are copied after
#: them). On 2 cores at 10⁵ people, 0.44, 0.47, 0.53 and 0.56 were slower than a half.
OWN_SHARE: Final = 0.5
#: The second process calculates its people in pieces, each into its own file: the share of
#: its people in each. While it calculates the last piece, this process copies the earlier
#: ones into the output, so that only the last is left to copy when it ends.
PIECES: Final = (0.75, 0.25)


def _head(case: Case, invalid: Sequence[InvalidPerson]) -> dict[str, Any]:
    head: dict[str, Any] = {**result_head(case), "people": None}
    if invalid:
        head["invalid"] = invalid_dicts(invalid)
    return head


def _second_process() -> ProcessPoolExecutor | None:
    """A spawned process that imports this module now, so that it is ready when given its
    people; ``None`` when no process can be made here (this one does the work then)."""
    try:
        return start_second_process(__name__)
    except (BrokenExecutor, OSError):
        return None


def _pieces(people: list[str], first_place: int) -> list[tuple[list[str], int]]:
    """``people`` cut into :data:`PIECES`, each with the place of its first person (a
    piece that would hold nobody is left out)."""
    pieces: list[tuple[list[str], int]] = []
    start = 0
    for number, share in enumerate(PIECES, start=1):
        end = len(people)
        if number < len(PIECES):
            end = min(end, start + round(len(people) * share))
        if end > start:
            pieces.append((people[start:end], first_place + start))
        start = end
    return pieces


def _shared(
    db: Path,
    case: Case,
    people: list[str],
    folder: Path,
    pool: ProcessPoolExecutor | None,
    pm: pluggy.PluginManager,
    invalid: list[InvalidPerson],
) -> Iterator[Chunk]:
    """The text of ``store calculate`` from two processes: this one calculates the first
    :data:`OWN_SHARE` of ``people`` and gives their results as it goes, while the second
    (``pool``) calculates the rest in :data:`PIECES`, each into a file in ``folder``, given
    after them as each is done. The people left out are added to ``invalid``. What the
    second process cannot do (there is none, it cannot start, or it dies) this one does:
    the text is the same."""
    split = round(len(people) * OWN_SHARE)

    def results(share: list[str], first_place: int) -> Iterator[bytes]:
        stored = _load_share(db, case, share, first_place, pm)
        invalid.extend(stored.invalid)
        yield from _encoded(stored, pm)

    def items() -> Iterator[bytes | Path]:
        parts = []
        for number, (share, first_place) in enumerate(_pieces(people[split:], split)):
            path = folder / f"part{number}.json"
            future = None
            if pool is not None:
                with contextlib.suppress(BrokenExecutor, RuntimeError, OSError):  # done here
                    future = pool.submit(_calculate_part, db, case, share, first_place, path)
            parts.append((share, first_place, path, future))
        yield from results(people[:split], 0)
        for share, first_place, path, future in parts:
            done = None
            if future is not None:
                # it died, or its piece failed there: done here (where a failure that is
                # the store's, not the process's, is met again and reported as usual)
                with contextlib.suppress(Exception):
                    done = future.result()
            if done is None:
                yield from results(share, first_place)
            else:
                count, left_out = done
                invalid.extend(left_out)
                if count:
                    yield path

    before, _after = json_around(_head(case, ()), "people")
    yield before
    with progress(_("calculating in two processes")) as update:
        try:
            yield from list_chunks(items())
        finally:
            # not waiting for the second process to end: it frees what it read while the
            # output is finished (this process waits for it when it exits)
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
        update(len(people))
    invalid.sort(key=lambda p: p.index)
    yield json_around(_head(case, invalid), "people")[1]


#: What the second process of ``store calculate`` read, kept until the process ends: its
#: result goes back without first waiting for hundreds of thousands of values to be freed.
_KEPT: list[object] = []


def _load_share(
    db: Path, case: Case, share: list[str], first_place: int, pm: pluggy.PluginManager
) -> StoredCase:
    """The case of ``share`` of the store's people under ``case``'s campaign and dates, each
    numbered from ``first_place`` as reading everyone would number them; kept for good."""
    positions = {person: place for place, person in enumerate(share, start=first_place)}
    with SQLiteStore.open(db) as store, kept_for_good():
        return load_case(
            store, case.campaign, case.as_of, case.first, known_channels=channel_codes(pm),
            only=share, positions=positions,
        )  # fmt: skip


def _encoded(stored: StoredCase, pm: pluggy.PluginManager) -> Iterator[bytes]:
    """Each person's result, calculated and encoded as an item of ``people``."""
    for result in iter_case(stored.case, fine_policy=fine_policy(pm)):
        yield item_bytes(person_result_to_dict(result))


def _calculate_part(
    db: Path, case: Case, people: list[str], first_place: int, part: Path
) -> tuple[int, list[InvalidPerson]]:
    """Calculate ``people`` of the store into ``part``: their results as the items of the
    ``people`` list, joined as :func:`json_chunks` joins them; how many, and who was left
    out (numbered from ``first_place``, as reading everyone would)."""
    collect_in_full_less_often()  # as in the command's own process
    pm = make_plugin_manager()
    stored = _load_share(db, case, people, first_place, pm)
    _KEPT.append(stored)
    count = 0
    separator = ITEM_SEPARATOR.encode("utf-8")
    with part.open("wb", buffering=WRITE_BUFFER) as handle:
        for item in _encoded(stored, pm):
            if count:
                handle.write(separator)
            handle.write(item)
            count += 1
    return count, list(stored.invalid)


@store.command("history")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("id_number")
@click.option("--unmasked", is_flag=True, help="Show ID and phone numbers in full (logged).")
@OPERATOR_OPTION
def history(db: Path, id_number: str, unmasked: bool, operator: str | None) -> None:
    """Show one person's records in the order they were stored: every value they ever had,
    superseded ones included (records are never changed or deleted)."""
    try:
        person = IdNumber.parse(id_number)
    except InvalidIdNumber as error:
        raise _fail(str(error)) from None
    with _open(db) as opened:
        rows = opened.history_of(person.value)
        if unmasked:
            log_full_export(
                opened,
                "store history --unmasked",
                _("records of {person}").format(person=person.masked),
                operator,
            )
    if not rows:
        click.echo(_("{person}: no records in this store").format(person=person.masked))
        raise SystemExit(1)
    click.echo(
        _("{person}: {count} records, oldest first").format(person=person.masked, count=len(rows))
    )
    for seq, kind, body in rows:
        shown = body if unmasked else redact(_describe_record(body))
        click.echo(f"  #{seq} {kind}: {shown}")


@store.command("access-log")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
def access_log(db: Path) -> None:
    """Who exported ID or phone numbers in full, when, and what: the store's access log,
    oldest first (written by `remind`, `store history --unmasked`, `store export
    --unmasked`)."""
    with _open(db) as opened:
        lines = opened.access_log()
    if not lines:
        click.echo(_("no full ID or phone numbers have been exported from this store"))
        return
    click.echo(
        table(
            [_("time (UTC)"), _("operator"), _("command"), _("what")],
            [[at, operator, action, detail] for at, operator, action, detail in lines],
        )
    )


def _describe_record(body: str) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return _("(unreadable)")
    if not isinstance(data, dict):
        return _("(unreadable)")
    shown = {k: v for k, v in data.items() if k not in ("kind", "id", "attestation")}
    if isinstance(shown.get("id_number"), str):
        shown["id_number"] = mask_id_text(shown["id_number"])
    if isinstance(shown.get("phone"), str):
        shown["phone"] = mask_phone_text(shown["phone"])
    if "attestation" in data:
        shown["attested"] = True
    return json.dumps(shown, ensure_ascii=False, sort_keys=True)


@store.command("export")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--campaign", "campaign_name", required=True, help="Campaign id or file.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--as-of",
    "as_of",
    help="The date of the settlements in the archive (default: the last fact in the store).",
)
@click.option("--unmasked", is_flag=True, help="Write ID and phone numbers in full (logged).")
@OPERATOR_OPTION
def export(
    db: Path,
    campaign_name: str,
    out: Path,
    as_of: str | None,
    unmasked: bool,
    operator: str | None,
) -> None:
    """Write the archive (JSONL, CSV for Excel, settlements after deaths, manifest) of a
    campaign into OUT."""
    campaign = load_campaign_option(campaign_name)
    day = parse_as_of(as_of)[0] if as_of is not None else None
    known = tuple(channel_codes(make_plugin_manager()))
    with _open(db) as opened, progress(_("writing the archive")):
        manifest = export_archive(
            opened, campaign, out, unmasked=unmasked, as_of=day, known_channels=known
        )
        if unmasked:
            log_full_export(
                opened,
                "store export --unmasked",
                _("archive of {count} records into {out}").format(
                    count=manifest["records"]["total"], out=out
                ),
                operator,
            )
    click.echo(
        _("wrote {value} records to {out} ({value2}); chain head {value3}").format(
            value=manifest["records"]["total"],
            out=out,
            value2=_("unmasked") if unmasked else _("ID and phone numbers masked"),
            value3=manifest["chain_head"]["hash"],
        )
    )
    settled = manifest["settlements"]
    if settled["people"]:
        click.echo(
            _("and the settlements after a death of {people} people, as of {as_of}").format(
                people=settled["people"], as_of=settled["as_of"]
            )
        )
    if unmasked:
        click.echo(_("warning: this archive holds full ID and phone numbers"), err=True)
    sys.stdout.flush()


@click.group()
def keys() -> None:
    """Ed25519 key pairs for signed checkpoints and channel attestations."""


@keys.command("generate")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="NAME: writes NAME.key (private, mode 0600) and NAME.pub (public).",
)
def generate(out: Path) -> None:
    """Write a new key pair: NAME.key (keep it secret) and NAME.pub (share it)."""
    try:
        key_path, pub_path, key_id = generate_key_files(out)
    except KeyFileError as error:
        raise _fail(str(error)) from None
    click.echo(
        _("private key: {key_path} (mode 0600: keep it away from the store)").format(
            key_path=key_path
        )
    )
    click.echo(_("public key:  {pub_path}").format(pub_path=pub_path))
    click.echo(_("key id:      {key_id}").format(key_id=key_id))
