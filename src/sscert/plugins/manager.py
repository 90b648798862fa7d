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

import pluggy
from attrs import frozen

from sscert.calculate import calculate_case, result_to_dict
from sscert.campaigns.model import Campaign
from sscert.contract import CampaignsArg, Case, parse_case
from sscert.plugins import hookspecs
from sscert.plugins.channels import BUILTIN
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
from sscert.rules.engine import PersonResult
from sscert.rules.penalty import FraudPenalty, fraud_penalty

__all__ = [
    "ENTRY_POINT_GROUP",
    "ChannelListing",
    "DuplicateChannel",
    "UnknownChannel",
    "calculate_with_plugins",
    "case_result_with_plugins",
    "certify",
    "channel_codes",
    "choose_fine",
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
    module_name, _, attribute = spec.partition(":")
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
                    f"channel {spec.code!r} is provided by both {seen[spec.code]} and {name}"
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
    choice of fine multiplier (added to ``penalty`` as ``multiplier`` and ``fine``, with the
    policy's ``reason``). Without such plugins the result is exactly ``calculate``'s."""
    parsed = parse_case(case, known_channels=channel_codes(pm), campaigns=campaigns)
    return case_result_with_plugins(parsed, pm)


def case_result_with_plugins(parsed: Case, pm: pluggy.PluginManager) -> dict[str, Any]:
    """The result of a validated case, with what plugins add (see
    :func:`calculate_with_plugins`)."""
    results = calculate_case(parsed)
    data = result_to_dict(parsed, results)
    for person, result in zip(data["people"], results, strict=True):
        chosen = choose_fine(pm, parsed.campaign, result)
        if chosen is not None:
            penalty, decision = chosen
            person["penalty"] = {**penalty.to_dict(), "reason": decision.reason}
    return data


def certify(
    pm: pluggy.PluginManager, request: CertificationRequest, services: ChannelServices
) -> AttemptResult:
    """Drive one certification attempt through the plugin that provides its channel."""
    result: AttemptResult | None = pm.hook.sscert_certify(request=request, services=services)
    if result is None:
        raise UnknownChannel(f"no plugin provides channel {request.channel!r}")
    return result


def match_record(
    pm: pluggy.PluginManager, record: AliveRecord, campaign: Campaign, services: ChannelServices
) -> DataMatch | None:
    """An outside record as a certification, when a plugin recognises its source."""
    match: DataMatch | None = pm.hook.sscert_match_record(
        record=record, campaign=campaign, services=services
    )
    return match


def choose_fine(
    pm: pluggy.PluginManager, campaign: Campaign, result: PersonResult
) -> tuple[FraudPenalty, FineDecision] | None:
    """The penalty with the multiplier a regional policy plugin chose, or ``None`` when no
    policy answered (the range alone then stands). A multiplier outside 2-5 is refused."""
    if result.penalty is None:
        return None
    decision: FineDecision | None = pm.hook.sscert_fine_multiplier(campaign=campaign, result=result)
    if decision is None:
        return None
    multiplier = decision.multiplier
    if not isinstance(multiplier, Decimal):
        raise ValueError(f"a fine policy returned {multiplier!r}, not a Decimal from 2 to 5")
    return fraud_penalty(result.penalty.repay, multiplier=multiplier), decision


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
