"""What the channel hooks take and return: channel descriptions, certification requests and
their results, outside records for data matching, status changes.

Messages a person sees are in Chinese first, English available (:class:`Message`); every
refusal says what to do next.
"""

from __future__ import annotations

import datetime as dt
import enum

from attrs import field, frozen

from sscert.attestation import Attestation
from sscert.campaigns.model import Campaign, Contact
from sscert.events import Certified
from sscert.rules.engine import PersonResult
from sscert.rules.penalty import FineSuggestion
from sscert.schemes import Scheme
from sscert.values.identity import IdNumber

__all__ = [
    "AliveRecord",
    "AttemptResult",
    "CertificationRequest",
    "ChannelSpec",
    "DataMatch",
    "FaceCapture",
    "FineDecision",
    "Message",
    "PersonInfo",
    "Place",
    "StaffVisit",
    "StatusChange",
]


@frozen
class Message:
    """Words for a pensioner and their family: Chinese first, English available."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh


@frozen
class ChannelSpec:
    """A channel a plugin provides (``sscert channels`` lists them)."""

    code: str
    name: str
    name_en: str = ""
    needs_registration: bool = False
    needs_template_photo: bool = False
    in_person: bool = False
    description: str = ""


@frozen
class FaceCapture:
    """What the app's camera produced: image bytes and liveness evidence, opaque to sscert.

    sscert never looks at a face; it hands the capture to the embedding system's
    :class:`~sscert.plugins.face.FaceMatcher`.
    """

    image: bytes = field(repr=False)
    liveness: bytes = field(default=b"", repr=False)


@frozen
class PersonInfo:
    """What the agency knows of the person, used for display and for who to call."""

    name: str | None = field(default=None, repr=False)
    township: str | None = None
    schemes: tuple[Scheme, ...] = ()


class Place(enum.StrEnum):
    """Where assisted certification happens (涞源县社会保险待遇领取资格认证通知 (2023)
    三、认证方式 2; 社会保险经办条例 第三十条)."""

    COUNTY_CENTRE = "county_centre"
    TOWNSHIP_OFFICE = "township_office"
    HOME = "home"


@frozen
class StaffVisit:
    """Who certified the person in person, and where."""

    staff_id: str
    place: Place
    place_name: str = ""
    make_template: bool = False


@frozen
class CertificationRequest:
    """One certification attempt on a channel, at a time the caller gives (no clock)."""

    channel: str
    campaign: Campaign
    id_number: IdNumber
    at: dt.datetime
    person: PersonInfo = PersonInfo()
    capture: FaceCapture | None = None
    session: str | None = field(default=None, repr=False)
    staff: StaffVisit | None = None
    nonce: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("a certification time needs an offset (+08:00 for CST)")


@frozen
class AttemptResult:
    """How an attempt ended. On success it carries the signed attestation."""

    success: bool
    channel: str
    message: Message
    reason: str | None = None
    contact: Contact | None = None
    attestation: Attestation | None = None
    template_made: bool = False


def _schemes(value: object) -> tuple[Scheme, ...]:
    if isinstance(value, (str, Scheme)):
        value = (value,)
    if not isinstance(value, (tuple, list, set, frozenset)):
        raise TypeError(f"schemes must be scheme codes, not {type(value).__name__}")
    return tuple(Scheme(s) for s in value)


@frozen
class AliveRecord:
    """A record from another system showing the person alive (静默认证): a hospital stay, a
    rail or air trip, a bank card use, a medical-insurance settlement.

    ``schemes`` are the person's schemes, when the caller knows them: the notice then gives
    the enquiry line of the person's own scheme (without them, the county's only line or
    12333, never another scheme's line)."""

    id_number: IdNumber
    source: str
    on: dt.date
    reference: str
    schemes: tuple[Scheme, ...] = field(default=(), converter=_schemes)


@frozen
class DataMatch:
    """An outside record turned into a certification, with the notice that tells the person."""

    event: Certified
    notice: Message
    attestation: Attestation | None = None


@frozen
class StatusChange:
    """A person's status moved from ``old`` to ``new`` (e.g. to send an SMS)."""

    id_number: IdNumber
    campaign: str
    old: str | None
    new: str
    as_of: dt.date
    result: PersonResult | None = field(default=None, repr=False)


#: A regional policy's suggested multiple of the fine, and why (for the staff who decide).
FineDecision = FineSuggestion
