from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """An empty store, made with the command as a county office makes one."""
    from click.testing import CliRunner  # noqa: PLC0415

    from sscert.cli.app import cli  # noqa: PLC0415

    path = tmp_path / "s.db"
    assert CliRunner().invoke(cli, ["store", "init", str(path)]).exit_code == 0
    return path


@pytest.fixture(autouse=True)
def _english_by_default(monkeypatch: pytest.MonkeyPatch) -> object:
    """Tests read English messages unless they ask for Chinese: the machine's own locale
    must not decide (a test that wants Chinese sets LANG or passes --lang zh)."""
    from sscert.i18n import set_language  # noqa: PLC0415

    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    yield
    set_language("en")
