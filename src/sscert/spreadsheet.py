"""Spreadsheet safety: every CSV and XLSX file sscert writes goes through here.

Text in these files comes partly from outside (a township, a name, a record id), and a
spreadsheet runs a cell that starts like a formula (CSV injection: ``=HYPERLINK(...)``,
``@SUM(...)``, ``+cmd|...``). So:

* :func:`neutralise` puts a ``'`` before text that a spreadsheet could read as a formula —
  a leading ``=``, ``+``, ``-``, ``@``, tab, carriage return or line feed, also after
  leading spaces, and their full-width forms (``＝``, ``＋``, ``－``, ``＠``);
* :func:`write_sheet` writes every text cell of an XLSX sheet as a string cell (never a
  formula, a number or a link), neutralised, and numbers as numbers;
* :func:`sheet_name` makes any text (a township) a valid, unique worksheet name: no
  ``: / \\ ? * [ ]``, no leading or trailing ``'``, at most 31 characters, not Excel's
  reserved ``History``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

__all__ = [
    "FORMULA_STARTS",
    "file_name",
    "neutralise",
    "open_book",
    "sheet_name",
    "write_csv",
    "write_sheet",
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


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A CSV file Excel opens with Chinese text intact (UTF-8 with BOM), every cell
    neutralised."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([neutralise(str(h)) for h in header])
        for row in rows:
            writer.writerow([neutralise("" if c is None else str(c)) for c in row])


#: Rows up to which a workbook keeps its cells until it is closed (faster: repeated text is
#: stored once); a larger one writes each row as it comes (constant memory).
STREAM_ROWS: Final = 50_000


def open_book(path: str | Path, *, rows: int | None = None) -> Any:
    """A new XLSX workbook at ``path`` (XlsxWriter, ``sscert[campaign]``) that never reads
    text as a number, a formula or a link; close it to write the file. ``rows`` is how many
    rows it will hold in all: up to :data:`STREAM_ROWS` its cells are kept until it is
    closed, beyond that (or not said) each row is written to disk as it comes."""
    path = Path(path)
    import xlsxwriter  # noqa: PLC0415 - an optional dependency, loaded when needed

    return xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": rows is None or rows > STREAM_ROWS,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )


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


#: Characters two columns wide: CJK and beyond (U+2E80 on).
_WIDE: Final = re.compile("[\u2e80-\U0010ffff]")


def _width(value: object) -> int:
    text = str(value) if value is not None else ""
    return len(text) if text.isascii() else len(text) + len(_WIDE.findall(text))


def write_sheet(
    book: Any,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    money: Sequence[str] = (),
    total_label: str | None = None,
    after: Sequence[Sequence[object]] = (),
) -> None:
    """A worksheet ``title`` of ``book`` (:func:`open_book`) people can sort, filter, sum and
    print: the header row bold, frozen and filterable; columns as wide as their content; the
    ``money`` columns as numbers shown ``#,##0.00``; a last row with ``total_label`` and each
    money column's total (a value, not a formula); landscape A4 pages that repeat the header
    row; then the ``after`` rows. A large book streams its rows to the file (:func:`open_book`)."""
    sheet = book.add_worksheet(title)
    money_at = {headers.index(name) for name in money if name in headers}
    totals = dict.fromkeys(money_at, Decimal(0))
    for row in rows:
        for index in money_at:
            value = row[index]
            if isinstance(value, Decimal):
                totals[index] += value
    for index, header in enumerate(headers):
        widest = max([_width(header), *(_width(r[index]) for r in rows if index < len(r))])
        sheet.set_column(index, index, min(max(widest + 2, 8), 48))
    sheet.freeze_panes(1, 0)
    if rows:
        sheet.autofilter(0, 0, len(rows), len(headers) - 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    bold = book.add_format({"bold": True})
    amount = book.add_format({"num_format": "#,##0.00"})
    bold_amount = book.add_format({"bold": True, "num_format": "#,##0.00"})
    place = 0

    def write(values: Sequence[object], *, strong: bool = False) -> None:
        nonlocal place
        for index, value in enumerate(values):
            if value is None:
                continue
            if type(value) is str:
                sheet.write_string(place, index, neutralise(value), bold if strong else None)
            elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                shown = (bold_amount if strong else amount) if index in money_at else None
                sheet.write_number(place, index, value, shown or (bold if strong else None))
            else:
                sheet.write_string(place, index, neutralise(str(value)), bold if strong else None)
        place += 1

    write(headers, strong=True)
    for row in rows:
        write(row)
    if total_label is not None and rows:
        last: list[object] = [total_label, *([None] * (len(headers) - 1))]
        for index in money_at:
            last[index] = totals[index]
        write(last, strong=True)
    for row in after:
        write(row)
