"""The data's shapes and their cattrs converters, in one place.

* :data:`converter`: every public type — Decimal and Money as strings in and out (a float is
  refused), dates and date-times in ISO 8601, :class:`Month` as ``YYYY-MM``, enums by value,
  ID and phone numbers as their full text (for storage and round trips; exports mask them,
  see :mod:`sscert.privacy`).
* The input contract's wire classes (a person, an entitlement, an amount change, the events,
  an account, a case) — the only definition of the JSON a caller gives, of a store record's
  fields and of the batch tables' columns (:mod:`sscert.batch.schema`) — and
  :data:`wire_converter`, which structures them with strict hooks and the path of every bad
  key, and unstructures them back to that JSON. :mod:`sscert.contract` validates with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import MappingProxyType, UnionType
from typing import Any, Final, Literal, NewType, TypeVar, Union, get_args, get_origin

import attrs
import cattrs
from attrs import frozen
from cattrs.cols import list_structure_factory
from cattrs.errors import ClassValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from sscert.campaigns.model import CalendarPeriods, Campaign, Duty, RollingCycle, Window
from sscert.events import EndReason
from sscert.i18n import _
from sscert.people import Relationship
from sscert.schemes import Scheme
from sscert.values.identity import IdNumber
from sscert.values.limits import (
    MAX_CONTRIBUTION_MONTHS,
    MAX_INSTALMENTS,
    MAX_TEXT,
    LimitError,
    parse_amount,
    parse_balance,
    parse_count,
    parse_date,
    parse_moment,
    parse_month,
    preview,
)
from sscert.values.money import Money, to_decimal
from sscert.values.months import Month
from sscert.values.phone import PhoneNumber

__all__ = [
    "ENTITLEMENT_KEYS",
    "EVENT_TYPES",
    "EVENT_WIRES",
    "AccountIn",
    "CaseIn",
    "CertifiedIn",
    "ChangeIn",
    "DependantEndedIn",
    "DependantIn",
    "DiedIn",
    "EntitlementIn",
    "EventIn",
    "FieldError",
    "ImprisonedIn",
    "Moment",
    "PersonIn",
    "PositiveAmount",
    "converter",
    "json_type_name",
    "make_converter",
    "make_wire_converter",
    "structure",
    "unstructure",
    "wire_converter",
    "wire_keys",
]

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


# --- the input contract's wire classes ---------------------------------------------------

PositiveAmount = NewType("PositiveAmount", Money)
Balance = NewType("Balance", Money)
ContributionMonths = NewType("ContributionMonths", int)
InstalmentMonths = NewType("InstalmentMonths", int)
Moment = NewType("Moment", object)


class FieldError(ValueError):
    """Raised inside a structure hook for a problem with one named key of the object."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(problem)
        self.key = key


@frozen
class ChangeIn:
    from_: Month
    monthly_amount: PositiveAmount


@frozen
class DependantIn:
    relationship: Relationship
    fully_incapacitated: bool = False


@frozen
class EntitlementIn:
    scheme: Scheme
    start: Month
    monthly_amount: PositiveAmount
    end: Month | None = None
    changes: list[ChangeIn] = attrs.field(factory=list)
    contribution_months: ContributionMonths | None = None
    dependant: DependantIn | None = None


@frozen
class CertifiedIn:
    at: Moment
    channel: str
    #: Who certified the person for the office (经办人), e.g. at an assisted or home
    #: certification: kept with the event for the audit, never decided on.
    operator: str | None = None


@frozen
class DiedIn:
    on: dt.date
    reported_on: dt.date


#: The keys of an entitlement as one record (its amount changes are records of their own).
ENTITLEMENT_KEYS: tuple[str, ...] = tuple(
    a.name for a in attrs.fields(EntitlementIn) if a.name != "changes"
)


@frozen
class DependantEndedIn:
    on: dt.date
    reason: EndReason


@frozen
class ImprisonedIn:
    from_: dt.date
    to: dt.date | None = None


@frozen
class AccountIn:
    balance: Balance
    inheritable_share: Balance | None = None


EventIn = CertifiedIn | DiedIn | DependantEndedIn | ImprisonedIn
_EVENT_WIRES: dict[str, type[Any]] = {
    "certified": CertifiedIn,
    "died": DiedIn,
    "dependant_ended": DependantEndedIn,
    "imprisoned": ImprisonedIn,
}
#: The ``type`` of each event the contract takes.
EVENT_TYPES: tuple[str, ...] = tuple(_EVENT_WIRES)
#: Each event type's wire class.
EVENT_WIRES: Mapping[str, type[Any]] = MappingProxyType(_EVENT_WIRES)


def wire_keys(wire: type[Any]) -> Mapping[str, bool]:
    """The keys of a wire class in the contract's JSON (``from_`` is ``from``), in field
    order, each with whether it is required (a field without a default). Read-only, made
    once per class."""
    keys = _WIRE_KEYS.get(wire)
    if keys is None:
        keys = _WIRE_KEYS[wire] = MappingProxyType(
            {a.name.removesuffix("_"): a.default is attrs.NOTHING for a in attrs.fields(wire)}
        )
    return keys


_WIRE_KEYS: dict[type[Any], Mapping[str, bool]] = {}


def wire_part(
    data: Mapping[str, Any], wire: type[Any], *, missing: Literal["omit", "null", "raise"]
) -> dict[str, Any]:
    """The keys of ``data`` that ``wire`` reads (:func:`wire_keys`): a field added to a wire
    class is read without another change. A required key that ``data`` lacks is left out
    (``"omit"``: structuring then says it is missing), given as null (``"null"``: "must be
    …, not null") or raises ``KeyError`` (``"raise"``)."""
    part: dict[str, Any] = {}
    for key, required in wire_keys(wire).items():
        if key in data:
            part[key] = data[key]
        elif required and missing == "null":
            part[key] = None
        elif required and missing == "raise":
            raise KeyError(key)
    return part


@frozen
class PersonIn:
    id_number: IdNumber
    entitlements: list[EntitlementIn]
    events: list[EventIn] = attrs.field(factory=list)
    name: str | None = attrs.field(default=None, repr=False)
    township: str | None = None
    phone: str | None = attrs.field(default=None, repr=False)
    village: str | None = attrs.field(default=None, repr=False)
    address: str | None = attrs.field(default=None, repr=False)
    account: AccountIn | None = attrs.field(default=None, repr=False)
    instalment_months: InstalmentMonths | None = None


@frozen
class CaseIn:
    campaign: str
    as_of: dt.date
    people: list[PersonIn]
    from_: Month | None = None


# --- the wire converter: strict hooks, named paths -------------------------------------------


def _strict_str(value: object, _kind: type) -> str:
    if not isinstance(value, str):
        raise TypeError(_("must be text, not {json_type}").format(json_type=json_type_name(value)))
    if len(value) > MAX_TEXT:
        raise LimitError(
            _("is longer than {MAX_TEXT} characters ({len})").format(
                MAX_TEXT=MAX_TEXT, len=len(value)
            )
        )
    return value


#: How many texts each value hook remembers the parsed value of (then it starts again).
REMEMBERED: Final = 4096


def _limited(parse: Callable[[object, str], Any], what: str) -> Callable[[object, type], Any]:
    """A hook that parses text with ``parse``. The values it gives are immutable and the
    same text always gives the same value, so it remembers the last few thousand: a store
    or a roster repeats the same dates, months and amounts for thousands of people. Text
    that does not parse is never remembered (it raises each time)."""
    remembered: dict[str, Any] = {}

    def hook(value: object, _kind: type) -> Any:
        if not isinstance(value, str):
            raise TypeError(
                _("must be {what}, not {json_type}").format(
                    what=what, json_type=json_type_name(value)
                )
            )
        found = remembered.get(value)
        if found is None:
            found = parse(value, "")
            if len(remembered) >= REMEMBERED:
                remembered.clear()
            remembered[value] = found
        return found

    return hook


_positive_amount = _limited(parse_amount, 'a string like "2856.40"')
_balance = _limited(parse_balance, 'a string like "23600.80"')
_moment = _limited(parse_moment, "an ISO date or date-time")
_date = _limited(parse_date, "an ISO date (YYYY-MM-DD)")
_month = _limited(parse_month, "a month (YYYY-MM)")


def _scheme(value: object, _kind: type) -> Scheme:
    if not isinstance(value, str):
        raise TypeError(
            _("must be a scheme code, not {json_type}").format(json_type=json_type_name(value))
        )
    scheme = _SCHEMES.get(value)
    if scheme is None:
        known = ", ".join(s.value for s in Scheme)
        raise ValueError(
            _("unknown scheme {value!r} (known: {known})").format(value=value, known=known)
        )
    return scheme


#: Each scheme by its code (a dictionary is faster than calling the enum).
_SCHEMES: Final[dict[str, Scheme]] = {s.value: s for s in Scheme}


def _choice(enum_type: type[Any], what: str) -> Callable[[object, type], Any]:
    def hook(value: object, _kind: type) -> Any:
        known = ", ".join(m.value for m in enum_type)
        if not isinstance(value, str):
            raise TypeError(
                _("must be {what} ({known}), not {json_type}").format(
                    what=what, known=known, json_type=json_type_name(value)
                )
            )
        try:
            return enum_type(value)
        except ValueError:
            raise ValueError(
                _("unknown {what} {value} (known: {known})").format(
                    what=what, value=preview(value), known=known
                )
            ) from None

    return hook


def _strict_bool(value: object, _kind: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError(
            _("must be true or false, not {json_type}").format(json_type=json_type_name(value))
        )
    return value


def _count(high: int, low: int = 0) -> Callable[[object, type], int]:
    def hook(value: object, _kind: type) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(
                _("must be a whole number, not {json_type}").format(json_type=json_type_name(value))
            )
        return parse_count(value, low=low, high=high)

    return hook


def json_type_name(value: object) -> str:
    """The JSON name of a value's type (``text``, ``number``, ``null``…), for messages."""
    names = {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        dict: "an object",
        list: "a list",
        str: "text",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


def make_wire_converter() -> cattrs.Converter:
    """The converter of the input contract's wire classes: strict hooks (text is text, a
    number is never money), every problem with the path of its key, unknown keys ignored;
    events as a union tagged by ``type``. It unstructures them back to the contract's JSON
    (``from_`` as ``from``, defaults left out)."""
    conv = cattrs.Converter(forbid_extra_keys=False, detailed_validation=True)
    base = make_converter()
    conv.register_structure_hook(Month, _month)
    conv.register_structure_hook(IdNumber, base.get_structure_hook(IdNumber))
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(PositiveAmount, _positive_amount)
    conv.register_structure_hook(Moment, _moment)
    conv.register_structure_hook(dt.date, _date)
    conv.register_structure_hook(Scheme, _scheme)
    conv.register_structure_hook(Balance, _balance)
    conv.register_structure_hook(bool, _strict_bool)
    conv.register_structure_hook(Relationship, _choice(Relationship, _("relationship")))
    conv.register_structure_hook(EndReason, _choice(EndReason, _("reason")))
    conv.register_structure_hook(ContributionMonths, _count(MAX_CONTRIBUTION_MONTHS))
    conv.register_structure_hook(InstalmentMonths, _count(MAX_INSTALMENTS, low=1))

    def is_list(kind: Any) -> bool:
        return get_origin(kind) is list

    def list_factory(kind: Any) -> Callable[[Any, Any], Any]:
        inner = list_structure_factory(kind, conv)

        def structure(value: Any, target: Any) -> Any:
            if not isinstance(value, list):
                raise TypeError(
                    _("must be a list, not {json_type}").format(json_type=json_type_name(value))
                )
            return inner(value, target)

        return structure

    conv.register_structure_hook_factory(is_list, list_factory)

    def objects(kind: type[Any]) -> None:
        renames = {"from_": override(rename="from")} if "from_" in attrs.fields_dict(kind) else {}
        fn: Callable[[Any, Any], Any] = make_dict_structure_fn(
            kind,
            conv,
            _cattrs_forbid_extra_keys=False,
            **renames,  # type: ignore[arg-type]
        )

        def structure(value: Any, target: Any) -> Any:
            if type(value) is not dict and not isinstance(value, Mapping):
                raise TypeError(
                    _("must be an object, not {json_type}").format(json_type=json_type_name(value))
                )
            return fn(value, target)

        conv.register_structure_hook(kind, structure)
        unstructure_fields = make_dict_unstructure_fn(
            kind,
            conv,
            _cattrs_omit_if_default=True,
            **renames,  # type: ignore[arg-type]
        )
        tag = next((t for t, w in _EVENT_WIRES.items() if w is kind), None)
        if tag is None:
            conv.register_unstructure_hook(kind, unstructure_fields)
        else:  # an event carries its type, the union's tag

            def unstructure_event(value: Any) -> dict[str, Any]:
                return {"type": tag, **unstructure_fields(value)}

            conv.register_unstructure_hook(kind, unstructure_event)

    #: each event type's class and its hook, found once the classes' hooks are made (below)
    event_hooks: dict[str, tuple[Callable[[Any, Any], Any], type[Any]]] = {}

    def event(value: Any, _kind: Any) -> EventIn:
        if type(value) is not dict and not isinstance(value, Mapping):
            raise TypeError(
                _("must be an object, not {json_type}").format(json_type=json_type_name(value))
            )
        kind = value.get("type")
        found = event_hooks.get(kind) if isinstance(kind, str) else None
        if found is not None:
            hook, wire = found
            return hook(value, wire)  # type: ignore[no-any-return]
        known = ", ".join(_EVENT_WIRES)
        if kind is None:
            raise FieldError("type", _("missing ({known})").format(known=known))
        raise FieldError(
            "type",
            _("unknown event type {kind} (known: {known})").format(kind=preview(kind), known=known),
        )

    def is_event(kind: Any) -> bool:
        return set(get_args(kind)) == set(_EVENT_WIRES.values())

    conv.register_structure_hook_func(is_event, event)

    def is_optional(kind: Any) -> bool:
        args = get_args(kind)
        return len(args) == 2 and type(None) in args and get_origin(kind) in (Union, UnionType)

    def optional_factory(kind: Any) -> Callable[[Any, Any], Any]:
        """``X | None``: null, or what ``X``'s hook makes of the value — the hook found once,
        when the class's function is generated (cattrs' own looks it up on every call)."""
        inner = next(arg for arg in get_args(kind) if arg is not type(None))
        hook = conv.get_structure_hook(inner)

        def structure(value: Any, _kind: Any) -> Any:
            return None if value is None else hook(value, inner)

        return structure

    conv.register_structure_hook_factory(is_optional, optional_factory)
    # Generated after every hook above is registered: the generated functions bind them.
    # unstructured: the contract's JSON text for every value
    for text in (Money, PositiveAmount, Balance, Month):
        conv.register_unstructure_hook(text, str)
    for day in (dt.date, Moment):
        conv.register_unstructure_hook(day, lambda value: value.isoformat())
    for coded in (IdNumber, Scheme, Relationship, EndReason):
        conv.register_unstructure_hook(coded, lambda value: value.value)
    conv.register_unstructure_hook_func(
        lambda kind: kind == EventIn, lambda value: conv.unstructure(value, type(value))
    )
    for wire in (
        ChangeIn,
        DependantIn,
        EntitlementIn,
        CertifiedIn,
        DiedIn,
        DependantEndedIn,
        ImprisonedIn,
        AccountIn,
        PersonIn,
        CaseIn,
    ):
        objects(wire)
    event_hooks.update(
        {tag: (conv.get_structure_hook(wire), wire) for tag, wire in _EVENT_WIRES.items()}
    )
    return conv


wire_converter = make_wire_converter()
"""The one converter of the input contract's wire classes (:func:`make_wire_converter`)."""
