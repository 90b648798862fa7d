"""A certification's ``operator`` (经办人) — one field of ``CertifiedIn`` — is read and checked
by ``calculate``, kept by the store and given back, and is a checked column of the batch
``events`` table: the wire class is the one place that defines it."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sscert
from sample_cases import ONE_PERSON, PERSON
from sscert.serialization import CaseIn, CertifiedIn, wire_converter
from sscert.store import SQLiteStore, case_to_records
from sscert.values.limits import MAX_TEXT

CASE: dict[str, Any] = copy.deepcopy(ONE_PERSON)
CASE["people"][0]["events"][0]["operator"] = "王安镇 李科员"


def _without_operator() -> dict[str, Any]:
    case = copy.deepcopy(CASE)
    del case["people"][0]["events"][0]["operator"]
    return case


def test_calculate_reads_it_and_decides_the_same() -> None:
    parsed = wire_converter.structure(CASE, CaseIn)
    event = parsed.people[0].events[0]
    assert isinstance(event, CertifiedIn)
    assert event.operator == "王安镇 李科员"
    assert wire_converter.unstructure(parsed)["people"][0]["events"][0]["operator"] == (
        "王安镇 李科员"
    )
    assert sscert.calculate(CASE) == sscert.calculate(_without_operator())


@pytest.mark.parametrize("bad", [5, ["李"], {"a": 1}, True, "李" * (MAX_TEXT + 1)])
def test_calculate_refuses_an_operator_that_is_not_short_text(bad: object) -> None:
    case = copy.deepcopy(CASE)
    case["people"][0]["events"][0]["operator"] = bad
    with pytest.raises(sscert.InputError) as caught:
        sscert.calculate(case)
    assert [path for path, _ in caught.value.errors] == ["people[0].events[0].operator"]


def test_the_store_keeps_it_and_gives_it_back(tmp_path: Path) -> None:
    store, _ = SQLiteStore.init(tmp_path / "s.db")
    with store:
        report = store.import_lines(json.dumps(r) for r in case_to_records(CASE))
        assert report.ok, report.rejected
        again = store.import_lines(json.dumps(r) for r in case_to_records(CASE))
        assert again.stored == 0
        case = store.case("laiyuan-2023", dt.date(2023, 6, 30))
        typed = store.load_case("laiyuan-2023", dt.date(2023, 6, 30))
        history = store.bodies_of(PERSON)
    assert case["people"][0]["events"][0]["operator"] == "王安镇 李科员"
    assert typed.invalid == ()
    assert any(body.get("operator") == "王安镇 李科员" for body in history)


@given(st.one_of(st.integers(), st.text(min_size=MAX_TEXT + 1, max_size=MAX_TEXT + 5)))
def test_the_store_refuses_a_bad_operator_and_names_it(bad: object) -> None:
    record = {
        "kind": "event", "id": "c1", "id_number": PERSON, "type": "certified",
        "at": "2023-05-02T10:00:00+08:00", "channel": "assisted", "operator": bad,
    }  # fmt: skip
    with pytest.raises(ValueError, match="operator"):
        sscert.store.parse_record(record, frozenset({"assisted"}))


def test_a_batch_events_table_takes_it_and_checks_it() -> None:
    pl = pytest.importorskip("polars")
    check_tables = pytest.importorskip("sscert.batch.tables").check_tables
    entitlements = pl.DataFrame(
        {
            "id_number": [PERSON],
            "scheme": ["enterprise_pension"],
            "start": ["2008-05"],
            "monthly_amount": ["2856.40"],
        }
    )

    def events(operator: str | None) -> Any:
        return pl.DataFrame(
            {
                "id_number": [PERSON],
                "type": ["certified"],
                "at": ["2023-05-02T10:00:00+08:00"],
                "channel": ["assisted"],
                "operator": [operator],
            },
            schema=dict.fromkeys(["id_number", "type", "at", "channel", "operator"], pl.Utf8),
        )

    assert check_tables(entitlements, events("王安镇 李科员")).problems == []
    assert check_tables(entitlements, events(None)).problems == []
    long = check_tables(entitlements, events("李" * (MAX_TEXT + 1))).problems
    assert [(table, row, column) for table, row, column, _why in long] == [
        ("events", 1, "operator")
    ]


def test_a_bad_operator_in_an_import_is_rejected_alone(tmp_path: Path) -> None:
    """Among good lines, a certification whose operator is not short text — a number,
    huge text, text that is not UTF-8 — is rejected naming ``operator``; the rest is stored."""
    good = [json.dumps(r, ensure_ascii=False) for r in case_to_records(CASE)]
    event = json.loads(good[-1])
    bad = [
        json.dumps({**event, "id": "n", "operator": 7}),
        json.dumps({**event, "id": "h", "operator": "李" * 10_000}, ensure_ascii=False),
    ]
    lines = [line.encode() for line in [bad[0], *good, bad[1]]]
    not_utf8 = json.dumps({**event, "id": "u", "operator": "?"}).encode()
    lines.insert(2, not_utf8.replace(b'"operator": "?"', b'"operator": "\xff"'))
    store, _ = SQLiteStore.init(tmp_path / "s.db")
    with store:
        report = store.import_lines(lines)
        case = store.case("laiyuan-2023", dt.date(2023, 6, 30))
    assert report.stored == len(good)
    assert len(report.rejected) == 3
    reasons = [r.reason for r in report.rejected]
    assert "operator" in reasons[0]
    assert "UTF-8" in reasons[1]
    assert "operator" in reasons[2]
    assert case["people"][0]["events"][0]["operator"] == "王安镇 李科员"
