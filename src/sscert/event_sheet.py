"""Certifications and deaths from the spreadsheets county offices keep (认证明细, 死亡名单):
CSV (UTF-8, UTF-8 with BOM, GB18030) or Excel, Chinese headers by default.

| header | also | field |
| --- | --- | --- |
| 身份证号 | 公民身份号码, 身份证号码, id_number | the person |
| 姓名 | name | shown in the rejects file only |
| 认证时间 | 认证日期, at | a certification: ISO date or date-time (CST without an offset) |
| 认证方式 | channel | 河北人社, 易人社, 线下辅助认证, 静默认证 (数据比对), or a channel code |
| 死亡日期 | on | a death |
| 报告日期 | 死亡报告日期, 申报日期, reported_on | the day the death was reported |
| 终止日期, 终止原因 | ended_on, end_reason | a dependant's benefit ends (就业, 参军, 再婚…) |
| 收监日期, 释放日期 | prison_from, prison_to | a dependant's prison term |
| 个人账户余额, 可继承金额 | balance, inheritable_share | the personal account at death |

A row holds a certification, a death, or both (and any of the others); each row is stored
whole or not at all, with the same input limits as every other path. Importing the same
file again stores nothing twice (record ids come from the row's content). In an attested
store a certification from a spreadsheet carries no attestation and is refused with
``attestation_required``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from attrs import define

from sscert.channels import KNOWN_CHANNELS
from sscert.contract import (
    AccountIn,
    DiedIn,
    ImprisonedIn,
    account_problems,
    death_problems,
    term_problems,
)
from sscert.events import EndReason
from sscert.i18n import _
from sscert.sheets import (
    Bad,
    ColumnMapping,
    RowProblem,
    SheetReport,
    cell_text,
    date_text,
    id_number_cell,
    open_sheet,
    text,
    write_report_rejects,
)
from sscert.store.sqlite import SQLiteStore
from sscert.values.limits import LimitError, parse_balance, parse_date, parse_moment
from sscert.values.money import Money

__all__ = [
    "CHANNEL_NAMES",
    "DEFAULT_COLUMNS",
    "EventsReport",
    "import_events",
    "mapping",
    "write_rejects",
]

DEFAULT_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "id_number": ("身份证号", "公民身份号码", "身份证号码", "id_number"),
    "name": ("姓名", "name"),
    "at": ("认证时间", "认证日期", "at"),
    "channel": ("认证方式", "channel"),
    "died_on": ("死亡日期", "on"),
    "reported_on": ("报告日期", "死亡报告日期", "申报日期", "reported_on"),
    "ended_on": ("终止日期", "ended_on"),
    "end_reason": ("终止原因", "end_reason"),
    "prison_from": ("收监日期", "prison_from"),
    "prison_to": ("释放日期", "刑满释放日期", "prison_to"),
    "balance": ("个人账户余额", "balance"),
    "inheritable_share": ("可继承金额", "可继承余额", "inheritable_share"),
}

#: Why a dependant's benefit ended, in the words staff write (and the codes).
END_REASON_NAMES: Final[dict[str, str]] = {
    "就业": "employed", "参加工作": "employed", "参军": "enlisted", "入伍": "enlisted",
    "再婚": "remarried", "被收养": "adopted", "收养": "adopted",
    **{r.value: r.value for r in EndReason},
}  # fmt: skip
REQUIRED: Final = ("id_number",)

#: The Chinese names county staff write for each channel (and the codes themselves).
CHANNEL_NAMES: Final[dict[str, str]] = {
    "河北人社": "hebei_renshe",
    "河北人社APP": "hebei_renshe",
    "易人社": "yirenshe",
    "易人社APP": "yirenshe",
    "线下辅助认证": "assisted",
    "线下认证": "assisted",
    "辅助认证": "assisted",
    "上门认证": "assisted",
    "静默认证": "data_comparison",
    "数据比对": "data_comparison",
    "静默认证(数据比对)": "data_comparison",
    "中国领事": "consular",
}


def mapping(path: str | Path | None = None) -> ColumnMapping:
    """The event list's column mapping: the defaults, or a mapping file's."""
    return ColumnMapping.load(path, DEFAULT_COLUMNS, REQUIRED)


@define
class EventsReport(SheetReport):
    certifications: int = 0
    deaths: int = 0
    #: Ends of a dependant's benefit, prison terms and account balances.
    others: int = 0


def _channel(value: object, column: str, known: set[str]) -> str:
    shown = cell_text(value, column)
    compact = "".join(shown.split()).replace("（", "(").replace("）", ")")
    code = CHANNEL_NAMES.get(compact, compact.lower())
    if code not in known:
        names = "、".join(sorted({n for n, c in CHANNEL_NAMES.items() if c in known}))
        raise Bad(
            column,
            _("unknown channel {value!r}: write one of {names} (or its code)").format(
                value=shown, names=names
            ),
        )
    return code


def _moment(value: object, column: str) -> str:
    if isinstance(value, dt.datetime):  # an Excel date-time cell: a CST time
        shown = value.replace(tzinfo=None).isoformat(timespec="seconds")
    elif isinstance(value, dt.date):
        shown = value.isoformat()
    else:
        shown = date_text(cell_text(value, column))
    try:
        moment = parse_moment(shown)
    except LimitError as error:
        raise Bad(column, str(error)) from None
    return moment.isoformat()


def _date(value: object, column: str) -> str:
    if isinstance(value, dt.datetime | dt.date):
        shown = (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    else:
        shown = date_text(cell_text(value, column))
    try:
        return parse_date(shown).isoformat()
    except LimitError as error:
        raise Bad(column, str(error)) from None


def row_records(
    cells: Sequence[object],
    where: Mapping[str, int],
    headers: Mapping[str, str],
    pseudonym: Callable[[str], str],
    known: set[str],
) -> list[dict[str, Any]]:
    """The certification and death records of one row; :class:`~sscert.sheets.Bad` naming
    the column on a bad cell."""

    def cell(name: str) -> object:
        index = where.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    if not text(cell("id_number")):
        raise Bad(headers["id_number"], _("empty"))
    number = id_number_cell(cell("id_number"), headers["id_number"]).value
    key = pseudonym(number)
    records: list[dict[str, Any]] = []
    has_at, has_death = bool(text(cell("at"))), bool(text(cell("died_on")))
    has_end, has_prison = bool(text(cell("ended_on"))), bool(text(cell("prison_from")))
    has_account = bool(text(cell("balance")))
    if not (has_at or has_death or has_end or has_prison or has_account):
        column = headers.get("at") or headers.get("died_on") or headers["id_number"]
        raise Bad(column, _("neither a certification time nor a date of death"))
    if has_at:
        if "channel" not in where or not text(cell("channel")):
            raise Bad(headers.get("channel", "认证方式"), _("empty"))
        at = _moment(cell("at"), headers["at"])
        channel = _channel(cell("channel"), headers["channel"], known)
        records.append(
            {
                "kind": "event",
                "id": f"sheet:certified:{key}:{at}:{channel}",
                "id_number": number,
                "type": "certified",
                "at": at,
                "channel": channel,
            }
        )
    if has_death:
        if "reported_on" not in where or not text(cell("reported_on")):
            raise Bad(headers.get("reported_on", "报告日期"), _("empty"))
        died = _date(cell("died_on"), headers["died_on"])
        reported = _date(cell("reported_on"), headers["reported_on"])
        _refuse(
            death_problems(DiedIn(dt.date.fromisoformat(died), dt.date.fromisoformat(reported))),
            headers,
            {"reported_on": "reported_on"},
        )
        records.append(
            {
                "kind": "event",
                "id": f"sheet:died:{key}",
                "id_number": number,
                "type": "died",
                "on": died,
                "reported_on": reported,
            }
        )
    if has_end:
        records.append(_ended(cell, headers, key, number))
    if has_prison:
        start = _date(cell("prison_from"), headers["prison_from"])
        term: dict[str, Any] = {
            "kind": "event",
            "id": f"sheet:imprisoned:{key}:{start}",
            "id_number": number,
            "type": "imprisoned",
            "from": start,
        }
        if text(cell("prison_to")):
            term["to"] = _date(cell("prison_to"), headers["prison_to"])
            _refuse(
                term_problems(
                    ImprisonedIn(dt.date.fromisoformat(start), dt.date.fromisoformat(term["to"]))
                ),
                headers,
                {"to": "prison_to"},
            )
        records.append(term)
    if has_account:
        records.append(_account(cell, headers, key, number))
    return records


def _refuse(
    problems: list[tuple[str, str]], headers: Mapping[str, str], fields: Mapping[str, str]
) -> None:
    """The first cross-field problem (:mod:`sscert.contract`'s checks), on its column."""
    if problems:
        key, problem = problems[0]
        raise Bad(headers.get(fields.get(key, key), key), problem)


def _ended(
    cell: Callable[[str], object], headers: Mapping[str, str], key: str, number: str
) -> dict[str, Any]:
    on = _date(cell("ended_on"), headers["ended_on"])
    column = headers.get("end_reason", "终止原因")
    shown = cell_text(cell("end_reason"), column) if "end_reason" in headers else ""
    reason = END_REASON_NAMES.get("".join(shown.split()).lower())
    if reason is None:
        raise Bad(
            column,
            _("write why the benefit ended: 就业, 参军, 再婚 or 被收养, not {value!r}").format(
                value=shown
            ),
        )
    return {
        "kind": "event",
        "id": f"sheet:dependant_ended:{key}",
        "id_number": number,
        "type": "dependant_ended",
        "on": on,
        "reason": reason,
    }


def _account(
    cell: Callable[[str], object], headers: Mapping[str, str], key: str, number: str
) -> dict[str, Any]:
    def amount(name: str) -> Money:
        try:
            return parse_balance(cell_text(cell(name), headers[name]))
        except LimitError as error:
            raise Bad(headers[name], str(error)) from None

    balance = amount("balance")
    share = amount("inheritable_share") if text(cell("inheritable_share")) else None
    _refuse(
        account_problems(AccountIn(balance, share)),  # type: ignore[arg-type]
        headers,
        {"inheritable_share": "inheritable_share"},
    )
    account: dict[str, Any] = {"balance": str(balance)}
    if share is not None:
        account["inheritable_share"] = str(share)
    digest = hashlib.sha256(json.dumps(account, sort_keys=True).encode()).hexdigest()[:12]
    return {
        "kind": "account",
        "id": f"sheet:account:{key}:{digest}",
        "id_number": number,
        **account,
    }


def import_events(
    store: SQLiteStore,
    path: str | Path,
    *,
    mapping: ColumnMapping | None = None,
    known_channels: Iterable[str] = (),
    progress: Callable[[int], None] | None = None,
    chunk: int = 2000,
) -> EventsReport:
    """Validate every row, import the good ones into ``store`` (each row whole or not at
    all) and report the rest."""
    path = Path(path)
    columns = mapping or globals()["mapping"]()
    known = set(KNOWN_CHANNELS) | set(known_channels)
    sheet = open_sheet(path, columns)
    where, headers = sheet.where, sheet.headers
    report = EventsReport(
        header=sheet.header,
        personal_columns=tuple(where[k] for k in ("id_number",) if k in where),
    )
    pending: list[tuple[int, list[dict[str, Any]], tuple[str, ...]]] = []

    def flush() -> None:
        result = store.import_groups(
            [records for _, records, _ in pending], known_channels=known_channels
        )
        failed = {r.line: r for r in result.rejected}
        present = set(result.present_lines)
        for index, (row_number, records, shown) in enumerate(pending, start=1):
            if index in failed:
                rejection = failed[index]
                field_name = {"at": "at", "channel": "channel", "on": "died_on"}.get(
                    rejection.key or "", "reported_on" if rejection.key == "reported_on" else ""
                )
                column = headers.get(field_name) or headers["id_number"]
                if rejection.key == "type":  # a second, different death
                    column = headers.get("died_on", column)
                report.rejected.append(RowProblem(row_number, column, rejection.reason, shown))
            elif index in present:
                report.already_present += 1
            else:
                kinds = [r.get("type", r["kind"]) for r in records]
                report.certifications += kinds.count("certified")
                report.deaths += kinds.count("died")
                report.others += len(kinds) - kinds.count("certified") - kinds.count("died")
        pending.clear()
        if progress:
            progress(report.rows)

    for number, cells, shown in sheet.rows():
        report.rows += 1
        try:
            records = row_records(cells, where, headers, store.pseudonym, known)
        except Bad as bad:
            report.rejected.append(RowProblem(number, bad.column, str(bad), shown))
            continue
        pending.append((number, records, shown))
        if len(pending) >= chunk:
            flush()
    if pending:
        flush()
    report.rejected.sort(key=lambda p: p.row)
    return report


#: The rejects file of an import (rows, columns, reasons; personal numbers masked).
write_rejects = write_report_rejects
