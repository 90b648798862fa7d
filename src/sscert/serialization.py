"""The one cattrs converter for every public type.

Decimal and Money as strings in and out (a float is refused), dates and date-times in ISO
8601, :class:`Month` as ``YYYY-MM``, enums by value, ID and phone numbers as their full text
(this converter is for storage and round trips; exports mask them, see :mod:`sscert.privacy`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar, get_origin

import cattrs
from cattrs.errors import ClassValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from sscert.campaigns.model import CalendarPeriods, Campaign, Duty, RollingCycle, Window
from sscert.values.identity import IdNumber
from sscert.values.money import Money, to_decimal
from sscert.values.months import Month
from sscert.values.phone import PhoneNumber

__all__ = ["converter", "make_converter", "structure", "unstructure"]

_T = TypeVar("_T")


def _structure_decimal(value: object, _: type) -> Decimal:
    return to_decimal(value)


def _structure_money(value: object, _: type) -> Money:
    if isinstance(value, str):
        return Money.parse_exact(value)
    return Money(to_decimal(value))


def _structure_month(value: object, _: type) -> Month:
    if isinstance(value, Month):
        return value
    if not isinstance(value, str):
        raise TypeError(f"a month must be a 'YYYY-MM' string, not {type(value).__name__}")
    return Month.parse(value)


def _structure_date(value: object, _: type) -> dt.date:
    if isinstance(value, dt.datetime):
        raise TypeError("expected a date, got a date-time")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError(f"not an ISO date (YYYY-MM-DD): {value!r}")
    return dt.date.fromisoformat(value)


def _structure_datetime(value: object, _: type) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise TypeError(f"not an ISO date-time: {value!r}")
    return dt.datetime.fromisoformat(value)


def _structure_text(parse: Any) -> Any:
    def hook(value: object, _: type) -> Any:
        if not isinstance(value, str):
            raise TypeError(f"expected text, got {type(value).__name__}")
        return parse(value)

    return hook


def _is_frozenset(kind: Any) -> bool:
    return kind is frozenset or get_origin(kind) is frozenset


def make_converter() -> cattrs.Converter:
    """A new converter with sscert's hooks; extend a copy rather than the shared one."""
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_unstructure_hook(Money, str)
    conv.register_structure_hook(Money, _structure_money)
    conv.register_unstructure_hook(Month, str)
    conv.register_structure_hook(Month, _structure_month)
    conv.register_unstructure_hook(dt.datetime, dt.datetime.isoformat)
    conv.register_structure_hook(dt.datetime, _structure_datetime)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_unstructure_hook(IdNumber, lambda v: v.value)
    conv.register_structure_hook(IdNumber, _structure_text(IdNumber.parse))
    conv.register_unstructure_hook(PhoneNumber, lambda v: v.value)
    conv.register_structure_hook(PhoneNumber, _structure_text(PhoneNumber.parse))
    conv.register_unstructure_hook_func(
        _is_frozenset, lambda values: sorted(conv.unstructure(v) for v in values)
    )

    def _no_float(value: object, _: type) -> float:
        raise TypeError("floats are not accepted: money and amounts are strings")

    conv.register_structure_hook(float, _no_float)
    _campaign_hooks(conv)
    return conv


_DUTY_KEYS = {"window": Window, "cycle": RollingCycle, "periods": CalendarPeriods}


def _campaign_hooks(conv: cattrs.Converter) -> None:
    """A campaign's duty under its TOML table's name (``window``, ``cycle`` or ``periods``),
    as in a campaign file and in ``sscert campaign show --json``."""

    def structured_duty(value: Any, _: Any) -> Duty:
        if not isinstance(value, Window | RollingCycle | CalendarPeriods):
            raise TypeError("a duty is given as window, cycle or periods")
        return value

    conv.register_structure_hook_func(lambda kind: kind == Duty, structured_duty)

    unstructure_campaign = make_dict_unstructure_fn(Campaign, conv)
    structure_campaign = make_dict_structure_fn(Campaign, conv)

    def unstructure_hook(campaign: Campaign) -> dict[str, Any]:
        data: dict[str, Any] = unstructure_campaign(campaign)
        duty = data.pop("duty")
        name = next(k for k, kind in _DUTY_KEYS.items() if isinstance(campaign.duty, kind))
        return {**data, name: duty}

    def structure_hook(data: Any, _: type) -> Campaign:
        if not isinstance(data, dict):
            raise TypeError("a campaign is an object")
        found = [k for k in _DUTY_KEYS if k in data]
        if len(found) != 1:
            raise ValueError("a campaign has exactly one of window, cycle or periods")
        rest = {k: v for k, v in data.items() if k not in _DUTY_KEYS}
        duty: Duty = conv.structure(data[found[0]], _DUTY_KEYS[found[0]])
        campaign: Campaign = structure_campaign({**rest, "duty": duty}, Campaign)
        return campaign

    conv.register_unstructure_hook(Campaign, unstructure_hook)
    conv.register_structure_hook(Campaign, structure_hook)


converter = make_converter()


def unstructure(value: object) -> Any:
    """Plain JSON-ready data for any public sscert value."""
    return converter.unstructure(value)


def structure(data: object, kind: type[_T]) -> _T:
    """The public type ``kind`` from plain data; raises ``ValueError`` naming the bad field."""
    try:
        return converter.structure(data, kind)
    except ClassValidationError as error:
        messages = cattrs.transform_error(error)
        raise ValueError("; ".join(messages)) from error
