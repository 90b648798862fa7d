"""Every command exits through one place (:func:`sscert.cli.options.fail`): whatever the
error's text, an ID number or a mobile number in it is masked on stderr. The errors here are
made to quote a cell, as a library's or a damaged file's message may."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import sscert.cli.calculate
import sscert.cli.campaign
import sscert.cli.campaign_run
import sscert.cli.events
import sscert.cli.roster
from sscert.campaigns import CampaignError
from sscert.cli.app import cli
from sscert.roster import RosterError
from sscert.sheets import SheetError
from sscert.store import SQLiteStore, StoreError

ID_NUMBER = "130630194803150028"
MOBILE = "13812345678"
QUOTED = f"cannot use the cell {ID_NUMBER!r} (phone {MOBILE})"


def _raise(error: Exception) -> Callable[..., object]:
    def raising(*_args: object, **_kwargs: object) -> object:
        raise error

    return raising


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "store.db"
    SQLiteStore.init(path)[0].close()
    return path


CASES = {
    "calculate --campaign-file": (
        sscert.cli.calculate, "load_campaign", CampaignError("x.toml", "", QUOTED),
        ["calculate", "{case}", "--campaign-file", "{case}"],
    ),
    "campaign show": (
        sscert.cli.campaign, "load_campaign", CampaignError("x.toml", "", QUOTED),
        ["campaign", "show", "x.toml"],
    ),
    "report": (
        sscert.cli.campaign_run, "take_snapshot", StoreError(QUOTED),
        ["report", "{db}", "--campaign", "laiyuan-2023", "--as-of", "2023-06-30",
         "--out", "{tmp}/r.html"],
    ),
    "events import": (
        sscert.cli.events, "mapping", SheetError(QUOTED),
        ["events", "import", "{db}", "{case}"],
    ),
    "roster import": (
        sscert.cli.roster, "import_roster", RosterError(QUOTED),
        ["roster", "import", "{db}", "{case}"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_command_s_exit_message_masks_personal_numbers(
    name: str, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module, attribute, error, arguments = CASES[name]
    monkeypatch.setattr(module, attribute, _raise(error))
    case = tmp_path / "case.json"
    case.write_text('{"campaign": "laiyuan-2023", "as_of": "2023-06-30", "people": []}')
    given = [a.format(db=db, case=case, tmp=tmp_path) for a in arguments]
    result = CliRunner().invoke(cli, given)
    assert result.exit_code == 2, result.output
    assert "cannot use the cell" in result.stderr
    assert ID_NUMBER not in result.stderr
    assert MOBILE not in result.stderr
    assert not re.search(r"[0-9]{17}[0-9X]", result.output)
    assert "Traceback" not in result.output
