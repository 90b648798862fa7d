"""The plugin manager factory and the calls sscert makes through it.

No import-time global: every caller builds its own manager with
:func:`make_plugin_manager`. Built-in channels are loaded from ``module:attribute`` specs
exactly as entry points in the ``sscert`` group are, then ``check_pending()`` makes a
misspelt hook fail loudly.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs
import pluggy
from attrs import frozen

from sscert.attestation import Attestation, AttestationRefused, AttestationVerifier
from sscert.calculate import calculate_case, result_to_dict
from sscert.campaigns.model import Campaign
from sscert.contract import CampaignsArg, Case, parse_case
from sscert.i18n import _
from sscert.plugins import hookspecs
from sscert.plugins.channels import BUILTIN
from sscert.plugins.model import (
    AliveRecord,
    AttemptResult,
    CertificationRequest,
    ChannelSpec,
    DataMatch,
    Message,
    StatusChange,
)
from sscert.plugins.services import ChannelServices
from sscert.rules.engine import PersonResult
from sscert.rules.penalty import FinePolicy, FineSuggestion, FraudLead
from sscert.values.identity import IdNumber

__all__ = [
    "ENTRY_POINT_GROUP",
    "ChannelListing",
    "DuplicateChannel",
    "UnknownChannel",
    "calculate_with_plugins",
    "case_result_with_plugins",
    "certify",
    "channel_codes",
    "fine_policy",
    "list_channels",
    "make_plugin_manager",
    "match_record",
    "notify_status_changes",
]

ENTRY_POINT_GROUP = "sscert"


class UnknownChannel(LookupError):
    """No plugin provides the requested channel."""


class DuplicateChannel(ValueError):
    """Two plugins claim the same channel code."""


def _load(spec: str) -> Any:
    module_name, _colon, attribute = spec.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


def make_plugin_manager(
    load_entrypoints: bool = True, plugins: Iterable[tuple[str, object]] = ()
) -> pluggy.PluginManager:
    """A plugin manager with sscert's hooks, the built-in channels, the plugins installed
    through the ``sscert`` entry-point group (unless ``load_entrypoints`` is false) and any
    extra ``(name, plugin)`` pairs given."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for name, spec in BUILTIN.items():
        pm.register(_load(spec), name=name)
    if load_entrypoints:
        pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for name, plugin in plugins:
        pm.register(plugin, name=name)
    pm.check_pending()
    return pm


@frozen
class ChannelListing:
    """A channel and the plugin (and distribution) that provides it."""

    spec: ChannelSpec
    plugin: str
    distribution: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.spec.code,
            "name": self.spec.name,
            "name_en": self.spec.name_en,
            "plugin": self.plugin,
            "distribution": self.distribution,
            "needs_registration": self.spec.needs_registration,
            "needs_template_photo": self.spec.needs_template_photo,
            "in_person": self.spec.in_person,
            "description": self.spec.description,
        }


def list_channels(pm: pluggy.PluginManager) -> list[ChannelListing]:
    """Every channel the registered plugins provide, built-ins first."""
    distributions = {id(plugin): dist.project_name for plugin, dist in pm.list_plugin_distinfo()}
    listings: list[ChannelListing] = []
    seen: dict[str, str] = {}
    for name, plugin in pm.list_name_plugin():
        hook = getattr(plugin, "sscert_channels", None)
        if hook is None or name is None:
            continue
        for spec in hook():
            if spec.code in seen:
                raise DuplicateChannel(
                    _("channel {code!r} is provided by both {value} and {name}").format(
                        code=spec.code, value=seen[spec.code], name=name
                    )
                )
            seen[spec.code] = name
            listings.append(ChannelListing(spec, name, distributions.get(id(plugin), "sscert")))
    return listings


def channel_codes(pm: pluggy.PluginManager) -> set[str]:
    return {listing.spec.code for listing in list_channels(pm)}


def calculate_with_plugins(
    case: dict[str, Any], pm: pluggy.PluginManager, *, campaigns: CampaignsArg = None
) -> dict[str, Any]:
    """``calculate`` with what plugins add: their channel codes, and a regional policy's
    suggested multiple of the fine for a suspected fraud (a decision and the result's
    ``fine_suggestion``, for the staff who decide). Without such plugins the result is
    exactly ``calculate``'s."""
    parsed = parse_case(case, known_channels=channel_codes(pm), campaigns=campaigns)
    return case_result_with_plugins(parsed, pm)


def case_result_with_plugins(parsed: Case, pm: pluggy.PluginManager) -> dict[str, Any]:
    """The result of a validated case, with what plugins add (see
    :func:`calculate_with_plugins`)."""
    return result_to_dict(parsed, calculate_case(parsed, fine_policy=fine_policy(pm)))


def _providers(pm: pluggy.PluginManager) -> dict[int, set[str]]:
    """Each registered plugin (by ``id``) and the channel codes it provides."""
    codes: dict[int, set[str]] = {}
    by_name = dict(pm.list_name_plugin())
    for listing in list_channels(pm):
        codes.setdefault(id(by_name[listing.plugin]), set()).add(listing.spec.code)
    return codes


def _call(impl: Any, **kwargs: object) -> Any:
    return impl.function(*(kwargs[name] for name in impl.argnames))


def _attestation_problem(
    attestation: Attestation | None,
    services: ChannelServices,
    channels: set[str],
    id_number: IdNumber,
    campaign: Campaign,
) -> str | None:
    """Why a plugin's attestation is not to be trusted, or ``None``: it must be for a
    channel the plugin provides, for the person and campaign asked about, and verify under
    the public key of the embedding system's signer for that channel."""
    if attestation is None:
        return None
    if attestation.channel not in channels:
        return f"signed for {attestation.channel}, a channel the plugin does not provide"
    if attestation.id_number != id_number.value or attestation.campaign != campaign.id:
        return "signed for another person or campaign"
    try:
        trusted = services.signer_for(attestation.channel).trusted_key()
        AttestationVerifier([trusted]).check_signature(attestation)
    except (LookupError, AttestationRefused) as error:
        return str(error)
    return None


def certify(
    pm: pluggy.PluginManager, request: CertificationRequest, services: ChannelServices
) -> AttemptResult:
    """Drive one certification attempt through the plugin that provides its channel.

    Only that plugin is called, and it is lent only its own channels' signers
    (:meth:`ChannelServices.lend`). A success whose attestation does not verify under the
    channel's key is turned into a refusal (``attestation_refused``): nothing a plugin
    returns is trusted unverified.
    """
    providers = _providers(pm)
    for impl in reversed(pm.hook.sscert_certify.get_hookimpls()):
        channels = providers.get(id(impl.plugin), set())
        if request.channel not in channels:
            continue
        result: AttemptResult | None = _call(
            impl, request=request, services=services.lend(channels)
        )
        if result is None:
            continue
        problem = _attestation_problem(
            result.attestation, services, {request.channel}, request.id_number, request.campaign
        )
        if problem is None and result.success and result.attestation is None:
            problem = "a success without an attestation"
        if problem is not None:
            return AttemptResult(
                False,
                request.channel,
                Message(
                    "认证未完成：认证凭证无法核验，请联系工作人员。",
                    "Certification not completed: its attestation could not be verified; "
                    "contact staff.",
                ),
                "attestation_refused",
            )
        return result
    raise UnknownChannel(
        _("no plugin provides channel {channel!r}").format(channel=request.channel)
    )


def match_record(
    pm: pluggy.PluginManager, record: AliveRecord, campaign: Campaign, services: ChannelServices
) -> DataMatch | None:
    """An outside record as a certification, when a plugin recognises its source.

    Plugins are asked in turn (the last registered first), each lent only its own
    channels' signers; the first that answers decides. A match whose event or attestation
    is for a channel that plugin does not provide, or whose attestation does not verify,
    is refused with ``ValueError``.
    """
    providers = _providers(pm)
    for impl in reversed(pm.hook.sscert_match_record.get_hookimpls()):
        channels = providers.get(id(impl.plugin), set())
        match: DataMatch | None = _call(
            impl, record=record, campaign=campaign, services=services.lend(channels)
        )
        if match is None:
            continue
        problem = _attestation_problem(
            match.attestation, services, channels, record.id_number, campaign
        )
        if problem is None and match.event.channel not in channels:
            problem = f"an event for {match.event.channel}, a channel the plugin does not provide"
        if problem is not None:
            raise ValueError(
                _("a data-matching plugin returned an untrusted match: {problem}").format(
                    problem=problem
                )
            )
        return match
    return None


def fine_policy(pm: pluggy.PluginManager) -> FinePolicy | None:
    """The regional fine policy of the installed plugins, as the rules take it (``None``
    when no plugin implements ``sscert_fine_multiplier``). Its suggestion names the plugin
    that made it."""
    impls = list(reversed(pm.hook.sscert_fine_multiplier.get_hookimpls()))
    if not impls:
        return None

    def policy(campaign: Campaign, lead: FraudLead) -> FineSuggestion | None:
        for impl in impls:
            answer: FineSuggestion | None = _call(impl, campaign=campaign, lead=lead)
            if answer is None:
                continue
            if not isinstance(answer.multiplier, Decimal):
                raise ValueError(
                    _("a fine policy returned {multiplier!r}, not a Decimal from 2 to 5").format(
                        multiplier=answer.multiplier
                    )
                )
            return attrs.evolve(answer, policy=answer.policy or impl.plugin_name)
        return None

    return policy


def notify_status_changes(
    pm: pluggy.PluginManager,
    campaign: Campaign,
    previous: Sequence[PersonResult],
    current: Sequence[PersonResult],
) -> list[StatusChange]:
    """Tell every plugin about each person whose status differs between two calculations
    (people matched by ID number; someone new has ``old`` ``None``)."""
    before = {r.person.id_number: r.status.value for r in previous}
    changes = [
        StatusChange(
            r.person.id_number,
            campaign.id,
            before.get(r.person.id_number),
            r.status.value,
            r.as_of,
            r,
        )
        for r in current
        if before.get(r.person.id_number) != r.status.value
    ]
    for change in changes:
        pm.hook.sscert_status_changed(change=change)
    return changes
