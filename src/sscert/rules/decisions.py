"""A decision: what a rule decided, why in words a clerk can read, and its legal source."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, Final

from attrs import frozen

from sscert.law import Citation
from sscert.values.months import Month

__all__ = ["Decision", "Rule"]


class Rule(enum.StrEnum):
    """The calculation rules of DOMAIN §7."""

    C1_TIME = "C1"
    C2_WINDOW = "C2"
    C3_CHANNELS = "C3"
    C4_COVERAGE = "C4"
    C5_KNOWLEDGE = "C5"
    C6_PAYROLL = "C6"
    C7_AMOUNT = "C7"
    C8_SUSPENSION = "C8"
    C9_BACKPAY = "C9"
    C10_DEATH = "C10"
    C11_FRAUD = "C11"
    C12_STATUS = "C12"
    C13_LAW_IN_FORCE = "C13"
    C14_PERIODS = "C14"
    C15_DEPENDANTS = "C15"
    C16_SETTLEMENT = "C16"


@frozen
class Decision:
    """One step of the reasoning behind a person's result."""

    rule: Rule
    reason: str
    citations: tuple[Citation, ...] = ()
    month: Month | None = None
    #: The date of the fact decided (a certification, a payroll day, a death): the
    #: citations are of instruments in force on it (C13).
    on: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": _CODES[self.rule],
            "reason": self.reason,
            "month": str(self.month) if self.month else None,
            "on": self.on.isoformat() if self.on else None,
            "citations": [c.to_dict() for c in self.citations],
        }


#: Each rule's code (an enum's ``value`` is a descriptor: a dictionary is faster).
_CODES: Final[dict[Rule, str]] = {rule: rule.value for rule in Rule}
