"""The progress report a director reads at a glance: ranked townships, days left, totals,
collapsed lists, print styles — checked in headless Chromium."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from browser import FLAGS, chromium, print_pdf
from sscert.cli.app import cli
from sscert.reports import render_report, second_process, take_snapshot
from sscert.store import SQLiteStore


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    assert run("demo", "--dir", str(folder), "--people", "1500", "--seed", "7").exit_code == 0
    return folder


def _report(demo: Path, as_of: str, out: Path) -> str:
    result = run(
        "report", str(demo / "laiyuan-2023.db"), "--campaign", "laiyuan-2023", "--as-of", as_of,
        "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def test_townships_are_ranked_with_totals_and_the_laggards_marked(
    demo: Path, tmp_path: Path
) -> None:
    page = _report(demo, "2023-03-20", tmp_path / "r.html")
    table = page.split("<h2>按乡镇完成情况</h2>")[1].split("</table>")[0]
    rates = [float(r) for r in re.findall(r'<td class="n">([\d.]+)%</td></tr>', table)]
    assert rates[:-1] == sorted(rates[:-1])  # lowest completion first (the last is 合计)
    assert '<tr class="total"><td>合计</td>' in table
    assert "认证截止：2023年3月25日，还有 5 天" in page
    assert "暂无暂停发放人员" in page  # before the deadline: no empty table
    assert "@media print" in page
    assert "docs/rules.md" not in page
    assert re.search(r'<td class="n">\d{1,3}(,\d{3})+\.\d{2}</td>', page)  # thousands


def test_after_the_deadline_lists_are_collapsed_by_township(demo: Path, tmp_path: Path) -> None:
    page = _report(demo, "2023-06-30", tmp_path / "r.html")
    assert "还有" not in page.split("<h2>")[0]  # the deadline has passed
    section = page.split("<h2>暂停发放名单</h2>")[1].split("<h2>")[0]
    assert section.count("<details>") >= 5
    assert "<summary>" in section


@pytest.mark.slow
def test_the_report_stays_small_at_100000_people(tmp_path: Path) -> None:
    folder = tmp_path / "big"
    assert run("demo", "--dir", str(folder), "--people", "100000").exit_code == 0
    size = (folder / "report.html").stat().st_size
    assert size < 500_000, size


_PROBE = """
<script>
const overlaps = [];
for (const svg of document.querySelectorAll("svg.chart")) {
  const legend = svg.querySelector('[id^="legend"]');
  if (!legend) continue;
  const l = legend.getBoundingClientRect();
  for (const axes of svg.querySelectorAll('[id^="axes"]')) {
    const patches = Array.from(axes.querySelectorAll(':scope > [id^="patch"]')).slice(1);
    for (const bar of patches) {
      const b = bar.getBoundingClientRect();
      const w = Math.min(l.right, b.right) - Math.max(l.left, b.left);
      const h = Math.min(l.bottom, b.bottom) - Math.max(l.top, b.top);
      if (w > 0.5 && h > 0.5 && b.width > 0 && b.height > 0) overlaps.push(bar.id);
    }
  }
}
document.body.setAttribute("data-overlaps", JSON.stringify(overlaps));
document.body.setAttribute("data-charts", String(document.querySelectorAll("svg.chart").length));
</script>
"""


def test_legends_never_cover_bars_and_chinese_prints(demo: Path, tmp_path: Path) -> None:
    browser = chromium()
    page = _report(demo, "2023-06-30", tmp_path / "r.html")
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    dom = subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={tmp_path / 'p1'}", "--virtual-time-budget=5000",
         "--dump-dom", probe.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    charts = re.search(r'data-charts="(\d+)"', dom)
    assert charts is not None
    assert int(charts.group(1)) >= 4
    found = re.search(r'data-overlaps="([^"]*)"', dom)
    assert found is not None
    assert json.loads(found.group(1).replace("&quot;", '"')) == []
    reader = print_pdf(tmp_path / "r.html", tmp_path)
    assert len(reader.pages) >= 2
    first = reader.pages[0].extract_text()
    assert "认证进度报告" in first  # Chinese glyphs rendered with a CJK font


def test_the_report_names_a_cjk_font_with_fallbacks(demo: Path, tmp_path: Path) -> None:
    page = _report(demo, "2023-06-30", tmp_path / "r.html")
    style = page.split("<style>")[1].split("</style>")[0]
    fonts = re.search(r"font-family:([^;]+);", style)
    assert fonts is not None
    assert "Noto Sans CJK SC" in fonts.group(1)
    assert "Microsoft YaHei" in fonts.group(1)
    assert fonts.group(1).strip().endswith("sans-serif")


def test_charts_drawn_in_a_second_process_make_the_same_page(demo: Path) -> None:
    """The charts can be drawn by another process (``report`` does so on two cores or more)
    or, when it cannot, here: the page is the same byte for byte."""
    with SQLiteStore.open(demo / "laiyuan-2023.db") as store:
        snapshot = take_snapshot(store, "laiyuan-2023", dt.date(2023, 6, 30))
    here = render_report(snapshot)
    with second_process("sscert.reports.charts") as pool:
        there = render_report(snapshot, executor=pool)
    closed = ThreadPoolExecutor(1)
    closed.shutdown()
    assert there == here
    assert render_report(snapshot, executor=closed) == here
    assert here.count('class="chart"') == 4
