"""Bad input to ``calculate`` raises InputError naming the path of the bad field; the
command exits 2 with that message on stderr and nothing on stdout."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import sscert
from sscert.cli.app import cli

GOOD: dict[str, Any] = {
    "campaign": "laiyuan-2023",
    "as_of": "2023-06-30",
    "people": [
        {
            "id_number": "130630194709043330",
            "entitlements": [
                {"scheme": "enterprise_pension", "start": "2008-05", "monthly_amount": "2856.40"}
            ],
            "events": [],
        },
        {
            "id_number": "130630194209142463",
            "name": "示例",
            "township": "涞源镇",
            "entitlements": [
                {
                    "scheme": "enterprise_pension",
                    "start": "2008-05",
                    "monthly_amount": "2856.40",
                    "changes": [{"from": "2023-01", "monthly_amount": "2950.10"}],
                },
                {"scheme": "work_injury_periodic", "start": "2020-11", "monthly_amount": "960"},
            ],
            "events": [
                {"type": "certified", "at": "2023-03-02T09:30:00+08:00", "channel": "yirenshe"},
                {"type": "died", "on": "2023-05-14", "reported_on": "2023-08-02"},
            ],
        },
    ],
}


def mutate(change: Any) -> dict[str, Any]:
    case = copy.deepcopy(GOOD)
    change(case)
    return case


def set_in(path: list[Any], value: Any) -> Any:
    def change(case: dict[str, Any]) -> None:
        target: Any = case
        for step in path[:-1]:
            target = target[step]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return change


P1 = ["people", 1]
E0 = [*P1, "entitlements", 0]
EV0 = [*P1, "events", 0]
EV1 = [*P1, "events", 1]

BAD = [
    ("invalid id", set_in([*P1, "id_number"], "130630194209142462"), "people[1].id_number"),
    ("id length", set_in([*P1, "id_number"], "1306301942"), "people[1].id_number"),
    ("unknown scheme", set_in([*E0, "scheme"], "pension"), "people[1].entitlements[0].scheme"),
    (
        "amount zero",
        set_in([*E0, "monthly_amount"], "0.00"),
        "people[1].entitlements[0].monthly_amount",
    ),
    (
        "amount negative",
        set_in([*E0, "monthly_amount"], "-1.00"),
        "people[1].entitlements[0].monthly_amount",
    ),
    (
        "amount 3 decimals",
        set_in([*E0, "monthly_amount"], "2856.405"),
        "people[1].entitlements[0].monthly_amount",
    ),
    (
        "amount float",
        set_in([*E0, "monthly_amount"], 2856.4),
        "people[1].entitlements[0].monthly_amount",
    ),
    (
        "amount missing",
        set_in([*E0, "monthly_amount"], KeyError),
        "people[1].entitlements[0].monthly_amount",
    ),
    (
        "change amount",
        set_in([*E0, "changes", 0, "monthly_amount"], "0"),
        "people[1].entitlements[0].changes[0].monthly_amount",
    ),
    (
        "change month",
        set_in([*E0, "changes", 0, "from"], "2023-13"),
        "people[1].entitlements[0].changes[0].from",
    ),
    ("bad start", set_in([*E0, "start"], "May 2008"), "people[1].entitlements[0].start"),
    ("end before start", set_in([*E0, "end"], "2001-01"), "people[1].entitlements[0].end"),
    ("unknown channel", set_in([*EV0, "channel"], "wechat"), "people[1].events[0].channel"),
    ("unknown event type", set_in([*EV0, "type"], "moved"), "people[1].events[0].type"),
    ("bad at", set_in([*EV0, "at"], "2023-02-30"), "people[1].events[0].at"),
    ("bad died on", set_in([*EV1, "on"], "14/05/2023"), "people[1].events[1].on"),
    (
        "reported before death",
        set_in([*EV1, "reported_on"], "2023-05-13"),
        "people[1].events[1].reported_on",
    ),
    ("missing as_of", set_in(["as_of"], KeyError), "as_of"),
    ("bad as_of", set_in(["as_of"], "yesterday"), "as_of"),
    ("bad from", set_in(["from"], "2023"), "from"),
    ("unknown campaign", set_in(["campaign"], "atlantis-2099"), "campaign"),
    ("people not a list", set_in(["people"], {"a": 1}), "people"),
]


@pytest.mark.parametrize(("change", "path"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_names_the_path(change: Any, path: str) -> None:
    with pytest.raises(sscert.InputError) as caught:
        sscert.calculate(mutate(change))
    assert isinstance(caught.value, ValueError)
    assert any(p == path for p, _ in caught.value.errors), caught.value.errors
    assert path in str(caught.value)


def test_good_case_is_good() -> None:
    assert len(sscert.calculate(GOOD)["people"]) == 2


def test_duplicate_person() -> None:
    def change(case: dict[str, Any]) -> None:
        case["people"].append(copy.deepcopy(case["people"][0]))

    with pytest.raises(sscert.InputError, match=r"people\[2\]\.id_number"):
        sscert.calculate(mutate(change))


def test_a_15_digit_duplicate_of_an_18_digit_person() -> None:
    def change(case: dict[str, Any]) -> None:
        extra = copy.deepcopy(case["people"][0])
        extra["id_number"] = "110105491231002"
        other = copy.deepcopy(case["people"][0])
        other["id_number"] = "11010519491231002X"
        case["people"] += [extra, other]

    with pytest.raises(sscert.InputError, match=r"people\[3\]\.id_number"):
        sscert.calculate(mutate(change))


def test_duplicate_scheme() -> None:
    def change(case: dict[str, Any]) -> None:
        ents = case["people"][1]["entitlements"]
        ents.append(copy.deepcopy(ents[1]))

    with pytest.raises(sscert.InputError, match=r"people\[1\]\.entitlements\[2\]\.scheme"):
        sscert.calculate(mutate(change))


def test_two_changes_in_one_month() -> None:
    def change(case: dict[str, Any]) -> None:
        changes = case["people"][1]["entitlements"][0]["changes"]
        changes.append({"from": "2023-01", "monthly_amount": "3000.00"})

    with pytest.raises(
        sscert.InputError, match=r"people\[1\]\.entitlements\[0\]\.changes\[1\]\.from"
    ):
        sscert.calculate(mutate(change))


def test_second_death() -> None:
    def change(case: dict[str, Any]) -> None:
        case["people"][1]["events"].append(
            {"type": "died", "on": "2023-06-01", "reported_on": "2023-06-02"}
        )

    with pytest.raises(sscert.InputError, match=r"people\[1\]\.events\[2\]"):
        sscert.calculate(mutate(change))


def test_messages_mask_id_numbers() -> None:
    def change(case: dict[str, Any]) -> None:
        case["people"].append(copy.deepcopy(case["people"][0]))

    with pytest.raises(sscert.InputError) as caught:
        sscert.calculate(mutate(change))
    assert "130630194709043330" not in str(caught.value)


def test_a_15_digit_number_comes_back_upgraded() -> None:
    case = mutate(set_in(["people", 0, "id_number"], "110105491231002"))
    assert sscert.calculate(case)["people"][0]["id_number"] == "11010519491231002X"


def test_the_command_exits_2_with_the_path_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(mutate(set_in([*E0, "monthly_amount"], "0"))), encoding="utf-8")
    result = CliRunner().invoke(cli, ["calculate", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "people[1].entitlements[0].monthly_amount" in result.stderr


def test_the_command_prints_what_calculate_returns(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(GOOD, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(cli, ["calculate", str(path)])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == sscert.calculate(GOOD)
    out = tmp_path / "out.json"
    result = CliRunner().invoke(cli, ["calculate", str(path), "-o", str(out)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8")) == sscert.calculate(GOOD)


def test_the_command_refuses_a_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(cli, ["calculate", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "not JSON" in result.stderr


@given(
    st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True),
    st.sampled_from(["\n", "\r\n", " ", "\t", "\x00", "é", "-", "\u2028"]),
)
def test_a_channel_code_is_only_its_own_characters(code: str, tail: str) -> None:
    """A channel code is lowercase letters, digits and ``_``, nothing after them: not even
    a line break a regular expression's ``$`` would let through (a campaign file's TOML
    string, a case's ``channel``)."""
    from sscert.channels import is_channel_code  # noqa: PLC0415

    assert is_channel_code(code)
    assert not is_channel_code(code + tail)
    case = copy.deepcopy(GOOD)
    case["people"][0]["events"] = [
        {"type": "certified", "at": "2023-03-01", "channel": code + tail}
    ]
    with pytest.raises(sscert.InputError) as raised:
        sscert.calculate(case)
    assert raised.value.errors[0][0] == "people[0].events[0].channel"
