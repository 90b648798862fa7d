"""``sscert batch`` end to end, as a payroll team runs it, against the SQL a data team would
write in DuckDB: both read the same raw tables (ID numbers, months, amounts and ISO
timestamps with offsets all as text), convert them, decide 12 payroll months per person and
write their results as Parquet files. Each run is a whole process, timed from start to exit;
its peak memory is that process's own (``wait4``).

Runs, for each size and input format (Parquet, CSV):

* ``sscert batch --no-months`` — the per-person results only;
* ``sscert batch --months-by township`` — and the month rows, streamed to one file per
  township;
* ``sscert batch`` — and the month rows in one file;
* DuckDB SQL — per-person totals, and (second run) the month rows too: a process that
  imports DuckDB only (``benchmarks/duckdb_job.py``) and runs the rules' SQL, written for it
  into a file beforehand.

The script checks that sscert and DuckDB agree on every person's four totals.

The processes run in turn, ``--repeat`` rounds of all of them (5 by default), so that a
shared machine's busier minutes fall on each alike: the median of each one's seconds is shown.

Run: python benchmarks/end_to_end.py [--sizes 100000 1000000] [--formats parquet csv]
[--repeat 5]
(needs ``pip install -e .[bench]``)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))
from batch_engine import AS_OF, CAMPAIGN, FIRST, build_roster, duckdb_sql
from processes import compile_sscert, timed

from sscert import load_campaign

TABLES = ("entitlements", "events", "changes", "people")
#: The DuckDB process: DuckDB and the rules' SQL, nothing else imported.
DUCKDB_JOB = Path(__file__).parent / "duckdb_job.py"


def run_in_turn(commands: dict[str, list[str]], repeat: int) -> dict[str, tuple[float, float]]:
    """Seconds and peak resident MB of each process, start to exit: every command once in
    turn, ``repeat`` times over, so that a shared machine's busier and quieter minutes fall
    on all of them alike; the median of each one's seconds and its largest peak. A failure
    stops here."""
    runs: dict[str, list[tuple[float, float]]] = {label: [] for label in commands}
    for _ in range(repeat):
        for label, command in commands.items():
            seconds, peak, status, error = timed(command)
            if status != 0:
                raise SystemExit(f"{' '.join(command)} failed ({status}):\n{error}")
            runs[label].append((seconds, peak))
    return {
        label: (statistics.median(s for s, _p in done), max(p for _s, p in done))
        for label, done in runs.items()
    }


def agree(ours: Path, theirs: Path) -> None:
    money = ["paid_on_time", "backpaid", "withheld", "overpaid"]
    a = pl.read_parquet(ours, columns=["id_number", *money]).sort("id_number")
    b = pl.read_parquet(theirs, columns=["id_number", *money]).sort("id_number")
    b = b.with_columns(pl.col(m).cast(pl.Decimal(18, 2)) for m in money)
    if not a.equals(b):
        raise SystemExit(f"{ours} and {theirs} disagree")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="runs of each process, all of them in turn (the median is shown)",
    )
    parser.add_argument("--formats", nargs="+", default=["parquet", "csv"])
    args = parser.parse_args()
    compile_sscert()
    print(
        f"{dt.date.today()} · {platform.machine()} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()} · polars {pl.__version__}"
    )
    print(f"{'people':>10} {'input':>8} {'run':<34} {'seconds':>8} {'peak MB':>8}")
    sscert = [str(Path(sys.executable).parent / "sscert")]
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as name:
            root = Path(name)
            build_roster(size, root)
            rules = root / "rules.sql"
            rules.write_text(duckdb_sql(load_campaign(CAMPAIGN)), encoding="utf-8")
            for kind in args.formats:
                folder = root / kind
                folder.mkdir()
                for table in TABLES:
                    frame = pl.read_parquet(root / f"{table}.parquet")
                    if kind == "parquet":
                        frame.write_parquet(folder / f"{table}.parquet")
                    else:
                        frame.write_csv(folder / f"{table}.csv")
                inputs = [
                    part
                    for table in TABLES
                    for part in (f"--{table}", str(folder / f"{table}.{kind}"))
                ]
                base = [
                    *sscert, "batch", "--campaign", CAMPAIGN, "--as-of", str(AS_OF),
                    "--from", FIRST, *inputs, "--unmasked", "--operator", "benchmark",
                ]  # fmt: skip
                duck = [sys.executable, str(DUCKDB_JOB), str(folder), kind, str(rules)]
                runs = {
                    "sscert batch --no-months": [*base, "--out", str(root / "a"), "--no-months"],
                    "sscert batch --months-by township": [
                        *base,
                        "--out",
                        str(root / "b"),
                        "--months-by",
                        "township",
                    ],
                    "sscert batch (months in one file)": [*base, "--out", str(root / "c")],
                    "DuckDB SQL, per-person totals": [*duck, str(root / "d"), "persons"],
                    "DuckDB SQL, with the month rows": [*duck, str(root / "e"), "months"],
                }
                figures = run_in_turn(runs, args.repeat)
                for label, (seconds, peak) in figures.items():
                    print(f"{size:>10,} {kind:>8} {label:<34} {seconds:>8.2f} {peak:>8,.0f}")
                agree(root / "a" / "persons.parquet", root / "d" / "persons.parquet")
                agree(root / "c" / "persons.parquet", root / "e" / "persons.parquet")
                ratio = (
                    figures["DuckDB SQL, per-person totals"][0]
                    / figures["sscert batch --no-months"][0]
                )
                with_months = (
                    figures["DuckDB SQL, with the month rows"][0]
                    / figures["sscert batch --months-by township"][0]
                )
                print(
                    f"{'':>10} {'':>8} every person's totals agree; sscert / DuckDB: "
                    f"{ratio:.2f}x (totals), {with_months:.2f}x (with months)"
                )


if __name__ == "__main__":
    main()
