"""The rule catalogue lists every rule once, and what it names exists: the modules, the batch
engine's stages, the law register's articles, the campaign's citations, and a paragraph of
docs/rules.md for each rule."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import sscert
from sscert.law import citation
from sscert.rules.catalogue import CATALOGUE, entry
from sscert.rules.decisions import Rule

RULES_DOC = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_every_rule_is_catalogued_once() -> None:
    assert [e.rule for e in CATALOGUE] == list(Rule)
    with pytest.raises(KeyError):
        entry("C99")


@pytest.mark.parametrize("item", CATALOGUE, ids=lambda e: e.code)
def test_what_the_catalogue_names_exists(item: object) -> None:
    from sscert.rules.catalogue import RuleEntry  # noqa: PLC0415

    assert isinstance(item, RuleEntry)
    importlib.import_module(item.module)
    if item.batch_stage is not None:
        pytest.importorskip("polars")
        modules = [
            importlib.import_module(m) for m in ("sscert.batch.engine", "sscert.batch.tables")
        ]
        assert any(hasattr(m, item.batch_stage) for m in modules), item.batch_stage
    campaign = sscert.load_campaign("laiyuan-2023")
    for source in item.sources:
        kind, _colon, key = source.partition(":")
        if kind == "campaign":
            assert campaign.citation(key).text
        else:
            instrument, _slash, article = source.partition("/")
            assert citation(instrument, article).text
    assert f"{item.code} {item.title}" in RULES_DOC.read_text(encoding="utf-8"), item.code
