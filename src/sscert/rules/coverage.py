"""C4 Coverage: who must certify for a campaign.

A person is covered when they hold an entitlement of a campaign scheme that has started by
the window's end month and has not ended before its start month (涞源县社会保险待遇领取资格
认证通知 (2023) 一、认证范围). A person not covered is never suspended. For a rolling cycle or
calendar periods, every entitlement of a campaign scheme that has not ended before the
duty's start month is covered.
"""

from __future__ import annotations

from collections.abc import Iterable

from sscert.campaigns.model import Campaign
from sscert.people import Entitlement

__all__ = ["covered_entitlements", "is_covered"]


def covered_entitlements(
    campaign: Campaign, entitlements: Iterable[Entitlement]
) -> list[Entitlement]:
    """The entitlements that make their holder subject to the campaign: a scheme it covers,
    in months its duty covers."""
    return [
        e
        for e in entitlements
        if campaign.covers_scheme(e.scheme) and campaign.duty.covers(e.start, e.end)
    ]


def is_covered(campaign: Campaign, entitlements: Iterable[Entitlement]) -> bool:
    return bool(covered_entitlements(campaign, entitlements))
