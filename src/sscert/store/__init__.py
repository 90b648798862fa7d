"""The campaign store: an embedded, append-only, hash-chained record of people,
entitlements, amount changes and events, from which the rules calculate.

The rules layer does not import this package; the store calls the rules.
"""

from sscert.store.archive import export_archive, verify_archive
from sscert.store.records import KINDS, Record, RecordError, case_to_records, parse_record
from sscert.store.sqlite import ChainBreak, ImportReport, Rejection, SQLiteStore, StoreError

__all__ = [
    "KINDS",
    "ChainBreak",
    "ImportReport",
    "Record",
    "RecordError",
    "Rejection",
    "SQLiteStore",
    "StoreError",
    "case_to_records",
    "export_archive",
    "parse_record",
    "verify_archive",
]
