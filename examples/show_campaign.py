"""Load the bundled Laiyuan 2023 campaign and answer the questions a caller asks most.

Run: python examples/show_campaign.py
"""

from __future__ import annotations

import sscert


def main() -> None:
    campaign = sscert.load_campaign("laiyuan-2023")
    assert campaign.window is not None
    print(f"{campaign.name}: {campaign.window.start} to {campaign.window.end}")
    for scheme in campaign.schemes:
        line = campaign.hotline_for(scheme)
        print(f"  {scheme.name_zh}: call {line.phone} ({line.name})")
    office = campaign.township_office("王安镇")
    if office is not None:
        print(f"  王安镇 office: {office.phone}")
    number = sscert.IdNumber.parse("11010519491231002x")
    print(f"ID {number} born {number.birth_date}, {number.sex}")


if __name__ == "__main__":
    main()
