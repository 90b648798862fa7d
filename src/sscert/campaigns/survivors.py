"""Survivor-benefit parameters (遗属待遇): the dated, referenced figures a settlement needs
(C16), as campaign (provincial) data.

* ``urban_disposable_income``: the province's previous-year 城镇居民月人均可支配收入, by the year
  of death — the base of the enterprise 丧葬补助金 and 抚恤金 (人社部发〔2021〕18号);
* ``work_injury_average_wage``: the area's previous-year 职工月平均工资, by the year of death —
  the base of the work-injury 丧葬补助金 (工伤保险条例 第三十九条);
* ``local``: a province's own rules for the other schemes (机关事业, 城乡居民, enterprise deaths
  before 2021-09-01): a fixed amount, or a multiple of a base, for deaths in a date range.

A figure that is not given is never guessed: the settlement lists the item as
``not_computed`` and names what is missing.

```toml
[survivor_benefits]
reference = "where these figures come from"
urban_disposable_income = [
  { deaths_in = 2024, monthly = "3622.92", reference = "…统计公报: 2023年 … ÷ 12" },
]
work_injury_average_wage = []

[[survivor_benefits.local]]
scheme = "urban_rural_resident_pension"
item = "funeral_grant"
from = 2020-01-01
amount = "1000.00"              # or: multiple = "10", of = "last_monthly_amount"
reference = "…"
```
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

from attrs import frozen

from sscert.schemes import Scheme
from sscert.values.money import Money

__all__ = ["Base", "Item", "LocalRule", "SurvivorParameters", "YearFigure"]


class Base(enum.StrEnum):
    """What a multiple in a local rule multiplies."""

    URBAN_DISPOSABLE_INCOME = "urban_disposable_income"
    WORK_INJURY_AVERAGE_WAGE = "work_injury_average_wage"
    #: The deceased's own monthly amount in the month of death (of that entitlement).
    LAST_MONTHLY_AMOUNT = "last_monthly_amount"


class Item(enum.StrEnum):
    """A one-off survivor benefit, or one to assess."""

    FUNERAL_GRANT = "funeral_grant"  # 丧葬补助金
    SURVIVOR_PENSION = "survivor_pension"  # 抚恤金 (one-off, enterprise)
    DEPENDANTS_PENSION = "dependants_pension"  # 供养亲属抚恤金 (monthly, to assess)

    @property
    def zh(self) -> str:
        return _ITEM_ZH[self]


_ITEM_ZH = {
    Item.FUNERAL_GRANT: "丧葬补助金",
    Item.SURVIVOR_PENSION: "抚恤金",
    Item.DEPENDANTS_PENSION: "供养亲属抚恤金",
}


@frozen
class YearFigure:
    """A monthly figure that applies to deaths in ``deaths_in`` (the previous year's
    statistic), with where it was published."""

    deaths_in: int
    monthly: Money
    reference: str


@frozen
class LocalRule:
    """A province's rule for one item of one scheme, for deaths from ``start`` (and before
    ``end``): ``amount``, or ``multiple`` × ``of``."""

    scheme: Scheme
    item: Item
    start: dt.date
    reference: str
    end: dt.date | None = None
    amount: Money | None = None
    multiple: Decimal | None = None
    of: Base | None = None

    def applies(self, scheme: Scheme, item: Item, died: dt.date) -> bool:
        return (
            self.scheme is scheme
            and self.item is item
            and self.start <= died
            and (self.end is None or died < self.end)
        )


@frozen
class SurvivorParameters:
    """The survivor-benefit figures of a campaign's province (empty: nothing computed)."""

    urban_disposable_income: tuple[YearFigure, ...] = ()
    work_injury_average_wage: tuple[YearFigure, ...] = ()
    local: tuple[LocalRule, ...] = ()
    reference: str = ""
    #: The campaign that gives the figures (cited as their source).
    source: str = ""

    def figure(self, base: Base, died: dt.date) -> YearFigure | None:
        """The figure of ``base`` for a death on ``died`` (by its year), if given."""
        figures = (
            self.urban_disposable_income
            if base is Base.URBAN_DISPOSABLE_INCOME
            else self.work_injury_average_wage
        )
        return next((f for f in figures if f.deaths_in == died.year), None)

    def local_rule(self, scheme: Scheme, item: Item, died: dt.date) -> LocalRule | None:
        return next((r for r in self.local if r.applies(scheme, item, died)), None)
