"""A rolling cycle (examples/rolling-hebei-2024.toml) through the same engine: a data-match
hit restarts the clock; 城乡居民 are due every 6 months; overdue months are withheld and
back-paid once the person certifies.

Run: python examples/rolling_cycle.py
"""

from __future__ import annotations

from pathlib import Path

import sscert

#: A campaign file is loaded by the caller and handed to calculate: a case names it by id.
CAMPAIGN = sscert.load_campaign(Path(__file__).with_name("rolling-hebei-2024.toml"))


def main() -> None:
    case = {
        "campaign": CAMPAIGN.id,
        "as_of": "2025-03-31",
        "people": [
            {
                "id_number": "130630194803150028",
                "name": "城乡居民, certified every half year",
                "entitlements": [
                    {
                        "scheme": "urban_rural_resident_pension",
                        "start": "2012-07",
                        "monthly_amount": "163.00",
                    }
                ],
                "events": [
                    {"type": "certified", "at": "2024-01-15", "channel": "hebei_renshe"},
                    {"type": "certified", "at": "2024-09-03", "channel": "assisted"},
                ],
            },
            {
                "id_number": "130630195207110016",
                "name": "企业退休, a hospital stay matched in 2024",
                "entitlements": [
                    {
                        "scheme": "enterprise_pension",
                        "start": "2012-08",
                        "monthly_amount": "3310.25",
                    }
                ],
                "events": [{"type": "certified", "at": "2024-02-20", "channel": "data_comparison"}],
            },
        ],
    }
    result = sscert.calculate(case, campaigns=[CAMPAIGN])
    for person in result["people"]:
        print(f"{person['name']}: {person['status']}, next due {person['next_due']}")
        for row in person["months"]:
            if row["outcome"] != "paid":
                print(f"  {row['month']} {row['outcome']} {row['due']} paid in {row['paid_in']}")
        print(f"  totals: {person['totals']}")


if __name__ == "__main__":
    main()
