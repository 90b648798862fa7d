"""The settlement for a family and an auditor: `sscert settlement` from a case file and from a
store, the printable 死亡待遇结算单 (checked in Chromium), the archive, the progress report."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import sscert
from browser import print_pdf
from sscert.cli.app import cli
from sscert.store import SQLiteStore, case_to_records, verify_archive

SCENARIOS = Path(__file__).parent / "scenarios"
TOML = SCENARIOS / "settlement-test.toml"
CAMPAIGN = sscert.load_campaign(TOML)


def _case(name: str) -> dict[str, Any]:
    case: dict[str, Any] = json.loads((SCENARIOS / f"{name}.json").read_text(encoding="utf-8"))[
        "case"
    ]
    return {**case, "campaign": CAMPAIGN.id}


PLAN = _case("c16-instalment-plan-for-what-remains")
WORKED = _case("c16-worked-example-enterprise-survivor-benefits")
OFFSET = _case("c16-offset-larger-than-what-the-heirs-are-owed")
PLAN_ID = PLAN["people"][0]["id_number"]
WORKED_ID = WORKED["people"][0]["id_number"]


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture
def case_file(tmp_path: Path) -> Path:
    path = tmp_path / "case.json"
    people = [*PLAN["people"], *WORKED["people"], *OFFSET["people"]]
    alive = {
        "id_number": "130630194803150028",
        "entitlements": [
            {"scheme": "enterprise_pension", "start": "2008-05", "monthly_amount": "2856.40"}
        ],
        "events": [{"type": "certified", "at": "2023-03-01", "channel": "assisted"}],
    }
    path.write_text(
        json.dumps({**PLAN, "as_of": "2024-09-30", "people": [*people, alive]}, ensure_ascii=False),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def store(tmp_path: Path, case_file: Path) -> Path:
    db = tmp_path / "s.db"
    assert run("store", "init", str(db)).exit_code == 0
    case = json.loads(case_file.read_text(encoding="utf-8"))
    with SQLiteStore.open(db) as opened:
        report = opened.import_lines(json.dumps(r) for r in case_to_records(case))
    assert report.ok, report.rejected
    return db


def test_the_statement_from_a_case_file(case_file: Path) -> None:
    result = run("settlement", str(case_file), PLAN_ID, "--campaign", str(TOML))
    assert result.exit_code == 0, result.output
    assert "net to the heirs: 0.00" in result.stdout
    assert "to repay: 16800.00" in result.stdout
    assert "1866.72" in result.stdout
    assert "社会保险经办条例 第四十六条 (原文)" in result.stdout
    assert PLAN_ID not in result.stdout  # masked
    chinese = run("settlement", str(case_file), PLAN_ID, "--campaign", str(TOML), "--lang", "zh")
    assert "应支付给继承人：0.00" in chinese.stdout
    assert "丧葬补助金" in chinese.stdout


def test_the_json_is_what_calculate_says(case_file: Path) -> None:
    case = json.loads(case_file.read_text(encoding="utf-8"))
    expected = next(
        p["settlement"]
        for p in sscert.calculate(case, campaigns=[CAMPAIGN])["people"]
        if p["id_number"] == WORKED_ID
    )
    result = run("settlement", str(case_file), WORKED_ID, "--campaign", str(TOML), "--json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["settlement"] == expected
    assert printed["settlement"]["net_to_heirs"] == "108250.00"
    assert printed["id_number"] == "130630********" + WORKED_ID[-4:]


def test_instalments_asked_on_the_command_line(case_file: Path) -> None:
    offset_id = OFFSET["people"][0]["id_number"]
    result = run(
        "settlement", str(case_file), offset_id, "--campaign", str(TOML), "--instalments", "3",
        "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)["settlement"]["instalments"]
    assert [i["amount"] for i in plan] == ["54.68", "54.66", "54.66"]


@pytest.mark.parametrize(
    ("who", "status", "message"),
    [
        ("130630194803150028", 1, "no death known"),
        ("11010519491231002X", 1, "no such person"),
        ("130630194803150027", 2, "check character"),
    ],
)
def test_who_cannot_be_settled(case_file: Path, who: str, status: int, message: str) -> None:
    result = run("settlement", str(case_file), who, "--campaign", str(TOML))
    assert result.exit_code == status
    assert message in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_broken_source_is_a_clear_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"\xff\xfe not json")
    result = run("settlement", str(junk), PLAN_ID)
    assert result.exit_code == 2
    assert "neither a store nor a case file" in result.stderr
    missing = run("settlement", str(tmp_path / "nowhere.db"), PLAN_ID)
    assert missing.exit_code == 2


def test_from_a_store_as_from_the_case(store: Path, case_file: Path, tmp_path: Path) -> None:
    args = ("--campaign", str(TOML), "--as-of", "2024-09-30", "--json")
    from_store = run("settlement", str(store), PLAN_ID, *args)
    assert from_store.exit_code == 0, from_store.output
    from_case = run("settlement", str(case_file), PLAN_ID, "--campaign", str(TOML), "--json")
    assert json.loads(from_store.stdout)["settlement"] == json.loads(from_case.stdout)["settlement"]
    assert run("settlement", str(store), PLAN_ID).exit_code == 2  # a store needs the campaign
    full = run("settlement", str(store), PLAN_ID, *args, "--unmasked", "--operator", "审计员")
    assert PLAN_ID in full.stdout
    with SQLiteStore.open(store) as opened:
        assert [(line[1], line[2]) for line in opened.access_log()] == [
            ("审计员", "settlement --unmasked")
        ]


def test_the_printable_statement_is_one_a4_page_a_person(case_file: Path, tmp_path: Path) -> None:
    from sscert.contract import parse_case  # noqa: PLC0415
    from sscert.reports.settlement import write_statement_html  # noqa: PLC0415
    from sscert.rules.engine import evaluate  # noqa: PLC0415

    case = parse_case(json.loads(case_file.read_text(encoding="utf-8")), campaigns=[CAMPAIGN])
    results = [evaluate(CAMPAIGN, p, case.as_of) for p in case.people]
    page = write_statement_html(tmp_path / "结算单.html", results, CAMPAIGN)
    text = page.read_text(encoding="utf-8")
    assert text.count('class="statement"') == 3  # the three who died, not the living one
    assert "130630194803150028" not in text
    assert PLAN_ID not in text
    assert "第八十三条" in text
    reader = print_pdf(page, tmp_path)
    assert len(reader.pages) == 3
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert abs(width - 595) < 3
    assert abs(height - 842) < 3
    first = reader.pages[0].extract_text()
    assert "死亡待遇结算单" in first
    assert "应支付给继承人" in first
    assert "16,800.00" in first
    assert "1,866.72" in first


def test_the_command_writes_the_printable_statement(case_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "打印" / "结算单.html"
    result = run(
        "settlement", str(case_file), WORKED_ID, "--campaign", str(TOML), "--html", str(out)
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "65,450.00" in page
    assert "108,250.00" in page
    assert "上一年度全省城镇居民月人均可支配收入" in page


def test_the_archive_holds_the_settlements(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "档案"
    result = run("store", "export", str(store), "--campaign", str(TOML), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "3 people, as of 2024-09-02" in result.stdout  # the last fact: the latest report
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["settlements"] == {"as_of": "2024-09-02", "people": 3}
    assert "settlements.jsonl" in manifest["files"]
    assert verify_archive(out) == []
    lines = [json.loads(x) for x in (out / "settlements.jsonl").read_text("utf-8").splitlines()]
    assert all("********" in line["id_number"] for line in lines)
    rows = list(csv.DictReader((out / "settlements.csv").read_text("utf-8-sig").splitlines()))
    assert {r["应退回"] for r in rows} >= {"164.00"}
    dated = tmp_path / "档案2"
    assert (
        run(
            "store", "export", str(store), "--campaign", str(TOML), "--out", str(dated),
            "--as-of", "2024-09-30",
        ).exit_code
        == 0
    )  # fmt: skip
    again = json.loads((dated / "manifest.json").read_text(encoding="utf-8"))
    assert again["settlements"]["as_of"] == "2024-09-30"
    (out / "settlements.csv").write_text("tampered", encoding="utf-8")
    assert verify_archive(out) == ["settlements.csv: its SHA-256 does not match the manifest"]


def test_the_progress_report_has_a_settlement_section(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    args = ("--campaign", str(TOML), "--as-of", "2024-09-30", "--out", str(out))
    assert run("report", str(store), *args).exit_code == 0
    page = out.read_text(encoding="utf-8")
    section = page.split("<h2>死亡待遇结算</h2>")[1].split("<h2>")[0]
    assert "结算人数" in section
    assert "16,964.00" in section  # to repay: 16800.00 + 164.00
    assert "合计" in section
