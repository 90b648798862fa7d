"""The DuckDB side of ``benchmarks/end_to_end.py``, as a data team would run it: a process
that imports DuckDB and nothing else, makes views over the raw files, runs the rules' SQL
(written for it beforehand into a file) and writes the results as Parquet.

Run: python benchmarks/duckdb_job.py FOLDER parquet|csv RULES.sql OUT persons|months
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

PERSONS_SQL = """
SELECT p.id_number, q.certified_on,
       CAST(coalesce(sum(fen) FILTER (WHERE outcome = 'paid'), 0) AS DECIMAL(18, 0)) * 0.01 AS paid_on_time,
       CAST(coalesce(sum(fen) FILTER (WHERE outcome = 'backpaid'), 0) AS DECIMAL(18, 0)) * 0.01 AS backpaid,
       CAST(coalesce(sum(fen) FILTER (WHERE outcome = 'withheld'), 0) AS DECIMAL(18, 0)) * 0.01 AS withheld,
       CAST(coalesce(sum(fen) FILTER (WHERE outcome = 'overpaid'), 0) AS DECIMAL(18, 0)) * 0.01 AS overpaid
FROM people p LEFT JOIN persons q USING (person) LEFT JOIN outcomes o USING (person)
GROUP BY p.person, p.id_number, q.certified_on ORDER BY p.person
"""
MONTHS_SQL = """
SELECT p.id_number, printf('%04d-%02d', o.month // 12, o.month % 12 + 1) AS month, o.outcome,
       CAST(o.fen AS DECIMAL(18, 0)) * 0.01 AS amount
FROM outcomes o JOIN people p USING (person)
"""


def run(folder: Path, kind: str, out: Path, months: bool, rules: str) -> None:
    """Views over the raw files of ``folder``, the ``rules`` (common table expressions that
    define ``outcomes`` and ``persons``), the result files in ``out``."""
    con = duckdb.connect()
    read = (
        "read_parquet('{}.parquet')"
        if kind == "parquet"
        else "read_csv('{}.csv', all_varchar=true)"
    )
    for name, table in (
        ("ents_raw", "entitlements"),
        ("changes_raw", "changes"),
        ("events_raw", "events"),
    ):
        con.execute(
            f"CREATE VIEW {name} AS SELECT upper(trim(id_number)) AS id_number, "
            f"* EXCLUDE (id_number) FROM {read.format(folder / table)}"
        )
    con.execute(
        "CREATE TABLE people AS SELECT row_number() OVER () - 1 AS person, "
        f"upper(trim(id_number)) AS id_number FROM {read.format(folder / 'people')}"
    )
    out.mkdir(parents=True, exist_ok=True)
    if months:
        for name in ("outcomes", "persons"):
            con.execute(f"CREATE TEMP TABLE {name}_t AS {rules} SELECT * FROM {name}")
        saved = "WITH outcomes AS (FROM outcomes_t), persons AS (FROM persons_t)"
        con.execute(f"COPY ({saved} {MONTHS_SQL}) TO '{out / 'months.parquet'}' (FORMAT parquet)")
        con.execute(f"COPY ({saved} {PERSONS_SQL}) TO '{out / 'persons.parquet'}' (FORMAT parquet)")
    else:
        con.execute(f"COPY ({rules} {PERSONS_SQL}) TO '{out / 'persons.parquet'}' (FORMAT parquet)")


if __name__ == "__main__":
    folder, kind, rules, out, what = sys.argv[1:]
    run(Path(folder), kind, Path(out), what == "months", Path(rules).read_text(encoding="utf-8"))
