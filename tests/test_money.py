from __future__ import annotations

import copy
import pickle
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sscert import Money
from sscert import strategies as sst


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_money_never_accepts_a_float(value: float) -> None:
    with pytest.raises(TypeError):
        Money(value)  # type: ignore[arg-type]


@given(sst.money(), st.floats(min_value=-10, max_value=10))
def test_money_cannot_be_multiplied_by_a_float(amount: Money, factor: float) -> None:
    with pytest.raises(TypeError):
        amount * factor  # type: ignore[operator]


@given(st.integers(-(10**9), 10**9), st.integers(0, 9))
def test_money_rounds_half_up_at_the_third_decimal(cents: int, third: int) -> None:
    value = Decimal(cents) / 100 + (Decimal(third) / 1000 if cents >= 0 else -Decimal(third) / 1000)
    expected_cents = cents + (1 if third >= 5 else 0) * (1 if cents >= 0 else -1)
    assert Money(value).amount == Decimal(expected_cents) / 100


@given(st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, places=5))
def test_rounding_does_not_depend_on_the_decimal_context(value: Decimal) -> None:
    expected = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    with localcontext() as ctx:
        ctx.rounding = "ROUND_DOWN"
        assert Money(value).amount == expected
    assert Money(value).amount.as_tuple().exponent == -2


def test_half_cent_examples() -> None:
    assert str(Money("0.005")) == "0.01"
    assert str(Money("2.675")) == "2.68"
    assert str(Money("-0.005")) == "-0.01"
    assert str(Money(3)) == "3.00"


@given(st.lists(sst.money(), max_size=20))
def test_sum_is_exact(items: list[Money]) -> None:
    assert Money.sum(items).amount == sum((m.amount for m in items), Decimal(0))


@given(sst.money(), sst.money(), st.integers(-50, 50))
def test_arithmetic(a: Money, b: Money, n: int) -> None:
    assert (a + b) - b == a
    assert (a * n).amount == a.amount * n
    assert n * a == a * n


def test_parse_exact_refuses_more_than_two_decimals() -> None:
    assert Money.parse_exact("2856.4") == Money("2856.40")
    for bad in ("1.005", "abc", "1e3", "", "1,000.00"):
        with pytest.raises(ValueError, match="at most 2 decimal"):
            Money.parse_exact(bad)


def test_bool_is_not_money() -> None:
    with pytest.raises(TypeError):
        Money(True)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not an amount"):
        Money("NaN")


@given(sst.money(min_value="-1000"), sst.money(min_value="-1000"))
def test_ordering_and_equality_agree_with_decimal(a: Money, b: Money) -> None:
    assert (a < b) == (a.amount < b.amount)
    assert (a == b) == (a.amount == b.amount)
    assert a == a.amount
    assert hash(a) == hash(a.amount)
    assert (a <= b.amount) == (a.amount <= b.amount)


@given(sst.money(min_value="-100000"))
def test_an_amount_prints_the_same_however_often_and_wherever_it_comes_from(
    value: Money,
) -> None:
    first = str(value)
    assert str(value) == first == f"{value.amount:.2f}"
    for other in (pickle.loads(pickle.dumps(value)), copy.deepcopy(value), Money(first)):
        assert other == value
        assert hash(other) == hash(value)
        assert str(other) == first
