"""Review leads (C11 ``review``): things staff should look at, with no consequence computed.

* ``data_record_after_death`` — a data-matching record dated after a known death. Not
  evidence of fraud: other systems' dates lag (a hospital settles after an in-hospital
  death). Staff check the record's source.
* ``late_report_overpaid`` — a death on or after 2023-12-01 reported more than 20 working
  days after it (社会保险经办条例 第二十五条), with an overpayment to recover (第四十六条).
* ``criminal_threshold`` — suspected fraud whose amount at stake reaches the campaign's
  ``criminal_threshold``, the province's 数额较大 figure for 诈骗 within 3 000–10 000 yuan
  (法释〔2011〕7号). Absent when the campaign gives none.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from attrs import frozen

from sscert.campaigns.model import Campaign
from sscert.law import Citation
from sscert.rules import citations
from sscert.rules.death import DeathReport
from sscert.rules.knowledge import Facts, KnownCertification
from sscert.rules.penalty import NOT_FRAUD_EVIDENCE
from sscert.values.money import Money

__all__ = ["ReviewLead", "ReviewReason", "review_leads"]


class ReviewReason(enum.StrEnum):
    DATA_RECORD_AFTER_DEATH = "data_record_after_death"
    LATE_REPORT_OVERPAID = "late_report_overpaid"
    CRIMINAL_THRESHOLD = "criminal_threshold"


@frozen
class ReviewLead:
    """A lead for staff: why, in words they can act on, and what it rests on."""

    reason: ReviewReason
    detail: str
    citations: tuple[Citation, ...] = ()
    on: dt.date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "reason": self.reason.value,
            "detail": self.detail,
            "citations": [c.to_dict() for c in self.citations],
        }


def review_leads(
    campaign: Campaign,
    facts: Facts,
    report: DeathReport | None,
    overpaid: Money,
    evidence: tuple[KnownCertification, ...],
) -> tuple[ReviewLead, ...]:
    """The review leads for one person as of the facts' date."""
    death = facts.death
    if death is None or death.reported_on > facts.as_of:
        return ()
    leads: list[ReviewLead] = []
    for record in facts.certifications:
        if record.event.channel in NOT_FRAUD_EVIDENCE and record.on > death.on:
            leads.append(
                ReviewLead(
                    ReviewReason.DATA_RECORD_AFTER_DEATH,
                    f"数据比对（静默认证）记录日期 {record.on} 晚于死亡日期 {death.on}（事件 "
                    f"{record.index}）：其他系统的日期可能滞后（如住院期间死亡后的医保结算），"
                    "请核实该记录的来源；此记录不作为冒领证据。",
                    citations.data_matching(record.on),
                    record.on,
                )
            )
    if report is not None and report.late and overpaid.is_positive:
        leads.append(
            ReviewLead(
                ReviewReason.LATE_REPORT_OVERPAID,
                f"死亡于 {death.on}，{death.reported_on} 才报告，晚于 20 个工作日（"
                f"{report.working_days} 个工作日）；死亡后多发 {overpaid} 元，应责令退回，"
                "可签订还款协议分期退回或从后续待遇中抵扣。",
                report.citations + citations.overpayment(death.reported_on),
                death.on,
            )
        )
    threshold = campaign.criminal_threshold
    if evidence and threshold is not None and overpaid >= threshold:
        on = min(c.on for c in evidence)
        leads.append(
            ReviewLead(
                ReviewReason.CRIMINAL_THRESHOLD,
                f"疑似冒领涉及金额 {overpaid} 元，达到本省诈骗“数额较大”标准 {threshold} 元："
                "如经认定构成骗取，可能涉嫌诈骗犯罪，由有权机关依法处理。",
                citations.criminal_threshold(campaign, on),
                on,
            )
        )
    return tuple(leads)
