"""C13: the law as dated data. Every decision cites only what was in force on the date of the
fact it decides; every verbatim text is the register's, and the notice's own words."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import sscert
from example_campaigns import CAMPAIGNS
from sscert import strategies as sst
from sscert.cli.app import cli
from sscert.law import citation, register

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
NOTICE = SHARED / "notice" / "laiyuan-2023-notice.txt"
SCENARIOS = sorted((ROOT / "tests" / "scenarios").glob("*.json"))
CONFORMANCE = sorted((SHARED / "conformance").glob("*.case.json"))


def _cases() -> list[tuple[str, dict[str, Any], list[sscert.Campaign]]]:
    found = []
    for path in SCENARIOS:
        case = json.loads(path.read_text(encoding="utf-8"))["case"]
        campaigns = []
        if str(case["campaign"]).endswith(".toml"):
            campaign = sscert.load_campaign(path.parent / case["campaign"])
            campaigns.append(campaign)
            case = {**case, "campaign": campaign.id}
        found.append((path.stem, case, campaigns))
    for path in CONFORMANCE:
        found.append((path.stem, json.loads(path.read_text(encoding="utf-8")), []))
    found.append(
        (
            "example",
            json.loads((ROOT / "examples" / "laiyuan-2023-case.json").read_text("utf-8")),
            [],
        )
    )
    return found


def check_citations(result: dict[str, Any]) -> int:
    """Every citation of every decision: in force on the decision's date (for the law),
    labelled, and with the register's own text. Returns how many were checked."""
    checked = 0
    for person in result["people"]:
        for decision in person["decisions"]:
            for cited in decision["citations"]:
                checked += 1
                assert cited["label"] in ("原文", "原文摘录", "摘要")
                if cited["scope"] == "law":
                    assert decision["on"] is not None, decision
                    assert cited["in_force"] is not None
                    assert cited["in_force"] <= decision["on"], (decision["reason"], cited["ref"])
                    assert cited["out_of_force"] is None or decision["on"] < cited["out_of_force"]
                if cited["key"]:
                    instrument_id, _, key = cited["key"].partition("/")
                    assert citation(instrument_id, key).text == cited["text"]
                else:
                    assert cited["scope"] == "campaign-data"
                    assert not cited["verbatim"], "a campaign file's own words are a summary"
        for lead in person.get("review", []):
            for cited in lead["citations"]:
                assert cited["label"] in ("原文", "原文摘录", "摘要")
    return checked


@pytest.mark.parametrize(
    ("name", "case", "campaigns"), _cases(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_decision_cites_only_what_was_in_force(
    name: str, case: dict[str, Any], campaigns: list[sscert.Campaign]
) -> None:
    assert check_citations(sscert.calculate(case, campaigns=campaigns)) > 0


ANY = st.one_of(
    sst.cases(),
    sst.cases(
        "hebei-2024",
        min_day=dt.date(2023, 6, 1),
        max_day=dt.date(2026, 6, 30),
        typical_as_of_from=dt.date(2024, 1, 1),
    ),
    sst.cases(
        CAMPAIGNS[0],
        min_day=dt.date(2023, 6, 1),
        max_day=dt.date(2025, 12, 31),
        typical_as_of_from=dt.date(2024, 1, 1),
    ),
)


@settings(max_examples=200)
@given(ANY)
def test_citations_are_in_force_on_generated_cases(case: dict[str, Any]) -> None:
    check_citations(sscert.calculate(case, campaigns=CAMPAIGNS))


def test_the_regulation_is_never_cited_before_it_came_into_force() -> None:
    case = json.loads((ROOT / "examples" / "laiyuan-2023-case.json").read_text("utf-8"))
    text = json.dumps(sscert.calculate(case), ensure_ascii=False)
    # every fact of the 2023 example is before 2023-12-01
    assert "社会保险经办条例" not in text.replace("社会保险经办条例 第二十五条 came into force", "")


def test_the_register_is_well_formed() -> None:
    instruments = register()
    assert {"social-insurance-law", "handling-regulation", "laiyuan-2023-notice"} <= set(
        instruments
    )
    assert instruments["handling-regulation"].in_force == dt.date(2023, 12, 1)
    for instrument in instruments.values():
        assert instrument.articles, instrument.id
        for article in instrument.articles.values():
            assert article.text.strip()
            assert article.label in ("原文", "原文摘录", "摘要")


@pytest.mark.skipif(not NOTICE.is_file(), reason="the notice is not beside the checkout")
def test_the_notice_is_quoted_in_its_own_words() -> None:
    text = NOTICE.read_text(encoding="utf-8")
    notice = register()["laiyuan-2023-notice"]
    for article in notice.articles.values():
        assert article.verbatim
        assert article.text in text, article.article


def test_the_docs_quote_only_the_registers_words() -> None:
    """A quotation in 「」 in docs/rules.md is a verbatim article (or part of one)."""
    verbatim = [a.text for i in register().values() for a in i.articles.values() if a.verbatim]
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    quotes = re.findall(r"「(.*?)」", page, flags=re.S)
    assert quotes
    for quote in quotes:
        joined = "".join(quote.split())
        assert any(joined in "".join(v.split()) for v in verbatim), quote


def test_seed_appears_nowhere() -> None:
    """The notice is cited by its title, 涞源县社会保险待遇领取资格认证通知 (2023), and its
    section; never as "seed". (``sscert demo --seed`` is the random seed of the synthetic
    campaign, a different word.)"""
    word = re.compile(r"\bseed\b", re.IGNORECASE)
    for folder in (ROOT / "src" / "sscert", ROOT / "docs", ROOT / "examples"):
        for path in folder.rglob("*"):
            if path.suffix not in (".py", ".md", ".toml", ".json", ".html") or path.name in (
                "demo.py",
            ):
                continue
            text = path.read_text(encoding="utf-8")
            assert not word.search(text), path
    shown = CliRunner().invoke(cli, ["campaign", "show", "laiyuan-2023"])
    assert not word.search(shown.output)
    case = json.loads((ROOT / "examples" / "laiyuan-2023-case.json").read_text("utf-8"))
    assert not word.search(json.dumps(sscert.calculate(case), ensure_ascii=False))
