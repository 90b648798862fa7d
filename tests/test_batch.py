"""The batch engine gives calculate's answers, field for field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from contract_compare import differences
from hypothesis import given, note, settings
from hypothesis import strategies as st

import sscert
from sscert import strategies as sst

pytest.importorskip("polars")

from sscert.batch import batch_calculate  # noqa: E402

ROLLING = str(Path(__file__).resolve().parent.parent / "examples" / "rolling-hebei-2024.toml")
CASES = st.one_of(
    sst.cases(max_people=6),
    sst.cases(
        ROLLING,
        max_people=6,
        min_day=dt.date(2023, 6, 1),
        max_day=dt.date(2025, 12, 31),
        typical_as_of_from=dt.date(2024, 1, 1),
    ),
)


@settings(max_examples=settings.default.max_examples)
@given(CASES)
def test_batch_equals_calculate(case: dict[str, Any]) -> None:
    note(repr(case))
    assert differences(batch_calculate(case), sscert.calculate(case)) == []
