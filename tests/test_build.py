"""The wheel's build: pure Python by default, the rules compiled with ``SSCERT_COMPILE=1``
(hatch_build.py). CI runs the whole suite on both builds."""

from __future__ import annotations

import ast
import os
from pathlib import Path

from click.testing import CliRunner

import sscert
from sscert.cli.app import cli

ROOT = Path(__file__).resolve().parent.parent


def _hook_constant(name: str) -> tuple[str, ...]:
    """A tuple the build hook defines, read from its source (the hook itself needs
    hatchling, which only a build has)."""
    tree = ast.parse((ROOT / "hatch_build.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, tuple)
            return value
    raise AssertionError(f"hatch_build.py has no {name}")


def _compiled() -> tuple[str, ...]:
    return _hook_constant("COMPILED")


def test_the_rules_are_compiled_exactly_when_the_build_asked() -> None:
    """``SSCERT_COMPILE=1`` set for the tests says they run on a compiled install (an
    editable install is never compiled): a suite meant for the compiled build cannot pass
    on the pure one unnoticed, nor the other way round."""
    asked = os.environ.get("SSCERT_COMPILE", "").strip().lower() in _hook_constant("ON")
    assert sscert.rules_compiled() is asked


def test_every_compiled_module_is_a_module_of_the_package() -> None:
    compiled = _compiled()
    assert compiled, "nothing to compile"
    for path in compiled:
        assert (ROOT / "src" / path).is_file(), path
        # only modules that work on checked values: nothing that reads outside input
        assert path.startswith(("sscert/rules/", "sscert/calculate.py")), path


def test_every_module_of_the_rules_is_compiled() -> None:
    """The docs say the rules are compiled: a module added to ``sscert.rules`` is added to
    the build's list too (or the docs change)."""
    rules = {
        f"sscert/rules/{path.name}"
        for path in (ROOT / "src" / "sscert" / "rules").glob("*.py")
        if path.name != "__init__.py"
    }
    assert rules <= set(_compiled())


def test_the_version_names_the_build() -> None:
    shown = CliRunner().invoke(cli, ["--version"]).output
    assert shown.startswith(f"sscert {sscert.__version__}")
    assert ("(rules compiled)" in shown) is sscert.rules_compiled()
