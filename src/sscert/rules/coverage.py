"""C4 Coverage: who must certify for a campaign.

A person is covered when they hold an entitlement of a campaign scheme that has started by
the window's end month and has not ended before its start month (seed 一、认证范围). A person
not covered is never suspended. For a rolling cycle, every entitlement of a campaign scheme
that has not ended before the cycle's start month is covered.
"""

from __future__ import annotations

from collections.abc import Iterable

from sscert.campaigns.model import Campaign
from sscert.people import Entitlement
from sscert.values.months import Month

__all__ = ["covered_entitlements", "is_covered"]


def covered_entitlements(
    campaign: Campaign, entitlements: Iterable[Entitlement]
) -> list[Entitlement]:
    """The entitlements that make their holder subject to the campaign."""
    result = []
    for entitlement in entitlements:
        if not campaign.covers_scheme(entitlement.scheme):
            continue
        first: Month | None
        if campaign.window is not None:
            first = campaign.window.start_month
            if entitlement.start > campaign.window.end_month:
                continue
        else:
            assert campaign.cycle is not None
            first = Month.of(campaign.cycle.start) if campaign.cycle.start else None
        if first is not None and entitlement.end is not None and entitlement.end < first:
            continue
        result.append(entitlement)
    return result


def is_covered(campaign: Campaign, entitlements: Iterable[Entitlement]) -> bool:
    return bool(covered_entitlements(campaign, entitlements))
