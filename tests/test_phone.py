from __future__ import annotations

import pytest
from hypothesis import given

from sscert import InvalidPhoneNumber, PhoneNumber
from sscert import strategies as sst


@given(sst.phone_numbers())
def test_valid_numbers_parse(text: str) -> None:
    phone = PhoneNumber.parse(text)
    assert phone.value == text.removeprefix("+86")
    assert phone.value not in repr(phone)
    assert phone.value not in str(phone)
    assert PhoneNumber.parse(phone.e164) == phone


def test_examples() -> None:
    phone = PhoneNumber.parse("+86 138-1234-5678")
    assert phone.value == "13812345678"
    assert str(phone) == "138****5678"


@pytest.mark.parametrize(
    "bad", ["12812345678", "1381234567", "0312-7315640", "+85213812345678", ""]
)
def test_invalid(bad: str) -> None:
    with pytest.raises(InvalidPhoneNumber):
        PhoneNumber.parse(bad)
