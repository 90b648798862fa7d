"""Public Hypothesis strategies for systems that embed sscert and property-test their code.

>>> from hypothesis import given
>>> from sscert import strategies as sst
>>> @given(sst.id_numbers())
... def test_my_masking(text): ...

All strategies draw plain values that sscert accepts (or, for ``invalid_*``, refuses).
"""

from __future__ import annotations

import datetime as dt
import string
from decimal import Decimal

from hypothesis import strategies as st

from sscert.campaigns.model import Campaign, Contact, ContactKind, RollingCycle, Window
from sscert.channels import KNOWN_CHANNELS
from sscert.schemes import Scheme
from sscert.values.identity import (
    InvalidIdNumberKind,
    check_character,
)
from sscert.values.money import Money
from sscert.values.months import Month

__all__ = [
    "birth_dates",
    "campaigns",
    "channel_codes",
    "id_numbers",
    "invalid_id_numbers",
    "money",
    "money_texts",
    "months",
    "phone_numbers",
    "region_codes",
    "schemes",
    "windows",
]

LAIYUAN = "130630"


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
    regions = regions or region_codes()
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
        )
    )
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


def money(
    min_value: Decimal | str = "0.01", max_value: Decimal | str = "100000.00"
) -> st.SearchStrategy[Money]:
    """Money amounts between the bounds, in whole cents."""
    low = int(Decimal(min_value) * 100)
    high = int(Decimal(max_value) * 100)
    return st.integers(low, high).map(lambda cents: Money(Decimal(cents) / 100))


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


def schemes() -> st.SearchStrategy[Scheme]:
    return st.sampled_from(list(Scheme))


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
def campaigns(draw: st.DrawFn, rolling: bool | None = None) -> Campaign:
    """Valid campaigns: fixed windows, or rolling cycles when ``rolling`` allows it."""
    is_rolling = draw(st.booleans()) if rolling is None else rolling
    covered = tuple(draw(st.lists(schemes(), unique=True, min_size=1)))
    channels = tuple(draw(st.lists(channel_codes(), unique=True, min_size=1)))
    window = None if is_rolling else draw(windows())
    cycle = (
        RollingCycle(
            draw(st.sampled_from([6, 12])),
            "generated",
            draw(st.dictionaries(st.sampled_from(covered), st.sampled_from([3, 6]), max_size=2)),
            draw(st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31))),
        )
        if is_rolling
        else None
    )
    number = draw(st.integers(0, 9999))
    return Campaign(
        id=f"generated-{number}",
        name=f"Generated campaign {number}",
        window=window,
        cycle=cycle,
        channels=channels,
        schemes=covered,
        payroll_day=draw(st.integers(1, 28)),
        contacts=draw(_contacts(covered)),
        region_code=draw(region_codes()),
        references={"campaign": "generated"},
        source="generated",
    )
