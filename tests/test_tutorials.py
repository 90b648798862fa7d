"""The tutorials work when followed literally: every ``$ sscert …`` line of a tutorial runs,
in order, on the sample files under ``examples/`` (copied to a temporary folder), and what
the page shows after a command is what the command prints (``…`` stands for the rest)."""

from __future__ import annotations

import json
import shlex
import shutil
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sscert.cli.app import cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
#: The lines that install sscert from a checkout: run by .ci/run, not here.
INSTALL = {
    "python3.11 -m venv .venv",
    ".venv/bin/pip install '.[campaign]'",
    "source .venv/bin/activate",
}


def _commands(page: Path) -> list[tuple[str, list[str]]]:
    """Each ``$`` line of the page's console blocks with the lines shown after it."""
    commands: list[tuple[str, list[str]]] = []
    inside = False
    for line in page.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            inside = stripped == "```console"
            continue
        if not inside:
            continue
        if stripped.startswith("$ "):
            commands.append((stripped[2:], []))
        elif commands and stripped:
            commands[-1][1].append(stripped)
    return commands


def _shown_in(shown: str, output: str) -> bool:
    lines = [line.strip() for line in output.splitlines()]
    if "…" in shown:
        head = shown.split("…", 1)[0]
        return not head or any(line.startswith(head) for line in lines)
    return shown in lines


def _run(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str = "zh_CN.UTF-8"
) -> int:
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    ran = 0
    for command, shown in _commands(page):
        if command in INSTALL:
            continue
        words = shlex.split(command)
        if words[0] == "cd":
            source = ROOT / words[1]
            assert source.is_dir(), f"{page.name}: `{command}`: no folder {words[1]}"
            work = tmp_path / source.name
            shutil.copytree(source, work)
            monkeypatch.chdir(work)
            continue
        assert words[0] == "sscert", f"{page.name}: a command the test does not know: {command}"
        result = runner.invoke(cli, words[1:], env={"LANG": lang, "LC_ALL": ""})
        output = result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"{command}: {result.exception!r}"
        )
        assert result.exit_code in (0, 1), f"{command}: exit {result.exit_code}\n{output}"
        for line in shown:
            assert _shown_in(line, output), f"{command}: the page shows {line!r}, got:\n{output}"
        ran += 1
    return ran


def test_the_county_tutorial_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = _run(DOCS / "tutorial-county.md", tmp_path, monkeypatch)
    assert ran >= 15
    work = tmp_path / "county"
    assert (work / "花名册-2月.csv.rejects.csv").is_file()
    assert (work / "花名册-4月.csv.missing.csv").is_file()
    for township in ("涞源镇", "泉坊镇", "王安镇", "北石佛镇"):
        assert (work / "提醒-3月15日" / township / "通知书.html").is_file()
    assert (work / "档案" / "manifest.json").is_file()
    assert (work / "备份" / "涞源2023-终.db").is_file()
    assert (work / "进度-6月30日.html").stat().st_size > 10_000
    # what the page says about the people of the sample files
    people = {
        p["name"]: p
        for p in json.loads((work / "结果-6月30日.json").read_text(encoding="utf-8"))["people"]
    }
    assert people["杨振华"]["totals"]["backpaid"] == "10420.00"
    assert people["赵淑芬"]["totals"]["overpaid"] == "158.00"
    assert "C11" in {d["rule"] for d in people["黄志强"]["decisions"]}
    assert people["陈玉珍"]["status"] == "suspended"
    assert people["吴国庆"]["status"] == "certified"


def test_the_store_page_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ran = _run(DOCS / "store.md", tmp_path, monkeypatch, lang="C.UTF-8")
    assert ran >= 8
    work = tmp_path / "store"
    assert (work / "checkpoints" / "cp-2023-09-30.json").is_file()
    assert json.loads((work / "result.json").read_text(encoding="utf-8"))["people"]


def test_the_command_page_runs_as_written_and_lists_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = DOCS / "cli.md"
    assert _run(page, tmp_path, monkeypatch, lang="C.UTF-8") >= 1
    text = page.read_text(encoding="utf-8")

    def names(group: click.Group, prefix: str) -> list[str]:
        found = []
        context = click.Context(group)
        for name in group.list_commands(context):
            command = group.get_command(context, name)
            if isinstance(command, click.Group):
                found += names(command, f"{prefix}{name} ")
            else:
                found.append(f"{prefix}{name}")
        return found

    commands = names(cli, "sscert ")
    assert len(commands) >= 20
    missing = [c for c in commands if f"`{c}" not in text]
    assert missing == [], f"docs/cli.md does not describe {missing}"


def test_the_settlement_page_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _run(DOCS / "settlement.md", tmp_path, monkeypatch, lang="C.UTF-8") >= 4
    statement = (tmp_path / "settlement" / "结算单.html").read_text(encoding="utf-8")
    assert "死亡待遇结算单" in statement
    assert "48,800.00" in statement


def test_the_install_lines_work_from_a_checkout() -> None:
    """`pip install '.[campaign]'` needs a ``campaign`` extra in pyproject.toml; .ci/run
    installs from the checkout the same way."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "campaign" in project["project"]["optional-dependencies"]
    installs = [c for c, _shown in _commands(DOCS / "tutorial-county.md") if c in INSTALL]
    assert set(installs) == INSTALL
