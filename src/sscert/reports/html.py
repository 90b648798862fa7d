"""The progress report: one self-contained HTML file that works offline — completion by
township and by scheme, certifications per day across the window, the channel mix, the
suspension list, back-pay and overpayment totals, suspected frauds — with its sources."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from pathlib import Path

from sscert.channels import KNOWN_CHANNELS
from sscert.law import citation
from sscert.reports.charts import bar_chart, daily_chart, stacked_completion_chart
from sscert.reports.reminders import reminder_rows
from sscert.reports.snapshot import Completion, Snapshot, township_of

__all__ = ["render_report", "write_report"]

_STYLE = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif;
       margin: 2rem auto; max-width: 1100px; color: #212121; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { margin-top: 2.2rem; border-bottom: 2px solid #1565c0; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .92rem; }
th, td { border: 1px solid #cfd8dc; padding: .3rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; } th { background: #eceff1; }
.kpis { display: flex; flex-wrap: wrap; gap: .8rem; }
.kpi { border: 1px solid #cfd8dc; border-radius: 6px; padding: .6rem 1rem; min-width: 9rem; }
.kpi b { display: block; font-size: 1.4rem; }
.chart { max-width: 100%; height: auto; }
.note { color: #546e7a; font-size: .85rem; }
"""


LEAD = "疑似冒领线索（待核查）"
REVIEW_NAMES = {
    "data_record_after_death": "死亡后的数据比对记录",
    "late_report_overpaid": "逾期报告死亡并多发待遇",
    "criminal_threshold": "达到诈骗数额较大标准",
}
_overpayment = citation("handling-regulation", "第四十六条")
_fraud_law = citation("social-insurance-law", "第八十八条")


def _e(value: object) -> str:
    return html.escape(str(value))


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _completion_table(groups: Sequence[Completion], label: str) -> str:
    return _table(
        [label, "应认证", "已认证", "待认证", "已暂停", "已死亡", "完成率"],
        [
            [g.group, g.covered, g.certified, g.pending, g.suspended, g.deceased, f"{g.rate:.1%}"]
            for g in groups
        ],
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


def render_report(snapshot: Snapshot) -> str:
    """The report as one HTML document (charts inline, no outside resources)."""
    campaign = snapshot.campaign
    townships = snapshot.by_township()
    schemes = snapshot.by_scheme()
    covered = sum(g.covered for g in townships)
    certified = sum(g.certified for g in townships)
    totals = snapshot.totals()
    frauds = snapshot.suspected_frauds
    counted, rejected = snapshot.channel_mix()
    days = snapshot.certifications_per_day()
    window = (campaign.window.start, campaign.window.end) if campaign.window else None
    first_day = min([*days, *(window or ())], default=snapshot.as_of)
    last_day = min(max([*days, *(window or ()), first_day]), snapshot.as_of)
    rows = reminder_rows(snapshot)
    suspended_rows = [r for r in rows if r["状态"] == "已暂停发放"]
    overpaid = [r for r in snapshot.results if r.totals.overpaid.is_positive]
    kpis = [
        ("应认证人数", covered),
        ("已认证", certified),
        ("完成率", f"{certified / covered:.1%}" if covered else "—"),
        ("待认证", sum(g.pending for g in townships)),
        ("已暂停发放", sum(g.suspended for g in townships)),
        ("已死亡", sum(g.deceased for g in townships)),
        ("补发合计 (元)", totals["backpaid"]),
        ("暂停中金额 (元)", totals["withheld"]),
        ("多领待追回 (元)", totals["overpaid"]),
        (LEAD, len(frauds)),
    ]
    period = campaign.duty.describe_zh()
    channel_names = {
        code: f"{KNOWN_CHANNELS[code].name_zh}" if code in KNOWN_CHANNELS else code
        for code in {*counted, *rejected}
    }
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{_e(campaign.name)} 认证进度 {snapshot.as_of}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{_e(campaign.name)}：认证进度报告</h1>",
        f"<p>截至 {snapshot.as_of}（{_e(period)}）。"
        f"数据存储链头 <code>{snapshot.chain_head[:16]}</code>。{_e(_trust_note(snapshot))}</p>",
        _invalid_note(snapshot),
        '<div class="kpis">'
        + "".join(f'<div class="kpi"><span>{_e(k)}</span><b>{_e(v)}</b></div>' for k, v in kpis)
        + "</div>",
        "<h2>按乡镇完成情况</h2>",
        stacked_completion_chart(townships, "按乡镇完成情况"),
        _completion_table(townships, "乡镇"),
        "<h2>按险种完成情况</h2>",
        stacked_completion_chart(schemes, "按险种完成情况"),
        _completion_table(schemes, "险种"),
        "<h2>每日认证人数</h2>",
        daily_chart(days, first_day, max(last_day, first_day), window),
        "<h2>认证方式</h2>",
        bar_chart({channel_names[c]: n for c, n in counted.most_common()}, "有效认证（按方式）"),
        _table(
            ["认证方式", "有效认证", "未计入（方式不受理或早于认证时间）"],
            [[channel_names[c], counted[c], rejected[c]] for c in sorted({*counted, *rejected})],
        ),
        "<h2>暂停发放名单</h2>",
        f'<p class="note">依据：{_e(campaign.citation("duty"))}；'
        f"{_e(campaign.citation('suspension'))}：完成认证后从停发之月起补发。"
        "身份证号、电话已脱敏。</p>",
        _table(
            ["乡镇", "姓名", "身份证号", "险种", "暂停起始月", "已暂停金额"],
            [
                [r["乡镇"], r["姓名"], r["身份证号"], r["险种"], r["暂停起始月"], r["已暂停金额"]]
                for r in suspended_rows
            ],
        ),
        "<h2>补发与多领</h2>",
        _table(
            ["项目", "金额（元）"],
            [
                ["按时发放", totals["paid_on_time"]],
                ["补发", totals["backpaid"]],
                ["暂停中", totals["withheld"]],
                ["死亡后多领（待追回）", totals["overpaid"]],
            ],
        ),
        f'<p class="note">死亡后多发的待遇应予追回（2023年12月1日起：{_e(_overpayment)}）；'
        "未发现冒领证据的，只追回，不罚款。</p>",
        _table(
            ["乡镇", "姓名", "身份证号", "死亡日期", "多领金额", LEAD],
            [
                [
                    township_of(r),
                    r.person.name or "",
                    r.person.id_number.masked,
                    r.death_report.death.on if r.death_report else "",
                    r.totals.overpaid,
                    "是" if r.suspected_fraud else "否",
                ]
                for r in overpaid
            ],
        ),
        f"<h2>{LEAD}</h2>",
        f'<p class="note">以下为线索，不是认定：死亡后仍有本人出面的认证记录（数据比对记录除外）。'
        f"是否构成骗取、是否处罚及罚款数额，由社会保险行政部门经调查并依法定程序（告知、陈述申辩、"
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
                    r.penalty.repay if r.penalty else "0.00",
                ]
                for r in frauds
            ],
        ),
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
                for r in snapshot.results
                for lead in r.review
            ],
        ),
        f'<p class="note">sscert 生成。规则与出处见 docs/rules.md。数据截至 {snapshot.as_of}。</p>',
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(snapshot: Snapshot, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(snapshot), encoding="utf-8")
    return path
