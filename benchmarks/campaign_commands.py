"""The county's campaign commands on a synthetic Laiyuan store, each as a whole process
(start to exit, with its peak memory): ``report`` and ``remind`` with the batch engine and
with the per-person engine, ``store calculate`` (every person's decisions as JSON), and the
``sscert demo`` that builds the store.

Run: python benchmarks/campaign_commands.py [--people 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
from pathlib import Path

from processes import compile_sscert, timed

from sscert import rules_compiled

AS_OF = "2023-06-30"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args()
    compile_sscert()
    sscert = str(Path(sys.executable).parent / "sscert")
    print(
        f"{dt.date.today()} · {platform.machine()} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()} · {args.people:,} people · "
        f"{'rules compiled' if rules_compiled() else 'pure Python'}"
    )
    print(f"{'command':<44} {'seconds':>8} {'peak MB':>8} {'exit':>5}")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        demo = folder / "demo"
        store = str(demo / "laiyuan-2023.db")
        campaign = ["--campaign", "laiyuan-2023", "--as-of", AS_OF]
        runs = {
            "sscert demo (build, import, remind, report)": [
                sscert, "demo", "--dir", str(demo), "--people", str(args.people),
            ],
            "sscert report --engine batch": [
                sscert, "report", store, *campaign, "--out", str(folder / "a.html"),
                "--engine", "batch",
            ],
            "sscert report --engine per-person": [
                sscert, "report", store, *campaign, "--out", str(folder / "b.html"),
                "--engine", "per-person",
            ],
            "sscert remind --engine batch": [
                sscert, "remind", store, *campaign, "--out", str(folder / "a"),
                "--engine", "batch", "--masked",
            ],
            "sscert remind --engine per-person": [
                sscert, "remind", store, *campaign, "--out", str(folder / "b"),
                "--engine", "per-person", "--masked",
            ],
            "sscert store calculate (JSON of every decision)": [
                sscert, "store", "calculate", store, *campaign, "-o", str(folder / "c.json"),
            ],
        }  # fmt: skip
        for label, command in runs.items():
            seconds, peak, status, _error = timed(command)
            print(f"{label:<44} {seconds:>8.2f} {peak:>8,.0f} {status:>5}")
        same = (folder / "a.html").read_bytes() == (folder / "b.html").read_bytes()
        print(f"the two engines' reports are {'identical' if same else 'DIFFERENT'}")
        if not same:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
