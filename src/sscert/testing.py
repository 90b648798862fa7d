"""Helpers for testing sscert plugins and the systems that embed sscert.

Everything here is a named fake or a convenience for tests — never for production:
:class:`~sscert.plugins.face.FakeFaceMatcher` recognises nothing.

With pytest, add ``pytest_plugins = ["sscert.testing"]`` to your ``conftest.py`` to get the
fixtures ``sscert_plugin_manager`` (built-ins, entry points and nothing else) and
``sscert_services`` (fakes, with a signing key for every channel).
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pluggy

from sscert.attestation import AttestationVerifier
from sscert.campaigns import Campaign, load_campaign
from sscert.events import CST
from sscert.plugins.face import FakeFaceMatcher, TemplatePhoto
from sscert.plugins.hookspecs import hookimpl
from sscert.plugins.manager import channel_codes, make_plugin_manager
from sscert.plugins.model import (
    CertificationRequest,
    FaceCapture,
    PersonInfo,
    StaffVisit,
    StatusChange,
)
from sscert.plugins.services import ChannelServices
from sscert.values.identity import IdNumber

__all__ = [
    "FakeFaceMatcher",
    "StatusRecorder",
    "face_of",
    "plugin_manager",
    "request",
    "services_for",
    "template_of",
    "verifier_for",
]

#: A valid Laiyuan ID number for tests.
SAMPLE_ID = "130630194803150028"


def plugin_manager(*plugins: object, load_entrypoints: bool = True) -> pluggy.PluginManager:
    """A plugin manager with the built-ins, the installed entry points (unless turned off)
    and ``plugins`` registered under their own names."""
    extra = [(getattr(p, "__name__", type(p).__name__), p) for p in plugins]
    return make_plugin_manager(load_entrypoints=load_entrypoints, plugins=extra)


def services_for(pm: pluggy.PluginManager) -> ChannelServices:
    """Fake services with a fresh signing key for every channel ``pm`` knows."""
    return ChannelServices.for_testing(sorted(channel_codes(pm)))


def verifier_for(services: ChannelServices) -> AttestationVerifier:
    """A verifier trusting exactly the public keys of ``services``' signers."""
    return AttestationVerifier(services.trusted_keys())


def face_of(subject: str, *, spoof: bool = False) -> FaceCapture:
    """A deterministic camera capture of ``subject`` (the fake matcher compares bytes)."""
    image = hashlib.sha256(subject.encode()).digest()
    return FaceCapture(image, FakeFaceMatcher.SPOOF if spoof else b"live")


def template_of(subject: str, name: str = "") -> TemplatePhoto:
    """The template photo that :func:`face_of` ``(subject)`` matches."""
    return TemplatePhoto(face_of(subject).image, name or subject, "test")


def request(
    channel: str,
    *,
    id_number: str = SAMPLE_ID,
    campaign: Campaign | str = "laiyuan-2023",
    at: dt.datetime | None = None,
    capture: FaceCapture | None = None,
    session: str | None = None,
    staff: StaffVisit | None = None,
    person: PersonInfo | None = None,
    nonce: str | None = None,
) -> CertificationRequest:
    """A certification request with test defaults (Laiyuan 2023, 2023-02-14 09:30 CST)."""
    loaded = load_campaign(campaign) if isinstance(campaign, str) else campaign
    return CertificationRequest(
        channel=channel,
        campaign=loaded,
        id_number=IdNumber.parse(id_number),
        at=at or dt.datetime(2023, 2, 14, 9, 30, tzinfo=CST),
        person=person or PersonInfo(),
        capture=capture,
        session=session,
        staff=staff,
        nonce=nonce,
    )


class StatusRecorder:
    """A plugin that records every status change it is told of (instead of sending SMS)."""

    def __init__(self) -> None:
        self.changes: list[StatusChange] = []

    @hookimpl
    def sscert_status_changed(self, change: StatusChange) -> None:
        self.changes.append(change)


try:  # pytest fixtures, when pytest is there
    import pytest
except ImportError:  # pragma: no cover - sscert runs without pytest
    pass
else:

    @pytest.fixture
    def sscert_plugin_manager() -> pluggy.PluginManager:
        """Built-ins and installed plugins."""
        return plugin_manager()

    @pytest.fixture
    def sscert_services(sscert_plugin_manager: pluggy.PluginManager) -> ChannelServices:
        """Fake services with a signing key for every channel of the plugin manager."""
        return services_for(sscert_plugin_manager)
