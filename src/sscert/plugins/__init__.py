"""Plugins: verification channels and policies as pluggy plugins.

>>> from sscert.plugins import make_plugin_manager, list_channels
>>> sorted(c.spec.code for c in list_channels(make_plugin_manager(load_entrypoints=False)))
['assisted', 'data_comparison', 'hebei_renshe', 'yirenshe']
"""

from sscert.plugins.face import (
    FaceMatch,
    FaceMatcher,
    FakeFaceMatcher,
    InMemoryTemplatePhotos,
    TemplatePhoto,
    TemplatePhotoStore,
)
from sscert.plugins.hookspecs import hookimpl, hookspec
from sscert.plugins.manager import (
    ENTRY_POINT_GROUP,
    ChannelListing,
    DuplicateChannel,
    UnknownChannel,
    calculate_with_plugins,
    case_result_with_plugins,
    certify,
    channel_codes,
    fine_policy,
    list_channels,
    make_plugin_manager,
    match_record,
    notify_status_changes,
)
from sscert.plugins.model import (
    AliveRecord,
    AttemptResult,
    CertificationRequest,
    ChannelSpec,
    DataMatch,
    FaceCapture,
    FineDecision,
    Message,
    PersonInfo,
    Place,
    StaffVisit,
    StatusChange,
)
from sscert.plugins.services import AccountStore, ChannelServices, InMemoryAccounts
from sscert.rules.penalty import FraudLead

__all__ = [
    "ENTRY_POINT_GROUP",
    "AccountStore",
    "AliveRecord",
    "AttemptResult",
    "CertificationRequest",
    "ChannelListing",
    "ChannelServices",
    "ChannelSpec",
    "DataMatch",
    "DuplicateChannel",
    "FaceCapture",
    "FaceMatch",
    "FaceMatcher",
    "FakeFaceMatcher",
    "FineDecision",
    "FraudLead",
    "InMemoryAccounts",
    "InMemoryTemplatePhotos",
    "Message",
    "PersonInfo",
    "Place",
    "StaffVisit",
    "StatusChange",
    "TemplatePhoto",
    "TemplatePhotoStore",
    "UnknownChannel",
    "calculate_with_plugins",
    "case_result_with_plugins",
    "certify",
    "channel_codes",
    "fine_policy",
    "hookimpl",
    "hookspec",
    "list_channels",
    "make_plugin_manager",
    "match_record",
    "notify_status_changes",
]
