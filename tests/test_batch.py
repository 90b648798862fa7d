"""The batch engine gives calculate's answers, field for field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, note, settings
from hypothesis import strategies as st

import sscert
from contract_compare import differences
from example_campaigns import ROLLING, calculate, campaign_of
from sscert import strategies as sst

pytest.importorskip("polars")

from sscert.batch import batch_calculate

CASES = st.one_of(
    sst.cases(max_people=6),
    sst.cases(
        "hebei-2024",
        max_people=6,
        min_day=dt.date(2023, 6, 1),
        max_day=dt.date(2026, 6, 30),
        typical_as_of_from=dt.date(2024, 1, 1),
    ),
    sst.cases(
        ROLLING,
        max_people=6,
        min_day=dt.date(2023, 6, 1),
        max_day=dt.date(2025, 12, 31),
        typical_as_of_from=dt.date(2024, 1, 1),
    ),
)


def _one_death(id_number: str, start: str, amount: str, died: str, reported: str) -> dict[str, Any]:
    """A person with one enterprise pension from ``start`` who died and was reported."""
    return {
        "id_number": id_number,
        "entitlements": [
            {"scheme": "enterprise_pension", "start": start, "monthly_amount": amount}
        ],
        "events": [{"type": "died", "on": died, "reported_on": reported}],
    }


#: A death reported after the last payroll day but on the as-of date: the months paid before
#: it was known stay overpaid (not dropped).
REPORTED_ON_THE_AS_OF_DATE = {
    "campaign": ROLLING.id,
    "as_of": "2024-09-02",
    "people": [_one_death("130630200001010013", "2000-01", "1.00", "2024-02-01", "2024-09-02")],
}


@settings(max_examples=settings.default.max_examples)
@example(REPORTED_ON_THE_AS_OF_DATE)
@example({**REPORTED_ON_THE_AS_OF_DATE, "campaign": "laiyuan-2023", "as_of": "2023-09-02"})
@given(CASES)
def test_batch_equals_calculate(case: dict[str, Any]) -> None:
    note(repr(case))
    assert differences(batch_calculate(case, campaigns=[ROLLING]), calculate(case)) == []


@settings(max_examples=30)
@given(sst.cases(max_people=6))
def test_batch_from_a_store_equals_calculate(case: dict[str, Any]) -> None:
    import json  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    from sscert.batch import evaluate_batch, from_store, to_result_dict  # noqa: PLC0415
    from sscert.store import SQLiteStore, case_to_records  # noqa: PLC0415
    from sscert.values.months import Month  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        store, _ = SQLiteStore.init(Path(folder) / "s.db")
        with store:
            assert store.import_lines(json.dumps(r) for r in case_to_records(case)).ok
            data = from_store(store)
    campaign = campaign_of(case)
    as_of = dt.date.fromisoformat(case["as_of"])
    first = Month.parse(case["from"]) if case.get("from") else None
    batch = to_result_dict(as_of, evaluate_batch(data, campaign, as_of, first))
    assert differences(batch, calculate(case)) == []


def test_bad_tables_name_table_row_and_column() -> None:
    import polars as pl  # noqa: PLC0415

    from sscert.batch import BatchInputError, from_tables  # noqa: PLC0415

    entitlements = pl.DataFrame(
        {
            "id_number": ["130630194803150028", "130630194803150027", "11010519491231002x"],
            "scheme": ["enterprise_pension", "enterprise_pension", "pension"],
            "start": ["2008-05", "2008-13", "2008-05"],
            "monthly_amount": ["2856.40", "0", "1.005"],
        }
    )
    events = pl.DataFrame(
        {
            "id_number": ["130630194803150028", "130630194803150028"],
            "type": ["certified", "died"],
            "at": ["2023-02-30", None],
            "channel": ["wechat", None],
            "on": [None, "2023-05-14"],
            "reported_on": [None, "2023-05-01"],
        }
    )
    with pytest.raises(BatchInputError) as caught:
        from_tables(entitlements, events)
    found = {(t, r, c) for t, r, c, _ in caught.value.problems}
    assert {
        ("entitlements", 2, "id_number"),
        ("entitlements", 2, "start"),
        ("entitlements", 2, "monthly_amount"),
        ("entitlements", 3, "scheme"),
        ("entitlements", 3, "monthly_amount"),
        ("events", 1, "at"),
        ("events", 1, "channel"),
        ("events", 2, "reported_on"),
    } <= found
    assert "130630194803150027" not in str(caught.value)


def test_bad_dependant_columns_name_table_row_and_column() -> None:
    """C15 in tables: a relationship, a flag, an end and a prison term are checked like
    every other column; an orphan or repeated end is refused too."""
    import polars as pl  # noqa: PLC0415

    from sscert.batch import BatchInputError, from_tables  # noqa: PLC0415

    child = "130630194803150028"
    entitlements = pl.DataFrame(
        {
            "id_number": [child, "11010519491231002X", child],
            "scheme": ["work_injury_survivor", "enterprise_pension", "enterprise_pension"],
            "start": ["2015-06", "2008-05", "2008-05"],
            "monthly_amount": ["1200.00", "2000.00", "1.00"],
            "dependant_relationship": ["cousin", None, "child"],
            "dependant_fully_incapacitated": ["maybe", None, None],
        }
    )
    events = pl.DataFrame(
        {
            "id_number": [child, child, child],
            "type": ["dependant_ended", "imprisoned", "imprisoned"],
            "on": ["2023-05-20", None, None],
            "reason": ["bored", None, None],
            "from": [None, "2023-13-01", "2023-05-20"],
            "to": [None, None, "2023-05-01"],
        }
    )
    with pytest.raises(BatchInputError) as caught:
        from_tables(entitlements, events)
    found = {(t, r, c) for t, r, c, _ in caught.value.problems}
    assert {
        ("entitlements", 1, "dependant_relationship"),
        ("entitlements", 1, "dependant_fully_incapacitated"),
        ("entitlements", 3, "dependant_relationship"),
        ("events", 1, "reason"),
        ("events", 2, "from"),
        ("events", 3, "to"),
    } <= found
    orphan = pl.DataFrame(
        {"id_number": ["11010519491231002X"] * 2, "type": ["dependant_ended"] * 2,
         "on": ["2023-05-20", "2023-06-20"], "reason": ["employed", "enlisted"]}
    )  # fmt: skip
    with pytest.raises(BatchInputError) as caught:
        from_tables(entitlements.slice(1, 1), orphan)
    assert {(r, c) for _t, r, c, _why in caught.value.problems} == {(1, "type"), (2, "type")}
    assert "a second end" in str(caught.value)


@settings(max_examples=40)
@given(sst.cases(max_people=6))
def test_nested_rows_give_the_same_answers(case: dict[str, Any]) -> None:
    from sscert.batch import evaluate_batch, to_result_dict  # noqa: PLC0415
    from sscert.batch.nested import flatten, nest_case  # noqa: PLC0415
    from sscert.values.months import Month  # noqa: PLC0415

    as_of = dt.date.fromisoformat(case["as_of"])
    first = Month.parse(case["from"]) if case.get("from") else None
    data = flatten(nest_case(case["people"]))
    batch = evaluate_batch(data, campaign_of(case), as_of, first)
    assert differences(to_result_dict(as_of, batch), calculate(case)) == []


def _cases_around(
    campaign: Any, day: dt.date, *, before: int, after: int, max_people: int
) -> st.SearchStrategy[dict[str, Any]]:
    """Cases of ``campaign`` whose dates fall from ``before`` days before ``day`` to
    ``after`` days after it, as of ``day`` or later mostly."""
    return sst.cases(
        campaign,
        max_people=max_people,
        min_day=day - dt.timedelta(days=before),
        max_day=day + dt.timedelta(days=after),
        typical_as_of_from=day,
    )


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_batch_equals_calculate_on_generated_campaigns(data: st.DataObject) -> None:
    """Any duty — a window, a rolling cycle with its own scheme lengths, calendar periods
    with their own periods and intervals — and any payroll day."""
    campaign = data.draw(sst.campaigns())
    opens = campaign.duty.opens or dt.date(2024, 1, 1)
    case = data.draw(_cases_around(campaign, opens, before=200, after=900, max_people=4))
    note(repr(campaign))
    note(repr(case))
    assert (
        differences(
            batch_calculate(case, campaigns=[campaign]),
            sscert.calculate(case, campaigns=[campaign]),
        )
        == []
    )


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_leaving_the_month_rows_out_changes_no_total(data: st.DataObject) -> None:
    """``months=False`` gives the same persons, totals and rejections, and an empty table
    of the month rows' own columns. For a fixed window the totals are then sums over
    intervals of months: the cases are drawn close to the window's end as well, so that
    deaths, their reports, certifications, amount changes and the end of a dependant's
    benefit fall in the same months."""
    import polars as pl  # noqa: PLC0415

    from sscert.batch import evaluate_batch, from_case  # noqa: PLC0415
    from sscert.batch.engine import MONTH_COLUMNS  # noqa: PLC0415
    from sscert.campaigns import Window  # noqa: PLC0415
    from sscert.contract import parse_case  # noqa: PLC0415

    campaign = data.draw(
        st.sampled_from([None, None, sscert.load_campaign("laiyuan-2023")])
        | sst.campaigns().filter(lambda c: isinstance(c.duty, Window))
    )
    if campaign is None:
        case = data.draw(CASES)
    else:
        assert isinstance(campaign.duty, Window)
        case = data.draw(
            _cases_around(campaign, campaign.duty.end, before=75, after=120, max_people=5)
        )
    note(repr(case))
    parsed = parse_case(case, campaigns=[ROLLING] + ([campaign] if campaign else []))
    data_ = from_case(parsed)
    run = (parsed.campaign, parsed.as_of, parsed.first)
    whole = evaluate_batch(data_, *run)
    lean = evaluate_batch(data_, *run, months=False)
    assert lean.persons.equals(whole.persons)
    assert lean.rejected.equals(whole.rejected)
    assert whole.months.schema == pl.Schema(MONTH_COLUMNS)
    assert lean.months.schema == whole.months.schema
    assert lean.months.height == 0


def test_held_months_after_a_death_known_when_released_are_in_no_total() -> None:
    """Never certified, died after the window, reported months later: the held months after
    the death month are dropped at the run that knows of the death (stopped, in no total),
    with or without the month rows."""
    from sscert.batch import evaluate_batch, from_case  # noqa: PLC0415
    from sscert.contract import parse_case  # noqa: PLC0415

    case = {
        "campaign": "laiyuan-2023",
        "as_of": "2023-10-01",
        "from": "2023-01",
        "people": [
            _one_death("130630194803150028", "2010-01", "100.00", "2023-05-10", "2023-08-15")
        ],
    }
    parsed = parse_case(case)
    run = (parsed.campaign, parsed.as_of, parsed.first)
    whole = evaluate_batch(from_case(parsed), *run)
    months = whole.months
    outcomes = dict(zip(months["month"].to_list(), months["outcome"].to_list(), strict=True))
    june, september = 2023 * 12 + 5, 2023 * 12 + 8
    assert [outcomes[m] for m in range(june, september)] == ["stopped"] * 3
    lean = evaluate_batch(from_case(parsed), *run, months=False)
    assert lean.persons.equals(whole.persons)
    assert lean.persons["overpaid"].to_list() == [0]


def test_chunks_on_threads_give_the_same_results_in_order() -> None:
    """``evaluate_in_chunks(workers=3)`` yields the chunks in order with the results of one
    worker; a fine policy is never asked by two threads at once."""
    import time  # noqa: PLC0415

    import polars as pl  # noqa: PLC0415

    from sscert.batch import from_case  # noqa: PLC0415
    from sscert.batch.engine import evaluate_in_chunks  # noqa: PLC0415
    from sscert.contract import parse_case  # noqa: PLC0415
    from sscert.values.identity import check_character  # noqa: PLC0415

    def person(n: int) -> dict[str, Any]:
        first17 = f"13063019480315{n:03d}"
        return {
            "id_number": first17 + check_character(first17),
            "entitlements": [
                {"scheme": "enterprise_pension", "start": "2010-01", "monthly_amount": f"{n}.00"}
            ],
            "events": [
                {"type": "died", "on": "2023-01-20", "reported_on": "2023-09-05"},
                {"type": "certified", "at": "2023-03-01T10:00:00+08:00", "channel": "hebei_renshe"},
            ],
        }

    case = {
        "campaign": "laiyuan-2023",
        "as_of": "2023-10-01",
        "people": [person(n) for n in range(1, 8)],
    }
    parsed = parse_case(case)
    data = from_case(parsed)
    asking = {"now": 0, "most": 0, "leads": 0}

    def policy(_campaign: Any, _lead: Any) -> None:
        asking["now"] += 1
        asking["most"] = max(asking["most"], asking["now"])
        asking["leads"] += 1
        time.sleep(0.01)
        asking["now"] -= 1

    def run(workers: int) -> tuple[pl.DataFrame, list[str]]:
        told: list[str] = []
        parts = evaluate_in_chunks(
            data, parsed.campaign, parsed.as_of, chunk=2, workers=workers,
            fine_policy=policy, progress=told.append, months=False,
        )  # fmt: skip
        return pl.concat([result.persons for result, _people in parts]), told

    alone, told_alone = run(1)
    together, told_together = run(3)
    assert together.equals(alone)
    assert told_together == told_alone == [f"{n:,} of 7 people" for n in (2, 4, 6, 7)]
    assert asking["leads"] == 14
    assert asking["most"] == 1


@settings(max_examples=60, deadline=None)
@given(CASES, st.randoms(use_true_random=False))
def test_the_rows_order_in_each_table_changes_no_answer(case: dict[str, Any], rnd: Any) -> None:
    """The engine marks a table sorted by person only when it is (and then groups and joins
    along it): the same tables with their rows shuffled give the same answers."""
    import attrs  # noqa: PLC0415
    import polars as pl  # noqa: PLC0415

    from sscert.batch import evaluate_batch, from_case  # noqa: PLC0415
    from sscert.batch.engine import BatchInput  # noqa: PLC0415
    from sscert.contract import parse_case  # noqa: PLC0415

    note(repr(case))
    parsed = parse_case(case, campaigns=[ROLLING])
    data = from_case(parsed)

    def shuffled(frame: pl.DataFrame) -> pl.DataFrame:
        order = list(range(frame.height))
        rnd.shuffle(order)
        return frame[order]

    mixed = BatchInput(*(shuffled(getattr(data, f.name)) for f in attrs.fields(BatchInput)))

    def answers(given: BatchInput) -> list[pl.DataFrame]:
        result = evaluate_batch(given, parsed.campaign, parsed.as_of, parsed.first)
        return [
            frame.sort(frame.columns) for frame in (result.persons, result.months, result.rejected)
        ]

    for got, want in zip(answers(mixed), answers(data), strict=True):
        assert got.equals(want)
