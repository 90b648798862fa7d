"""The batch engine against the per-person ``calculate`` and a hand-written DuckDB query of the
same rules, on synthetic Laiyuan rosters of 10^4, 10^5 and 10^6 people, 12 payroll months each.

Each engine runs in its own child process (so that its peak memory is its own); the script
prints people per second, peak memory, the ratios, and checks that all three agree on the
totals. The per-person path is slow by design: above ``--per-person-max`` people it runs on
the first ``--per-person-max`` of them, and its rate and totals are compared on those.

Run: python benchmarks/batch_engine.py [--sizes 10000 100000 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

CAMPAIGN = "laiyuan-2023"
AS_OF = dt.date(2023, 12, 1)
TOWNSHIPS = 20  # people live in 20 townships
FIRST = "2023-01"  # with payroll on the 1st: January to December, 12 months
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
SCHEMES = [
    "urban_rural_resident_pension",
    "enterprise_pension",
    "public_sector_pension",
    "work_injury_periodic",
    "work_injury_survivor",
]


def _h(seed: int) -> pl.Expr:
    """A deterministic pseudo-random 0..9999 per person."""
    return (pl.col("person").hash(seed) % 10_000).cast(pl.Int64)


def build_roster(people: int, folder: Path) -> None:
    """Write entitlements, changes and events tables (Parquet) for ``people`` people."""
    base = pl.DataFrame({"person": pl.arange(0, people, eager=True).cast(pl.Int64)})
    birth = pl.date(1930 + _h(1) % 35, 1 + _h(2) % 12, 1 + _h(3) % 28)
    first17 = (
        pl.format(
            "{}{}",
            (11 + pl.col("person") % 70).cast(pl.Utf8).str.zfill(2),
            (pl.col("person") // 70 % 10_000).cast(pl.Utf8).str.zfill(4),
        )
        + birth.dt.strftime("%Y%m%d")
        + (pl.col("person") // 700_000 * 100 + _h(4) % 100).cast(pl.Utf8).str.zfill(3)
    )
    total = pl.sum_horizontal(
        [first17.str.slice(i, 1).cast(pl.Int64) * w for i, w in enumerate(WEIGHTS)]
    )
    ids = base.with_columns(id_number=first17 + pl.lit("10X98765432").str.slice(total % 11, 1))
    scheme = pl.lit(pl.Series(SCHEMES)).gather(
        pl.when(_h(5) < 5500)
        .then(0)
        .when(_h(5) < 8000)
        .then(1)
        .when(_h(5) < 9000)
        .then(2)
        .when(_h(5) < 9600)
        .then(3)
        .otherwise(4)
    )
    fen = pl.when(scheme == SCHEMES[0]).then(12_000 + _h(6) * 2).otherwise(180_000 + _h(6) * 30)
    ents = ids.select(
        "person",
        "id_number",
        scheme=scheme,
        start=pl.format(
            "{}-{}", (2005 + _h(7) % 17).cast(pl.Utf8), (1 + _h(8) % 12).cast(pl.Utf8).str.zfill(2)
        ),
        monthly_amount=pl.format("{}.{}", fen // 100, (fen % 100).cast(pl.Utf8).str.zfill(2)),
    )
    second = ids.filter(_h(9) < 500).select(
        "person",
        "id_number",
        scheme=pl.lit("work_injury_periodic"),
        start=pl.lit("2015-06"),
        monthly_amount=pl.lit("960.00"),
    )
    ents = pl.concat(
        [ents.filter(~((_h(9) < 500) & (pl.col("scheme") == "work_injury_periodic"))), second]
    )
    changes = ents.filter(_h(10) < 3000).select(
        "person",
        "id_number",
        "scheme",
        **{"from": pl.lit("2023-07")},
        monthly_amount=pl.format(
            "{}.{}", 200 + _h(11) % 4000, (_h(12) % 100).cast(pl.Utf8).str.zfill(2)
        ),
    )
    day = pl.date(2023, 2, 10) + pl.duration(days=_h(13) % 44)
    late = pl.date(2023, 3, 26) + pl.duration(days=_h(14) % 240)
    channel = pl.lit(pl.Series(["hebei_renshe", "yirenshe", "assisted"])).gather(_h(15) % 3)
    certified = ids.filter(_h(16) < 8700).select(
        "person",
        "id_number",
        type=pl.lit("certified"),
        at=pl.when(_h(16) < 7700).then(day).otherwise(late).dt.strftime("%Y-%m-%dT10:30:00+08:00"),
        channel=channel,
        on=pl.lit(None, pl.Utf8),
        reported_on=pl.lit(None, pl.Utf8),
    )
    matched = ids.filter(_h(17) < 300).select(
        "person",
        "id_number",
        type=pl.lit("certified"),
        at=(pl.date(2023, 2, 1) + pl.duration(days=_h(18) % 200)).dt.strftime("%Y-%m-%d"),
        channel=pl.lit("data_comparison"),
        on=pl.lit(None, pl.Utf8),
        reported_on=pl.lit(None, pl.Utf8),
    )
    died_on = pl.date(2023, 1, 15) + pl.duration(days=_h(19) % 300)
    deaths = ids.filter(_h(20) < 200).select(
        "person",
        "id_number",
        type=pl.lit("died"),
        at=pl.lit(None, pl.Utf8),
        channel=pl.lit(None, pl.Utf8),
        on=died_on.dt.strftime("%Y-%m-%d"),
        reported_on=(died_on + pl.duration(days=1 + _h(21) % 90)).dt.strftime("%Y-%m-%d"),
    )
    events = pl.concat([certified, matched, deaths]).sort("person", maintain_order=True)
    township = pl.format("乡镇{}", (_h(22) % TOWNSHIPS).cast(pl.Utf8).str.zfill(2))
    ids.select("id_number", township=township).write_parquet(folder / "people.parquet")
    ents.drop("person").write_parquet(folder / "entitlements.parquet")
    changes.drop("person").write_parquet(folder / "changes.parquet")
    events.drop("person").write_parquet(folder / "events.parquet")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_batch(folder: Path, limit: int) -> dict[str, Any]:
    import sscert  # noqa: PLC0415
    from sscert.batch import evaluate_batch, from_tables  # noqa: PLC0415
    from sscert.values.months import Month  # noqa: PLC0415

    tables = {
        n: pl.read_parquet(folder / f"{n}.parquet")
        for n in ("entitlements", "events", "changes", "people")
    }
    start = time.perf_counter()
    data = from_tables(
        tables["entitlements"], tables["events"], tables["changes"], tables["people"]
    )
    validated = time.perf_counter()
    result = evaluate_batch(data, sscert.load_campaign(CAMPAIGN), AS_OF, Month.parse(FIRST))
    done = time.perf_counter()
    money = pl.col("paid_on_time", "backpaid", "withheld", "overpaid").sum()
    totals = result.persons.select(money).row(0)
    subset = result.persons.filter(pl.col("person") < limit).select(money).row(0)
    return {
        "seconds": done - validated,
        "with_validation": done - start,
        "totals": list(totals),
        "subset_totals": list(subset),
        "people": data.people.height,
        "peak_mb": _peak_mb(),
    }


def run_per_person(folder: Path, limit: int) -> dict[str, Any]:
    import sscert  # noqa: PLC0415

    people = pl.read_parquet(folder / "people.parquet").head(limit)["id_number"].to_list()
    wanted = set(people)
    by_id: dict[str, dict[str, Any]] = {
        i: {"id_number": i, "entitlements": [], "events": []} for i in people
    }
    for row in pl.read_parquet(folder / "entitlements.parquet").iter_rows(named=True):
        if row["id_number"] in wanted:
            by_id[row["id_number"]]["entitlements"].append(
                {
                    "scheme": row["scheme"],
                    "start": row["start"],
                    "monthly_amount": row["monthly_amount"],
                    "changes": [],
                }
            )
    for row in pl.read_parquet(folder / "changes.parquet").iter_rows(named=True):
        if row["id_number"] in wanted:
            for ent in by_id[row["id_number"]]["entitlements"]:
                if ent["scheme"] == row["scheme"]:
                    ent["changes"].append(
                        {"from": row["from"], "monthly_amount": row["monthly_amount"]}
                    )
    for row in pl.read_parquet(folder / "events.parquet").iter_rows(named=True):
        if row["id_number"] in wanted:
            event = (
                {"type": "certified", "at": row["at"], "channel": row["channel"]}
                if row["type"] == "certified"
                else {"type": "died", "on": row["on"], "reported_on": row["reported_on"]}
            )
            by_id[row["id_number"]]["events"].append(event)
    case = {
        "campaign": CAMPAIGN,
        "as_of": AS_OF.isoformat(),
        "from": FIRST,
        "people": [by_id[i] for i in people],
    }
    start = time.perf_counter()
    result = sscert.calculate(case)
    seconds = time.perf_counter() - start
    totals = [
        sum(int(p["totals"][k].replace(".", "")) for p in result["people"])
        for k in ("paid_on_time", "backpaid", "withheld", "overpaid")
    ]
    return {"seconds": seconds, "totals": totals, "people": len(people), "peak_mb": _peak_mb()}


DUCKDB_SQL = """
WITH
ents AS (SELECT p.person, e.scheme,
                CAST(substr(e.start, 1, 4) AS INT) * 12 + CAST(substr(e.start, 6, 2) AS INT) - 1 AS start_m,
                CAST(replace(e.monthly_amount, '.', '') AS BIGINT) AS fen
         FROM ents_raw e JOIN people p USING (id_number)),
changes AS (SELECT p.person, c.scheme,
                   CAST(substr(c."from", 1, 4) AS INT) * 12 + CAST(substr(c."from", 6, 2) AS INT) - 1 AS from_m,
                   CAST(replace(c.monthly_amount, '.', '') AS BIGINT) AS fen
            FROM changes_raw c JOIN people p USING (id_number)),
certs AS (SELECT p.person, CAST(timezone('Asia/Shanghai', CAST(ev.at AS TIMESTAMPTZ)) AS DATE) AS on_date, ev.channel
          FROM events_raw ev JOIN people p USING (id_number) WHERE ev.type = 'certified'),
counting AS (SELECT person, min(on_date) AS certified_on FROM certs
             WHERE on_date <= DATE '{as_of}' AND channel IN ({accepted}) AND on_date >= DATE '{win_start}'
             GROUP BY person),
deaths AS (SELECT p.person, CAST(ev."on" AS DATE) AS death_on, CAST(ev.reported_on AS DATE) AS reported_on
           FROM events_raw ev JOIN people p USING (id_number)
           WHERE ev.type = 'died' AND CAST(ev.reported_on AS DATE) <= DATE '{as_of}'),
covered AS (SELECT DISTINCT person FROM ents
            WHERE scheme IN ({schemes}) AND start_m <= {win_end_m}),
persons AS (SELECT p.person, c.certified_on, d.death_on, d.reported_on, v.person IS NOT NULL AS covered,
                   -- the first payday no longer held: certified, or the death known
                   least(coalesce(c.certified_on, DATE '9999-12-31'), coalesce(d.reported_on, DATE '9999-12-31')) AS release_date
            FROM people p LEFT JOIN counting c USING (person) LEFT JOIN deaths d USING (person)
            LEFT JOIN covered v USING (person)),
months AS (SELECT e.person, e.scheme, e.fen AS base, m.month
           FROM ents e, range({first_m}, {last_m} + 1) AS m(month)
           WHERE m.month >= e.start_m),
amounts AS (SELECT m.*, coalesce(c.fen, m.base) AS fen
            FROM months m ASOF LEFT JOIN changes c
              ON m.person = c.person AND m.scheme = c.scheme AND m.month >= c.from_m),
decided AS (
  SELECT a.person, a.month, a.fen, p.covered, p.death_on, p.reported_on,
         make_date(CAST(a.month // 12 AS INT), CAST(a.month % 12 + 1 AS INT), {day}) AS payday,
         p.death_on IS NOT NULL AND a.month > year(p.death_on) * 12 + month(p.death_on) - 1 AS after_death,
         -- the release run: the first month whose payday is on or after the release date
         CASE WHEN day(p.release_date) <= {day}
              THEN year(p.release_date) * 12 + month(p.release_date) - 1
              ELSE year(p.release_date) * 12 + month(p.release_date) END AS release_m,
         p.release_date
  FROM amounts a JOIN persons p USING (person)),
outcomes AS (
  SELECT *,
    CASE
      WHEN reported_on IS NOT NULL AND reported_on <= payday THEN CASE WHEN after_death THEN 'stopped' ELSE 'paid' END
      WHEN NOT (covered AND payday > DATE '{win_end}' AND payday < release_date)
        THEN CASE WHEN after_death THEN 'overpaid' ELSE 'paid' END
      WHEN release_m > {last_m} THEN CASE WHEN after_death THEN 'stopped' ELSE 'withheld' END
      WHEN reported_on IS NOT NULL AND reported_on <= make_date(CAST(release_m // 12 AS INT), CAST(release_m % 12 + 1 AS INT), {day})
        THEN CASE WHEN after_death THEN 'stopped' ELSE 'backpaid' END
      ELSE CASE WHEN after_death THEN 'overpaid' ELSE 'backpaid' END
    END AS outcome
  FROM decided)
"""
TOTALS_SQL = """
SELECT sum(fen) FILTER (WHERE outcome = 'paid'), sum(fen) FILTER (WHERE outcome = 'backpaid'),
       sum(fen) FILTER (WHERE outcome = 'withheld'), sum(fen) FILTER (WHERE outcome = 'overpaid')
FROM outcomes
"""


def duckdb_sql(campaign: Any) -> str:
    """The rules' common table expressions for ``campaign``, :data:`AS_OF` and :data:`FIRST`;
    they read ``ents_raw``, ``changes_raw``, ``events_raw`` and ``people``."""
    first_m = int(FIRST[:4]) * 12 + int(FIRST[5:]) - 1
    last_m = (
        AS_OF.year * 12 + AS_OF.month - 1
        if AS_OF.day >= campaign.payroll_day
        else AS_OF.year * 12 + AS_OF.month - 2
    )
    return DUCKDB_SQL.format(
        as_of=AS_OF,
        win_start=campaign.window.start,
        win_end=campaign.window.end,
        win_end_m=campaign.window.end_month.index,
        first_m=first_m,
        last_m=last_m,
        day=campaign.payroll_day,
        accepted=", ".join(f"'{c}'" for c in campaign.channels),
        schemes=", ".join(f"'{s.value}'" for s in campaign.schemes),
    )


def run_duckdb(folder: Path) -> dict[str, Any]:
    import duckdb  # noqa: PLC0415

    import sscert  # noqa: PLC0415

    campaign = sscert.load_campaign(CAMPAIGN)
    assert campaign.window is not None
    con = duckdb.connect()
    for name, file in (
        ("ents_raw", "entitlements"),
        ("changes_raw", "changes"),
        ("events_raw", "events"),
    ):
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{folder / file}.parquet')")
    con.execute(
        f"CREATE TABLE people AS SELECT row_number() OVER () - 1 AS person, id_number "
        f"FROM read_parquet('{folder / 'people.parquet'}')"
    )
    sql = duckdb_sql(campaign) + TOTALS_SQL
    start = time.perf_counter()
    totals = [int(v or 0) for v in con.execute(sql).fetchone()]  # type: ignore[union-attr]
    seconds = time.perf_counter() - start
    people = con.execute("SELECT count(*) FROM people").fetchone()[0]  # type: ignore[index]
    return {"seconds": seconds, "totals": totals, "people": people, "peak_mb": _peak_mb()}


def _child(target: str, folder: str, limit: int, queue: Any) -> None:
    if target == "batch":
        queue.put(run_batch(Path(folder), limit))
    elif target == "duckdb":
        queue.put(run_duckdb(Path(folder)))
    else:
        queue.put(run_per_person(Path(folder), limit))


def measure(target: str, folder: Path, limit: int = 0) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(target, str(folder), limit, queue))
    process.start()
    result: dict[str, Any] = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--per-person-max", type=int, default=100_000)
    args = parser.parse_args()
    print(
        f"{'people':>10} {'engine':>10} {'seconds':>9} {'people/s':>12} {'peak MB':>9}  totals (fen)"
    )
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            build_roster(size, folder)
            limit = min(size, args.per_person_max)
            batch = measure("batch", folder, limit)
            duck = measure("duckdb", folder)
            per = measure("per-person", folder, limit)
            for label, figures in (("batch", batch), ("duckdb", duck), ("per-person", per)):
                rate = figures["people"] / figures["seconds"]
                note = f"  (on the first {figures['people']:,})" if figures["people"] < size else ""
                print(
                    f"{size:>10,} {label:>10} {figures['seconds']:>9.2f} {rate:>12,.0f} "
                    f"{figures['peak_mb']:>9,.0f}  {figures['totals']}{note}"
                )
            print(
                f"{'':>10} batch with column-wise validation of the input: {batch['with_validation']:.2f} s"
            )
            batch_rate = batch["people"] / batch["seconds"]
            print(
                f"{'':>10} batch / per-person: {batch_rate / (per['people'] / per['seconds']):,.0f}x; "
                f"batch / duckdb: {batch_rate / (duck['people'] / duck['seconds']):.2f}x"
            )
            assert batch["totals"] == duck["totals"], "batch and DuckDB disagree"
            assert batch["subset_totals"] == per["totals"], "batch and per-person disagree"
            subset = f" (per-person on the first {per['people']:,})" if per["people"] < size else ""
            print(f"{'':>10} totals agree{subset}")


if __name__ == "__main__":
    main()
