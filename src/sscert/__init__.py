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


def rules_compiled() -> bool:
    """Whether the rules run compiled to C (a wheel built with ``SSCERT_COMPILE=1``, see
    docs/install.md): the same source and the same results, faster."""
    from importlib.machinery import EXTENSION_SUFFIXES  # noqa: PLC0415

    from sscert.rules import engine  # noqa: PLC0415

    return str(engine.__file__).endswith(tuple(EXTENSION_SUFFIXES))


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
    "rules_compiled",
]
