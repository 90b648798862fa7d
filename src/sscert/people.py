"""People and their entitlements (待遇): who is paid what, in which scheme, from when."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from attrs import field, frozen

from sscert.events import Event
from sscert.schemes import Scheme
from sscert.values.identity import IdNumber
from sscert.values.money import Money
from sscert.values.months import Month

__all__ = ["AmountChange", "Entitlement", "Person"]


@frozen
class AmountChange:
    """From ``start`` on, the monthly amount is ``amount`` (待遇调整)."""

    start: Month
    amount: Money


def _sorted_changes(changes: Sequence[AmountChange]) -> tuple[AmountChange, ...]:
    return tuple(sorted(changes, key=lambda c: c.start))


@frozen
class Entitlement:
    """One person's monthly benefit in one scheme, with its amount over time (C7).

    ``start`` and ``end`` are the first and last months due (``end`` ``None``: open-ended).
    """

    scheme: Scheme
    start: Month
    amount: Money
    end: Month | None = None
    changes: tuple[AmountChange, ...] = field(default=(), converter=_sorted_changes)
    _change_months: tuple[Month, ...] = field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_change_months", tuple(c.start for c in self.changes))

    def amount_in(self, month: Month) -> Money:
        """C7: the amount in force in ``month``: the last change whose month is ≤ it, else
        the entitlement's own amount."""
        position = bisect.bisect_right(self._change_months, month)
        return self.changes[position - 1].amount if position else self.amount

    def is_active_in(self, month: Month) -> bool:
        return self.start <= month and (self.end is None or month <= self.end)


@frozen
class Person:
    """A benefit recipient: their ID number, entitlements and the facts that happened to them.

    ``repr`` shows the ID number masked, never in full.
    """

    id_number: IdNumber
    entitlements: tuple[Entitlement, ...] = ()
    events: tuple[Event, ...] = ()
    name: str | None = field(default=None, repr=False)
    township: str | None = None
    phone: str | None = field(default=None, repr=False)
    village: str | None = field(default=None, repr=False)
    address: str | None = field(default=None, repr=False)
