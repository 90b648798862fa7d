"""C11 Suspected fraud (疑似冒领线索): a lead for people to judge, never a finding.

Once a death is known at the as-of date, a certification attempt dated after the death date
through a channel where the person presents themselves — every channel but data matching —
counted or rejected, is evidence that someone certified in a dead person's name. One on the
death date itself is not. A data-matching record dated after the death is not evidence
(other systems' dates lag: a hospital settles after an in-hospital death); it is a review
lead.

With evidence, the amount at stake is the whole overpayment, and the result states what the
law provides *if the 社会保险行政部门 confirms fraud*, after its investigation and the
administrative-penalty procedure (告知, 陈述申辩, 听证): repay it, and a fine of 2× to 5× it
(社会保险法 第八十八条) — a range, never a chosen fine. A regional policy (a plugin) may
*suggest* a multiple with its reasons, for the staff who decide; sscert itself suggests none.
Without evidence an overpayment is recovered and nobody is fined.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Final

from attrs import frozen

from sscert.law import Citation, citation
from sscert.rules.knowledge import Facts, KnownCertification
from sscert.values.identity import IdNumber
from sscert.values.money import Money, to_decimal

__all__ = [
    "IF_CONFIRMED",
    "MAX_MULTIPLIER",
    "MIN_MULTIPLIER",
    "NOT_FRAUD_EVIDENCE",
    "FinePolicy",
    "FineSuggestion",
    "FraudLead",
    "FraudPenalty",
    "fraud_evidence",
    "fraud_penalty",
    "suggest_fine",
]

MIN_MULTIPLIER: Final = Decimal(2)
MAX_MULTIPLIER: Final = Decimal(5)
#: Channels whose records are never fraud evidence (C11): data matching, whose dates lag.
NOT_FRAUD_EVIDENCE: Final = frozenset({"data_comparison"})
#: What the penalty means: the statutory consequence if fraud is confirmed, not a decision.
IF_CONFIRMED: Final = (
    "若社会保险行政部门经调查并依法定程序（告知、陈述申辩、听证）认定构成骗取社会保险待遇，"
    "依社会保险法第八十八条应责令退回，并处骗取金额二倍以上五倍以下的罚款。sscert 不认定欺诈，"
    "也不决定罚款：以上为法定幅度，供核查人员参考。"
)


@frozen
class FineSuggestion:
    """A regional policy's suggested multiple of the fine, and why — for the staff of the
    社会保险行政部门 who decide, never applied by sscert."""

    multiplier: Decimal
    reason: str
    policy: str = ""


@frozen
class FraudLead:
    """What a fine policy is told of a suspected fraud: who, how much is at stake, the
    evidence dates and the death."""

    id_number: IdNumber
    campaign: str
    at_stake: Money
    evidence: tuple[dt.date, ...]
    evidence_channels: tuple[str, ...]
    died_on: dt.date
    reported_on: dt.date


#: A fine policy: given the campaign and the lead, a suggestion or ``None``.
FinePolicy = Callable[[Any, FraudLead], FineSuggestion | None]


@frozen
class FraudPenalty:
    """What the law provides if fraud is confirmed: repay the amount at stake and a fine of
    2× to 5× it — and a policy's suggested multiple, when one was given."""

    repay: Money
    fine_min: Money
    fine_max: Money
    multiplier: Decimal | None = None
    fine: Money | None = None
    citations: tuple[Citation, ...] = ()
    suggestion: FineSuggestion | None = None

    def to_dict(self) -> dict[str, Any]:
        """The contract's ``penalty``: the amount to repay and the statutory fine range, if
        fraud is confirmed (the C11 decision says so; a suggestion is a key of its own)."""
        data: dict[str, Any] = {
            "repay": str(self.repay),
            "fine_min": str(self.fine_min),
            "fine_max": str(self.fine_max),
        }
        if self.multiplier is not None and self.fine is not None:
            data["multiplier"] = str(self.multiplier)
            data["fine"] = str(self.fine)
        return data

    def suggestion_dict(self) -> dict[str, Any] | None:
        """A policy's suggestion, for the staff who decide (the result's ``fine_suggestion``)."""
        if self.suggestion is None:
            return None
        return {
            "multiplier": str(self.suggestion.multiplier),
            "fine": str(self.repay * self.suggestion.multiplier),
            "reason": self.suggestion.reason,
            "policy": self.suggestion.policy,
            "decided_by": "社会保险行政部门",
        }


def _multiplier(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValueError(
            f"the fine multiplier must be a Decimal from 2 to 5, not {type(value).__name__}"
        )
    multiplier = Decimal(value)
    if not multiplier.is_finite() or not MIN_MULTIPLIER <= multiplier <= MAX_MULTIPLIER:
        raise ValueError(f"the fine multiplier must be from 2 to 5 (第八十八条), not {value}")
    return multiplier


def fraud_penalty(amount: Money | Decimal | str | int, multiplier: object = None) -> FraudPenalty:
    """What 社会保险法 第八十八条 provides for defrauding ``amount``, if fraud is confirmed.

    Returns the amount to repay and the fine range (2× to 5×, rounded half up to the fen);
    with ``multiplier`` (a ``Decimal`` from 2 to 5, else ``ValueError``) also that fine —
    for staff weighing a case; sscert itself never chooses one.
    """
    if isinstance(amount, Money):
        repay = amount
    elif isinstance(amount, str):
        repay = Money.parse_exact(amount)
    else:
        repay = Money(to_decimal(amount))
    if repay.amount < 0:
        raise ValueError(f"a defrauded amount cannot be negative: {repay}")
    chosen = None if multiplier is None else _multiplier(multiplier)
    return FraudPenalty(
        repay=repay,
        fine_min=repay * MIN_MULTIPLIER,
        fine_max=repay * MAX_MULTIPLIER,
        multiplier=chosen,
        fine=None if chosen is None else repay * chosen,
        citations=(citation("social-insurance-law", "第八十八条"),),
    )


def suggest_fine(
    policy: FinePolicy | None, campaign: Any, lead: FraudLead
) -> FineSuggestion | None:
    """Ask a regional policy for its suggested multiple (``None`` when there is no policy or
    it does not answer). A multiple outside 2 to 5 is refused with ``ValueError``."""
    if policy is None:
        return None
    suggestion = policy(campaign, lead)
    if suggestion is None:
        return None
    _multiplier(suggestion.multiplier)
    return suggestion


def fraud_evidence(facts: Facts) -> tuple[KnownCertification, ...]:
    """The certification attempts that are evidence of suspected fraud (C11): dated after a
    known death, through a channel where the person presents themselves. A data-matching
    record (``data_comparison``) is never evidence: other systems' dates lag."""
    death = facts.death
    if death is None or death.reported_on > facts.as_of:
        return ()
    return tuple(
        c
        for c in facts.certifications
        if c.on > death.on and c.event.channel not in NOT_FRAUD_EVIDENCE
    )
