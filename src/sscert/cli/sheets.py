"""What ``roster import`` and ``events import`` share: the ``--mapping`` and ``--rejects``
options, and saying what was rejected (or warned about) row by row, with the rejects file."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from sscert.i18n import _
from sscert.sheets import RowProblem, SheetReport, write_report_rejects

__all__ = ["echo_problems", "sheet_options", "write_rejected"]

_F = TypeVar("_F", bound=Callable[..., Any])


def sheet_options(command: _F) -> _F:
    """``--mapping FILE`` (the headers of the file) and ``--rejects FILE``."""
    command = click.option(
        "--rejects",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Where to write the rejected rows (default: FILE.rejects.csv beside FILE).",
    )(command)
    return click.option(
        "--mapping",
        "mapping_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="A TOML file naming the headers of your file (default: docs/roster.md's).",
    )(command)


def echo_problems(file: Path, problems: Sequence[RowProblem], *, warning: bool = False) -> None:
    """Each problem on stderr: the file, the row, the column and the reason."""
    for problem in problems:
        message = (
            _("{file}: row {row}: {column}: warning: {reason}")
            if warning
            else _("{file}: row {row}: {column}: rejected: {reason}")
        )
        click.echo(
            message.format(
                file=file, row=problem.row, column=problem.column, reason=problem.reason
            ),
            err=True,
        )


def write_rejected(file: Path, rejects: Path | None, report: SheetReport) -> str:
    """The rejects file of ``report``, by default ``FILE.rejects.csv`` beside FILE; what to
    add to the summary line ("" when nothing was rejected)."""
    if not report.rejected:
        return ""
    target = rejects or file.with_name(file.name + ".rejects.csv")
    write_report_rejects(target, report)
    return _("; rejected rows written to {path}").format(path=target)
