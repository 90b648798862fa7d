"""sscert: social-insurance benefit eligibility certification (待遇领取资格认证).

Who must certify and by when, through which channel, who is suspended when the deadline
passes, what is back-paid, what was overpaid after a death and what a fraud costs under
社会保险法 第八十八条 — every decision explained with its legal source.
"""

from sscert.calculate import calculate
from sscert.campaigns import (
    Campaign,
    CampaignError,
    Contact,
    RollingCycle,
    Window,
    bundled_campaigns,
    load_campaign,
)
from sscert.channels import KNOWN_CHANNELS
from sscert.contract import InputError
from sscert.rules import Citation, Decision, FraudPenalty, Outcome, Rule, Status, fraud_penalty
from sscert.schemes import EnquiryLine, Scheme
from sscert.values import (
    IdNumber,
    InvalidIdNumber,
    InvalidPhoneNumber,
    Money,
    Month,
    PhoneNumber,
    Sex,
)

__version__ = "0.1.0.dev0"

__all__ = [
    "KNOWN_CHANNELS",
    "Campaign",
    "CampaignError",
    "Citation",
    "Contact",
    "Decision",
    "EnquiryLine",
    "FraudPenalty",
    "IdNumber",
    "InputError",
    "InvalidIdNumber",
    "InvalidPhoneNumber",
    "Money",
    "Month",
    "Outcome",
    "PhoneNumber",
    "RollingCycle",
    "Rule",
    "Scheme",
    "Sex",
    "Status",
    "Window",
    "__version__",
    "bundled_campaigns",
    "calculate",
    "fraud_penalty",
    "load_campaign",
]
