"""What each rule cites, chosen by the date of the fact it decides (C13).

A :class:`~sscert.law.Citation` comes from the law register (:mod:`sscert.law`) or from the
campaign (its notice, its province's practice). An instrument is cited only for a fact dated
on or after the day it came into force: 社会保险经办条例 (国务院令第765号) only for facts on or
after 2023-12-01; before it, the campaign's own words and national practice — and the
decision says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from sscert.campaigns.model import Campaign
from sscert.law import Citation, cite

__all__ = [
    "HANDLING_REGULATION_IN_FORCE",
    "Citation",
    "backpay",
    "channels",
    "criminal_threshold",
    "data_matching",
    "death_report",
    "death_stop",
    "duty",
    "fraud",
    "overpayment",
    "scope",
    "suspension",
]

#: 社会保险经办条例 (国务院令第765号) came into force on this day.
HANDLING_REGULATION_IN_FORCE: Final = dt.date(2023, 12, 1)


def _law(instrument_id: str, key: str, on: dt.date) -> tuple[Citation, ...]:
    found = cite(instrument_id, key, on)
    return (found,) if found is not None else ()


def scope(campaign: Campaign) -> tuple[Citation, ...]:
    """C4: who must certify."""
    return (campaign.citation("scope"),)


def duty(campaign: Campaign) -> tuple[Citation, ...]:
    """C2/C8/C14: when certification counts and when a person is due."""
    return (campaign.citation("duty"),)


def channels(campaign: Campaign) -> tuple[Citation, ...]:
    """C3: the channels the campaign accepts."""
    return (campaign.citation("channels"),)


def suspension(campaign: Campaign) -> tuple[Citation, ...]:
    """C8: payment withheld after the due date."""
    return (campaign.citation("duty"), campaign.citation("suspension"))


def backpay(campaign: Campaign) -> tuple[Citation, ...]:
    """C9: withheld months paid once the person certifies."""
    return (campaign.citation("suspension"),)


def death_stop(campaign: Campaign, died: dt.date) -> tuple[Citation, ...]:
    """C10: payment stops after a death. From 2023-12-01, 经办条例 第二十五条 (the agency stops
    payment once it has verified the death); before, the campaign's own words on reporting a
    death. That nothing is due after the death month (次月停发) is national practice, stated
    in the decision, not attributed to an article."""
    return _law("handling-regulation", "第二十五条", died) or (campaign.citation("death_report"),)


def death_report(campaign: Campaign, died: dt.date) -> tuple[Citation, ...]:
    """The time allowed to report a death: 20 working days from 2023-12-01 (第二十五条);
    before, no national period — the campaign's own words (the notice asks for 及时)."""
    return death_stop(campaign, died)


def overpayment(paid_on: dt.date) -> tuple[Citation, ...]:
    """C10: an overpayment is recovered — 经办条例 第四十六条 for payments from 2023-12-01;
    before it, the agency's practice of recovery (no article cited)."""
    return _law("handling-regulation", "第四十六条", paid_on)


def fraud(on: dt.date) -> tuple[Citation, ...]:
    """C11: the statutory consequence if fraud is confirmed: 社会保险法 第八十八条 (from
    2011-07-01), and 经办条例 第五十五条 for facts from 2023-12-01."""
    return _law("social-insurance-law", "第八十八条", on) + _law(
        "handling-regulation", "第五十五条", on
    )


def data_matching(on: dt.date) -> tuple[Citation, ...]:
    """静默认证: 经办条例 第二十六条 from 2023-12-01; before, 人社厅发〔2018〕54号."""
    return _law("handling-regulation", "第二十六条", on) or _law(
        "certification-notice-2018", "认证方式", on
    )


def criminal_threshold(campaign: Campaign, on: dt.date) -> tuple[Citation, ...]:
    """The 数额较大 figure of 诈骗: 法释〔2011〕7号 第一条 and the province's own figure."""
    return (
        *_law("fraud-interpretation-2011", "第一条", on),
        campaign.citation("criminal_threshold"),
    )
