"""Every public function that reads or writes a file takes the path as text too (what a
service reads from its configuration), not only as a ``pathlib.Path``."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from sscert.campaigns import load_campaign
from sscert.demo import run_demo
from sscert.event_sheet import import_events
from sscert.event_sheet import mapping as events_mapping
from sscert.reports import take_snapshot, write_reminders, write_report
from sscert.roster import import_roster
from sscert.roster import mapping as roster_mapping
from sscert.sheets import open_sheet, read_rows, write_rejects
from sscert.spreadsheet import open_book, write_csv
from sscert.store import SQLiteStore, export_archive, verify_archive

ZHANG = "130630194803150028"
PENSION = {"scheme": "enterprise_pension", "start": "2010-01", "monthly_amount": "2856.40"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("paths") / "demo"
    result = run_demo(str(folder), people=40)
    assert result.folder == folder
    assert result.store.is_file()
    return folder


def test_the_campaign_files_take_text_paths(demo: Path, tmp_path: Path) -> None:
    with SQLiteStore.open(demo / "laiyuan-2023.db") as store:
        snapshot = take_snapshot(store, "laiyuan-2023", dt.date(2023, 12, 1))
        page = write_report(snapshot, str(tmp_path / "report.html"))
        assert page == tmp_path / "report.html"
        assert "<html" in page.read_text(encoding="utf-8")
        lists = write_reminders(snapshot, str(tmp_path / "lists"))
        assert all(path.is_relative_to(tmp_path / "lists") for path in lists.values())
        manifest = export_archive(store, load_campaign("laiyuan-2023"), str(tmp_path / "档案"))
        assert "records.jsonl" in manifest["files"]
    assert verify_archive(str(tmp_path / "档案")) == []


def test_the_imports_take_text_paths(demo: Path, tmp_path: Path) -> None:
    store, _ = SQLiteStore.init(tmp_path / "s.db")
    with store:
        roster = demo / "roster.csv"
        report = import_roster(store, str(roster), mapping=roster_mapping(None))
        rows = len(roster.read_text(encoding="utf-8-sig").splitlines()) - 1
        assert (report.rows, report.imported, report.rejected) == (rows, rows, [])
        sheet = tmp_path / "认证明细.csv"
        sheet.write_text(
            f"身份证号,认证时间,认证方式\n{ZHANG},2023-02-14 09:30,易人社\n", encoding="utf-8"
        )
        mapping_file = tmp_path / "columns.toml"
        mapping_file.write_text('[columns]\nid_number = ["身份证号"]\n', encoding="utf-8")
        events = import_events(store, str(sheet), mapping=events_mapping(str(mapping_file)))
        assert events.rows == 1


def test_the_sheet_helpers_take_text_paths(tmp_path: Path) -> None:
    path = str(tmp_path / "名单.csv")
    write_csv(path, ["身份证号", "姓名"], [[ZHANG, "张秀英"]])
    columns = roster_mapping()
    assert list(read_rows(path, columns)) == [["身份证号", "姓名"], [ZHANG, "张秀英"]]
    assert open_sheet(path, events_mapping()).where == {"id_number": 0, "name": 1}
    rejects = str(tmp_path / "rejects.csv")
    write_rejects(rejects, ["身份证号"], [], [0])
    with Path(rejects).open(encoding="utf-8-sig") as handle:
        assert next(csv.reader(handle))[:3] == ["row", "column", "reason"]
    book = open_book(str(tmp_path / "book.xlsx"), rows=1)
    book.add_worksheet().write(0, 0, "x")
    book.close()
    assert (tmp_path / "book.xlsx").stat().st_size > 0


def test_the_batch_files_take_text_paths(tmp_path: Path) -> None:
    pytest.importorskip("polars")
    from sscert.batch import evaluate_batch, from_tables, read_table, scan_table  # noqa: PLC0415
    from sscert.batch.engine import evaluate_in_chunks  # noqa: PLC0415
    from sscert.batch.output import write_outputs, write_streaming  # noqa: PLC0415

    table = tmp_path / "entitlements.csv"
    table.write_text(
        f"id_number,scheme,start,monthly_amount\n{ZHANG},enterprise_pension,2010-01,2856.40\n",
        encoding="utf-8",
    )
    assert read_table(str(table)).height == 1
    data = from_tables(scan_table(str(table)))
    campaign, as_of = load_campaign("laiyuan-2023"), dt.date(2023, 12, 1)
    result = evaluate_batch(data, campaign, as_of)
    written = write_outputs(result, str(tmp_path / "one"), "csv", unmasked=True)
    assert written[0] == tmp_path / "one" / "persons.csv"
    assert ZHANG in written[0].read_text(encoding="utf-8")
    parts = evaluate_in_chunks(data, campaign, as_of, chunk=1)
    streamed = write_streaming(parts, str(tmp_path / "two"), "parquet", partition="township")
    assert streamed[0] == tmp_path / "two" / "persons.parquet"
    assert list((tmp_path / "two" / "months").iterdir())  # one folder a township


def test_the_statement_takes_a_text_path(tmp_path: Path) -> None:
    from sscert.contract import parse_case  # noqa: PLC0415
    from sscert.reports.settlement import write_statement_html  # noqa: PLC0415
    from sscert.rules.engine import evaluate  # noqa: PLC0415

    campaign = load_campaign("laiyuan-2023")
    case = parse_case(
        {
            "campaign": "laiyuan-2023",
            "as_of": "2023-12-01",
            "people": [
                {
                    "id_number": ZHANG,
                    "entitlements": [PENSION],
                    "events": [{"type": "died", "on": "2023-05-14", "reported_on": "2023-08-02"}],
                }
            ],
        }
    )
    results = [evaluate(campaign, p, case.as_of) for p in case.people]
    page = write_statement_html(str(tmp_path / "结算单.html"), results, campaign)
    assert page == tmp_path / "结算单.html"
    assert 'class="statement"' in page.read_text(encoding="utf-8")
