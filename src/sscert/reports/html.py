"""The progress report: one self-contained HTML file a director reads at a glance, that works
offline and prints — completion by township (sorted by completion rate, the lagging ones
highlighted) and by scheme, the days left before the deadline, certifications per day, the
channel mix, the suspension list by township, back-pay and overpayment totals, suspected
fraud leads (疑似冒领线索（待核查）, never a fine), review leads — with its sources.

It stays small at any size: long lists show, per township, the first rows and the number of
the rest (the reminder lists hold them all), each township in a collapsed ``<details>``.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import Executor
from decimal import Decimal
from pathlib import Path
from typing import Final

from sscert.channels import KNOWN_CHANNELS
from sscert.law import citation
from sscert.reports.charts import bar_chart, daily_chart, stacked_completion_chart
from sscert.reports.parallel import Jobs
from sscert.reports.reminders import chinese_date, reminder_rows
from sscert.reports.settlement import settlement_summary
from sscert.reports.snapshot import Completion, Snapshot, township_of
from sscert.values.money import Money

__all__ = ["LAGGING_GAP", "LEAD", "ROWS_PER_TOWNSHIP", "render_report", "write_report"]

#: A township whose completion rate is this far below the county's is highlighted.
LAGGING_GAP: Final = 0.10
#: Rows shown per township in a list; the rest are counted (the reminder lists hold them).
ROWS_PER_TOWNSHIP: Final = 25
LEAD: Final = "疑似冒领线索（待核查）"
REVIEW_NAMES: Final = {
    "data_record_after_death": "死亡后的数据比对记录",
    "late_report_overpaid": "逾期报告死亡并多发待遇",
    "criminal_threshold": "达到诈骗数额较大标准",
}
_overpayment = citation("handling-regulation", "第四十六条")
_fraud_law = citation("social-insurance-law", "第八十八条")

_STYLE = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
       "WenQuanYi Micro Hei", "Hiragino Sans GB", sans-serif;
       margin: 2rem auto; max-width: 1100px; color: #212121; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.2rem; border-bottom: 2px solid #1565c0; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .92rem; }
th, td { border: 1px solid #cfd8dc; padding: .3rem .6rem; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #eceff1; } tr.total td { font-weight: bold; background: #f5f5f5; }
tr.lagging td { background: #ffebee; } tr.lagging td:first-child { font-weight: bold; }
.kpis { display: flex; flex-wrap: wrap; gap: .8rem; }
.kpi { border: 1px solid #cfd8dc; border-radius: 6px; padding: .6rem 1rem; min-width: 9rem; }
.kpi b { display: block; font-size: 1.4rem; }
.deadline { font-size: 1.1rem; padding: .6rem 1rem; background: #fff8e1;
            border-left: 4px solid #f9a825; }
.chart { max-width: 100%; height: auto; }
.note { color: #546e7a; font-size: .85rem; }
details { margin: .3rem 0; } summary { cursor: pointer; font-weight: bold; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { page-break-after: avoid; break-after: avoid; }
  table, .chart, .kpis { page-break-inside: avoid; break-inside: avoid; }
  details { display: block; } details > summary { list-style: none; }
  details:not([open]) > *:not(summary) { display: block; }
  @page { size: A4; margin: 15mm; }
}
"""


def _e(value: object) -> str:
    return html.escape(str(value))


def _cell(value: object) -> str:
    """Numbers right-aligned (money with thousands separators), text left-aligned."""
    if isinstance(value, Money):
        return f'<td class="n">{value.amount:,.2f}</td>'
    if isinstance(value, Decimal):
        return f'<td class="n">{value:,.2f}</td>'
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<td class="n">{value:,}</td>'
    return f"<td>{_e(value)}</td>"


def _table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    numeric: Sequence[int] = (),
    classes: Sequence[str] = (),
    total: Sequence[object] | None = None,
) -> str:
    head = "".join(
        f'<th class="n">{_e(h)}</th>' if i in numeric else f"<th>{_e(h)}</th>"
        for i, h in enumerate(headers)
    )
    lines = []
    for k, row in enumerate(rows):
        css = f' class="{classes[k]}"' if k < len(classes) and classes[k] else ""
        lines.append(f"<tr{css}>" + "".join(_cell(c) for c in row) + "</tr>")
    if total is not None:
        lines.append('<tr class="total">' + "".join(_cell(c) for c in total) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>"


def _rate(certified: int, covered: int) -> str:
    return f"{certified / covered:.1%}" if covered else "—"


def _completion_table(groups: Sequence[Completion], label: str, *, rank: bool) -> str:
    covered = sum(g.covered for g in groups)
    certified = sum(g.certified for g in groups)
    county = certified / covered if covered else 0.0
    ordered = sorted(groups, key=lambda g: (g.rate, g.group)) if rank else list(groups)
    classes = [
        "lagging" if rank and g.covered and g.rate < county - LAGGING_GAP else "" for g in ordered
    ]
    rows = [
        [
            g.group,
            g.covered,
            g.certified,
            g.pending,
            g.suspended,
            g.deceased,
            _rate(g.certified, g.covered),
        ]
        for g in ordered
    ]
    total = [
        "合计",
        covered,
        certified,
        sum(g.pending for g in groups),
        sum(g.suspended for g in groups),
        sum(g.deceased for g in groups),
        _rate(certified, covered),
    ]
    return _table(
        [label, "应认证", "已认证", "待认证", "已暂停", "已死亡", "完成率"],
        rows,
        numeric=(1, 2, 3, 4, 5, 6),
        classes=classes,
        total=total,
    )


def _by_township_sections(
    rows: list[dict[str, object]],
    headers: Sequence[str],
    keys: Sequence[str],
    *,
    numeric: Sequence[int],
) -> str:
    """One collapsed section per township: the first rows, and how many more there are."""
    groups: dict[str, list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        groups[str(row["乡镇"])].append(row)
    parts = []
    for township, items in groups.items():
        shown = items[:ROWS_PER_TOWNSHIP]
        more = len(items) - len(shown)
        rest = (
            f'<p class="note">及其余 {more:,} 人：完整名单见提醒名单'
            "（reminders.xlsx 与各乡镇的电话、走访名单）。</p>"
            if more
            else ""
        )
        parts.append(
            f"<details><summary>{_e(township)}（{len(items):,} 人）</summary>"
            + _table(headers, ([r[k] for k in keys] for r in shown), numeric=numeric)
            + rest
            + "</details>"
        )
    return "".join(parts)


def _days_left(snapshot: Snapshot) -> str:
    deadline = snapshot.campaign.duty.next_deadline(snapshot.as_of)
    if deadline is None:
        return ""
    left = (deadline - snapshot.as_of).days
    when = "今天截止" if left == 0 else f"还有 {left} 天"
    return (
        f'<p class="deadline">认证截止：{chinese_date(deadline)}，{when}。逾期未认证的，'
        "自下一个发放日起暂停发放待遇。</p>"
    )


def render_report(snapshot: Snapshot, *, executor: Executor | None = None) -> str:
    """The report as one HTML document (charts inline, no outside resources). With an
    ``executor`` (:func:`~sscert.reports.second_process`) the charts are drawn there while
    this process writes the rest: the same document."""
    campaign = snapshot.campaign
    townships = snapshot.by_township()
    schemes = snapshot.by_scheme()
    covered = sum(g.covered for g in townships)
    certified = sum(g.certified for g in townships)
    suspended_count = sum(g.suspended for g in townships)
    totals = snapshot.totals()
    frauds = snapshot.suspected_frauds
    counted, rejected = snapshot.channel_mix()
    days = snapshot.certifications_per_day()
    window = campaign.window
    bounds = (window.start, window.end) if window else None
    first_day = min([*days, *(bounds or ())], default=snapshot.as_of)
    last_day = min(max([*days, *(bounds or ()), first_day]), snapshot.as_of)
    rows = reminder_rows(snapshot)
    suspended_rows = [r for r in rows if r["状态"] == "已暂停发放"]
    overpaid = [r for r in snapshot.results if r.totals.overpaid.is_positive]
    reviews = [(r, lead) for r in snapshot.results for lead in r.review]
    ranked = sorted(townships, key=lambda g: (g.rate, g.group))
    channel_names = {
        code: KNOWN_CHANNELS[code].name_zh if code in KNOWN_CHANNELS else code
        for code in {*counted, *rejected}
    }
    jobs = Jobs(executor)
    charts = [
        jobs.run(stacked_completion_chart, ranked, "按乡镇完成情况"),
        jobs.run(stacked_completion_chart, schemes, "按险种完成情况"),
        jobs.run(daily_chart, days, first_day, max(last_day, first_day), bounds),
        jobs.run(
            bar_chart,
            {channel_names[c]: n for c, n in counted.most_common()},
            "有效认证（按方式）",
        ),
    ]
    kpis = [
        ("应认证人数", f"{covered:,}"),
        ("已认证", f"{certified:,}"),
        ("完成率", _rate(certified, covered)),
        ("待认证", f"{sum(g.pending for g in townships):,}"),
        ("已暂停发放", f"{suspended_count:,}"),
        ("已死亡", f"{sum(g.deceased for g in townships):,}"),
        ("补发合计 (元)", f"{totals['backpaid'].amount:,.2f}"),
        ("暂停中金额 (元)", f"{totals['withheld'].amount:,.2f}"),
        ("多领待追回 (元)", f"{totals['overpaid'].amount:,.2f}"),
        (LEAD, f"{len(frauds):,}"),
    ]
    lagging = [
        g.group
        for g in ranked
        if g.covered and g.rate < (certified / covered if covered else 0) - LAGGING_GAP
    ]
    suspension_section = (
        _by_township_sections(
            suspended_rows,
            ["姓名", "身份证号", "险种", "暂停起始月", "已暂停金额"],
            ["姓名", "身份证号", "险种", "暂停起始月", "已暂停金额"],
            numeric=(4,),
        )
        if suspended_rows
        else '<p class="note">暂无暂停发放人员。</p>'
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(campaign.name)} 认证进度 {snapshot.as_of}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{_e(campaign.name)}：认证进度报告</h1>",
        f"<p>截至 {chinese_date(snapshot.as_of)}（{_e(campaign.duty.describe_zh())}）。"
        f"{_e(_trust_note(snapshot))}</p>",
        _days_left(snapshot),
        _invalid_note(snapshot),
        '<div class="kpis">'
        + "".join(f'<div class="kpi"><span>{_e(k)}</span><b>{_e(v)}</b></div>' for k, v in kpis)
        + "</div>",
        "<h2>按乡镇完成情况</h2>",
        (
            f'<p class="note">按完成率从低到高排列；完成率低于全县 {LAGGING_GAP:.0%} 以上的'
            f"乡镇标红：{_e('、'.join(lagging))}。</p>"
            if lagging
            else '<p class="note">按完成率从低到高排列。</p>'
        ),
        charts[0](),
        _completion_table(townships, "乡镇", rank=True),
        "<h2>按险种完成情况</h2>",
        charts[1](),
        _completion_table(schemes, "险种", rank=False),
        "<h2>每日认证人数</h2>",
        charts[2](),
        "<h2>认证方式</h2>",
        charts[3](),
        _table(
            ["认证方式", "有效认证", "未计入（方式不受理或早于认证开始）"],
            [[channel_names[c], counted[c], rejected[c]] for c in sorted({*counted, *rejected})],
            numeric=(1, 2),
            total=["合计", sum(counted.values()), sum(rejected.values())],
        ),
        "<h2>暂停发放名单</h2>",
        f'<p class="note">依据：{_e(campaign.citation("duty"))}；'
        f"{_e(campaign.citation('suspension'))}。完成认证后从停发之月起补发。身份证号已脱敏。</p>",
        suspension_section,
        "<h2>补发与多领</h2>",
        _table(
            ["项目", "金额（元）"],
            [
                ["按时发放", totals["paid_on_time"]],
                ["补发", totals["backpaid"]],
                ["暂停中", totals["withheld"]],
                ["死亡后多领（待追回）", totals["overpaid"]],
            ],
            numeric=(1,),
        ),
        f'<p class="note">死亡后多发的待遇应予追回（2023年12月1日起：{_e(_overpayment)}）；'
        "未发现冒领证据的，只追回，不罚款。</p>",
        _table(
            ["乡镇", "姓名", "身份证号", "死亡日期", "多领金额（元）", LEAD],
            [
                [
                    township_of(r),
                    r.person.name or "",
                    r.person.id_number.masked,
                    r.death_report.death.on if r.death_report else "",
                    r.totals.overpaid,
                    "是" if r.suspected_fraud else "否",
                ]
                for r in overpaid[: ROWS_PER_TOWNSHIP * 4]
            ],
            numeric=(4,),
            total=["合计", "", "", "", Money.sum(r.totals.overpaid for r in overpaid), ""],
        )
        if overpaid
        else '<p class="note">暂无死亡后多领。</p>',
        "<h2>死亡待遇结算</h2>",
        _settlement_section(snapshot),
        f"<h2>{LEAD}</h2>",
        '<p class="note">以下为线索，不是认定：死亡后仍有本人出面的认证记录（数据比对记录除外）。'
        "是否构成骗取、是否处罚及罚款数额，由社会保险行政部门经调查并依法定程序（告知、陈述申辩、"
        f"听证）决定（{_e(_fraud_law)}）。本报告不列罚款。</p>",
        _table(
            ["乡镇", "姓名", "身份证号", "死亡日期", "死后认证日期", "涉及金额（元）"],
            [
                [
                    township_of(r),
                    r.person.name or "",
                    r.person.id_number.masked,
                    r.death_report.death.on if r.death_report else "",
                    "、".join(str(c.on) for c in r.fraud_evidence),
                    r.penalty.repay if r.penalty else Money(0),
                ]
                for r in frauds
            ],
            numeric=(5,),
        )
        if frauds
        else '<p class="note">暂无。</p>',
        "<h2>待核查事项</h2>",
        _table(
            ["乡镇", "姓名", "身份证号", "事项", "说明"],
            [
                [
                    township_of(r),
                    r.person.name or "",
                    r.person.id_number.masked,
                    REVIEW_NAMES.get(lead.reason.value, lead.reason.value),
                    lead.detail,
                ]
                for r, lead in reviews
            ],
        )
        if reviews
        else '<p class="note">暂无。</p>',
        "<h2>说明</h2>",
        '<p class="note">“应认证”为本次认证覆盖的人员；“已认证”含逾期后补认证的人员；'
        "“已暂停”为截至报告日逾期未认证、已暂停发放的人员；金额单位为元。每项计算及其法律依据"
        "（含条文原文或摘要及施行日期）见各人的计算结果（sscert store calculate）。</p>",
        f'<p class="note">本报告由 sscert 生成，数据截至 {chinese_date(snapshot.as_of)}；'
        f"数据存储链头 <code>{snapshot.chain_head[:16]}</code>。身份证号、电话已脱敏。</p>",
        "</body></html>",
    ]
    return "\n".join(part for part in parts if part)


_SETTLEMENT_HEADERS: Final = (
    "乡镇", "结算人数", "遗属待遇（元）", "抵扣（元）", "应退回（元）", "分期协议",
    "应付继承人（元）", "未计算项目",
)  # fmt: skip


def _settlement_section(snapshot: Snapshot) -> str:
    """死亡待遇结算 by township: who is settled, what the heirs receive, what is set off and
    what remains to repay, instalment plans, and items that could not be computed."""
    rows = settlement_summary(snapshot.results)
    if not rows:
        return '<p class="note">暂无需要结算的死亡人员。</p>'
    keys = ("结算人数", "遗属待遇", "抵扣", "应退回", "分期协议", "应付继承人", "未计算项目")
    money_keys = ("遗属待遇", "抵扣", "应退回", "应付继承人")

    def total(key: str) -> object:
        if key in money_keys:
            return Money.sum(r[key] for r in rows)
        return sum(int(r[key]) for r in rows)

    missing = sum(int(r["未计算项目"]) for r in rows)
    note = (
        f'<p class="note">有 {missing:,} 项遗属待遇因缺少参数（如上年度城镇居民月人均可支配收入、'
        "缴费年限）未计算，需经办机构核定；每人的结算单可用 sscert settlement 打印。</p>"
        if missing
        else '<p class="note">每人的结算单（死亡待遇结算单）可用 sscert settlement 打印。</p>'
    )
    return (
        _table(
            _SETTLEMENT_HEADERS,
            [[r["乡镇"], *(r[k] for k in keys)] for r in rows],
            numeric=tuple(range(1, 8)),
            total=["合计", *(total(k) for k in keys)],
        )
        + note
    )


def _trust_note(snapshot: Snapshot) -> str:
    if snapshot.attested:
        return "本存储为验签存储：每条认证记录均附有经核验的认证凭证。"
    return (
        f"本存储未设置受信密钥：其中 {snapshot.unattested} 条认证记录未附认证凭证"
        "（如按纸质表录入），请按经办规程核对。"
    )


def _invalid_note(snapshot: Snapshot) -> str:
    if not snapshot.invalid:
        return ""
    items = "".join(f"<li>{_e(p.id_number or '')}：{_e(p.reason)}</li>" for p in snapshot.invalid)
    return (
        f'<p class="note">以下 {len(snapshot.invalid)} 人的存储记录不完整或有误，未计入本报告，'
        f"请核实后补正：</p><ul>{items}</ul>"
    )


def write_report(snapshot: Snapshot, path: str | Path, *, executor: Executor | None = None) -> Path:
    """Write :func:`render_report` to ``path`` (its folder made when missing)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(snapshot, executor=executor), encoding="utf-8")
    return path
