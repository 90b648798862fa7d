from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sscert import CampaignError, Scheme, load_campaign
from sscert.campaigns import ContactKind, bundled_campaigns

SEED_TOWNSHIPS = {
    "涞源镇": "0312-7321934",
    "泉坊镇": "0312-5368001",
    "北石佛镇": "0312-7340239",
    "水堡镇": "0312-7341031",
    "南屯镇": "0312-7396008",
    "白石山镇": "0312-7380299",
    "金家井乡": "0312-7366527",
    "留家庄乡": "0312-4835795",
    "杨家庄镇": "0312-7391234",
    "王安镇": "0312-5367817",
    "塔崖驿乡": "0312-7370001",
    "银坊镇": "0312-7351005",
    "南马庄乡": "0312-7335004",
    "上庄乡": "0312-7361669",
    "东团堡乡": "0312-7336011",
    "走马驿镇": "0312-7381108",
    "乌龙沟乡": "0312-7338001",
    "涞钢涞铜社区": "0312-7388123",
}


def test_laiyuan_2023_is_the_seed() -> None:
    campaign = load_campaign("laiyuan-2023")
    assert campaign.id == "laiyuan-2023"
    assert campaign.window is not None
    assert campaign.window.start == dt.date(2023, 2, 10)
    assert campaign.window.end == dt.date(2023, 3, 25)
    assert set(campaign.channels) == {"hebei_renshe", "yirenshe", "assisted"}
    assert set(campaign.schemes) == set(Scheme)
    assert campaign.payroll_day == 1
    townships = {c.name: c.phone for c in campaign.contacts if c.kind is ContactKind.TOWNSHIP}
    assert townships == SEED_TOWNSHIPS
    assert all("王安镇镇" not in c.name for c in campaign.contacts)
    for contact in campaign.contacts:
        assert isinstance(contact.name, str)
        assert isinstance(contact.phone, str)
        assert contact.reference


@pytest.mark.parametrize(
    ("scheme", "phone"),
    [
        ("urban_rural_resident_pension", "0312-7329723"),
        ("public_sector_pension", "0312-7315640"),
        ("enterprise_pension", "0312-7315640"),
        ("work_injury_periodic", "0312-7315640"),
        ("work_injury_survivor", "0312-7315640"),
    ],
)
def test_hotline_for_each_scheme(scheme: str, phone: str) -> None:
    campaign = load_campaign("laiyuan-2023")
    assert campaign.hotline_for(Scheme(scheme)).phone == phone
    assert Scheme(scheme).enquiry_line.value in ("social_insurance", "resident_insurance")


def test_every_value_carries_a_reference() -> None:
    campaign = load_campaign("laiyuan-2023")
    for key in ("campaign", "window", "channels", "schemes", "payroll"):
        assert campaign.references[key].strip()


GOOD = """
id = "my-county-2024"
reference = "my notice"
[window]
start = 2024-03-01
end = 2024-04-30
reference = "notice 二"
[channels]
accepted = ["hebei_renshe", "assisted"]
reference = "notice 三"
[schemes]
covered = ["enterprise_pension"]
reference = "notice 一"
[payroll]
day = 15
reference = "notice"
"""


def test_a_users_own_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(GOOD, encoding="utf-8")
    campaign = load_campaign(path)
    assert campaign.id == "my-county-2024"
    assert campaign.payroll_day == 15
    assert load_campaign(str(path)) == campaign


def test_a_rolling_campaign(tmp_path: Path) -> None:
    text = GOOD.replace(
        '[window]\nstart = 2024-03-01\nend = 2024-04-30\nreference = "notice 二"',
        '[cycle]\nmonths = 12\nreference = "人社厅发〔2018〕54号"\n'
        "[cycle.by_scheme]\nurban_rural_resident_pension = 6",
    )
    path = tmp_path / "rolling.toml"
    path.write_text(text, encoding="utf-8")
    campaign = load_campaign(path)
    assert campaign.window is None
    assert campaign.cycle is not None
    assert campaign.cycle.months_for({Scheme.ENTERPRISE_PENSION}) == 12
    assert (
        campaign.cycle.months_for({Scheme.ENTERPRISE_PENSION, Scheme.URBAN_RURAL_RESIDENT_PENSION})
        == 6
    )


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (("day = 15", "day = 31"), "payroll.day", "1 to 28"),
        (("day = 15", 'day = "15"'), "payroll.day", "integer"),
        (('"enterprise_pension"]', '"pension"]'), "schemes.covered[0]", "unknown scheme"),
        (("start = 2024-03-01", "start = 2024-05-01"), "window.end", "before"),
        (
            ('accepted = ["hebei_renshe", "assisted"]', 'accepted = ["Bad Code"]'),
            "channels.accepted[0]",
            "channel code",
        ),
        (('reference = "notice 三"', 'reference = ""'), "channels.reference", "empty"),
        (('id = "my-county-2024"', 'id = "my-county-2024"\ncolour = "red"'), "colour", "unknown"),
        (("start = 2024-03-01", 'start = "March"'), "window.start", "date"),
        (("[payroll]\nday = 15\n", "[payroll]\n"), "payroll.day", "missing"),
    ],
)
def test_a_bad_file_names_file_key_and_problem(
    tmp_path: Path, change: tuple[str, str], key: str, problem: str
) -> None:
    path = tmp_path / "bad.toml"
    assert change[0] in GOOD
    path.write_text(GOOD.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(CampaignError) as caught:
        load_campaign(path)
    message = str(caught.value)
    assert str(path) in message
    assert key in message
    assert problem in message
    assert isinstance(caught.value, ValueError)


def test_not_toml(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("id = [", encoding="utf-8")
    with pytest.raises(CampaignError, match="not valid TOML"):
        load_campaign(path)


def test_unknown_campaign() -> None:
    with pytest.raises(CampaignError, match="no bundled campaign"):
        load_campaign("atlantis-2099")


def test_the_bundled_ids_are_a_new_list_each_time() -> None:
    first = bundled_campaigns()
    assert "laiyuan-2023" in first
    first.clear()
    assert "laiyuan-2023" in bundled_campaigns()
    assert load_campaign("laiyuan-2023").id == "laiyuan-2023"
