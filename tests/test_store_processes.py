"""Crash safety and concurrency of the store, proven with real processes: an import killed
with SIGKILL leaves the store consistent and a rerun completes it; two importers at once
lose nothing and store nothing twice."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sscert.store import SQLiteStore
from sscert.values.identity import check_character

pytestmark = pytest.mark.slow

COMMAND = [sys.executable, "-c", "from sscert.cli import main; main()"]


def records(first: int, last: int) -> list[str]:
    lines = []
    for n in range(first, last):
        body = f"{11 + n % 70:02d}{n // 70 % 10000:04d}19{40 + n % 50:02d}0101{n % 1000:03d}"
        id_number = body + check_character(body)
        lines.append(
            json.dumps(
                {
                    "kind": "entitlement",
                    "id": f"e{n}",
                    "id_number": id_number,
                    "scheme": "enterprise_pension",
                    "start": "2010-01",
                    "monthly_amount": f"{1000 + n % 997}.{n % 100:02d}",
                }
            )
        )
    return lines


def count(db: Path) -> int:
    connection = sqlite3.connect(db, timeout=30)
    try:
        return int(connection.execute("SELECT count(*) FROM records").fetchone()[0])
    finally:
        connection.close()


def test_an_import_killed_at_any_moment_loses_nothing(tmp_path: Path) -> None:
    total = 40_000
    source = tmp_path / "big.jsonl"
    source.write_text("\n".join(records(0, total)) + "\n", encoding="utf-8")
    db = tmp_path / "s.db"
    SQLiteStore.init(db)[0].close()
    interrupted = 0
    for _ in range(3):
        before = count(db)
        process = subprocess.Popen(
            [*COMMAND, "store", "import", str(db), str(source)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while process.poll() is None and count(db) <= before and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        after = count(db)
        interrupted += int(0 < after < total)
        with SQLiteStore.open(db) as store:
            assert store.verify() is None, "a killed import left a broken chain"
    assert interrupted >= 1, "no import was killed half-way: the file is too small"
    done = subprocess.run(
        [*COMMAND, "store", "import", str(db), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    stored, present = (int(w.rstrip(",")) for w in done.stdout.split()[1:5:3])
    assert stored + present == total
    assert count(db) == total
    with SQLiteStore.open(db) as store:
        assert store.verify() is None


def test_two_importers_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    SQLiteStore.init(db)[0].close()
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("\n".join(records(0, 12_000)) + "\n", encoding="utf-8")
    second.write_text("\n".join(records(6_000, 18_000)) + "\n", encoding="utf-8")
    processes = [
        subprocess.Popen(
            [*COMMAND, "store", "import", str(db), str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in (first, second)
    ]
    outputs = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    stored = sum(int(out.split()[1].rstrip(",")) for out, _ in outputs)
    assert stored == 18_000
    assert count(db) == 18_000
    with SQLiteStore.open(db) as store:
        assert store.verify() is None
