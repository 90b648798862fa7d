"""The wheel's build hook: with ``SSCERT_COMPILE=1`` in the environment, the rules and the
result's JSON (the modules a person's calculation spends its time in) are compiled to C
extensions with mypyc, beside their Python source. Without it — the default, and for an
editable install — the wheel is pure Python and nothing more is needed to build it.

The compiled modules are the same source, type-checked by mypy --strict: a module compiled
this way runs its checks of types at run time too. Only modules that work on values already
checked are compiled; everything that reads input from outside (the contract, the values'
parsers, the store) stays interpreted, so that hostile input meets the same code either way.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

#: Set to one of :data:`ON` to compile :data:`COMPILED` into the wheel.
SWITCH = "SSCERT_COMPILE"
#: The values of :data:`SWITCH` that ask for it (any case, surrounding spaces ignored).
ON = ("1", "true", "yes")

#: The modules compiled, as paths under ``src``: every module of ``sscert.rules`` but its
#: ``__init__``, and ``sscert.calculate``.
COMPILED = (
    "sscert/calculate.py",
    "sscert/rules/catalogue.py",
    "sscert/rules/citations.py",
    "sscert/rules/coverage.py",
    "sscert/rules/deadline.py",
    "sscert/rules/death.py",
    "sscert/rules/decisions.py",
    "sscert/rules/dependants.py",
    "sscert/rules/engine.py",
    "sscert/rules/knowledge.py",
    "sscert/rules/payroll.py",
    "sscert/rules/penalty.py",
    "sscert/rules/review.py",
    "sscert/rules/settlement.py",
    "sscert/rules/status.py",
    "sscert/rules/workdays.py",
)


def wanted() -> bool:
    return os.environ.get(SWITCH, "").strip().lower() in ON


@contextlib.contextmanager
def _within(folder: Path) -> Iterator[None]:
    """Work in ``folder`` (mypyc names modules by their paths from where it runs)."""
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


class CompileRules(BuildHookInterface):  # type: ignore[type-arg]
    """Compile :data:`COMPILED` when :data:`SWITCH` is ``1``."""

    def dependencies(self) -> list[str]:
        """What compiling needs: mypyc and setuptools, and the runtime dependencies with
        their types (mypy reads the modules the compiled ones import)."""
        if not wanted():
            return []
        runtime = list(self.metadata.core.dependencies)
        return ["mypy>=1.16", "setuptools>=68", "types-python-dateutil", *runtime]

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable" or not wanted():
            return
        from mypyc.build import mypycify  # noqa: PLC0415 - only when compiling
        from setuptools import Distribution  # noqa: PLC0415
        from setuptools.command.build_ext import build_ext  # noqa: PLC0415

        source = Path(self.root) / "src"
        work = self._work = Path(tempfile.mkdtemp(prefix="sscert-mypyc-"))
        config = Path(self.root) / "pyproject.toml"
        with _within(source):
            extensions = mypycify(
                ["--config-file", str(config), *COMPILED],
                opt_level="3",
                target_dir=str(work / "c"),
                group_name="sscert",
            )
            command = build_ext(Distribution({"ext_modules": extensions}))
            command.build_lib = str(work / "lib")
            command.build_temp = str(work / "temp")
            command.ensure_finalized()
            command.run()
        built = sorted((work / "lib").rglob("*" + EXTENSION_SUFFIXES[0]))
        if len(built) < len(COMPILED):
            raise RuntimeError(f"mypyc built {len(built)} modules of {len(COMPILED)}")
        for path in built:
            build_data["force_include"][str(path)] = path.relative_to(work / "lib").as_posix()
        build_data["pure_python"] = False
        build_data["infer_tag"] = True

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """The generated C and the built modules are in the wheel now: removed."""
        work: Path | None = getattr(self, "_work", None)
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
