"""One person's calculation: 12 payroll months with every decision and its citations, the
way a service calls it for one recipient (typed, and as JSON in and out).

Run: python benchmarks/one_person.py [--repeat 5000]
"""

from __future__ import annotations

import argparse
import time

import sscert
from sscert.contract import parse_case
from sscert.rules.engine import evaluate

CASE = {
    "campaign": "laiyuan-2023",
    "as_of": "2023-12-31",
    "from": "2023-01",
    "people": [
        {
            "id_number": "130630194803150028",
            "entitlements": [
                {"scheme": "enterprise_pension", "start": "2008-05", "monthly_amount": "2856.40"}
            ],
            "events": [{"type": "certified", "at": "2023-05-02", "channel": "assisted"}],
        }
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5000)
    repeat = parser.parse_args().repeat
    parsed = parse_case(CASE)
    person = parsed.people[0]
    result = evaluate(parsed.campaign, person, parsed.as_of, parsed.first)
    assert len(result.months) == 12
    started = time.perf_counter()
    for _ in range(repeat):
        evaluate(parsed.campaign, person, parsed.as_of, parsed.first)
    typed = (time.perf_counter() - started) / repeat
    started = time.perf_counter()
    for _ in range(repeat // 5):
        sscert.calculate(CASE)
    whole = (time.perf_counter() - started) / (repeat // 5)
    print(f"one person, 12 months, {len(result.decisions)} decisions:")
    print(f"  evaluate (typed)           {typed * 1e3:.3f} ms")
    print(f"  calculate (JSON in and out) {whole * 1e3:.3f} ms")


if __name__ == "__main__":
    main()
