"""A campaign in a store: import the notice's situations, import them again (nothing
twice), verify the chain, calculate from the store and export the archive.

Run: python examples/store_campaign.py
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import sscert
from sscert.calculate import calculate_case
from sscert.store import SQLiteStore, case_to_records, export_archive, load_case, verify_archive

CASE = Path(__file__).with_name("laiyuan-2023-case.json")


def main() -> None:
    case = json.loads(CASE.read_text(encoding="utf-8"))
    lines = [json.dumps(r, ensure_ascii=False) for r in case_to_records(case)]
    with tempfile.TemporaryDirectory() as folder:
        store, _ = SQLiteStore.init(Path(folder) / "laiyuan.db")
        with store:
            first = store.import_lines(lines)
            again = store.import_lines(lines)
            print(f"first import: stored {first.stored}; again: already present {again.present}")
            print("chain holds:", store.verify() is None, "head", store.head()[1][:16])
            campaign = sscert.load_campaign("laiyuan-2023")
            stored = load_case(store, campaign, dt.date(2023, 9, 30))
            for result in calculate_case(stored.case):
                print(f"  {result.person.name}: {result.status.value}")
            print("people who could not be calculated:", len(stored.invalid))
            manifest = export_archive(store, campaign, Path(folder) / "archive")
            print("archived", manifest["records"]["total"], "records, masked:", manifest["masked"])
            print("archive checks out:", verify_archive(Path(folder) / "archive") == [])


if __name__ == "__main__":
    main()
