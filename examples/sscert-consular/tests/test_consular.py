"""The consular channel, tested with what sscert.testing gives plugin authors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pluggy

import sscert
from sscert.plugins import ChannelServices, certify, list_channels
from sscert.testing import face_of, request, template_of, verifier_for

CAMPAIGN = """
id = "abroad-2024"
reference = "example: recipients abroad certify through the consular app"
[window]
start = 2024-03-01
end = 2024-04-30
reference = "example window"
[channels]
accepted = ["consular", "assisted"]
reference = "example"
[schemes]
covered = ["enterprise_pension"]
reference = "example"
[payroll]
day = 1
reference = "example"
"""


def test_the_channel_is_listed(sscert_plugin_manager: pluggy.PluginManager) -> None:
    listing = {c.spec.code: c for c in list_channels(sscert_plugin_manager)}
    assert listing["consular"].spec.needs_registration
    assert listing["consular"].distribution == "sscert-consular"


def test_a_face_scan_certifies_and_the_attestation_verifies(
    sscert_plugin_manager: pluggy.PluginManager, sscert_services: ChannelServices, tmp_path: Path
) -> None:
    path = tmp_path / "abroad.toml"
    path.write_text(CAMPAIGN, encoding="utf-8")
    campaign = sscert.load_campaign(path)
    attempt = request(
        "consular",
        campaign=campaign,
        at=dt.datetime(2024, 3, 5, 2, 0, tzinfo=dt.UTC),
        capture=face_of("张三"),
    )
    sscert_services.templates.put(attempt.id_number, template_of("张三"))
    result = certify(sscert_plugin_manager, attempt, sscert_services)
    assert result.success, result.message.en
    assert result.attestation is not None
    event = verifier_for(sscert_services).verify(
        result.attestation, id_number=attempt.id_number, campaign=campaign
    )
    assert event.channel == "consular"


def test_someone_else_is_refused(
    sscert_plugin_manager: pluggy.PluginManager, sscert_services: ChannelServices
) -> None:
    attempt = request("consular", capture=face_of("李四"))
    sscert_services.templates.put(attempt.id_number, template_of("张三"))
    result = certify(sscert_plugin_manager, attempt, sscert_services)
    assert not result.success
    assert result.reason == "face_mismatch"


def test_a_campaign_accepting_consular_counts_it(tmp_path: Path) -> None:
    path = tmp_path / "abroad.toml"
    path.write_text(CAMPAIGN, encoding="utf-8")
    campaign = sscert.load_campaign(path)  # the caller loads the file; the case names its id
    case = {
        "campaign": campaign.id,
        "as_of": "2024-06-30",
        "people": [
            {
                "id_number": "130630194803150028",
                "entitlements": [
                    {"scheme": "enterprise_pension", "start": "2010-01", "monthly_amount": "3000"}
                ],
                "events": [{"type": "certified", "at": "2024-03-05", "channel": "consular"}],
            }
        ],
    }
    person = sscert.calculate(case, campaigns=[campaign])["people"][0]
    assert person["status"] == "certified"
    assert person["rejected_events"] == []
    assert person["totals"]["withheld"] == "0.00"
