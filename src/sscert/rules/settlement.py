"""C16 After a death: the settlement (死亡待遇结算), for a person whose death is known at the
as-of date (DOMAIN §8).

* ``arrears``: months up to the death month that had been withheld — paid to the heirs in
  the run that learnt of the death (``paid``), or still withheld (``unpaid``).
* ``overpaid``: C10's overpayment (months after the death month paid before it was known).
* ``survivor_benefits``: the one-off amounts for the survivors, per scheme and date of death,
  from the campaign's dated parameters (:mod:`sscert.campaigns.survivors`); a missing
  parameter makes the item ``not_computed``, naming what is missing — never a guess.

  - ``enterprise_pension``, death on or after 2021-09-01 (人社部发〔2021〕18号): 丧葬补助金 =
    2 × B; 抚恤金 = B × N, B the province's previous-year 城镇居民月人均可支配收入, N from the
    contribution years C: C < 5 → 3; 5 ≤ C < 10 → 6; 10 ≤ C ≤ 15 → 9; C > 15 → 9 + (min(C,
    30) − 15); minus the years the pension was received (to the month, from the
    entitlement's start month to the death month), not below 9. Rounded half up to the fen
    once, at the end.
  - ``work_injury_periodic`` (工伤保险条例 第三十九条第三款): 丧葬补助金 = 6 × the area's
    previous-year average monthly wage; 供养亲属抚恤金 is a monthly benefit to assess (it
    needs the dependants and the worker's 本人工资).
  - other schemes, and enterprise deaths before 2021-09-01: the province's rules, when the
    campaign gives them.
  - only one 丧葬补助金 is paid (社会保险法 第四十九条第二款): the largest.
* ``account_balance``: the personal account at death and its inheritable part (第十四条).
* ``offsets``: the overpayment set off against what is still owed to the heirs — first
  unpaid arrears, then survivor benefits, then the inheritable balance (经办条例 第四十六条
  for deaths from 2023-12-01; before, the agency's practice of recovery); what remains is
  ``to_repay``, which may be split into an instalment plan of n months (equal instalments in
  fen, the remainder in the first).
* ``net_to_heirs`` = unpaid arrears + survivor benefits + inheritable balance − offsets.

Invariants: unpaid arrears + survivor benefits + inheritable balance = net to heirs +
offsets; offsets + to_repay = overpaid. Every decision cites what was in force on the date
of death.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

import attrs
from attrs import frozen

from sscert.campaigns.model import Campaign
from sscert.campaigns.survivors import Base, Item, LocalRule, SurvivorParameters
from sscert.events import Died
from sscert.law import Citation, cite
from sscert.people import Account, Entitlement, Person
from sscert.rules import citations
from sscert.rules.decisions import Decision, Rule
from sscert.rules.payroll import MonthOutcome, Outcome
from sscert.schemes import Scheme
from sscert.values.money import Money
from sscert.values.months import Month

__all__ = [
    "Against",
    "Instalment",
    "Offset",
    "Settlement",
    "SurvivorBenefit",
    "instalment_plan",
    "missing_text",
    "pension_months",
    "settle",
]

ZERO: Final = Money(0)
#: 人社部发〔2021〕18号 applies to deaths from this day.
SURVIVOR_RULES_FROM: Final = dt.date(2021, 9, 1)


class Against(enum.StrEnum):
    """What an overpayment is set off against, in this order."""

    ARREARS = "arrears"
    SURVIVOR_BENEFITS = "survivor_benefits"
    ACCOUNT_BALANCE = "account_balance"


@frozen
class SurvivorBenefit:
    """One survivor benefit of one scheme: its amount, or why it is not computed."""

    scheme: Scheme
    item: Item
    #: ``computed``, ``not_computed`` or ``to_assess``.
    status: str
    amount: Money | None
    #: Whether it counts towards what the heirs receive (one 丧葬补助金 only).
    counted: bool
    basis: str
    missing: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    basis_zh: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme.value,
            "item": self.item.value,
            "name": self.item.zh,
            "status": self.status,
            "amount": str(self.amount) if self.amount is not None else None,
            "counted": self.counted,
            "basis": self.basis,
            "basis_zh": self.basis_zh,
            "missing": list(self.missing),
            "citations": [c.to_dict() for c in self.citations],
        }


@frozen
class Offset:
    against: Against
    amount: Money

    def to_dict(self) -> dict[str, str]:
        return {"against": self.against.value, "amount": str(self.amount)}


@frozen
class Instalment:
    number: int
    month: Month
    amount: Money

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "month": str(self.month), "amount": str(self.amount)}


@frozen
class Settlement:
    """What is owed each way after a death, and why."""

    died_on: dt.date
    reported_on: dt.date
    arrears_paid: Money
    arrears_unpaid: Money
    arrears_paid_months: tuple[Month, ...]
    arrears_unpaid_months: tuple[Month, ...]
    overpaid: Money
    survivor_benefits: tuple[SurvivorBenefit, ...]
    account: Account | None
    offsets: tuple[Offset, ...]
    to_repay: Money
    instalments: tuple[Instalment, ...] | None
    net_to_heirs: Money
    decisions: tuple[Decision, ...]

    @property
    def survivor_total(self) -> Money:
        """The survivor benefits the heirs receive (counted, computed)."""
        return Money.sum(
            b.amount for b in self.survivor_benefits if b.counted and b.amount is not None
        )

    @property
    def inheritable(self) -> Money:
        return self.account.inheritable if self.account is not None else ZERO

    @property
    def offset_total(self) -> Money:
        return Money.sum(o.amount for o in self.offsets)

    @property
    def not_computed(self) -> tuple[SurvivorBenefit, ...]:
        return tuple(b for b in self.survivor_benefits if b.status == "not_computed")

    def to_dict(self) -> dict[str, Any]:
        return {
            "died_on": self.died_on.isoformat(),
            "reported_on": self.reported_on.isoformat(),
            "arrears": {
                "paid": str(self.arrears_paid),
                "unpaid": str(self.arrears_unpaid),
                "paid_months": [str(m) for m in self.arrears_paid_months],
                "unpaid_months": [str(m) for m in self.arrears_unpaid_months],
            },
            "overpaid": str(self.overpaid),
            "survivor_benefits": [b.to_dict() for b in self.survivor_benefits],
            "survivor_benefits_total": str(self.survivor_total),
            "account_balance": None
            if self.account is None
            else {
                "balance": str(self.account.balance),
                "inheritable": str(self.account.inheritable),
            },
            "offsets": [o.to_dict() for o in self.offsets],
            "to_repay": str(self.to_repay),
            "instalments": None
            if self.instalments is None
            else [i.to_dict() for i in self.instalments],
            "net_to_heirs": str(self.net_to_heirs),
            "decisions": [d.to_dict() for d in self.decisions],
        }


# --- survivor benefits ---------------------------------------------------------------------


def pension_months(contribution_months: int, received_months: int) -> Fraction:
    """N, the months of 抚恤金 (人社部发〔2021〕18号): from the contribution years C (to the
    month, 视同缴费年限 included), minus the years the pension was received, not below 9.

    >>> pension_months(28 * 12 + 9, 3 * 12 + 6)
    Fraction(77, 4)
    """
    years = Fraction(contribution_months, 12)
    if years < 5:
        base = Fraction(3)
    elif years < 10:
        base = Fraction(6)
    elif years <= 15:
        base = Fraction(9)
    else:
        base = 9 + (min(years, Fraction(30)) - 15)
    return max(base - Fraction(received_months, 12), Fraction(9))


def _times(amount: Money, factor: Fraction | Decimal | int) -> Money:
    """``amount`` × ``factor``, rounded half up to the fen once (exact arithmetic)."""
    exact = Fraction(amount.amount) * Fraction(factor)
    fen = exact * 100
    rounded = (2 * fen.numerator + fen.denominator) // (2 * fen.denominator)
    return Money(Decimal(rounded) / 100)


def _months_text(value: Fraction) -> str:
    shown = Decimal(value.numerator) / Decimal(value.denominator)
    exact = shown.quantize(Decimal("0.0001"))
    return f"{exact.normalize():f}" if exact == shown else f"≈{exact.normalize():f}"


def _data(params: SurvivorParameters, key: str, text: str) -> tuple[Citation, ...]:
    """A campaign figure's own reference, labelled as the campaign's data."""
    return (Citation(params.source, key, text, verbatim=False, scope="campaign-data"),)


def _law(instrument: str, key: str, on: dt.date) -> tuple[Citation, ...]:
    found = cite(instrument, key, on)
    return (found,) if found is not None else ()


_BASE_ZH: Final = {
    Base.URBAN_DISPOSABLE_INCOME: "上一年度全省城镇居民月人均可支配收入",
    Base.WORK_INJURY_AVERAGE_WAGE: "统筹地区上年度职工月平均工资",
    Base.LAST_MONTHLY_AMOUNT: "本人死亡当月待遇",
}


def _benefit(
    entitlement: Entitlement,
    item: Item,
    amount: Money | None,
    basis: tuple[str, str],
    *,
    missing: tuple[str, ...] = (),
    citations: tuple[Citation, ...] = (),
    status: str | None = None,
) -> SurvivorBenefit:
    """A survivor benefit: computed when it has an amount, else not computed (or ``status``);
    ``basis`` in English and in Chinese."""
    chosen = status or ("computed" if amount is not None else "not_computed")
    return SurvivorBenefit(
        entitlement.scheme,
        item,
        chosen,
        amount,
        amount is not None,
        basis[0],
        missing,
        citations,
        basis[1],
    )


def _local(
    rule: LocalRule,
    params: SurvivorParameters,
    entitlement: Entitlement,
    died: dt.date,
) -> SurvivorBenefit:
    cited = _data(params, rule.item.zh, rule.reference)
    if rule.amount is not None:
        basis = (f"{rule.amount} (the province's rule)", f"{rule.amount}元（本省规定）")
        return _benefit(entitlement, rule.item, rule.amount, basis, citations=cited)
    assert rule.multiple is not None
    assert rule.of is not None
    if rule.of is Base.LAST_MONTHLY_AMOUNT:
        base = entitlement.amount_in(Month.of(died))
    else:
        figure = params.figure(rule.of, died)
        if figure is None:
            basis = (
                f"{rule.multiple} × {rule.of.value} (the province's rule)",
                f"{rule.multiple} × {_BASE_ZH[rule.of]}（本省规定）",
            )
            return _benefit(
                entitlement,
                rule.item,
                None,
                basis,
                missing=(f"{rule.of.value}/{died.year}",),
                citations=cited,
            )
        base = figure.monthly
        cited += _data(params, rule.of.value, figure.reference)
    basis = (
        f"{rule.multiple} × {rule.of.value} {base} (the province's rule)",
        f"{rule.multiple} × {_BASE_ZH[rule.of]} {base}元（本省规定）",
    )
    return _benefit(entitlement, rule.item, _times(base, rule.multiple), basis, citations=cited)


def _provincial(
    entitlement: Entitlement, item: Item, params: SurvivorParameters, died: dt.date
) -> SurvivorBenefit:
    rule = params.local_rule(entitlement.scheme, item, died)
    if rule is not None:
        return _local(rule, params, entitlement, died)
    return _benefit(
        entitlement,
        item,
        None,
        ("by the province's rules", "按本省规定"),
        missing=("provincial_rule",),
        citations=_law("social-insurance-law", "第十七条", died)
        if entitlement.scheme is not Scheme.WORK_INJURY_SURVIVOR
        else (),
    )


#: How a funeral grant's base is named: not computed, computed (English), and in Chinese.
_GRANT_BASE: Final = {
    Base.URBAN_DISPOSABLE_INCOME: (
        "B, B the province's previous-year 城镇居民月人均可支配收入",
        "城镇居民月人均可支配收入",
        "上一年度全省城镇居民月人均可支配收入",
    ),
    Base.WORK_INJURY_AVERAGE_WAGE: (
        "the area's previous-year average monthly wage",
        "the area's average monthly wage",
        "统筹地区上年度职工月平均工资",
    ),
}


def _funeral_grant(
    entitlement: Entitlement,
    multiple: int,
    base: Base,
    *,
    params: SurvivorParameters,
    died: dt.date,
    cited: tuple[Citation, ...],
) -> SurvivorBenefit:
    """A national 丧葬补助金: ``multiple`` × the dated figure ``base`` for the year of
    death, or not computed when the campaign gives no such figure."""
    missing_en, computed_en, zh = _GRANT_BASE[base]
    figure = params.figure(base, died)
    if figure is None:
        return _benefit(
            entitlement,
            Item.FUNERAL_GRANT,
            None,
            (f"{multiple} × {missing_en}", f"{multiple} × {zh}"),
            missing=(f"{base.value}/{died.year}",),
            citations=cited,
        )
    return _benefit(
        entitlement,
        Item.FUNERAL_GRANT,
        _times(figure.monthly, multiple),
        (
            f"{multiple} × {figure.monthly} ({computed_en} for deaths in {died.year})",
            f"{multiple} × {figure.monthly}元（{died.year}年死亡适用的{zh}）",
        ),
        citations=cited + _data(params, base.value, figure.reference),
    )


def _enterprise(
    entitlement: Entitlement, params: SurvivorParameters, died: dt.date
) -> list[SurvivorBenefit]:
    cited = _law("survivor-benefits-2021", "丧葬补助金和抚恤金", died) + _law(
        "social-insurance-law", "第十七条", died
    )
    funeral = _funeral_grant(
        entitlement, 2, Base.URBAN_DISPOSABLE_INCOME, params=params, died=died, cited=cited
    )
    figure = params.figure(Base.URBAN_DISPOSABLE_INCOME, died)
    missing = funeral.missing
    if figure is not None:
        cited += _data(params, Base.URBAN_DISPOSABLE_INCOME.value, figure.reference)
    received = max(Month.of(died) - entitlement.start + 1, 0)
    contributed = entitlement.contribution_months
    if contributed is None or figure is None:
        pension = _benefit(
            entitlement,
            Item.SURVIVOR_PENSION,
            None,
            (
                "B × N, N months from the contribution years less the years received, at least 9",
                "城镇居民月人均可支配收入 × 按缴费年限确定的月数（退休人员扣减已领取养老金的年限，"
                "不少于9个月）",
            ),
            missing=missing + (("contribution_months",) if contributed is None else ()),
            citations=cited,
        )
    else:
        months = pension_months(contributed, received)
        shown = _months_text(months)
        pension = _benefit(
            entitlement,
            Item.SURVIVOR_PENSION,
            _times(figure.monthly, months),
            (
                f"{figure.monthly} × {shown} months (contributions {contributed // 12} years "
                f"{contributed % 12} months, pension received {received // 12} years "
                f"{received % 12} months)",
                f"{figure.monthly}元 × {shown}个月（缴费{contributed // 12}年"
                f"{contributed % 12}个月，已领取养老金{received // 12}年{received % 12}个月）",
            ),
            citations=cited,
        )
    return [funeral, pension]


def _work_injury(
    entitlement: Entitlement, params: SurvivorParameters, died: dt.date
) -> list[SurvivorBenefit]:
    cited = _law("work-injury-regulation", "第三十九条第三款", died)
    if not cited:
        return [_provincial(entitlement, Item.FUNERAL_GRANT, params, died)]
    funeral = _funeral_grant(
        entitlement, 6, Base.WORK_INJURY_AVERAGE_WAGE, params=params, died=died, cited=cited
    )
    dependants = _benefit(
        entitlement,
        Item.DEPENDANTS_PENSION,
        None,
        (
            "a new monthly benefit for each dependant, to assess",
            "供养亲属抚恤金按月发放，需另行核定",
        ),
        missing=("dependants", "own_wage"),
        citations=cited,
        status="to_assess",
    )
    return [funeral, dependants]


def survivor_benefits(
    person: Person, params: SurvivorParameters, died: dt.date
) -> list[SurvivorBenefit]:
    """Every survivor benefit of the entitlements running in the month of death, with one
    丧葬补助金 counted: the largest computed one."""
    death_month = Month.of(died)
    items: list[SurvivorBenefit] = []
    for entitlement in person.entitlements:
        if not entitlement.is_active_in(death_month):
            continue
        scheme = entitlement.scheme
        if scheme is Scheme.ENTERPRISE_PENSION and died >= SURVIVOR_RULES_FROM:
            items += _enterprise(entitlement, params, died)
        elif scheme is Scheme.WORK_INJURY_PERIODIC:
            items += _work_injury(entitlement, params, died)
        elif scheme is Scheme.WORK_INJURY_SURVIVOR:
            rule = params.local_rule(scheme, Item.FUNERAL_GRANT, died)
            if rule is not None:
                items.append(_local(rule, params, entitlement, died))
        else:
            items += [
                _provincial(entitlement, Item.FUNERAL_GRANT, params, died),
                _provincial(entitlement, Item.SURVIVOR_PENSION, params, died),
            ]
    grants = [b for b in items if b.item is Item.FUNERAL_GRANT and b.amount is not None]
    if len(grants) > 1:
        largest = max(grants, key=lambda b: b.amount or ZERO)
        only_one = _law("social-insurance-law", "第四十九条第二款", died)
        items = [
            b
            if b.item is not Item.FUNERAL_GRANT or b is largest or b.amount is None
            else attrs.evolve(
                b,
                counted=False,
                basis=b.basis + "; not paid: only one 丧葬补助金, the largest",
                basis_zh=b.basis_zh + "；依法只发一项丧葬补助金（取最高一项），本项不发",
                citations=b.citations + only_one,
            )
            for b in items
        ]
    return items


#: What a missing code means, in English and in Chinese.
MISSING: Final = {
    "urban_disposable_income": (
        "the province's previous-year 城镇居民月人均可支配收入 for deaths in {year}",
        "{year}年死亡适用的上一年度全省城镇居民月人均可支配收入",
    ),
    "work_injury_average_wage": (
        "the area's previous-year average monthly wage for deaths in {year}",
        "{year}年死亡适用的统筹地区上年度职工月平均工资",
    ),
    "contribution_months": ("the contribution months (缴费年限)", "缴费年限（含视同缴费年限）"),
    "provincial_rule": ("the province's rule for this scheme", "本省对该险种的规定"),
    "dependants": ("the dependants", "供养亲属情况"),
    "own_wage": ("the worker's own wage (本人工资)", "本人工资"),
}


def missing_text(codes: Sequence[str], *, zh: bool = False) -> str:
    """What ``missing`` codes (``urban_disposable_income/2023``…) mean, in words."""
    words = []
    for code in codes:
        name, _slash, year = code.partition("/")
        english, chinese = MISSING.get(name, (name, name))
        words.append((chinese if zh else english).format(year=year))
    return ("、" if zh else ", ").join(words)


# --- the whole settlement ------------------------------------------------------------------


def instalment_plan(to_repay: Money, months: int, first: Month) -> tuple[Instalment, ...]:
    """``to_repay`` in ``months`` equal instalments in fen, the remainder in the first,
    from ``first``."""
    if months <= 0:
        raise ValueError("an instalment plan has at least one month")
    fen = int(to_repay.amount * 100)
    each, remainder = divmod(fen, months)
    return tuple(
        Instalment(n + 1, first + n, Money(Decimal(each + (remainder if n == 0 else 0)) / 100))
        for n in range(months)
    )


def _known_month(reported_on: dt.date, payroll_day: int) -> Month:
    """The month of the first payroll run on or after the report of the death."""
    month = Month.of(reported_on)
    return month + 1 if reported_on.day > payroll_day else month


def settle(
    campaign: Campaign,
    person: Person,
    *,
    months: Sequence[MonthOutcome],
    death: Died,
    as_of: dt.date,
    overpaid: Money,
) -> Settlement:
    """C16: the settlement of ``person``, whose ``death`` is known at ``as_of``, from their
    month rows (:func:`~sscert.rules.payroll.run_payroll`) and C10's overpayment."""
    died = death.on
    death_month = Month.of(died)
    known = _known_month(death.reported_on, campaign.payroll_day)
    paid_rows = [
        m
        for m in months
        if m.outcome is Outcome.BACKPAID and m.paid_in == known and m.month <= death_month
    ]
    unpaid_rows = [m for m in months if m.outcome is Outcome.WITHHELD and m.month <= death_month]
    arrears_paid = Money.sum(m.paid for m in paid_rows)
    arrears_unpaid = Money.sum(m.due for m in unpaid_rows)
    decisions: list[Decision] = []
    stop = citations.death_stop(campaign, died)
    if paid_rows or unpaid_rows:
        parts = []
        if paid_rows:
            parts.append(
                f"{arrears_paid} yuan withheld for {_months(paid_rows)} paid to the heirs in "
                f"the payroll of {known}"
            )
        if unpaid_rows:
            parts.append(f"{arrears_unpaid} yuan for {_months(unpaid_rows)} still to pay")
        decisions.append(
            Decision(
                Rule.C16_SETTLEMENT,
                "arrears (up to the death month, 补发给继承人): " + "; ".join(parts),
                stop,
                on=died,
            )
        )

    benefits = tuple(survivor_benefits(person, campaign.survivor_benefits, died))
    for benefit in benefits:
        if benefit.status == "computed":
            words = f"{benefit.amount} yuan = {benefit.basis}"
            if not benefit.counted:
                words = f"{benefit.amount} yuan, not paid = {benefit.basis}"
        elif benefit.status == "to_assess":
            words = f"to assess: {benefit.basis} (needs {missing_text(benefit.missing)})"
        else:
            words = (
                f"not computed: {benefit.basis}; missing {missing_text(benefit.missing)} "
                "(sscert never guesses a figure)"
            )
        decisions.append(
            Decision(
                Rule.C16_SETTLEMENT,
                f"{benefit.scheme.value} {benefit.item.zh} ({benefit.item.value}): {words}",
                benefit.citations,
                on=died,
            )
        )

    account = person.account
    if account is not None:
        decisions.append(
            Decision(
                Rule.C16_SETTLEMENT,
                f"personal account balance {account.balance} yuan at death, {account.inheritable} "
                "inheritable (个人账户余额可以继承)",
                _law("social-insurance-law", "第十四条", died),
                on=died,
            )
        )

    survivor_total = Money.sum(b.amount for b in benefits if b.counted and b.amount is not None)
    inheritable = account.inheritable if account is not None else ZERO
    owed = [
        (Against.ARREARS, arrears_unpaid),
        (Against.SURVIVOR_BENEFITS, survivor_total),
        (Against.ACCOUNT_BALANCE, inheritable),
    ]
    left = overpaid
    offsets: list[Offset] = []
    for against, available in owed:
        take = min(left, available)
        if take.is_positive:
            offsets.append(Offset(against, take))
            left = left - take
    recovery = citations.overpayment(died)
    practice = "" if recovery else " (before 2023-12-01: the agency's practice of recovery)"
    if offsets:
        decisions.append(
            Decision(
                Rule.C16_SETTLEMENT,
                f"overpaid {overpaid} yuan set off against what the heirs are owed"
                f"{practice}: "
                + ", ".join(f"{o.amount} against {o.against.value}" for o in offsets),
                recovery,
                on=died,
            )
        )
    if left.is_positive:
        decisions.append(
            Decision(
                Rule.C16_SETTLEMENT,
                f"{left} yuan of the overpayment remains to be repaid (退回){practice}",
                recovery,
                on=died,
            )
        )
    instalments = None
    if person.instalment_months is not None:
        instalments = (
            instalment_plan(left, person.instalment_months, Month.of(as_of) + 1)
            if left.is_positive
            else ()
        )
        if instalments:
            decisions.append(
                Decision(
                    Rule.C16_SETTLEMENT,
                    f"an instalment plan (分期退回, 还款协议) of {len(instalments)} months from "
                    f"{instalments[0].month}: {instalments[0].amount} first"
                    + (f", then {instalments[-1].amount} a month" if len(instalments) > 1 else ""),
                    recovery,
                    on=died,
                )
            )
    net = arrears_unpaid + survivor_total + inheritable - Money.sum(o.amount for o in offsets)
    decisions.append(
        Decision(
            Rule.C16_SETTLEMENT,
            f"net to the heirs {net} yuan = unpaid arrears {arrears_unpaid} + survivor "
            f"benefits {survivor_total} + inheritable balance {inheritable} − offsets "
            f"{Money.sum(o.amount for o in offsets)}; to repay {left}",
            on=died,
        )
    )
    return Settlement(
        died,
        death.reported_on,
        arrears_paid,
        arrears_unpaid,
        tuple(m.month for m in paid_rows),
        tuple(m.month for m in unpaid_rows),
        overpaid,
        benefits,
        account,
        tuple(offsets),
        left,
        instalments,
        net,
        tuple(decisions),
    )


def _months(rows: Sequence[MonthOutcome]) -> str:
    return ", ".join(sorted({str(m.month) for m in rows}))
