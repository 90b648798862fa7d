"""Fuzzing the edges: mutated cases and store lines give ``InputError`` or a valid result,
rejected lines or stored ones — never another exception, and a store fed anything still
calculates."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import sscert
from sscert import strategies as sst
from sscert.calculate import calculate_case
from sscert.store import SQLiteStore, case_to_records, load_case


def _deep(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


POISON = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "1E+2",
            "2,8,5,6",
            "1" * 30,
            "１２３",
            "٢٠٢٣-٠١-٠١",
            "２０２３-０３-０１",
            "9999-12-31",
            "0001-01-01",
            "9999-12-31T23:59:59-14:00",
            "0001-01-01T00:00:00+14:00",
            "2023-02-30",
            "2023-13",
            "1899-12",
            "2101-01",
            "NaN",
            "Infinity",
            "-0.00",
            "1000000.01",
            "999999999999.99",
            "x" * 300,
            "../../etc/passwd",
            '=HYPERLINK("http://x")',
            "130630194803150028",
            "hebei_renshe",
            "died",
            "certified",
        ]
    ),
    st.just(_deep(40)),
    st.just([]),
    st.just({}),
    st.lists(st.integers(), max_size=3),
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


def _id_like(data: Any) -> set[str]:
    """Every text in ``data`` that looks like a full ID number."""
    found = set()
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and re.fullmatch(r"[0-9]{17}[0-9Xx]|[0-9]{15}", item.strip()):
            found.add(item.strip())
    return found


@st.composite
def mutated(draw: st.DrawFn, base: Any) -> Any:
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent: Any = data
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = copy.deepcopy(draw(POISON))
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            key = draw(st.sampled_from(["extra", "type", "from", "end", "at"]))
            parent[key] = copy.deepcopy(draw(POISON))
        else:
            parent.append(copy.deepcopy(draw(POISON)))
    return data


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_calculate_gives_input_error_or_a_result(data: st.DataObject) -> None:
    case = data.draw(mutated(data.draw(sst.cases(max_people=2))))
    note(repr(case)[:2000])
    outcome: dict[str, Any] | sscert.InputError
    try:
        outcome = sscert.calculate(case)
    except sscert.InputError as error:
        outcome = error
    if isinstance(outcome, sscert.InputError):
        assert outcome.errors, "an InputError names at least one path"
        assert all(isinstance(path, str) for path, _ in outcome.errors)
        assert all(isinstance(problem, str) for _, problem in outcome.errors)
        for number in _id_like(case):
            assert number not in str(outcome), "an ID number in a message is masked"
    else:
        assert isinstance(outcome, dict)
        json.dumps(outcome)  # plain JSON-ready data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_store_fed_anything_stores_or_rejects_and_still_calculates(
    data: st.DataObject,
) -> None:
    case = data.draw(sst.cases(max_people=3))
    records = case_to_records(case)
    lines: list[str | bytes] = []
    for original in records:
        record = data.draw(mutated(original)) if data.draw(st.integers(0, 3)) == 0 else original
        text = json.dumps(record, ensure_ascii=False)
        if data.draw(st.integers(0, 20)) == 0:
            lines.append(text.encode() + b"\xff\xfe")  # not UTF-8
        else:
            lines.append(text)
    with tempfile.TemporaryDirectory() as folder:
        store, _ = SQLiteStore.init(Path(folder) / "fuzz.db")
        with store:
            report = store.import_lines(lines)
            assert report.stored + report.present + len(report.rejected) >= 0
            rejected = {r.line for r in report.rejected}
            assert all(1 <= n <= len(lines) for n in rejected)
            assert store.verify() is None
            stored = load_case(
                store, sscert.load_campaign("laiyuan-2023"), dt.date.fromisoformat(case["as_of"])
            )
            results = calculate_case(stored.case)
            assert len(results) == len(stored.case.people)
