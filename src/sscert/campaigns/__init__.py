"""Campaigns as data: the model and its TOML files."""

from sscert.campaigns.loading import CampaignError, bundled_campaigns, load_campaign, parse_campaign
from sscert.campaigns.model import Campaign, Contact, ContactKind, RollingCycle, Window

__all__ = [
    "Campaign",
    "CampaignError",
    "Contact",
    "ContactKind",
    "RollingCycle",
    "Window",
    "bundled_campaigns",
    "load_campaign",
    "parse_campaign",
]
