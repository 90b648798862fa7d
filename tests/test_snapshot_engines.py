"""The campaign commands' two engines give the same report data.

``take_snapshot(engine="batch")`` counts everyone with the batch engine and calculates one by
one only the people the lists name (pending, suspended, deceased) and the people whose
records are not plain; ``engine="per-person"`` calculates everyone one by one (the
reference). Every figure, list, settlement row and left-out person must be the same — on
generated rosters, with stored records damaged the ways an older version or a disk might.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sscert
from example_campaigns import ROLLING
from sscert import strategies as sst
from sscert.reports import Snapshot, take_snapshot
from sscert.reports.reminders import reminder_rows
from sscert.reports.settlement import settlement_summary
from sscert.reports.snapshot import REMINDED
from sscert.rules.status import Status
from sscert.store import SQLiteStore, case_to_records
from sscert.store.sqlite import row_hash
from sscert.values.identity import IdNumber

pytest.importorskip("polars")

CAMPAIGNS = {c.id: c for c in (sscert.load_campaign("laiyuan-2023"),
                               sscert.load_campaign("hebei-2024"), ROLLING)}  # fmt: skip


def _insert_raw(db: Path, kind: str, person: str, body: str | bytes) -> None:
    """Append a row the way an older version or a damaged disk might have: chained, but
    never validated (bytes: a body that is not UTF-8)."""
    with SQLiteStore.open(db) as store:
        seq, prev = store.head()
    record_id = f"raw-{seq + 1}"
    text = body.decode("utf-8", "surrogateescape") if isinstance(body, bytes) else body
    digest = row_hash(seq + 1, record_id=record_id, kind=kind, person=person, unique_key=None,
                      body=text, prev_hash=prev)  # fmt: skip
    connection = sqlite3.connect(db)
    connection.execute(
        "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq + 1, record_id, kind, person, None, body, prev, digest),
    )
    connection.commit()
    connection.close()


#: Ways a stored record can be wrong, each as (kind, body) for a person.
DAMAGE: dict[str, tuple[str, Any]] = {
    "amount beyond the limit": (
        "amount_change",
        {"scheme": "enterprise_pension", "from": "2023-04", "monthly_amount": "1" * 30},
    ),
    "not JSON": ("entitlement", "{"),
    "not UTF-8": ("event", b'{"type":"certified","at":"2023-03-01","channel":"\xff\xfe"}'),
    "truncated": ("entitlement", '{"scheme":"public_sector_pension","start":"2010-'),
    "a huge value": (
        "entitlement",
        {"scheme": "public_sector_pension", "start": "2010-01", "monthly_amount": "1" * 5000},
    ),
    "a dependant with a word for its relationship": (
        "entitlement",
        {
            "scheme": "work_injury_survivor",
            "start": "2010-01",
            "monthly_amount": "100.00",
            "dependant": {"relationship": "cousin", "fully_incapacitated": "yes"},
        },
    ),
    "a number for text": (
        "entitlement",
        {"scheme": "public_sector_pension", "start": "2010-01", "monthly_amount": 2856.4},
    ),
    "an unknown event": ("event", {"type": "moved_away", "on": "2023-03-01"}),
    "an unknown kind": ("note", {"text": "x"}),
    "a township that is not text": ("person", {"township": ["涞源镇"]}),
    "a certification on an unknown channel": (
        "event",
        {"type": "certified", "at": "2023-03-01T10:00:00+08:00", "channel": "carrier_pigeon"},
    ),
    "a second death": ("event", {"type": "died", "on": "2023-02-01", "reported_on": "2023-02-02"}),
    "an end before its start": (
        "entitlement",
        {
            "scheme": "public_sector_pension",
            "start": "2010-01",
            "end": "2009-12",
            "monthly_amount": "100.00",
        },
    ),
    "a dependant on a pension": (
        "entitlement",
        {
            "scheme": "public_sector_pension",
            "start": "2010-01",
            "monthly_amount": "100.00",
            "dependant": {"relationship": "child"},
        },
    ),
}


def _store(tmp: Path, case: dict[str, Any], damage: list[tuple[int, str]]) -> Path:
    db = tmp / "s.db"
    for stale in tmp.glob("s.db*"):
        stale.unlink()
    store, _created = SQLiteStore.init(db)
    with store:
        lines = [json.dumps(r, ensure_ascii=False) for r in case_to_records(case)]
        report = store.import_lines(lines)
    assert not report.rejected, report.rejected
    people = [IdNumber.parse(str(p["id_number"])).value for p in case["people"]]  # type: ignore[attr-defined]
    for which, name in damage:
        kind, body = DAMAGE[name]
        text = body if isinstance(body, str | bytes) else json.dumps(body, ensure_ascii=False)
        _insert_raw(db, kind, people[which % len(people)], text)
    return db


def _data(snapshot: Snapshot) -> dict[str, Any]:
    """Everything the report and the reminder lists are made of."""
    rows = [{k: v for k, v in row.items() if k != "_result"} for row in reminder_rows(snapshot)]
    return {
        "invalid": [(p.id_number, p.reason) for p in snapshot.invalid],
        "by_township": snapshot.by_township(),
        "by_scheme": snapshot.by_scheme(),
        "per_day": snapshot.certifications_per_day(),
        "channel_mix": snapshot.channel_mix(),
        "totals": snapshot.totals(),
        "reminders": rows,
        "frauds": [r.person.id_number.value for r in snapshot.suspected_frauds],
        "overpaid": [
            (r.person.id_number.value, r.totals.overpaid)
            for r in snapshot.results
            if r.totals.overpaid.is_positive
        ],
        "reviews": [
            (r.person.id_number.value, lead.reason, lead.detail)
            for r in snapshot.results
            for lead in r.review
        ],
        "settlements": settlement_summary(snapshot.results),
    }


def _both(db: Path, campaign: Any, as_of: dt.date) -> tuple[dict[str, Any], dict[str, Any]]:
    with SQLiteStore.open(db) as store:
        batch = take_snapshot(store, campaign, as_of, engine="batch")
        reference = take_snapshot(store, campaign, as_of, engine="per-person")
        reminded = take_snapshot(store, campaign, as_of, engine="batch", named=REMINDED)
    assert batch.figures is not None
    assert reference.figures is None
    # the reminder lists' snapshot: the same figures and lists, nobody else one by one
    expected = _data(reference)
    for key in ("invalid", "by_township", "by_scheme", "per_day", "channel_mix", "totals"):
        assert _data(reminded)[key] == expected[key], key
    assert _data(reminded)["reminders"] == expected["reminders"]

    def people(snapshot: Snapshot, statuses: tuple[Status, ...]) -> set[str]:
        return {r.person.id_number.value for r in snapshot.results if r.status in statuses}

    assert people(reminded, REMINDED) == people(reference, REMINDED)
    # anyone else calculated one by one was routed (records that are not plain)
    assert people(reminded, (Status.DECEASED,)) <= people(reference, (Status.DECEASED,))
    return _data(batch), expected


CASES = st.sampled_from(sorted(CAMPAIGNS)).flatmap(
    lambda name: sst.cases(
        CAMPAIGNS[name],
        max_people=8,
        min_day=dt.date(2023, 1, 1) if name == "laiyuan-2023" else dt.date(2023, 6, 1),
        max_day=dt.date(2024, 6, 30) if name == "laiyuan-2023" else dt.date(2025, 12, 31),
        typical_as_of_from=dt.date(2023, 2, 10) if name == "laiyuan-2023" else dt.date(2024, 1, 1),
    )
)


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    case=CASES,
    damage=st.lists(st.tuples(st.integers(0, 7), st.sampled_from(sorted(DAMAGE))), max_size=3),
)
def test_both_engines_give_the_same_report_data(
    tmp_path: Path, case: dict[str, Any], damage: list[tuple[int, str]]
) -> None:
    db = _store(tmp_path, case, damage)
    campaign = CAMPAIGNS[str(case["campaign"])]
    batch, reference = _both(db, campaign, dt.date.fromisoformat(str(case["as_of"])))
    for key, value in reference.items():
        assert batch[key] == value, key


def test_the_demo_campaign_gives_the_same_report_page(tmp_path: Path) -> None:
    """A few hundred people of the synthetic Laiyuan campaign: the whole progress report,
    byte for byte."""
    from sscert.demo import run_demo  # noqa: PLC0415
    from sscert.reports.html import render_report  # noqa: PLC0415

    result = run_demo(tmp_path / "demo", people=400)
    with SQLiteStore.open(result.store) as store:
        pages = [
            render_report(take_snapshot(store, "laiyuan-2023", dt.date(2023, 6, 30), engine=e))
            for e in ("batch", "per-person")
        ]
    assert pages[0] == pages[1]
    assert "认证进度" in pages[0]


def test_an_unknown_engine_is_refused(tmp_path: Path) -> None:
    store, _created = SQLiteStore.init(tmp_path / "s.db")
    with store, pytest.raises(ValueError, match="engine"):
        take_snapshot(store, "laiyuan-2023", dt.date(2023, 6, 30), engine="fast")


def test_remind_and_report_write_the_same_files_with_either_engine(tmp_path: Path) -> None:
    from click.testing import CliRunner  # noqa: PLC0415

    from sscert.cli.app import cli  # noqa: PLC0415

    example = json.loads(
        (Path(__file__).resolve().parent.parent / "examples" / "laiyuan-2023-case.json").read_text(
            encoding="utf-8"
        )
    )
    db = _store(tmp_path, example, [(1, "amount beyond the limit")])
    args = ["--campaign", "laiyuan-2023", "--as-of", "2023-09-30", "--operator", "测试"]
    outputs = {}
    for engine in ("batch", "per-person"):
        out = tmp_path / engine
        for command in (
            ["remind", str(db), *args, "--out", str(out / "lists"), "--engine", engine],
            ["report", str(db), *args[:4], "--out", str(out / "report.html"), "--engine", engine],
        ):
            result = CliRunner().invoke(cli, command)
            assert result.exit_code == 1, result.output  # the damaged person is named
            assert "not calculated" in result.stderr
        outputs[engine] = {
            p.relative_to(out): p.read_bytes()
            for p in sorted(out.rglob("*"))
            if p.is_file() and p.suffix in (".csv", ".html")
        }
    assert outputs["batch"] == outputs["per-person"]
    assert len(outputs["batch"]) > 4


def test_a_store_read_in_small_pieces_gives_the_same_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store reader moves rows into column frames as it goes: how often changes
    nothing."""
    from sscert.batch import stored  # noqa: PLC0415

    example = json.loads(
        (Path(__file__).resolve().parent.parent / "examples" / "laiyuan-2023-case.json").read_text(
            encoding="utf-8"
        )
    )
    db = _store(tmp_path, example, [(2, "not JSON")])
    with SQLiteStore.open(db) as store:
        whole = stored.read_store_columns(store)
        monkeypatch.setattr(stored, "FLUSH_ROWS", 2)
        pieces = stored.read_store_columns(store)
    assert pieces.routed == whole.routed
    assert len(whole.routed) == 1
    assert pieces.positions == whole.positions
    for name in ("people", "entitlements", "changes", "certifications", "deaths"):
        assert getattr(pieces.data, name).equals(getattr(whole.data, name)), name
