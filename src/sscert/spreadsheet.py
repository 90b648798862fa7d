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

__all__ = ["FORMULA_STARTS", "neutralise", "sheet_name", "write_csv", "xlsx_append"]

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
