"""Archive export (档案整理, 涞源县社会保险待遇领取资格认证通知 (2023) 五、认证流程): the
store's records for a campaign as JSONL and CSV,
with a manifest an auditor can check later.

* ID and phone numbers are masked unless the caller asks for them in full (``unmasked``).
* The CSV opens correctly in Excel with Chinese text (UTF-8 with BOM), and a cell that
  starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is neutralised with a
  leading ``'`` so that a spreadsheet never runs it as a formula.
* The manifest holds the record counts, the chain's head (sequence and hash) and the
  SHA-256 of every file written.
* ``settlements.jsonl`` and ``settlements.csv`` hold the settlement after a death (C16) of
  every person whose death is known at the as-of date — given, or by default the date of the
  last fact in the store (the latest certification, death, report or end it holds).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from pathlib import Path
from typing import Any, Final

from sscert.campaigns import Campaign
from sscert.events import Died
from sscert.serialization import unstructure
from sscert.spreadsheet import neutralise
from sscert.store.sqlite import SQLiteStore
from sscert.values.identity import mask_id_text
from sscert.values.phone import mask_phone_text
from sscert.values.privacy import redact

__all__ = ["CSV_COLUMNS", "export_archive", "neutralise", "verify_archive"]

CSV_COLUMNS: Final = (
    "seq", "id", "kind", "id_number", "name", "township", "village", "address", "phone", "scheme",
    "start", "end", "from", "to", "monthly_amount", "contribution_months", "dependant", "type",
    "at", "channel", "on", "reported_on", "reason", "balance", "inheritable_share",
    "instalment_months", "hash",
)  # fmt: skip
_FACT_DATES: Final = ("at", "on", "reported_on", "from", "to")


def _mask(record: dict[str, Any]) -> dict[str, Any]:
    masked = dict(record)
    masked["id"] = redact(str(record.get("id", "")))
    masked["id_number"] = mask_id_text(str(record.get("id_number", "")))
    if "phone" in record:
        masked["phone"] = mask_phone_text(str(record["phone"]))
    if isinstance(record.get("attestation"), dict):
        masked["attestation"] = {**record["attestation"], "id_number": masked["id_number"]}
    for key in ("name", "township", "village", "address"):
        if isinstance(masked.get(key), str):
            masked[key] = redact(masked[key])
    return masked


def _record(body: str) -> dict[str, Any]:
    """A stored body as an archive line; one that cannot be read is kept as a note (the
    chain's verdict says why), never a crash."""
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    return data if isinstance(data, dict) else {"unreadable": True}


def _text(value: object) -> str:
    """A cell: nested values (a dependant) as JSON, everything else as text."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _fact_date(record: dict[str, Any]) -> dt.date | None:
    """The latest date a stored event names (its CST date for a time)."""
    if record.get("kind") != "event":
        return None
    days = []
    for key in _FACT_DATES:
        value = record.get(key)
        if isinstance(value, str) and len(value) >= 10:
            try:
                moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            if moment.tzinfo is not None:
                moment = moment.astimezone(dt.timezone(dt.timedelta(hours=8)))
            days.append(moment.date())
    return max(days, default=None)


def _write_settlements(
    store: SQLiteStore,
    campaign: Campaign,
    out: Path,
    as_of: dt.date,
    *,
    unmasked: bool,
    known_channels: tuple[str, ...],
) -> tuple[int, list[Path]]:
    """The settlements of everyone whose death is known at ``as_of``."""
    from sscert.reports.settlement import (  # noqa: PLC0415 - store and reports import each other
        SETTLEMENT_COLUMNS,
        settlement_row,
    )
    from sscert.rules.engine import evaluate  # noqa: PLC0415
    from sscert.store.cases import load_case  # noqa: PLC0415

    # only a person with a death record can have a settlement: read just them
    stored = load_case(
        store, campaign, as_of, known_channels=known_channels, only=store.people_with_event("died")
    )
    results = [
        result
        for person in stored.case.people
        if any(isinstance(e, Died) and e.reported_on <= as_of for e in person.events)
        for result in [evaluate(campaign, person, as_of)]
        if result.settlement is not None
    ]
    jsonl_path, csv_path = out / "settlements.jsonl", out / "settlements.csv"
    with jsonl_path.open("w", encoding="utf-8", newline="\n") as jsonl:
        for result in results:
            person = result.person
            assert result.settlement is not None
            line = {
                "id_number": person.id_number.value if unmasked else person.id_number.masked,
                "name": (person.name or "") if unmasked else redact(person.name or ""),
                "township": person.township or "",
                "as_of": as_of.isoformat(),
                "settlement": result.settlement.to_dict(),
            }
            jsonl.write(json.dumps(line, ensure_ascii=False) + "\n")
    with csv_path.open("w", encoding="utf-8-sig", newline="") as table:
        writer = csv.writer(table)
        writer.writerow(SETTLEMENT_COLUMNS)
        for result in results:
            row = settlement_row(result, unmasked=unmasked)
            writer.writerow([neutralise(str(row[c])) for c in SETTLEMENT_COLUMNS])
    return len(results), [jsonl_path, csv_path]


def export_archive(
    store: SQLiteStore,
    campaign: Campaign,
    out: str | Path,
    *,
    unmasked: bool = False,
    as_of: dt.date | None = None,
    known_channels: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Write ``records.jsonl``, ``records.csv``, ``campaign.json``, the settlements and
    ``manifest.json`` into ``out``; return the manifest. Settlements are as of ``as_of``,
    by default the date of the last fact in the store."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    jsonl_path, csv_path = out / "records.jsonl", out / "records.csv"
    lines = 0
    latest: dt.date | None = None
    with (
        jsonl_path.open("w", encoding="utf-8", newline="\n") as jsonl,
        csv_path.open("w", encoding="utf-8-sig", newline="") as table,
    ):
        writer = csv.writer(table)
        writer.writerow(CSV_COLUMNS)
        for seq, _id, _kind, body, _prev, digest in store.rows():
            record = _record(body)
            shown = record if unmasked else _mask(record)
            jsonl.write(json.dumps({"seq": seq, **shown, "hash": digest}, ensure_ascii=False))
            jsonl.write("\n")
            cells = {**shown, "seq": seq, "hash": digest}
            writer.writerow([neutralise(_text(cells.get(c, ""))) for c in CSV_COLUMNS])
            lines += 1
            day = _fact_date(record)
            if day is not None and (latest is None or day > latest):
                latest = day
    campaign_path = out / "campaign.json"
    campaign_path.write_text(
        json.dumps(unstructure(campaign), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    settled_as_of = as_of or latest
    settled, settlement_paths = 0, list[Path]()
    if settled_as_of is not None:
        settled, settlement_paths = _write_settlements(
            store,
            campaign,
            out,
            settled_as_of,
            unmasked=unmasked,
            known_channels=known_channels,
        )
    head_seq, head_hash = store.head()
    manifest: dict[str, Any] = {
        "format": "sscert-archive/1",
        "campaign": campaign.id,
        "masked": not unmasked,
        "records": {"total": lines, **store.counts()},
        "people": store.people_count(),
        "chain_head": {"seq": head_seq, "hash": head_hash},
        "settlements": {
            "as_of": settled_as_of.isoformat() if settled_as_of else None,
            "people": settled,
        },
        "files": {
            path.name: {"sha256": _sha256(path), "bytes": path.stat().st_size}
            for path in (jsonl_path, csv_path, campaign_path, *settlement_paths)
        },
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def verify_archive(out: str | Path) -> list[str]:
    """Check an archive against its manifest: every file's hash, the record count and the
    last line's chain hash. Returns the problems found (empty when it holds)."""
    out = Path(out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    problems = []
    for name, facts in manifest["files"].items():
        path = out / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif _sha256(path) != facts["sha256"]:
            problems.append(f"{name}: its SHA-256 does not match the manifest")
    jsonl = out / "records.jsonl"
    if jsonl.is_file():
        text = io.StringIO(jsonl.read_text(encoding="utf-8"))
        rows = [json.loads(line) for line in text if line.strip()]
        if len(rows) != manifest["records"]["total"]:
            problems.append("records.jsonl: the number of records does not match the manifest")
        head = rows[-1]["hash"] if rows else "0" * 64
        if head != manifest["chain_head"]["hash"]:
            problems.append("records.jsonl: the last record is not the chain head of the manifest")
    return problems
