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
shared machine's busier minutes fall on each alike: the median of each one's seconds is shown,
and how many times faster sscert ran, as the ratio of the medians and within each round (its
run and DuckDB's, one right after the other).

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
from attrs import frozen

sys.path.insert(0, str(Path(__file__).parent))
from batch_engine import AS_OF, CAMPAIGN, FIRST, build_roster, duckdb_sql
from processes import compile_sscert, timed

from sscert import load_campaign

TABLES = ("entitlements", "events", "changes", "people")
#: The DuckDB process: DuckDB and the rules' SQL, nothing else imported.
DUCKDB_JOB = Path(__file__).parent / "duckdb_job.py"


@frozen
class Runs:
    """One process's runs, in the order made: seconds and peak resident MB."""

    seconds: list[float]
    peaks: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak(self) -> float:
        return max(self.peaks)


def run_in_turn(commands: dict[str, list[str]], repeat: int) -> dict[str, Runs]:
    """Seconds and peak resident MB of each process, start to exit: every command once in
    turn, ``repeat`` times over, so that a shared machine's busier and quieter minutes fall
    on all of them alike. A failure stops here."""
    runs = {label: Runs([], []) for label in commands}
    for _ in range(repeat):
        for label, command in commands.items():
            seconds, peak, status, error = timed(command)
            if status != 0:
                raise SystemExit(f"{' '.join(command)} failed ({status}):\n{error}")
            runs[label].seconds.append(seconds)
            runs[label].peaks.append(peak)
    return runs


def ratios(theirs: Runs, ours: Runs) -> str:
    """How many times faster ``ours`` ran: the ratio of the medians, and the ratio within
    each round (the two ran one after the other, in the same minute), lowest to highest."""
    each = sorted(t / o for t, o in zip(theirs.seconds, ours.seconds, strict=True))
    return (
        f"{theirs.median / ours.median:.2f}x (rounds {each[0]:.2f}x-{each[-1]:.2f}x, "
        f"median {statistics.median(each):.2f}x)"
    )


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
                # each sscert run beside the DuckDB run it is compared with
                runs = {
                    "sscert batch --no-months": [*base, "--out", str(root / "a"), "--no-months"],
                    "DuckDB SQL, per-person totals": [*duck, str(root / "d"), "persons"],
                    "sscert batch --months-by township": [
                        *base,
                        "--out",
                        str(root / "b"),
                        "--months-by",
                        "township",
                    ],
                    "DuckDB SQL, with the month rows": [*duck, str(root / "e"), "months"],
                    "sscert batch (months in one file)": [*base, "--out", str(root / "c")],
                }
                figures = run_in_turn(runs, args.repeat)
                for label, done in figures.items():
                    print(
                        f"{size:>10,} {kind:>8} {label:<34} {done.median:>8.2f} {done.peak:>8,.0f}"
                    )
                agree(root / "a" / "persons.parquet", root / "d" / "persons.parquet")
                agree(root / "c" / "persons.parquet", root / "e" / "persons.parquet")
                totals = ratios(
                    figures["DuckDB SQL, per-person totals"], figures["sscert batch --no-months"]
                )
                with_months = ratios(
                    figures["DuckDB SQL, with the month rows"],
                    figures["sscert batch --months-by township"],
                )
                print(
                    f"{'':>10} {'':>8} every person's totals agree; sscert / DuckDB: "
                    f"{totals} (totals), {with_months} (with months)"
                )


if __name__ == "__main__":
    main()
