"""The facts that happen to a person: a certification (认证) and a death (死亡).

Events are plain facts with dates; what they mean for payment is for the rules to decide.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from attrs import frozen

__all__ = ["CST", "Certified", "Died", "Event", "cst_date"]

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


Event = Certified | Died
