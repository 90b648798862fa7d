"""Every benchmark of docs/benchmarks.md in one run, one script after another, each in its own
process, with the machine they ran on: one person's calculation, store import, the campaign
commands, ``sscert batch`` end to end beside DuckDB, and the batch engine.

Run: python benchmarks/all.py [--quick] [--only NAME ...]

``--quick`` measures 10⁵ people (and records) only, a few minutes; without it, the sizes of
docs/benchmarks.md (10⁶ as well: about half an hour on 2 cores). The exit status is 1 when a
script failed (its own checks: the engines agree, the totals match DuckDB's).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Final

HERE: Final = Path(__file__).resolve().parent

#: Each script, its arguments for the full run and for ``--quick``.
SCRIPTS: Final[dict[str, tuple[list[str], list[str]]]] = {
    "one_person": (["--repeat", "20000"], ["--repeat", "5000"]),
    "store_import": ([], ["--sizes", "100000"]),
    "campaign_commands": ([], ["--people", "100000"]),
    "end_to_end": ([], ["--sizes", "100000"]),
    "batch_engine": ([], ["--sizes", "10000", "100000"]),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10⁵ people only")
    parser.add_argument("--only", nargs="+", choices=list(SCRIPTS), help="these scripts only")
    args = parser.parse_args()
    print(
        f"{dt.date.today()} · {platform.machine()} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()} · {platform.platform()} · {_build()}",
        flush=True,
    )
    failed = []
    for name, (full, quick) in SCRIPTS.items():
        if args.only and name not in args.only:
            continue
        command = [sys.executable, str(HERE / f"{name}.py"), *(quick if args.quick else full)]
        print(f"\n## {name}: {' '.join(command[1:])}", flush=True)
        started = time.perf_counter()
        status = subprocess.run(command, check=False).returncode
        print(f"({name}: {time.perf_counter() - started:.0f} s, exit {status})", flush=True)
        if status != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        raise SystemExit(1)


def _build() -> str:
    """Which build of sscert runs: pure Python, or the rules compiled (docs/install.md)."""
    import sscert  # noqa: PLC0415 - the scripts import it themselves

    return "rules compiled" if sscert.rules_compiled() else "pure Python"


if __name__ == "__main__":
    main()
