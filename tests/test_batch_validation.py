"""The batch engine's column-wise checks accept exactly what the per-record contract accepts,
and read the same values: ID numbers (with 15→18 upgrades), months, amounts, dates and
timestamps with offsets to CST dates.

Each property draws near-valid text (valid values, then cut, padded, retyped or shifted) and
compares :func:`sscert.batch.from_tables` with the parser the JSON contract and the store use.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sscert import strategies as sst
from sscert.events import cst_date
from sscert.values.identity import IdNumber, InvalidIdNumber, check_character
from sscert.values.limits import LimitError, parse_amount, parse_date, parse_moment, parse_month

pytest.importorskip("polars")

from sscert.batch import BatchInputError, from_tables

PERSON = "130630194803150028"
EVENT_COLUMNS = ("id_number", "type", "at", "channel", "on", "reported_on")


def _mutated(draw: st.DrawFn, text: str, alphabet: str) -> str:
    """``text`` as it is, or with one slip of a tired clerk or a forger."""
    how = draw(st.sampled_from(["as is", "cut", "add", "swap", "space", "anything"]))
    if how == "as is" or not text:
        return text
    place = draw(st.integers(0, len(text) - 1))
    if how == "cut":
        return text[:place] + text[place + 1 :]
    if how == "add":
        return text[:place] + draw(st.sampled_from(alphabet)) + text[place:]
    if how == "swap":
        return text[:place] + draw(st.sampled_from(alphabet)) + text[place + 1 :]
    if how == "space":
        return draw(st.sampled_from([" ", "\t", "\u3000"])) + text + " "
    return draw(st.text(alphabet=alphabet, max_size=30))


def _entitlements(**row: Any) -> pl.DataFrame:
    full = {
        "id_number": PERSON,
        "scheme": "enterprise_pension",
        "start": "2008-05",
        "monthly_amount": "2856.40",
        "end": None,
        **row,
    }
    return pl.DataFrame({k: [v] for k, v in full.items()}, schema=dict.fromkeys(full, pl.Utf8))


def _events(**row: Any) -> pl.DataFrame:
    full = dict.fromkeys(EVENT_COLUMNS) | row
    return pl.DataFrame({k: [v] for k, v in full.items()}, schema=dict.fromkeys(full, pl.Utf8))


def _batch(entitlements: pl.DataFrame, events: pl.DataFrame | None = None) -> Any:
    try:
        return from_tables(entitlements, events)
    except BatchInputError as error:
        return error


@given(st.data())
def test_id_numbers_agree(data: st.DataObject) -> None:
    valid = data.draw(sst.id_numbers() | sst.invalid_id_numbers().map(lambda pair: pair[0]))
    if data.draw(st.booleans()) and len(valid) == 18 and valid[6:8] == "19":
        valid = valid[:6] + valid[8:17]  # the old 15-digit form of the same person
    text = _mutated(data.draw, valid, "0123456789Xx-")
    try:
        expected: str | None = IdNumber.parse(text).value
    except InvalidIdNumber:
        expected = None
    got = _batch(_entitlements(id_number=text))
    if expected is None:
        assert isinstance(got, BatchInputError), text
        assert [(p[0], p[1], p[2]) for p in got.problems] == [("entitlements", 1, "id_number")]
    else:
        assert not isinstance(got, BatchInputError), (text, str(got))
        assert got.people["id_number"].to_list() == [expected]


@given(st.data())
def test_months_agree(data: st.DataObject) -> None:
    month = data.draw(sst.months())
    text = _mutated(data.draw, str(month), "0123456789-")
    try:
        expected: int | None = parse_month(text).index
    except (LimitError, TypeError):
        expected = None
    got = _batch(_entitlements(start=text))
    if expected is None:
        assert isinstance(got, BatchInputError), text
        assert {p[2] for p in got.problems} <= {"start", "end"}
    else:
        assert not isinstance(got, BatchInputError), (text, str(got))
        assert got.entitlements["start"].to_list() == [expected]


@given(st.data())
def test_amounts_agree(data: st.DataObject) -> None:
    text = _mutated(data.draw, data.draw(sst.money_texts()), "0123456789.-e,")
    try:
        expected: int | None = int(parse_amount(text).amount * 100)
    except (LimitError, TypeError):
        expected = None
    got = _batch(_entitlements(monthly_amount=text))
    if expected is None:
        assert isinstance(got, BatchInputError), text
        assert [p[2] for p in got.problems] == ["monthly_amount"]
    else:
        assert not isinstance(got, BatchInputError), (text, str(got))
        assert got.entitlements["amount"].to_list() == [expected]


_MOMENTS = st.builds(
    lambda day, seconds, fraction, offset: (
        (dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)).isoformat(
            timespec=fraction
        )
        + offset
    ),
    st.dates(dt.date(1899, 12, 30), dt.date(2101, 1, 2)),
    st.integers(0, 86_399),
    st.sampled_from(["minutes", "seconds", "milliseconds", "microseconds"]),
    st.sampled_from(["", "Z", "+08:00", "-05:30", "+14:00", "-14:00", "+14:01", "+0800"]),
)


@given(st.data())
def test_timestamps_agree(data: st.DataObject) -> None:
    base = data.draw(_MOMENTS | st.dates(dt.date(1899, 12, 30), dt.date(2101, 1, 2)).map(str))
    text = _mutated(data.draw, base, "0123456789-:T +Z.")
    try:
        expected: dt.date | None = cst_date(parse_moment(text))
    except (LimitError, TypeError):
        expected = None
    got = _batch(
        _entitlements(), _events(id_number=PERSON, type="certified", at=text, channel="assisted")
    )
    if expected is None:
        assert isinstance(got, BatchInputError), text
        assert [p[2] for p in got.problems] == ["at"]
    else:
        assert not isinstance(got, BatchInputError), (text, str(got))
        assert got.certifications["on"].to_list() == [expected]


@given(st.data())
def test_dates_agree(data: st.DataObject) -> None:
    base = str(data.draw(st.dates(dt.date(1899, 12, 30), dt.date(2101, 1, 2))))
    # signs and spaces: what a lenient reader of dates would take
    text = _mutated(data.draw, base, "0123456789-+ ")
    try:
        expected: dt.date | None = parse_date(text)
    except (LimitError, TypeError):
        expected = None
    got = _batch(
        _entitlements(), _events(id_number=PERSON, type="died", on=text, reported_on="2100-12-31")
    )
    if expected is None:
        assert isinstance(got, BatchInputError), text
        assert [p[2] for p in got.problems] == ["on"]
    else:
        assert not isinstance(got, BatchInputError), (text, str(got))
        assert got.deaths["on"].to_list() == [expected]


def _roster_tables() -> dict[str, pl.DataFrame]:
    """The tables of the Laiyuan example case, with every event and entitlement a row."""
    import json  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    from sscert.store import case_to_records  # noqa: PLC0415

    root = Path(__file__).resolve().parent.parent
    case = json.loads((root / "examples" / "laiyuan-2023-case.json").read_text(encoding="utf-8"))
    rows: dict[str, list[dict[str, Any]]] = {"entitlement": [], "event": [], "person": []}
    for record in case_to_records(case):
        kind = record["kind"]
        if kind in rows:
            rows[kind].append({k: v for k, v in record.items() if k not in ("kind", "id")})
    return {
        "entitlements": pl.DataFrame(rows["entitlement"], infer_schema_length=None).select(
            "id_number", "scheme", "start", "monthly_amount"
        ),
        "events": pl.DataFrame(rows["event"], infer_schema_length=None),
        "people": pl.DataFrame(rows["person"], infer_schema_length=None).select("id_number"),
    }


def _frames(data: Any) -> list[pl.DataFrame]:
    return [
        data.people,
        data.entitlements,
        data.changes,
        data.certifications,
        data.deaths,
        data.dependant_ends,
        data.imprisonments,
    ]


def test_scanned_files_change_nothing(tmp_path: Any) -> None:
    """Parquet and CSV files are scanned, not read whole, and checked a part at a time: the
    converted columns are the same, and a bad row is named by its row in the table."""
    from sscert.batch import scan_table  # noqa: PLC0415

    tables = _roster_tables()
    whole = from_tables(tables["entitlements"], tables["events"], None, tables["people"])
    for name, frame in tables.items():
        frame.write_parquet(tmp_path / f"{name}.parquet")
        frame.write_csv(tmp_path / f"{name}.csv")
    row = tables["events"].with_row_index().filter(pl.col("type") == "certified")["index"][-1]
    assert row >= 2  # not the first row
    bad = tables["events"].with_columns(
        at=pl.when(pl.int_range(pl.len()) == row).then(pl.lit("2023-02-30")).otherwise("at")
    )
    bad.write_parquet(tmp_path / "bad.parquet")
    bad.write_csv(tmp_path / "bad.csv")
    for kind in ("parquet", "csv"):
        scanned = {name: scan_table(tmp_path / f"{name}.{kind}") for name in tables}
        assert all(isinstance(t, pl.LazyFrame) for t in scanned.values())
        sliced = from_tables(scanned["entitlements"], scanned["events"], None, scanned["people"])
        for got, want in zip(_frames(sliced), _frames(whole), strict=True):
            assert got.sort(got.columns).equals(want.sort(want.columns))
        for events in (bad, scan_table(tmp_path / f"bad.{kind}")):
            with pytest.raises(BatchInputError) as caught:
                from_tables(scan_table(tmp_path / f"entitlements.{kind}"), events)
            found = [(p[0], p[1], p[2]) for p in caught.value.problems]
            assert found == [("events", row + 1, "at")]


def test_white_space_around_values_changes_nothing() -> None:
    """Every value of every table with spaces or tabs around it: the same columns as
    without (the quick checks read a value as given, and a table with white space around
    one is checked again without it)."""
    tables = _roster_tables()
    padded = {
        name: frame.with_columns(
            ("  " + pl.col(column) + "\t").alias(column)
            for column, kind in frame.schema.items()
            if kind == pl.Utf8
        )
        for name, frame in tables.items()
    }
    plain = from_tables(tables["entitlements"], tables["events"], None, tables["people"])
    spaced = from_tables(padded["entitlements"], padded["events"], None, padded["people"])
    for got, want in zip(_frames(spaced), _frames(plain), strict=True):
        assert got.equals(want)


@pytest.mark.parametrize("open_quote_in_row", [1, 2])
def test_a_csv_file_that_cannot_be_parsed_is_refused_not_cut_short(
    tmp_path: Any, open_quote_in_row: int
) -> None:
    """A CSV file is scanned front to back: a quote left open is an error, never a table
    that silently ends there (counting a scanned CSV file's rows would find none)."""
    from sscert.batch import scan_table  # noqa: PLC0415

    rows = [
        f"{PERSON},enterprise_pension,2008-05,2856.40",
        "11010519491231002X,enterprise_pension,2010-01,100.00",
    ]
    rows[open_quote_in_row - 1] = '"' + rows[open_quote_in_row - 1]
    path = tmp_path / "entitlements.csv"
    path.write_text(
        "id_number,scheme,start,monthly_amount\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    with pytest.raises((BatchInputError, pl.exceptions.PolarsError)):
        from_tables(scan_table(path))


def test_checks_across_rows_name_their_rows() -> None:
    """The contract's checks across records, as table rows: an amount change belongs to an
    entitlement and starts in a month of its own; one death a person; a people table's ID
    numbers are checked like every other."""
    other = "11010519491231002X"
    entitlements = _entitlements()
    changes = pl.DataFrame(
        {
            "id_number": [PERSON, PERSON, PERSON, other],
            "scheme": ["enterprise_pension"] * 3 + ["enterprise_pension"],
            "from": ["2023-01", "2023-02", "2023-01", "2023-01"],
            "monthly_amount": ["1.00"] * 4,
        }
    )
    deaths = pl.concat(
        [
            _events(id_number=PERSON, type="died", on="2023-01-01", reported_on="2023-01-02"),
            _events(id_number=PERSON, type="died", on="2023-02-01", reported_on="2023-02-02"),
        ]
    )
    people = pl.DataFrame({"id_number": [PERSON, "123"]})
    with pytest.raises(BatchInputError) as caught:
        from_tables(entitlements, deaths, changes, people)
    found = {(t, r, c) for t, r, c, _why in caught.value.problems}
    assert found == {
        ("changes", 3, "from"),
        ("changes", 4, "scheme"),
        ("events", 2, "type"),
        ("people", 2, "id_number"),
    }
    # without those rows, the same tables are accepted
    from_tables(entitlements, deaths.head(1), changes.head(2), people.head(1))


@pytest.mark.parametrize("bad_row", [False, True])
def test_checks_across_rows_do_not_depend_on_other_bad_rows(bad_row: bool) -> None:
    """The checks across rows compare ID numbers and schemes as whole numbers when every row
    is valid, and as text when one is not: a row with a bad ID number or scheme elsewhere
    changes nothing about the rows they name."""
    other = "11010519491231002X"
    entitlements = pl.concat(
        [
            _entitlements(),
            _entitlements(id_number=other),
            _entitlements(start="2010-01"),  # a second enterprise_pension of the same person
            _entitlements(id_number=other, scheme="urban_rural_resident_pension"),
        ]
    )
    changes = pl.DataFrame(
        {
            "id_number": [PERSON, other, PERSON, other, PERSON],
            "scheme": ["enterprise_pension"] * 2 + ["enterprise_pension", "public_sector_pension"]
            + ["urban_rural_resident_pension"],
            "from": ["2023-01", "2023-01", "2023-01", "2023-01", "2023-01"],
            "monthly_amount": ["1.00"] * 5,
        }
    )  # fmt: skip
    expected = {
        ("entitlements", 3, "scheme"),
        ("changes", 3, "from"),
        ("changes", 4, "scheme"),
        ("changes", 5, "scheme"),
    }
    if bad_row:
        entitlements = pl.concat([entitlements, _entitlements(id_number="12345", scheme="x")])
        changes = pl.concat(
            [changes, changes.head(1).with_columns(id_number=pl.lit("130630194803150029"))]
        )
        expected |= {
            ("entitlements", 5, "id_number"),
            ("entitlements", 5, "scheme"),
            ("changes", 6, "id_number"),
            ("changes", 6, "scheme"),
        }
    with pytest.raises(BatchInputError) as caught:
        from_tables(entitlements, None, changes)
    assert {(t, r, c) for t, r, c, _why in caught.value.problems} == expected


@given(st.data())
def test_the_quick_way_reads_what_the_full_way_reads(data: st.DataObject) -> None:
    """A check's quick way, for a value it calls good, gives the value and the reason the
    full way gives (ID numbers, time stamps, amounts)."""
    from sscert.batch import tables as batch_tables  # noqa: PLC0415

    kind = data.draw(st.sampled_from(["id_number", "at", "amount"]))
    if kind == "id_number":
        base = data.draw(sst.id_numbers() | sst.invalid_id_numbers().map(lambda pair: pair[0]))
        # signs, separators and other scripts' digits that a number parser might take
        text: str | None = _mutated(data.draw, base, "0123456789Xx-+_ \uff11\u0663")
        check = batch_tables._id_number_checked("id_number")
        columns = ["id_number", "w_id_number", "_id_numbern"]
    elif kind == "at":
        base = data.draw(_MOMENTS | st.dates(dt.date(1899, 12, 30), dt.date(2101, 1, 2)).map(str))
        text = _mutated(data.draw, base, "0123456789-:T +Z.")
        check = batch_tables._cst_date_checked("at", "at")
        columns = ["at", "w_at"]
    else:
        text = _mutated(data.draw, data.draw(sst.money_texts()), "0123456789.-e,")
        check = batch_tables._fen_checked("amount")
        columns = ["amount", "w_amount"]
    if text is not None and data.draw(st.booleans()):  # white space around it, as typed
        space = st.sampled_from([" ", "\t", "\u3000", "  "])
        text = data.draw(space) + text + data.draw(st.just("") | space)
    if data.draw(st.booleans()):
        text = None
    source = "t_monthly_amount" if kind == "amount" else f"t_{kind}"
    frame = pl.DataFrame({source: [text]}, schema={source: pl.Utf8})
    quick = batch_tables._staged(frame, check.quick)
    full = batch_tables._staged(frame, check.full)
    if quick[check.good].fill_null(False).item():
        assert quick.select(columns).equals(full.select(columns)), text
    # as a table's check runs it: the quick way, and the full way for a table not all good
    raw = frame.rename({source: source[2:]})
    checked = batch_tables._checked(
        raw, [source[2:]], [check], lambda staged, *keep: staged.select(*keep, *columns)
    )
    stripped = frame.with_columns(pl.col(source).str.strip_chars())  # as a table's text is
    assert checked.equals(batch_tables._staged(stripped, check.full).select(columns)), text


#: 17 digits that start with 0, with a real birth date in digits 7-14.
_ZERO_FIRST: Final = "01306319480315002"


@pytest.mark.parametrize(
    "text",
    [
        # a sign, then 16 digits that with a 0 before them have this check character
        "+" + _ZERO_FIRST[1:] + check_character(_ZERO_FIRST),
        "-" + _ZERO_FIRST[1:] + check_character(_ZERO_FIRST),
        _ZERO_FIRST + check_character(_ZERO_FIRST),  # a leading 0 (no region has one)
        "1306301948031500_2",
        "1306301948031500\uff1129",  # a full-width digit: more bytes than characters
        "\u06631306301948031500",
        "130630194803150028 ",
        "13063019480315002",
        "13063019000229001" + check_character("13063019000229001"),  # 1900 was no leap year
        "13063017991231001" + check_character("13063017991231001"),  # before 1800
    ],
)
def test_id_numbers_read_as_a_number_are_read_as_the_full_way_reads_them(text: str) -> None:
    """The quick ID check reads the first 17 characters as a whole number: a sign, a
    separator, another script's digit or a leading zero must not make it call a value good
    that the full way refuses, or read it differently."""
    from sscert.batch import tables as batch_tables  # noqa: PLC0415

    check = batch_tables._id_number_checked("id_number")
    frame = pl.DataFrame({"t_id_number": [text]})
    columns = ["id_number", "w_id_number", "_id_numbern"]
    quick = batch_tables._staged(frame, check.quick)
    full = batch_tables._staged(frame, check.full).select(columns)
    if quick[check.good].fill_null(False).item():
        assert quick.select(columns).equals(full)
    checked = batch_tables._checked(
        frame.rename({"t_id_number": "id_number"}),
        ["id_number"],
        [check],
        lambda staged, *keep: staged.select(*keep, *columns),
    )
    stripped = frame.with_columns(pl.col("t_id_number").str.strip_chars())
    assert checked.equals(batch_tables._staged(stripped, check.full).select(columns))


@given(
    st.lists(st.sampled_from(range(6)), max_size=6),
    st.lists(st.sampled_from(range(6)), min_size=1, max_size=8),
    st.lists(st.sampled_from(range(6)), max_size=8),
    st.booleans(),
)
def test_people_come_in_the_given_order_then_as_they_appear(
    given: list[int], holding: list[int], acting: list[int], with_people: bool
) -> None:
    """The people: the people table's order (each once), then anyone else as they first
    appear in the entitlements, then in the events."""
    first17 = [f"13063019480315{n:03d}" for n in range(6)]
    ids = [digits + check_character(digits) for digits in first17]
    schemes = ["enterprise_pension", "public_sector_pension"]
    entitlements = pl.concat(
        [
            _entitlements(
                id_number=ids[n],
                scheme=schemes[holding[:i].count(n) % 2],
                monthly_amount=f"{100 + i}.00",  # which row it is
            )
            for i, n in enumerate(holding)
            if holding[:i].count(n) < 2
        ]
    )
    events = pl.DataFrame(
        {
            "id_number": [ids[n] for n in acting],
            "type": ["certified"] * len(acting),
            "at": [f"2023-03-{i + 1:02d}" for i in range(len(acting))],  # which row it is
            "channel": ["assisted"] * len(acting),
        }
    )
    people = pl.DataFrame({"id_number": [ids[n] for n in given]}, schema={"id_number": pl.Utf8})
    data = from_tables(entitlements, events, None, people if with_people else None)
    order = (
        (given if with_people else [])
        + entitlements["id_number"].to_list()
        + [ids[n] for n in acting]
    )
    order = [ids[n] if isinstance(n, int) else n for n in order]
    assert data.people["id_number"].to_list() == list(dict.fromkeys(order))
    assert data.people["person"].to_list() == list(range(data.people.height))
    # each person's entitlements and events in the order of their table, numbered from 0
    person = dict(zip(data.people["id_number"], data.people["person"], strict=True))
    for got, rows, column, which in (
        (data.entitlements, entitlements, "position", "amount"),
        (data.certifications, events, "index", "on"),
    ):
        expected = sorted(
            (person[id_number], list(rows["id_number"][:i]).count(id_number), i)
            for i, id_number in enumerate(rows["id_number"])
        )
        # the row itself, by the value only it has
        rank = {value: i for i, value in enumerate(got.sort(which)[which])}
        numbered = [
            (p, n, rank[v]) for p, n, v in zip(got["person"], got[column], got[which], strict=True)
        ]
        assert numbered == expected


@pytest.mark.parametrize(
    "forged",
    [
        "-00000000000000012",
        "+13063019480315002",
        "-9999999999999999X",
        "１３０６３０１９４８０３１５００２８",  # full-width digits
        "١٣٠٦٣٠١٩٤٨٠٣١٥٠٠٢٨",  # Arabic-Indic digits
        "13063019480315002\x00",
        "130630194803150028" * 1000,
        "1306301948031500２8",
    ],
)
def test_a_forged_id_number_is_refused_by_its_row(forged: str) -> None:
    """Signs, digits of other scripts, a NUL or a huge text: a problem named by its row,
    next to a valid row, never a crash."""
    table = pl.concat([_entitlements(id_number=forged), _entitlements(start="2011-01")])
    with pytest.raises(BatchInputError) as caught:
        from_tables(table)
    assert [(p[0], p[1], p[2]) for p in caught.value.problems] == [("entitlements", 1, "id_number")]
