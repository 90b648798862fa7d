"""The inputs of C15 and C16 through every door: the case contract (validated like the rest),
store records, roster columns and the county's event lists."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import sscert
from sscert.cli.app import cli
from sscert.store import SQLiteStore
from sscert.values.identity import check_character

SCENARIOS = Path(__file__).parent / "scenarios"
TOML = SCENARIOS / "settlement-test.toml"
CHILD = "13063020050412002" + check_character("13063020050412002")
WIDOW = "13063019700101002" + check_character("13063019700101002")
PENSIONER = "13063019580312003" + check_character("13063019580312003")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _case(person: dict[str, Any]) -> dict[str, Any]:
    return {"campaign": "laiyuan-2023", "as_of": "2023-08-31", "people": [person]}


def _survivor(**extra: Any) -> dict[str, Any]:
    return {
        "id_number": CHILD,
        "entitlements": [
            {"scheme": "work_injury_survivor", "start": "2015-06", "monthly_amount": "1200.00"}
            | extra
        ],
    }


@pytest.mark.parametrize(
    ("person", "path", "words"),
    [
        (
            _survivor(dependant={"relationship": "cousin"}),
            "entitlements[0].dependant.relationship",
            "cousin",
        ),
        (
            _survivor(dependant={"relationship": "child", "fully_incapacitated": "yes"}),
            "entitlements[0].dependant.fully_incapacitated",
            "true or false",
        ),
        (_survivor(contribution_months=-1), "entitlements[0].contribution_months", "from 0 to 960"),
        (
            _survivor(contribution_months=961),
            "entitlements[0].contribution_months",
            "from 0 to 960",
        ),
        (
            _survivor(contribution_months="345"),
            "entitlements[0].contribution_months",
            "whole number",
        ),
        (
            _survivor(contribution_months=True),
            "entitlements[0].contribution_months",
            "whole number",
        ),
        (
            {
                "id_number": PENSIONER,
                "entitlements": [
                    {
                        "scheme": "enterprise_pension",
                        "start": "2020-01",
                        "monthly_amount": "3120.00",
                        "dependant": {"relationship": "child"},
                    }
                ],
            },
            "entitlements[0].dependant",
            "only a work_injury_survivor",
        ),
        (
            {
                "id_number": PENSIONER,
                "entitlements": [
                    {"scheme": "enterprise_pension", "start": "2020-01", "monthly_amount": "1.00"}
                ],
                "events": [{"type": "imprisoned", "from": "2023-05-01"}],
            },
            "events[0].type",
            "only for a person with a work_injury_survivor",
        ),
        (
            _survivor()
            | {
                "events": [
                    {"type": "dependant_ended", "on": "2023-05-20", "reason": "employed"},
                    {"type": "dependant_ended", "on": "2023-06-20", "reason": "enlisted"},
                ]
            },
            "events[1]",
            "a second end",
        ),
        (
            _survivor() | {"events": [{"type": "dependant_ended", "on": "2023-05-20"}]},
            "events[0].reason",
            "missing",
        ),
        (
            _survivor()
            | {"events": [{"type": "dependant_ended", "on": "2023-05-20", "reason": "bored"}]},
            "events[0].reason",
            "employed",
        ),
        (
            _survivor()
            | {"events": [{"type": "imprisoned", "from": "2023-05-20", "to": "2023-05-01"}]},
            "events[0].to",
            "before",
        ),
        (
            _survivor() | {"account": {"balance": "100.00", "inheritable_share": "100.01"}},
            "account.inheritable_share",
            "more than the balance",
        ),
        (_survivor() | {"account": {"balance": 100}}, "account.balance", "string"),
        (_survivor() | {"account": {"balance": "-1.00"}}, "account.balance", "2 decimal"),
        (_survivor() | {"instalment_months": 0}, "instalment_months", "from 1 to 120"),
        (_survivor() | {"instalment_months": 121}, "instalment_months", "from 1 to 120"),
    ],
)
def test_bad_inputs_name_their_field(person: dict[str, Any], path: str, words: str) -> None:
    with pytest.raises(sscert.InputError) as caught:
        sscert.calculate(_case(person))
    text = str(caught.value)
    assert f"people[0].{path}" in text
    assert words in text


def _calculated(db: Path, campaign: str = "laiyuan-2023") -> dict[str, dict[str, Any]]:
    """``store calculate`` as of 2023-08-31, each person by ID number."""
    result = run("store", "calculate", str(db), "--campaign", campaign, "--as-of", "2023-08-31")
    assert result.exit_code == 0, result.output
    return {p["id_number"]: p for p in json.loads(result.stdout)["people"]}


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


ROSTER_HEADER = [
    "姓名", "身份证号", "险种", "月待遇", "待遇开始年月", "乡镇", "缴费月数", "供养关系",
    "完全丧失劳动能力",
]  # fmt: skip


def test_roster_columns_for_contributions_and_dependants(db: Path, tmp_path: Path) -> None:
    roster = _write(
        tmp_path / "花名册.csv",
        ROSTER_HEADER,
        [
            ["张秀英", PENSIONER, "企业职工基本养老保险", "3120.00", "2020-01", "涞源镇",
             "28年9个月", "", ""],
            ["李小明", CHILD, "工伤保险供养亲属抚恤金", "1200.00", "2015-06", "涞源镇", "",
             "子女", "否"],
            ["王桂芝", WIDOW, "工伤保险供养亲属抚恤金", "1200.00", "2015-06", "涞源镇", "",
             "配偶", ""],
        ],
    )  # fmt: skip
    result = run("roster", "import", str(db), str(roster))
    assert result.exit_code == 0, result.output
    with SQLiteStore.open(db) as store:
        bodies = {
            b["id_number"]: b for b in store.bodies_of(PENSIONER) if b["kind"] == "entitlement"
        }
        assert bodies[PENSIONER]["contribution_months"] == 345
        child = next(b for b in store.bodies_of(CHILD) if b["kind"] == "entitlement")
        assert child["dependant"] == {"relationship": "child", "fully_incapacitated": False}
    months = _calculated(db)[CHILD]["months"]
    assert [r["outcome"] for r in months][-4:] == ["stopped"] * 4  # 18 in April
    # a newer export: contributions corrected, the child found fully incapacitated
    newer = _write(
        tmp_path / "花名册2.csv",
        ROSTER_HEADER,
        [
            ["张秀英", PENSIONER, "企业职工基本养老保险", "3120.00", "2020-01", "涞源镇", "346",
             "", ""],
            ["李小明", CHILD, "工伤保险供养亲属抚恤金", "1200.00", "2015-06", "涞源镇", "",
             "子女", "是"],
            ["王桂芝", WIDOW, "工伤保险供养亲属抚恤金", "1200.00", "2015-06", "涞源镇", "",
             "配偶", ""],
        ],
    )  # fmt: skip
    again = run("roster", "import", str(db), str(newer))
    assert again.exit_code == 0, again.output
    assert "updated 2" in again.stdout
    people = _calculated(db)
    assert all(r["outcome"] != "stopped" for r in people[CHILD]["months"])  # incapacitated now
    history = run("store", "history", str(db), PENSIONER)
    assert "entitlement_info" in history.stdout


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        (["工伤保险供养亲属抚恤金", "", "表亲", ""], "供养关系", "unknown relationship"),
        (["工伤保险供养亲属抚恤金", "", "子女", "也许"], "完全丧失劳动能力", "是 or 否"),
        (["企业职工基本养老保险", "", "子女", "否"], "供养关系", "only a work_injury_survivor"),
        (["企业职工基本养老保险", "九十", "", ""], "缴费月数", "a number of months"),
        (["企业职工基本养老保险", "99年", "", ""], "缴费月数", "at most 960"),
    ],
)
def test_bad_roster_cells_are_rejected_with_their_column(
    db: Path, tmp_path: Path, cells: list[str], column: str, words: str
) -> None:
    header = ["姓名", "身份证号", "险种", "月待遇", "待遇开始年月", "乡镇", "缴费月数", "供养关系",
              "完全丧失劳动能力"]  # fmt: skip
    roster = _write(
        tmp_path / "r.csv",
        header,
        [["某", CHILD, cells[0], "100.00", "2015-06", "涞源镇", cells[1], cells[2], cells[3]]],
    )
    result = run("roster", "import", str(db), str(roster))
    assert result.exit_code == 1
    assert column in result.stderr
    assert words in result.stderr


def test_event_lists_for_ends_prison_terms_and_accounts(db: Path, tmp_path: Path) -> None:
    roster = _write(
        tmp_path / "花名册.csv",
        ROSTER_HEADER,
        [
            ["张秀英", PENSIONER, "企业职工基本养老保险", "3120.00", "2020-01", "涞源镇", "345",
             "", ""],
            ["李小明", CHILD, "工伤保险供养亲属抚恤金", "1200.00", "2015-06", "涞源镇", "",
             "子女", "是"],
            ["王桂芝", WIDOW, "工伤保险供养亲属抚恤金", "1200.00", "2015-06", "涞源镇", "",
             "配偶", ""],
        ],
    )  # fmt: skip
    assert run("roster", "import", str(db), str(roster)).exit_code == 0
    events = _write(
        tmp_path / "变动.csv",
        ["身份证号", "姓名", "认证时间", "认证方式", "死亡日期", "报告日期", "终止日期", "终止原因",
         "收监日期", "释放日期", "个人账户余额", "可继承金额"],
        [
            [PENSIONER, "张秀英", "2023-02-15", "河北人社", "2023-06-20", "2023-06-28", "", "",
             "", "", "38500.00", "36000.00"],
            [CHILD, "李小明", "2023-03-01", "线下辅助认证", "", "", "2023/5/20", "就业", "", "",
             "", ""],
            [WIDOW, "王桂芝", "2023-03-01", "线下辅助认证", "", "", "", "", "2023-05-10",
             "2023-07-20", "", ""],
        ],
    )  # fmt: skip
    result = run("events", "import", str(db), str(events))
    assert result.exit_code == 0, result.output
    assert "3 other records" in result.stdout
    people = _calculated(db, str(TOML))
    child = [r["outcome"] for r in people[CHILD]["months"]]
    assert child == ["paid"] * 4 + ["stopped"] * 3  # Feb-May paid, from June stopped
    widow = {r["month"]: r["outcome"] for r in people[WIDOW]["months"]}
    assert widow["2023-06"] == widow["2023-07"] == "stopped"
    assert widow["2023-08"] == "paid"
    settlement = people[PENSIONER]["settlement"]
    assert settlement["account_balance"] == {"balance": "38500.00", "inheritable": "36000.00"}
    assert settlement["net_to_heirs"] == "108250.00"  # the worked example
    again = run("events", "import", str(db), str(events))
    assert "already present 3" in again.stdout  # nothing stored twice


@pytest.mark.parametrize(
    ("cells", "column", "words"),
    [
        (["2023-05-20", "退休", "", "", "", ""], "终止原因", "就业"),
        (["2023-05-20", "", "", "", "", ""], "终止原因", "就业"),
        (["", "", "2023-05-10", "2023-05-01", "", ""], "释放日期", "before"),
        (["", "", "", "", "100.00", "200.00"], "可继承金额", "more than the balance"),
        (["", "", "", "", "-5", ""], "个人账户余额", "2 decimal"),
    ],
)
def test_bad_event_cells_are_rejected_with_their_column(
    db: Path, tmp_path: Path, cells: list[str], column: str, words: str
) -> None:
    events = _write(
        tmp_path / "e.csv",
        ["身份证号", "终止日期", "终止原因", "收监日期", "释放日期", "个人账户余额", "可继承金额"],
        [[CHILD, *cells]],
    )
    result = run("events", "import", str(db), str(events))
    assert result.exit_code == 1
    assert column in result.stderr
    assert words in result.stderr


def test_reminders_leave_out_a_dependant_whose_benefit_has_ended(db: Path, tmp_path: Path) -> None:
    """Two children, neither certified: one turned 18 in February 2023 — paid to February,
    stopped after, nothing withheld: nobody to remind; the other turned 18 in April — April
    is withheld, and certifying would release it: still reminded."""
    february = "13063020050210002" + check_character("13063020050210002")
    roster = _write(
        tmp_path / "花名册.csv",
        ROSTER_HEADER,
        [
            ["二月", february, "工伤保险供养亲属抚恤金", "1200.00", "2015-06", "涞源镇", "",
             "子女", "否"],
            ["四月", CHILD, "工伤保险供养亲属抚恤金", "1200.00", "2015-06", "涞源镇", "",
             "子女", "否"],
        ],
    )  # fmt: skip
    assert run("roster", "import", str(db), str(roster)).exit_code == 0
    out = tmp_path / "提醒"
    args = ("--campaign", "laiyuan-2023", "--as-of", "2023-08-31", "--out", str(out))
    result = run("remind", str(db), *args)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((out / "reminders.csv").read_text("utf-8-sig").splitlines()))
    assert [r["姓名"] for r in rows] == ["四月"]
    ended = {p["name"]: p["benefits_ended"] for p in _calculated(db).values()}
    assert ended == {"二月": True, "四月": False}


def test_half_valid_settlement_records_are_refused_alone(db: Path, tmp_path: Path) -> None:
    """Each new kind of store record, forged or half-valid, is refused on its own line with
    the field at fault; the good lines around it are stored, and the chain holds."""
    good = [
        {"kind": "person", "id": "p", "id_number": CHILD, "name": "李小明"},
        {"kind": "entitlement", "id": "e", "id_number": CHILD, "scheme": "work_injury_survivor",
         "start": "2015-06", "monthly_amount": "1200.00",
         "dependant": {"relationship": "child", "fully_incapacitated": False}},
        {"kind": "account", "id": "a", "id_number": CHILD, "balance": "100.00"},
    ]  # fmt: skip
    bad = [
        ({"kind": "account", "id": "a2", "id_number": CHILD, "balance": "1e9"}, "balance"),
        (
            {"kind": "account", "id": "a3", "id_number": CHILD, "balance": "1.00",
             "inheritable_share": "2.00"},
            "inheritable_share",
        ),
        ({"kind": "repayment_plan", "id": "r", "id_number": CHILD, "instalment_months": 0},
         "instalment_months"),
        ({"kind": "entitlement_info", "id": "i", "id_number": CHILD,
          "scheme": "enterprise_pension", "dependant": {"relationship": "child"}}, "dependant"),
        ({"kind": "entitlement_info", "id": "i2", "id_number": CHILD,
          "scheme": "work_injury_survivor"}, None),
        ({"kind": "event", "id": "d", "id_number": CHILD, "type": "dependant_ended",
          "on": "2023-05-20", "reason": "bored"}, "reason"),
        ({"kind": "event", "id": "j", "id_number": CHILD, "type": "imprisoned",
          "from": "2023-05-20", "to": "2023-05-01"}, "to"),
        ({"kind": "event", "id": "j2", "id_number": CHILD, "type": "imprisoned",
          "from": "2023-13-01"}, "from"),
        ({"kind": "entitlement", "id": "e2", "id_number": CHILD, "scheme": "enterprise_pension",
          "start": "2015-06", "monthly_amount": "1.00", "contribution_months": 10**6},
         "contribution_months"),
    ]  # fmt: skip
    path = tmp_path / "records.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in good]
    lines += [json.dumps(r, ensure_ascii=False) for r, _key in bad]
    lines.append('{"kind": "account", "id": "t", "id_number": "')  # truncated
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("store", "import", str(db), str(path))
    assert result.exit_code == 1
    assert "stored 3, already present 0, rejected 10" in result.stdout
    for number, (_record, key) in enumerate(bad, start=len(good) + 1):
        assert f"{path}:{number}: rejected: " + (f"{key}" if key else "") in result.stderr
    assert f"{path}:{len(lines)}: rejected: not JSON" in result.stderr
    assert run("store", "verify", str(db)).exit_code == 0
    assert _calculated(db)[CHILD]["status"] == "suspended"  # the good records make a case
