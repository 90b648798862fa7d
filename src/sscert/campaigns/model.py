"""The campaign (认证工作): one region's certification cycle as data.

A campaign is either a fixed **window** (seed 二、认证时间: 2023-02-10 to 2023-03-25) or a
**rolling cycle** (人社厅发〔2018〕54号: certify at least every N months, counted from the
last certification). Every parameter carries a ``reference`` to the seed or the law.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping

from attrs import field, frozen

from sscert.schemes import Scheme
from sscert.values.months import Month

__all__ = ["Campaign", "Contact", "ContactKind", "RollingCycle", "Window"]


@frozen
class Window:
    """The dates in which certification counts (both days included)."""

    start: dt.date
    end: dt.date
    reference: str = ""

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the window ends ({self.end}) before it starts ({self.start})")

    @property
    def start_month(self) -> Month:
        return Month.of(self.start)

    @property
    def end_month(self) -> Month:
        return Month.of(self.end)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


@frozen
class RollingCycle:
    """Certify at least every ``months`` months, counted from the last certification.

    ``by_scheme`` overrides ``months`` for some schemes (Hebei: 城乡居民 and 供养亲属 every
    6 months); a person holding several schemes is held to the shortest cycle.
    ``start`` (optional) is the day from which certifications count for this campaign.
    """

    months: int
    reference: str = ""
    by_scheme: Mapping[Scheme, int] = field(factory=dict)
    start: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        for value in (self.months, *self.by_scheme.values()):
            if not 1 <= value <= 120:
                raise ValueError(f"a cycle is 1 to 120 months, not {value}")

    def months_for(self, schemes: frozenset[Scheme] | set[Scheme]) -> int:
        """The cycle length for a person holding ``schemes``: the shortest that applies."""
        lengths = [self.by_scheme.get(scheme, self.months) for scheme in schemes]
        return min(lengths, default=self.months)


class ContactKind(enum.StrEnum):
    COUNTY = "county"
    TOWNSHIP = "township"


@frozen
class Contact:
    """Who to call (咨询电话): a county enquiry line, or a township office that answers for all
    schemes. ``phone`` is a public service number, shown in full."""

    name: str
    phone: str
    schemes: frozenset[Scheme]
    kind: ContactKind = ContactKind.COUNTY
    township: str | None = None
    office: str | None = None
    reference: str = ""


@frozen
class Campaign:
    """One region's certification campaign, loaded from a TOML file (:func:`load_campaign`)."""

    id: str
    name: str
    window: Window | None
    cycle: RollingCycle | None
    channels: tuple[str, ...]
    schemes: tuple[Scheme, ...]
    payroll_day: int
    contacts: tuple[Contact, ...] = ()
    region_code: str | None = None
    references: Mapping[str, str] = field(factory=dict)
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if (self.window is None) == (self.cycle is None):
            raise ValueError("a campaign has either a window or a rolling cycle, exactly one")

    @property
    def is_rolling(self) -> bool:
        return self.cycle is not None

    @property
    def reference(self) -> str:
        return self.references.get("campaign", "")

    def accepts_channel(self, code: str) -> bool:
        return code in self.channels

    def covers_scheme(self, scheme: Scheme) -> bool:
        return scheme in self.schemes

    @property
    def townships(self) -> tuple[str, ...]:
        return tuple(
            c.township for c in self.contacts if c.kind is ContactKind.TOWNSHIP and c.township
        )

    def hotline_for(self, scheme: Scheme | str) -> Contact:
        """The county enquiry line that answers for ``scheme``.

        Raises ``LookupError`` when the campaign names no county line for it.
        """
        wanted = Scheme(scheme)
        for contact in self.contacts:
            if contact.kind is ContactKind.COUNTY and wanted in contact.schemes:
                return contact
        raise LookupError(f"campaign {self.id} names no county enquiry line for {wanted.value}")

    def township_office(self, township: str) -> Contact | None:
        """The township office contact for ``township`` (spaces ignored), if any."""
        wanted = "".join(township.split())
        for contact in self.contacts:
            if contact.kind is ContactKind.TOWNSHIP and contact.township == wanted:
                return contact
        return None
