"""The notice's situations through ``sscert.calculate``: certified in time, certified late
and back-paid, died and reported late, certified after death (a lead for staff), never
certified, not covered — each decision with the law it rests on, dated and labelled.

Run: python examples/calculate_laiyuan.py
"""

from __future__ import annotations

import json
from pathlib import Path

import sscert

CASE = Path(__file__).with_name("laiyuan-2023-case.json")


def main() -> None:
    case = json.loads(CASE.read_text(encoding="utf-8"))
    result = sscert.calculate(case)
    print(f"Laiyuan 2023, as of {result['as_of']}")
    for person in result["people"]:
        totals = person["totals"]
        print(
            f"\n{person['name']} ({person['id_number'][:6]}********{person['id_number'][-4:]}): "
            f"{person['status']}"
        )
        print(
            f"  paid on time {totals['paid_on_time']}, back-paid {totals['backpaid']}, "
            f"withheld {totals['withheld']}, overpaid {totals['overpaid']}"
        )
        if person["penalty"]:
            penalty = person["penalty"]
            print(
                f"  疑似冒领线索（待核查）: if the authority confirms fraud, repay "
                f"{penalty['repay']} and a fine of {penalty['fine_min']} to {penalty['fine_max']}"
            )
        for lead in person["review"]:
            print(f"  review: {lead['reason']}: {lead['detail']}")
        for decision in person["decisions"]:
            if decision["rule"] in ("C8", "C9", "C10", "C11"):
                cited = "; ".join(
                    f"{c['ref']} ({c['label']}, in force {c['in_force']})"
                    for c in decision["citations"]
                )
                print(
                    f"  [{decision['rule']}] {decision['reason']}"
                    + (f" — {cited}" if cited else "")
                )


if __name__ == "__main__":
    main()
