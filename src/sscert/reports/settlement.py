"""The settlement after a death, for the family and the auditor: a statement in the
terminal (``sscert settlement``), a printable 死亡待遇结算单 (HTML, A4, Chinese), and the flat
rows the archive and the progress report are made of.

The statement shows every amount with how it was reached and what it rests on (the law in
force on the date of death, each labelled 原文 or 摘要); items that could not be computed say
what is missing. It computes; the agency decides and signs.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final

from sscert.campaigns import Campaign
from sscert.i18n import _, current_language
from sscert.law import Citation
from sscert.reports.snapshot import township_of
from sscert.rules.engine import PersonResult
from sscert.rules.settlement import Against, Settlement, missing_text
from sscert.sms import chinese_date
from sscert.values.money import Money

__all__ = [
    "SETTLEMENT_COLUMNS",
    "settlement_row",
    "settlement_summary",
    "statement_html",
    "statement_text",
    "write_statement_html",
]

SETTLEMENT_COLUMNS: Final = (
    "乡镇", "姓名", "身份证号", "死亡日期", "报告日期", "补发已付", "补发未付", "多发待遇",
    "遗属待遇", "未计算项目", "可继承账户余额", "抵扣合计", "应退回", "分期月数", "应付继承人",
)  # fmt: skip
_AGAINST_ZH: Final = {
    Against.ARREARS: "未付补发待遇",
    Against.SURVIVOR_BENEFITS: "遗属待遇",
    Against.ACCOUNT_BALANCE: "个人账户可继承余额",
}
_STATUS_ZH: Final = {"computed": "已计算", "not_computed": "未计算", "to_assess": "待核定"}


def _yuan(amount: Money) -> str:
    return f"{amount.amount:,.2f}"


def settlement_row(result: PersonResult, *, unmasked: bool = False) -> dict[str, Any]:
    """One deceased person's settlement as a flat row (:data:`SETTLEMENT_COLUMNS`); amounts
    are ``Decimal`` (numbers in a spreadsheet)."""
    s = result.settlement
    assert s is not None
    person = result.person
    return {
        "乡镇": township_of(result),
        "姓名": person.name or "",
        "身份证号": person.id_number.value if unmasked else person.id_number.masked,
        "死亡日期": s.died_on.isoformat(),
        "报告日期": s.reported_on.isoformat(),
        "补发已付": s.arrears_paid.amount,
        "补发未付": s.arrears_unpaid.amount,
        "多发待遇": s.overpaid.amount,
        "遗属待遇": s.survivor_total.amount,
        "未计算项目": "；".join(
            f"{b.scheme.name_zh}{b.item.zh}（缺{missing_text(b.missing, zh=True)}）"
            for b in s.not_computed
        ),
        "可继承账户余额": s.inheritable.amount,
        "抵扣合计": s.offset_total.amount,
        "应退回": s.to_repay.amount,
        "分期月数": len(s.instalments) if s.instalments else "",
        "应付继承人": s.net_to_heirs.amount,
    }


def settlement_summary(results: Iterable[PersonResult]) -> list[dict[str, Any]]:
    """By township: people settled, survivor benefits, to repay, instalment plans, net to
    heirs, items not computed (for the progress report)."""
    groups: dict[str, list[Settlement]] = defaultdict(list)
    for result in results:
        if result.settlement is not None:
            groups[township_of(result)].append(result.settlement)
    rows = []
    for township in sorted(groups):
        items = groups[township]
        rows.append(
            {
                "乡镇": township,
                "结算人数": len(items),
                "遗属待遇": Money.sum(s.survivor_total for s in items),
                "抵扣": Money.sum(s.offset_total for s in items),
                "应退回": Money.sum(s.to_repay for s in items),
                "分期协议": sum(1 for s in items if s.instalments),
                "应付继承人": Money.sum(s.net_to_heirs for s in items),
                "未计算项目": sum(len(s.not_computed) for s in items),
            }
        )
    return rows


# --- the terminal statement ----------------------------------------------------------------


def _cited(citations: Sequence[Citation]) -> str:
    return "; ".join(f"{c} ({c.label})" for c in citations if str(c))


def statement_text(result: PersonResult, *, unmasked: bool = False) -> str:
    """The settlement as text for the terminal, in the current language."""
    s = result.settlement
    assert s is not None
    person = result.person
    number = person.id_number.value if unmasked else person.id_number.masked
    lines = [
        _("Settlement after a death (死亡待遇结算), as of {as_of}").format(as_of=result.as_of),
        _("  person: {name} {number}").format(name=person.name or "", number=number),
        _("  died on {died}, reported on {reported}").format(
            died=s.died_on, reported=s.reported_on
        ),
        _("arrears (补发): {paid} paid to the heirs, {unpaid} still to pay").format(
            paid=s.arrears_paid, unpaid=s.arrears_unpaid
        ),
        _("overpaid after the death: {overpaid}").format(overpaid=s.overpaid),
        _("survivor benefits (遗属待遇):"),
    ]
    for b in s.survivor_benefits:
        if b.amount is not None:
            what = str(b.amount) if b.counted else _("{amount} (not paid)").format(amount=b.amount)
        elif b.status == "to_assess":
            what = _("to assess")
        else:
            what = _("not computed")
        basis = b.basis_zh if _is_zh() else b.basis
        lines.append(f"  {b.scheme.name_zh} {b.item.zh}: {what} — {basis}")
        if b.missing:
            lines.append(
                _("    missing: {missing}").format(missing=missing_text(b.missing, zh=_is_zh()))
            )
    if not s.survivor_benefits:
        lines.append(_("  none"))
    if s.account is not None:
        lines.append(
            _("personal account: balance {balance}, inheritable {inheritable}").format(
                balance=s.account.balance, inheritable=s.account.inheritable
            )
        )
    for offset in s.offsets:
        against = _AGAINST_ZH[offset.against] if _is_zh() else offset.against.value
        lines.append(
            _("set off against {against}: {amount}").format(against=against, amount=offset.amount)
        )
    lines.append(_("to repay: {amount}").format(amount=s.to_repay))
    if s.instalments:
        lines.append(
            _("instalments: {count} months from {first}: {amounts}").format(
                count=len(s.instalments),
                first=s.instalments[0].month,
                amounts=", ".join(str(i.amount) for i in s.instalments),
            )
        )
    lines.append(_("net to the heirs: {amount}").format(amount=s.net_to_heirs))
    lines.append(_("why:"))
    for decision in s.decisions:
        cited = _cited(decision.citations)
        lines.append(f"  - {decision.reason}" + (f" [{cited}]" if cited else ""))
    return "\n".join(lines)


def _is_zh() -> bool:
    return current_language() == "zh"


# --- the printable statement ---------------------------------------------------------------

_STYLE: Final = """
@page { size: A4; margin: 14mm 14mm; }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC",
       "Noto Sans CJK SC", "Microsoft YaHei", "WenQuanYi Micro Hei", serif; color: #000;
       margin: 0; font-size: 10.5pt; }
.statement { page-break-after: always; break-after: page; }
.statement:last-child { page-break-after: auto; break-after: auto; }
h1 { text-align: center; font-size: 18pt; letter-spacing: .3em; margin: 0 0 .4em; }
.meta { text-align: center; margin: 0 0 .8em; font-size: 9.5pt; }
table { border-collapse: collapse; width: 100%; margin: .2em 0 .4em; table-layout: fixed; }
table.items td:first-child, table.items th:first-child { width: 38%; }
table.items td:nth-child(2), table.items th:nth-child(2) { width: 17%; }
table.plan { font-size: 9pt; }
th, td { border: 1px solid #000; padding: 3px 6px; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th { background: #eee; font-weight: normal; }
h2 { font-size: 11pt; margin: .5em 0 .15em; }
tr.total td { font-weight: bold; }
.basis { font-size: 9pt; }
.law { font-size: 8.5pt; } .law li { margin: .1em 0; }
.sign { margin-top: 1.2em; display: flex; justify-content: space-between; }
.note { font-size: 8.5pt; color: #333; }
@media screen { .statement { max-width: 180mm; margin: 1.5em auto; padding: 1.5em;
                border: 1px solid #ccc; } }
"""


def _row(label: str, amount: Money | None, basis: str = "", *, total: bool = False) -> str:
    e = html.escape
    cells = f"<td>{e(label)}</td><td class='n'>{_yuan(amount) if amount is not None else '—'}</td>"
    cells += f"<td class='basis'>{e(basis)}</td>"
    return f"<tr{' class=total' if total else ''}>{cells}</tr>"


def _statement(result: PersonResult, campaign: Campaign, *, unmasked: bool) -> str:
    s = result.settlement
    assert s is not None
    person = result.person
    e = html.escape
    number = person.id_number.value if unmasked else person.id_number.masked
    benefits = []
    for b in s.survivor_benefits:
        if b.amount is not None:
            basis = b.basis_zh
        elif b.status == "to_assess":
            basis = f"待核定：需{missing_text(b.missing, zh=True)}"
        else:
            basis = f"未计算：缺{missing_text(b.missing, zh=True)}（不作推测）"
        label = f"{b.scheme.name_zh} {b.item.zh}（{_STATUS_ZH.get(b.status, b.status)}）"
        benefits.append(_row(label, b.amount if b.counted else None, basis))
    if not benefits:
        benefits.append(_row("无", None, "死亡当月无在发待遇"))
    offsets = [
        _row(f"抵扣{_AGAINST_ZH[o.against]}", o.amount, "多发待遇先抵扣应付继承人的款项")
        for o in s.offsets
    ] or [_row("无抵扣", Money(0))]
    plan = ""
    if s.instalments:
        cells = [
            f"<td>{i.number}</td><td>{i.month}</td><td class='n'>{_yuan(i.amount)}</td>"
            for i in s.instalments
        ]
        per_row = 4
        rows = [
            "<tr>" + "".join(cells[k : k + per_row]) + "</tr>"
            for k in range(0, len(cells), per_row)
        ]
        head = "<th>期</th><th>月份</th><th>金额（元）</th>" * min(per_row, len(cells))
        plan = (
            f'<h2>六、分期退回计划</h2><table class="plan"><tr>{head}</tr>{"".join(rows)}</table>'
        )
    laws: dict[str, Citation] = {}
    for decision in s.decisions:
        for c in decision.citations:
            if str(c).strip():
                laws.setdefault(str(c), c)
    law_items = "".join(
        f"<li>{e(str(c))}（{e(c.label)}"
        + (f"，{c.in_force}起施行" if c.in_force else "")
        + f"）：{e(c.text)}</li>"
        for c in laws.values()
    )
    account = (
        _row("个人账户余额", s.account.balance, "死亡时余额")
        + _row("其中可继承部分", s.account.inheritable, "个人账户余额可以继承")
        if s.account is not None
        else _row("个人账户", None, "未提供")
    )
    return (
        '<section class="statement">'
        "<h1>死亡待遇结算单</h1>"
        f'<p class="meta">{e(campaign.name)}　结算日期：{chinese_date(result.as_of)}</p>'
        "<h2>一、基本信息</h2><table>"
        f"<tr><th>姓名</th><td>{e(person.name or '')}</td>"
        f"<th>身份证号</th><td>{e(number)}</td></tr>"
        f"<tr><th>乡镇</th><td>{e(person.township or '')}</td><th>险种</th>"
        f"<td>{e('、'.join(en.scheme.name_zh for en in person.entitlements))}</td></tr>"
        f"<tr><th>死亡日期</th><td>{chinese_date(s.died_on)}</td><th>报告日期</th>"
        f"<td>{chinese_date(s.reported_on)}</td></tr></table>"
        "<h2>二、待遇结算</h2><table class='items'>"
        "<tr><th>项目</th><th>金额（元）</th><th>说明</th></tr>"
        + _row("已补发给继承人的待遇", s.arrears_paid, "死亡当月及以前暂停发放的月份")
        + _row("尚未支付的补发待遇", s.arrears_unpaid, "死亡当月及以前仍暂停的月份")
        + _row("死亡后多发的待遇", s.overpaid, "死亡次月起已发放的待遇，应予退回")
        + "</table><h2>三、遗属待遇</h2>"
        + "<table class='items'><tr><th>项目</th><th>金额（元）</th><th>计算</th></tr>"
        + "".join(benefits)
        + _row("遗属待遇合计", s.survivor_total, "", total=True)
        + "</table><h2>四、个人账户</h2><table class='items'>"
        + account
        + "</table><h2>五、抵扣与退回</h2><table class='items'>"
        + "".join(offsets)
        + _row("应退回金额", s.to_repay, "可一次退回，或签订还款协议分期退回", total=True)
        + "</table>"
        + plan
        + "<h2>应支付给继承人</h2><table class='items'>"
        + _row(
            "应支付给继承人合计",
            s.net_to_heirs,
            "未付补发 + 遗属待遇 + 可继承余额 − 抵扣",
            total=True,
        )
        + "</table>"
        + f'<h2>依据</h2><ul class="law">{law_items}</ul>'
        + '<p class="note">本结算单由 sscert 按规则计算，标“摘要”的为条文摘要，非原文；'
        "未计算项目缺少所需参数，需经办机构核定。对结算不服的，可以依法申请行政复议或者提起行政诉讼"
        "（《中华人民共和国社会保险法》第八十三条）。</p>"
        '<div class="sign"><span>经办人：</span><span>复核人：</span>'
        "<span>继承人（签字）：</span><span>日期：</span></div>"
        "</section>"
    )


def statement_html(
    results: Sequence[PersonResult], campaign: Campaign, *, unmasked: bool = False
) -> str:
    """死亡待遇结算单 for every deceased person of ``results``: one A4 statement each."""
    settled = [r for r in results if r.settlement is not None]
    sections = "".join(_statement(r, campaign, unmasked=unmasked) for r in settled)
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>死亡待遇结算单 {html.escape(campaign.name)}</title><style>{_STYLE}</style>"
        f"</head><body>{sections}</body></html>"
    )


def write_statement_html(
    path: str | Path, results: Sequence[PersonResult], campaign: Campaign, *, unmasked: bool = False
) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(statement_html(results, campaign, unmasked=unmasked), encoding="utf-8")
    return path
