"""A small case the tests start from: one Laiyuan pensioner who certified in the window."""

from __future__ import annotations

from typing import Any

PERSON = "130630194803150028"
ONE_PERSON: dict[str, Any] = {
    "campaign": "laiyuan-2023",
    "as_of": "2023-06-30",
    "people": [
        {
            "id_number": PERSON,
            "entitlements": [
                {"scheme": "enterprise_pension", "start": "2008-05", "monthly_amount": "2856.40"}
            ],
            "events": [
                {"type": "certified", "at": "2023-03-01T10:00:00+08:00", "channel": "assisted"},
            ],
        }
    ],
}
