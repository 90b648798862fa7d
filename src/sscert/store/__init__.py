"""The campaign store: an embedded, append-only, hash-chained record of people,
entitlements, amount changes and events, from which the rules calculate.

The rules layer does not import this package; the store calls the rules.
"""

from sscert.store.archive import export_archive, verify_archive
from sscert.store.cases import StoredCase, invalid_dicts, load_case, load_people
from sscert.store.checkpoint import (
    Checkpoint,
    CheckpointError,
    make_checkpoint,
    read_checkpoint,
    verify_against,
)
from sscert.store.records import (
    KINDS,
    Record,
    RecordError,
    RecordValue,
    case_to_records,
    parse_record,
)
from sscert.store.sqlite import (
    CLOCK_SKEW,
    ChainBreak,
    ImportReport,
    Rejection,
    SQLiteStore,
    StoreError,
    trusted_keys_from_json,
)

__all__ = [
    "CLOCK_SKEW",
    "KINDS",
    "ChainBreak",
    "Checkpoint",
    "CheckpointError",
    "ImportReport",
    "Record",
    "RecordError",
    "RecordValue",
    "Rejection",
    "SQLiteStore",
    "StoreError",
    "StoredCase",
    "case_to_records",
    "export_archive",
    "invalid_dicts",
    "load_case",
    "load_people",
    "make_checkpoint",
    "parse_record",
    "read_checkpoint",
    "trusted_keys_from_json",
    "verify_against",
    "verify_archive",
]
