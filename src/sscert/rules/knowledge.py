"""C2, C3, C5: which certifications count, which are rejected, and what is known when.

C5 Knowledge: the calculation is as of a date. Events dated after it — a certification on a
later day, a death reported later — do not exist yet.
C2 Window: a certification counts when its CST date is on or after the window's start; one
before it is rejected (``before_window``). One after the end still counts.
C3 Channels: a certification through a channel the campaign does not accept is rejected
(``channel_not_accepted``; this reason wins when it is also before the window).
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum

from attrs import frozen

from sscert.campaigns.model import Campaign
from sscert.events import Certified, DependantEnded, Died, Event, Imprisoned

__all__ = ["Facts", "Rejection", "counting_from", "known_facts", "rejection_of"]


class Rejection(enum.StrEnum):
    BEFORE_WINDOW = "before_window"
    CHANNEL_NOT_ACCEPTED = "channel_not_accepted"


def counting_from(campaign: Campaign) -> dt.date | None:
    """The first day on which a certification counts for the campaign, if there is one."""
    return campaign.duty.opens


def rejection_of(campaign: Campaign, certification: Certified) -> Rejection | None:
    """Why a certification does not count for the campaign (C3 before C2), or ``None``."""
    if not campaign.accepts_channel(certification.channel):
        return Rejection.CHANNEL_NOT_ACCEPTED
    start = counting_from(campaign)
    if start is not None and certification.on < start:
        return Rejection.BEFORE_WINDOW
    return None


@frozen
class KnownCertification:
    index: int
    event: Certified
    on: dt.date
    rejection: Rejection | None

    @property
    def counts(self) -> bool:
        return self.rejection is None


@frozen
class Facts:
    """What is known about a person at the as-of date (C5)."""

    as_of: dt.date
    certifications: tuple[KnownCertification, ...]
    counting_dates: tuple[dt.date, ...]
    death: Died | None
    death_index: int | None
    #: C15: the end of a dependant's benefit and prison terms known at the as-of date.
    dependant_ended: DependantEnded | None = None
    imprisonments: tuple[Imprisoned, ...] = ()

    @property
    def rejected(self) -> tuple[KnownCertification, ...]:
        return tuple(c for c in self.certifications if not c.counts)

    @property
    def first_counting(self) -> dt.date | None:
        return self.counting_dates[0] if self.counting_dates else None

    def last_counting_on_or_before(self, day: dt.date) -> dt.date | None:
        position = bisect.bisect_right(self.counting_dates, day)
        return self.counting_dates[position - 1] if position else None

    def certified_by(self, day: dt.date) -> bool:
        return bool(self.counting_dates) and self.counting_dates[0] <= day

    def death_known_on(self, day: dt.date) -> bool:
        return self.death is not None and self.death.reported_on <= day


def known_facts(campaign: Campaign, events: tuple[Event, ...], as_of: dt.date) -> Facts:
    """Sort a person's events into what is known at ``as_of``; order of input is irrelevant."""
    certifications: list[KnownCertification] = []
    death: Died | None = None
    death_index: int | None = None
    ended: DependantEnded | None = None
    prison: list[Imprisoned] = []
    for index, event in enumerate(events):
        if isinstance(event, Certified):
            on = event.on
            if on <= as_of:
                certifications.append(
                    KnownCertification(index, event, on, rejection_of(campaign, event))
                )
        elif isinstance(event, Died):
            if event.reported_on <= as_of:
                death, death_index = event, index
        elif isinstance(event, DependantEnded):
            if event.on <= as_of:
                ended = event
        elif event.start <= as_of:
            prison.append(event)
    counting = tuple(sorted(c.on for c in certifications if c.counts))
    return Facts(
        as_of,
        tuple(certifications),
        counting,
        death,
        death_index,
        ended,
        tuple(sorted(prison, key=lambda p: p.start)),
    )
