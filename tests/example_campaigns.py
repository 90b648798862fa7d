"""Campaigns the tests use besides the bundled ones, given by the caller as a real system
would (``calculate(case, campaigns=...)``), never named as files inside a case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sscert

ROOT = Path(__file__).resolve().parent.parent
ROLLING_FILE = ROOT / "examples" / "rolling-hebei-2024.toml"
ROLLING = sscert.load_campaign(ROLLING_FILE)
CAMPAIGNS = (ROLLING,)


def calculate(case: dict[str, Any]) -> dict[str, Any]:
    """``sscert.calculate`` knowing the example campaigns."""
    return sscert.calculate(case, campaigns=CAMPAIGNS)


def campaign_of(case: dict[str, Any]) -> sscert.Campaign:
    """The campaign a case names: an example one or a bundled one."""
    given = {c.id: c for c in CAMPAIGNS}
    return given.get(case["campaign"]) or sscert.load_campaign(case["campaign"])
