"""The JSON edge of ``calculate``: structure a case with cattrs, validate it, report bad
input with the path of the bad field (``people[3].entitlements[0].monthly_amount``).

The wire classes (:mod:`sscert.serialization`) mirror the JSON keys one to one, so that
cattrs' error notes turn into paths a caller can act on; here they are checked across fields
and turned into the domain's ``Person`` values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from attrs import frozen
from cattrs.errors import ClassValidationError, IterableValidationError, IterableValidationNote

from sscert.campaigns import Campaign, bundled_campaigns, load_campaign
from sscert.channels import KNOWN_CHANNELS, is_channel_code
from sscert.events import Certified, DependantEnded, Died, Event, Imprisoned
from sscert.i18n import _
from sscert.people import Account, AmountChange, Dependant, Entitlement, Person
from sscert.schemes import Scheme
from sscert.serialization import (
    ENTITLEMENT_KEYS,
    EVENT_TYPES,
    EVENT_WIRES,
    AccountIn,
    CaseIn,
    CertifiedIn,
    ChangeIn,
    DependantEndedIn,
    DependantIn,
    DiedIn,
    EntitlementIn,
    EventIn,
    FieldError,
    ImprisonedIn,
    Moment,
    PersonIn,
    PositiveAmount,
    json_type_name,
    wire_converter,
)
from sscert.values.identity import IdNumber, mask_id_text
from sscert.values.limits import LimitError, check_depth, preview
from sscert.values.months import Month
from sscert.values.privacy import redact

__all__ = [
    "ENTITLEMENT_KEYS",
    "EVENT_TYPES",
    "EVENT_WIRES",
    "AccountIn",
    "Case",
    "CertifiedIn",
    "ChangeIn",
    "DependantEndedIn",
    "DependantIn",
    "DiedIn",
    "EntitlementIn",
    "ImprisonedIn",
    "InputError",
    "InvalidPerson",
    "account_problems",
    "death_problems",
    "dependant_problem",
    "entitlement_problems",
    "parse_case",
    "parse_case_lenient",
    "parse_people_lenient",
    "structure_part",
    "term_problems",
]

_W = TypeVar("_W")


class InputError(ValueError):
    """Bad input to ``calculate``. The message names the path of each bad field.

    ``errors`` holds ``(path, problem)`` pairs, first error first. ID numbers in messages
    are masked.
    """

    def __init__(self, errors: Sequence[tuple[str, str]]) -> None:
        self.errors = [(redact(path), redact(problem)) for path, problem in errors]
        super().__init__("\n".join(f"{path}: {problem}" for path, problem in self.errors))


@frozen
class Case:
    """A validated case: the campaign, the as-of date, the first month and the people."""

    campaign: Campaign
    as_of: dt.date
    first: Month | None
    people: tuple[Person, ...]


# The converter's own field hooks, for the common shapes (:func:`_quick`).
_scheme = wire_converter.get_structure_hook(Scheme)
_month = wire_converter.get_structure_hook(Month)
_positive_amount = wire_converter.get_structure_hook(PositiveAmount)
_moment = wire_converter.get_structure_hook(Moment)
_date = wire_converter.get_structure_hook(dt.date)
_strict_str = wire_converter.get_structure_hook(str)


def _leaves(error: BaseException, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(error, ClassValidationError | IterableValidationError):
        with_notes, without = error.group_exceptions()
        for sub, note in with_notes:
            if isinstance(note, IterableValidationNote):
                step = f"[{note.index}]"
            else:
                name = note.name.removesuffix("_")
                step = f".{name}" if path else name
            yield from _leaves(sub, path + step)
        for sub in without:
            yield from _leaves(sub, path)
    elif isinstance(error, FieldError):
        yield (f"{path}.{error.key}" if path else error.key, str(error))
    elif isinstance(error, KeyError):
        yield (path, "missing")
    else:
        yield (path or "case", str(error))


def _quick(data: Mapping[str, Any], kind: type[Any]) -> Any:
    """The common shapes of entitlements and events built straight from the converter's own
    field hooks — the same checks, without the validation machinery that names the path of
    a bad field. ``None`` when the data is not one of them; any error is left to the full
    path, which says where it is."""
    if kind is EntitlementIn and data.keys() <= {"scheme", "start", "end", "monthly_amount"}:
        end = data.get("end")
        return EntitlementIn(
            _scheme(data["scheme"], Scheme),
            _month(data["start"], Month),
            _positive_amount(data["monthly_amount"], PositiveAmount),
            _month(end, Month) if end is not None else None,
        )
    if kind is CertifiedIn and data.keys() == {"at", "channel"}:
        return CertifiedIn(_moment(data["at"], Moment), _strict_str(data["channel"], str))
    if kind is DiedIn and data.keys() == {"on", "reported_on"}:
        return DiedIn(_date(data["on"], dt.date), _date(data["reported_on"], dt.date))
    return None


def structure_part(data: object, kind: type[_W]) -> _W:
    """Structure one piece of the contract (an entitlement, an event, …) with the same
    checks as a whole case; raise :class:`InputError` naming the bad keys."""
    if isinstance(data, Mapping):
        try:
            quick = _quick(data, kind)
        except (TypeError, ValueError, KeyError):
            quick = None  # the full path below names what is wrong
        if quick is not None:
            return quick  # type: ignore[no-any-return]
    try:
        return wire_converter.structure(data, kind)
    except (ClassValidationError, IterableValidationError, FieldError) as error:
        raise InputError(list(_leaves(error, ""))) from None
    except (TypeError, ValueError) as error:
        raise InputError([("record", str(error))]) from None


# --- the checks across fields: one place for every path -------------------------------------
#
# ``calculate``, the store's records, the roster and the event lists each turn their input into
# these wire objects and ask the same functions; each returns ``(key, problem)`` pairs.


def entitlement_problems(item: EntitlementIn) -> list[tuple[str, str]]:
    """An end before the start; a dependant on a scheme other than ``work_injury_survivor``."""
    problems = []
    if item.end is not None and item.end < item.start:
        problems.append(
            ("end", _("{end} is before start {start}").format(end=item.end, start=item.start))
        )
    if item.dependant is not None:
        problem = dependant_problem(item.scheme)
        if problem is not None:
            problems.append(("dependant", problem))
    return problems


def dependant_problem(scheme: Scheme) -> str | None:
    """Only a ``work_injury_survivor`` entitlement names a dependant (C15)."""
    if scheme is Scheme.WORK_INJURY_SURVIVOR:
        return None
    return _("only a work_injury_survivor entitlement names a dependant, not {scheme}").format(
        scheme=scheme.value
    )


def death_problems(item: DiedIn) -> list[tuple[str, str]]:
    """A report before the death."""
    if item.reported_on < item.on:
        return [
            (
                "reported_on",
                _("{reported_on} is before the death on {on}").format(
                    reported_on=item.reported_on, on=item.on
                ),
            )
        ]
    return []


def term_problems(item: ImprisonedIn) -> list[tuple[str, str]]:
    """A prison term that ends before it begins."""
    if item.to is not None and item.to < item.from_:
        return [("to", _("{to} is before {start}").format(to=item.to, start=item.from_))]
    return []


def account_problems(item: AccountIn) -> list[tuple[str, str]]:
    """An inheritable share larger than the balance."""
    share = item.inheritable_share
    if share is not None and share > item.balance:
        return [
            (
                "inheritable_share",
                _("{share} is more than the balance {balance}").format(
                    share=share, balance=item.balance
                ),
            )
        ]
    return []


# --- from wire to domain -------------------------------------------------------------------


CampaignsArg = Mapping[str, Campaign] | Iterable[Campaign] | None


@frozen
class InvalidPerson:
    """A person left out of a lenient parse: where they were, who (masked), and why."""

    index: int
    id_number: str | None
    errors: tuple[tuple[str, str], ...]

    @property
    def reason(self) -> str:
        return "; ".join(f"{path}: {problem}" for path, problem in self.errors)


def _campaign(name: str, campaigns: CampaignsArg) -> Campaign:
    """The campaign a case names: one the caller gave, else a bundled one — never a file
    named by the case (a case is data from outside; a file path is the caller's choice)."""
    given = (
        dict(campaigns) if isinstance(campaigns, Mapping) else {c.id: c for c in campaigns or ()}
    )
    if name in given:
        return given[name]
    bundled = bundled_campaigns()
    if name in bundled:
        return load_campaign(name)
    known = ", ".join([*given, *bundled])
    raise InputError(
        [
            (
                "campaign",
                f"unknown campaign {preview(name)} (known: {known}); a campaign file is given "
                "by the caller (calculate(case, campaigns=...) or --campaign-file), not by the "
                "case",
            )
        ]
    )


def _head(
    data: object, campaigns: CampaignsArg, known_channels: Iterable[str] | None
) -> tuple[CaseIn, Campaign, set[str], list[object]]:
    if not isinstance(data, Mapping):
        raise InputError([("case", f"must be a JSON object, not {json_type_name(data)}")])
    try:
        check_depth(data)
    except LimitError as error:
        raise InputError([("case", str(error))]) from None
    head = {k: v for k, v in data.items() if k != "people"}
    try:
        wire = wire_converter.structure({**head, "people": []}, CaseIn)
    except (ClassValidationError, IterableValidationError) as error:
        errors = list(_leaves(error, ""))
        if "people" not in data:
            errors.append(("people", _("missing")))
        raise InputError(errors) from None
    if "people" not in data:
        raise InputError([("people", "missing")])
    people = data["people"]
    if not isinstance(people, list):
        raise InputError([("people", f"must be a list, not {json_type_name(people)}")])
    campaign = _campaign(wire.campaign, campaigns)
    channels = set(KNOWN_CHANNELS) | set(campaign.channels) | set(known_channels or ())
    return wire, campaign, channels, people


def _person(
    item: object, index: int, channels: set[str], seen: dict[IdNumber, int]
) -> tuple[Person | None, list[tuple[str, str]]]:
    path = f"people[{index}]"
    try:
        wire = wire_converter.structure(item, PersonIn)
    except (ClassValidationError, IterableValidationError, FieldError) as error:
        return None, list(_leaves(error, path))
    except (TypeError, ValueError) as error:
        return None, [(path, str(error))]
    errors: list[tuple[str, str]] = []
    first = _first_seen(seen, wire.id_number, index)
    if first is not None:
        errors.append(
            (
                f"{path}.id_number",
                _("{masked} is already people[{first}]: a person appears once").format(
                    masked=wire.id_number.masked, first=first
                ),
            )
        )
    entitlements = _entitlements(wire.entitlements, path, errors)
    survivor = any(e.scheme is Scheme.WORK_INJURY_SURVIVOR for e in entitlements)
    events = _events(wire.events, path, channels, errors, survivor=survivor)
    person = Person(
        wire.id_number,
        tuple(entitlements),
        tuple(events),
        wire.name,
        wire.township,
        wire.phone,
        wire.village,
        wire.address,
        _account(wire.account, path, errors),
        wire.instalment_months,
    )
    return (None if errors else person), errors


def _account(wire: AccountIn | None, path: str, errors: list[tuple[str, str]]) -> Account | None:
    if wire is None:
        return None
    problems = account_problems(wire)
    errors.extend((f"{path}.account.{key}", problem) for key, problem in problems)
    if problems:
        return None
    inheritable = wire.inheritable_share if wire.inheritable_share is not None else wire.balance
    return Account(wire.balance, inheritable)


def _masked_id(item: object) -> str | None:
    text = item.get("id_number") if isinstance(item, Mapping) else None
    return mask_id_text(text) if isinstance(text, str) else None


def parse_case(
    data: object,
    *,
    known_channels: Iterable[str] | None = None,
    campaigns: CampaignsArg = None,
) -> Case:
    """Structure and validate a case; raise :class:`InputError` naming every bad field.

    ``known_channels`` adds channel codes (from plugins) to those sscert knows;
    ``campaigns`` (a mapping by id, or campaigns) adds campaigns beside the bundled ones.
    """
    wire, campaign, channels, items = _head(data, campaigns, known_channels)
    errors: list[tuple[str, str]] = []
    people: list[Person] = []
    seen: dict[IdNumber, int] = {}
    for index, item in enumerate(items):
        person, problems = _person(item, index, channels, seen)
        errors.extend(problems)
        if person is not None:
            people.append(person)
    if errors:
        raise InputError(errors)
    return Case(campaign, wire.as_of, wire.from_, tuple(people))


def parse_case_lenient(
    data: object,
    *,
    known_channels: Iterable[str] | None = None,
    campaigns: CampaignsArg = None,
) -> tuple[Case, list[InvalidPerson]]:
    """Like :func:`parse_case`, but a bad person is left out and listed with the reason
    instead of failing the whole case (a store that holds one bad record still gives
    everyone else's results). A bad campaign, as-of date or first month still raises."""
    wire, campaign, channels, items = _head(data, campaigns, known_channels)
    people, invalid = parse_people_lenient(items, channels)
    return Case(campaign, wire.as_of, wire.from_, people), invalid


def parse_people_lenient(
    items: Sequence[object], channels: Iterable[str], *, indexes: Sequence[int] | None = None
) -> tuple[tuple[Person, ...], list[InvalidPerson]]:
    """The valid people of ``items`` (the ``people`` list of a case), and the invalid ones
    with their reasons. ``channels`` are every channel code a certification may name;
    ``indexes`` (one per item) are the items' places in a larger list, for the paths in
    the reasons (default: their places in ``items``)."""
    known = set(KNOWN_CHANNELS) | set(channels)
    people: list[Person] = []
    invalid: list[InvalidPerson] = []
    seen: dict[IdNumber, int] = {}
    for place, item in enumerate(items):
        index = indexes[place] if indexes is not None else place
        person, problems = _person(item, index, known, seen)
        if person is None:
            invalid.append(InvalidPerson(index, _masked_id(item), tuple(problems)))
        else:
            people.append(person)
    return tuple(people), invalid


def _first_seen(seen: dict[Any, int], key: object, index: int) -> int | None:
    """Where ``key`` was first seen, or ``None`` when this is the first time (remembered)."""
    first = seen.setdefault(key, index)
    return None if first == index else first


def _entitlements(
    wire: list[EntitlementIn], path: str, errors: list[tuple[str, str]]
) -> list[Entitlement]:
    result: list[Entitlement] = []
    schemes: dict[Scheme, int] = {}
    for k, item in enumerate(wire):
        here = f"{path}.entitlements[{k}]"
        first = _first_seen(schemes, item.scheme, k)
        if first is not None:
            errors.append(
                (
                    f"{here}.scheme",
                    _(
                        "{value} is already entitlements[{first}]: one entitlement per scheme"
                    ).format(value=item.scheme.value, first=first),
                )
            )
        errors.extend((f"{here}.{key}", problem) for key, problem in entitlement_problems(item))
        months: dict[Month, int] = {}
        for j, change in enumerate(item.changes):
            first = _first_seen(months, change.from_, j)
            if first is not None:
                errors.append(
                    (
                        f"{here}.changes[{j}].from",
                        _("changes[{first}] already starts in {from_}").format(
                            first=first, from_=change.from_
                        ),
                    )
                )
        dependant = (
            Dependant(item.dependant.relationship, item.dependant.fully_incapacitated)
            if item.dependant is not None
            else None
        )
        result.append(
            Entitlement(
                item.scheme,
                item.start,
                item.monthly_amount,
                item.end,
                tuple(AmountChange(c.from_, c.monthly_amount) for c in item.changes),
                item.contribution_months,
                dependant,
            )
        )
    return result


def _events(
    wire: list[EventIn],
    path: str,
    channels: set[str],
    errors: list[tuple[str, str]],
    *,
    survivor: bool,
) -> list[Event]:
    result: list[Event] = []
    once: dict[str, int] = {}  # a death, an end of the benefit: where each first came
    for k, item in enumerate(wire):
        here = f"{path}.events[{k}]"
        if isinstance(item, DependantEndedIn | ImprisonedIn):
            kind = "dependant_ended" if isinstance(item, DependantEndedIn) else "imprisoned"
            if not survivor:
                errors.append(
                    (
                        f"{here}.type",
                        _(
                            "{kind}: only for a person with a work_injury_survivor entitlement"
                        ).format(kind=kind),
                    )
                )
            if isinstance(item, DependantEndedIn):
                first = _first_seen(once, kind, k)
                if first is not None:
                    errors.append(
                        (
                            here,
                            _("a second end of the benefit (the first: events[{first}])").format(
                                first=first
                            ),
                        )
                    )
                result.append(DependantEnded(item.on, item.reason))
            else:
                errors.extend((f"{here}.{key}", p) for key, p in term_problems(item))
                result.append(Imprisoned(item.from_, item.to))
        elif isinstance(item, CertifiedIn):
            if not is_channel_code(item.channel) or item.channel not in channels:
                errors.append(
                    (
                        f"{here}.channel",
                        _("unknown channel {channel!r} (known: {join})").format(
                            channel=item.channel, join=", ".join(sorted(channels))
                        ),
                    )
                )
            at = item.at
            assert isinstance(at, dt.date)
            result.append(Certified(at, item.channel))
        else:
            death_at = _first_seen(once, "died", k)
            if death_at is not None:
                errors.append(
                    (
                        here,
                        _("a second death (the first is events[{death_at}])").format(
                            death_at=death_at
                        ),
                    )
                )
            errors.extend((f"{here}.{key}", problem) for key, problem in death_problems(item))
            result.append(Died(item.on, item.reported_on))
    return result
