"""Roster import (花名册): the CSV and Excel exports of agency systems into a store.

One row is one entitlement; a person with two schemes has two rows with the same 身份证号.
Default headers (``docs/roster.md``) work out of the box — 姓名, 身份证号, 险种, 月待遇,
待遇开始年月, 待遇终止年月, 乡镇, 联系电话, 村, 地址, 待遇调整年月, and their English names —
and a mapping file can rename any of them.

Importing next week's export again is an **update**, never a conflict:

* a changed name, township, phone, village or address supersedes the old value from this
  import on (the old one stays in the store's append-only history);
* a changed monthly amount becomes an amount change from the month the export says
  (待遇调整年月) or, without it, the import's month;
* a newly given end month (待遇终止年月) ends the entitlement;
* a person missing from the new export is reported, never deleted.

A bad row is rejected whole — nothing of it is stored — with its row number (as a
spreadsheet shows it: the header is row 1), its column and the reason; an invalid optional
field (a phone number) is a warning on that field, and the row is imported without it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from attrs import define, field

from sscert.campaigns import Campaign
from sscert.contract import dependant_problem
from sscert.events import CST
from sscert.i18n import _
from sscert.people import Relationship
from sscert.schemes import Scheme
from sscert.serialization import (
    ChangeIn,
    ContributionMonths,
    DependantIn,
    EntitlementIn,
    PositiveAmount,
    wire_converter,
)
from sscert.sheets import (
    Bad,
    ColumnMapping,
    RowProblem,
    SheetError,
    SheetReport,
    cell_text,
    id_number_cell,
    month_text,
    open_sheet,
    read_rows,
    text,
    write_report_rejects,
)
from sscert.store.sqlite import PERSON_FIELDS, SQLiteStore
from sscert.values.identity import IdNumber
from sscert.values.limits import MAX_CONTRIBUTION_MONTHS, LimitError, parse_amount, parse_month
from sscert.values.money import Money
from sscert.values.months import Month
from sscert.values.phone import InvalidPhoneNumber, parse_contact_phone

__all__ = [
    "DEFAULT_COLUMNS",
    "PERSON_FIELDS",
    "REQUIRED",
    "ColumnMapping",
    "RosterError",
    "RosterReport",
    "RowProblem",
    "import_roster",
    "mapping",
    "read_rows",
    "write_rejects",
]

#: field -> the headers understood without a mapping file (docs/roster.md).
DEFAULT_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "name": ("姓名", "name"),
    "id_number": ("身份证号", "公民身份号码", "身份证号码", "id_number"),
    "scheme": ("险种", "待遇类别", "scheme"),
    "monthly_amount": ("月待遇", "月领取金额", "monthly_amount"),
    "start": ("待遇开始年月", "开始年月", "start"),
    "end": ("待遇终止年月", "终止年月", "end"),
    "township": ("乡镇", "所属乡镇", "township"),
    "phone": ("联系电话", "手机号", "phone"),
    "village": ("村", "所属村", "行政村", "村（社区）", "village"),
    "address": ("地址", "住址", "家庭住址", "address"),
    "changed_from": ("待遇调整年月", "调整年月", "变更年月", "changed_from"),
    "contribution_months": ("缴费月数", "累计缴费月数", "缴费年限", "contribution_months"),
    "dependant_relationship": ("供养关系", "与工亡职工关系", "dependant_relationship"),
    "fully_incapacitated": ("完全丧失劳动能力", "fully_incapacitated"),
}

#: The words for a dependant's relationship (and the codes themselves).
RELATIONSHIP_NAMES: Final[dict[str, str]] = {
    "子女": "child", "子": "child", "女": "child", "儿子": "child", "女儿": "child",
    "配偶": "spouse", "妻": "spouse", "夫": "spouse", "妻子": "spouse", "丈夫": "spouse",
    "父母": "parent", "父亲": "parent", "母亲": "parent",
    "祖父母": "grandparent", "外祖父母": "grandparent", "祖父": "grandparent",
    "祖母": "grandparent", "外祖父": "grandparent", "外祖母": "grandparent",
    "孙子女": "grandchild", "外孙子女": "grandchild", "孙子": "grandchild",
    "孙女": "grandchild", "外孙": "grandchild", "外孙女": "grandchild",
    "兄弟姐妹": "sibling", "兄": "sibling", "弟": "sibling", "姐": "sibling", "妹": "sibling",
    **{r.value: r.value for r in Relationship},
}  # fmt: skip
YES: Final = frozenset({"是", "true", "yes", "1", "y"})
NO: Final = frozenset({"否", "false", "no", "0", "n", ""})
_YEARS_MONTHS: Final = re.compile(r"(\d{1,2})\s*年\s*(?:(\d{1,2})\s*个?月)?")
REQUIRED: Final = ("name", "id_number", "scheme", "monthly_amount", "start", "township")

#: Kept for callers that caught the roster's own error type.
RosterError = SheetError


def mapping(path: str | Path | None = None) -> ColumnMapping:
    """The roster's column mapping: the defaults, or a mapping file's."""
    return ColumnMapping.load(path, DEFAULT_COLUMNS, REQUIRED)


@define
class RosterReport(SheetReport):
    imported: int = 0
    updated: int = 0
    warnings: list[RowProblem] = field(factory=list)
    missing: list[dict[str, str]] = field(factory=list)


# --- one row -------------------------------------------------------------------------------

_GROUPED: Final = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]{1,2})?", re.ASCII)


def _amount(value: object, column: str) -> Money:
    if isinstance(value, bool):
        raise Bad(column, _("not an amount"))
    # A spreadsheet number: its shortest decimal form is what the cell shows and holds.
    shown = repr(value) if isinstance(value, float) else cell_text(value, column)
    if _GROUPED.fullmatch(shown):  # 2,856.40 as Excel shows thousands
        shown = shown.replace(",", "")
    try:
        return parse_amount(shown)
    except LimitError as error:
        raise Bad(column, str(error)) from None


def _month(value: object, column: str) -> Month:
    if isinstance(value, dt.datetime | dt.date):
        shown = f"{value.year:04d}-{value.month:02d}"
    else:
        shown = month_text(cell_text(value, column))
    try:
        return parse_month(shown, compact=True)
    except LimitError as error:
        raise Bad(column, str(error)) from None


@define
class _Row:
    id_number: IdNumber
    person: dict[str, str]
    scheme: Scheme
    amount: Money
    start: Month
    end: Month | None
    changed_from: Month | None
    warnings: list[tuple[str, str]]
    contribution_months: int | None = None
    dependant: dict[str, Any] | None = None


def _contribution_months(value: object, column: str) -> int:
    """缴费月数: a whole number of months, or ``28年9个月``."""
    shown = cell_text(value, column)
    ascii_digits = all(c.isascii() for c in shown if c.isdigit())
    written = _YEARS_MONTHS.fullmatch(shown) if ascii_digits else None
    if written:
        months = int(written[1]) * 12 + int(written[2] or 0)
    elif shown.isdigit() and shown.isascii():
        months = int(shown)
    else:
        raise Bad(
            column,
            _("a number of months (345) or years and months (28年9个月), not {value!r}").format(
                value=shown
            ),
        )
    if months > MAX_CONTRIBUTION_MONTHS:
        raise Bad(
            column,
            _("at most {limit} months").format(limit=MAX_CONTRIBUTION_MONTHS),
        )
    return months


def _dependant(
    cell: Callable[[str], object], headers: Mapping[str, str], scheme: Scheme
) -> dict[str, Any] | None:
    shown = text(cell("dependant_relationship"))
    if not shown:
        return None
    column = headers["dependant_relationship"]
    problem = dependant_problem(scheme)
    if problem is not None:
        raise Bad(column, problem)
    code = RELATIONSHIP_NAMES.get("".join(cell_text(shown, column).split()).lower())
    if code is None:
        raise Bad(
            column,
            _(
                "unknown relationship {value!r}: write 子女, 配偶, 父母, 祖父母, 孙子女 or 兄弟姐妹"
            ).format(value=shown),
        )
    flag = text(cell("fully_incapacitated")).lower()
    if flag not in YES | NO:
        raise Bad(
            headers["fully_incapacitated"], _("write 是 or 否, not {value!r}").format(value=flag)
        )
    return {"relationship": code, "fully_incapacitated": flag in YES}


def _read_row(
    cells: Sequence[object], where: Mapping[str, int], headers: Mapping[str, str]
) -> _Row:
    def cell(name: str) -> object:
        index = where.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    for name in REQUIRED:
        if text(cell(name)) == "" and not isinstance(cell(name), dt.date):
            raise Bad(headers[name], _("empty"))
    id_number = id_number_cell(cell("id_number"), headers["id_number"])
    try:
        scheme = Scheme.from_text(cell_text(cell("scheme"), headers["scheme"]))
    except ValueError as error:
        raise Bad(headers["scheme"], str(error)) from None
    amount = _amount(cell("monthly_amount"), headers["monthly_amount"])
    start = _month(cell("start"), headers["start"])
    end = _month(cell("end"), headers["end"]) if text(cell("end")) else None
    if end is not None and end < start:
        raise Bad(
            headers["end"], _("{end} is before the start {start}").format(end=end, start=start)
        )
    changed = None
    if text(cell("changed_from")):
        changed = _month(cell("changed_from"), headers["changed_from"])
    contributed = None
    if text(cell("contribution_months")):
        contributed = _contribution_months(
            cell("contribution_months"), headers["contribution_months"]
        )
    dependant = _dependant(cell, headers, scheme)
    person = {
        "name": cell_text(cell("name"), headers["name"]),
        "township": "".join(cell_text(cell("township"), headers["township"]).split()),
    }
    for key in ("village", "address"):
        if key in where and cell_text(cell(key), headers[key]):
            person[key] = cell_text(cell(key), headers[key])
    warnings: list[tuple[str, str]] = []
    if "phone" in where and text(cell("phone")):
        try:
            person["phone"] = parse_contact_phone(cell_text(cell("phone"), headers["phone"]))
        except (InvalidPhoneNumber, Bad):
            warnings.append(
                (
                    headers["phone"],
                    _(
                        "not a mainland mobile or landline number: the row is imported without "
                        "it (the phone stored before, if any, is kept)"
                    ),
                )
            )
            person["phone"] = "\0keep"
    return _Row(
        id_number, person, scheme, amount, start, end, changed, warnings, contributed, dependant
    )


# --- what the store holds of a person ------------------------------------------------------


def _state(store: SQLiteStore, id_number: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The person's latest fields, and per scheme: start, end and the amounts by month."""
    person: dict[str, Any] = {}
    entitlements: dict[str, dict[str, Any]] = {}
    for body in store.bodies_of(id_number):
        kind = body.get("kind")
        if kind == "person":
            person = {k: body[k] for k in PERSON_FIELDS if k in body}
        elif kind == "entitlement":
            entitlements[str(body.get("scheme"))] = {
                "start": body.get("start"),
                "end": body.get("end"),
                "amount": body.get("monthly_amount"),
                "changes": {},
                "contribution_months": body.get("contribution_months"),
                "dependant": body.get("dependant"),
            }
        elif kind == "entitlement_info" and str(body.get("scheme")) in entitlements:
            for key in ("contribution_months", "dependant"):
                if key in body:
                    entitlements[str(body["scheme"])][key] = body[key]
        elif kind == "amount_change" and str(body.get("scheme")) in entitlements:
            changes = entitlements[str(body["scheme"])]["changes"]
            changes[str(body.get("from"))] = body.get("monthly_amount")
        elif kind == "entitlement_end" and str(body.get("scheme")) in entitlements:
            entitlements[str(body["scheme"])]["end"] = body.get("end")
    return person, entitlements


def _amount_in(entitlement: dict[str, Any], month: Month) -> str | None:
    earlier = [m for m in entitlement["changes"] if m <= str(month)]
    found = entitlement["changes"][max(earlier)] if earlier else entitlement["amount"]
    return str(found) if found is not None else None


def _digest(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()[:16]


def _records(
    row: _Row,
    headers: Mapping[str, str],
    store: SQLiteStore,
    import_month: Month,
) -> tuple[list[dict[str, Any]], bool]:
    """The records one row adds: the person (when new or changed), the entitlement (when
    new), an amount change, an end. ``True`` when it updates what the store held."""
    key = store.pseudonym(row.id_number.value)
    number = row.id_number.value
    stored_person, stored = _state(store, number)
    person = dict(row.person)
    if person.get("phone") == "\0keep":
        person.pop("phone")
        if "phone" in stored_person:
            person["phone"] = stored_person["phone"]
    records: list[dict[str, Any]] = []
    updated = False
    if person != stored_person:
        updated = bool(stored_person)
        records.append(
            {
                "kind": "person",
                "id": f"roster:person:{key}:{_digest(person)}",
                "id_number": number,
                **person,
            }
        )
    scheme = row.scheme.value
    existing = stored.get(scheme)
    if existing is None:
        # the row as the contract's wire value, written by the one wire converter
        wire = EntitlementIn(
            row.scheme,
            row.start,
            PositiveAmount(row.amount),
            row.end,
            contribution_months=ContributionMonths(row.contribution_months)
            if row.contribution_months is not None
            else None,
            dependant=wire_converter.structure(row.dependant, DependantIn)
            if row.dependant is not None
            else None,
        )
        records.append(
            {
                "kind": "entitlement",
                "id": f"roster:entitlement:{key}:{scheme}",
                "id_number": number,
                **wire_converter.unstructure(wire),
            }
        )
        return records, updated
    if existing["start"] != str(row.start):
        raise Bad(
            headers["start"],
            _(
                "differs from the start already imported ({stored}): a start month is not "
                "changed by a roster import; correct the export, or have the record corrected"
            ).format(stored=existing["start"]),
        )
    month = row.changed_from or import_month
    if _amount_in(existing, month) != str(row.amount):
        records.append(
            {
                "kind": "amount_change",
                "id": f"roster:amount_change:{key}:{scheme}:{month}",
                "id_number": number,
                "scheme": scheme,
                **wire_converter.unstructure(ChangeIn(month, PositiveAmount(row.amount))),
            }
        )
        updated = True
    details = {
        key: value
        for key, value in (
            ("contribution_months", row.contribution_months),
            ("dependant", row.dependant),
        )
        if value is not None and existing.get(key) != value
    }
    if details:
        records.append(
            {
                "kind": "entitlement_info",
                "id": f"roster:entitlement_info:{key}:{scheme}:{_digest(details)}",
                "id_number": number,
                "scheme": scheme,
                **details,
            }
        )
        updated = True
    if row.end is not None and existing["end"] != str(row.end):
        records.append(
            {
                "kind": "entitlement_end",
                "id": f"roster:entitlement_end:{key}:{scheme}:{row.end}",
                "id_number": number,
                "scheme": scheme,
                "end": str(row.end),
            }
        )
        updated = True
    return records, updated


# --- the import ----------------------------------------------------------------------------


def import_roster(
    store: SQLiteStore,
    path: str | Path,
    *,
    mapping: ColumnMapping | None = None,
    campaign: Campaign | None = None,
    import_month: Month | None = None,
    progress: Callable[[int], None] | None = None,
    chunk: int = 2000,
) -> RosterReport:
    """Validate every row, import the good ones into ``store`` (each row whole or not at
    all), report the rest and the people the store holds that the file no longer lists.

    ``import_month`` is the month an amount change takes effect when the export gives no
    待遇调整年月 (default: this month, China Standard Time). A township not among
    ``campaign``'s is a warning, not a rejection.
    """
    path = Path(path)
    columns = mapping or globals()["mapping"]()
    month = import_month or Month.of(dt.datetime.now(CST).date())
    sheet = open_sheet(path, columns)
    where, headers = sheet.where, sheet.headers
    known_townships = set(campaign.townships) if campaign else set()
    report = RosterReport(
        header=sheet.header,
        personal_columns=tuple(where[k] for k in ("id_number", "phone") if k in where),
    )
    seen: set[str] = set()
    pending: list[tuple[int, list[dict[str, Any]], bool, tuple[str, ...]]] = []

    def flush() -> None:
        # One group per row: a row is stored whole or not at all.
        result = store.import_groups([records for _, records, _, _ in pending])
        failed = {r.line: r for r in result.rejected}
        present = set(result.present_lines)
        for index, (row_number, _group, updated, shown) in enumerate(pending, start=1):
            if index in failed:
                rejection = failed[index]
                column = headers.get(rejection.key or "", headers["id_number"])
                report.rejected.append(RowProblem(row_number, column, rejection.reason, shown))
            elif index in present:
                report.already_present += 1
            elif updated:
                report.updated += 1
            else:
                report.imported += 1
        pending.clear()
        if progress:
            progress(report.rows)

    for number, cells, shown in sheet.rows():
        report.rows += 1
        try:
            row = _read_row(cells, where, headers)
            seen.add(row.id_number.value)
            records, updated = _records(row, headers, store, month)
        except Bad as bad:
            report.rejected.append(RowProblem(number, bad.column, str(bad), shown))
            continue
        for column, reason in row.warnings:
            report.warnings.append(RowProblem(number, column, reason, shown))
        township = row.person["township"]
        if known_townships and township not in known_townships:
            report.warnings.append(
                RowProblem(
                    number,
                    headers["township"],
                    _("{township} is not a township of {campaign}").format(
                        township=township, campaign=campaign.id if campaign else ""
                    ),
                    shown,
                )
            )
        if not records:
            report.already_present += 1
            continue
        pending.append((number, records, updated, shown))
        if len(pending) >= chunk:
            flush()
    if pending:
        flush()
    report.missing = [
        person for person in store.people_with_entitlements() if person["id_number"] not in seen
    ]
    report.rejected.sort(key=lambda p: p.row)
    return report


#: The rejects file of an import (rows, columns, reasons; personal numbers masked).
write_rejects = write_report_rejects
