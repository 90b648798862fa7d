"""One set of input limits: a value ``calculate`` refuses is refused by ``store import``,
``roster import`` and ``sscert batch`` too — none of them lets it in to break a later run."""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner, Result
from hypothesis import example, given
from hypothesis import strategies as st

import sscert
from sample_cases import ONE_PERSON, PERSON
from sscert.batch import BatchInputError, from_tables
from sscert.cli.app import cli
from sscert.store import SQLiteStore
from sscert.values.limits import (
    MAX_MONTHLY_AMOUNT,
    LimitError,
    bounded_lines,
    check_depth,
    compact_json,
    loads,
    parse_amount,
    parse_moment,
)

BASE = ONE_PERSON

BAD_AMOUNTS = ["1E+2", "2,8,5,6", "１２３.００", "١٢٣", "1000000.01", "0", "-5", " ", "1" * 30]
BAD_MONTHS = ["1899-12", "2101-01", "２０２３-０５", "2023-13", "9999-12"]
BAD_MOMENTS = [
    "9999-12-31",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "2100-12-31T23:00:00-05:00",  # a CST date in 2101
    "1900-01-01T01:00:00+14:00",  # a CST date in 1899
    "２０２３-03-01",
    "2023-03-01T10:00:00+23:00",
]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _case_with(path: tuple[Any, ...], value: object) -> dict[str, Any]:
    case = copy.deepcopy(BASE)
    target: Any = case
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return case


AMOUNT = ("people", 0, "entitlements", 0, "monthly_amount")
START = ("people", 0, "entitlements", 0, "start")
AT = ("people", 0, "events", 0, "at")


@pytest.mark.parametrize("value", BAD_AMOUNTS)
def test_an_amount_is_refused_everywhere(value: str, tmp_path: Path) -> None:
    with pytest.raises(sscert.InputError, match="monthly_amount"):
        sscert.calculate(_case_with(AMOUNT, value))
    _refused_by_store(tmp_path, {"monthly_amount": value})
    _refused_by_batch({"monthly_amount": value}, "monthly_amount")
    _refused_by_roster(tmp_path, 3, value)


@pytest.mark.parametrize("value", BAD_MONTHS)
def test_a_month_is_refused_everywhere(value: str, tmp_path: Path) -> None:
    with pytest.raises(sscert.InputError, match="start"):
        sscert.calculate(_case_with(START, value))
    _refused_by_store(tmp_path, {"start": value})
    _refused_by_batch({"start": value}, "start")
    _refused_by_roster(tmp_path, 4, value)


@pytest.mark.parametrize("value", BAD_MOMENTS)
def test_a_time_is_refused_everywhere(value: str, tmp_path: Path) -> None:
    with pytest.raises(sscert.InputError, match=r"events\[0\]\.at"):
        sscert.calculate(_case_with(AT, value))
    db = tmp_path / "s.db"
    store, _ = SQLiteStore.init(db)
    line = {
        "kind": "event",
        "id": "e-1",
        "id_number": PERSON,
        "type": "certified",
        "at": value,
        "channel": "assisted",
    }
    with store:
        report = store.import_lines([json.dumps(line)])
    assert report.stored == 0
    assert report.rejected
    events = pl.DataFrame(
        {
            "id_number": [PERSON],
            "type": ["certified"],
            "at": [value],
            "channel": ["assisted"],
            "on": [None],
            "reported_on": [None],
        },
        schema=dict.fromkeys(("id_number", "type", "at", "channel", "on", "reported_on"), pl.Utf8),
    )
    with pytest.raises(BatchInputError, match="at"):
        from_tables(_entitlements({}), events)


def test_the_as_of_date_and_the_campaign_name() -> None:
    with pytest.raises(sscert.InputError, match="as_of"):
        sscert.calculate({**BASE, "as_of": "9999-12-31"})
    with pytest.raises(sscert.InputError, match="campaign") as caught:
        sscert.calculate({**BASE, "campaign": "x" * 300})
    assert "x" * 100 not in str(caught.value)


def test_a_case_never_opens_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "server-secret.toml"
    secret.write_text('api_key = "do-not-echo"\n', encoding="utf-8")
    for name in (str(secret), "/etc/passwd", "../../etc/hostname"):
        with pytest.raises(sscert.InputError, match="campaign") as caught:
            sscert.calculate({**BASE, "campaign": name})
        assert "do-not-echo" not in str(caught.value)
        assert "api_key" not in str(caught.value)
    # the caller may give the file: then the case names it by id
    mine = sscert.load_campaign("laiyuan-2023")
    assert sscert.calculate({**BASE}, campaigns={mine.id: mine})["people"]


def test_deep_nesting_is_refused_without_a_recursion_error() -> None:
    deep: Any = "x"
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(sscert.InputError, match="nested"):
        sscert.calculate({**BASE, "extra": deep})
    with pytest.raises(LimitError, match="nested"):
        loads("[" * 200_000 + "]" * 200_000)
    with pytest.raises(LimitError):
        check_depth({"a": _nest(40)})
    check_depth({"a": _nest(30)})


def _nest(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = [value]
    return value


def test_the_boundaries_themselves_are_accepted() -> None:
    assert parse_amount("1000000.00") == MAX_MONTHLY_AMOUNT
    assert str(parse_amount("0.01")) == "0.01"
    assert parse_moment("1900-01-01").year == 1900
    assert parse_moment("2100-12-31T15:59:59Z").year == 2100
    case = _case_with(AMOUNT, "1000000.00")
    case["as_of"] = "2100-12-31"
    assert sscert.calculate(case)["people"][0]["status"] == "certified"


def test_long_lines_are_skipped_without_holding_them(tmp_path: Path) -> None:
    import io  # noqa: PLC0415

    data = b"short\n" + b"y" * 5_000 + b"\nlast\n"
    lines = list(bounded_lines(io.BytesIO(data), limit=100, chunk=64))
    assert lines == [(1, b"short\n"), (2, None), (3, b"last\n")]


# --- the other paths -----------------------------------------------------------------------


def _refused_by_store(tmp_path: Path, change: dict[str, str]) -> None:
    store, _ = SQLiteStore.init(tmp_path / "limits.db")
    record = {
        "kind": "entitlement",
        "id": "e-1",
        "id_number": PERSON,
        "scheme": "enterprise_pension",
        "start": "2008-05",
        "monthly_amount": "2856.40",
        **change,
    }
    with store:
        report = store.import_lines([json.dumps(record, ensure_ascii=False)])
    assert report.stored == 0, change
    assert report.rejected, change


def _entitlements(change: dict[str, str]) -> pl.DataFrame:
    row = {
        "id_number": PERSON,
        "scheme": "enterprise_pension",
        "start": "2008-05",
        "monthly_amount": "2856.40",
        "end": None,
        **change,
    }
    return pl.DataFrame({k: [v] for k, v in row.items()}, schema=dict.fromkeys(row, pl.Utf8))


def _refused_by_batch(change: dict[str, str], column: str) -> None:
    with pytest.raises(BatchInputError, match=column):
        from_tables(_entitlements(change))


def _refused_by_roster(tmp_path: Path, index: int, value: str) -> None:
    header = ["姓名", "身份证号", "险种", "月待遇", "待遇开始年月", "乡镇"]
    row = ["张秀英", PERSON, "企业职工基本养老保险", "2856.40", "2008-05", "涞源镇"]
    row[index] = value
    roster = tmp_path / "roster.csv"
    with roster.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, row])
    db = tmp_path / "roster.db"
    assert run("store", "init", str(db)).exit_code == 0
    result = run("roster", "import", str(db), str(roster))
    assert result.exit_code == 1, result.output
    assert f"row 2: {header[index]}: rejected" in result.stderr
    with SQLiteStore.open(db) as store:
        assert store.head()[0] == 0


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(_JSON, st.booleans())
def test_compact_json_is_the_json_modules_text(value: object, sort_keys: bool) -> None:
    """Row hashes and canonical record bodies are written fast (orjson) but must be exactly
    the text the json module writes: a store hashed either way verifies either way."""
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)
    assert compact_json(value, sort_keys=sort_keys) == expected


def test_a_line_repeated_in_one_batch_is_present_and_a_changed_one_a_conflict(
    tmp_path: Path,
) -> None:
    record = {"kind": "person", "id": "p1", "id_number": "130630194803150028", "name": "张秀英"}
    changed = {**record, "name": "张秀"}
    with SQLiteStore.init(tmp_path / "s.db")[0] as store:
        report = store.import_lines(
            json.dumps(r, ensure_ascii=False) for r in (record, record, changed)
        )
        assert report.stored == 1
        assert report.present == 1
        assert [r.line for r in report.rejected] == [3]
        assert "conflict" in report.rejected[0].reason
        assert store.verify() is None


#: Characters JSON encoders escape differently, or not at all (a lone surrogate).
_AWKWARD = '\n\t"\\\u2028\x00\x7f\ud800'
_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(_AWKWARD)),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(
    head=st.dictionaries(st.text(max_size=5), _VALUES, max_size=3),
    items=st.lists(_VALUES, max_size=4),
)
def test_json_written_piece_by_piece_is_the_same_text(
    head: dict[str, Any], items: list[Any]
) -> None:
    """``store calculate`` writes each person's result as it comes: the same text as the
    whole document at once, whatever the values (orjson where it can, json where not)."""
    from sscert.cli.output import dump_json, json_chunks  # noqa: PLC0415

    assert "".join(json_chunks(head, "people", items)) == dump_json({**head, "people": items})


_FILE_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(_AWKWARD[:-1])),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)


@pytest.mark.parametrize("kernel_copy", ["works", "refused", "missing"])
@given(items=st.lists(_FILE_VALUES, max_size=6), split=st.integers(0, 6))
def test_json_joined_from_part_files_is_the_same_text(
    kernel_copy: str, items: list[Any], split: int
) -> None:
    """``store calculate`` in two processes: each writes its items as bytes into a part
    file, and the parts are copied into the output (by the kernel where it can, else read
    and written): the file holds the same text as the whole document written at once."""
    import os  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    from sscert.cli import output  # noqa: PLC0415

    head = {"as_of": "2023-06-30", "people": None, "invalid": ["一"]}
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        if kernel_copy == "refused":

            def refuse(*_args: object) -> int:
                raise OSError(18, "Invalid cross-device link")

            patch.setattr(os, "copy_file_range", refuse)
        elif kernel_copy == "missing":
            patch.delattr(os, "copy_file_range", raising=False)
        parts = []
        for number, share in enumerate([items[:split], items[split:]]):
            part = Path(folder) / f"part-{number}.json"
            part.write_bytes(
                output.ITEM_SEPARATOR.encode().join(output.item_bytes(i) for i in share)
            )
            if share:
                parts.append(part)
        before, after = output.json_around(head, "people")
        written = Path(folder) / "out" / "result.json"
        output.echo_json_chunks([before, *output.list_chunks(parts), after], written)
        expected = output.dump_json({**head, "people": items}) + "\n"
        assert written.read_text(encoding="utf-8") == expected


def _depth(value: Any) -> int:
    """How deep the objects and lists of ``value`` go (0 for a plain value)."""
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list | tuple):
        return 1 + max(map(_depth, value), default=0)
    return 0


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=3),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner, max_size=3)
        ),
        max_leaves=30,
    ),
    st.integers(1, 6),
)
def test_the_depth_check_refuses_exactly_what_is_nested_too_deep(value: Any, limit: int) -> None:
    if _depth(value) > limit:
        with pytest.raises(LimitError):
            check_depth(value, limit)
    else:
        check_depth(value, limit)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(alphabet='{}[]"a', max_size=4),
        lambda inner: (
            st.lists(inner, max_size=2)
            | st.dictionaries(st.text(alphabet="{}[]a", max_size=2), inner, max_size=2)
        ),
        max_leaves=40,
    ),
    st.booleans(),
    st.integers(0, 40),
)
@example(-(2**63) - 1, False, 0)  # integers beyond 64 bits are read exactly, not as floats
@example(2**64, True, 3)
@example({"k": [1, 10**30]}, False, 1)
def test_loading_json_refuses_exactly_what_is_nested_too_deep(
    value: Any, as_bytes: bool, levels: int
) -> None:
    """``loads`` tells a flat record from its text (one ``{``, no ``[``) and walks anything
    else: braces and brackets inside quoted text never let a deep value through."""
    from sscert.values.limits import MAX_DEPTH  # noqa: PLC0415

    for wrapped in (value, {"k": value}, [[value]]):
        text = json.dumps(wrapped)
        for _ in range(levels):
            text = '{"a":' + text + "}" if len(text) % 2 else "[" + text + "]"
        data = text.encode() if as_bytes else text
        if _depth(json.loads(text)) > MAX_DEPTH:
            with pytest.raises(LimitError):
                loads(data)
        else:
            assert loads(data) == json.loads(text)
