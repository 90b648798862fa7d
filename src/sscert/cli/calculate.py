"""``sscert calculate CASE.json [-o OUT.json]``: the calculation contract from the shell."""

from __future__ import annotations

import json
from pathlib import Path

import click

from sscert.cli.output import dump_json
from sscert.contract import InputError
from sscert.plugins import calculate_with_plugins, make_plugin_manager

__all__ = ["calculate_command"]


@click.command("calculate")
@click.argument("case_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the result to this file instead of standard output.",
)
def calculate_command(case_file: Path, output: Path | None) -> None:
    """Apply rules C1-C12 to the people of CASE_FILE and print the result as JSON.

    Exit status: 0 on success; 2 for bad input, with the path of the bad field on stderr.
    """
    try:
        text = case_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        click.echo(f"sscert: cannot read {case_file}: {error}", err=True)
        raise SystemExit(2) from None
    try:
        case = json.loads(text)
    except json.JSONDecodeError as error:
        click.echo(f"sscert: {case_file} is not JSON: {error}", err=True)
        raise SystemExit(2) from None
    pm = make_plugin_manager()
    try:
        result = calculate_with_plugins(case, pm)
    except InputError as error:
        click.echo(f"sscert: {case_file}: bad input", err=True)
        click.echo(str(error), err=True)
        raise SystemExit(2) from None
    rendered = dump_json(result)
    if output is None:
        click.echo(rendered)
    else:
        output.write_text(rendered + "\n", encoding="utf-8")
        click.echo(f"wrote {output}", err=True)
