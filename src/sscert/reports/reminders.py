"""Reminder lists people can act on (涞源县社会保险待遇领取资格认证通知 (2023) 四、注意事项:
乡镇劳动保障事务所经办人员、各行政村协办人员要及时提醒): everyone pending or suspended, by
township, in the campaign's order.

In ``out/``:

* ``reminders.csv`` and ``reminders.xlsx`` (汇总 and a sheet per township) — everyone to
  remind, ID and phone numbers masked;
* ``notices.csv`` — the SMS text for each person;
* per township, a folder with ``电话名单.xlsx`` (the call list: phone numbers in full by
  default, so that staff can call — the command records the export in the store's access
  log), ``走访名单.xlsx`` (the visit list: people with no phone, with their village and
  address), ``短信.csv`` (phone and text, for an SMS platform; phones masked unless asked)
  and ``通知书.html`` (one printable A4 notice a person: 催告通知书 before the due date,
  暂停发放告知书 after it, with the right to 行政复议 or a lawsuit, 社会保险法 第八十三条).

SMS texts are at most 70 characters (one message), signed with the office, with the date as
``2023年3月25日``, the hotline of the person's own scheme and "认证不收费，谨防诈骗".
"""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import Executor
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from sscert.campaigns import Campaign, Contact
from sscert.channels import KNOWN_CHANNELS
from sscert.reports.parallel import Jobs
from sscert.reports.snapshot import Snapshot, township_of
from sscert.rules.engine import PersonResult
from sscert.rules.payroll import Outcome
from sscert.rules.status import Status
from sscert.sms import (
    DEFAULT_SIGNATURE,
    FRAUD_WARNING,
    SMS_LIMIT,
    chinese_date,
    fit,
    hotline,
    scheme_lines,
    signature,
)
from sscert.spreadsheet import file_name, open_book, sheet_name, write_csv, write_sheet
from sscert.values.phone import mask_phone_text

__all__ = [
    "COLUMNS",
    "DEFAULT_SIGNATURE",
    "SMS_LIMIT",
    "chinese_date",
    "notice_text",
    "reminder_rows",
    "sms_text",
    "write_reminders",
]

COLUMNS: Final = (
    "乡镇", "乡镇事务所电话", "姓名", "身份证号", "联系电话", "险种", "咨询电话", "状态",
    "认证截止", "暂停起始月", "已暂停金额", "编号", "村", "地址",
)  # fmt: skip
CALL_COLUMNS: Final = (
    "编号", "姓名", "身份证号", "联系电话", "险种", "状态", "认证截止", "暂停起始月",
    "已暂停金额", "咨询电话", "联系结果",
)  # fmt: skip
VISIT_COLUMNS: Final = (
    "编号", "姓名", "身份证号", "村", "地址", "险种", "状态", "认证截止", "暂停起始月",
    "已暂停金额", "走访结果",
)  # fmt: skip
_STATUS_ZH: Final = {Status.PENDING: "待认证", Status.SUSPENDED: "已暂停发放"}
_APPS: Final = ("hebei_renshe", "yirenshe", "consular")


def _lines(campaign: Campaign, result: PersonResult) -> list[Contact]:
    return scheme_lines(campaign, (e.scheme for e in result.person.entitlements))


def _hotline(campaign: Campaign, result: PersonResult) -> str:
    return hotline(campaign, (e.scheme for e in result.person.entitlements), result.person.township)


def _deadline(result: PersonResult) -> dt.date | None:
    return result.next_due


def _suspended_since(result: PersonResult) -> str:
    months = [r.month for r in result.months if r.outcome is Outcome.WITHHELD]
    return str(min(months)) if months else ""


def _apps(campaign: Campaign) -> str:
    """The apps the campaign accepts, by their Chinese names (data matching is no app)."""
    names = [KNOWN_CHANNELS[c].name_zh for c in campaign.channels if c in _APPS]
    return "或".join(names)


def sms_text(campaign: Campaign, result: PersonResult) -> str:
    """The SMS for one person: at most :data:`SMS_LIMIT` characters — the longest wording
    that fits, signed, with the date, the channels, the hotline of their scheme and the
    warning against fraud."""
    signed = signature(campaign)
    name = result.person.name or ""
    line = _hotline(campaign, result)
    apps = _apps(campaign)
    using = f"用{apps}APP" if apps else ""
    if result.status is Status.SUSPENDED:
        since = _suspended_since(result)
        when = f"自{since[:4]}年{int(since[5:])}月起" if since else ""
        variants = [
            f"{signed}{name}您好：您未按期完成待遇资格认证，{when}暂停发放。请尽快{using}认证，"
            f"认证后从停发之月起补发。咨询{line}。{FRAUD_WARNING}",
            f"{signed}{name}您好：您未按期认证，{when}暂停发放。请尽快{using}认证，认证后补发。"
            f"咨询{line}。{FRAUD_WARNING}",
            f"{signed}您未按期认证，{when}暂停发放，请尽快认证，认证后补发。咨询{line}。"
            f"{FRAUD_WARNING}",
            f"{signed}您的待遇已暂停发放，请尽快认证。咨询{line}。{FRAUD_WARNING}",
        ]
    else:
        due = _deadline(result)
        date = chinese_date(due) if due else ""
        variants = [
            f"{signed}{name}您好：请于{date}前{using}完成待遇资格认证（任选其一），"
            f"逾期将暂停发放。咨询{line}。{FRAUD_WARNING}",
            f"{signed}{name}您好：请于{date}前{using}完成待遇资格认证。咨询{line}。{FRAUD_WARNING}",
            f"{signed}请于{date}前{using}完成待遇资格认证。咨询{line}。{FRAUD_WARNING}",
            f"{signed}请于{date}前完成待遇资格认证。咨询{line}。{FRAUD_WARNING}",
        ]
    variants.append(f"{signed}请尽快完成待遇资格认证。{FRAUD_WARNING}")
    return fit(variants)


#: Kept for callers of the earlier name: the SMS / notice text of one person.
notice_text = sms_text


def _code(result: PersonResult) -> str:
    """A short code that tells two people with the same masked ID number apart."""
    import hashlib  # noqa: PLC0415

    return hashlib.blake2b(result.person.id_number.value.encode(), digest_size=4).hexdigest()


def reminder_rows(snapshot: Snapshot, *, unmasked: bool = False) -> list[dict[str, Any]]:
    """One row per person pending or suspended, by township (the campaign's order), then
    ID number. ``已暂停金额`` is a ``Decimal`` (a number in a spreadsheet)."""
    campaign = snapshot.campaign
    order = {name: i for i, name in enumerate(campaign.townships)}
    people = sorted(
        snapshot.needing_reminder,
        key=lambda r: (
            order.get(township_of(r), len(order)),
            township_of(r),
            r.person.id_number.value,
        ),
    )
    rows = []
    for result in people:
        person = result.person
        office = campaign.township_office(person.township or "")
        phone = person.phone or ""
        due = _deadline(result)
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
                "认证截止": due.isoformat() if due else "",
                "暂停起始月": _suspended_since(result),
                "已暂停金额": result.totals.withheld.amount,
                "编号": _code(result),
                "村": person.village or "",
                "地址": person.address or "",
                "_sms": sms_text(campaign, result),
                "_phone": phone,
                "_result": result,
            }
        )
    return rows


def write_reminders(
    snapshot: Snapshot,
    out: str | Path,
    *,
    unmasked: bool = False,
    masked_calls: bool = False,
    executor: Executor | None = None,
) -> dict[str, Path]:
    """Write the lists into ``out`` (see the module's description); return their paths by
    name (``csv``, ``xlsx``, ``notices``, and ``{township}/calls``, ``/visits``, ``/sms``,
    ``/notices``). Call lists hold phone numbers in full unless ``masked_calls``; everything
    else is masked unless ``unmasked``.

    With an ``executor`` (:func:`~sscert.reports.second_process`), the summary workbook and
    the visit lists are written there while this process writes the other files: the same
    files, sooner on a machine with two cores or more. What the executor cannot run is
    written here."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rows = reminder_rows(snapshot, unmasked=unmasked)
    paths = {
        "csv": out / "reminders.csv",
        "xlsx": out / "reminders.xlsx",
        "notices": out / "notices.csv",
    }
    by_township: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_township[row["乡镇"]].append(row)
    jobs = Jobs(executor)
    jobs.run(_write_summary, paths["xlsx"], *_summary(by_township, snapshot))
    folders: dict[str, Path] = {}
    used: set[str] = set()
    for township, items in by_township.items():
        folder = folders[township] = out / file_name(township, used)
        folder.mkdir(exist_ok=True)
        paths[f"{township}/visits"] = folder / "走访名单.xlsx"
        jobs.run(_book, paths[f"{township}/visits"], "走访名单", VISIT_COLUMNS, _visit_rows(items))
    write_csv(paths["csv"], COLUMNS, ([row[c] for c in COLUMNS] for row in rows))
    write_csv(
        paths["notices"],
        ("乡镇", "姓名", "身份证号", "联系电话", "短信内容"),
        ([r["乡镇"], r["姓名"], r["身份证号"], r["联系电话"], r["_sms"]] for r in rows),
    )
    for township, items in by_township.items():
        folder = folders[township]
        paths.update(
            {
                f"{township}/calls": _book(
                    folder / "电话名单.xlsx",
                    "电话名单",
                    CALL_COLUMNS,
                    _call_rows(items, full=not masked_calls),
                ),
                f"{township}/sms": _write_sms(folder, items, full=unmasked),
                f"{township}/notices": _write_notices(folder, township, items, snapshot),
            }
        )
    jobs.wait()
    return paths


#: The summary workbook as plain values: the 汇总 rows, its last line, and a sheet of
#: rows per township.
_Summary = tuple[list[list[object]], str, list[tuple[str, list[list[object]]]]]


def _summary(by_township: dict[str, list[dict[str, Any]]], snapshot: Snapshot) -> _Summary:
    totals: list[list[object]] = [
        [
            township,
            items[0]["乡镇事务所电话"],
            sum(r["状态"] == "待认证" for r in items),
            sum(r["状态"] == "已暂停发放" for r in items),
            sum((r["已暂停金额"] for r in items), Decimal(0)),
        ]
        for township, items in by_township.items()
    ]
    sheets = [
        (township, [[r[c] for c in COLUMNS] for r in items])
        for township, items in by_township.items()
    ]
    return totals, f"{snapshot.campaign.name}，截至 {snapshot.as_of}", sheets


def _write_summary(
    path: Path,
    totals: list[list[object]],
    footnote: str,
    sheets: list[tuple[str, list[list[object]]]],
) -> None:
    book = open_book(path, rows=len(totals) + sum(len(rows) for _township, rows in sheets))
    used = {"汇总"}
    headers = ["乡镇", "乡镇事务所电话", "待认证", "已暂停发放", "已暂停金额"]
    write_sheet(
        book,
        "汇总",
        headers,
        totals,
        money=["已暂停金额"],
        total_label="合计",
        after=[[], [footnote]],
    )
    for township, rows in sheets:
        write_sheet(
            book,
            sheet_name(township, used),
            list(COLUMNS),
            rows,
            money=["已暂停金额"],
            total_label="合计",
        )
    book.close()


def _book(path: Path, title: str, headers: Sequence[str], rows: list[list[object]]) -> Path:
    book = open_book(path, rows=len(rows))
    write_sheet(book, sheet_name(title, set()), headers, rows, money=["已暂停金额"],
                total_label="合计")  # fmt: skip
    book.close()
    return path


def _call_rows(items: list[dict[str, Any]], *, full: bool) -> list[list[object]]:
    return [
        [
            r["编号"], r["姓名"], r["身份证号"],
            r["_phone"] if full else mask_phone_text(r["_phone"]),
            r["险种"], r["状态"], r["认证截止"], r["暂停起始月"], r["已暂停金额"],
            r["咨询电话"], "",
        ]
        for r in items
        if r["_phone"]
    ]  # fmt: skip


def _visit_rows(items: list[dict[str, Any]]) -> list[list[object]]:
    return [
        [
            r["编号"], r["姓名"], r["身份证号"], r["村"], r["地址"], r["险种"], r["状态"],
            r["认证截止"], r["暂停起始月"], r["已暂停金额"], "",
        ]
        for r in items
        if not r["_phone"]
    ]  # fmt: skip


def _write_sms(folder: Path, items: list[dict[str, Any]], *, full: bool) -> Path:
    path = folder / "短信.csv"
    write_csv(
        path,
        ("手机号", "短信内容"),
        (
            [r["_phone"] if full else mask_phone_text(r["_phone"]), r["_sms"]]
            for r in items
            if r["_phone"] and r["_phone"].startswith("1")
        ),
    )
    return path


_NOTICE_STYLE = """
@page { size: A4; margin: 22mm 20mm; }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC",
       "Noto Sans CJK SC", "Microsoft YaHei", "WenQuanYi Micro Hei", serif; color: #000;
       margin: 0; }
.notice { page-break-after: always; break-after: page; font-size: 12pt; line-height: 1.9; }
.notice:last-child { page-break-after: auto; break-after: auto; }
h1 { text-align: center; font-size: 20pt; letter-spacing: .3em; margin: 0 0 1.2em; }
.to { margin: 0 0 .6em; } .body { text-indent: 2em; margin: .4em 0; }
.sign { text-align: right; margin-top: 3em; } .small { font-size: 10pt; color: #333; }
@media screen { .notice { max-width: 170mm; margin: 2em auto; padding: 2em;
                border: 1px solid #ccc; } }
"""


def _notice(result: PersonResult, snapshot: Snapshot) -> str:
    campaign = snapshot.campaign
    person = result.person
    e = html.escape
    office = campaign.township_office(person.township or "")
    calls = [f"{c.name} {c.phone}" for c in _lines(campaign, result)]
    if office:
        calls.append(f"{office.office} {office.phone}")
    apps = _apps(campaign)
    ways = f"通过“{apps.replace('或', '”或“')}”手机APP刷脸认证（任选其一），或" if apps else "请"
    ways += (
        "联系乡镇劳动保障事务所、县社会保险事业服务中心办理线下辅助认证（行动不便的可预约上门认证）"
    )
    due = _deadline(result)
    if result.status is Status.SUSPENDED:
        since = _suspended_since(result)
        title = "暂停发放告知书"
        body = [
            f"您未在规定期限内（{chinese_date(due) if due else ''}前）完成社会保险待遇"
            "领取资格认证。"
            f"根据{e(str(campaign.citation('suspension')))}的规定，自{since[:4]}年"
            f"{int(since[5:]) if since else ''}月起暂停发放您的社会保险待遇。",
            f"请您尽快{e(ways)}。完成认证后将恢复发放，并从停发之月起补发。",
            "如对本决定不服，可以依法申请行政复议或者提起行政诉讼（《中华人民共和国社会保险法》"
            "第八十三条）。",
        ]
    else:
        title = "待遇领取资格认证催告通知书"
        body = [
            f"请您于{chinese_date(due) if due else ''}前完成社会保险待遇领取资格认证：{e(ways)}。",
            "逾期未认证的，将暂停发放社会保险待遇，完成认证后恢复发放并补发。",
        ]
    body.append("认证不收费。请勿向任何人透露验证码、密码，谨防诈骗。")
    paragraphs = "".join(f'<p class="body">{p}</p>' for p in body)
    return (
        '<section class="notice">'
        f"<h1>{title}</h1>"
        f'<p class="to">{e(person.name or "")}（身份证号 {e(person.id_number.masked)}）：</p>'
        f"{paragraphs}"
        f'<p class="body">咨询电话：{e("；".join(calls))}</p>'
        f'<p class="sign">{e(campaign.name)}<br>{chinese_date(snapshot.as_of)}</p>'
        f'<p class="small">编号 {_code(result)}</p>'
        "</section>"
    )


def _write_notices(
    folder: Path, township: str, items: list[dict[str, Any]], snapshot: Snapshot
) -> Path:
    path = folder / "通知书.html"
    sections = "".join(_notice(r["_result"], snapshot) for r in items)
    path.write_text(
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(township)} 认证通知书</title><style>{_NOTICE_STYLE}</style>"
        f"</head><body>{sections}</body></html>",
        encoding="utf-8",
    )
    return path
