"""Spreadsheet safety: every CSV and XLSX file sscert writes goes through here.

Text in these files comes partly from outside (a township, a name, a record id), and a
spreadsheet runs a cell that starts like a formula (CSV injection: ``=HYPERLINK(...)``,
``@SUM(...)``, ``+cmd|...``). So:

* :func:`neutralise` puts a ``'`` before text that a spreadsheet could read as a formula —
  a leading ``=``, ``+``, ``-``, ``@``, tab, carriage return or line feed, also after
  leading spaces, and their full-width forms (``＝``, ``＋``, ``－``, ``＠``);
* :func:`xlsx_append` writes every text cell of an XLSX row as a string cell (never a
  formula), neutralised, and leaves numbers as numbers;
* :func:`sheet_name` makes any text (a township) a valid, unique worksheet name: no
  ``: / \\ ? * [ ]``, no leading or trailing ``'``, at most 31 characters, not Excel's
  reserved ``History``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

__all__ = [
    "FORMULA_STARTS",
    "file_name",
    "neutralise",
    "sheet_name",
    "write_csv",
    "write_sheet",
    "xlsx_append",
]

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_SHEET_FORBIDDEN: Final = str.maketrans(dict.fromkeys(":/\\?*[]", "_"))
MAX_SHEET_NAME: Final = 31


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will show as text, never evaluate."""
    return "'" + cell if cell.lstrip(" ").startswith(FORMULA_STARTS) else cell


def sheet_name(text: str, used: set[str]) -> str:
    """A valid worksheet name for ``text``, unique (ignoring case) among ``used``; the name
    chosen is added to ``used``."""
    name = "".join(ch for ch in text.translate(_SHEET_FORBIDDEN) if ch.isprintable())
    name = name.strip().strip("'").strip()[:MAX_SHEET_NAME] or "Sheet"
    if name.casefold() == "history":
        name = f"{name}_"
    candidate, number = name, 1
    while candidate.casefold() in {u.casefold() for u in used}:
        number += 1
        suffix = f" ({number})"
        candidate = name[: MAX_SHEET_NAME - len(suffix)] + suffix
    used.add(candidate)
    return candidate


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A CSV file Excel opens with Chinese text intact (UTF-8 with BOM), every cell
    neutralised."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([neutralise(str(h)) for h in header])
        for row in rows:
            writer.writerow([neutralise("" if c is None else str(c)) for c in row])


def xlsx_append(sheet: Any, values: Sequence[object]) -> None:
    """Append a row to an openpyxl worksheet: text as string cells, neutralised; ``int``,
    ``float`` and ``Decimal`` as numbers; ``None`` as an empty cell."""
    cells: list[object] = []
    for value in values:
        number = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
        if value is None or number:
            cells.append(value)
        else:
            cells.append(neutralise(str(value)))
    sheet.append(cells)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


_FILE_FORBIDDEN: Final = str.maketrans(dict.fromkeys('/\\:*?"<>|', "_"))


def file_name(text: str, used: set[str]) -> str:
    """A safe, unique file or folder name for ``text`` (a township): no path separators or
    characters Windows refuses, no leading dot, at most 60 characters."""
    name = "".join(ch for ch in text.translate(_FILE_FORBIDDEN) if ch.isprintable()).strip()
    name = name.lstrip(".").strip()[:60] or "_"
    candidate, number = name, 1
    while candidate.casefold() in {u.casefold() for u in used}:
        number += 1
        candidate = f"{name} ({number})"
    used.add(candidate)
    return candidate


def _width(value: object) -> int:
    text = str(value) if value is not None else ""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def write_sheet(
    sheet: Any,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    money: Sequence[str] = (),
    total_label: str | None = None,
) -> None:
    """A worksheet people can sort, filter, sum and print: the header row bold, frozen and
    filterable; columns as wide as their content; the ``money`` columns as numbers shown
    ``#,##0.00``; a last row with ``total_label`` and each money column's total (a value,
    not a formula); landscape A4 pages that repeat the header row."""
    from openpyxl.styles import Font  # noqa: PLC0415 - an optional dependency
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    xlsx_append(sheet, headers)
    money_at = [headers.index(name) for name in money if name in headers]
    totals = [Decimal(0) for _ in money_at]
    for row in rows:
        xlsx_append(sheet, row)
        for k, index in enumerate(money_at):
            value = row[index]
            if isinstance(value, Decimal):
                totals[k] += value
    if total_label is not None and rows:
        last: list[object] = [total_label, *([None] * (len(headers) - 1))]
        for k, index in enumerate(money_at):
            last[index] = totals[k]
        xlsx_append(sheet, last)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index in money_at:
        letter = get_column_letter(index + 1)
        for cell in sheet[letter][1:]:
            cell.number_format = "#,##0.00"
    for index, header in enumerate(headers):
        letter = get_column_letter(index + 1)
        widest = max([_width(header), *(_width(r[index]) for r in rows if index < len(r))])
        sheet.column_dimensions[letter].width = min(max(widest + 2, 8), 48)
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
