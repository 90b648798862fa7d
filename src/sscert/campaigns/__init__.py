"""Campaigns as data: the model and its TOML files."""

from sscert.campaigns.loading import CampaignError, bundled_campaigns, load_campaign, parse_campaign
from sscert.campaigns.model import (
    CalendarPeriods,
    Campaign,
    Contact,
    ContactKind,
    Duty,
    Period,
    RollingCycle,
    Window,
)

__all__ = [
    "CalendarPeriods",
    "Campaign",
    "CampaignError",
    "Contact",
    "ContactKind",
    "Duty",
    "Period",
    "RollingCycle",
    "Window",
    "bundled_campaigns",
    "load_campaign",
    "parse_campaign",
]
