"""Compare a calculate() result with an expected one the way the conformance README says:
required keys equal, money as 2-decimal strings, months rows as a set."""

from __future__ import annotations

import json
from typing import Any

ROW_KEYS = ("month", "scheme", "due", "paid", "paid_in", "outcome")


def rows_as_set(rows: list[dict[str, Any]]) -> set[str]:
    return {json.dumps({k: r[k] for k in ROW_KEYS}, sort_keys=True) for r in rows}


def differences(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    problems = []
    if expected.get("as_of") != got.get("as_of"):
        problems.append(f"as_of: {expected.get('as_of')} != {got.get('as_of')}")
    if len(expected["people"]) != len(got["people"]):
        return [*problems, "different number of people"]
    for i, (want, have) in enumerate(zip(expected["people"], got["people"], strict=True)):
        for key, value in want.items():
            if key == "months":
                missing = rows_as_set(value) - rows_as_set(have["months"])
                extra = rows_as_set(have["months"]) - rows_as_set(value)
                if missing or extra:
                    problems.append(f"people[{i}].months: missing {missing}, extra {extra}")
            elif have.get(key) != value:
                problems.append(f"people[{i}].{key}: expected {value!r}, got {have.get(key)!r}")
    return problems
