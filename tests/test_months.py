from __future__ import annotations

import copy
import datetime as dt
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sscert import Month
from sscert import strategies as sst

steps = st.integers(-600, 600)


@given(sst.months(), steps, steps)
def test_addition_is_associative(m: Month, a: int, b: int) -> None:
    assert (m + a) + b == m + (a + b)


@given(sst.months(), steps)
def test_difference_undoes_addition(m: Month, n: int) -> None:
    assert (m + n) - m == n
    assert (m + n) - n == m


@given(sst.months(), sst.months())
def test_ordering_agrees_with_difference(a: Month, b: Month) -> None:
    assert (a < b) == (b - a > 0)
    assert (a == b) == (a - b == 0)


@given(sst.months())
def test_text_round_trip(m: Month) -> None:
    assert Month.parse(str(m)) == m
    assert hash(Month.parse(str(m))) == hash(m)


def test_examples() -> None:
    m = Month(2023, 4)
    assert str(m) == "2023-04"
    assert Month.parse("2023-04") == m
    assert m + 9 == Month(2024, 1)
    assert m - 4 == Month(2022, 12)
    assert Month(2024, 1) - Month(2023, 2) == 11
    assert Month.of(dt.date(2023, 2, 28)).last_day() == dt.date(2023, 2, 28)
    assert Month(2024, 2).last_day() == dt.date(2024, 2, 29)
    assert Month.parse_lenient("202304") == m


@pytest.mark.parametrize("bad", ["2023-4", "2023-13", "2023-00", "23-04", "2023/04", ""])
def test_bad_month_text(bad: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011
        Month.parse(bad)


@given(st.integers(1, 9999), st.integers(1, 12))
def test_a_month_made_any_way_prints_and_compares_the_same(year: int, month: int) -> None:
    built = Month(year, month)
    shared = Month.from_index(built.index)  # the shared value, perhaps printed before
    str(shared)
    for other in (shared, pickle.loads(pickle.dumps(built)), copy.deepcopy(shared)):
        assert other == built
        assert hash(other) == hash(built)
        assert str(other) == f"{year:04d}-{month:02d}" == str(built)
        assert Month.parse(str(other)) == built
