"""The ``sscert`` command.

Built on click: explicit, composable command groups that other packages can extend, a test
runner (``CliRunner``) in the box, and no type-hint magic between the user and the options.
"""

from __future__ import annotations

from sscert.cli.app import main

__all__ = ["main"]
