"""The settlement after a death for the three families of ``examples/settlement/``: what the
heirs receive, what is set off, what remains to repay — and the printable 死亡待遇结算单.

The campaign's survivor-benefit figures are illustrative, not published ones.

Run: python examples/settlement_family.py [OUT.html]
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import sscert
from sscert.contract import parse_case
from sscert.reports.settlement import write_statement_html
from sscert.rules.engine import evaluate

HERE = Path(__file__).with_name("settlement")


def main() -> None:
    campaign = sscert.load_campaign(HERE / "campaign.toml")
    data = json.loads((HERE / "family.json").read_text(encoding="utf-8"))
    case = parse_case(data, campaigns=[campaign])
    results = [evaluate(campaign, person, case.as_of) for person in case.people]
    for result in results:
        s = result.settlement
        if s is None:
            continue
        print(f"\n{result.person.name} ({result.person.id_number.masked}), died {s.died_on}")
        for benefit in s.survivor_benefits:
            shown = benefit.amount if benefit.amount is not None else benefit.status
            print(f"  {benefit.scheme.name_zh} {benefit.item.zh}: {shown} — {benefit.basis_zh}")
        print(f"  overpaid {s.overpaid}, set off {s.offset_total}, to repay {s.to_repay}")
        print(f"  net to the heirs {s.net_to_heirs}")
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "结算单.html"
    write_statement_html(out, results, campaign)
    print(f"\n死亡待遇结算单: {out}")


if __name__ == "__main__":
    main()
