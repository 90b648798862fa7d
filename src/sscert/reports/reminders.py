"""Reminder lists (涞源县社会保险待遇领取资格认证通知 (2023) 四、注意事项:
乡镇劳动保障事务所经办人员、各行政村协办人员要及时提醒): everyone pending or suspended,
by township, with the township office's phone and the enquiry line for their scheme, as CSV
and Excel for the offices and village assistants; and the SMS or notice text for each
person.

The lists leave the agency, so ID and phone numbers are masked unless the caller asks.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any, Final

from sscert.campaigns import Campaign, Contact
from sscert.channels import KNOWN_CHANNELS
from sscert.reports.snapshot import Snapshot, township_of
from sscert.rules.engine import PersonResult
from sscert.rules.payroll import Outcome
from sscert.rules.status import Status
from sscert.spreadsheet import neutralise, sheet_name, xlsx_append
from sscert.values.phone import mask_phone_text

__all__ = ["COLUMNS", "notice_text", "reminder_rows", "write_reminders"]

COLUMNS: Final = (
    "乡镇", "乡镇事务所电话", "姓名", "身份证号", "联系电话", "险种", "咨询电话", "状态",
    "认证截止", "暂停起始月", "已暂停金额",
)  # fmt: skip
_STATUS_ZH: Final = {Status.PENDING: "待认证", Status.SUSPENDED: "已暂停发放"}


def _lines(campaign: Campaign, result: PersonResult) -> list[Contact]:
    lines: list[Contact] = []
    for scheme in sorted({e.scheme for e in result.person.entitlements}):
        try:
            line = campaign.hotline_for(scheme)
        except LookupError:
            continue
        if line not in lines:
            lines.append(line)
    return lines


def _deadline(campaign: Campaign, result: PersonResult) -> str:
    return result.next_due.isoformat() if result.next_due else ""


def _suspended_since(result: PersonResult) -> str:
    months = [r.month for r in result.months if r.outcome is Outcome.WITHHELD]
    return str(min(months)) if months else ""


def _channels_zh(campaign: Campaign) -> str:
    names = [f"“{KNOWN_CHANNELS[c].name_zh}”" for c in campaign.channels if c in KNOWN_CHANNELS]
    apps = [n for n, c in zip(names, campaign.channels, strict=False) if c != "assisted"]
    return "或".join(apps) if apps else "、".join(names)


def notice_text(campaign: Campaign, result: PersonResult) -> str:
    """The SMS / notice for one person, in Chinese: the deadline and the channels."""
    office = campaign.township_office(result.person.township or "")
    lines = _lines(campaign, result)
    hotline = lines[0].phone if lines else ""
    who = result.person.name or "您"
    where = (
        f"，或联系{office.office}（{office.phone}）办理线下辅助认证"
        if office
        else "，或联系经办机构办理线下辅助认证"
    )
    call = f"咨询电话：{hotline}。" if hotline else ""
    apps = _channels_zh(campaign)
    if result.status is Status.SUSPENDED:
        since = _suspended_since(result)
        paused = f"自{since[:4]}年{int(since[5:]) if since else 0}月起" if since else ""
        return (
            f"【{campaign.name}】{who}您好！您尚未完成社会保险待遇领取资格认证，{paused}待遇已暂停发放。"
            f"请尽快通过{apps}手机APP刷脸认证{where}。完成认证后将恢复发放并从停发之月起补发。{call}"
        )
    deadline = _deadline(campaign, result)
    return (
        f"【{campaign.name}】{who}您好！请于{deadline}前完成社会保险待遇领取资格认证：可通过{apps}"
        f"手机APP刷脸认证（任选其一）{where}。逾期未认证将暂停发放待遇。{call}"
    )


def reminder_rows(snapshot: Snapshot, *, unmasked: bool = False) -> list[dict[str, Any]]:
    """One row per person pending or suspended, in township order."""
    campaign = snapshot.campaign
    rows = []
    for result in snapshot.needing_reminder:
        person = result.person
        office = campaign.township_office(person.township or "")
        phone = person.phone or ""
        rows.append(
            {
                "乡镇": township_of(result),
                "乡镇事务所电话": office.phone if office else "",
                "姓名": person.name or "",
                "身份证号": person.id_number.value if unmasked else person.id_number.masked,
                "联系电话": phone if unmasked else mask_phone_text(phone) if phone else "",
                "险种": "、".join(sorted({e.scheme.name_zh for e in person.entitlements})),
                "咨询电话": "、".join(c.phone for c in _lines(campaign, result)),
                "状态": _STATUS_ZH[result.status],
                "认证截止": _deadline(campaign, result),
                "暂停起始月": _suspended_since(result),
                "已暂停金额": str(result.totals.withheld),
                "_notice": notice_text(campaign, result),
                "_phone": phone if unmasked else mask_phone_text(phone) if phone else "",
            }
        )
    return rows


def write_reminders(snapshot: Snapshot, out: Path, *, unmasked: bool = False) -> dict[str, Path]:
    """Write ``reminders.csv``, ``reminders.xlsx`` (a sheet per township) and ``notices.csv``
    (the SMS text per person) into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    rows = reminder_rows(snapshot, unmasked=unmasked)
    paths = {
        "csv": out / "reminders.csv",
        "xlsx": out / "reminders.xlsx",
        "notices": out / "notices.csv",
    }
    with paths["csv"].open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([neutralise(str(row[c])) for c in COLUMNS])
    with paths["notices"].open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["乡镇", "姓名", "身份证号", "联系电话", "短信内容"])
        for row in rows:
            writer.writerow(
                [
                    neutralise(str(v))
                    for v in (
                        row["乡镇"],
                        row["姓名"],
                        row["身份证号"],
                        row["_phone"],
                        row["_notice"],
                    )
                ]
            )
    _write_xlsx(paths["xlsx"], rows, snapshot)
    return paths


def _write_xlsx(path: Path, rows: list[dict[str, Any]], snapshot: Snapshot) -> None:
    import openpyxl  # noqa: PLC0415 - an optional dependency, loaded when needed
    from openpyxl.styles import Font  # noqa: PLC0415

    book = openpyxl.Workbook()
    summary = book.active
    summary.title = "汇总"
    used = {summary.title}
    xlsx_append(summary, ["乡镇", "乡镇事务所电话", "待认证", "已暂停发放"])
    by_township: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_township[row["乡镇"]].append(row)
    for township, items in by_township.items():
        xlsx_append(
            summary,
            [
                township,
                items[0]["乡镇事务所电话"],
                sum(r["状态"] == "待认证" for r in items),
                sum(r["状态"] == "已暂停发放" for r in items),
            ],
        )
        sheet = book.create_sheet(title=sheet_name(township, used))
        xlsx_append(sheet, list(COLUMNS))
        for item in items:
            # Text cells as text: no ID number becomes a float, no formula runs.
            xlsx_append(sheet, [str(item[c]) for c in COLUMNS])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    for cell in summary[1]:
        cell.font = Font(bold=True)
    summary.append([])
    xlsx_append(summary, [f"{snapshot.campaign.name}，截至 {snapshot.as_of}"])
    book.save(path)
