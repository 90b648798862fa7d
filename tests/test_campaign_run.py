"""Reminder lists, the progress report (rendered in headless Chromium) and the demo."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from sscert.cli.app import cli
from sscert.store import case_to_records

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = json.loads((ROOT / "examples" / "laiyuan-2023-case.json").read_text(encoding="utf-8"))


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    folder = tmp_path_factory.mktemp("demo")
    return folder, run("demo", "--dir", str(folder), "--people", "400", "--seed", "11")


@pytest.fixture
def example_db(tmp_path: Path) -> Path:
    db = tmp_path / "s.db"
    run("store", "init", str(db))
    lines = tmp_path / "r.jsonl"
    case = json.loads(json.dumps(EXAMPLE))
    case["people"][4]["phone"] = "13912345678"
    lines.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in case_to_records(case)),
        encoding="utf-8",
    )
    assert run("store", "import", str(db), str(lines)).exit_code == 0
    return db


def test_remind_lists_the_pending_and_suspended_by_township(
    example_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "remind"
    result = run(
        "remind",
        str(example_db),
        "--campaign",
        "laiyuan-2023",
        "--as-of",
        "2023-04-15",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    rows = list(
        csv.DictReader((out / "reminders.csv").read_text(encoding="utf-8-sig").splitlines())
    )
    # as of 15 April: 李德福 (certified only in May) and 刘福生 (never) are suspended
    names = {r["姓名"]: r for r in rows}
    assert set(names) == {"李德福", "刘福生"}
    liu = names["刘福生"]
    assert liu["乡镇"] == "白石山镇"
    assert liu["乡镇事务所电话"] == "0312-7380299"
    assert liu["咨询电话"] == "0312-7315640"
    assert liu["状态"] == "已暂停发放"
    assert liu["暂停起始月"] == "2023-04"
    assert liu["联系电话"] == "139****5678"
    assert re.fullmatch(r"130630\*{8}\d{3}[\dX]", liu["身份证号"])
    assert names["李德福"]["咨询电话"] == "0312-7329723"
    notices = (out / "notices.csv").read_text(encoding="utf-8-sig")
    assert "13912345678" not in notices
    assert "自2023年4月起暂停发放" in notices
    assert "认证后补发" in notices
    for line in list(csv.reader(notices.splitlines()))[1:]:
        text = line[-1]
        assert len(text) <= 70, text
        assert text.startswith("【涞源县人社局】")
        assert text.endswith("认证不收费，谨防诈骗")
    # each person's own scheme's hotline: 城乡居民 for 李德福, the county line for 刘福生
    assert "0312-7329723" in next(line for line in notices.splitlines() if "李德福" in line)
    assert "0312-7315640" in next(line for line in notices.splitlines() if "刘福生" in line)
    book = openpyxl.load_workbook(out / "reminders.xlsx")
    assert {"汇总", "白石山镇", "王安镇"} <= set(book.sheetnames)
    cell = book["白石山镇"]["D2"]
    assert cell.data_type == "s"
    assert "*" in str(cell.value)


def test_remind_before_the_deadline_gives_the_deadline(example_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "remind"
    result = run(
        "remind",
        str(example_db),
        "--campaign",
        "laiyuan-2023",
        "--as-of",
        "2023-03-01",
        "--out",
        str(out),
    )
    assert result.exit_code == 0
    notices = (out / "notices.csv").read_text(encoding="utf-8-sig")
    assert "请于2023年3月25日前用河北人社或易人社APP完成待遇资格认证" in notices
    assert "2023-03-25" not in notices


def test_report_is_one_offline_file_with_its_sections(example_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = run(
        "report",
        str(example_db),
        "--campaign",
        "laiyuan-2023",
        "--as-of",
        "2023-09-30",
        "--out",
        str(out),
    )
    assert result.exit_code == 0
    assert str(out.resolve()) in result.stdout
    page = out.read_text(encoding="utf-8")
    for section in (
        "按乡镇完成情况",
        "按险种完成情况",
        "每日认证人数",
        "认证方式",
        "暂停发放名单",
        "补发与多领",
        "疑似冒领线索（待核查）",
        "第八十八条",
    ):
        assert section in page
    assert page.count("<svg") >= 4
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<script" not in page
    assert "赵桂兰" in page
    assert "23,600.80" in page  # the amount at stake, with thousands separators
    assert "118004.00" not in page  # a progress report shows no fines
    for person in EXAMPLE["people"]:
        assert person["id_number"] not in page


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_the_report_renders_in_headless_chromium(demo: tuple[Path, Result], tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium (.ci/run installs Debian's chromium)")
        pytest.skip("no Chromium on this machine")
    folder, _ = demo
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    url = (folder / "report.html").resolve().as_uri()
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "<h1>" in dom
    assert dom.count("<svg") >= 4
    assert dom.count("<path") > 50  # the bars and axes were drawn
    shot = tmp_path / "report.png"
    subprocess.run(
        [browser, *flags, "--window-size=1200,2400", f"--screenshot={shot}", url],
        capture_output=True,
        timeout=120,
        check=True,
    )
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG")
    assert len(data) > 30_000  # a page with charts, not a blank one


def test_demo_prints_the_report_path_and_writes_everything(demo: tuple[Path, Result]) -> None:
    folder, result = demo
    assert result.exit_code == 0, result.output
    report = (folder / "report.html").resolve()
    assert f"report:    {report}" in result.stdout
    assert report.is_file()
    for name in (
        "reminders/reminders.csv",
        "reminders/reminders.xlsx",
        "reminders/notices.csv",
        "archive/manifest.json",
        "roster.csv",
        "events.jsonl",
        "laiyuan-2023.db",
    ):
        assert (folder / name).is_file(), name


def test_demo_campaign_has_every_situation(demo: tuple[Path, Result]) -> None:
    folder, _ = demo
    events = [
        json.loads(line)
        for line in (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    channels = {e.get("channel") for e in events if e["type"] == "certified"}
    assert {"hebei_renshe", "yirenshe", "assisted", "data_comparison"} <= channels
    with (folder / "roster.csv").open(encoding="utf-8-sig") as handle:
        roster = list(csv.DictReader(handle))
    assert {r["乡镇"] for r in roster} >= {"王安镇", "涞源镇", "涞钢涞铜社区"}
    assert len({r["险种"] for r in roster}) == 5
    assert any(len(r["身份证号"]) == 15 for r in roster)
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert re.search(r"疑似冒领线索（待核查）</span><b>1<", page)
    assert "罚款下限" not in page
    deaths = [e for e in events if e["type"] == "died"]
    assert any((_days(d) <= 28) for d in deaths)
    assert any((_days(d) > 40) for d in deaths)


def _days(death: dict[str, str]) -> int:
    from datetime import date  # noqa: PLC0415

    return (date.fromisoformat(death["reported_on"]) - date.fromisoformat(death["on"])).days


def test_demo_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    digests = []
    for name, seed in (("a", "5"), ("b", "5"), ("c", "6")):
        assert (
            run("demo", "--dir", str(tmp_path / name), "--people", "120", "--seed", seed).exit_code
            == 0
        )
        digests.append(
            [
                hashlib.sha256((tmp_path / name / f).read_bytes()).hexdigest()
                for f in ("roster.csv", "events.jsonl", "report.html")
            ]
        )
    assert digests[0] == digests[1]
    assert digests[0][0] != digests[2][0]
