from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import sscert
from sscert.cli.app import cli

ROOT = Path(__file__).resolve().parent.parent


def test_show_json_exits_0_and_prints_the_campaign() -> None:
    result = CliRunner().invoke(cli, ["campaign", "show", "laiyuan-2023", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["id"] == "laiyuan-2023"
    assert data["window"] == {
        "start": "2023-02-10",
        "end": "2023-03-25",
        "reference": data["window"]["reference"],
    }
    assert data["channels"] == ["hebei_renshe", "yirenshe", "assisted"]
    assert len(data["schemes"]) == 5
    assert {"name": "王安镇", "phone": "0312-5367817"}.items() <= next(
        c for c in data["contacts"] if c["name"] == "王安镇"
    ).items()


def test_show_text_lists_window_channels_schemes_contacts() -> None:
    result = CliRunner().invoke(cli, ["campaign", "show", "laiyuan-2023"])
    assert result.exit_code == 0
    for expected in (
        "2023-02-10",
        "2023-03-25",
        "易人社",
        "城乡居民基本养老保险",
        "0312-7329723",
        "王安镇劳动保障事务所",
    ):
        assert expected in result.stdout
    assert "王安镇镇" not in result.stdout


def test_show_unknown_exits_2_with_message_on_stderr() -> None:
    result = CliRunner().invoke(cli, ["campaign", "show", "atlantis-2099"])
    assert result.exit_code == 2
    assert "atlantis-2099" in result.stderr
    assert result.stdout == ""


def test_chinese_survives_a_c_locale(tmp_path: Path) -> None:
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from sscert.cli import main; main()",
            "campaign",
            "show",
            "laiyuan-2023",
        ],
        capture_output=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "涞源县" in done.stdout.decode("utf-8")


def test_init_writes_an_editable_copy_that_loads(tmp_path: Path) -> None:
    new = tmp_path / "counties" / "my-county-2024.toml"
    result = CliRunner().invoke(cli, ["campaign", "init", str(new), "--from", "laiyuan-2023"])
    assert result.exit_code == 0, result.output
    text = new.read_text(encoding="utf-8")
    assert text.startswith("# Copied from the bundled campaign laiyuan-2023")
    assert 'id = "my-county-2024"' in text
    bundled = (ROOT / "src" / "sscert" / "campaigns" / "data" / "laiyuan-2023.toml").read_text(
        encoding="utf-8"
    )
    comments = [line for line in bundled.splitlines() if line.startswith("#")]
    assert all(line in text for line in comments)
    copy, original = sscert.load_campaign(new), sscert.load_campaign("laiyuan-2023")
    assert copy.id == "my-county-2024"
    assert copy.contacts == original.contacts
    assert copy.duty == original.duty
    shown = CliRunner().invoke(cli, ["campaign", "show", str(new)])
    assert shown.exit_code == 0
    again = CliRunner().invoke(cli, ["campaign", "init", str(new), "--from", "laiyuan-2023"])
    assert again.exit_code == 2
    assert new.read_text(encoding="utf-8") == text  # never overwritten


@pytest.mark.parametrize(
    ("name", "extra", "message"),
    [
        ("本县.toml", [], "--id"),
        ("x.toml", ["--id", "Bad Id"], "--id"),
        ("y.toml", ["--from", "nowhere-1999"], "no bundled campaign"),
    ],
)
def test_init_refuses_what_it_cannot_copy(
    tmp_path: Path, name: str, extra: list[str], message: str
) -> None:
    args = ["campaign", "init", str(tmp_path / name)]
    if "--from" not in extra:
        args += ["--from", "laiyuan-2023"]
    result = CliRunner().invoke(cli, [*args, *extra])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / name).exists()


def test_the_command_collects_garbage_in_full_less_often() -> None:
    code = (
        "import gc, sys; from sscert.cli import main; from sscert.cli.memory import "
        "FULL_COLLECTION_EVERY as every; young = gc.get_threshold()[:2]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert gc.get_threshold() == (*young, every), gc.get_threshold()\n"
        "assert gc.isenabled()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "campaign", "list"], capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert b"laiyuan-2023" in done.stdout


def test_the_command_ends_without_collecting_what_it_holds() -> None:
    """When the command is done, what the process holds is frozen before Python shuts down
    (its last collections pass over none of it), after the other exit handlers."""
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
        "from sscert.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "atexit.register(lambda: print('before', gc.get_freeze_count() > 0))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "campaign", "list"], capture_output=True, text=True, check=True
    )
    # exit handlers run last registered first: one registered after the command's runs
    # before the freeze, one registered before the command after it
    assert done.stdout.splitlines()[-2:] == ["before False", "frozen True"], done.stdout


def test_a_command_imports_its_own_module_only() -> None:
    """``sscert campaign list`` runs without importing the other commands' modules (the
    store's, the reports', the batch engine's): each is imported when its command runs."""
    code = (
        "import sys\n"
        "from sscert.cli.app import main\n"
        "sys.argv = ['sscert', 'campaign', 'list']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('sscert.cli.')), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = done.stderr.strip().splitlines()[-1]
    assert "'sscert.cli.campaign'" in loaded
    for other in ("store", "batch", "campaign_run", "demo", "roster", "settlement"):
        assert f"'sscert.cli.{other}'" not in loaded, loaded
