from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sscert import InvalidPhoneNumber, PhoneNumber
from sscert import strategies as sst
from sscert.values.phone import parse_contact_phone


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


@pytest.mark.parametrize("tail", ["\n", "\r\n"])
def test_a_line_break_after_a_valid_value_is_never_part_of_it(tail: str) -> None:
    """A regular expression's ``$`` also matches before a final line break: every pattern that
    checks a whole value ends at the end of the text, so ``"13812345678\\n"`` is not a phone
    number, ``"abc\\n"`` not a campaign id, a channel code or an app password."""
    from sscert.campaigns.loading import _ID  # noqa: PLC0415
    from sscert.channels import is_channel_code  # noqa: PLC0415
    from sscert.plugins.channels.yirenshe import Password  # noqa: PLC0415
    from sscert.values.money import Money  # noqa: PLC0415

    with pytest.raises(InvalidPhoneNumber):
        PhoneNumber("13812345678" + tail)
    assert PhoneNumber("13812345678").value == "13812345678"
    assert _ID.match("laiyuan-2023")
    assert not _ID.match("laiyuan-2023" + tail)
    assert is_channel_code("yirenshe")
    assert not is_channel_code("yirenshe" + tail)
    assert Password.of("abc12345").acceptable
    assert not Password.of("abc12345" + tail).acceptable
    with pytest.raises(ValueError, match="at most 2 decimal places"):
        Money.parse_exact("1.005")
    assert Money.parse_exact(" 1.00" + tail) == Money("1.00")  # surrounding space is stripped


def _contact_by_the_long_way(text: str) -> str:
    """What parse_contact_phone gives without its quick path for 11 plain digits."""
    try:
        return PhoneNumber.parse(text).value
    except InvalidPhoneNumber:
        return parse_contact_phone(" " + text)  # a leading space skips the quick path


@given(
    st.one_of(
        sst.phone_numbers(),
        st.text(alphabet="0123456789+- \n", max_size=16),
        st.from_regex(r"\A1[0-9]{10}\Z"),
    )
)
def test_the_quick_path_for_a_contact_number_gives_what_parsing_gives(text: str) -> None:
    """Eleven digits starting 13-19 are taken as they are; anything else is parsed, with the
    same result (or the same refusal) as before the quick path."""
    try:
        expected: str | None = _contact_by_the_long_way(text)
    except InvalidPhoneNumber:
        expected = None
    try:
        got: str | None = parse_contact_phone(text)
    except InvalidPhoneNumber:
        got = None
    assert got == expected
