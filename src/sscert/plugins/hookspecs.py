"""The hook specifications of sscert: one ``HookspecMarker("sscert")``, every hook here.

A plugin is any module or object with functions marked ``@sscert.plugins.hookimpl`` and
named like the specifications below. Built-in channels are plugins registered exactly like
third-party ones, which are found through the ``sscert`` entry-point group.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from sscert.campaigns.model import Campaign
    from sscert.plugins.model import (
        AliveRecord,
        AttemptResult,
        CertificationRequest,
        ChannelSpec,
        DataMatch,
        FineDecision,
        StatusChange,
    )
    from sscert.plugins.services import ChannelServices
    from sscert.rules.penalty import FraudLead

_Certify = Callable[["CertificationRequest", "ChannelServices"], "AttemptResult"]

PROJECT = "sscert"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

__all__ = ["PROJECT", "certifies", "hookimpl", "hookspec", "provides"]


@hookspec
def sscert_channels() -> list[ChannelSpec]:
    """Describe the certification channels this plugin provides.

    Called by :func:`~sscert.plugins.manager.list_channels` (``sscert channels``) and
    whenever sscert needs to know which channel codes exist. Every plugin is called;
    the lists are joined. A channel code must be provided by one plugin only.

    :returns: the :class:`~sscert.plugins.model.ChannelSpec` of each channel provided.
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def sscert_certify(
    request: CertificationRequest, services: ChannelServices
) -> AttemptResult | None:
    """Drive one certification attempt on the channel ``request.channel``.

    Called by :func:`~sscert.plugins.manager.certify`. ``firstresult``: the plugin that
    provides ``request.channel`` returns an :class:`~sscert.plugins.model.AttemptResult`;
    every other plugin returns ``None``. On success the result carries an attestation
    signed with the channel's key from ``services.signers``.

    :param request: who, which campaign, when, and what the channel needs (a face capture,
        a login session, a staff visit).
    :param services: the embedding system's face matcher, template photos, accounts and
        signing keys.
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def sscert_match_record(
    record: AliveRecord, campaign: Campaign, services: ChannelServices
) -> DataMatch | None:
    """Turn an outside record that shows the person alive into a certification (静默认证).

    Called by :func:`~sscert.plugins.manager.match_record`. ``firstresult``: the first
    plugin that recognises ``record.source`` returns a
    :class:`~sscert.plugins.model.DataMatch` (the ``certified`` event and the notice that
    tells the person, 社会保险经办条例 第二十六条); others return ``None``.
    """
    raise NotImplementedError


@hookspec(firstresult=True)
def sscert_fine_multiplier(campaign: Campaign, lead: FraudLead) -> FineDecision | None:
    """Suggest a multiple of the fine for a suspected fraud, within 2× to 5× (社会保险法
    第八十八条), with the reasons — for the staff of the 社会保险行政部门 who decide, after
    the investigation and the penalty procedure, whether there was fraud and what fine.

    Called through :func:`~sscert.plugins.manager.fine_policy` by every calculation that
    knows the plugins (``calculate_with_plugins``, ``store calculate``, the report, the
    batch engine), in the same way, for each suspected fraud with an amount at stake.
    ``firstresult``: the first policy that answers is recorded, as a decision and as the
    result's ``fine_suggestion``; it is never applied. No plugin answering means no
    suggestion. A multiple outside 2 to 5 is refused with ``ValueError``. sscert itself
    ships no policy.

    :param campaign: the campaign.
    :param lead: who, the amount at stake, the dates and channels of the evidence, the death.
    """
    raise NotImplementedError


@hookspec
def sscert_status_changed(change: StatusChange) -> None:
    """Be told that a person's status changed (to send an SMS, to update a dashboard).

    Called by :func:`~sscert.plugins.manager.notify_status_changes` once per change, for
    every plugin. The return value is ignored.
    """
    raise NotImplementedError


def provides(*specs: ChannelSpec) -> object:
    """A ready ``sscert_channels`` implementation that describes ``specs``::

    sscert_channels = provides(ChannelSpec("my_app", "我的APP"))
    """

    @hookimpl
    def sscert_channels() -> list[ChannelSpec]:
        return list(specs)

    return sscert_channels


def certifies(code: str) -> Callable[[_Certify], object]:
    """Make ``function(request, services)`` the ``sscert_certify`` implementation of the
    channel ``code``: it answers for that channel only (``None`` for every other)::

        @certifies("my_app")
        def sscert_certify(request, services): ...
    """

    def register(function: _Certify) -> object:
        @hookimpl
        def sscert_certify(
            request: CertificationRequest, services: ChannelServices
        ) -> AttemptResult | None:
            if request.channel != code:
                return None
            return function(request, services)

        sscert_certify.__doc__ = function.__doc__
        return sscert_certify

    return register
