"""Roster import (花名册): the CSV and Excel exports of agency systems into a store.

One row is one entitlement; a person with two schemes has two rows with the same 身份证号.
Default headers (``shared/ROSTER.md``) work out of the box — 姓名, 身份证号, 险种, 月待遇,
待遇开始年月, 待遇终止年月, 乡镇, 联系电话, and their English names — and a mapping file can
rename any of them. Every bad row goes to a rejects file with its row number (as a
spreadsheet shows it: the header is row 1), its column and the reason; nothing is dropped
silently.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from attrs import define, field, frozen

from sscert.campaigns import Campaign
from sscert.schemes import Scheme
from sscert.spreadsheet import neutralise
from sscert.store.sqlite import SQLiteStore
from sscert.values.identity import IdNumber, InvalidIdNumber, mask_id_text
from sscert.values.limits import LimitError, check_text, parse_amount, parse_month
from sscert.values.money import Money
from sscert.values.months import Month
from sscert.values.phone import InvalidPhoneNumber, mask_phone_text, parse_contact_phone

__all__ = [
    "DEFAULT_COLUMNS",
    "REQUIRED",
    "ColumnMapping",
    "RosterError",
    "RosterReport",
    "RowProblem",
    "import_roster",
    "read_rows",
    "write_rejects",
]

#: field -> the headers understood without a mapping file (ROSTER.md).
DEFAULT_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "name": ("姓名", "name"),
    "id_number": ("身份证号", "公民身份号码", "身份证号码", "id_number"),
    "scheme": ("险种", "待遇类别", "scheme"),
    "monthly_amount": ("月待遇", "月领取金额", "monthly_amount"),
    "start": ("待遇开始年月", "开始年月", "start"),
    "end": ("待遇终止年月", "终止年月", "end"),
    "township": ("乡镇", "所属乡镇", "township"),
    "phone": ("联系电话", "手机号", "phone"),
}
REQUIRED: Final = ("name", "id_number", "scheme", "monthly_amount", "start", "township")


class RosterError(Exception):
    """The roster cannot be imported at all (unreadable file, a required column missing)."""


@frozen
class ColumnMapping:
    """Which header holds each field; built from the defaults and an optional TOML file::

    [columns]
    id_number = "证件号码"          # or a list of headers
    monthly_amount = ["月养老金", "待遇金额"]
    [options]
    sheet = "花名册"                # the Excel sheet (default: the first)
    encoding = "gb18030"           # the CSV encoding (default: UTF-8, then GB18030)
    """

    columns: Mapping[str, tuple[str, ...]]
    sheet: str | None = None
    encoding: str | None = None

    @classmethod
    def load(cls, path: Path | None) -> ColumnMapping:
        if path is None:
            return cls(DEFAULT_COLUMNS)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise RosterError(f"{path}: not a readable mapping file: {error}") from None
        columns = dict(DEFAULT_COLUMNS)
        for key, value in data.get("columns", {}).items():
            if key not in DEFAULT_COLUMNS:
                raise RosterError(
                    f"{path}: columns.{key}: unknown field (known: {', '.join(DEFAULT_COLUMNS)})"
                )
            headers = (value,) if isinstance(value, str) else tuple(value)
            if not headers or not all(isinstance(h, str) and h.strip() for h in headers):
                raise RosterError(f"{path}: columns.{key}: must be a header or a list of headers")
            columns[key] = tuple(h.strip() for h in headers)
        options = data.get("options", {})
        return cls(columns, options.get("sheet"), options.get("encoding"))

    def locate(self, header: Sequence[object]) -> dict[str, int]:
        """Field -> column index; a missing required column raises :class:`RosterError`."""
        cells = ["".join(str(c).split()) if c is not None else "" for c in header]
        found: dict[str, int] = {}
        for name, headers in self.columns.items():
            wanted = {"".join(h.split()) for h in headers}
            for index, cell in enumerate(cells):
                if cell in wanted:
                    found[name] = index
                    break
        missing = [name for name in REQUIRED if name not in found]
        if missing:
            described = "; ".join(f"{m} ({' / '.join(self.columns[m])})" for m in missing)
            raise RosterError(f"the header row has no column for: {described}")
        return found


@frozen
class RowProblem:
    """A rejected row (or a warning): its row number as a spreadsheet shows it, the column
    at fault and why. ``cells`` holds the row as read, for the rejects file; ``repr``
    leaves it out (it holds ID and phone numbers)."""

    row: int
    column: str
    reason: str
    cells: tuple[str, ...] = field(default=(), repr=False)


@define
class RosterReport:
    rows: int = 0
    imported: int = 0
    already_present: int = 0
    rejected: list[RowProblem] = field(factory=list)
    warnings: list[RowProblem] = field(factory=list)
    header: tuple[str, ...] = ()
    personal_columns: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.rejected


# --- reading -------------------------------------------------------------------------------


def _csv_rows(path: Path, encoding: str | None) -> Iterator[list[object]]:
    encodings = [encoding] if encoding else ["utf-8-sig", "gb18030"]
    for candidate in encodings:
        try:
            with path.open(encoding=candidate, newline="") as handle:
                rows = list(csv.reader(handle))
        except UnicodeDecodeError:
            continue
        except LookupError:
            raise RosterError(f"unknown encoding {candidate!r}") from None
        for row in rows:
            yield list(row)
        return
    raise RosterError(f"{path}: not UTF-8 or GB18030 text: name the encoding in a mapping file")


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[list[object]]:
    try:
        import openpyxl  # noqa: PLC0415 - an optional dependency, loaded when needed
    except ImportError:
        raise RosterError("reading .xlsx needs openpyxl: pip install 'sscert[campaign]'") from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a bad file
        raise RosterError(f"{path}: not a readable .xlsx workbook: {error}") from None
    try:
        worksheet = book[sheet] if sheet else book.worksheets[0]
    except KeyError:
        raise RosterError(f"{path}: no sheet named {sheet!r}") from None
    for row in worksheet.iter_rows(values_only=True):
        yield list(row)
    book.close()


def read_rows(path: Path, mapping: ColumnMapping) -> Iterator[list[object]]:
    """The rows of a CSV or ``.xlsx`` roster, header first."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise RosterError(f"{path}: no such file")
    if suffix == ".csv":
        return _csv_rows(path, mapping.encoding)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, mapping.sheet)
    raise RosterError(f"{path}: a roster is a .csv or .xlsx file")


# --- one row -------------------------------------------------------------------------------


class _Bad(ValueError):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value).strip()


def _cell_text(value: object, column: str) -> str:
    try:
        return check_text(_text(value))
    except LimitError as error:
        raise _Bad(column, str(error)) from None


def _id_number(value: object, column: str) -> IdNumber:
    if isinstance(value, float) or (isinstance(value, int) and len(str(value)) > 15):
        raise _Bad(
            column,
            "the ID number was stored as a number and may have lost digits: format the column "
            "as text and export again",
        )
    try:
        return IdNumber.parse(_cell_text(value, column))
    except InvalidIdNumber as error:
        raise _Bad(column, str(error)) from None


_GROUPED: Final = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]{1,2})?", re.ASCII)


def _amount(value: object, column: str) -> Money:
    if isinstance(value, bool):
        raise _Bad(column, "not an amount")
    # A spreadsheet number: its shortest decimal form is what the cell shows and holds.
    text = repr(value) if isinstance(value, float) else _cell_text(value, column)
    if _GROUPED.fullmatch(text):  # 2,856.40 as Excel shows thousands
        text = text.replace(",", "")
    try:
        return parse_amount(text)
    except LimitError as error:
        raise _Bad(column, str(error)) from None


def _month(value: object, column: str) -> Month:
    if isinstance(value, dt.datetime | dt.date):
        text = f"{value.year:04d}-{value.month:02d}"
    else:
        text = _cell_text(value, column)
    try:
        return parse_month(text, compact=True)
    except LimitError as error:
        raise _Bad(column, str(error)) from None


def _phone(value: object, column: str) -> str | None:
    text = _cell_text(value, column)
    if not text:
        return None
    try:
        return parse_contact_phone(text)
    except InvalidPhoneNumber:
        raise _Bad(column, "not a mainland mobile or landline number") from None


def row_records(
    cells: Sequence[object],
    where: Mapping[str, int],
    headers: Mapping[str, str],
    pseudonym: Callable[[str], str],
) -> list[dict[str, Any]]:
    """The person and entitlement records of one roster row; :class:`_Bad` on a bad cell.

    Record ids use ``pseudonym`` (the store's keyed hash) of the ID number, never the
    number itself."""

    def cell(name: str) -> object:
        index = where.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    for name in REQUIRED:
        if _text(cell(name)) == "" and not isinstance(cell(name), dt.date):
            raise _Bad(headers[name], "empty")
    id_number = _id_number(cell("id_number"), headers["id_number"])
    name = _cell_text(cell("name"), headers["name"])
    try:
        scheme = Scheme.from_text(_text(cell("scheme")))
    except ValueError as error:
        raise _Bad(headers["scheme"], str(error)) from None
    amount = _amount(cell("monthly_amount"), headers["monthly_amount"])
    start = _month(cell("start"), headers["start"])
    end = None
    if _text(cell("end")):
        end = _month(cell("end"), headers["end"])
        if end < start:
            raise _Bad(headers["end"], f"{end} is before the start {start}")
    township = "".join(_cell_text(cell("township"), headers["township"]).split())
    phone = _phone(cell("phone"), headers.get("phone", "phone")) if "phone" in where else None
    key = pseudonym(id_number.value)
    person: dict[str, Any] = {
        "kind": "person",
        "id": f"roster:person:{key}",
        "id_number": id_number.value,
        "name": name,
        "township": township,
    }
    if phone:
        person["phone"] = phone
    entitlement: dict[str, Any] = {
        "kind": "entitlement",
        "id": f"roster:entitlement:{key}:{scheme.value}",
        "id_number": id_number.value,
        "scheme": scheme.value,
        "start": str(start),
        "monthly_amount": str(amount),
    }
    if end is not None:
        entitlement["end"] = str(end)
    return [person, entitlement]


# --- the import ----------------------------------------------------------------------------


def import_roster(
    store: SQLiteStore,
    path: Path,
    *,
    mapping: ColumnMapping | None = None,
    campaign: Campaign | None = None,
    progress: Callable[[int], None] | None = None,
    chunk: int = 5000,
) -> RosterReport:
    """Validate every row, import the good ones into ``store``, report the rest.

    A township not among ``campaign``'s is a warning, not a rejection.
    """
    mapping = mapping or ColumnMapping.load(None)
    rows = read_rows(path, mapping)
    try:
        header = next(rows)
    except StopIteration:
        raise RosterError(f"{path}: the file is empty") from None
    where = mapping.locate(header)
    headers = {name: _text(header[index]) for name, index in where.items()}
    known_townships = set(campaign.townships) if campaign else set()
    report = RosterReport(
        header=tuple(_text(h) for h in header),
        personal_columns=tuple(where[k] for k in ("id_number", "phone") if k in where),
    )
    pending: list[tuple[int, list[dict[str, Any]], tuple[str, ...]]] = []
    columns = {**headers, "attestation": headers["id_number"], "type": headers["id_number"]}

    def flush() -> None:
        # One group per row: a row is stored whole or not at all.
        result = store.import_groups([records for _, records, _ in pending])
        failed = {r.line: r for r in result.rejected}
        present = set(result.present_lines)
        for index, (row, _, cells) in enumerate(pending, start=1):
            if index in failed:
                rejection = failed[index]
                column = columns.get(rejection.key or "", headers["id_number"])
                report.rejected.append(RowProblem(row, column, rejection.reason, cells))
            elif index in present:
                report.already_present += 1
            else:
                report.imported += 1
        pending.clear()

    for number, cells in enumerate(rows, start=2):
        if all(_text(c) == "" for c in cells):
            continue
        report.rows += 1
        shown = tuple(_text(c) for c in cells)
        try:
            records = row_records(cells, where, headers, store.pseudonym)
        except _Bad as bad:
            report.rejected.append(RowProblem(number, bad.column, str(bad), shown))
            continue
        township = records[0]["township"]
        if known_townships and township not in known_townships:
            report.warnings.append(
                RowProblem(
                    number,
                    headers["township"],
                    f"{township} is not a township of {campaign.id if campaign else ''}",
                    shown,
                )
            )
        pending.append((number, records, shown))
        if len(pending) >= chunk:
            flush()
            if progress:
                progress(report.rows)
    if pending:
        flush()
    if progress and report.rows >= chunk:
        progress(report.rows)
    report.rejected.sort(key=lambda p: p.row)
    return report


def write_rejects(path: Path, report: RosterReport, *, unmasked: bool = False) -> None:
    """The rejects file: row, column, reason, then the row's own cells (ID and phone numbers
    masked unless ``unmasked``: the row number finds the row in the original); UTF-8 with
    BOM for Excel, formula-like cells neutralised."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "column", "reason", *report.header])
        for problem in report.rejected:
            cells = list(problem.cells)
            if not unmasked:
                for index in report.personal_columns:
                    if index < len(cells) and cells[index]:
                        cells[index] = _mask_cell(cells[index])
            row = [str(problem.row), problem.column, problem.reason, *cells]
            writer.writerow([neutralise(cell) for cell in row])


def _mask_cell(text: str) -> str:
    return mask_id_text(text) if len(text) >= 15 else mask_phone_text(text)
