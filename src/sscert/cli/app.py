"""The command group and its sub-commands.

The language of messages is chosen once per run: ``--lang zh|en`` anywhere on the command
line, else ``LC_ALL``/``LC_MESSAGES``/``LANG`` (``zh_*`` → Chinese).
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from sscert import __version__, rules_compiled
from sscert.cli.memory import collect_in_full_less_often, end_without_collecting
from sscert.cli.output import ensure_utf8_streams
from sscert.i18n import LANGUAGES, language_from_env, set_language

#: Each command and where it is: its module is imported when the command runs (or is
#: listed), so running one command does not import every other.
COMMANDS: dict[str, str] = {
    "campaign": "sscert.cli.campaign:campaign",
    "calculate": "sscert.cli.calculate:calculate_command",
    "channels": "sscert.cli.channels:channels",
    "store": "sscert.cli.store:store",
    "keys": "sscert.cli.store:keys",
    "roster": "sscert.cli.roster:roster",
    "events": "sscert.cli.events:events",
    "remind": "sscert.cli.campaign_run:remind",
    "report": "sscert.cli.campaign_run:report",
    "settlement": "sscert.cli.settlement:settlement",
    "demo": "sscert.cli.demo:demo",
    "batch": "sscert.cli.batch:batch",
}

__all__ = ["cli", "main"]


def _take_lang(args: list[str]) -> tuple[str | None, list[str]]:
    """``--lang X`` or ``--lang=X`` from anywhere among ``args`` (before a ``--``)."""
    rest: list[str] = []
    chosen: str | None = None
    items = iter(args)
    for arg in items:
        if arg == "--":
            rest.append(arg)
            rest.extend(items)
            break
        if arg == "--lang":
            chosen = next(items, None)
        elif arg.startswith("--lang="):
            chosen = arg.partition("=")[2]
        else:
            rest.append(arg)
    return chosen, rest


class LanguageGroup(click.Group):
    """A group that takes ``--lang`` wherever it is written and speaks it, and imports a
    command of :data:`COMMANDS` when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is None and cmd_name in COMMANDS:
            module, _colon, name = COMMANDS[cmd_name].partition(":")
            found = getattr(importlib.import_module(module), name)
            assert isinstance(found, click.Command)
            self.add_command(found, cmd_name)
        return found

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        chosen, rest = _take_lang(list(args))
        if chosen is not None and chosen not in LANGUAGES:
            raise click.UsageError(f"--lang: one of {', '.join(LANGUAGES)}, not {chosen!r}")
        set_language(chosen or language_from_env())
        return super().parse_args(ctx, rest)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        with formatter.section("Language"):
            formatter.write_dl(
                [("--lang [zh|en]", "Messages in Chinese or English (default: from LANG).")]
            )


@click.group(cls=LanguageGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__,
    prog_name="sscert",
    message="%(prog)s %(version)s" + (" (rules compiled)" if rules_compiled() else ""),
)
def cli(**_: Any) -> None:
    """sscert — benefit eligibility certification (待遇领取资格认证)."""


def main() -> None:
    """Console-script entry point."""
    end_without_collecting()
    collect_in_full_less_often()
    ensure_utf8_streams()
    cli()
