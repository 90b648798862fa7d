"""People and their entitlements (待遇): who is paid what, in which scheme, from when."""

from __future__ import annotations

import bisect
import enum
from collections.abc import Sequence
from typing import Final

from attrs import field, frozen

from sscert.events import Event
from sscert.schemes import Scheme
from sscert.values.identity import IdNumber
from sscert.values.money import Money
from sscert.values.months import Month

__all__ = [
    "ADULT_AGE",
    "AGE_LIMITED",
    "UNKNOWN_TOWNSHIP",
    "Account",
    "AmountChange",
    "Dependant",
    "Entitlement",
    "Person",
    "Relationship",
]

#: How lists and reports name the township of a person whose roster gave none.
UNKNOWN_TOWNSHIP: Final = "(未填乡镇)"

#: A child, grandchild or sibling who is not fully incapacitated is a dependant until this
#: age (劳社部令第18号 第四条).
ADULT_AGE: Final = 18


class Relationship(enum.StrEnum):
    """A dependant's relationship to the worker who died (供养亲属, 劳社部令第18号 第二条)."""

    CHILD = "child"  # 子女
    SPOUSE = "spouse"  # 配偶
    PARENT = "parent"  # 父母
    GRANDPARENT = "grandparent"  # 祖父母、外祖父母
    GRANDCHILD = "grandchild"  # 孙子女、外孙子女
    SIBLING = "sibling"  # 兄弟姐妹

    @property
    def zh(self) -> str:
        return _RELATIONSHIP_ZH[self]


_RELATIONSHIP_ZH: Final = {
    Relationship.CHILD: "子女",
    Relationship.SPOUSE: "配偶",
    Relationship.PARENT: "父母",
    Relationship.GRANDPARENT: "祖父母",
    Relationship.GRANDCHILD: "孙子女",
    Relationship.SIBLING: "兄弟姐妹",
}

#: The relationships whose benefit ends at 18 unless fully incapacitated (C15).
AGE_LIMITED: Final = frozenset({Relationship.CHILD, Relationship.GRANDCHILD, Relationship.SIBLING})


@frozen
class Dependant:
    """Who receives a ``work_injury_survivor`` benefit: their relationship to the worker and
    whether they are fully incapacitated (完全丧失劳动能力)."""

    relationship: Relationship
    fully_incapacitated: bool = False

    @property
    def ends_at_adulthood(self) -> bool:
        return self.relationship in AGE_LIMITED and not self.fully_incapacitated


@frozen
class Account:
    """A personal account at death (个人账户): its ``balance`` and the part of it heirs
    inherit (``inheritable``: the balance, unless a province excludes subsidies)."""

    balance: Money
    inheritable: Money

    def __attrs_post_init__(self) -> None:
        if self.inheritable > self.balance:
            raise ValueError("the inheritable part cannot exceed the balance")


@frozen
class AmountChange:
    """From ``start`` on, the monthly amount is ``amount`` (待遇调整)."""

    start: Month
    amount: Money


def _sorted_changes(changes: Sequence[AmountChange]) -> tuple[AmountChange, ...]:
    return tuple(sorted(changes, key=lambda c: c.start)) if changes else ()


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
    #: 缴费年限 including 视同缴费年限, in months (for the survivor benefits of C16).
    contribution_months: int | None = None
    #: For ``work_injury_survivor``: who the dependant is (C15).
    dependant: Dependant | None = None
    _change_months: tuple[Month, ...] = field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        changes = self.changes
        object.__setattr__(
            self, "_change_months", tuple([c.start for c in changes]) if changes else ()
        )

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
    #: The personal account at death, when known (C16).
    account: Account | None = field(default=None, repr=False)
    #: The months of an instalment plan the settlement should propose (C16), if asked.
    instalment_months: int | None = None
