"""Atomic roster rows, spreadsheet-safe outputs, and personal numbers masked in every
repr, message and file written for people to read."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

import sscert
from sscert.cli.app import cli
from sscert.plugins.channels.yirenshe import Registration, register
from sscert.plugins.services import ChannelServices, check_password
from sscert.roster import RowProblem
from sscert.spreadsheet import neutralise, sheet_name
from sscert.store import SQLiteStore, case_to_records, parse_record

HEADER = ["姓名", "身份证号", "险种", "月待遇", "待遇开始年月", "乡镇", "联系电话"]
PERSON = "130630194803150028"
MOBILE = "13812345678"
FULL_ID = re.compile(r"(?<![0-9A-Za-z])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])")
FULL_MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def roster(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


# --- atomic rows ---------------------------------------------------------------------------


def test_a_rejected_row_stores_nothing_and_names_its_column(db: Path, tmp_path: Path) -> None:
    header = [*HEADER, "待遇调整年月"]

    def roster_of(path: Path, row: list[str]) -> Path:
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows([header, row])
        return path

    base = ["张秀英", PERSON, "企业职工基本养老保险", "2856.40", "2008-05", "涞源镇", MOBILE]
    assert (
        run("roster", "import", str(db), str(roster_of(tmp_path / "a.csv", [*base, ""]))).exit_code
        == 0
    )
    raised = [*base[:3], "3000.00", *base[4:], "2023-05"]
    assert (
        run("roster", "import", str(db), str(roster_of(tmp_path / "b.csv", raised))).exit_code == 0
    )
    with SQLiteStore.open(db) as store:
        before = store.head()
    # a new name (a person record) and another amount for the same month: the amount change
    # conflicts, so the row is rejected whole — the new name is not stored either
    both = ["张秀贞", *base[1:3], "3100.00", *base[4:], "2023-05"]
    result = run("roster", "import", str(db), str(roster_of(tmp_path / "c.csv", both)))
    assert result.exit_code == 1
    assert "row 2: 月待遇: rejected: conflict" in result.stderr
    with SQLiteStore.open(db) as store:
        assert store.head() == before
        assert all(b.get("name") != "张秀贞" for b in store.bodies_of(PERSON))


def test_a_huge_number_in_a_cell_is_a_rejection_not_a_traceback(db: Path, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["张秀英", PERSON, "企业职工基本养老保险", 1e30, "2008-05", "涞源镇", MOBILE])
    sheet.append(
        ["李德福", "13063019410602013X", "城乡居民基本养老保险", 158, "2012-07", "王安镇", ""]
    )
    path = tmp_path / "r.xlsx"
    book.save(path)
    result = run("roster", "import", str(db), str(path))
    assert result.exit_code == 1
    assert "row 2: 月待遇: rejected" in result.stderr
    assert "imported 1" in result.stdout


# --- spreadsheet safety --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil","点我")', "+1+1", "-2", "@SUM(A1)", "\t=1", "  =1", "＝1"],
)
def test_formula_text_is_neutralised(text: str) -> None:
    assert neutralise(text).startswith("'")
    assert neutralise("涞源镇") == "涞源镇"


def test_sheet_names_are_valid_and_unique() -> None:
    used = {"汇总"}
    names = [
        sheet_name(t, used)
        for t in ["a:b/c\\d?e*f[g]h", "'x'", "", "汇总", "History", "y" * 40, "y" * 40]
    ]
    for name in names:
        assert 0 < len(name) <= 31
        assert not set(name) & set(":/\\?*[]")
        assert "'" not in (name[0], name[-1])
    assert len({n.casefold() for n in names} | {"汇总"}) == len(names) + 1


HOSTILE = ['=HYPERLINK("http://evil","点我")', "镇: / \\ ? * [ ]", "$\\frac{1}{$", "=1+2"]


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    db = tmp_path / "hostile.db"
    run("store", "init", str(db))
    rows = [
        [f"人{i}", number, "企业职工基本养老保险", "2000.00", "2008-05", town, ""]
        for i, (number, town) in enumerate(
            zip(
                [
                    "130630194803150028",
                    "13063019410602013X",
                    "130630194605030156",
                    "13063019500101001X",
                ],
                HOSTILE,
                strict=True,
            )
        )
    ]
    result = run("roster", "import", str(db), str(roster(tmp_path / "h.csv", rows)))
    assert result.exit_code == 0, result.output
    return db


def test_hostile_townships_stay_text_in_every_output(hostile_db: Path, tmp_path: Path) -> None:
    args = ("--campaign", "laiyuan-2023", "--as-of", "2023-06-30")
    out = tmp_path / "remind"
    reminded = run("remind", str(hostile_db), *args, "--out", str(out))
    assert reminded.exit_code == 0, reminded.output
    book = openpyxl.load_workbook(out / "reminders.xlsx")
    for sheet in book.worksheets:
        assert not set(sheet.title) & set(":/\\?*[]")
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    assert not cell.value.lstrip().startswith(("=", "+", "-", "@")), cell.value
    for name in ("reminders.csv", "notices.csv"):
        for row in csv.reader((out / name).open(encoding="utf-8-sig")):
            assert not any(c.startswith(("=", "+", "-", "@")) for c in row)
    page = tmp_path / "report.html"
    reported = run("report", str(hostile_db), *args, "--out", str(page))
    assert reported.exit_code == 0, reported.output
    assert "frac" in page.read_text(encoding="utf-8")


# --- personal data -------------------------------------------------------------------------


def test_reprs_mask_personal_numbers_and_never_show_a_password() -> None:
    record = parse_record(
        {"kind": "person", "id": "r1", "id_number": PERSON, "name": "张秀英", "phone": MOBILE},
        set(),
    )
    problem = RowProblem(7, "月待遇", "bad", ("张秀英", PERSON, MOBILE))
    form = Registration("张秀英", PERSON, "secret123pw", MOBILE, MOBILE, True)
    person = sscert.contract.parse_case(
        {
            "campaign": "laiyuan-2023",
            "as_of": "2023-06-30",
            "people": [{"id_number": PERSON, "phone": MOBILE, "entitlements": []}],
        }
    ).people[0]
    for thing in (record, problem, form, person):
        shown = repr(thing)
        assert PERSON not in shown, shown
        assert MOBILE not in shown, shown
        assert "secret123pw" not in shown, shown
    assert "secret123pw" not in repr(vars(form) if hasattr(form, "__dict__") else form.password)
    services = ChannelServices.for_testing()
    assert register(form, services).ok
    account = services.accounts.get(sscert.IdNumber.parse(PERSON))
    assert account is not None
    assert "secret123pw" not in account.password_hash
    assert check_password("secret123pw", account.password_hash)


def test_record_ids_never_hold_an_id_number() -> None:
    case = json.loads(
        (Path(__file__).resolve().parent.parent / "examples" / "laiyuan-2023-case.json").read_text(
            encoding="utf-8"
        )
    )
    for record in case_to_records(case):
        assert not FULL_ID.search(record["id"]), record["id"]


def test_messages_name_records_without_numbers(db: Path, tmp_path: Path) -> None:
    record = {"kind": "person", "id": f"{PERSON}/person", "id_number": PERSON, "phone": MOBILE}
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    run("store", "import", str(db), str(path))
    record["phone"] = "13912345678"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    conflict = run("store", "import", str(db), str(path))
    assert "conflict" in conflict.stderr
    assert not FULL_ID.search(conflict.output), conflict.output
    assert not FULL_MOBILE.search(conflict.output), conflict.output


def test_no_file_the_demo_writes_for_people_holds_a_full_number(tmp_path: Path) -> None:
    """Every file the demo writes for people to read — reminder lists, notices, the report,
    the archive — holds no full ID or mobile number. (The demo's own inputs, the synthetic
    roster and event files it imports, are agency exports, and the store is the agency's
    database: both hold full numbers by design.)"""
    folder = tmp_path / "demo"
    result = run("demo", "--dir", str(folder), "--people", "300", "--seed", "3")
    assert result.exit_code == 0, result.output
    inputs = {folder / "roster.csv", folder / "events.jsonl"}
    scanned = 0
    for path in folder.rglob("*"):
        if not path.is_file() or path in inputs or ".db" in path.name:
            continue
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            text = "\n".join(
                str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r if c.value
            )
        else:
            text = path.read_text(encoding="utf-8-sig")
        scanned += 1
        assert not FULL_ID.search(text), (path, FULL_ID.search(text))
        assert not FULL_MOBILE.search(text), (path, FULL_MOBILE.search(text))
    assert scanned >= 8
    assert not FULL_ID.search(result.output)
