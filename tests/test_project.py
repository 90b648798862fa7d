"""The project's own promises: README quickstart and CI agree."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quickstart_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- quickstart -->\s*```bash\n(.*?)```", readme, re.S)
    assert block, "README has no quickstart block"
    return [line for line in block[1].splitlines() if line.strip()]


def test_quickstart_is_two_commands() -> None:
    commands = quickstart_commands()
    assert len(commands) == 2
    assert "sscert" in commands[0]
    assert "[test]" in commands[1]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quickstart_commands()[1] in ci
    for check in ("ruff check", "ruff format --check", "mypy --strict src"):
        assert check in ci


def test_changelog_has_an_unreleased_section() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog


def test_the_docs_site_lists_every_page() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = {p.name for p in (ROOT / "docs").glob("*.md")}
    listed = set(re.findall(r":\s*([\w-]+\.md)\s*$", config, re.M))
    assert pages == listed, f"not in mkdocs.yml nav: {pages - listed}; missing: {listed - pages}"


def test_ci_builds_the_docs_and_installs_chromium() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "mkdocs build --strict" in ci
    assert re.search(r"apt-get install -y -qq \\?\s*chromium fonts-wqy-microhei", ci)
    assert "pip install -e '.[spark]'" in ci
