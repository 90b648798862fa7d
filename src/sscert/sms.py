"""Text messages to the people who draw benefits: one message each (at most 70 characters),
signed with the office, dates as ``2023年3月25日``, the enquiry line of the person's own
scheme and the warning that certification costs nothing.

Used by the reminder lists (:func:`sscert.reports.reminders.sms_text`) and by the
data-matching channel's notice (静默认证, 社会保险经办条例 第二十六条: the person is told).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Final

from sscert.campaigns.model import Campaign, Contact, ContactKind
from sscert.schemes import Scheme

__all__ = [
    "DEFAULT_SIGNATURE",
    "FRAUD_WARNING",
    "NATIONAL_HOTLINE",
    "SMS_LIMIT",
    "chinese_date",
    "fit",
    "hotline",
    "scheme_lines",
    "signature",
]

#: One SMS: 70 characters of Chinese text (GSM 03.38 UCS-2) — a longer text is sent as
#: two or three messages, each charged and often shown out of order.
SMS_LIMIT: Final = 70
#: The signature when a campaign names none (``sms_signature``).
DEFAULT_SIGNATURE: Final = "【人社部门】"
FRAUD_WARNING: Final = "认证不收费，谨防诈骗"
#: The national human-resources and social-security service line, when a campaign names
#: no line for the person's scheme.
NATIONAL_HOTLINE: Final = "12333"


def chinese_date(day: dt.date) -> str:
    """``2023年3月25日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def signature(campaign: Campaign) -> str:
    """``【涞源县人社局】``: the campaign's ``sms_signature`` or :data:`DEFAULT_SIGNATURE`."""
    return campaign.sms_signature or DEFAULT_SIGNATURE


def scheme_lines(campaign: Campaign, schemes: Iterable[Scheme | str]) -> list[Contact]:
    """The county enquiry lines that answer for ``schemes``, each once, in scheme order."""
    lines: list[Contact] = []
    for scheme in sorted({Scheme(s) for s in schemes}, key=lambda s: s.value):
        try:
            line = campaign.hotline_for(scheme)
        except LookupError:
            continue
        if line not in lines:
            lines.append(line)
    return lines


def hotline(
    campaign: Campaign, schemes: Iterable[Scheme | str], township: str | None = None
) -> str:
    """The number a person should call: the line of their own scheme; without one, the
    township office; without that, the only county line if there is just one; else
    :data:`NATIONAL_HOTLINE`. Never another scheme's line."""
    lines = scheme_lines(campaign, schemes)
    if lines:
        return lines[0].phone
    office = campaign.township_office(township or "")
    if office is not None:
        return office.phone
    county = {c.phone for c in campaign.contacts if c.kind is ContactKind.COUNTY}
    if len(county) == 1:
        return county.pop()
    return NATIONAL_HOTLINE


def fit(variants: Sequence[str], limit: int = SMS_LIMIT) -> str:
    """The first (longest, most helpful) wording that fits in one message; the last one cut
    to the limit when none does."""
    for text in variants:
        if len(text) <= limit:
            return text
    return variants[-1][:limit]
