"""Public Hypothesis strategies for systems that embed sscert and property-test their code.

>>> from hypothesis import given
>>> from sscert import strategies as sst
>>> @given(sst.id_numbers())
... def test_my_masking(text): ...

All strategies draw plain values that sscert accepts (or, for ``invalid_*``, refuses).
"""

from __future__ import annotations

import datetime as dt
import functools
import string
from decimal import Decimal

from hypothesis import strategies as st

from sscert.campaigns.model import (
    CalendarPeriods,
    Campaign,
    Contact,
    ContactKind,
    Duty,
    Period,
    RollingCycle,
    Window,
)
from sscert.channels import KNOWN_CHANNELS
from sscert.schemes import Scheme
from sscert.values.identity import IdNumber, InvalidIdNumberKind, check_character
from sscert.values.money import Money
from sscert.values.months import Month

__all__ = [
    "account_dicts",
    "birth_dates",
    "campaigns",
    "cases",
    "certification_events",
    "channel_codes",
    "death_events",
    "dependant_dicts",
    "dependant_events",
    "duties",
    "entitlement_dicts",
    "id_numbers",
    "invalid_id_numbers",
    "money",
    "money_texts",
    "months",
    "periods",
    "person_dicts",
    "phone_numbers",
    "region_codes",
    "schemes",
    "windows",
]

LAIYUAN = "130630"
DUTY_KINDS = ("window", "rolling", "periods")


@functools.cache
def region_codes() -> st.SearchStrategy[str]:
    """Six-digit region codes: mostly real-looking (province 11-82), sometimes Laiyuan."""
    return st.one_of(
        st.just(LAIYUAN),
        st.builds(
            lambda p, rest: f"{p:02d}{rest:04d}",
            st.integers(11, 82),
            st.integers(0, 9999),
        ),
    )


def birth_dates(
    min_value: dt.date = dt.date(1900, 1, 1), max_value: dt.date = dt.date(2025, 12, 31)
) -> st.SearchStrategy[dt.date]:
    """Real calendar dates to be born on (18-digit numbers)."""
    return st.dates(min_value=min_value, max_value=max_value)


def _id18(region: str, birth: dt.date, sequence: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def id_numbers(
    form: str = "18",
    *,
    regions: st.SearchStrategy[str] | None = None,
    lowercase_x: bool = False,
) -> st.SearchStrategy[str]:
    """Valid ID number texts.

    ``form``: ``"18"`` (current numbers), ``"15"`` (old numbers, born 1900-1999) or
    ``"any"`` (either). With ``lowercase_x`` a trailing ``X`` may be written ``x``.
    """
    regions = regions if regions is not None else region_codes()
    eighteen = st.builds(_id18, regions, birth_dates(), st.integers(0, 999))
    if lowercase_x:
        eighteen = eighteen.flatmap(
            lambda t: (
                st.sampled_from([t, t[:17] + t[17].lower()]) if t.endswith("X") else st.just(t)
            )
        )
    fifteen = st.builds(
        lambda region, birth, seq: f"{region}{birth:%y%m%d}{seq:03d}",
        regions,
        birth_dates(dt.date(1900, 1, 1), dt.date(1999, 12, 31)),
        st.integers(0, 999),
    )
    if form == "18":
        return eighteen
    if form == "15":
        return fifteen
    if form == "any":
        return st.one_of(eighteen, fifteen)
    raise ValueError(f"form must be '18', '15' or 'any', not {form!r}")


def _bad_length(draw: st.DrawFn) -> str:
    length = draw(st.integers(0, 30).filter(lambda n: n not in (15, 18)))
    return draw(st.text(string.digits, min_size=length, max_size=length))


def _bad_characters(draw: st.DrawFn) -> str:
    valid = draw(id_numbers("18"))
    position = draw(st.integers(0, 17))
    bad = draw(st.sampled_from("ABCYZ-*/#.中" if position < 17 else "ABYZ*-中"))
    return valid[:position] + bad + valid[position + 1 :]


def _bad_birth_date(draw: st.DrawFn) -> str:
    region = draw(region_codes())
    year = draw(st.integers(1900, 2025))
    month, day = draw(
        st.one_of(
            st.tuples(st.sampled_from([0, 13, 19, 99]), st.integers(1, 28)),
            st.tuples(st.integers(1, 12), st.sampled_from([0, 32, 45, 99])),
            st.just((2, 30)),
            st.just((4, 31)),
            st.just((2, 29)),
            st.tuples(st.integers(1, 12), st.integers(1, 28)),
        )
    )
    if (month, day) == (2, 29):  # in a year that is not a leap year
        year = draw(st.sampled_from([1900, 1999, 2019, 2023, 2100]))
    elif 1 <= month <= 12 and 1 <= day <= 28:  # a real day, before the first year counted
        year = draw(st.integers(1000, 1799))
    first17 = f"{region}{year:04d}{month:02d}{day:02d}{draw(st.integers(0, 999)):03d}"
    return first17 + check_character(first17)


def _bad_check(draw: st.DrawFn) -> str:
    valid = draw(id_numbers("18"))
    wrong = draw(st.sampled_from([c for c in "0123456789X" if c != valid[17]]))
    return valid[:17] + wrong


_INVALID = {
    InvalidIdNumberKind.LENGTH: _bad_length,
    InvalidIdNumberKind.CHARACTERS: _bad_characters,
    InvalidIdNumberKind.BIRTH_DATE: _bad_birth_date,
    InvalidIdNumberKind.CHECK_CHARACTER: _bad_check,
}


def invalid_id_numbers(
    kind: InvalidIdNumberKind | str | None = None,
) -> st.SearchStrategy[tuple[str, InvalidIdNumberKind]]:
    """``(text, kind)`` pairs where ``text`` is refused by ``IdNumber.parse`` for ``kind``:
    ``length``, ``characters``, ``birth_date`` or ``check_character`` (any when ``None``)."""
    kinds = [InvalidIdNumberKind(kind)] if kind is not None else list(_INVALID)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[str, InvalidIdNumberKind]:
        chosen = draw(st.sampled_from(kinds))
        return _INVALID[chosen](draw), chosen

    return build()


@functools.cache
def money(
    min_value: Decimal | str = "0.01", max_value: Decimal | str = "100000.00"
) -> st.SearchStrategy[Money]:
    """Money amounts between the bounds, in whole cents."""
    low = int(Decimal(min_value) * 100)
    high = int(Decimal(max_value) * 100)
    return st.integers(low, high).map(lambda cents: Money(Decimal(cents) / 100))


@functools.cache
def money_texts(
    min_value: Decimal | str = "0.01", max_value: Decimal | str = "100000.00"
) -> st.SearchStrategy[str]:
    """Amount strings as the JSON contract takes them: at most 2 decimals (``"2856.4"``,
    ``"158"``, ``"2950.10"``)."""

    def render(amount: Money, style: int) -> str:
        text = str(amount)
        if style == 1 and text.endswith("0"):
            return text[:-1]
        if style == 2 and text.endswith(".00"):
            return text[:-3]
        return text

    return st.builds(render, money(min_value, max_value), st.integers(0, 2))


@functools.cache
def months(
    min_value: Month = Month(1990, 1), max_value: Month = Month(2040, 12)
) -> st.SearchStrategy[Month]:
    """Months between the bounds (both included)."""
    return st.integers(min_value.index, max_value.index).map(Month.from_index)


def phone_numbers() -> st.SearchStrategy[str]:
    """Valid mainland mobile numbers, sometimes with ``+86``."""
    return st.builds(
        lambda prefix, second, rest: f"{prefix}1{second}{rest:09d}",
        st.sampled_from(["", "+86"]),
        st.integers(3, 9),
        st.integers(0, 999_999_999),
    )


@functools.cache
def schemes() -> st.SearchStrategy[Scheme]:
    return st.sampled_from(list(Scheme))


@functools.cache
def channel_codes() -> st.SearchStrategy[str]:
    """The channel codes the domain knows (DOMAIN §4)."""
    return st.sampled_from(sorted(KNOWN_CHANNELS))


def windows(
    min_start: dt.date = dt.date(2020, 1, 1), max_start: dt.date = dt.date(2030, 12, 31)
) -> st.SearchStrategy[Window]:
    return st.builds(
        lambda start, days: Window(start, start + dt.timedelta(days=days), "generated"),
        st.dates(min_start, max_start),
        st.integers(0, 120),
    )


_TOWNSHIPS = ("涞源镇", "泉坊镇", "王安镇", "塔崖驿乡", "银坊镇", "上庄乡")


@st.composite
def _contacts(draw: st.DrawFn, covered: tuple[Scheme, ...]) -> tuple[Contact, ...]:
    county = Contact(
        "县认证咨询电话",
        f"0312-{draw(st.integers(1_000_000, 9_999_999))}",
        frozenset(covered),
        ContactKind.COUNTY,
        reference="generated",
    )
    townships = draw(st.lists(st.sampled_from(_TOWNSHIPS), unique=True, max_size=4))
    offices = tuple(
        Contact(
            name,
            f"0312-{draw(st.integers(1_000_000, 9_999_999))}",
            frozenset(covered),
            ContactKind.TOWNSHIP,
            name,
            name + "劳动保障事务所",
            "generated",
        )
        for name in townships
    )
    return (county, *offices)


@st.composite
def periods(draw: st.DrawFn) -> Period:
    """A scheme's calendar period: 6 or 12 months, with or without a maximum interval."""
    return Period(draw(st.sampled_from([6, 12])), draw(st.none() | st.sampled_from([6, 12])))


@st.composite
def duties(
    draw: st.DrawFn, covered: tuple[Scheme, ...], kinds: tuple[str, ...] = DUTY_KINDS
) -> Duty:
    """A duty of one of ``kinds``: a fixed window, a rolling cycle or calendar periods."""
    kind = draw(st.sampled_from(kinds))
    if kind == "window":
        return draw(windows())
    if kind == "rolling":
        return RollingCycle(
            draw(st.sampled_from([6, 12])),
            "generated",
            draw(st.dictionaries(st.sampled_from(covered), st.sampled_from([3, 6]), max_size=2)),
            draw(st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))),
        )
    return CalendarPeriods(
        draw(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))),
        draw(periods()),
        draw(st.dictionaries(st.sampled_from(covered), periods(), max_size=2)),
        "generated",
    )


@st.composite
def campaigns(
    draw: st.DrawFn, rolling: bool | None = None, kinds: tuple[str, ...] | None = None
) -> Campaign:
    """Valid campaigns. ``kinds`` limits the duty to some of ``window``, ``rolling`` and
    ``periods``; ``rolling`` (older form) picks a fixed window (``False``) or a rolling
    cycle (``True``)."""
    if kinds is None:
        kinds = DUTY_KINDS if rolling is None else (("rolling",) if rolling else ("window",))
    covered = tuple(draw(st.lists(schemes(), unique=True, min_size=1)))
    channels = tuple(draw(st.lists(channel_codes(), unique=True, min_size=1)))
    duty = draw(duties(covered, kinds))
    number = draw(st.integers(0, 9999))
    return Campaign(
        id=f"generated-{number}",
        name=f"Generated campaign {number}",
        duty=duty,
        channels=channels,
        schemes=covered,
        payroll_day=draw(st.integers(1, 28)),
        contacts=draw(_contacts(covered)),
        region_code=draw(region_codes()),
        references={"campaign": "generated"},
        source="generated",
    )


# --- calculation cases ---------------------------------------------------------------------

_OFFSETS = ("+08:00", "Z", "+00:00", "-05:00", "+09:00")


@st.composite
def certification_events(
    draw: st.DrawFn,
    min_day: dt.date = dt.date(2022, 12, 1),
    max_day: dt.date = dt.date(2024, 6, 30),
    channels: st.SearchStrategy[str] | None = None,
) -> dict[str, str]:
    """A ``certified`` event as the calculation contract takes it: a date, a naive
    date-time (CST) or a date-time with an offset (C1), on any known channel."""
    day = draw(st.dates(min_day, max_day))
    form = draw(st.sampled_from(["date", "naive", "offset"]))
    if form == "date":
        at = day.isoformat()
    else:
        moment = dt.datetime.combine(
            day, dt.time(draw(st.integers(0, 23)), draw(st.integers(0, 59)))
        )
        at = moment.isoformat(timespec="minutes" if draw(st.booleans()) else "seconds")
        if form == "offset":
            at += draw(st.sampled_from(_OFFSETS))
    channel = draw(channels if channels is not None else channel_codes())
    return {"type": "certified", "at": at, "channel": channel}


@st.composite
def death_events(
    draw: st.DrawFn,
    min_day: dt.date = dt.date(2022, 12, 1),
    max_day: dt.date = dt.date(2024, 6, 30),
) -> dict[str, str]:
    """A ``died`` event; reported on the day or up to about eight months later."""
    on = draw(st.dates(min_day, max_day))
    reported = on + dt.timedelta(days=draw(st.integers(0, 240)))
    return {"type": "died", "on": on.isoformat(), "reported_on": reported.isoformat()}


@st.composite
def entitlement_dicts(
    draw: st.DrawFn,
    scheme: Scheme,
    min_start: Month = Month(2000, 1),
    max_start: Month = Month(2024, 3),
    typical_before: Month = Month(2023, 3),
) -> dict[str, object]:
    """One entitlement in the contract's shape, sometimes ended, sometimes with changes.

    Most start before ``typical_before`` (so the person is covered by a 2023 window); one in
    five starts anywhere up to ``max_start``.
    """
    if draw(st.integers(0, 4)) and typical_before > min_start:
        start = draw(months(min_start, min(typical_before, max_start)))
    else:
        start = draw(months(min_start, max_start))
    entitlement: dict[str, object] = {
        "scheme": scheme.value,
        "start": str(start),
        "monthly_amount": draw(money_texts("1.00", "9999.99")),
    }
    if draw(st.integers(0, 3)) == 0:
        entitlement["end"] = str(start + draw(st.integers(0, 40)))
    change_months = draw(st.lists(months(start, start + 60), unique=True, max_size=3))
    if change_months:
        entitlement["changes"] = [
            {"from": str(m), "monthly_amount": draw(money_texts("1.00", "9999.99"))}
            for m in change_months
        ]
    if draw(st.booleans()):
        entitlement["contribution_months"] = draw(st.integers(0, 540))
    if scheme is Scheme.WORK_INJURY_SURVIVOR and draw(st.integers(0, 3)):
        entitlement["dependant"] = draw(dependant_dicts())
    return entitlement


RELATIONSHIPS: tuple[str, ...] = (
    "child",
    "spouse",
    "parent",
    "grandparent",
    "grandchild",
    "sibling",
)
END_REASONS: tuple[str, ...] = ("employed", "enlisted", "remarried", "adopted")


@st.composite
def dependant_dicts(draw: st.DrawFn) -> dict[str, object]:
    """Who receives a ``work_injury_survivor`` benefit (C15): mostly children, who stop at
    18 unless fully incapacitated."""
    relationship = draw(st.sampled_from(("child", "child", *RELATIONSHIPS)))
    return {"relationship": relationship, "fully_incapacitated": draw(st.integers(0, 4)) == 0}


@st.composite
def dependant_events(
    draw: st.DrawFn,
    min_day: dt.date = dt.date(2022, 12, 1),
    max_day: dt.date = dt.date(2024, 6, 30),
) -> list[dict[str, str]]:
    """C15 events of a dependant: perhaps an end of the benefit, 0-2 prison terms."""
    events: list[dict[str, str]] = []
    if draw(st.integers(0, 2)) == 0:
        events.append(
            {
                "type": "dependant_ended",
                "on": draw(st.dates(min_day, max_day)).isoformat(),
                "reason": draw(st.sampled_from(END_REASONS)),
            }
        )
    for _ in range(draw(st.sampled_from([0, 0, 1, 2]))):
        start = draw(st.dates(min_day, max_day))
        term: dict[str, str] = {"type": "imprisoned", "from": start.isoformat()}
        if draw(st.integers(0, 3)):
            term["to"] = (start + dt.timedelta(days=draw(st.integers(0, 400)))).isoformat()
        events.append(term)
    return events


@st.composite
def account_dicts(draw: st.DrawFn) -> dict[str, str]:
    """A personal account at death: a balance and, sometimes, a smaller inheritable share."""
    balance = draw(money("0.00", "200000.00"))
    account = {"balance": str(balance)}
    if draw(st.booleans()):
        account["inheritable_share"] = str(draw(money("0.00", str(balance))))
    return account


@st.composite
def person_dicts(
    draw: st.DrawFn,
    min_day: dt.date = dt.date(2022, 12, 1),
    max_day: dt.date = dt.date(2024, 6, 30),
) -> dict[str, object]:
    """A person in the contract's shape: 0-3 entitlements, 0-4 certification attempts on
    any channel (some rejected), perhaps a death; events in any order."""
    held = draw(
        st.lists(schemes(), unique=True, min_size=draw(st.sampled_from([0, 1, 1, 1])), max_size=3)
    )
    events: list[dict[str, str]] = draw(
        st.lists(certification_events(min_day, max_day), max_size=4)
    )
    if draw(st.integers(0, 2)) == 0:
        events.append(draw(death_events(min_day, max_day)))
    entitlements = [draw(entitlement_dicts(s)) for s in held]
    id_number = draw(id_numbers("any", regions=st.just(LAIYUAN)))
    if Scheme.WORK_INJURY_SURVIVOR in held:
        events += draw(dependant_events(min_day, max_day))
        if draw(st.booleans()):  # a dependant who turns 18 around the campaign
            adult = draw(st.dates(min_day - dt.timedelta(days=400), max_day))
            birth = dt.date(adult.year - 18, adult.month, min(adult.day, 28))
            id_number = _id18(LAIYUAN, birth, draw(st.integers(0, 999)))
    events = draw(st.permutations(events)) if events else events
    person: dict[str, object] = {
        "id_number": id_number,
        "entitlements": entitlements,
        "events": events,
    }
    if draw(st.booleans()):
        person["township"] = draw(st.sampled_from(_TOWNSHIPS))
    if draw(st.integers(0, 2)) == 0:
        person["account"] = draw(account_dicts())
    if draw(st.integers(0, 3)) == 0:
        person["instalment_months"] = draw(st.integers(1, 24))
    return person


def _normalised(text: str) -> str:
    return IdNumber.parse(text).value


@st.composite
def cases(
    draw: st.DrawFn,
    campaign: str | Campaign = "laiyuan-2023",
    *,
    min_people: int = 1,
    max_people: int = 3,
    min_day: dt.date = dt.date(2022, 12, 1),
    max_day: dt.date = dt.date(2024, 6, 30),
    typical_as_of_from: dt.date = dt.date(2023, 2, 10),
) -> dict[str, object]:
    """Whole cases for ``sscert.calculate``: valid input, as-of dates before, in and after
    the window, deaths reported early and late, rejected and late certifications.

    ``campaign`` is a bundled id, or a :class:`~sscert.Campaign` the caller will pass to
    ``calculate(case, campaigns=[campaign])``."""
    people = draw(
        st.lists(
            person_dicts(min_day, max_day),
            min_size=min_people,
            max_size=max_people,
            unique_by=lambda p: _normalised(str(p["id_number"])),
        )
    )
    case: dict[str, object] = {
        "campaign": campaign if isinstance(campaign, str) else campaign.id,
        "as_of": draw(
            st.dates(min_day, max_day)
            if draw(st.integers(0, 5)) == 0 or max_day <= typical_as_of_from
            else st.dates(max(min_day, typical_as_of_from), max_day)
        ).isoformat(),
        "people": people,
    }
    if draw(st.integers(0, 3)) == 0:
        case["from"] = str(draw(months(Month.of(min_day), Month.of(max_day))))
    return case
