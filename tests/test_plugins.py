"""Channels as plugins: the manager, the hooks, the built-in channels' flows end to end."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import os
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pluggy
import pytest
from click.testing import CliRunner

import sscert
from sscert.cli.app import cli
from sscert.events import CST
from sscert.plugins import (
    AliveRecord,
    ChannelServices,
    FineDecision,
    FraudLead,
    PersonInfo,
    Place,
    StaffVisit,
    certify,
    hookimpl,
    hookspecs,
    list_channels,
    make_plugin_manager,
    match_record,
    notify_status_changes,
)
from sscert.plugins.channels import yirenshe
from sscert.plugins.manager import DuplicateChannel, UnknownChannel, calculate_with_plugins
from sscert.rules.engine import evaluate
from sscert.testing import (
    StatusRecorder,
    face_of,
    plugin_manager,
    request,
    services_for,
    template_of,
    verifier_for,
)
from sscert.values.money import Money

ROOT = Path(__file__).resolve().parent.parent
HOOKS = sorted(
    name
    for name, _ in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("sscert_")
)
BUILTIN = {"hebei_renshe", "yirenshe", "assisted", "data_comparison"}
PERSON = "130630194803150028"


@pytest.fixture
def pm() -> pluggy.PluginManager:
    return make_plugin_manager(load_entrypoints=False)


@pytest.fixture
def services(pm: pluggy.PluginManager) -> ChannelServices:
    return services_for(pm)


# --- the manager and the hooks -------------------------------------------------------------


def test_every_hook_is_documented_with_its_signature() -> None:
    page = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    for name in HOOKS:
        assert f"### `{name}" in page, f"{name} has no entry in docs/plugins.md"
        for parameter in inspect.signature(getattr(hookspecs, name)).parameters:
            assert parameter in page
        assert getattr(hookspecs, name).__doc__


#: The test that exercises each hook. A new hook without an entry here fails the suite.
HOOK_TESTS = {
    "sscert_channels": "test_channels_json_contract",
    "sscert_certify": "test_certify_hebei_renshe_needs_no_registration",
    "sscert_match_record": "test_match_record_turns_a_record_into_a_certification",
    "sscert_fine_multiplier": "test_fine_multiplier_policy_plugin",
    "sscert_status_changed": "test_status_changed_is_told_to_every_plugin",
}


def test_every_hook_is_tested() -> None:
    assert set(HOOK_TESTS) == set(HOOKS)
    for test_name in HOOK_TESTS.values():
        assert callable(globals().get(test_name)), test_name


def test_no_plugin_manager_is_made_at_import_time() -> None:
    import sscert.plugins as package  # noqa: PLC0415

    assert not any(isinstance(v, pluggy.PluginManager) for v in vars(package).values())


def test_builtins_are_registered_like_any_plugin(pm: pluggy.PluginManager) -> None:
    names = {name for name, _ in pm.list_name_plugin()}
    assert {
        "sscert.hebei_renshe",
        "sscert.yirenshe",
        "sscert.assisted",
        "sscert.data_comparison",
    } <= names
    assert {c.spec.code for c in list_channels(pm)} == BUILTIN


def test_a_misspelt_hook_fails_loudly() -> None:
    class Typo:
        @hookimpl
        def sscert_chanels(self) -> list[object]:
            return []

    with pytest.raises(pluggy.PluginValidationError):
        make_plugin_manager(load_entrypoints=False, plugins=[("typo", Typo())])


def test_two_plugins_cannot_claim_one_code() -> None:
    class Copy:
        @hookimpl
        def sscert_channels(self) -> list[sscert.plugins.ChannelSpec]:
            return [sscert.plugins.ChannelSpec("yirenshe", "假易人社")]

    pm = make_plugin_manager(load_entrypoints=False, plugins=[("copy", Copy())])
    with pytest.raises(DuplicateChannel, match="yirenshe"):
        list_channels(pm)


def test_an_unknown_channel(pm: pluggy.PluginManager, services: ChannelServices) -> None:
    with pytest.raises(UnknownChannel):
        certify(pm, request("pigeon_post"), services)


def test_channels_json_contract() -> None:
    result = CliRunner().invoke(cli, ["channels", "--json"])
    assert result.exit_code == 0
    items = {item["code"]: item for item in json.loads(result.stdout)}
    assert set(items) >= BUILTIN
    for item in items.values():
        for key in ("code", "name", "plugin"):
            assert isinstance(item[key], str)
        for key in ("needs_registration", "needs_template_photo", "in_person"):
            assert isinstance(item[key], bool)
    flags = {
        code: (i["needs_registration"], i["needs_template_photo"], i["in_person"])
        for code, i in items.items()
        if code in BUILTIN
    }
    assert flags == {
        "yirenshe": (True, True, False),
        "hebei_renshe": (False, True, False),
        "assisted": (False, False, True),
        "data_comparison": (False, False, False),
    }
    text = CliRunner().invoke(cli, ["channels"])
    assert text.exit_code == 0
    assert "易人社" in text.stdout


def _fake_distribution(site: Path) -> None:
    (site / "pigeon_channel.py").write_text(
        textwrap.dedent(
            """
            from sscert.plugins import ChannelSpec, hookimpl

            @hookimpl
            def sscert_channels():
                return [ChannelSpec("pigeon_post", "信鸽", in_person=True)]
            """
        ),
        encoding="utf-8",
    )
    info = site / "pigeon_channel-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: pigeon-channel\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[sscert]\npigeon = pigeon_channel\n")


def _channels_json(extra_path: str | None) -> list[dict[str, object]]:
    env = dict(os.environ)
    if extra_path:
        env["PYTHONPATH"] = extra_path + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, "-c", "from sscert.cli import main; main()", "channels", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    items: list[dict[str, object]] = json.loads(done.stdout)
    return items


def test_an_installed_distribution_adds_its_channel_and_removing_it_removes_it(
    tmp_path: Path,
) -> None:
    _fake_distribution(tmp_path)
    with_it = {item["code"]: item for item in _channels_json(str(tmp_path))}
    assert with_it["pigeon_post"]["plugin"] == "pigeon"
    assert with_it["pigeon_post"]["distribution"] == "pigeon-channel"
    assert "pigeon_post" not in {item["code"] for item in _channels_json(None)}


# --- flows ---------------------------------------------------------------------------------


def test_certify_hebei_renshe_needs_no_registration(
    pm: pluggy.PluginManager, services: ChannelServices
) -> None:
    attempt = request("hebei_renshe", capture=face_of("王"))
    services.templates.put(attempt.id_number, template_of("王", "王建国"))
    result = certify(pm, attempt, services)
    assert result.success
    assert result.attestation is not None
    assert result.attestation.channel == "hebei_renshe"


def test_no_template_photo_sends_the_person_to_make_one(
    pm: pluggy.PluginManager, services: ChannelServices
) -> None:
    result = certify(
        pm,
        request("hebei_renshe", capture=face_of("王"), person=PersonInfo(township="王安镇")),
        services,
    )
    assert not result.success
    assert result.reason == "no_template_photo"
    assert "建模" in result.message.zh
    assert "template photo" in result.message.en
    assert result.contact is not None
    assert result.contact.phone == "0312-5367817"
    assert "0312-5367817" in result.message.zh
    by_scheme = certify(
        pm,
        request(
            "hebei_renshe",
            person=PersonInfo(schemes=(sscert.Scheme.URBAN_RURAL_RESIDENT_PENSION,)),
        ),
        services,
    )
    assert by_scheme.contact is not None
    assert by_scheme.contact.phone == "0312-7329723"


@pytest.mark.parametrize(
    ("capture", "reason"),
    [
        (face_of("王", spoof=True), "not_live"),
        (face_of("李"), "face_mismatch"),
        (None, "no_capture"),
    ],
)
def test_face_refusals_say_why(
    pm: pluggy.PluginManager, services: ChannelServices, capture: object, reason: str
) -> None:
    attempt = request("hebei_renshe", capture=capture)  # type: ignore[arg-type]
    services.templates.put(attempt.id_number, template_of("王"))
    result = certify(pm, attempt, services)
    assert not result.success
    assert result.reason == reason
    assert result.message.zh
    assert result.message.en
    assert result.attestation is None


def form(**change: object) -> yirenshe.Registration:
    values: dict[str, object] = {
        "name": "张秀英",
        "id_number": PERSON,
        "password": "laiyuan2023",
        "mobile": "13812345678",
        "mobile_again": "13812345678",
        "accepted_terms": True,
    }
    values.update(change)
    return yirenshe.Registration(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"name": " "}, "name_missing"),
        ({"id_number": "130630194803150027"}, "invalid_id_number"),
        ({"password": "short1"}, "weak_password"),
        ({"password": "onlyletters"}, "weak_password"),
        ({"mobile_again": "13812345679"}, "mobile_mismatch"),
        ({"mobile": "12345", "mobile_again": "12345"}, "invalid_mobile"),
        ({"accepted_terms": False}, "terms_not_accepted"),
    ],
)
def test_registration_mistakes(
    services: ChannelServices, change: dict[str, object], reason: str
) -> None:
    outcome = yirenshe.register(form(**change), services)
    assert not outcome.ok
    assert outcome.reason == reason
    assert outcome.message.zh
    assert outcome.message.en
    assert services.accounts.get(sscert.IdNumber.parse(PERSON)) is None


def test_yirenshe_from_registration_to_success(
    pm: pluggy.PluginManager, services: ChannelServices
) -> None:
    assert yirenshe.register(form(), services).ok
    again = yirenshe.register(form(), services)
    assert again.reason == "already_registered"
    assert yirenshe.login("130630194803150029", "x", services).reason == "invalid_id_number"
    assert yirenshe.login("11010519491231002X", "x", services).reason == "not_registered"
    assert yirenshe.login(PERSON, "wrong", services).reason == "wrong_password"
    logged = yirenshe.login(PERSON, "laiyuan2023", services)
    assert logged.ok
    assert logged.session

    not_logged = certify(pm, request("yirenshe", capture=face_of("张")), services)
    assert not_logged.reason == "not_logged_in"

    page = yirenshe.identity_page(logged.session, services)
    assert page is not None
    assert not page.has_template_photo
    assert "建模" in page.message.zh
    no_template = certify(
        pm, request("yirenshe", capture=face_of("张"), session=logged.session), services
    )
    assert no_template.reason == "no_template_photo"

    services.templates.put(sscert.IdNumber.parse(PERSON), template_of("张", "张秀英"))
    page = yirenshe.identity_page(logged.session, services)
    assert page is not None
    assert page.has_template_photo
    assert page.name == "张秀英"
    other = certify(
        pm,
        request(
            "yirenshe",
            id_number="11010519491231002X",
            capture=face_of("张"),
            session=logged.session,
        ),
        services,
    )
    assert other.reason == "other_person"
    done = certify(pm, request("yirenshe", capture=face_of("张"), session=logged.session), services)
    assert done.success
    assert "恭喜您认证成功" in done.message.zh
    assert yirenshe.identity_page("nonsense", services) is None


def test_assisted_at_home_and_making_the_template_photo(
    pm: pluggy.PluginManager, services: ChannelServices
) -> None:
    refused = certify(pm, request("assisted"), services)
    assert refused.reason == "no_staff"
    visit = StaffVisit("staff-017", Place.HOME, "东团堡乡某村", make_template=True)
    result = certify(
        pm,
        request("assisted", staff=visit, capture=face_of("李"), person=PersonInfo(name="李德福")),
        services,
    )
    assert result.success
    assert result.template_made
    assert "上门认证" in result.message.zh
    assert result.attestation is not None
    # the template photo made at home lets the app work next time
    photo = services.templates.get(sscert.IdNumber.parse(PERSON))
    assert photo is not None
    assert photo.made_by == "staff-017"
    app = certify(pm, request("hebei_renshe", capture=face_of("李")), services)
    assert app.success
    no_photo = certify(
        pm,
        request("assisted", staff=StaffVisit("s", Place.TOWNSHIP_OFFICE, make_template=True)),
        services,
    )
    assert no_photo.reason == "no_capture"


def test_match_record_turns_a_record_into_a_certification(
    pm: pluggy.PluginManager, services: ChannelServices
) -> None:
    campaign = sscert.load_campaign("laiyuan-2023")
    record = AliveRecord(
        sscert.IdNumber.parse(PERSON), "medical_insurance", dt.date(2023, 3, 1), "YB-1"
    )
    match = match_record(pm, record, campaign, services)
    assert match is not None
    assert match.event.channel == "data_comparison"
    assert match.event.on == dt.date(2023, 3, 1)
    assert "医保结算" in match.notice.zh
    assert "2023年3月1日" in match.notice.zh
    assert match.notice.zh.startswith("【涞源县人社局】")
    assert len(match.notice.zh) <= 70
    assert match.attestation is not None
    verifier = verifier_for(services)
    # Laiyuan 2023 does not accept data matching: the verifier says so
    with pytest.raises(sscert.attestation.AttestationRefused, match="does not accept"):
        verifier.verify(match.attestation, id_number=record.id_number, campaign=campaign)
    unknown = AliveRecord(record.id_number, "horoscope", dt.date(2023, 3, 1), "x")
    assert match_record(pm, unknown, campaign, services) is None
    attempt = certify(pm, request("data_comparison"), services)
    assert attempt.reason == "not_an_attempt"


@pytest.mark.parametrize(
    "expected",
    [
        (("urban_rural_resident_pension",), "0312-7329723", "0312-7315640"),
        (("enterprise_pension",), "0312-7315640", "0312-7329723"),
        (("work_injury_periodic",), "0312-7315640", "0312-7329723"),
        ((), "12333", "0312-73"),
    ],
)
@pytest.mark.parametrize("source", ["hospital", "rail", "air", "bank", "medical_insurance"])
def test_the_data_matching_sms_gives_the_line_of_the_persons_scheme(
    pm: pluggy.PluginManager,
    services: ChannelServices,
    expected: tuple[tuple[str, ...], str, str],
    source: str,
) -> None:
    schemes, line, other = expected
    campaign = sscert.load_campaign("laiyuan-2023")
    record = AliveRecord(
        sscert.IdNumber.parse(PERSON), source, dt.date(2023, 12, 31), "R-1", schemes=schemes
    )
    match = match_record(pm, record, campaign, services)
    assert match is not None
    text = match.notice.zh
    assert len(text) <= 70
    assert text.startswith("【涞源县人社局】")
    assert f"咨询{line}。" in text
    assert other not in text
    assert "2023年12月31日" in text
    assert text.endswith("认证不收费，谨防诈骗")
    assert "APP" not in text.upper()


def test_an_alive_record_refuses_an_unknown_scheme() -> None:
    with pytest.raises(ValueError, match="horoscope"):
        AliveRecord(
            sscert.IdNumber.parse(PERSON), "rail", dt.date(2023, 3, 1), "x", schemes=("horoscope",)
        )


def test_the_same_record_twice_is_a_replay(
    pm: pluggy.PluginManager, services: ChannelServices
) -> None:
    campaign = sscert.load_campaign(ROOT / "examples" / "rolling-hebei-2024.toml")
    record = AliveRecord(sscert.IdNumber.parse(PERSON), "rail", dt.date(2024, 5, 2), "G123")
    verifier = verifier_for(services)
    first = match_record(pm, record, campaign, services)
    second = match_record(pm, record, campaign, services)
    assert first is not None
    assert second is not None
    assert first.attestation is not None
    assert second.attestation is not None
    verifier.verify(first.attestation, id_number=record.id_number, campaign=campaign)
    with pytest.raises(sscert.attestation.AttestationRefused, match="replay"):
        verifier.verify(second.attestation, id_number=record.id_number, campaign=campaign)


def test_only_a_verified_attestation_counts_in_calculate(
    pm: pluggy.PluginManager, services: ChannelServices
) -> None:
    campaign = sscert.load_campaign("laiyuan-2023")
    attempt = request(
        "hebei_renshe", capture=face_of("王"), at=dt.datetime(2023, 3, 25, 23, 0, tzinfo=CST)
    )
    services.templates.put(attempt.id_number, template_of("王"))
    result = certify(pm, attempt, services)
    assert result.attestation is not None
    event = verifier_for(services).verify(
        result.attestation, id_number=attempt.id_number, campaign=campaign
    )
    case = {
        "campaign": "laiyuan-2023",
        "as_of": "2023-06-30",
        "people": [
            {
                "id_number": PERSON,
                "entitlements": [
                    {"scheme": "enterprise_pension", "start": "2008-05", "monthly_amount": "1000"}
                ],
                "events": [
                    {"type": "certified", "at": event.at.isoformat(), "channel": event.channel}
                ],
            }
        ],
    }
    assert sscert.calculate(case)["people"][0]["certified_on"] == "2023-03-25"


class ThreeTimes:
    """A regional discretion policy for the test: 3× when the amount at stake is large."""

    def __init__(self) -> None:
        self.leads: list[FraudLead] = []

    @hookimpl
    def sscert_fine_multiplier(self, campaign: object, lead: FraudLead) -> FineDecision | None:
        self.leads.append(lead)
        if lead.at_stake < Money("1000.00"):
            return None
        return FineDecision(Decimal(3), "test policy: 3× above 1000 yuan")


class SixTimes:
    @hookimpl
    def sscert_fine_multiplier(self, campaign: object, lead: object) -> FineDecision:
        return FineDecision(Decimal(6), "beyond the law")


FRAUD = (
    json.loads(
        (
            ROOT.parent / "shared" / "conformance" / "07-certified-after-death-fraud.case.json"
        ).read_text("utf-8")
    )
    if (ROOT.parent / "shared" / "conformance").is_dir()
    else {
        "campaign": "laiyuan-2023",
        "as_of": "2023-10-31",
        "people": [
            {
                "id_number": "130630196911300029",
                "entitlements": [
                    {
                        "scheme": "enterprise_pension",
                        "start": "2008-05",
                        "monthly_amount": "2950.10",
                    }
                ],
                "events": [
                    {"type": "died", "on": "2023-01-20", "reported_on": "2023-09-05"},
                    {"type": "certified", "at": "2023-03-01T10:00:00Z", "channel": "hebei_renshe"},
                ],
            }
        ],
    }
)


def test_fine_multiplier_policy_plugin(tmp_path: Path) -> None:
    plain = make_plugin_manager(load_entrypoints=False)
    assert calculate_with_plugins(FRAUD, plain) == sscert.calculate(FRAUD)
    three = ThreeTimes()
    policy = make_plugin_manager(load_entrypoints=False, plugins=[("three", three)])
    person = calculate_with_plugins(FRAUD, policy)["people"][0]
    # the statutory range stays as it is; the suggestion is recorded beside it, not applied
    assert person["penalty"] == sscert.calculate(FRAUD)["people"][0]["penalty"]
    suggestion = person["fine_suggestion"]
    assert suggestion["multiplier"] == "3"
    assert suggestion["fine"] == "70802.40"
    assert suggestion["reason"] == "test policy: 3× above 1000 yuan"
    assert suggestion["policy"] == "three"
    assert suggestion["decided_by"] == "社会保险行政部门"
    fraud = [d for d in person["decisions"] if d["rule"] == "C11"]
    assert "suggests 3×" in fraud[0]["reason"]
    assert three.leads[0].at_stake == Money("23600.80")
    assert three.leads[0].evidence_channels == ("hebei_renshe",)
    outlaw = make_plugin_manager(load_entrypoints=False, plugins=[("six", SixTimes())])
    with pytest.raises(ValueError, match="2 to 5"):
        calculate_with_plugins(FRAUD, outlaw)
    # the same suggestion from the batch engine, and from a store's calculation and report
    from sscert.batch import evaluate_batch, from_case, to_result_dict  # noqa: PLC0415
    from sscert.plugins import fine_policy  # noqa: PLC0415
    from sscert.reports import take_snapshot  # noqa: PLC0415
    from sscert.store import SQLiteStore, case_to_records  # noqa: PLC0415

    parsed = sscert.contract.parse_case(FRAUD)
    batch = to_result_dict(
        parsed.as_of,
        evaluate_batch(
            from_case(parsed), parsed.campaign, parsed.as_of, fine_policy=fine_policy(policy)
        ),
    )
    assert batch["people"][0]["fine_suggestion"] == suggestion
    store, _ = SQLiteStore.init(tmp_path / "s.db")
    with store:
        store.import_lines(json.dumps(r) for r in case_to_records(FRAUD))
        snapshot = take_snapshot(
            store, parsed.campaign, parsed.as_of, fine_policy=fine_policy(policy)
        )
    assert snapshot.results[0].penalty is not None
    assert snapshot.results[0].penalty.suggestion_dict() == suggestion


def test_status_changed_is_told_to_every_plugin() -> None:
    first, second = StatusRecorder(), StatusRecorder()
    pm = plugin_manager(first, load_entrypoints=False)
    pm.register(second, name="second")
    parsed = sscert.contract.parse_case(
        {
            "campaign": "laiyuan-2023",
            "as_of": "2023-03-01",
            "people": [
                {
                    "id_number": PERSON,
                    "entitlements": [
                        {"scheme": "enterprise_pension", "start": "2008-05", "monthly_amount": "10"}
                    ],
                    "events": [],
                }
            ],
        }
    )
    person = parsed.people[0]
    before = [evaluate(parsed.campaign, person, dt.date(2023, 3, 1))]
    after = [evaluate(parsed.campaign, person, dt.date(2023, 4, 2))]
    changes = notify_status_changes(pm, parsed.campaign, before, after)
    assert [(c.old, c.new) for c in changes] == [("pending", "suspended")]
    assert first.changes == changes
    assert second.changes == changes
    assert notify_status_changes(pm, parsed.campaign, after, after) == []
