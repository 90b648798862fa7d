"""Import speed of the SQLite store, in records per second, for 100,000 and 1,000,000
records (a third each: person, entitlement, certification event): the lines read in the
importing process, and read in a second one while it stores them (``read_apart``, as
``sscert store import`` does); and ``sscert store import`` timed as a whole process, from
start to exit.

Run: python benchmarks/store_import.py [--sizes 100000 1000000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from processes import compile_sscert, timed

from sscert.store import ImportReport, SQLiteStore
from sscert.values.identity import check_character


def lines(total: int) -> Iterator[str]:
    produced = person = 0
    while produced < total:
        region = f"{11 + person % 70:02d}{person // 70 % 10000:04d}"
        body = f"{region}19{30 + person % 60:02d}0101{person % 1000:03d}"
        id_number = body + check_character(body)
        for record in (
            {"kind": "person", "id": f"p{person}", "id_number": id_number, "name": "张秀英",
             "township": "涞源镇", "phone": "13812345678"},
            {"kind": "entitlement", "id": f"e{person}", "id_number": id_number,
             "scheme": "enterprise_pension", "start": "2010-01", "monthly_amount": "2856.40"},
            {"kind": "event", "id": f"c{person}", "id_number": id_number, "type": "certified",
             "at": "2023-03-01T10:00:00+08:00", "channel": "yirenshe"},
        ):  # fmt: skip
            if produced == total:
                return
            yield json.dumps(record, ensure_ascii=False)
            produced += 1
        person += 1


def _timed_import(db: Path, source: Path, *, apart: bool) -> tuple[float, ImportReport]:
    store, _ = SQLiteStore.init(db)
    with store, source.open(encoding="utf-8") as handle:
        started = time.perf_counter()
        report = store.import_lines(handle, read_apart=apart)
        return time.perf_counter() - started, report


def measure(total: int, folder: Path) -> None:
    source = folder / f"{total}.jsonl"
    with source.open("w", encoding="utf-8") as handle:
        for line in lines(total):
            handle.write(line + "\n")
    here, report = _timed_import(folder / f"{total}-here.db", source, apart=False)
    assert report.stored == total, report
    apart, report_apart = _timed_import(folder / f"{total}.db", source, apart=True)
    assert report_apart == report, "read apart, the lines must be stored alike"
    second, again = _timed_import(folder / f"{total}.db", source, apart=True)
    assert again.present == total
    store, _ = SQLiteStore.init(folder / f"{total}.db")
    with store:
        started = time.perf_counter()
        assert store.verify() is None
        verify = time.perf_counter() - started
    sscert = str(Path(sys.executable).parent / "sscert")
    db = folder / f"{total}-command.db"
    subprocess.run([sscert, "store", "init", str(db)], check=True, capture_output=True)
    command, peak, status, error = timed([sscert, "store", "import", str(db), str(source)])
    if status != 0:
        raise SystemExit(f"sscert store import failed ({status}):\n{error}")
    print(
        f"{total:>9,} records: import {here:5.1f} s = {total / here:8,.0f} records/s; "
        f"read apart {apart:5.1f} s = {total / apart:8,.0f} records/s; "
        f"`sscert store import` (the whole process) {command:5.1f} s = "
        f"{total / command:8,.0f} records/s, {peak:,.0f} MB; "
        f"re-import (all present) {total / second:8,.0f} records/s; "
        f"verify chain {total / verify:9,.0f} rows/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    compile_sscert()
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            measure(size, Path(folder))


if __name__ == "__main__":
    main()
