"""The worked examples of the rules (../shared/conformance) and sscert's own scenarios
(tests/scenarios) give exactly their expected results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sscert
from contract_compare import differences

HERE = Path(__file__).resolve().parent
CONFORMANCE = HERE.parent.parent / "shared" / "conformance"
SCENARIOS = HERE / "scenarios"

conformance_cases = sorted(CONFORMANCE.glob("*.case.json")) if CONFORMANCE.is_dir() else []


@pytest.mark.skipif(
    not conformance_cases, reason="../shared/conformance is not beside the checkout"
)
@pytest.mark.parametrize("case_file", conformance_cases, ids=lambda p: p.name.split(".")[0])
def test_conformance_case(case_file: Path) -> None:
    case = json.loads(case_file.read_text(encoding="utf-8"))
    expected = json.loads(
        case_file.with_name(case_file.name.replace(".case.", ".expected.")).read_text("utf-8")
    )
    assert differences(expected, sscert.calculate(case)) == []
    assert differences(expected, _batch(case)) == [], "the batch engine"


def _batch(case: dict[str, object], campaigns: list[sscert.Campaign] | None = None) -> object:
    """The same case through the batch engine (its required keys)."""
    pytest.importorskip("polars")
    from sscert.batch import batch_calculate  # noqa: PLC0415

    return batch_calculate(case, campaigns=campaigns)


@pytest.mark.parametrize("scenario_file", sorted(SCENARIOS.glob("*.json")), ids=lambda p: p.stem)
def test_scenario(scenario_file: Path) -> None:
    scenario = json.loads(scenario_file.read_text(encoding="utf-8"))
    case = scenario["case"]
    campaigns = []
    if isinstance(case["campaign"], str) and case["campaign"].endswith(".toml"):
        campaign = sscert.load_campaign(SCENARIOS / case["campaign"])
        campaigns.append(campaign)
        case = {**case, "campaign": campaign.id}
    result = sscert.calculate(case, campaigns=campaigns)
    assert differences(scenario["expected"], result) == [], scenario["description"]
    batch = _batch(case, campaigns)
    assert differences(scenario["expected"], batch) == [], (
        "the batch engine: " + scenario["description"]
    )
    for i, checks in enumerate(scenario.get("also", [])):
        person = result["people"][i]
        for key, value in checks.items():
            assert _named(value, person[key]) == value, f"people[{i}].{key}"


def _named(wanted: object, got: object) -> object:
    """``got`` cut down to the keys ``wanted`` names (objects, and lists of objects): a
    scenario states what it is about; the result may hold more."""
    if isinstance(wanted, dict) and isinstance(got, dict):
        return {k: _named(v, got.get(k)) for k, v in wanted.items()}
    if isinstance(wanted, list) and isinstance(got, list) and len(wanted) == len(got):
        return [_named(w, g) for w, g in zip(wanted, got, strict=True)]
    return got


def test_threads_sharing_the_library_get_what_one_thread_gets() -> None:
    """A service calls ``calculate`` from many threads at once: what the library keeps
    between calls (parsed dates, months and amounts, citations' JSON, ID numbers already
    checked) is shared, and every thread still gets exactly the result one thread gets."""
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    import sscert.serialization  # noqa: PLC0415

    cases = []
    for scenario_file in sorted(SCENARIOS.glob("*.json")):
        case = json.loads(scenario_file.read_text(encoding="utf-8"))["case"]
        if not case["campaign"].endswith(".toml"):
            cases.append(case)
    alone = [sscert.calculate(case) for case in cases]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sscert.serialization, "REMEMBERED", 2)  # forgotten again and again
        with ThreadPoolExecutor(8) as pool:
            together = list(pool.map(sscert.calculate, cases * 20))
    assert len(cases) > 20
    assert together == alone * 20
