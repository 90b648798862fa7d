"""Roster import from CSV and Excel exports."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from sscert.cli.app import cli
from sscert.store import SQLiteStore

HEADER = ["姓名", "身份证号", "险种", "月待遇", "待遇开始年月", "待遇终止年月", "乡镇", "联系电话"]
GOOD = [
    [
        "张秀英",
        "130630194803150028",
        "企业职工基本养老保险",
        "2856.40",
        "2008-05",
        "",
        "涞源镇",
        "13812345678",
    ],
    [
        "张秀英",
        "130630194803150028",
        "工伤保险定期待遇",
        "960",
        "202011",
        "",
        "涞源镇",
        "13812345678",
    ],
    [
        "李德福",
        "11010519491231002x",
        "urban_rural_resident_pension",
        "158.00",
        "2012-07",
        "",
        "王安镇",
        "",
    ],
    [
        "王建国",
        "110105491231003",
        "机关事业单位养老保险",
        "3120",
        "2006-01",
        "2030-12",
        " 银 坊 镇 ",
        "0312-7351005",
    ],
]
BAD = [
    (
        ["坏号", "130630194803150027", "城乡居民", "158", "2012-07", "", "涞源镇", ""],
        "身份证号",
        "check character",
    ),
    (
        ["零钱", "13063019500101001X", "城乡居民", "0", "2012-07", "", "涞源镇", ""],
        "月待遇",
        "greater than zero",
    ),
    (
        ["三位", "130630195001010028", "城乡居民", "1.005", "2012-07", "", "涞源镇", ""],
        "月待遇",
        "2 decimal",
    ),
    (
        ["无险种", "130630195001010036", "养老", "100", "2012-07", "", "涞源镇", ""],
        "险种",
        "unknown scheme",
    ),
    (
        ["坏月", "130630195001010044", "城乡居民", "100", "2012-13", "", "涞源镇", ""],
        "待遇开始年月",
        "month",
    ),
    (
        ["早终", "130630195001010052", "城乡居民", "100", "2012-07", "2011-01", "涞源镇", ""],
        "待遇终止年月",
        "before",
    ),
    (["", "130630195001010079", "城乡居民", "100", "2012-07", "", "涞源镇", ""], "姓名", "empty"),
]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def write_csv(
    path: Path, rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8-sig"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_a_clean_roster_imports_and_reimports(db: Path, tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "roster.csv", GOOD)
    result = run("roster", "import", str(db), str(roster), "--campaign", "laiyuan-2023")
    assert result.exit_code == 0, result.output
    assert "rows 4: imported 4, already present 0, rejected 0, warnings 0" in result.stdout
    again = run("roster", "import", str(db), str(roster))
    assert again.exit_code == 0
    assert "imported 0, already present 4, rejected 0" in again.stdout
    with SQLiteStore.open(db) as store:
        counts = store.counts()
        case = store.case("laiyuan-2023", __import__("datetime").date(2023, 6, 30))
    assert counts["person"] == 3
    assert counts["entitlement"] == 4
    numbers = [p["id_number"] for p in case["people"]]
    assert "11010519491231002X" in numbers
    assert "11010519491231003X"[:17] in "".join(numbers) or any(
        n.startswith("11010519491231003") for n in numbers
    )
    wang = next(p for p in case["people"] if p.get("name") == "王建国")
    assert wang["township"] == "银坊镇"
    assert wang["entitlements"][0]["end"] == "2030-12"
    assert wang["entitlements"][0]["monthly_amount"] == "3120.00"


def test_bad_rows_go_to_the_rejects_file_and_the_rest_imports(db: Path, tmp_path: Path) -> None:
    rows = list(GOOD)
    for bad, _, _ in BAD:
        rows.append(bad)
    roster = write_csv(tmp_path / "roster.csv", rows)
    rejects = tmp_path / "rejects.csv"
    result = run("roster", "import", str(db), str(roster), "--rejects", str(rejects))
    assert result.exit_code == 1
    assert f"imported 4, already present 0, rejected {len(BAD)}" in result.stdout
    raw = rejects.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    written = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(written) == len(BAD)
    for line, (bad, column, reason) in zip(written, BAD, strict=True):
        assert line["row"] == str(rows.index(bad) + 2)
        assert line["column"] == column
        assert reason in line["reason"]
        assert line["姓名"] == bad[0]
        assert bad[1] not in line["身份证号"]  # masked
    assert "130630194803150027" not in raw.decode("utf-8-sig")


def test_a_bad_phone_is_a_warning_and_the_benefit_is_still_imported(
    db: Path, tmp_path: Path
) -> None:
    row = ["坏电话", "130630195001010060", "城乡居民", "100", "2012-07", "", "涞源镇", "123"]
    result = run("roster", "import", str(db), str(write_csv(tmp_path / "p.csv", [row])))
    assert result.exit_code == 0, result.output
    assert "row 2: 联系电话: warning: not a mainland mobile or landline number" in result.stderr
    assert "imported 1" in result.stdout
    with SQLiteStore.open(db) as store:
        assert store.counts()["entitlement"] == 1
        assert "phone" not in store.bodies_of("130630195001010060")[0]


def test_default_rejects_path_and_unknown_township_warning(db: Path, tmp_path: Path) -> None:
    rows = [
        *GOOD,
        ["远方", "130630195001010087", "城乡居民", "100", "2012-07", "", "王安镇镇", ""],
        BAD[0][0],
    ]
    roster = write_csv(tmp_path / "roster.csv", rows)
    result = run("roster", "import", str(db), str(roster), "--campaign", "laiyuan-2023")
    assert result.exit_code == 1
    assert "warnings 1" in result.stdout
    assert "王安镇镇 is not a township" in result.stderr
    assert (tmp_path / "roster.csv.rejects.csv").is_file()


def test_english_headers_extra_columns_and_gb18030(db: Path, tmp_path: Path) -> None:
    header = ["备注", "name", "id_number", "scheme", "monthly_amount", "start", "township"]
    rows = [
        ["x", "张秀英", "130630194803150028", "enterprise_pension", "2856.4", "2008-05", "涞源镇"]
    ]
    roster = write_csv(tmp_path / "gbk.csv", rows, header, encoding="gb18030")
    result = run("roster", "import", str(db), str(roster))
    assert result.exit_code == 0, result.output
    assert "imported 1" in result.stdout


def test_a_mapping_file_renames_columns(db: Path, tmp_path: Path) -> None:
    header = ["证件号码", "姓名", "待遇项目", "月养老金", "起始年月", "镇"]
    rows = [
        ["130630194803150028", "张秀英", "企业职工基本养老保险", "2856.40", "2008-05", "涞源镇"]
    ]
    roster = write_csv(tmp_path / "export.csv", rows, header)
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[columns]\nid_number = "证件号码"\nscheme = "待遇项目"\nmonthly_amount = ["月养老金"]\n'
        'start = "起始年月"\ntownship = "镇"\n',
        encoding="utf-8",
    )
    assert run("roster", "import", str(db), str(roster)).exit_code == 2
    result = run("roster", "import", str(db), str(roster), "--mapping", str(mapping))
    assert result.exit_code == 0, result.output


def test_an_excel_roster(db: Path, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(
        [
            "张秀英",
            "130630194803150028",
            "企业职工基本养老保险",
            2856.4,
            200805,
            None,
            "涞源镇",
            13812345678,
        ]
    )
    sheet.append(["数字号", 130630195001010087, "城乡居民", 100, "2012-07", None, "涞源镇", None])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    result = run("roster", "import", str(db), str(path))
    assert result.exit_code == 1
    assert "imported 1" in result.stdout
    assert "stored as a number" in result.stderr
    with SQLiteStore.open(db) as store:
        entitlement = next(r for r in store.records() if r["kind"] == "entitlement")
        person = next(r for r in store.records() if r["kind"] == "person")
    assert entitlement["monthly_amount"] == "2856.40"
    assert entitlement["start"] == "2008-05"
    assert person["phone"] == "13812345678"


@pytest.mark.parametrize(
    "sheet",
    [
        ("roster.csv", "姓名,乡镇\n张三,涞源镇\n", "身份证号"),
        ("roster.txt", "whatever", ".csv or .xlsx"),
        ("roster.xlsx", "not a workbook", "not a readable .xlsx"),
        ("roster.csv", "", "empty"),
    ],
)
@pytest.mark.parametrize("command", ["roster", "events"])
def test_a_sheet_that_cannot_be_imported_exits_2(
    db: Path, tmp_path: Path, sheet: tuple[str, str, str], command: str
) -> None:
    """The roster and the event lists read files the same way: a file that cannot be read
    is a clear error, and nothing is stored."""
    name, content, why = sheet
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = run(command, "import", str(db), str(path))
    assert result.exit_code == 2
    assert why in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert run(command, "import", str(tmp_path / "none.db"), str(path)).exit_code == 2
    with SQLiteStore.open(db) as store:
        assert store.head()[0] == 0


def test_a_newer_export_updates_what_changed(db: Path, tmp_path: Path) -> None:
    """Re-importing a roster is an update: a new phone and township supersede the old ones
    (which stay in the history), a new amount becomes an amount change from the import's
    month (or the export's 待遇调整年月), a new end month ends the entitlement, and a person
    missing from the new export is reported, never deleted."""
    first = write_csv(tmp_path / "a.csv", GOOD)
    assert run("roster", "import", str(db), str(first), "--month", "2023-01").exit_code == 0
    header = [*HEADER, "待遇调整年月"]
    newer = [
        ["张秀英", "130630194803150028", "企业职工基本养老保险", "2950.10", "2008-05", "",
         "王安镇", "13900000000", ""],
        ["张秀英", "130630194803150028", "工伤保险定期待遇", "960", "202011", "2025-12",
         "王安镇", "13900000000", ""],
        ["李德福", "11010519491231002x", "urban_rural_resident_pension", "163.00", "2012-07", "",
         "王安镇", "", "2023-07"],
    ]  # fmt: skip
    result = run(
        "roster", "import", str(db), str(write_csv(tmp_path / "b.csv", newer, header)),
        "--month", "2023-06",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "updated 3" in result.stdout
    assert "1 people held in the store are not in this export" in result.stdout
    missing = (tmp_path / "b.csv.missing.csv").read_text(encoding="utf-8-sig")
    assert "王建国" in missing
    assert "110105491231003" not in missing  # masked
    case = json.loads(
        run(
            "store", "calculate", str(db), "--campaign", "laiyuan-2023", "--as-of", "2023-09-30"
        ).stdout
    )
    people = {p["name"]: p for p in case["people"]}
    zhang = people["张秀英"]
    assert zhang["township"] == "王安镇"
    pension = [r for r in zhang["months"] if r["scheme"] == "enterprise_pension"]
    assert {r["month"]: r["due"] for r in pension}["2023-05"] == "2856.40"
    assert {r["month"]: r["due"] for r in pension}["2023-06"] == "2950.10"
    li = people["李德福"]
    assert {r["month"]: r["due"] for r in li["months"]}["2023-06"] == "158.00"
    assert {r["month"]: r["due"] for r in li["months"]}["2023-07"] == "163.00"
    history = run("store", "history", str(db), "130630194803150028")
    assert history.exit_code == 0, history.output
    assert "涞源镇" in history.stdout  # the superseded township is still in the history
    assert "王安镇" in history.stdout
    assert "130630194803150028" not in history.stdout  # masked unless asked
    again = run("roster", "import", str(db), str(tmp_path / "b.csv"), "--month", "2023-06")
    assert "already present 3" in again.stdout
    assert "updated 0" in again.stdout


def test_a_start_month_is_not_changed_by_a_roster(db: Path, tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "a.csv", GOOD[:1])
    assert run("roster", "import", str(db), str(roster)).exit_code == 0
    moved = [[*GOOD[0][:4], "2009-01", *GOOD[0][5:]]]
    result = run("roster", "import", str(db), str(write_csv(tmp_path / "b.csv", moved)))
    assert result.exit_code == 1
    assert "row 2: 待遇开始年月: rejected: differs from the start already imported (2008-05)" in (
        result.stderr
    )
    assert "130630194803150028" not in result.stderr


@pytest.mark.parametrize("command", ["roster", "events"])
def test_a_file_in_no_known_encoding_exits_2_and_says_how_to_name_it(
    db: Path, tmp_path: Path, command: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("身份证号,姓名\n".encode() + b"130630194803150028,\x80\xff\xfe\n")
    result = run(command, "import", str(db), str(path))
    assert result.exit_code == 2
    assert "not UTF-8 or GB18030" in result.stderr
    assert "mapping" in result.stderr
    with SQLiteStore.open(db) as store:
        assert store.head()[0] == 0


def test_an_overlong_cell_rejects_its_row_only(db: Path, tmp_path: Path) -> None:
    long_name = ["长" * 300, *GOOD[0][1:]]
    path = write_csv(tmp_path / "r.csv", [long_name, GOOD[1]])
    result = run("roster", "import", str(db), str(path))
    assert result.exit_code == 1
    assert "rows 2: imported 1" in result.stdout
    assert "姓名" in result.stderr
    assert "longer than 200 characters" in result.stderr
