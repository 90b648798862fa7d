"""The facts that happen to a person: a certification (认证), a death (死亡), and for a
dependant (供养亲属) the end of their benefit or a prison term.

Events are plain facts with dates; what they mean for payment is for the rules to decide.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Final

from attrs import frozen

__all__ = [
    "CST",
    "Certified",
    "DependantEnded",
    "Died",
    "EndReason",
    "Event",
    "Imprisoned",
    "cst_date",
]

#: China Standard Time: UTC+8 all year, no daylight saving (C1).
CST: Final = dt.timezone(dt.timedelta(hours=8), "CST")


def cst_date(moment: dt.date | dt.datetime) -> dt.date:
    """C1: the China Standard Time date of a date or a timestamp.

    A timestamp with an offset is converted to CST before its date is taken; a timestamp
    without one is already CST; a date is a CST date.
    """
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is not None and moment.utcoffset() is not None:
            return moment.astimezone(CST).date()
        return moment.date()
    return moment


@frozen
class Certified:
    """A certification attempt that succeeded on a channel (认证成功) at ``at``.

    ``reference`` optionally ties it to an outside record (an attestation, a data-match hit).
    """

    at: dt.date | dt.datetime
    channel: str
    reference: str | None = None

    @property
    def on(self) -> dt.date:
        """The CST date of the certification (C1)."""
        return cst_date(self.at)


@frozen
class Died:
    """A death on ``on``, reported to the agency on ``reported_on`` (死亡申报)."""

    on: dt.date
    reported_on: dt.date


class EndReason(enum.StrEnum):
    """Why a dependant's benefit ends before 18 or death (劳社部令第18号 第四条)."""

    EMPLOYED = "employed"  # 就业
    ENLISTED = "enlisted"  # 参军
    REMARRIED = "remarried"  # 再婚 (a spouse)
    ADOPTED = "adopted"  # 被他人或组织收养

    @property
    def zh(self) -> str:
        return _END_REASON_ZH[self]


_END_REASON_ZH: Final = {
    EndReason.EMPLOYED: "就业",
    EndReason.ENLISTED: "参军",
    EndReason.REMARRIED: "再婚",
    EndReason.ADOPTED: "被收养",
}


@frozen
class DependantEnded:
    """A dependant's benefit (``work_injury_survivor``) ends on ``on`` for ``reason``: it is
    stopped from the month after (C15)."""

    on: dt.date
    reason: EndReason


@frozen
class Imprisoned:
    """A dependant serving a prison sentence (被判刑收监执行) from ``start`` to ``end``
    (``None``: not released yet): their benefit is stopped meanwhile, without back-pay (C15).
    """

    start: dt.date
    end: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` falls within the term."""
        return self.start <= day and (self.end is None or day <= self.end)


Event = Certified | Died | DependantEnded | Imprisoned
