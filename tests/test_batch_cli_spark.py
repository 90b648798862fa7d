"""`sscert batch` end to end, and the Spark adapter on a local session."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import sscert
from sscert.cli.app import cli
from sscert.store import case_to_records

pytest.importorskip("polars")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = json.loads((ROOT / "examples" / "laiyuan-2023-case.json").read_text(encoding="utf-8"))


def _store(tmp_path: Path) -> Path:
    db = tmp_path / "s.db"
    CliRunner().invoke(cli, ["store", "init", str(db)])
    lines = tmp_path / "r.jsonl"
    lines.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in case_to_records(EXAMPLE))
    )
    assert CliRunner().invoke(cli, ["store", "import", str(db), str(lines)]).exit_code == 0
    return db


def test_batch_from_a_store_to_csv(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "batch",
            "--campaign",
            "laiyuan-2023",
            "--as-of",
            "2023-09-30",
            "--store",
            str(_store(tmp_path)),
            "--out",
            str(out),
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "month rows decided" in result.stderr
    persons = list(csv.DictReader((out / "persons.csv").read_text(encoding="utf-8").splitlines()))
    expected = sscert.calculate(EXAMPLE)["people"]
    assert [p["status"] for p in persons] == [p["status"] for p in expected]
    assert [p["overpaid"] for p in persons] == [p["totals"]["overpaid"] for p in expected]
    assert all("********" in p["id_number"] for p in persons)
    fraud = next(p for p in persons if p["suspected_fraud"] == "true")
    assert fraud["fine_max"] == "118004.00"
    months = list(csv.DictReader((out / "months.csv").read_text(encoding="utf-8").splitlines()))
    assert len(months) == sum(len(p["months"]) for p in expected)


def test_batch_with_full_id_numbers_is_in_the_access_log(tmp_path: Path) -> None:
    from sscert.store import SQLiteStore  # noqa: PLC0415

    db = _store(tmp_path)
    args = ["batch", "--campaign", "laiyuan-2023", "--as-of", "2023-09-30", "--store", str(db)]
    result = CliRunner().invoke(
        cli, [*args, "--out", str(tmp_path / "o"), "--unmasked", "--operator", "工资科"]
    )
    assert result.exit_code == 0, result.output
    with SQLiteStore.open(db) as store:
        log = store.access_log()
    assert [(line[1], line[2]) for line in log] == [("工资科", "batch --unmasked")]


def test_batch_from_tables_refuses_bad_input(tmp_path: Path) -> None:
    entitlements = tmp_path / "entitlements.csv"
    entitlements.write_text(
        "id_number,scheme,start,monthly_amount\n130630194803150027,enterprise_pension,2008-05,1\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli,
        [
            "batch",
            "--campaign",
            "laiyuan-2023",
            "--as-of",
            "2023-09-30",
            "--entitlements",
            str(entitlements),
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 2
    assert "entitlements row 1: id_number: the check character does not match" in result.stderr
    assert "130630194803150027" not in result.stderr


def _spark_ready() -> bool:
    try:
        import pyspark  # noqa: F401, PLC0415
    except ImportError:
        return False
    return shutil.which("java") is not None


@pytest.mark.slow
@pytest.mark.skipif(
    not _spark_ready(), reason="needs pyspark and Java (pip install 'sscert[spark]')"
)
def test_spark_adapter_on_a_local_session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARK_LOCAL_IP", "127.0.0.1")  # a local session stays on loopback
    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)  # workers run this environment
    import polars as pl  # noqa: PLC0415
    from pyspark.sql import SparkSession  # noqa: PLC0415

    from sscert.batch.nested import nest_case  # noqa: PLC0415
    from sscert.batch.spark import run_on_spark  # noqa: PLC0415

    people = [*EXAMPLE["people"]]
    for number, person in enumerate(EXAMPLE["people"] * 3):  # more people, in other regions
        clone = json.loads(json.dumps(person))
        body = f"{11 + number:02d}0101{clone['id_number'][6:17]}"
        clone["id_number"] = body + sscert.values.identity.check_character(body)
        people.append(clone)
    case = {**EXAMPLE, "people": people}
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("sscert-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    try:
        frame = spark.createDataFrame(
            nest_case(people).to_arrow(compat_level=pl.CompatLevel.oldest())
        )
        rows = run_on_spark(frame, "laiyuan-2023", dt.date(2023, 9, 30), partitions=3).collect()
    finally:
        spark.stop()
    expected = {p["id_number"]: p for p in sscert.calculate(case)["people"]}
    assert len(rows) == len(people)
    for row in rows:
        want = expected[row["id_number"]]
        assert row["status"] == want["status"]
        assert row["region"] == row["id_number"][:6]
        for key in ("paid_on_time", "backpaid", "withheld", "overpaid"):
            assert row[key] == want["totals"][key]
        assert {(m["month"], m["outcome"], m["paid"]) for m in row["months"] or []} == {
            (m["month"], m["outcome"], m["paid"]) for m in want["months"]
        }


def _batch_run(tmp_path: Path, out: Path, *extra: str) -> None:
    tmp_path.mkdir(parents=True, exist_ok=True)
    result = CliRunner().invoke(
        cli,
        [
            "batch", "--campaign", "laiyuan-2023", "--as-of", "2023-09-30",
            "--store", str(_store(tmp_path)), "--out", str(out), *extra,
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output


def test_parquet_money_is_exact_decimal_and_months_can_be_left_out(tmp_path: Path) -> None:
    import polars as pl  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    out = tmp_path / "out"
    _batch_run(tmp_path, out)
    schema = pq.read_schema(out / "persons.parquet")
    for column in ("paid_on_time", "backpaid", "withheld", "overpaid", "repay", "fine_max"):
        assert str(schema.field(column).type) == "decimal128(18, 2)", column
    assert str(pq.read_schema(out / "months.parquet").field("due").type) == "decimal128(18, 2)"
    persons = pl.read_parquet(out / "persons.parquet")
    expected = sscert.calculate(EXAMPLE)["people"]
    assert [str(v) for v in persons["overpaid"]] == [p["totals"]["overpaid"] for p in expected]
    assert str(persons.filter(pl.col("suspected_fraud"))["fine_max"][0]) == "118004.00"
    lean = tmp_path / "lean"
    _batch_run(tmp_path / "2", lean, "--no-months")
    assert not (lean / "months.parquet").exists()
    # decided chunk by chunk without the month rows: the same people, the same answers
    assert pl.read_parquet(lean / "persons.parquet").equals(persons)
    assert pl.read_parquet(lean / "rejected.parquet").equals(
        pl.read_parquet(out / "rejected.parquet")
    )


def test_month_rows_streamed_by_region_are_the_same_rows(tmp_path: Path) -> None:
    import polars as pl  # noqa: PLC0415

    whole = tmp_path / "whole"
    _batch_run(tmp_path / "a", whole, "--format", "csv")
    parts = tmp_path / "parts"
    _batch_run(tmp_path / "b", parts, "--format", "csv", "--months-by", "region",
               "--chunk-size", "1000")  # fmt: skip
    files = sorted((parts / "months").rglob("*.csv"))
    assert files
    assert all(f.parent.name.startswith("region=") for f in files)
    streamed = pl.concat([pl.read_csv(f, infer_schema=False) for f in files])
    single = pl.read_csv(whole / "months.csv", infer_schema=False)
    key = ["id_number", "month", "scheme"]
    assert streamed.sort(key).equals(single.sort(key))
    assert pl.read_csv(parts / "persons.csv", infer_schema=False).equals(
        pl.read_csv(whole / "persons.csv", infer_schema=False)
    )


def test_chunks_give_the_same_answers_as_the_whole() -> None:
    from sscert.batch.convert import from_case, to_result_dict  # noqa: PLC0415
    from sscert.batch.engine import evaluate_batch, evaluate_in_chunks  # noqa: PLC0415
    from sscert.contract import parse_case  # noqa: PLC0415

    case = parse_case(EXAMPLE)
    data = from_case(case)
    whole = to_result_dict(case.as_of, evaluate_batch(data, case.campaign, case.as_of))
    people = []
    for result, _people in evaluate_in_chunks(data, case.campaign, case.as_of, chunk=2):
        people += to_result_dict(case.as_of, result)["people"]
    assert people == whole["people"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("truncated.parquet", b"PAR1" + b"\x00" * 100),
        ("text.parquet", b"not a table\n"),
        ("empty.arrow", b""),
        ("random.arrow", bytes(range(256)) * 4),
        ("json.csv", b'{"id_number": 1}\n'),
        (
            "ragged.csv",
            b"id_number,scheme,start,monthly_amount\n"
            b"130630194803150028,enterprise_pension,2008-05,1,2,3\n",
        ),
        ("empty.csv", b""),
        (
            "latin1.csv",
            b"id_number,scheme,start,monthly_amount\n"
            b"130630194803150028,enterprise_pension,2008-05,\xff\xfe2856.40\n",
        ),
        ("quote.csv", b'id_number,scheme\n"130630194803150028,enterprise_pension\n'),
    ],
)
def test_a_damaged_table_file_is_bad_input_not_a_traceback(
    tmp_path: Path, name: str, content: bytes
) -> None:
    """Tables are scanned a slice at a time: a damaged file is still refused as bad input
    (exit 2), before anything is written."""
    path = tmp_path / name
    path.write_bytes(content)
    _refused_as_bad_input(path, tmp_path / "out")


@pytest.mark.parametrize(
    "content", [b"", bytes(range(256)) * 16, b"SQLite format 3\x00" + b"\x00" * 200]
)
def test_a_store_that_is_not_one_is_bad_input_not_a_traceback(
    tmp_path: Path, content: bytes
) -> None:
    """``--store`` given a file that is not a store: exit 2, the store's own reason."""
    path = tmp_path / "not-a-store.db"
    path.write_bytes(content)
    result = CliRunner().invoke(
        cli,
        ["batch", "--campaign", "laiyuan-2023", "--as-of", "2023-12-01",
         "--store", str(path), "--out", str(tmp_path / "out")],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "bad input" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "persons.parquet").exists()


@pytest.mark.parametrize(
    ("name", "says"),
    [("missing.parquet", "missing.parquet"), ("roster.txt", "a table is a .parquet")],
)
def test_a_table_file_that_is_not_there_or_of_no_known_kind_is_bad_input(
    tmp_path: Path, name: str, says: str
) -> None:
    path = tmp_path / name
    if path.suffix == ".txt":
        path.write_text("id_number,scheme,start,monthly_amount\n", encoding="utf-8")
    assert says in _refused_as_bad_input(path, tmp_path / "out")


def _refused_as_bad_input(path: Path, out: Path) -> str:
    """``sscert batch`` on the table file ``path``: exit 2, no traceback, nothing written,
    no ID number in full (a parser's message may quote a cell); what it said on stderr."""
    result = CliRunner().invoke(
        cli,
        ["batch", "--campaign", "laiyuan-2023", "--as-of", "2023-12-01",
         "--entitlements", str(path), "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "bad input" in result.stderr
    assert "Traceback" not in result.output
    assert not (out / "persons.parquet").exists()
    assert not re.search(r"[0-9]{17}[0-9X]", result.stderr), result.stderr
    return result.stderr


@pytest.mark.parametrize("unmasked", [False, True])
def test_the_rejected_list_masks_its_id_numbers_unless_asked(
    tmp_path: Path, unmasked: bool
) -> None:
    """``rejected`` names each certification that does not count by its person's ID
    number, masked as in ``persons`` unless the caller asks for them in full."""
    import polars as pl  # noqa: PLC0415

    from sscert.batch import evaluate_batch, from_case  # noqa: PLC0415
    from sscert.batch.output import write_outputs  # noqa: PLC0415
    from sscert.contract import parse_case  # noqa: PLC0415

    people = [
        {
            "id_number": id_number,
            "entitlements": [
                {"scheme": "enterprise_pension", "start": "2010-01", "monthly_amount": "100.00"}
            ],
            "events": [{"type": "certified", "at": "2023-03-01", "channel": channel}],
        }
        for id_number, channel in (
            ("11010519491231002X", "assisted"),
            ("130630194803150028", "data_comparison"),  # not a channel of this campaign
        )
    ]
    case = parse_case({"campaign": "laiyuan-2023", "as_of": "2023-09-30", "people": people})
    result = evaluate_batch(from_case(case), case.campaign, case.as_of, case.first)
    write_outputs(result, tmp_path, "parquet", unmasked=unmasked)
    rejected = pl.read_parquet(tmp_path / "rejected.parquet")
    shown = "130630194803150028" if unmasked else "130630********0028"
    assert rejected["id_number"].to_list() == [shown]
    assert rejected.columns == ["id_number", "index", "reason"]
