"""Reading the spreadsheets county offices work from: rosters (花名册) and event lists
(认证明细, 死亡名单) exported as CSV (UTF-8, UTF-8 with BOM, GB18030) or Excel (``.xlsx``).

Shared by :mod:`sscert.roster` and :mod:`sscert.event_sheet`: which header holds which field
(the default Chinese headers, or a mapping file), reading rows, the cell rules (every value
through :mod:`sscert.values.limits`), and the rejects file — row number as the spreadsheet
shows it (the header is row 1), the column, the reason in the reader's language, and the
row's own cells with ID and phone numbers masked.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from attrs import define, field, frozen

from sscert.i18n import _
from sscert.spreadsheet import neutralise
from sscert.values.identity import IdNumber, InvalidIdNumber, mask_id_text
from sscert.values.limits import LimitError, check_text
from sscert.values.phone import mask_phone_text

__all__ = [
    "Bad",
    "ColumnMapping",
    "RowProblem",
    "Sheet",
    "SheetError",
    "SheetReport",
    "cell_text",
    "date_text",
    "id_number_cell",
    "month_text",
    "open_sheet",
    "read_rows",
    "text",
    "write_rejects",
    "write_report_rejects",
]


class SheetError(Exception):
    """The file cannot be read at all (unreadable, a required column missing)."""


class Bad(ValueError):
    """A bad cell: the column (its header) and why."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column


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
class SheetReport:
    """What an import of a spreadsheet did: rows read, already present, rejected (with the
    header and the columns holding personal numbers, for the rejects file)."""

    rows: int = 0
    already_present: int = 0
    rejected: list[RowProblem] = field(factory=list)
    header: tuple[str, ...] = ()
    personal_columns: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.rejected


def write_report_rejects(path: str | Path, report: SheetReport, *, unmasked: bool = False) -> None:
    """The rejects file of an import (:func:`write_rejects`)."""
    write_rejects(path, report.header, report.rejected, report.personal_columns, unmasked=unmasked)


@frozen
class ColumnMapping:
    """Which header holds each field; the defaults, or a TOML mapping file::

    [columns]
    id_number = "证件号码"          # or a list of headers
    monthly_amount = ["月养老金", "待遇金额"]
    [options]
    sheet = "花名册"                # the Excel sheet (default: the first)
    encoding = "gb18030"           # the CSV encoding (default: UTF-8, then GB18030)
    """

    columns: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...] = ()
    sheet: str | None = None
    encoding: str | None = None

    @classmethod
    def load(
        cls,
        path: str | Path | None,
        defaults: Mapping[str, tuple[str, ...]],
        required: Sequence[str],
    ) -> ColumnMapping:
        path = None if path is None else Path(path)
        if path is None:
            return cls(dict(defaults), tuple(required))
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise SheetError(
                _("{path}: not a readable mapping file: {error}").format(path=path, error=error)
            ) from None
        columns = dict(defaults)
        for key, value in data.get("columns", {}).items():
            if key not in defaults:
                raise SheetError(
                    _("{path}: columns.{key}: unknown field (known: {known})").format(
                        path=path, key=key, known=", ".join(defaults)
                    )
                )
            headers = (value,) if isinstance(value, str) else tuple(value)
            if not headers or not all(isinstance(h, str) and h.strip() for h in headers):
                raise SheetError(
                    _("{path}: columns.{key}: must be a header or a list of headers").format(
                        path=path, key=key
                    )
                )
            columns[key] = tuple(h.strip() for h in headers)
        options = data.get("options", {})
        return cls(columns, tuple(required), options.get("sheet"), options.get("encoding"))

    def locate(self, header: Sequence[object]) -> dict[str, int]:
        """Field -> column index. A missing required column raises :class:`SheetError`,
        naming the nearest header the file has and pointing at ``--mapping``."""
        cells = ["".join(str(c).split()) if c is not None else "" for c in header]
        found: dict[str, int] = {}
        for name, headers in self.columns.items():
            wanted = {"".join(h.split()) for h in headers}
            for index, cell in enumerate(cells):
                if cell in wanted:
                    found[name] = index
                    break
        missing = [name for name in self.required if name not in found]
        if not missing:
            return found
        used = {cells[i] for i in found.values()}
        spare = [c for c in cells if c and c not in used]
        parts = []
        for name in missing:
            expected = " / ".join(self.columns[name])
            near = difflib.get_close_matches(self.columns[name][0], spare, n=1, cutoff=0.3)
            if near:
                parts.append(
                    _("{expected} — did you mean the column “{near}”?").format(
                        expected=expected, near=near[0]
                    )
                )
            else:
                parts.append(expected)
        raise SheetError(
            _(
                "the header row has no column for: {missing}. Rename the header in the file, "
                "or name your headers in a mapping file and pass it with --mapping"
            ).format(missing="; ".join(parts))
        )


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
            raise SheetError(_("unknown encoding {name!r}").format(name=candidate)) from None
        except csv.Error as error:
            raise SheetError(
                _("{path}: not a readable CSV file: {error}").format(path=path, error=error)
            ) from None
        for row in rows:
            yield list(row)
        return
    raise SheetError(
        _("{path}: not UTF-8 or GB18030 text: name the encoding in a mapping file").format(
            path=path
        )
    )


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[list[object]]:
    try:
        import openpyxl  # noqa: PLC0415 - an optional dependency, loaded when needed
    except ImportError:
        raise SheetError(
            _(
                "reading .xlsx needs openpyxl: pip install 'sscert[campaign]' "
                "(from a checkout: pip install '.[campaign]')"
            )
        ) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a bad file
        raise SheetError(
            _("{path}: not a readable .xlsx workbook: {error}").format(path=path, error=error)
        ) from None
    try:
        worksheet = book[sheet] if sheet else book.worksheets[0]
    except KeyError:
        raise SheetError(
            _("{path}: no sheet named {sheet!r}").format(path=path, sheet=sheet)
        ) from None
    for row in worksheet.iter_rows(values_only=True):
        yield list(row)
    book.close()


def read_rows(path: str | Path, mapping: ColumnMapping) -> Iterator[list[object]]:
    """The rows of a CSV or ``.xlsx`` file, header first."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SheetError(_("{path}: no such file").format(path=path))
    if suffix == ".csv":
        return _csv_rows(path, mapping.encoding)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(path, mapping.sheet)
    raise SheetError(_("{path}: a table is a .csv or .xlsx file").format(path=path))


# --- cells ---------------------------------------------------------------------------------


@frozen
class Sheet:
    """An opened spreadsheet: its header, where each field is, each field's header as
    written, and its rows still to read."""

    header: tuple[str, ...]
    where: dict[str, int]
    headers: dict[str, str]
    body: Iterator[list[object]] = field(repr=False)

    def rows(self) -> Iterator[tuple[int, list[object], tuple[str, ...]]]:
        """``(row number as a spreadsheet shows it, cells, cells as text)``, blank rows
        skipped."""
        for number, cells in enumerate(self.body, start=2):
            shown = tuple(text(c) for c in cells)
            if any(shown):
                yield number, cells, shown


def open_sheet(path: str | Path, columns: ColumnMapping) -> Sheet:
    """Read ``path``'s header and find its columns; :class:`SheetError` for an empty file or
    a required column missing."""
    rows = read_rows(path, columns)
    try:
        first = next(rows)
    except StopIteration:
        raise SheetError(_("{path}: the file is empty").format(path=path)) from None
    where = columns.locate(first)
    return Sheet(
        tuple(text(h) for h in first),
        where,
        {name: text(first[index]) for name, index in where.items()},
        rows,
    )


def text(value: object) -> str:
    """A cell as text: empty for nothing, an integral spreadsheet number without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def cell_text(value: object, column: str) -> str:
    """A text cell within the input limits (at most 200 characters)."""
    try:
        return check_text(text(value))
    except LimitError as error:
        raise Bad(column, str(error)) from None


_WRITTEN_DATE = re.compile(
    r"(?:(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{4})(\d{2})(\d{2}))"
    r"(?:(?:\s+|T)(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?)?"
)


def date_text(value: str) -> str:
    """The ways people write a date in a spreadsheet — ``2023/3/22``, ``2023.3.22``,
    ``2023年3月22日``, ``20230322``, each optionally with ``9:05`` or ``9:05:30`` — as
    ISO text (``2023-03-22``, ``2023-03-22T09:05:00``); anything else unchanged, for the
    date check to refuse with its reason. ASCII digits only."""
    shown = value.strip()
    if any(c.isdigit() and not c.isascii() for c in shown):
        return shown
    match = _WRITTEN_DATE.fullmatch(shown)
    if not match:
        return shown
    year, month, day = match[1] or match[4], match[2] or match[5], match[3] or match[6]
    iso = f"{year}-{int(month):02d}-{int(day):02d}"
    if match[7] is None:
        return iso
    return f"{iso}T{int(match[7]):02d}:{match[8]}:{match[9] or '00'}"


_WRITTEN_MONTH = re.compile(r"(\d{4})\s*[/.年]\s*(\d{1,2})\s*月?")


def month_text(value: str) -> str:
    """``2023/1``, ``2023.01``, ``2023年1月`` as ``2023-01``; anything else unchanged (for
    the month check to accept ``2023-01`` and ``202301`` or refuse with its reason)."""
    shown = value.strip()
    if any(c.isdigit() and not c.isascii() for c in shown):
        return shown
    match = _WRITTEN_MONTH.fullmatch(shown)
    return f"{match[1]}-{int(match[2]):02d}" if match else shown


def id_number_cell(value: object, column: str) -> IdNumber:
    """An ID number cell: 18 characters or an old 15-digit number, as text."""
    if isinstance(value, float) or (isinstance(value, int) and len(str(value)) > 15):
        raise Bad(
            column,
            _(
                "the ID number was stored as a number and may have lost digits: format the "
                "column as text and export again"
            ),
        )
    try:
        return IdNumber.parse(cell_text(value, column))
    except InvalidIdNumber as error:
        raise Bad(column, str(error)) from None


# --- the rejects file ----------------------------------------------------------------------


def _mask_cell(value: str) -> str:
    return mask_id_text(value) if len(value) >= 15 else mask_phone_text(value)


def write_rejects(
    path: str | Path,
    header: Sequence[str],
    problems: Sequence[RowProblem],
    personal_columns: Sequence[int],
    *,
    unmasked: bool = False,
) -> None:
    """The rejects file: row, column, reason, then the row's own cells (ID and phone numbers
    masked unless ``unmasked``: the row number finds the row in the original); UTF-8 with
    BOM for Excel, formula-like cells neutralised."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([neutralise(h) for h in (_("row"), _("column"), _("reason"), *header)])
        for problem in problems:
            cells = list(problem.cells)
            if not unmasked:
                for index in personal_columns:
                    if index < len(cells) and cells[index]:
                        cells[index] = _mask_cell(cells[index])
            row = [str(problem.row), problem.column, problem.reason, *cells]
            writer.writerow([neutralise(cell) for cell in row])
