"""Properties of ``calculate`` that hold for every case (DOMAIN §7), on generated cases."""

from __future__ import annotations

import copy
import datetime as dt
import random
from decimal import Decimal
from typing import Any

from hypothesis import given, note, settings
from hypothesis import strategies as st

import sscert
from contract_compare import differences
from example_campaigns import ROLLING, calculate, campaign_of
from reference_model import model
from sscert import strategies as sst

MONEY_KEYS = ("paid_on_time", "backpaid", "withheld", "overpaid")

#: Fixed-window cases (the seed's campaign) and rolling-cycle cases (the example campaign).
ANY_CASE = st.one_of(
    sst.cases(),
    sst.cases(
        "hebei-2024",
        min_day=dt.date(2023, 6, 1),
        max_day=dt.date(2026, 6, 30),
        typical_as_of_from=dt.date(2024, 1, 1),
    ),
    sst.cases(
        ROLLING,
        min_day=dt.date(2023, 6, 1),
        max_day=dt.date(2025, 12, 31),
        typical_as_of_from=dt.date(2024, 1, 1),
    ),
)


def D(text: str) -> Decimal:
    return Decimal(text)


@settings(max_examples=settings.default.max_examples * 3)
@given(sst.cases())
def test_agrees_with_the_independent_model(case: dict[str, Any]) -> None:
    note(repr(case))
    assert differences(model(case), calculate(case)) == []


@given(ANY_CASE)
def test_money_invariant(case: dict[str, Any]) -> None:
    """For every entitlement and month: due = paid on time + back-paid + still withheld;
    after a known death month nothing is due and whatever was paid is overpaid."""
    result = calculate(case)
    for person in result["people"]:
        died = [e for e in person_events(case, person) if e["type"] == "died"]
        death = died[0] if died and died[0]["reported_on"] <= case["as_of"] else None
        for row in person["months"]:
            due, paid = D(row["due"]), D(row["paid"])
            outcome = row["outcome"]
            on_time = paid if outcome == "paid" else Decimal(0)
            back = paid if outcome == "backpaid" else Decimal(0)
            withheld = due if outcome == "withheld" else Decimal(0)
            if outcome in ("paid", "backpaid", "withheld"):
                assert due == on_time + back + withheld
                assert due > 0
            if death is not None and row["month"] > death["on"][:7]:
                assert due == 0
                assert outcome in ("stopped", "overpaid")
            if outcome == "overpaid":
                assert due == 0
                assert paid > 0
            if outcome == "stopped":
                assert due == 0
                assert paid == 0
            assert (row["paid_in"] is None) == (paid == 0)
            if row["paid_in"] is not None:
                assert row["paid_in"] >= row["month"]
                assert (row["paid_in"] == row["month"]) == (
                    outcome == "paid" or (outcome == "overpaid" and row["paid_in"] == row["month"])
                )
        for key in MONEY_KEYS:
            column = "due" if key == "withheld" else "paid"
            outcome = {"paid_on_time": "paid"}.get(key, key)
            expected = sum(
                (D(r[column]) for r in person["months"] if r["outcome"] == outcome), Decimal(0)
            )
            assert D(person["totals"][key]) == expected


def person_events(case: dict[str, Any], person: dict[str, Any]) -> list[dict[str, Any]]:
    for given_person in case["people"]:
        if sscert.IdNumber.parse(given_person["id_number"]).value == person["id_number"]:
            events: list[dict[str, Any]] = given_person.get("events", [])
            return events
    raise AssertionError("person not found")


@given(ANY_CASE, st.randoms(use_true_random=False))
def test_order_of_events_changes_nothing(case: dict[str, Any], rnd: random.Random) -> None:
    shuffled = copy.deepcopy(case)
    permutations = []
    for person in shuffled["people"]:
        order = list(range(len(person["events"])))
        rnd.shuffle(order)
        person["events"] = [person["events"][i] for i in order]
        permutations.append(order)
    before = calculate(case)
    after = calculate(shuffled)
    for order, p1, p2 in zip(permutations, before["people"], after["people"], strict=True):
        remapped = sorted(
            ({"index": order[r["index"]], "reason": r["reason"]} for r in p2["rejected_events"]),
            key=lambda r: r["index"],
        )
        assert remapped == p1["rejected_events"]
        for key in ("status", "certified_on", "suspected_fraud", "totals", "penalty", "months"):
            assert p1[key] == p2[key], key


@given(ANY_CASE, st.data())
def test_a_counting_certification_never_increases_what_is_withheld(
    case: dict[str, Any], data: st.DataObject
) -> None:
    campaign = campaign_of(case)
    opens = campaign.duty.opens
    assert opens is not None
    before = calculate(case)
    extra = copy.deepcopy(case)
    index = data.draw(st.integers(0, len(extra["people"]) - 1))
    # a certification while the person draws a benefit (one dated before their first
    # entitlement starts would, under a rolling cycle or calendar periods, start the clock
    # early — as the rules say — and is not what this property is about)
    starts = [e["start"] for e in extra["people"][index]["entitlements"]]
    if starts:
        opens = max(opens, dt.date.fromisoformat(min(starts) + "-01"))
    latest = max(opens, dt.date.fromisoformat(case["as_of"]) + dt.timedelta(days=60))
    day = data.draw(st.dates(opens, latest))
    channel = data.draw(st.sampled_from(campaign.channels))
    extra["people"][index]["events"].append(
        {"type": "certified", "at": day.isoformat(), "channel": channel}
    )
    after = calculate(extra)
    for p1, p2 in zip(before["people"], after["people"], strict=True):
        assert D(p2["totals"]["withheld"]) <= D(p1["totals"]["withheld"])
        withheld_before = {
            (r["month"], r["scheme"]) for r in p1["months"] if r["outcome"] == "withheld"
        }
        withheld_after = {
            (r["month"], r["scheme"]) for r in p2["months"] if r["outcome"] == "withheld"
        }
        assert withheld_after <= withheld_before


@given(ANY_CASE, st.integers(1, 400))
def test_backpay_equals_what_was_withheld(case: dict[str, Any], days_later: int) -> None:
    """A month withheld at one date is, at any later date, still withheld, back-paid at its
    own amount, dropped after a death, or (paid after an unknown death) overpaid."""
    earlier = calculate(case)
    later_case = {
        **case,
        "as_of": (dt.date.fromisoformat(case["as_of"]) + dt.timedelta(days=days_later)).isoformat(),
    }
    later = calculate(later_case)
    for p1, p2 in zip(earlier["people"], later["people"], strict=True):
        rows = {(r["month"], r["scheme"]): r for r in p2["months"]}
        for row in p1["months"]:
            now = rows[(row["month"], row["scheme"])]
            if row["outcome"] == "withheld":
                assert now["outcome"] in ("withheld", "backpaid", "stopped", "overpaid")
                if now["outcome"] in ("backpaid", "overpaid"):
                    assert now["paid"] == row["due"]
                    assert now["paid_in"] > row["month"]
            elif row["outcome"] in ("paid", "backpaid"):
                assert now["paid"] == row["paid"]
                assert now["paid_in"] == row["paid_in"]


@given(ANY_CASE)
def test_no_fraud_without_a_known_death(case: dict[str, Any]) -> None:
    for person in calculate(case)["people"]:
        if person["suspected_fraud"]:
            assert person["status"] == "deceased"
        if person["penalty"] is not None:
            assert person["suspected_fraud"]
            overpaid = D(person["totals"]["overpaid"])
            assert D(person["penalty"]["repay"]) == overpaid > 0
            assert D(person["penalty"]["fine_min"]) == overpaid * 2
            assert D(person["penalty"]["fine_max"]) == overpaid * 5


@given(ANY_CASE)
def test_not_covered_people_are_never_suspended(case: dict[str, Any]) -> None:
    for person in calculate(case)["people"]:
        if person["status"] == "not_covered":
            assert all(r["outcome"] != "withheld" for r in person["months"])
            assert all(r["outcome"] != "backpaid" for r in person["months"])


@given(ANY_CASE)
def test_every_result_explains_itself(case: dict[str, Any]) -> None:
    for person in calculate(case)["people"]:
        rules = {d["rule"] for d in person["decisions"]}
        assert "C12" in rules
        assert "C4" in rules
        outcomes = {r["outcome"] for r in person["months"]}
        if "withheld" in outcomes or "backpaid" in outcomes:
            assert "C8" in rules
        if person["suspected_fraud"]:
            fraud = [d for d in person["decisions"] if d["rule"] == "C11"]
            assert any("第八十八条" in c["ref"] for c in fraud[0]["citations"])
        for decision in person["decisions"]:
            for citation in decision["citations"]:
                assert citation["label"] in ("原文", "原文摘录", "摘要")
                assert citation["verbatim"] == (citation["label"] != "摘要")


@given(ANY_CASE, st.lists(st.dates(dt.date(2022, 1, 1), dt.date(2027, 1, 1)), max_size=30))
def test_overdue_on_payroll_days_is_overdue_at_each(
    case: dict[str, Any], days: list[dt.date]
) -> None:
    """The payroll asks whether a person is overdue for all its payroll days at once (the due
    date is worked out once per certification): the same answers as asking day by day, in
    any order, whatever was asked before."""
    from example_campaigns import CAMPAIGNS  # noqa: PLC0415
    from sscert.contract import parse_case  # noqa: PLC0415
    from sscert.rules.coverage import covered_entitlements  # noqa: PLC0415
    from sscert.rules.deadline import deadline_for  # noqa: PLC0415
    from sscert.rules.knowledge import known_facts  # noqa: PLC0415

    parsed = parse_case(case, campaigns=CAMPAIGNS)
    for person in parsed.people:
        facts = known_facts(parsed.campaign, person.events, parsed.as_of)
        covered = covered_entitlements(parsed.campaign, list(person.entitlements))
        fresh = deadline_for(parsed.campaign, covered, facts)
        asked = deadline_for(parsed.campaign, covered, facts)
        answers = asked.overdue_on(days)
        assert answers == [fresh.overdue_at(day) for day in days]
        # as the duty says, day by day, with nothing remembered: after the due date that
        # follows the last counting certification on or before the day
        start = fresh.first_start
        dues = [
            parsed.campaign.duty.due_date(
                fresh.schemes, start, facts.last_counting_on_or_before(day)
            )
            if covered and start is not None
            else None
            for day in days
        ]
        pairs = zip(days, dues, strict=True)
        assert answers == [due is not None and day > due for day, due in pairs]
        assert answers == asked.overdue_on(days[::-1])[::-1]
        assert [asked.due_date_at(d) for d in days] == [
            deadline_for(parsed.campaign, covered, facts).due_date_at(d) for d in days
        ]
