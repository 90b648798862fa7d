from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sscert import Campaign, IdNumber, Money, Month, PhoneNumber, Scheme, load_campaign
from sscert import strategies as sst
from sscert.serialization import (
    EVENT_WIRES,
    AccountIn,
    ChangeIn,
    EntitlementIn,
    ImprisonedIn,
    converter,
    structure,
    unstructure,
    wire_keys,
)


def _round_trip(value: object, kind: type) -> None:
    data = json.loads(json.dumps(unstructure(value)))
    assert structure(data, kind) == value


@given(sst.money(min_value="-100000"))
def test_money(value: Money) -> None:
    assert unstructure(value) == str(value)
    _round_trip(value, Money)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4))
def test_decimal(value: Decimal) -> None:
    assert isinstance(unstructure(value), str)
    _round_trip(value, Decimal)


@given(sst.months())
def test_month(value: Month) -> None:
    assert unstructure(value) == str(value)
    _round_trip(value, Month)


@given(st.dates())
def test_date(value: dt.date) -> None:
    assert unstructure(value) == value.isoformat()
    _round_trip(value, dt.date)


@given(st.datetimes(timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=8))])))
def test_datetime(value: dt.datetime) -> None:
    _round_trip(value, dt.datetime)


@given(sst.id_numbers("any"))
def test_id_number(text: str) -> None:
    _round_trip(IdNumber.parse(text), IdNumber)


@given(sst.phone_numbers())
def test_phone_number(text: str) -> None:
    _round_trip(PhoneNumber.parse(text), PhoneNumber)


@given(sst.schemes())
def test_scheme_by_value(scheme: Scheme) -> None:
    assert unstructure(scheme) == scheme.value
    _round_trip(scheme, Scheme)


@given(sst.campaigns())
def test_campaign(campaign: Campaign) -> None:
    _round_trip(campaign, Campaign)


def test_bundled_campaign() -> None:
    _round_trip(load_campaign("laiyuan-2023"), Campaign)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_is_refused_for_money_and_decimal(value: float) -> None:
    for kind in (Money, Decimal):
        with pytest.raises(TypeError):
            converter.structure(value, kind)


def test_money_with_three_decimals_is_refused() -> None:
    with pytest.raises(ValueError, match="2 decimal"):
        converter.structure("1.005", Money)


@given(sst.person_dicts())
def test_the_wire_converter_structures_and_unstructures_people(person: dict[str, object]) -> None:
    """The input contract's wire classes go both ways through the one wire converter: a
    person's JSON structures, unstructures to the contract's JSON (``from``, ``type``, text
    for money, months and dates) and structures again to the same value."""
    from sscert.serialization import PersonIn, wire_converter  # noqa: PLC0415

    wire = wire_converter.structure(person, PersonIn)
    data = wire_converter.unstructure(wire)
    assert json.loads(json.dumps(data)) == data  # plain JSON
    assert wire_converter.structure(data, PersonIn) == wire
    events: list[Any] = list(person.get("events", []))  # type: ignore[call-overload]
    assert [e["type"] for e in data.get("events", [])] == [e["type"] for e in events]
    for entitlement in data["entitlements"]:
        for change in entitlement.get("changes", []):
            assert set(change) == {"from", "monthly_amount"}


def test_wire_keys_name_the_json_keys_and_which_are_required() -> None:
    assert wire_keys(ImprisonedIn) == {"from": True, "to": False}
    assert list(wire_keys(ChangeIn)) == ["from", "monthly_amount"]
    assert wire_keys(AccountIn) == {"balance": True, "inheritable_share": False}
    required = [k for k, needed in wire_keys(EntitlementIn).items() if needed]
    assert required == ["scheme", "start", "monthly_amount"]
    for wire in EVENT_WIRES.values():
        assert all(not key.endswith("_") for key in wire_keys(wire))


@given(
    texts=st.lists(
        st.sampled_from(["2023-05", "2023-13", " 2023-05 ", "2023-5", "1899-12", "2100-12"])
        | st.from_regex(r"20[0-9]{2}-[01][0-9]", fullmatch=True),
        max_size=20,
    )
)
def test_the_months_a_hook_remembers_are_those_it_would_parse(texts: list[str]) -> None:
    """A wire hook remembers the values of the texts it parsed (dates, months, amounts
    repeat across thousands of people): asked again, in any order and past the size it
    keeps, it gives what parsing gives, and refuses again what it refused."""
    import sscert.serialization as wire  # noqa: PLC0415
    from sscert.values.limits import parse_month  # noqa: PLC0415

    hook = wire._limited(parse_month, "a month")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(wire, "REMEMBERED", 3)
        for text in texts + texts[::-1]:
            try:
                expected: object = parse_month(text, "")
            except ValueError as error:
                expected = type(error)
            try:
                got: object = hook(text, Month)
            except ValueError as error:
                got = type(error)
            assert got == expected
    with pytest.raises(TypeError):
        hook(202305, Month)


def test_an_optional_field_takes_null_as_absent_and_checks_anything_else() -> None:
    """``X | None`` fields: null is as if the key were absent; any other value goes through
    ``X``'s own hook, with the key's path in the error."""
    from sscert.contract import InputError, parse_case  # noqa: PLC0415

    entitlement = {"scheme": "enterprise_pension", "start": "2008-05", "monthly_amount": "1"}
    person = {"id_number": "130630194803150028", "entitlements": [entitlement]}
    case = {"campaign": "laiyuan-2023", "as_of": "2023-06-30", "people": [person]}
    absent = parse_case(case)
    nulls = {"phone": None, "name": None, "account": None, "instalment_months": None}
    entitlement = {**entitlement, "end": None, "contribution_months": None}
    with_nulls = parse_case(
        {**case, "from": None, "people": [{**person, **nulls, "entitlements": [entitlement]}]}
    )
    assert with_nulls == absent
    bad = {**person, "account": {"balance": 5}, "entitlements": [{**entitlement, "end": "13"}]}
    with pytest.raises(InputError) as raised:
        parse_case({**case, "people": [bad]})
    assert [path for path, _ in raised.value.errors] == [
        "people[0].entitlements[0].end",
        "people[0].account.balance",
    ]
