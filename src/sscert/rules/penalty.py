"""C11 Fraud and its penalty (社会保险法 第八十八条; 社会保险经办条例 第五十五条).

Once a death is known at the as-of date, any certification dated after the death date —
counted or rejected: the attempt itself is the evidence — is evidence of fraud (a dead person
cannot certify). One on the death date itself is not. The defrauded amount is then the whole
overpayment: repay it, and a fine of 2× to 5× it. Without such evidence an overpayment is
recovered (经办条例 第四十六条) and nobody is fined.

No public benchmark maps circumstances to a multiple; sscert gives the range and lets a
policy (a plugin) choose within it. It never invents tiers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from attrs import frozen

from sscert.rules.citations import FRAUD_LAW, FRAUD_REGULATION, Citation
from sscert.rules.knowledge import Facts, KnownCertification
from sscert.values.money import Money, to_decimal

__all__ = ["MAX_MULTIPLIER", "MIN_MULTIPLIER", "FraudPenalty", "fraud_evidence", "fraud_penalty"]

MIN_MULTIPLIER: Final = Decimal(2)
#: Channels whose records are never fraud evidence (C11): data matching, whose dates lag.
NOT_FRAUD_EVIDENCE: Final = frozenset({"data_comparison"})
MAX_MULTIPLIER: Final = Decimal(5)


@frozen
class FraudPenalty:
    """What a fraud costs: repay the defrauded amount and a fine of 2× to 5× it."""

    repay: Money
    fine_min: Money
    fine_max: Money
    multiplier: Decimal | None = None
    fine: Money | None = None
    citations: tuple[Citation, ...] = (FRAUD_LAW, FRAUD_REGULATION)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "repay": str(self.repay),
            "fine_min": str(self.fine_min),
            "fine_max": str(self.fine_max),
        }
        if self.multiplier is not None and self.fine is not None:
            data["multiplier"] = str(self.multiplier)
            data["fine"] = str(self.fine)
        return data


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
    """The penalty for defrauding ``amount`` (社会保险法 第八十八条).

    Returns the amount to repay and the fine range (2× to 5×, rounded half up to the fen);
    with ``multiplier`` (a ``Decimal`` from 2 to 5, else ``ValueError``) also the fine.
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
    )


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
