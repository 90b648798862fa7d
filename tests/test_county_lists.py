"""Lists people can act on: call lists, visit lists, SMS files, printable notices."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import os
import sqlite3
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

import sscert
from browser import print_pdf
from sscert import spreadsheet
from sscert.cli import store as cli_store
from sscert.cli.app import cli
from sscert.reports import parallel, second_process
from sscert.reports.reminders import SMS_LIMIT, sms_text, write_reminders
from sscert.rules.engine import evaluate
from sscert.store import SQLiteStore

HEADER = ["姓名", "身份证号", "险种", "月待遇", "待遇开始年月", "乡镇", "联系电话", "村", "地址"]
ROSTER = [
    ["张秀英", "130630194803150028", "企业职工基本养老保险", "2856.40", "2008-05", "王安镇",
     "13812345678", "王安村", "王安村三组12号"],
    ["李德福", "13063019410602013X", "城乡居民基本养老保险", "158.00", "2012-07", "王安镇", "",
     "南坡村", "南坡村东头"],
    ["刘福生", "130630194605030156", "机关事业单位养老保险", "3120.00", "2006-01", "涞源镇",
     "13912345678", "", ""],
]  # fmt: skip


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "s.db"
    run("store", "init", str(path))
    roster = tmp_path / "花名册.csv"
    with roster.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *ROSTER])
    assert run("roster", "import", str(path), str(roster)).exit_code == 0
    return path


def test_call_lists_visit_lists_and_sms_files(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "名单"
    args = ("--campaign", "laiyuan-2023", "--as-of", "2023-04-15", "--out", str(out))
    result = run("remind", str(db), *args, "--operator", "王科员")
    assert result.exit_code == 0, result.output
    # townships in the campaign's order: 涞源镇 comes before 王安镇 in the notice
    book = openpyxl.load_workbook(out / "reminders.xlsx")
    assert book.sheetnames.index("涞源镇") < book.sheetnames.index("王安镇")
    calls = openpyxl.load_workbook(out / "王安镇" / "电话名单.xlsx").active
    rows = list(calls.iter_rows(values_only=True))
    assert rows[0][:4] == ("编号", "姓名", "身份证号", "联系电话")
    assert rows[1][1] == "张秀英"
    assert rows[1][3] == "13812345678"  # in full, to call
    assert rows[1][2] == "130630********0028"
    assert rows[-1][0] == "合计"
    amount = calls.cell(row=2, column=9)
    assert amount.data_type == "n"
    assert amount.number_format == "#,##0.00"
    assert Decimal(str(amount.value)) == Decimal("2856.40")  # April withheld
    assert calls.freeze_panes == "A2"
    assert calls.auto_filter.ref
    assert calls.page_setup.orientation == "landscape"
    assert calls.print_title_rows == "$1:$1"
    visits = list(openpyxl.load_workbook(out / "王安镇" / "走访名单.xlsx").active.values)
    assert visits[1][1] == "李德福"
    assert visits[1][3:5] == ("南坡村", "南坡村东头")
    sms = (out / "王安镇" / "短信.csv").read_text(encoding="utf-8-sig")
    assert "138****5678" in sms  # masked unless asked
    with SQLiteStore.open(db) as store:
        log = store.access_log()
    assert len(log) == 1
    assert log[0][1] == "王科员"
    assert "call lists" in log[0][3]
    masked = run("remind", str(db), *args[:-1], str(tmp_path / "m"), "--masked")
    assert masked.exit_code == 0
    again = list(openpyxl.load_workbook(tmp_path / "m" / "王安镇" / "电话名单.xlsx").active.values)
    assert again[1][3] == "138****5678"
    with SQLiteStore.open(db) as store:
        assert len(store.access_log()) == 1  # nothing in full, nothing to record


def test_printable_notices_are_one_a4_page_each(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "名单"
    args = ("--campaign", "laiyuan-2023", "--as-of", "2023-04-15", "--out", str(out))
    assert run("remind", str(db), *args).exit_code == 0
    page = (out / "王安镇" / "通知书.html").read_text(encoding="utf-8")
    assert page.count('class="notice"') == 2
    assert "暂停发放告知书" in page
    assert "第八十三条" in page
    assert "行政复议" in page
    assert "130630********0028" in page
    assert "130630194803150028" not in page
    reader = print_pdf(out / "王安镇" / "通知书.html", tmp_path)
    assert len(reader.pages) == 2  # one A4 page a notice
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert abs(width - 595) < 3
    assert abs(height - 842) < 3
    assert "暂停发放告知书" in reader.pages[0].extract_text()


def test_a_notice_before_the_deadline_is_a_reminder(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "名单"
    args = ("--campaign", "laiyuan-2023", "--as-of", "2023-03-01", "--out", str(out))
    assert run("remind", str(db), *args).exit_code == 0
    page = (out / "王安镇" / "通知书.html").read_text(encoding="utf-8")
    assert "催告通知书" in page
    assert "2023年3月25日" in page
    assert "第八十三条" not in page


NAMES = st.text(alphabet="张王李赵欧阳司马上官慕容秀英德福建国", min_size=0, max_size=30)


@settings(max_examples=150)
@given(NAMES, st.dates(dt.date(2023, 1, 1), dt.date(2024, 12, 31)), st.booleans())
def test_every_sms_fits_one_message(name: str, as_of: dt.date, with_phone: bool) -> None:
    campaign = sscert.load_campaign("laiyuan-2023")
    person = sscert.contract.parse_case(
        {
            "campaign": "laiyuan-2023",
            "as_of": "2023-06-30",
            "people": [
                {
                    "id_number": "130630194803150028",
                    "name": name or None,
                    "township": "王安镇",
                    "phone": "13812345678" if with_phone else None,
                    "entitlements": [
                        {"scheme": "urban_rural_resident_pension", "start": "2012-07",
                         "monthly_amount": "158.00"}
                    ],
                }
            ],
        }
    ).people[0]  # fmt: skip
    result = evaluate(campaign, person, as_of)
    text = sms_text(campaign, result)
    assert len(text) <= SMS_LIMIT
    assert text.startswith("【涞源县人社局】")
    assert text.endswith("认证不收费，谨防诈骗")
    if result.next_due is not None:
        due = result.next_due
        assert f"{due.year}年{due.month}月{due.day}日" in text or "暂停" in text


def test_every_full_export_is_in_the_access_log(db: Path, tmp_path: Path) -> None:
    assert "no full ID or phone numbers" in run("store", "access-log", str(db)).output
    history = run("store", "history", str(db), "130630194803150028", "--unmasked")
    assert history.exit_code == 0
    assert "130630194803150028" in history.output
    masked = run("store", "history", str(db), "130630194803150028")
    assert "130630194803150028" not in masked.output
    archive = tmp_path / "档案"
    export = ("store", "export", str(db), "--campaign", "laiyuan-2023", "--out", str(archive))
    assert run(*export).exit_code == 0  # masked: not logged
    assert (
        run(*export[:-1], str(tmp_path / "full"), "--unmasked", "--operator", "审计").exit_code == 0
    )
    with SQLiteStore.open(db) as store:
        log = store.access_log()
    assert [line[2] for line in log] == ["store history --unmasked", "store export --unmasked"]
    assert log[1][1] == "审计"
    shown = run("store", "access-log", str(db))
    assert shown.exit_code == 0
    assert "store export --unmasked" in shown.output
    assert "审计" in shown.output
    assert "130630194803150028" not in shown.output


def test_store_calculate_writes_a_file(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "结果" / "r.json"
    args = ("--campaign", "laiyuan-2023", "--as-of", "2023-06-30")
    result = run("store", "calculate", str(db), *args, "-o", str(out))
    assert result.exit_code == 0
    printed = run("store", "calculate", str(db), *args)
    assert out.read_text(encoding="utf-8") == printed.stdout
    blocked = tmp_path / "file"
    blocked.write_text("x")
    refused = run("store", "calculate", str(db), *args, "-o", str(blocked / "r.json"))
    assert refused.exit_code == 2
    assert "cannot write" in refused.output
    assert refused.exception is None or isinstance(refused.exception, SystemExit)


def _contents(folder: Path) -> dict[str, object]:
    """Every list under ``folder``: CSV and HTML files as text, workbooks as cell values,
    number formats and sheet layout (an XLSX file's bytes carry its time of writing)."""
    seen: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            seen[name] = [
                (
                    sheet.title,
                    [[(c.value, c.number_format, c.font.b) for c in row] for row in sheet.rows],
                    sheet.freeze_panes,
                    sheet.auto_filter.ref,
                    {k: d.width for k, d in sheet.column_dimensions.items()},
                )
                for sheet in book.worksheets
            ]
        elif path.is_file():
            seen[name] = path.read_text(encoding="utf-8")
    return seen


def _snapshot_of(db: Path) -> sscert.reports.Snapshot:
    with SQLiteStore.open(db) as store:
        return sscert.reports.take_snapshot(store, "laiyuan-2023", dt.date(2023, 4, 15))


def test_a_second_process_writes_the_same_lists(db: Path, tmp_path: Path) -> None:
    class Counting(Executor):
        def __init__(self, inner: Executor) -> None:
            self.inner, self.jobs = inner, 0

        def submit(self, fn, /, *args, **kwargs) -> Future[object]:  # type: ignore[no-untyped-def, override]
            self.jobs += 1
            return self.inner.submit(fn, *args, **kwargs)

    snapshot = _snapshot_of(db)
    here = write_reminders(snapshot, tmp_path / "here")
    with second_process("xlsxwriter") as pool:
        counting = Counting(pool)
        there = write_reminders(snapshot, tmp_path / "there", executor=counting)
    assert counting.jobs == 3  # the summary and two townships' visit lists
    assert [p.relative_to(tmp_path / "there") for p in there.values()] == [
        p.relative_to(tmp_path / "here") for p in here.values()
    ]
    assert _contents(tmp_path / "there") == _contents(tmp_path / "here")
    assert len(_contents(tmp_path / "here")) >= 9  # summary, CSVs and two townships' files


def test_lists_are_written_here_when_the_executor_cannot_run_them(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot = _snapshot_of(db)
    write_reminders(snapshot, tmp_path / "here")
    expected = _contents(tmp_path / "here")
    closed = ThreadPoolExecutor(1)
    closed.shutdown()
    write_reminders(snapshot, tmp_path / "closed", executor=closed)
    assert _contents(tmp_path / "closed") == expected

    class Broken(ThreadPoolExecutor):
        """An executor whose worker dies with every job (as a killed process would)."""

        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            def die() -> None:
                raise BrokenProcessPool("the worker died")

            return super().submit(die)

    with Broken(1) as broken:
        write_reminders(snapshot, tmp_path / "broken", executor=broken)
    assert _contents(tmp_path / "broken") == expected

    class Unstartable(ThreadPoolExecutor):
        """A pool whose process cannot start (too many processes, no memory)."""

        def __init__(self, *_args: object, **_kwargs: object) -> None:
            super().__init__(1)

        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            raise OSError("cannot start a process")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Unstartable)
    with second_process("xlsxwriter") as pool:
        write_reminders(snapshot, tmp_path / "unstartable", executor=pool)
    assert _contents(tmp_path / "unstartable") == expected


def test_a_large_book_streams_its_rows_and_holds_the_same_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [[f"{n:05d}", "=SUM(A1)", "张三" * (n % 4), Decimal(n) / 100] for n in range(300)]
    headers = ["编号", "备注", "姓名", "金额"]

    def written(name: str, count: int | None) -> list[list[object]]:
        book = spreadsheet.open_book(tmp_path / name, rows=count)
        assert book.constant_memory is (count is None or count > spreadsheet.STREAM_ROWS)
        spreadsheet.write_sheet(book, "表", headers, rows, money=["金额"], total_label="合计")
        book.close()
        sheet = openpyxl.load_workbook(tmp_path / name).active
        return [[(c.value, c.number_format) for c in row] for row in sheet.rows]

    kept = written("kept.xlsx", len(rows))
    monkeypatch.setattr(spreadsheet, "STREAM_ROWS", 100)
    assert written("streamed.xlsx", len(rows)) == kept
    assert written("unsaid.xlsx", None) == kept
    assert kept[2][1][0] == "'=SUM(A1)"  # text, never a formula
    assert kept[-1][0][0] == "合计"
    assert Decimal(str(kept[-1][3][0])) == sum((r[3] for r in rows), Decimal(0))


@pytest.mark.parametrize("damaged_seq", [None, 1, 6])
def test_store_calculate_in_two_processes_prints_the_same(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damaged_seq: int | None
) -> None:
    """On two cores or more a large store is calculated by two processes, half the people
    each: the output is the same text, and a person whose records are damaged is named in
    the same place, whichever half they are in."""
    if damaged_seq is not None:
        # a body damaged outside sscert (past the store's own guard)
        with sqlite3.connect(db) as connection:
            connection.execute("DROP TRIGGER IF EXISTS records_append_only_update")
            connection.execute(
                "UPDATE records SET body = '{\"kind\":' WHERE seq = ?", (damaged_seq,)
            )
    args = ("store", "calculate", str(db), "--campaign", "laiyuan-2023", "--as-of", "2023-06-30")
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    one = run(*args, "-o", str(tmp_path / "one.json"))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(cli_store, "PARALLEL_PEOPLE", 1)
    monkeypatch.setattr(cli_store, "OWN_SHARE", 0.4)  # this process 1 person, the other 2
    monkeypatch.setattr(cli_store, "PIECES", (0.5, 0.5))  # in two pieces of 1
    shared: list[tuple[int, list[object]]] = []

    class Recorded(ProcessPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            future = super().submit(fn, *args, **kwargs)
            if fn is cli_store._calculate_part:
                future.add_done_callback(lambda done: shared.append(done.result()))
            return future

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Recorded)
    two = run(*args, "-o", str(tmp_path / "two.json"))
    printed = run(*args)
    assert [count + len(left_out) for count, left_out in shared] == [1, 1, 1, 1]
    assert (one.exit_code, two.exit_code) == ((0, 0) if damaged_seq is None else (1, 1))
    text = (tmp_path / "one.json").read_text(encoding="utf-8")
    assert (tmp_path / "two.json").read_text(encoding="utf-8") == text
    assert printed.stdout == text
    result = json.loads(text)
    assert len(result["people"]) == 3 - (damaged_seq is not None)
    if damaged_seq is not None:
        assert len(result["invalid"]) == 1
        assert result["invalid"][0]["reason"] in two.stderr


@pytest.mark.parametrize(
    ("failure", "when"),
    [
        *itertools.product(
            [BrokenProcessPool, OSError], ["starting", "running", "creating", "last piece"]
        ),
        # its piece failed there (not the process): done here all the same
        (sqlite3.OperationalError, "running"),
        (sqlite3.OperationalError, "last piece"),
    ],
)
def test_store_calculate_runs_in_one_process_when_two_cannot(
    db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    failure: type[Exception],
    when: str,
) -> None:
    """The second process cannot be made, cannot start, dies or fails (at once, or after
    its first piece): this process calculates its people too, after its own, and prints
    the same text."""
    args = ("store", "calculate", str(db), "--campaign", "laiyuan-2023", "--as-of", "2023-06-30")
    expected = run(*args).stdout
    pieces: list[list[str]] = []

    class Unstartable(ThreadPoolExecutor):
        def __init__(self, *_args: object, **_kwargs: object) -> None:
            if when == "creating":
                raise failure("no process here")
            super().__init__(1)

        def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            if when == "starting":
                raise failure("cannot start a process here")
            if fn is cli_store._calculate_part:
                pieces.append(args[2])
            if when == "last piece" and len(pieces) < 2:  # its imports and first piece
                return super().submit(fn, *args, **kwargs)
            died: Future[object] = Future()
            died.set_exception(failure("the process died"))
            return died

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(cli_store, "PARALLEL_PEOPLE", 1)
    monkeypatch.setattr(cli_store, "OWN_SHARE", 0.4)  # this process 1 person, the other 2
    monkeypatch.setattr(cli_store, "PIECES", (0.5, 0.5))  # in two pieces of 1
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", Unstartable)
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected
    assert [len(piece) for piece in pieces] == ([] if when in ("creating", "starting") else [1, 1])
    written = run(*args, "-o", str(tmp_path / "out.json"))
    assert written.exit_code == 0, written.output
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == expected


@given(
    people=st.lists(st.text(max_size=3), max_size=40),
    first_place=st.integers(0, 10),
    pieces=st.lists(st.floats(0.05, 1.0), min_size=1, max_size=4),
)
def test_the_second_processs_pieces_hold_each_of_its_people_once_in_order(
    people: list[str], first_place: int, pieces: list[float]
) -> None:
    """Whatever the pieces' shares, they hold the people in their order, each once, none
    empty, each numbered from where its first person stands."""
    total = sum(pieces)
    shares = tuple(share / total for share in pieces)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli_store, "PIECES", shares)
        cut = cli_store._pieces(people, first_place)
    assert [person for piece, _place in cut for person in piece] == people
    assert all(piece for piece, _place in cut)
    place = first_place
    for piece, first in cut:
        assert first == place
        place += len(piece)
