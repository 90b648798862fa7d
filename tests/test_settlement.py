"""C16, the settlement after a death, and C15, dependants: the money invariants of DOMAIN §8
for every generated case, the worked example, and the rules' edges."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sscert
from sscert import strategies as sst
from sscert.campaigns import CampaignError, parse_campaign
from sscert.people import Relationship
from sscert.rules.dependants import adulthood
from sscert.rules.settlement import instalment_plan, pension_months
from sscert.values.identity import IdNumber, check_character
from sscert.values.money import Money
from sscert.values.months import Month

SCENARIOS = Path(__file__).parent / "scenarios"
ID_1948 = "13063019480808005" + check_character("13063019480808005")
CAMPAIGN = sscert.load_campaign(SCENARIOS / "settlement-test.toml")


def _money(text: str | None) -> Decimal:
    return Decimal(text) if text is not None else Decimal(0)


def _settlements(case: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    result = sscert.calculate({**case, "campaign": CAMPAIGN.id}, campaigns=[CAMPAIGN])
    return [(p, p["settlement"]) for p in result["people"] if p["settlement"] is not None]


@given(sst.cases(CAMPAIGN, max_people=4))
def test_the_money_of_every_settlement_adds_up(case: dict[str, Any]) -> None:
    for person, s in _settlements(case):
        unpaid = _money(s["arrears"]["unpaid"])
        survivors = _money(s["survivor_benefits_total"])
        account = s["account_balance"]
        inheritable = _money(account["inheritable"]) if account else Decimal(0)
        offsets = sum((_money(o["amount"]) for o in s["offsets"]), Decimal(0))
        net, to_repay, overpaid = (
            _money(s["net_to_heirs"]),
            _money(s["to_repay"]),
            _money(s["overpaid"]),
        )
        # DOMAIN §8: the two invariants
        assert unpaid + survivors + inheritable == net + offsets
        assert offsets + to_repay == overpaid
        assert net >= 0
        assert to_repay >= 0
        assert overpaid == _money(person["totals"]["overpaid"])
        # offsets in order, each no more than what it is set off against
        available = {
            "arrears": unpaid,
            "survivor_benefits": survivors,
            "account_balance": inheritable,
        }
        order = [o["against"] for o in s["offsets"]]
        assert order == [k for k in available if k in order]
        for offset in s["offsets"]:
            assert Decimal(0) < _money(offset["amount"]) <= available[offset["against"]]
        # an offset into a later pot only once the earlier ones are used up
        for earlier in order[:-1]:
            assert (
                _money(next(o["amount"] for o in s["offsets"] if o["against"] == earlier))
                == (available[earlier])
            )
        # survivor benefits: what counts is computed; one funeral grant, the largest
        counted = [b for b in s["survivor_benefits"] if b["counted"]]
        assert all(b["status"] == "computed" and b["amount"] is not None for b in counted)
        assert survivors == sum((_money(b["amount"]) for b in counted), Decimal(0))
        grants = [b for b in s["survivor_benefits"] if b["item"] == "funeral_grant"]
        paid_grants = [b for b in grants if b["counted"]]
        assert len(paid_grants) <= 1
        computed = [_money(b["amount"]) for b in grants if b["amount"] is not None]
        if computed:
            assert _money(paid_grants[0]["amount"]) == max(computed)
        for b in s["survivor_benefits"]:
            assert (b["amount"] is None) == (b["status"] != "computed")
            assert (b["status"] == "computed") == (not b["missing"])
        # instalments: the plan the case asked for, summing to what remains
        asked = next(
            p.get("instalment_months")
            for p in case["people"]
            if IdNumber.parse(str(p["id_number"])).value == person["id_number"]
        )
        if asked is None:
            assert s["instalments"] is None
        elif to_repay == 0:
            assert s["instalments"] == []
        else:
            amounts = [_money(i["amount"]) for i in s["instalments"]]
            assert len(amounts) == asked
            assert sum(amounts, Decimal(0)) == to_repay
            assert len(set(amounts[1:])) <= 1
            assert Decimal(0) <= amounts[0] - amounts[-1] < Decimal(asked) / 100


@given(sst.cases(CAMPAIGN, max_people=4))
def test_only_the_dead_are_settled_and_arrears_are_their_withheld_months(
    case: dict[str, Any],
) -> None:
    result = sscert.calculate({**case, "campaign": CAMPAIGN.id}, campaigns=[CAMPAIGN])
    for person in result["people"]:
        s = person["settlement"]
        assert (s is not None) == (person["status"] == "deceased")
        if s is None:
            continue
        death = Month.parse(s["died_on"][:7])
        withheld = [
            r
            for r in person["months"]
            if r["outcome"] == "withheld" and Month.parse(r["month"]) <= death
        ]
        assert _money(s["arrears"]["unpaid"]) == sum(
            (_money(r["due"]) for r in withheld), Decimal(0)
        )
        backpaid = sum(
            (_money(r["paid"]) for r in person["months"] if r["outcome"] == "backpaid"),
            Decimal(0),
        )
        assert _money(s["arrears"]["paid"]) <= backpaid


@given(st.integers(0, 960), st.integers(0, 960))
def test_pension_months_stay_between_9_and_24(contributed: int, received: int) -> None:
    months = pension_months(contributed, received)
    assert Fraction(9) <= months <= Fraction(24)
    # more contributions never mean fewer months; a longer pension never more
    assert pension_months(min(contributed + 12, 960), received) >= months
    assert pension_months(contributed, received + 12) <= months


def test_the_worked_example_gives_19_25_months() -> None:
    assert pension_months(28 * 12 + 9, 3 * 12 + 6) == Fraction(77, 4)
    assert pension_months(4 * 12 + 11, 0) == 9  # 3 months, but a retiree gets at least 9
    assert pension_months(15 * 12, 0) == 9
    assert pension_months(15 * 12 + 6, 0) == Fraction(19, 2)
    assert pension_months(40 * 12, 0) == 24


@given(st.integers(0, 10**9), st.integers(1, 120))
def test_an_instalment_plan_is_equal_in_fen_with_the_remainder_first(fen: int, months: int) -> None:
    plan = instalment_plan(Money(Decimal(fen) / 100), months, Month(2024, 12))
    assert [i.number for i in plan] == list(range(1, months + 1))
    assert [i.month for i in plan] == [Month(2024, 12) + n for n in range(months)]
    assert Money.sum(i.amount for i in plan) == Money(Decimal(fen) / 100)
    assert len({i.amount for i in plan[1:]}) <= 1
    assert plan[0].amount >= plan[-1].amount


def test_survivor_parameters_are_cited_and_never_guessed() -> None:
    bundled = sscert.load_campaign("laiyuan-2023")
    assert bundled.survivor_benefits.urban_disposable_income == ()
    case = {
        "campaign": "laiyuan-2023",
        "as_of": "2023-07-31",
        "people": [
            {
                "id_number": "130630195803120034",
                "entitlements": [
                    {
                        "scheme": "enterprise_pension",
                        "start": "2020-01",
                        "monthly_amount": "3120.00",
                        "contribution_months": 345,
                    }
                ],
                "events": [{"type": "died", "on": "2023-06-20", "reported_on": "2023-06-28"}],
            }
        ],
    }
    settlement = sscert.calculate(case)["people"][0]["settlement"]
    items = settlement["survivor_benefits"]
    assert [b["status"] for b in items] == ["not_computed", "not_computed"]
    assert all(b["missing"] == ["urban_disposable_income/2023"] for b in items)
    assert settlement["survivor_benefits_total"] == "0.00"
    refs = {c["ref"] for b in items for c in b["citations"]}
    assert "企业职工基本养老保险遗属待遇暂行办法 丧葬补助金和抚恤金" in refs


def test_a_settlement_cites_only_what_was_in_force_on_the_date_of_death() -> None:
    def cited(died: str, reported: str, as_of: str) -> set[str]:
        case = {
            "campaign": CAMPAIGN.id,
            "as_of": as_of,
            "from": "2023-01",
            "people": [
                {
                    "id_number": ID_1948,
                    "entitlements": [
                        {
                            "scheme": "enterprise_pension",
                            "start": "2015-05",
                            "monthly_amount": "3000.00",
                        }
                    ],
                    "events": [
                        {"type": "certified", "at": "2023-03-01", "channel": "assisted"},
                        {"type": "died", "on": died, "reported_on": reported},
                    ],
                }
            ],
        }
        result = sscert.calculate(case, campaigns=[CAMPAIGN])["people"][0]
        return {c["ref"] for d in result["decisions"] if d["rule"] == "C16" for c in d["citations"]}

    before = cited("2023-11-20", "2024-02-10", "2024-02-29")
    after = cited("2023-12-05", "2024-02-10", "2024-02-29")
    assert "社会保险经办条例 第四十六条" not in before
    assert "社会保险经办条例 第四十六条" in after


@pytest.mark.parametrize(
    ("birth", "turns"),
    [
        (dt.date(2005, 4, 12), dt.date(2023, 4, 12)),
        (dt.date(2004, 2, 29), dt.date(2022, 2, 28)),
        (dt.date(2008, 2, 29), dt.date(2026, 2, 28)),
    ],
)
def test_adulthood_from_the_id_number(birth: dt.date, turns: dt.date) -> None:
    first17 = f"130630{birth:%Y%m%d}002"
    assert adulthood(IdNumber.parse(first17 + check_character(first17))) == turns


@given(sst.cases(CAMPAIGN, max_people=4))
def test_c15_stops_exactly_the_months_after_the_end(case: dict[str, Any]) -> None:
    """Every month of a dependant after their 18th-birthday month (age-limited, not fully
    incapacitated) is stopped with nothing due or paid; no other scheme is touched."""
    result = sscert.calculate({**case, "campaign": CAMPAIGN.id}, campaigns=[CAMPAIGN])
    for given_person, person in zip(case["people"], result["people"], strict=True):
        for entitlement in given_person["entitlements"]:
            dependant = entitlement.get("dependant")
            rows = [r for r in person["months"] if r["scheme"] == entitlement["scheme"]]
            if entitlement["scheme"] != "work_injury_survivor":
                assert all(r["rule"] != "C15" for r in rows)
                continue
            if not dependant or dependant["fully_incapacitated"]:
                continue
            if Relationship(dependant["relationship"]).value not in (
                "child",
                "grandchild",
                "sibling",
            ):
                continue
            adult = Month.of(adulthood(IdNumber.parse(str(given_person["id_number"]))))
            for row in rows:
                if Month.parse(row["month"]) > adult:
                    assert row["outcome"] == "stopped"
                    assert row["due"] == row["paid"] == "0.00"


_SECTION = """
[survivor_benefits]
reference = "figures"
urban_disposable_income = [{ deaths_in = 2023, monthly = "3400.00", reference = "r" }]
"""

_SAME_YEAR = '{ deaths_in = 2023, monthly = "1.00", reference = "r" }'


@pytest.mark.parametrize(
    ("section", "key", "words"),
    [
        ("[survivor_benefits]\nurban_disposable_income = []\n", "survivor_benefits.reference",
         "missing"),
        (_SECTION + "wages = []\n", "survivor_benefits.wages", "unknown key"),
        (_SECTION.replace('"3400.00"', '"abc"'), "urban_disposable_income[0].monthly",
         "not an amount"),
        (_SECTION.replace('"3400.00"', '"0.00"'), "urban_disposable_income[0].monthly",
         "greater than zero"),
        (_SECTION.replace("2023", "1800"), "deaths_in", "must be a year"),
        (_SECTION.replace(', reference = "r"', ""), "urban_disposable_income[0].reference",
         "missing"),
        (_SECTION.replace('"r" }]', '"r" }, ' + _SAME_YEAR + "]"),
         "urban_disposable_income", "names a year twice"),
        (_SECTION + '[[survivor_benefits.local]]\nscheme = "enterprise_pension"\n'
         'item = "funeral_grant"\nfrom = 2020-01-01\nreference = "r"\n',
         "survivor_benefits.local[0]", "amount or multiple"),
        (_SECTION + '[[survivor_benefits.local]]\nscheme = "enterprise_pension"\n'
         'item = "pension"\nfrom = 2020-01-01\namount = "1.00"\nreference = "r"\n',
         "local[0].item", "funeral_grant or survivor_pension"),
        (_SECTION + '[[survivor_benefits.local]]\nscheme = "enterprise_pension"\n'
         'item = "funeral_grant"\nfrom = 2020-01-01\nmultiple = "1e3"\nof = "x"\n'
         'reference = "r"\n', "local[0].multiple", "like"),
        (_SECTION + '[[survivor_benefits.local]]\nscheme = "enterprise_pension"\n'
         'item = "funeral_grant"\nfrom = 2020-01-01\nto = 2019-01-01\namount = "1.00"\n'
         'reference = "r"\n', "local[0].to", "after from"),
    ],
)  # fmt: skip
def test_a_bad_survivor_section_names_its_key(section: str, key: str, words: str) -> None:
    text = (SCENARIOS / "settlement-test.toml").read_text(encoding="utf-8")
    head = text[: text.index("[survivor_benefits]")]
    tail = text[text.index("[[contacts]]") :]
    with pytest.raises(CampaignError) as caught:
        parse_campaign(head + section + "\n" + tail, source="bad.toml")
    assert key in str(caught.value)
    assert words in str(caught.value)
