"""One person's calculation: 12 payroll months with every decision and its citations, the
way a service calls it for one recipient (typed, and as JSON in and out): the same person
again and again, and a different person each call (their own ID number, amount, start and
day of certification, each decoded from its JSON text just before the call).

Run: python benchmarks/one_person.py [--repeat 5000]
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import time

import orjson

import sscert
from sscert.contract import parse_case
from sscert.rules.engine import evaluate
from sscert.values.identity import check_character

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


def other_people(count: int) -> list[bytes]:
    """``count`` cases like :data:`CASE`, each of another person: the same shape of result
    (certified late in May, suspended, back-paid), other values."""
    texts = []
    for number in range(count):
        case = copy.deepcopy(CASE)
        person = case["people"][0]
        body = f"1306301948{number // 28 % 12 + 1:02d}{number % 28 + 1:02d}{number % 1000:03d}"
        person["id_number"] = body + check_character(body)
        entitlement = person["entitlements"][0]
        entitlement["monthly_amount"] = f"{1500 + number * 37 % 300000 / 100:.2f}"
        entitlement["start"] = f"{1995 + number % 25}-{number % 12 + 1:02d}"
        person["events"][0]["at"] = (dt.date(2023, 4, 2) + dt.timedelta(number % 29)).isoformat()
        texts.append(orjson.dumps(case))
    return texts


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
    spent = 0.0
    others = other_people(repeat // 5)
    for text in others:
        case = orjson.loads(text)
        started = time.perf_counter()
        sscert.calculate(case)
        spent += time.perf_counter() - started
    each = spent / len(others)
    build = "rules compiled" if sscert.rules_compiled() else "pure Python"
    print(f"one person, 12 months, {len(result.decisions)} decisions ({build}):")
    print(f"  evaluate (typed)                        {typed * 1e3:.3f} ms")
    print(f"  calculate (JSON in and out), same case  {whole * 1e3:.3f} ms")
    print(f"  calculate (JSON in and out), each other {each * 1e3:.3f} ms")


if __name__ == "__main__":
    main()
