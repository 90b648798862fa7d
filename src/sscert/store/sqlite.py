"""The SQLite store: append-only, hash-chained records; one transaction a batch.

Guarantees:

* **Idempotent** — every record has an ``id``; the same record twice is stored once, a
  different record under an existing ``id`` is refused as a conflict naming both.
* **Tamper-evident** — each row's hash covers every column that carries meaning (its
  sequence number, id, kind, person, unique key, canonical body) and the previous row's
  hash; triggers refuse ``UPDATE`` and ``DELETE``; :meth:`SQLiteStore.verify` names the
  first row that does not match, and, given a signed checkpoint kept elsewhere
  (:mod:`sscert.store.checkpoint`), also catches a truncated, reordered or rehashed chain.
* **Attested, when asked** — a store created with trusted keys (its trust policy, kept in
  the store) accepts a ``certified`` event only with an attestation that verifies under a
  key trusted for its channel, dated no later than the import's time plus
  :data:`CLOCK_SKEW`, for a campaign that accepts it.
* **Poison-proof** — a line that is not UTF-8, longer than 1 MiB, nested too deep or not a
  valid record is rejected with its line number and reason; the other lines are stored.
* **Atomic groups** — :meth:`SQLiteStore.import_groups` stores a group of records (a roster
  row) entirely or not at all.
* **Crash-safe** — WAL journal and one ``BEGIN IMMEDIATE`` transaction per batch: a process
  killed at any moment leaves the last committed batch; importing the same file again
  completes it with nothing lost and nothing twice. Concurrent importers serialise on the
  write lock and lose nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import secrets
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

import orjson
from attrs import define, field, frozen

from sscert.attestation import Attestation, AttestationRefused, AttestationVerifier, TrustedKey
from sscert.campaigns import Campaign, bundled_campaigns, load_campaign
from sscert.channels import KNOWN_CHANNELS
from sscert.contract import ENTITLEMENT_KEYS, CampaignsArg
from sscert.i18n import _
from sscert.serialization import EVENT_WIRES, AccountIn, ChangeIn, wire_part
from sscert.store.reading import (
    Item,
    Parsed,
    ReadingFailed,
    Storable,
    line_item,
    parsed_batches,
)
from sscert.store.records import (
    KINDS,
    canonical_json,
    unique_key_of,
)
from sscert.values.identity import mask_id_text
from sscert.values.limits import (
    bounded_lines,
    compact_json_bytes,
    loads,
    parse_moment,
)
from sscert.values.months import Month
from sscert.values.privacy import redact

if TYPE_CHECKING:
    from sscert.store.cases import StoredCase

#: The first bytes of every SQLite database file.
SQLITE_HEADER: Final = b"SQLite format 3\x00"

__all__ = [
    "CLOCK_SKEW",
    "GENESIS",
    "ChainBreak",
    "ImportReport",
    "Rejection",
    "SQLiteStore",
    "StoreError",
    "row_hash",
    "trusted_keys_from_json",
]

SCHEMA_VERSION: Final = 2
GENESIS: Final = "0" * 64
BATCH: Final = 2000
#: The page cache of an import, in KiB (SQLite's default is 2 000).
IMPORT_CACHE_KIB: Final = 65_536
#: After how many pages of write-ahead log an import copies it into the database (SQLite's
#: default is 1 000).
IMPORT_CHECKPOINT: Final = 10_000
#: When reading the rows of a collection of people, the store is read whole, in chain order,
#: once it holds at most this many rows for each person asked for: for half the people of a
#: store of 100,000 (148,569 of its 297,012 rows) that takes 0.30 s instead of 0.45 s by the
#: person index and a sort.
SCAN_ROWS_PER_PERSON: Final = 16
#: How far past the import's own clock an attested time may be (clock skew between systems).
CLOCK_SKEW: Final = dt.timedelta(minutes=5)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    id_number TEXT NOT NULL,
    unique_key TEXT UNIQUE,
    body TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_person ON records (id_number, seq);
CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, record_id TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS records_append_only_update BEFORE UPDATE ON records
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER IF NOT EXISTS records_append_only_delete BEFORE DELETE ON records
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER IF NOT EXISTS nonces_append_only_delete BEFORE DELETE ON nonces
BEGIN SELECT RAISE(ABORT, 'used nonces are kept'); END;
"""

#: Who exported personal data in full, and when (个人信息保护法): kept beside the records.
_ACCESS_LOG = """
CREATE TABLE IF NOT EXISTS access_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    operator TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS access_log_append_only_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS access_log_append_only_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
"""

_INSERT = """
INSERT INTO records (seq, id, kind, id_number, unique_key, body, prev_hash, hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""


class StoreError(RuntimeError):
    """The store cannot be opened or used (not a store, a newer schema, …)."""


def row_hash(
    seq: int,
    *,
    record_id: str,
    kind: str,
    person: str,
    unique_key: str | None,
    body: str,
    prev_hash: str,
) -> str:
    """The hash of one row: SHA-256 over every column that carries meaning and the
    previous row's hash, encoded as one JSON array (no separator can be forged)."""
    columns = [SCHEMA_VERSION, seq, record_id, kind, person, unique_key, body, prev_hash]
    return hashlib.sha256(compact_json_bytes(columns)).hexdigest()


def _row_hash_v1(seq: int, prev_hash: str, body: str) -> str:
    """Schema 1 hashed only the sequence number, previous hash and body."""
    return hashlib.sha256(f"{seq}\n{prev_hash}\n{body}".encode()).hexdigest()


@frozen
class Rejection:
    """A line (or group) not stored: its 1-based number, the reason, and the record id and
    field at fault when known."""

    line: int
    reason: str
    record_id: str | None = None
    key: str | None = None


@define
class ImportReport:
    """What an import did: lines stored, already present, rejected (with line and reason),
    and the chain's head after it."""

    stored: int = 0
    present: int = 0
    rejected: list[Rejection] = field(factory=list)
    present_lines: list[int] = field(factory=list)
    head: tuple[int, str] = (0, GENESIS)

    @property
    def ok(self) -> bool:
        return not self.rejected


@frozen
class ChainBreak:
    """Why the store does not verify: the first bad row (``seq`` 0 when the store as a
    whole is at fault) and the reason."""

    seq: int
    record_id: str
    reason: str


class SQLiteStore:
    """A campaign store in one SQLite file. Open with :meth:`open` or create with :meth:`init`."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection
        self._policy: list[TrustedKey] | None = None
        self._schema = SCHEMA_VERSION
        self._pseudonym_key = b"sscert"

    # --- opening ---------------------------------------------------------------------------

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=120, isolation_level=None)
        db.text_factory = _text_factory
        db.execute("PRAGMA busy_timeout = 120000")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
        return db

    @classmethod
    def init(
        cls,
        path: str | Path,
        *,
        trusted_keys: Sequence[TrustedKey] | None = None,
        pseudonym_key: bytes | None = None,
    ) -> tuple[SQLiteStore, bool]:
        """Create a store at ``path``; an existing store is left untouched.

        ``trusted_keys`` makes it an *attested* store: its trust policy, recorded in the
        store, requires every ``certified`` event to carry an attestation that verifies
        under one of these keys for its channel. Without keys the store accepts unattested
        events (a county desk recording paper forms) and says so in ``verify``.

        ``pseudonym_key`` (default: 32 random bytes) keys :meth:`pseudonym`; give one only
        to make a store reproducible (a demo, a test).

        Returns the store and whether it was created. Giving keys for an existing store
        whose policy differs raises :class:`StoreError`.
        """
        target = Path(path)
        existed = target.exists() and target.stat().st_size > 0
        if existed:
            store = cls.open(target)
            if trusted_keys is not None and _policy_json(trusted_keys) != _policy_json(
                store.trust_policy() or []
            ):
                store.close()
                raise StoreError(
                    _(
                        "{target} is already a store with another trust policy: it is kept as it "
                        "is (a policy is fixed when the store is created)"
                    ).format(target=target)
                )
            return store, False
        if not target.parent.is_dir():
            raise StoreError(
                _("{parent} is not a folder: create it first").format(parent=target.parent)
            )
        try:
            db = cls._connect(target)
            db.executescript(_SCHEMA)  # idempotent: two processes may initialise at once
            meta = [
                ("schema_version", str(SCHEMA_VERSION)),
                ("kind", "sscert-store"),
                ("pseudonym_key", (pseudonym_key or secrets.token_bytes(32)).hex()),
            ]
            if trusted_keys is not None:
                meta.append(("trusted_keys", _policy_json(trusted_keys)))
            db.executemany("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", meta)
        except sqlite3.Error as error:
            raise StoreError(
                _("{target}: cannot create a store ({error})").format(target=target, error=error)
            ) from None
        return cls.open(target), True

    @classmethod
    def open(cls, path: str | Path) -> SQLiteStore:
        """Open a store; :class:`StoreError` saying why when the file is not one."""
        target = Path(path)
        if not target.is_file():
            raise StoreError(
                _("{target}: no store here (create one with `sscert store init`)").format(
                    target=target
                )
            )
        try:
            with target.open("rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except OSError as error:
            raise StoreError(
                _("{target}: not an sscert store ({error})").format(target=target, error=error)
            ) from None
        if header != SQLITE_HEADER:
            # checked on the file itself: a write-ahead log left beside an overwritten file
            # must not make it look whole
            raise StoreError(
                _("{target}: not an sscert store ({error})").format(
                    target=target, error=_("the file is not an SQLite database")
                )
            )
        try:
            db = cls._connect(target)
        except sqlite3.Error as error:
            raise StoreError(
                _("{target}: not an sscert store ({error})").format(target=target, error=error)
            ) from None
        store = cls(target, db)
        try:
            meta = store._meta()
            tables = {
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        except sqlite3.Error as error:
            db.close()
            raise StoreError(
                _("{target}: not an sscert store ({error})").format(target=target, error=error)
            ) from None
        if meta.get("kind") != "sscert-store":
            db.close()
            raise StoreError(
                _("{target}: not an sscert store (its meta table names no store)").format(
                    target=target
                )
            )
        missing = {"records", "nonces"} - tables
        if missing:
            db.close()
            raise StoreError(
                _("{target}: the table {value} is missing").format(
                    target=target, value=sorted(missing)[0]
                )
            )
        try:
            version = int(meta.get("schema_version", ""))
        except ValueError:
            db.close()
            raise StoreError(
                _("{target}: its schema version is missing or unreadable").format(target=target)
            ) from None
        if version > SCHEMA_VERSION or version < 1:
            db.close()
            raise StoreError(
                _("{target}: made by another sscert (schema {version})").format(
                    target=target, version=version
                )
            )
        store._schema = version
        try:
            store._pseudonym_key = bytes.fromhex(meta.get("pseudonym_key", ""))[:64] or b"sscert"
        except ValueError:
            db.close()
            raise StoreError(
                _("{target}: its pseudonym key is unreadable").format(target=target)
            ) from None
        try:
            store._policy = _parse_policy(meta["trusted_keys"]) if "trusted_keys" in meta else None
        except ValueError as error:
            db.close()
            raise StoreError(
                _("{target}: its trust policy is unreadable ({error})").format(
                    target=target, error=error
                )
            ) from None
        return store

    def _meta(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self._db.execute("SELECT key, value FROM meta")}

    def close(self) -> None:
        """Close the store, folding its write-ahead log into the file first (so that the
        file alone is the whole store, for a copy or an archive)."""
        # another connection may hold the log: it folds it in when it closes
        with contextlib.suppress(sqlite3.Error):
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.close()

    def backup(self, destination: str | Path) -> None:
        """A consistent copy of the store, taken online (SQLite's backup API) while others
        may be importing. The copy is a store of its own."""
        target = Path(destination)
        if not target.parent.is_dir():
            raise StoreError(
                _("{parent} is not a folder: create it first").format(parent=target.parent)
            )
        copy = sqlite3.connect(target)
        try:
            self._db.backup(copy)
        finally:
            copy.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- the trust policy ------------------------------------------------------------------

    def trust_policy(self) -> list[TrustedKey] | None:
        """The keys an attested store trusts, or ``None`` for a store that accepts
        unattested certifications."""
        return list(self._policy) if self._policy is not None else None

    @property
    def attested(self) -> bool:
        return self._policy is not None

    def pseudonym(self, id_number: str) -> str:
        """A stable id for a person in this store that does not reveal the ID number (a
        keyed hash; the key is the store's own), for record ids such as a roster's."""
        return hashlib.blake2b(
            id_number.encode(), key=self._pseudonym_key, digest_size=12
        ).hexdigest()

    def unattested_certifications(self) -> int:
        """How many ``certified`` events carry no attestation."""
        count = 0
        for (body,) in self._db.execute("SELECT body FROM records WHERE kind = 'event'"):
            try:
                data = orjson.loads(body)
            except ValueError:
                try:  # what orjson refuses and json reads (NaN, a lone surrogate)
                    data = json.loads(body)
                except ValueError:
                    continue
            if isinstance(data, dict) and data.get("type") == "certified":
                count += "attestation" not in data
        return count

    # --- importing -------------------------------------------------------------------------

    def import_lines(
        self,
        lines: Iterable[str | bytes | None],
        *,
        known_channels: Iterable[str] = (),
        verifier: AttestationVerifier | None = None,
        campaigns: CampaignsArg = None,
        now: dt.datetime | None = None,
        progress: Callable[[int], None] | None = None,
        batch_size: int = BATCH,
        read_apart: bool = False,
    ) -> ImportReport:
        """Import JSON lines, one record each (1-based line numbers in the report). Blank
        lines are skipped; a line given as ``bytes`` must be UTF-8, ``None`` stands for a
        line refused as too long.

        ``known_channels`` adds plugin channel codes. ``verifier`` checks attestations in a
        store without a trust policy (an event with one and no verifier is rejected); an
        attested store uses its own policy and refuses a verifier with other keys.
        ``campaigns`` adds campaigns (beside the bundled ones) that attestations may name.
        ``now`` is the import's wall-clock time (default: the system clock), which bounds
        attested times.

        ``read_apart`` reads and checks the lines in a second process, forked from this
        one, while this one stores them (on Linux, when this process runs no other thread;
        else here): the same results, faster on two cores or more. ``lines`` is then used
        up in that process (a file's position in this one does not move).
        """

        def items() -> Iterator[Item]:
            for number, line in enumerate(lines, start=1):
                item = line_item(number, line)
                if item is not None:
                    yield item

        return self._import(
            items(),
            known_channels=known_channels,
            verifier=verifier,
            campaigns=campaigns,
            now=now,
            progress=progress,
            batch_size=batch_size,
            read_apart=read_apart,
        )

    def import_stream(
        self,
        stream: IO[bytes],
        **options: Any,
    ) -> ImportReport:
        """Import a binary stream of JSON lines: each line is read with a bound (a line
        longer than 1 MiB is refused without being held whole) and decoded on its own (a
        line that is not UTF-8 is refused, the others are stored). Options as
        :meth:`import_lines`."""

        def lines() -> Iterator[bytes | None]:
            for number, line in bounded_lines(stream):
                if number == 1 and line is not None and line.startswith(b"\xef\xbb\xbf"):
                    yield line[3:]  # after a UTF-8 byte order mark
                else:
                    yield line

        return self.import_lines(lines(), **options)

    def import_groups(
        self,
        groups: Iterable[Sequence[Mapping[str, Any]]],
        *,
        known_channels: Iterable[str] = (),
        verifier: AttestationVerifier | None = None,
        campaigns: CampaignsArg = None,
        now: dt.datetime | None = None,
        progress: Callable[[int], None] | None = None,
        batch_size: int = BATCH,
    ) -> ImportReport:
        """Import groups of records, each group all or nothing (a roster row's person and
        entitlement): when one record of a group is rejected, none of it is stored.
        Numbers in the report are 1-based group numbers; a group counts as present when
        every record of it was already there."""

        def items() -> Iterator[Item]:
            for number, group in enumerate(groups, start=1):
                yield number, list(group), None

        return self._import(
            items(),
            known_channels=known_channels,
            verifier=verifier,
            campaigns=campaigns,
            now=now,
            progress=progress,
            batch_size=batch_size,
        )

    def _import(
        self,
        items: Iterable[Item],
        *,
        known_channels: Iterable[str],
        verifier: AttestationVerifier | None,
        campaigns: CampaignsArg,
        now: dt.datetime | None,
        progress: Callable[[int], None] | None,
        batch_size: int,
        read_apart: bool = False,
    ) -> ImportReport:
        checker = _Checker(
            self._db,
            self._verifier(verifier),
            self.attested,
            _campaign_finder(campaigns),
            (now or dt.datetime.now(dt.UTC)) + CLOCK_SKEW,
        )
        channels = set(KNOWN_CHANNELS) | set(known_channels)
        report = ImportReport()
        count = 0
        batches = parsed_batches(items, channels, batch_size, apart=read_apart)
        with self._importing(), contextlib.closing(batches):  # a reading process ends here
            try:
                for batch in batches:
                    self._write(batch, report, checker)
                    count += len(batch)
                    if progress:
                        progress(count)
            except ReadingFailed as error:
                raise StoreError(str(error)) from None
        report.head = self.head()
        return report

    @contextlib.contextmanager
    def _importing(self) -> Iterator[None]:
        """For the length of an import: a larger page cache (:data:`IMPORT_CACHE_KIB`: the
        indexes' pages stay in memory from batch to batch) and the write-ahead log copied
        into the database every :data:`IMPORT_CHECKPOINT` pages instead of SQLite's 1 000
        (fewer copies and syncs). Both are set back as they were after."""
        db = self._db
        cache = int(db.execute("PRAGMA cache_size").fetchone()[0])
        checkpoint = int(db.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        db.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB:d}")
        db.execute(f"PRAGMA wal_autocheckpoint = {IMPORT_CHECKPOINT:d}")
        try:
            yield
        finally:
            db.execute(f"PRAGMA cache_size = {cache:d}")
            db.execute(f"PRAGMA wal_autocheckpoint = {checkpoint:d}")

    def _verifier(self, given: AttestationVerifier | None) -> AttestationVerifier | None:
        if self._policy is None:
            return given
        if given is not None:
            allowed = {(k.key_id, k.channel, k.public_pem()) for k in self._policy}
            extra = [
                k.key_id
                for k in given.keys.values()
                if (k.key_id, k.channel, k.public_pem()) not in allowed
            ]
            if extra:
                raise StoreError(
                    _(
                        "key {value!r} is not in this store's trust policy: an attested store "
                        "trusts only the keys it was created with"
                    ).format(value=extra[0])
                )
        return AttestationVerifier(self._policy)

    def _write(
        self,
        batch: list[Parsed],
        report: ImportReport,
        checker: _Checker,
    ) -> None:
        """Store a batch in one transaction: what the store holds is looked up for the whole
        batch at once, each line (or group) is checked against it and against the lines
        before it in the batch, and the rows are written together. A group is stored whole
        or not at all: its rows are staged, and dropped if any of them is refused."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            seq, prev = self.head()
            known = _Known.of(db, [r for _n, records, _p, _k in batch for r in records])
            rows: list[tuple[object, ...]] = []
            nonces: list[tuple[str, str]] = []
            stored = present = 0
            rejected: list[Rejection] = []
            present_lines: list[int] = []
            for number, records, problem, key in batch:
                if problem is not None:
                    rejected.append(Rejection(number, problem, None, key))
                    continue
                outcome = self._stage(records, seq, prev, checker, known)
                if isinstance(outcome, Rejection):
                    rejected.append(
                        Rejection(number, outcome.reason, outcome.record_id, outcome.key)
                    )
                    continue
                staged, staged_nonces, seq, prev = outcome
                known.commit()
                rows.extend(staged)
                nonces.extend(staged_nonces)
                if staged:
                    stored += len(staged)
                else:
                    present += 1
                    present_lines.append(number)
            db.executemany(_INSERT, rows)
            if nonces:
                db.executemany("INSERT INTO nonces (nonce, record_id) VALUES (?, ?)", nonces)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            checker.used.clear()
            raise
        checker.used.clear()
        report.stored += stored
        report.present += present
        report.rejected.extend(rejected)
        report.present_lines.extend(present_lines)

    def _row_hash(  # noqa: PLR0917 - a row's columns, in the table's order
        self,
        seq: int,
        record_id: str,
        kind: str,
        person: str,
        unique_key: str | None,
        body: str,
        prev_hash: str,
    ) -> str:
        """The hash of a row as this store's schema computes it."""
        if self._schema == 1:
            return _row_hash_v1(seq, prev_hash, body)
        return row_hash(
            seq,
            record_id=record_id,
            kind=kind,
            person=person,
            unique_key=unique_key,
            body=body,
            prev_hash=prev_hash,
        )

    def _stage(
        self, records: list[Storable], seq: int, prev: str, checker: _Checker, known: _Known
    ) -> Rejection | tuple[list[tuple[object, ...]], list[tuple[str, str]], int, str]:
        """The rows of one line or group, chained after ``seq``/``prev``; a
        :class:`Rejection` for the first record that cannot be stored (nothing of the group
        is kept: ``known`` forgets what was staged for it)."""
        rows: list[tuple[object, ...]] = []
        nonces: list[tuple[str, str]] = []
        for record in records:
            text = record.text
            existing = known.body(record.id)
            if existing is not None:
                if existing == text:
                    continue
                known.rollback()
                for nonce, _staged_by in nonces:
                    checker.used.pop(nonce, None)
                return Rejection(
                    0,
                    _(
                        "conflict: record id {redact!r} already holds a different record; this "
                        "line ({describe}) differs from the stored one ({describe_text})"
                    ).format(
                        redact=redact(record.id),
                        describe=_describe(record.body),
                        describe_text=_describe_text(existing),
                    ),
                    record.id,
                    _first_difference(record.body, existing),
                )
            problem = _cross_check(known, record) or checker.check(record)
            if problem is not None:
                known.rollback()
                for nonce, _staged_by in nonces:
                    checker.used.pop(nonce, None)
                reason, key = problem
                return Rejection(0, reason, record.id, key)
            seq += 1
            row = (seq, record.id, record.kind, record.person, record.unique_key, text)
            digest = self._row_hash(*row, prev)
            rows.append((*row, prev, digest))
            known.stage(record.id, text, record.unique_key)
            if record.attestation is not None:
                nonces.append((record.attestation.nonce, record.id))
                checker.used[record.attestation.nonce] = record.id
            prev = digest
        return rows, nonces, seq, prev

    # --- reading ---------------------------------------------------------------------------

    def rows(self) -> Iterator[tuple[int, str, str, str, str, str]]:
        """Every row in chain order: ``(seq, id, kind, body, prev_hash, hash)``."""
        yield from self._db.execute(
            "SELECT seq, id, kind, body, prev_hash, hash FROM records ORDER BY seq"
        )

    def person_rows(
        self, person: str | Collection[str] | None = None
    ) -> Iterator[tuple[int, str, str, str]]:
        """Every row in chain order as ``(seq, kind, person, body)`` — or only ``person``'s
        (an 18-character ID number), or only the rows of a collection of them."""
        yield from self._person_rows(person)

    def _person_rows(self, person: str | Collection[str] | None) -> sqlite3.Cursor:
        if person is None:
            return self._db.execute("SELECT seq, kind, id_number, body FROM records ORDER BY seq")
        if isinstance(person, str):
            return self._db.execute(
                "SELECT seq, kind, id_number, body FROM records WHERE id_number = ? ORDER BY seq",
                (person,),
            )
        # Many people of the store: read every row in chain order, keeping theirs (no sort
        # after). A few: find their rows by the person index, then sort them.
        many = len(person) * SCAN_ROWS_PER_PERSON >= self.head()[0]
        column = "+id_number" if many else "id_number"  # a unary + keeps the index unused
        return self._db.execute(
            f"SELECT seq, kind, id_number, body FROM records WHERE {column} IN "
            "(SELECT value FROM json_each(?)) ORDER BY seq",
            (json.dumps(sorted(person)),),
        )

    def people_with_event(self, event_type: str) -> list[str]:
        """The ID numbers of the people with an ``event`` record of ``event_type`` (a body
        that is not valid JSON is passed over), in the order first imported."""
        return [
            str(person)
            for (person,) in self._db.execute(
                "SELECT id_number FROM records WHERE kind = 'event' AND CASE WHEN "
                "json_valid(body) THEN json_extract(body, '$.type') END = ? "
                "GROUP BY id_number ORDER BY min(seq)",
                (event_type,),
            )
        ]

    def raw_rows(self) -> Iterator[tuple[str, str, bytes]]:
        """Every row in chain order as ``(kind, person, body)``, the body as the stored
        bytes (for a reader that decodes them itself), streamed from the database."""
        return iter(
            self._db.execute("SELECT kind, id_number, CAST(body AS BLOB) FROM records ORDER BY seq")
        )

    def records(self) -> Iterator[dict[str, Any]]:
        """Every record's body, in chain order (a body that is not a JSON object is
        skipped: :meth:`verify` and :func:`~sscert.store.load_case` report it)."""
        for _seq, _id, _kind, body, _prev, _hash in self.rows():
            try:
                data = json.loads(body)
            except ValueError:
                continue
            if isinstance(data, dict):
                yield data

    def head(self) -> tuple[int, str]:
        """The chain's head: its row count and the last row's hash."""
        row = self._db.execute("SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1").fetchone()
        return (int(row[0]), str(row[1])) if row else (0, GENESIS)

    def hash_at(self, seq: int) -> str | None:
        row = self._db.execute("SELECT hash FROM records WHERE seq = ?", (seq,)).fetchone()
        return str(row[0]) if row else None

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(KINDS, 0)
        for kind, number in self._db.execute("SELECT kind, count(*) FROM records GROUP BY kind"):
            counts[kind] = number
        return counts

    def case(self, campaign: str, as_of: dt.date, first: str | None = None) -> dict[str, Any]:
        """The calculation case equivalent to the store's contents, as the contract's JSON
        (what ``sscert calculate`` reads): people in the order they first appear,
        entitlements with their changes, events in import order. Records that cannot be read
        are left out here; :meth:`load_case` reports them."""
        return self.case_and_problems(campaign, as_of, first)[0]

    def load_case(
        self,
        campaign: Campaign | str,
        as_of: dt.date,
        first: Month | str | None = None,
        *,
        known_channels: Iterable[str] = (),
        only: str | Collection[str] | None = None,
    ) -> StoredCase:
        """The store's case as typed values, checked person by person: a
        :class:`~sscert.store.StoredCase` whose ``case`` is the validated
        :class:`~sscert.contract.Case` that :func:`~sscert.calculate.calculate_case` takes,
        and whose ``invalid`` names everyone whose records do not make a valid case, with the
        reason. ``campaign`` is a :class:`~sscert.Campaign` or a bundled id or file;
        ``first`` the first payroll month (``YYYY-MM``); ``only`` one ID number or a
        collection of them (:func:`sscert.store.load_case`)."""
        from sscert.store.cases import load_case  # noqa: PLC0415 - it reads through this class

        loaded = campaign if isinstance(campaign, Campaign) else load_campaign(campaign)
        month = Month.parse(first) if isinstance(first, str) else first
        return load_case(self, loaded, as_of, month, known_channels=known_channels, only=only)

    def case_and_problems(
        self,
        campaign: str,
        as_of: dt.date,
        first: str | None = None,
        *,
        person: str | Collection[str] | None = None,
    ) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """:meth:`case`, and per person (by the ID number column) the problems of the rows
        that could not be folded into it (an unreadable body, an amount change with no
        entitlement): such a person's case would be wrong, so callers leave them out.
        ``person`` (an ID number, or a collection of them) limits it to those people."""
        people: dict[str, dict[str, Any]] = {}
        entitlements: dict[tuple[str, str], dict[str, Any]] = {}
        problems: dict[str, list[str]] = {}
        for seq, kind, person_key, body in self._person_rows(person):
            folded = people.get(person_key)
            if folded is None:
                folded = people[person_key] = {
                    "id_number": person_key,
                    "entitlements": [],
                    "events": [],
                }
            try:
                _fold(folded, entitlements, person_key, kind, loads(body))
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                problems.setdefault(person_key, []).append(
                    f"stored record {seq} cannot be used ({_short(error)})"
                )
        case: dict[str, Any] = {
            "campaign": campaign,
            "as_of": as_of.isoformat(),
            "people": list(people.values()),
        }
        if first is not None:
            case["from"] = first
        return case, problems

    def history_of(self, id_number: str) -> list[tuple[int, str, str]]:
        """One person's rows in chain order: ``(seq, kind, body)``."""
        return [
            (int(seq), str(kind), str(body))
            for seq, kind, body in self._db.execute(
                "SELECT seq, kind, body FROM records WHERE id_number = ? ORDER BY seq",
                (id_number,),
            )
        ]

    def bodies_of(self, id_number: str) -> list[dict[str, Any]]:
        """One person's record bodies in chain order (unreadable ones left out)."""
        found = []
        for (body,) in self._db.execute(
            "SELECT body FROM records WHERE id_number = ? ORDER BY seq", (id_number,)
        ):
            try:
                data = json.loads(body)
            except ValueError:
                continue
            if isinstance(data, dict):
                found.append(data)
        return found

    def people_with_entitlements(self) -> list[dict[str, str]]:
        """Every person holding an entitlement record: ID number, name and township (the
        latest), in the order first imported."""
        people: dict[str, dict[str, str]] = {}
        for kind, person, body in self._db.execute(
            "SELECT kind, id_number, body FROM records WHERE kind IN ('person', 'entitlement') "
            "ORDER BY seq"
        ):
            entry = people.setdefault(person, {"id_number": person, "_held": ""})
            if kind == "entitlement":
                entry["_held"] = "yes"
                continue
            try:
                data = json.loads(body)
            except ValueError:
                continue
            if isinstance(data, dict):
                entry["name"] = str(data.get("name", ""))
                entry["township"] = str(data.get("township", ""))
        return [{k: v for k, v in p.items() if k != "_held"} for p in people.values() if p["_held"]]

    def log_access(self, action: str, detail: str, operator: str, at: dt.datetime) -> None:
        """Record that ``operator`` exported personal data in full (``action``, ``detail``)
        at ``at``: an append-only line in the store, for the audit."""
        self._db.executescript(_ACCESS_LOG)
        self._db.execute(
            "INSERT INTO access_log (at, operator, action, detail) VALUES (?, ?, ?, ?)",
            (at.isoformat(), operator, action, detail),
        )

    def access_log(self) -> list[tuple[str, str, str, str]]:
        """Every line of the access log: ``(at, operator, action, detail)``."""
        try:
            return [
                (str(a), str(o), str(c), str(d))
                for a, o, c, d in self._db.execute(
                    "SELECT at, operator, action, detail FROM access_log ORDER BY seq"
                )
            ]
        except sqlite3.OperationalError:
            return []

    def people_count(self) -> int:
        return int(self._db.execute("SELECT count(DISTINCT id_number) FROM records").fetchone()[0])

    def people_in_order(self) -> list[str]:
        """Every person's ID number (the records' column), in the order first imported: the
        order of :meth:`case`'s people."""
        return [
            str(person)
            for (person,) in self._db.execute(
                "SELECT id_number FROM records GROUP BY id_number ORDER BY min(seq)"
            )
        ]

    def verify(self) -> ChainBreak | None:
        """Walk the chain; return the first row that does not match, or ``None``.

        Each row must have the next sequence number, point at the previous row's hash, match
        its own hash over every column, and have columns that agree with its body (kind,
        id, person and unique key). A database error is a break too, never an exception.
        """
        try:
            return self._verify()
        except sqlite3.Error as error:
            return ChainBreak(0, "", _("the database cannot be read ({error})").format(error=error))

    def _verify(self) -> ChainBreak | None:
        prev = GENESIS
        verifier = AttestationVerifier(self._policy) if self._policy is not None else None
        rows = self._db.execute(
            "SELECT seq, id, kind, id_number, unique_key, body, prev_hash, hash "
            "FROM records ORDER BY seq"
        )
        for expected, row in enumerate(rows, start=1):
            seq, record_id, kind, person, unique, body, prev_hash, digest = row
            shown = redact(str(record_id))
            if seq != expected:
                return ChainBreak(
                    seq, shown, _("row {expected} is missing").format(expected=expected)
                )
            if prev_hash != prev:
                return ChainBreak(
                    seq, shown, _("its previous hash is not the hash of the row before")
                )
            if self._row_hash(seq, record_id, kind, person, unique, body, prev_hash) != digest:
                return ChainBreak(seq, shown, _("its content does not match its hash"))
            problem = _columns_problem(record_id, kind, person, unique, body)
            if problem is None and verifier is not None and kind == "event":
                problem = _attestation_problem(verifier, person, body)
            if problem is not None:
                return ChainBreak(seq, shown, problem)
            prev = digest
        return None


# --- helpers -------------------------------------------------------------------------------


def _text_factory(data: bytes) -> str:
    """Text from the database; bytes that are not UTF-8 are kept as escapes so that a
    damaged row gives a verdict (its hash no longer matches), not a decoding error."""
    return data.decode("utf-8", "surrogateescape")


PERSON_FIELDS: Final = ("name", "township", "phone", "village", "address")


def _fold(
    person: dict[str, Any],
    entitlements: dict[tuple[str, str], dict[str, Any]],
    person_key: str,
    kind: str,
    record: Any,
) -> None:
    """Add one stored record to its person's case (``KeyError``/``TypeError``/``ValueError``
    for a record that does not have the shape of its kind)."""
    if not isinstance(record, dict):
        raise ValueError(_("its body is not a JSON object"))
    if kind == "person":  # the latest person record supersedes every field
        for key in PERSON_FIELDS:
            person.pop(key, None)
            if key in record:
                person[key] = record[key]
    elif kind == "entitlement":
        entitlement: dict[str, Any] = {k: record[k] for k in ENTITLEMENT_KEYS if k in record}
        entitlement["changes"] = []
        person["entitlements"].append(entitlement)
        entitlements[(person_key, str(record["scheme"]))] = entitlement
    elif kind == "amount_change":
        owner = entitlements.get((person_key, str(record["scheme"])))
        if owner is None:
            raise ValueError(
                _("an amount change for {value} with no entitlement").format(value=record["scheme"])
            )
        owner["changes"].append(wire_part(record, ChangeIn, missing="raise"))
    elif kind == "entitlement_info":  # supersedes what it names
        owner = entitlements.get((person_key, str(record["scheme"])))
        if owner is None:
            raise ValueError(
                _("details for {value} with no entitlement").format(value=record["scheme"])
            )
        for key in ("contribution_months", "dependant"):
            if key in record:
                owner[key] = record[key]
    elif kind == "entitlement_end":
        owner = entitlements.get((person_key, str(record["scheme"])))
        if owner is None:
            raise ValueError(
                _("an end for {value} with no entitlement").format(value=record["scheme"])
            )
        owner["end"] = record["end"]
    elif kind == "event" and isinstance(record.get("type"), str) and record["type"] in EVENT_WIRES:
        event_type = record["type"]
        person["events"].append(
            {"type": event_type, **wire_part(record, EVENT_WIRES[event_type], missing="raise")}
        )
    elif kind == "account":  # the latest account record supersedes
        person["account"] = wire_part(record, AccountIn, missing="omit")
    elif kind == "repayment_plan":
        person["instalment_months"] = record["instalment_months"]
    else:
        raise ValueError(_("unknown kind {value!r}").format(value=str(kind)[:40]))


def _short(error: BaseException) -> str:
    text = redact(str(error))
    if isinstance(error, KeyError):
        text = f"{text} is missing"
    return text[:120]


def _policy_json(keys: Sequence[TrustedKey]) -> str:
    items = sorted(
        (
            {"key_id": k.key_id, "channel": k.channel, "public_key_pem": k.public_pem().decode()}
            for k in keys
        ),
        key=lambda item: (item["channel"], item["key_id"]),
    )
    return json.dumps(items, ensure_ascii=False, sort_keys=True)


def _parse_policy(text: str) -> list[TrustedKey]:
    items = json.loads(text)
    if not isinstance(items, list) or not items:
        raise ValueError(_("the trust policy names no key"))
    return [
        TrustedKey.from_pem(i["key_id"], i["channel"], i["public_key_pem"].encode()) for i in items
    ]


def trusted_keys_from_json(text: str) -> list[TrustedKey]:
    """A trusted-keys file: a JSON list of ``{key_id, channel, public_key_pem}``.
    ``ValueError`` naming the entry at fault otherwise."""
    try:
        items = loads(text)
    except ValueError as error:
        raise ValueError(_("not JSON: {error}").format(error=error)) from None
    if not isinstance(items, list) or not items:
        raise ValueError(_("must be a non-empty JSON list of {key_id, channel, public_key_pem}"))
    keys = []
    for i, item in enumerate(items):
        try:
            keys.append(
                TrustedKey.from_pem(
                    str(item["key_id"]), str(item["channel"]), str(item["public_key_pem"]).encode()
                )
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(
                _("entry {i}: not a trusted key ({error})").format(i=i, error=error)
            ) from None
    return keys


def _campaign_finder(campaigns: CampaignsArg) -> Callable[[str], Campaign | None]:
    given = (
        dict(campaigns) if isinstance(campaigns, Mapping) else {c.id: c for c in campaigns or ()}
    )

    def find(name: str) -> Campaign | None:
        if name in given:
            return given[name]
        if name in bundled_campaigns():
            return load_campaign(name)
        return None  # an attestation never makes the store open a file

    return find


class _Checker:
    """What a record must pass besides its own validity: its attestation."""

    def __init__(
        self,
        db: sqlite3.Connection,
        verifier: AttestationVerifier | None,
        attested: bool,
        campaign_for: Callable[[str], Campaign | None],
        not_after: dt.datetime,
    ) -> None:
        self.db = db
        #: Nonces staged by the batch being written (and the record), not yet in the table.
        self.used: dict[str, str] = {}
        self.verifier = verifier
        self.attested = attested
        self.campaign_for = campaign_for
        self.not_after = not_after

    def check(self, record: Storable) -> tuple[str, str] | None:
        certified = record.event_type == "certified"
        if not certified:
            return None
        attestation = record.attestation
        if attestation is None:
            if self.attested:
                return (
                    "attestation_required: this store accepts only attested certifications "
                    "(its trust policy), and this event carries no attestation",
                    "attestation",
                )
            return None
        if self.verifier is None:
            return "attestation: no trusted keys were given to verify it", "attestation"
        used = self.db.execute(
            "SELECT record_id FROM nonces WHERE nonce = ?", (attestation.nonce,)
        ).fetchone()
        if used is None and attestation.nonce in self.used:
            used = (self.used[attestation.nonce],)
        if used is not None:
            return (
                f"attestation refused: replay: its nonce was already used by record "
                f"{redact(str(used[0]))!r}",
                "attestation",
            )
        try:
            self.verifier.check_signature(attestation)
        except AttestationRefused as error:
            return f"attestation refused: {error}", "attestation"
        campaign = self.campaign_for(attestation.campaign)
        if campaign is None:
            return (
                f"attestation refused: wrong_campaign: {attestation.campaign!r} is not a "
                "campaign this import knows",
                "attestation",
            )
        try:
            self.verifier.check(
                attestation,
                id_number=record.id_number,
                campaign=campaign,
                not_after=self.not_after,
            )
        except AttestationRefused as error:
            return f"attestation refused: {error}", "attestation"
        return None


class _Known:
    """What a batch's records meet in the store — their ids' bodies and their unique keys —
    looked up at once, plus what earlier lines of the batch staged (kept once a line is
    stored, forgotten when its group is refused)."""

    _CHUNK: Final = 500

    def __init__(self, bodies: dict[str, str], keys: dict[str, str]) -> None:
        self.bodies = bodies
        self.keys = keys
        self._pending: list[tuple[str, str | None]] = []

    @classmethod
    def of(cls, db: sqlite3.Connection, records: Sequence[Storable]) -> _Known:
        ids = sorted({r.id for r in records})
        keys = sorted({k for r in records for k in (r.unique_key, r.owner_key) if k is not None})
        bodies: dict[str, str] = {}
        for part in range(0, len(ids), cls._CHUNK):
            chunk = ids[part : part + cls._CHUNK]
            marks = ",".join("?" * len(chunk))
            bodies.update(db.execute(f"SELECT id, body FROM records WHERE id IN ({marks})", chunk))
        found: dict[str, str] = {}
        for part in range(0, len(keys), cls._CHUNK):
            chunk = keys[part : part + cls._CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(
                db.execute(
                    f"SELECT unique_key, id FROM records WHERE unique_key IN ({marks})",
                    chunk,
                )
            )
        return cls(bodies, found)

    def body(self, record_id: str) -> str | None:
        return self.bodies.get(record_id)

    def holder(self, unique_key: str) -> str | None:
        return self.keys.get(unique_key)

    def stage(self, record_id: str, body: str, unique_key: str | None) -> None:
        self.bodies[record_id] = body
        if unique_key is not None:
            self.keys[unique_key] = record_id
        self._pending.append((record_id, unique_key))

    def commit(self) -> None:
        self._pending.clear()

    def rollback(self) -> None:
        for record_id, unique_key in self._pending:
            self.bodies.pop(record_id, None)
            if unique_key is not None:
                self.keys.pop(unique_key, None)
        self._pending.clear()


def _cross_check(known: _Known, record: Storable) -> tuple[str, str] | None:
    key = record.unique_key
    if key is not None:
        other = known.holder(key)
        if other is not None:
            what, field_name = {
                "person": ("a person record", "id_number"),
                "entitlement": (f"an entitlement in {record.body.get('scheme')}", "scheme"),
                "amount_change": (
                    f"an amount change for {record.body.get('scheme')} from "
                    f"{record.body.get('from')}",
                    "monthly_amount",
                ),
                "event": (
                    "a death" if record.body.get("type") == "died" else "an end of the benefit",
                    "type",
                ),
            }[record.kind]
            return (
                f"conflict: {record.id_number.masked} already has {what} "
                f"(record {redact(str(other))!r})",
                field_name,
            )
    owner = record.owner_key
    if owner is not None and known.holder(owner) is None:
        return (
            f"{record.id_number.masked} has no entitlement in {record.body['scheme']} "
            "yet: import the entitlement before its amount changes",
            "scheme",
        )
    return None


def _columns_problem(
    record_id: object, kind: object, person: object, unique: object, body: object
) -> str | None:
    """Whether a row's columns agree with its body (a rehashed edit of a column)."""
    try:
        data = json.loads(str(body))
    except ValueError:
        return "its body is not valid JSON"
    if not isinstance(data, dict):
        return "its body is not a JSON object"
    if data.get("id") != record_id or data.get("kind") != kind:
        return "its id or kind column differs from its body"
    if data.get("id_number") != person:
        return "its person column differs from its body"
    expected = unique_key_of(data)
    legacy = f"{person}|person" if kind == "person" else None  # person records before 0.1
    if unique not in (expected, legacy):
        return "its unique key column differs from its body"
    return None


def _attestation_problem(verifier: AttestationVerifier, person: str, body: str) -> str | None:
    """In an attested store, whether a stored certification still carries an attestation
    that verifies for its person, channel and time (a row appended behind the store's back
    has none that does)."""
    data = json.loads(body)
    if data.get("type") != "certified":
        return None
    raw = data.get("attestation")
    if not isinstance(raw, dict):
        return "a certification without attestation in an attested store"
    try:
        attestation = Attestation.from_dict(raw)
        verifier.check_signature(attestation)
        at = parse_moment(data.get("at"))
    except (AttestationRefused, TypeError, ValueError) as error:
        return f"its attestation does not verify ({error})"
    if (
        attestation.id_number != person
        or attestation.channel != data.get("channel")
        or attestation.at != at
    ):
        return "its attestation is for another person, channel or time"
    return None


def _first_difference(body: dict[str, Any], stored: str) -> str | None:
    try:
        old = json.loads(stored)
    except ValueError:
        return None
    for key in sorted(set(body) | set(old)):
        if key not in ("id", "kind") and body.get(key) != old.get(key):
            return key
    return None


def _describe_text(body: str) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return _("unreadable")
    return _describe(data) if isinstance(data, dict) else _("unreadable")


def _describe(body: dict[str, Any]) -> str:
    shown = {k: v for k, v in body.items() if k not in ("id", "attestation")}
    if isinstance(shown.get("id_number"), str):
        shown["id_number"] = mask_id_text(shown["id_number"])
    if isinstance(shown.get("phone"), str):
        shown["phone"] = shown["phone"][:3] + "****" + shown["phone"][-4:]
    return redact(canonical_json(shown))
