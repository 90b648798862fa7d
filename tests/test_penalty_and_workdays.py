from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sscert
from sscert import Money
from sscert import strategies as sst
from sscert.rules.workdays import CalendarNotCovered, is_working_day, working_days_after


@given(sst.money(min_value="0.00", max_value="1000000"))
def test_fraud_penalty_range(amount: Money) -> None:
    penalty = sscert.fraud_penalty(amount)
    assert penalty.repay == amount
    assert penalty.fine_min == amount.amount * 2
    assert penalty.fine_max == amount.amount * 5
    assert penalty.fine is None
    assert str(penalty.citations[0]) == "中华人民共和国社会保险法 第八十八条"


@given(
    sst.money(min_value="0.00", max_value="1000000"),
    st.decimals(min_value=2, max_value=5, places=2),
)
def test_fraud_penalty_with_a_multiplier(amount: Money, multiplier: Decimal) -> None:
    penalty = sscert.fraud_penalty(amount, multiplier=multiplier)
    assert penalty.fine == Money(amount.amount * multiplier)
    assert penalty.fine_min <= penalty.fine <= penalty.fine_max


@pytest.mark.parametrize(
    "bad", [Decimal("1.99"), Decimal("5.01"), 1, 6, 2.5, "3", True, Decimal("NaN")]
)
def test_fraud_penalty_refuses_a_multiplier_outside_2_to_5(bad: object) -> None:
    with pytest.raises(ValueError, match="multiplier"):
        sscert.fraud_penalty(Money("100.00"), multiplier=bad)


def test_fraud_penalty_examples() -> None:
    penalty = sscert.fraud_penalty("23600.80", multiplier=Decimal("2.5"))
    assert penalty.to_dict() == {
        "repay": "23600.80",
        "fine_min": "47201.60",
        "fine_max": "118004.00",
        "multiplier": "2.5",
        "fine": "59002.00",
    }
    assert sscert.fraud_penalty(Money("0.01"), multiplier=Decimal("2.5")).fine == Money("0.03")
    with pytest.raises(TypeError):
        sscert.fraud_penalty(100.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="negative"):
        sscert.fraud_penalty("-1.00")


def test_make_up_working_days_count() -> None:
    assert is_working_day(dt.date(2023, 1, 28))  # a Saturday made a working day (调休)
    assert not is_working_day(dt.date(2023, 1, 23))  # Spring Festival
    assert is_working_day(dt.date(2023, 10, 7))
    assert not is_working_day(dt.date(2023, 10, 2))
    assert working_days_after(dt.date(2023, 9, 28), dt.date(2023, 11, 1)) == 20
    assert working_days_after(dt.date(2023, 9, 28), dt.date(2023, 11, 2)) == 21
    assert working_days_after(dt.date(2023, 5, 1), dt.date(2023, 5, 1)) == 0


def test_a_year_the_calendar_does_not_know() -> None:
    with pytest.raises(CalendarNotCovered, match="chinesecalendar"):
        is_working_day(dt.date(1990, 1, 2))


def _death_report(died: str, reported: str) -> dict[str, object]:
    case = {
        "campaign": "laiyuan-2023",
        "as_of": "2024-06-30",
        "people": [
            {
                "id_number": "130630194709043330",
                "entitlements": [
                    {"scheme": "enterprise_pension", "start": "2008-05", "monthly_amount": "10"}
                ],
                "events": [{"type": "died", "on": died, "reported_on": reported}],
            }
        ],
    }
    report: dict[str, object] = sscert.calculate(case)["people"][0]["death_report"]
    return report


def test_late_death_report_in_the_result() -> None:
    # from 2023-12-01: 20 working days (社会保险经办条例 第二十五条)
    report = _death_report("2023-12-04", "2024-01-05")
    assert report["working_days"] == working_days_after(dt.date(2023, 12, 4), dt.date(2024, 1, 5))
    assert report["working_days"] == 23  # New Year's Day is a holiday
    assert report["late"] is True
    assert "第二十五条" in str(report["citation"])
    on_time = _death_report("2023-12-04", "2024-01-02")
    assert on_time["late"] is False


def test_a_death_before_the_regulation_is_never_late() -> None:
    report = _death_report("2023-09-28", "2023-11-02")
    assert report["working_days"] == 21
    assert report["late"] is None
    assert "第二十五条" not in str(report["citation"])
    assert "及时" in str(report["explanation"])
