from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sscert import IdNumber, InvalidIdNumber
from sscert import strategies as sst
from sscert.values.identity import InvalidIdNumberKind


def test_the_standard_example() -> None:
    number = IdNumber.parse("11010519491231002X")
    assert number.value == "11010519491231002X"
    assert number.birth_date == dt.date(1949, 12, 31)
    assert number.sex == "female"
    assert number.region_code == "110105"
    assert number.masked == "110105********002X"
    assert IdNumber.parse("11010519491231002x") == number


def test_masked_in_str_and_repr() -> None:
    number = IdNumber.parse("130630194803150028")
    assert "130630194803150028" not in str(number)
    assert "130630194803150028" not in repr(number)
    assert str(number) == "130630********0028"
    assert "130630********0028" in repr(number)


@given(sst.id_numbers("18", lowercase_x=True))
def test_every_valid_number_parses_and_round_trips(text: str) -> None:
    number = IdNumber.parse(text)
    assert number.value == text.upper()
    assert IdNumber.parse(number.value) == number
    assert hash(IdNumber.parse(number.value)) == hash(number)
    assert number.birth_date.strftime("%Y%m%d") == text[6:14]
    assert number.sex == ("male" if int(text[16]) % 2 else "female")
    assert number.masked == text[:6].upper() + "*" * 8 + text[-4:].upper()


@given(sst.id_numbers("18"), st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_is_caught(text: str, position: int, delta: int) -> None:
    changed_digit = str((int(text[position]) + delta) % 10)
    changed = text[:position] + changed_digit + text[position + 1 :]
    with pytest.raises(InvalidIdNumber) as caught:
        IdNumber.parse(changed)
    assert caught.value.kind in (
        InvalidIdNumberKind.CHECK_CHARACTER,
        InvalidIdNumberKind.BIRTH_DATE,
    )


@given(sst.id_numbers("15"))
def test_fifteen_digit_numbers_upgrade(text: str) -> None:
    number = IdNumber.parse(text)
    assert len(number.value) == 18
    assert number.value[:6] == text[:6]
    assert number.value[6:8] == "19"
    assert number.value[8:17] == text[6:15]
    assert number.birth_date.strftime("%y%m%d") == text[6:12]
    assert IdNumber.parse(number.value) == number
    assert number.sex == ("male" if int(text[14]) % 2 else "female")


def test_known_upgrade() -> None:
    assert IdNumber.parse("110105491231002").value == "11010519491231002X"


@given(sst.invalid_id_numbers())
def test_invalid_numbers_say_what_is_wrong(case: tuple[str, InvalidIdNumberKind]) -> None:
    text, kind = case
    with pytest.raises(InvalidIdNumber) as caught:
        IdNumber.parse(text)
    assert caught.value.kind == kind
    assert isinstance(caught.value, ValueError)
    words = {
        InvalidIdNumberKind.LENGTH: "characters",
        InvalidIdNumberKind.CHARACTERS: "digit",
        InvalidIdNumberKind.BIRTH_DATE: "birth date",
        InvalidIdNumberKind.CHECK_CHARACTER: "check character",
    }
    assert words[kind] in str(caught.value)
    if len(text) == 18:
        assert text not in str(caught.value)


@given(sst.id_numbers("18"))
def test_error_messages_never_show_the_full_number(text: str) -> None:
    wrong = text[:17] + ("0" if text[17] != "0" else "1")
    assume(wrong != text)
    with pytest.raises(InvalidIdNumber) as caught:
        IdNumber.parse(wrong)
    assert wrong not in str(caught.value)


def test_non_text_is_refused() -> None:
    with pytest.raises(InvalidIdNumber):
        IdNumber.parse(130630194803150028)  # type: ignore[arg-type]


@given(st.text(alphabet="0123456789１٣", min_size=17, max_size=17))
def test_check_character_is_the_weighted_sum_of_the_digits(first17: str) -> None:
    """GB 11643-1999: the check character of 17 digits is that of their weighted sum mod 11,
    whatever digits Python reads (ASCII through a fast path, others digit by digit)."""
    from sscert.values.identity import CHECK_CHARACTERS, WEIGHTS, check_character  # noqa: PLC0415

    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    assert check_character(first17) == CHECK_CHARACTERS[total % 11]


#: Leap days of years that are and are not leap years, the first year counted, days that
#: no month has.
_EDGE_DAYS = [
    "19000229", "20000229", "21000229", "20240229", "20230229", "17991231", "18000101",
    "00000101", "19490431", "19491231", "19491300", "19490100",
]  # fmt: skip


@given(
    st.dates(dt.date(1, 1, 1)).map(lambda day: f"{day:%Y%m%d}".zfill(8))
    | st.text(alphabet="0123456789", min_size=8, max_size=8)
    | st.sampled_from(_EDGE_DAYS)
)
def test_a_birth_date_is_checked_as_the_calendar_has_it(digits: str) -> None:
    """An ID number's digits 7-14 are checked against a table of month-days and the leap
    years: the same answer as making the date (from 1800 on)."""
    from sscert.values.identity import _birth_date, _is_birth_date  # noqa: PLC0415

    assert _is_birth_date(digits) == (_birth_date(digits) is not None)


@pytest.mark.parametrize("year", [1799, 1800, 1900, 2000, 2023, 2024, 2100, 9999])
def test_every_month_and_day_of_a_year_is_checked_as_the_calendar_has_it(year: int) -> None:
    """All 10,000 four digits after the year, for leap years and others: the table of
    month-days finds what making the date finds (the batch checks use the same table)."""
    from sscert.values.identity import _birth_date, _is_birth_date  # noqa: PLC0415

    for code in range(10_000):
        digits = f"{year:04d}{code:04d}"
        assert _is_birth_date(digits) == (_birth_date(digits) is not None), digits
