"""The SQLite store: append-only, hash-chained records; one transaction a batch.

Guarantees:

* **Idempotent** — every record has an ``id``; the same record twice is stored once, a
  different record under an existing ``id`` is refused as a conflict naming both.
* **Tamper-evident** — each row's hash covers its sequence number, its canonical body and
  the previous row's hash; triggers refuse ``UPDATE`` and ``DELETE``; :meth:`verify` names
  the first row whose hash does not match.
* **Crash-safe** — WAL journal and one ``BEGIN IMMEDIATE`` transaction per batch: a process
  killed at any moment leaves the last committed batch; importing the same file again
  completes it with nothing lost and nothing twice. Concurrent importers serialise on the
  write lock and lose nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Final

from attrs import define, field, frozen

from sscert.attestation import AttestationRefused, AttestationVerifier
from sscert.campaigns import Campaign, load_campaign
from sscert.channels import KNOWN_CHANNELS
from sscert.store.records import Record, RecordError, canonical_json, parse_record
from sscert.values.identity import mask_id_text

__all__ = [
    "GENESIS",
    "ChainBreak",
    "ImportReport",
    "Rejection",
    "SQLiteStore",
    "StoreError",
    "row_hash",
]

SCHEMA_VERSION: Final = 1
GENESIS: Final = "0" * 64
BATCH: Final = 2000

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


_INSERT = """
INSERT INTO records (seq, id, kind, id_number, unique_key, body, prev_hash, hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""


class StoreError(RuntimeError):
    """The store cannot be opened or used (not a store, a newer schema, …)."""


def row_hash(seq: int, prev_hash: str, body: str) -> str:
    """The hash of one row: SHA-256 over its sequence number, the previous hash and its body."""
    return hashlib.sha256(f"{seq}\n{prev_hash}\n{body}".encode()).hexdigest()


@frozen
class Rejection:
    line: int
    reason: str
    record_id: str | None = None


@define
class ImportReport:
    """What an import did: lines stored, already present, rejected (with line and reason)."""

    stored: int = 0
    present: int = 0
    rejected: list[Rejection] = field(factory=list)
    present_lines: list[int] = field(factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected


@frozen
class ChainBreak:
    """The first row whose hash does not match."""

    seq: int
    record_id: str
    reason: str


class SQLiteStore:
    """A campaign store in one SQLite file. Open with :meth:`open` or create with :meth:`init`."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._db = connection

    # --- opening ---------------------------------------------------------------------------

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=120, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 120000")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
        return db

    @classmethod
    def init(cls, path: str | Path) -> tuple[SQLiteStore, bool]:
        """Create a store at ``path``; an existing store is left untouched.

        Returns the store and whether it was created.
        """
        target = Path(path)
        existed = target.exists() and target.stat().st_size > 0
        if existed:
            return cls.open(target), False
        db = cls._connect(target)
        db.executescript(_SCHEMA)  # idempotent: two processes may initialise at once
        db.execute(
            "INSERT OR IGNORE INTO meta (key, value)"
            " VALUES ('schema_version', ?), ('kind', 'sscert-store')",
            (str(SCHEMA_VERSION),),
        )
        return cls(target, db), True

    @classmethod
    def open(cls, path: str | Path) -> SQLiteStore:
        target = Path(path)
        if not target.is_file():
            raise StoreError(f"{target}: no store here (create one with `sscert store init`)")
        try:
            db = cls._connect(target)
            row = db.execute("SELECT value FROM meta WHERE key = 'kind'").fetchone()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{target}: not an sscert store ({error})") from None
        if row is None or row[0] != "sscert-store":
            raise StoreError(f"{target}: not an sscert store")
        version = int(
            db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        )
        if version > SCHEMA_VERSION:
            raise StoreError(f"{target}: made by a newer sscert (schema {version})")
        return cls(target, db)

    def close(self) -> None:
        self._db.close()

    def backup(self, destination: str | Path) -> None:
        """A consistent copy of the store, taken online (SQLite's backup API) while others
        may be importing. The copy is a store of its own."""
        target = sqlite3.connect(destination)
        try:
            self._db.backup(target)
        finally:
            target.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- importing -------------------------------------------------------------------------

    def import_lines(
        self,
        lines: Iterable[str],
        *,
        known_channels: Iterable[str] = (),
        verifier: AttestationVerifier | None = None,
        campaign_for: Callable[[str], Campaign] = load_campaign,
        progress: Callable[[int], None] | None = None,
        batch_size: int = BATCH,
    ) -> ImportReport:
        """Import JSON lines (1-based line numbers in the report). Blank lines are skipped.

        ``known_channels`` adds plugin channel codes; ``verifier`` checks attestations
        (an event with one and no verifier is rejected); ``campaign_for`` loads the campaign
        an attestation names.
        """
        channels = set(KNOWN_CHANNELS) | set(known_channels)
        report = ImportReport()
        batch: list[tuple[int, Record | None, str | None]] = []
        count = 0
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            batch.append(self._parse(number, line, channels))
            if len(batch) >= batch_size:
                self._write(batch, report, verifier, campaign_for)
                count += len(batch)
                batch = []
                if progress:
                    progress(count)
        if batch:
            self._write(batch, report, verifier, campaign_for)
            count += len(batch)
            if progress:
                progress(count)
        return report

    @staticmethod
    def _parse(number: int, line: str, channels: set[str]) -> tuple[int, Record | None, str | None]:
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            return number, None, f"not JSON: {error.msg} at column {error.colno}"
        try:
            return number, parse_record(data, channels), None
        except RecordError as error:
            return number, None, str(error)

    def _write(
        self,
        batch: list[tuple[int, Record | None, str | None]],
        report: ImportReport,
        verifier: AttestationVerifier | None,
        campaign_for: Callable[[str], Campaign],
    ) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            head = db.execute("SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev = (head[0], head[1]) if head else (0, GENESIS)
            stored = present = 0
            rejected: list[Rejection] = []
            present_lines: list[int] = []
            for number, record, parse_problem in batch:
                if record is None:
                    rejected.append(Rejection(number, parse_problem or "invalid"))
                    continue
                text = record.text
                existing = db.execute(
                    "SELECT body FROM records WHERE id = ?", (record.id,)
                ).fetchone()
                if existing is not None:
                    if existing[0] == text:
                        present += 1
                        present_lines.append(number)
                    else:
                        rejected.append(
                            Rejection(
                                number,
                                f"conflict: record id {record.id!r} already holds a different "
                                f"record; this line ({_describe(record.body)}) differs from the "
                                f"stored one ({_describe(json.loads(existing[0]))})",
                                record.id,
                            )
                        )
                    continue
                problem = self._cross_check(record)
                if problem is None and record.attestation is not None:
                    problem = self._check_attestation(record, verifier, campaign_for)
                if problem is not None:
                    rejected.append(Rejection(number, problem, record.id))
                    continue
                seq += 1
                digest = row_hash(seq, prev, text)
                db.execute(
                    _INSERT,
                    (
                        seq,
                        record.id,
                        record.kind,
                        record.id_number.value,
                        record.unique_key,
                        text,
                        prev,
                        digest,
                    ),
                )
                if record.attestation is not None:
                    db.execute(
                        "INSERT INTO nonces (nonce, record_id) VALUES (?, ?)",
                        (record.attestation.nonce, record.id),
                    )
                prev = digest
                stored += 1
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        report.stored += stored
        report.present += present
        report.rejected.extend(rejected)
        report.present_lines.extend(present_lines)

    def _cross_check(self, record: Record) -> str | None:
        db = self._db
        key = record.unique_key
        if key is not None:
            other = db.execute("SELECT id FROM records WHERE unique_key = ?", (key,)).fetchone()
            if other is not None:
                what = {
                    "person": "a person record",
                    "entitlement": f"an entitlement in {record.body.get('scheme')}",
                    "amount_change": f"an amount change for {record.body.get('scheme')} from "
                    f"{record.body.get('from')}",
                    "event": "a death",
                }[record.kind]
                return (
                    f"conflict: {record.id_number.masked} already has {what} (record {other[0]!r})"
                )
        if record.kind == "amount_change":
            owner = f"{record.id_number.value}|entitlement|{record.body['scheme']}"
            if (
                db.execute("SELECT 1 FROM records WHERE unique_key = ?", (owner,)).fetchone()
                is None
            ):
                return (
                    f"{record.id_number.masked} has no entitlement in {record.body['scheme']} "
                    "yet: import the entitlement before its amount changes"
                )
        return None

    def _check_attestation(
        self,
        record: Record,
        verifier: AttestationVerifier | None,
        campaign_for: Callable[[str], Campaign],
    ) -> str | None:
        attestation = record.attestation
        assert attestation is not None
        if verifier is None:
            return "attestation: no trusted keys were given to verify it"
        used = self._db.execute(
            "SELECT record_id FROM nonces WHERE nonce = ?", (attestation.nonce,)
        ).fetchone()
        if used is not None:
            return f"attestation refused: replay: its nonce was already used by record {used[0]!r}"
        try:
            verifier.check_signature(attestation)
            campaign = campaign_for(attestation.campaign)
        except AttestationRefused as error:
            return f"attestation refused: {error}"
        except ValueError as error:
            return f"attestation refused: unknown campaign {attestation.campaign!r}: {error}"
        try:
            verifier.check(attestation, id_number=record.id_number, campaign=campaign)
        except AttestationRefused as error:
            return f"attestation refused: {error}"
        return None

    # --- reading ---------------------------------------------------------------------------

    def rows(self) -> Iterator[tuple[int, str, str, str, str, str]]:
        """Every row in chain order: ``(seq, id, kind, body, prev_hash, hash)``."""
        yield from self._db.execute(
            "SELECT seq, id, kind, body, prev_hash, hash FROM records ORDER BY seq"
        )

    def records(self) -> Iterator[dict[str, Any]]:
        for _, _, _, body, _, _ in self.rows():
            yield json.loads(body)

    def head(self) -> tuple[int, str]:
        row = self._db.execute("SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (0, GENESIS)

    def counts(self) -> dict[str, int]:
        counts = {"person": 0, "entitlement": 0, "amount_change": 0, "event": 0}
        for kind, number in self._db.execute("SELECT kind, count(*) FROM records GROUP BY kind"):
            counts[kind] = number
        return counts

    def verify(self) -> ChainBreak | None:
        """Walk the chain; return the first row that does not match, or ``None``."""
        prev = GENESIS
        for expected_seq, (seq, record_id, _, body, prev_hash, digest) in enumerate(
            self.rows(), start=1
        ):
            if seq != expected_seq:
                return ChainBreak(seq, record_id, f"row {expected_seq} is missing")
            if prev_hash != prev:
                return ChainBreak(
                    seq, record_id, "its previous hash is not the hash of the row before"
                )
            if row_hash(seq, prev_hash, body) != digest:
                return ChainBreak(seq, record_id, "its content does not match its hash")
            prev = digest
        return None

    def case(self, campaign: str, as_of: dt.date, first: str | None = None) -> dict[str, Any]:
        """The calculation case equivalent to the store's contents: people in the order they
        first appear, entitlements with their changes, events in import order."""
        people: dict[str, dict[str, Any]] = {}
        entitlements: dict[tuple[str, str], dict[str, Any]] = {}
        for record in self.records():
            person = people.setdefault(
                record["id_number"],
                {"id_number": record["id_number"], "entitlements": [], "events": []},
            )
            kind = record["kind"]
            if kind == "person":
                for key in ("name", "township", "phone"):
                    if key in record:
                        person[key] = record[key]
            elif kind == "entitlement":
                entitlement: dict[str, Any] = {
                    k: record[k]
                    for k in ("scheme", "start", "end", "monthly_amount")
                    if k in record
                }
                entitlement["changes"] = []
                person["entitlements"].append(entitlement)
                entitlements[(record["id_number"], record["scheme"])] = entitlement
            elif kind == "amount_change":
                entitlements[(record["id_number"], record["scheme"])]["changes"].append(
                    {"from": record["from"], "monthly_amount": record["monthly_amount"]}
                )
            elif record["type"] == "certified":
                person["events"].append(
                    {"type": "certified", "at": record["at"], "channel": record["channel"]}
                )
            else:
                person["events"].append(
                    {"type": "died", "on": record["on"], "reported_on": record["reported_on"]}
                )
        case: dict[str, Any] = {
            "campaign": campaign,
            "as_of": as_of.isoformat(),
            "people": list(people.values()),
        }
        if first is not None:
            case["from"] = first
        return case

    def people_count(self) -> int:
        return int(self._db.execute("SELECT count(DISTINCT id_number) FROM records").fetchone()[0])


def _describe(body: dict[str, Any]) -> str:
    shown = {k: v for k, v in body.items() if k not in ("id", "attestation")}
    if "id_number" in shown:
        shown["id_number"] = mask_id_text(shown["id_number"])
    if "phone" in shown:
        shown["phone"] = shown["phone"][:3] + "****" + shown["phone"][-4:]
    return canonical_json(shown)
