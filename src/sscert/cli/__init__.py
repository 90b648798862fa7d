"""The ``sscert`` command.

Built on click: explicit, composable command groups that other packages can extend, a test
runner (``CliRunner``) in the box, and no type-hint magic between the user and the options.
"""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """Run the ``sscert`` command. Its modules are imported when it runs, not with this
    package: a process that needs one of them (the second process of ``store calculate``)
    does not load every command."""
    from sscert.cli.app import main as run  # noqa: PLC0415

    run()
