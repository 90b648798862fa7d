"""Certifications and deaths from Excel and CSV (sscert events import)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from sscert.attestation import AttestationSigner
from sscert.cli.app import cli
from sscert.sheets import date_text, month_text
from sscert.store import SQLiteStore
from sscert.values.limits import LimitError, parse_date, parse_moment, parse_month
from sscert.values.months import Month

HEADER = ["姓名", "身份证号", "认证时间", "认证方式", "死亡日期", "报告日期"]
ZHANG, LI, WANG = "130630194803150028", "13063019410602013X", "130630194605030156"
ROWS = [
    ["张秀英", ZHANG, "2023-02-14 09:30", "易人社", "", ""],
    ["李德福", LI, "2023-05-20", "线下辅助认证", "", ""],
    ["王建国", WANG, "2023-03-02T10:00:00Z", "hebei_renshe", "2023-05-14", "2023-08-02"],
]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _events(db: Path) -> list[dict[str, object]]:
    with SQLiteStore.open(db) as store:
        return [r for r in store.records() if r["kind"] == "event"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_a_csv_of_certifications_and_deaths(db: Path, tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "认证明细.csv", ROWS, encoding)
    result = run("events", "import", str(db), str(path))
    assert result.exit_code == 0, result.output
    assert "rows 3: certifications 3, deaths 1, already present 0, rejected 0" in result.stdout
    events = _events(db)
    assert {e["channel"] for e in events if e["type"] == "certified"} == {
        "yirenshe",
        "assisted",
        "hebei_renshe",
    }
    assert any(e["type"] == "died" and e["on"] == "2023-05-14" for e in events)
    assert all(ZHANG not in str(e["id"]) for e in events)
    again = run("events", "import", str(db), str(path))
    assert "already present 3" in again.stdout
    assert len(_events(db)) == 4


def test_an_excel_file_with_date_cells(db: Path, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["张秀英", ZHANG, dt.datetime(2023, 2, 14, 9, 30), "河北人社", None, None])
    sheet.append(["王建国", WANG, None, None, dt.datetime(2023, 5, 14), dt.date(2023, 8, 2)])
    path = tmp_path / "明细.xlsx"
    book.save(path)
    result = run("events", "import", str(db), str(path))
    assert result.exit_code == 0, result.output
    events = _events(db)
    certified = next(e for e in events if e["type"] == "certified")
    assert certified["at"] == "2023-02-14T09:30:00"
    assert certified["channel"] == "hebei_renshe"
    died = next(e for e in events if e["type"] == "died")
    assert (died["on"], died["reported_on"]) == ("2023-05-14", "2023-08-02")


BAD = [
    (["甲", ZHANG, "2023-02-14", "微信", "", ""], "认证方式", "unknown channel"),
    (["乙", ZHANG, "2023-02-30", "易人社", "", ""], "认证时间", "not a real day"),
    (["丙", ZHANG, "２０２３-02-14", "易人社", "", ""], "认证时间", "ISO date"),
    (["丁", LI, "", "", "2023-05-14", "2023-05-01"], "报告日期", "before the death"),
    (["戊", LI, "", "", "", ""], "认证时间", "neither"),
    (["己", "130630194803150027", "2023-02-14", "易人社", "", ""], "身份证号", "check character"),
    (["庚", ZHANG, "2023-02-14", "", "", ""], "认证方式", "empty"),
]


def test_bad_rows_are_rejected_with_their_column(db: Path, tmp_path: Path) -> None:
    rows = [ROWS[0], *(bad for bad, _, _ in BAD)]
    path = write_csv(tmp_path / "bad.csv", rows)
    result = run("events", "import", str(db), str(path))
    assert result.exit_code == 1
    assert "certifications 1" in result.stdout
    written = list(
        csv.DictReader((tmp_path / "bad.csv.rejects.csv").read_text("utf-8-sig").splitlines())
    )
    assert len(written) == len(BAD)
    for line, (_bad, column, reason) in zip(written, BAD, strict=True):
        assert line["column"] == column
        assert reason in line["reason"]
        assert ZHANG not in line["身份证号"]


def test_a_second_death_is_a_conflict_on_the_death_column(db: Path, tmp_path: Path) -> None:
    assert run("events", "import", str(db), str(write_csv(tmp_path / "a.csv", ROWS))).exit_code == 0
    other = [["王建国", WANG, "", "", "2023-05-15", "2023-08-02"]]
    result = run("events", "import", str(db), str(write_csv(tmp_path / "b.csv", other)))
    assert result.exit_code == 1
    assert "row 2: 死亡日期: rejected:" in result.stderr
    assert "conflict" in result.stderr
    assert "2023-05-14" in result.stderr  # the death already recorded


def test_a_header_typo_names_the_nearest_header(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "typo.csv"
    path.write_text("姓名,身份正号,认证时间,认证方式\n张秀英,x,2023-02-14,易人社\n", "utf-8")
    result = run("events", "import", str(db), str(path))
    assert result.exit_code == 2
    assert "身份正号" in result.stderr
    assert "--mapping" in result.stderr


def test_an_attested_store_refuses_unattested_rows(tmp_path: Path) -> None:
    signer = AttestationSigner.generate("hebei_renshe", "k")
    keys = tmp_path / "keys.json"
    keys.write_text(
        json.dumps(
            [
                {
                    "key_id": "k",
                    "channel": "hebei_renshe",
                    "public_key_pem": signer.trusted_key().public_pem().decode(),
                }
            ]
        ),
        encoding="utf-8",
    )
    db = tmp_path / "att.db"
    assert run("store", "init", str(db), "--trusted-keys", str(keys)).exit_code == 0
    result = run("events", "import", str(db), str(write_csv(tmp_path / "a.csv", ROWS[:1])))
    assert result.exit_code == 1
    assert "attestation_required" in result.stderr


# --- the ways people write dates and months in a spreadsheet ------------------------------

WRITTEN_DATES = (
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}.{d.month:02d}.{d.day:02d}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d:%Y%m%d}",
    lambda d: d.isoformat(),
)


@given(
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    st.sampled_from(WRITTEN_DATES),
    st.none() | st.times().map(lambda t: t.replace(microsecond=0)),
)
def test_written_dates_mean_what_they_say(day: dt.date, form: Any, time: dt.time | None) -> None:
    shown = form(day)
    if time is None:
        assert parse_date(date_text(shown)) == day
        return
    moment = parse_moment(date_text(f"{shown} {time.hour}:{time:%M:%S}"))
    assert moment == dt.datetime.combine(day, time)  # a time without an offset is CST


@pytest.mark.parametrize(
    "shown", ["2023/2/30", "2023年13月1日", "２０２３/3/22", "2023/3/22 25:00", "3/22/2023", "昨天"]
)
def test_impossible_written_dates_are_refused(shown: str) -> None:
    with pytest.raises(LimitError):
        parse_moment(date_text(shown))


@given(st.integers(1900, 2100), st.integers(1, 12))
def test_written_months_mean_what_they_say(year: int, month: int) -> None:
    for shown in (
        f"{year}/{month}",
        f"{year}.{month:02d}",
        f"{year}年{month}月",
        f"{year}{month:02d}",
    ):
        assert parse_month(month_text(shown), compact=True) == Month(year, month)


def test_an_events_sheet_with_chinese_dates(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    run("store", "init", str(db))
    sheet = tmp_path / "认证明细.csv"
    with sheet.open("w", encoding="gb18030", newline="") as handle:
        csv.writer(handle).writerows(
            [HEADER, ["张秀英", ZHANG, "2023年2月14日 9:30", "易人社", "", ""],
             ["李德福", LI, "2023/5/20", "线下辅助认证", "2023/6/1", "2023/6/3"]]
        )  # fmt: skip
    result = run("events", "import", str(db), str(sheet))
    assert result.exit_code == 0, result.output
    with SQLiteStore.open(db) as store:
        bodies = store.bodies_of(ZHANG) + store.bodies_of(LI)
    assert {b.get("at") or b.get("on") for b in bodies} == {
        "2023-02-14T09:30:00",
        "2023-05-20",
        "2023-06-01",
    }
