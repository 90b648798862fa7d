"""The campaign (认证工作): one region's certification cycle as data.

A campaign's **duty** (:mod:`sscert.campaigns.duties`) is a fixed window (涞源县社会保险待遇
领取资格认证通知 (2023) 二、认证时间: 2023-02-10 to 2023-03-25), a rolling cycle (人社厅发
〔2018〕54号: at least every N months from the last certification) or calendar periods
(Hebei: each half-year or each calendar year). Every parameter carries a ``reference``; a
campaign may also name the articles of the law register (:mod:`sscert.law`) its rules rest
on.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from attrs import field, frozen

from sscert.campaigns.duties import CalendarPeriods, Duty, Period, RollingCycle, Window
from sscert.campaigns.survivors import SurvivorParameters
from sscert.law import Citation
from sscert.schemes import Scheme
from sscert.values.money import Money

__all__ = [
    "CalendarPeriods",
    "Campaign",
    "Contact",
    "ContactKind",
    "Duty",
    "Period",
    "RollingCycle",
    "Window",
]


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
    duty: Duty
    channels: tuple[str, ...]
    schemes: tuple[Scheme, ...]
    payroll_day: int
    contacts: tuple[Contact, ...] = ()
    region_code: str | None = None
    references: Mapping[str, str] = field(factory=dict)
    source: str = ""
    criminal_threshold: Money | None = None
    citations: Mapping[str, Citation] = field(factory=dict)
    sms_signature: str | None = None
    #: The figures a settlement after a death needs (C16); empty: nothing computed.
    survivor_benefits: SurvivorParameters = field(factory=SurvivorParameters)

    @property
    def window(self) -> Window | None:
        """The duty when it is a fixed window."""
        return self.duty if isinstance(self.duty, Window) else None

    @property
    def cycle(self) -> RollingCycle | None:
        """The duty when it is a rolling cycle."""
        return self.duty if isinstance(self.duty, RollingCycle) else None

    @property
    def periods(self) -> CalendarPeriods | None:
        """The duty when it is calendar periods."""
        return self.duty if isinstance(self.duty, CalendarPeriods) else None

    @property
    def is_rolling(self) -> bool:
        return not isinstance(self.duty, Window)

    @property
    def reference(self) -> str:
        return self.references.get("campaign", "")

    def citation(self, key: str) -> Citation:
        """What the campaign's rule ``key`` rests on (``scope``, ``duty``, ``channels``,
        ``suspension``, ``death_report``, ``criminal_threshold``): the register article the
        campaign names for it, else its own reference text, labelled as a summary."""
        named = self.citations.get(key)
        if named is not None:
            return named
        text = self.references.get(key) or self.references.get("campaign", "")
        return Citation(self.name, key, text, verbatim=False, scope="campaign-data")

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
