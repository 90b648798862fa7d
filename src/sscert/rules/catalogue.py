"""The rule catalogue: every rule of DOMAIN §7 with its code, its title, what it rests on,
the module that applies it person by person, and the batch engine's stage that applies it
in columns (``None`` where the batch engine does not compute it).

``docs/rules.md`` is checked against this list by a test, and so are the modules and stages
it names: a rule cannot be added, renamed or moved without the catalogue saying so.

>>> from sscert.rules.catalogue import CATALOGUE, entry
>>> entry("C15").batch_stage
'_c15_stops'
>>> len(CATALOGUE)
16
"""

from __future__ import annotations

from attrs import frozen

from sscert.rules.decisions import Rule

__all__ = ["CATALOGUE", "RuleEntry", "entry"]


@frozen
class RuleEntry:
    """One rule: ``sources`` are law-register keys (``instrument/article``) or, for a rule
    that rests on the campaign's own document, ``campaign:<key>``."""

    rule: Rule
    title: str
    title_zh: str
    sources: tuple[str, ...]
    module: str
    batch_stage: str | None

    @property
    def code(self) -> str:
        return self.rule.value


CATALOGUE: tuple[RuleEntry, ...] = (
    RuleEntry(Rule.C1_TIME, "Time", "时间", (), "sscert.events", "_cst_date"),
    RuleEntry(
        Rule.C2_WINDOW,
        "Window",
        "认证时间",
        ("campaign:duty",),
        "sscert.rules.knowledge",
        "evaluate_batch",
    ),
    RuleEntry(
        Rule.C3_CHANNELS,
        "Channels",
        "认证方式",
        ("campaign:channels",),
        "sscert.rules.knowledge",
        "evaluate_batch",
    ),
    RuleEntry(
        Rule.C4_COVERAGE,
        "Coverage",
        "认证范围",
        ("campaign:scope",),
        "sscert.rules.coverage",
        "evaluate_batch",
    ),
    RuleEntry(
        Rule.C5_KNOWLEDGE, "Knowledge", "截至日期", (), "sscert.rules.knowledge", "evaluate_batch"
    ),
    RuleEntry(Rule.C6_PAYROLL, "Payroll", "按月发放", (), "sscert.rules.payroll", "_explode"),
    RuleEntry(Rule.C7_AMOUNT, "Amount", "待遇标准", (), "sscert.people", "_amounts"),
    RuleEntry(
        Rule.C8_SUSPENSION,
        "Suspension",
        "暂停发放",
        ("campaign:duty", "campaign:suspension"),
        "sscert.rules.payroll",
        "_months_fixed",
    ),
    RuleEntry(
        Rule.C9_BACKPAY,
        "Back-pay",
        "补发",
        ("campaign:suspension",),
        "sscert.rules.payroll",
        "_outcome",
    ),
    RuleEntry(
        Rule.C10_DEATH,
        "Death",
        "死亡停发与多发",
        ("handling-regulation/第二十五条", "handling-regulation/第四十六条"),
        "sscert.rules.death",
        "_outcome",
    ),
    RuleEntry(
        Rule.C11_FRAUD,
        "Suspected fraud",
        "疑似冒领线索",
        ("social-insurance-law/第八十八条", "handling-regulation/第五十五条"),
        "sscert.rules.penalty",
        "evaluate_batch",
    ),
    RuleEntry(Rule.C12_STATUS, "Status", "认证状态", (), "sscert.rules.status", "evaluate_batch"),
    RuleEntry(
        Rule.C13_LAW_IN_FORCE,
        "Law in force",
        "施行日期",
        (),
        "sscert.rules.citations",
        None,
    ),
    RuleEntry(
        Rule.C14_PERIODS,
        "Calendar periods",
        "按自然周期认证",
        ("hebei-practice/认证周期",),
        "sscert.campaigns.duties",
        "_months_by_due_date",
    ),
    RuleEntry(
        Rule.C15_DEPENDANTS,
        "Dependants",
        "供养亲属",
        ("dependants-rule/第四条", "dependants-rule/第五条"),
        "sscert.rules.dependants",
        "_c15_stops",
    ),
    RuleEntry(
        Rule.C16_SETTLEMENT,
        "The settlement after a death",
        "死亡待遇结算",
        (
            "social-insurance-law/第十四条",
            "social-insurance-law/第十七条",
            "social-insurance-law/第四十九条第二款",
            "survivor-benefits-2021/丧葬补助金和抚恤金",
            "work-injury-regulation/第三十九条第三款",
            "handling-regulation/第四十六条",
        ),
        "sscert.rules.settlement",
        None,
    ),
)


def entry(code: str) -> RuleEntry:
    """The catalogue entry of a rule code (``"C15"``); ``KeyError`` for an unknown code."""
    for item in CATALOGUE:
        if item.code == code:
            return item
    raise KeyError(code)
