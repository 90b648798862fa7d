"""The store: idempotent ingestion, tamper evidence, calculation, archive export."""

from __future__ import annotations

import copy
import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sscert
from sscert import strategies as sst
from sscert.attestation import AttestationSigner
from sscert.calculate import calculate_case, result_to_dict
from sscert.cli.app import cli
from sscert.events import CST
from sscert.people import Person
from sscert.serialization import CaseIn, wire_converter, wire_keys
from sscert.store import SQLiteStore, StoreError, case_to_records, verify_archive

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = json.loads((ROOT / "examples" / "laiyuan-2023-case.json").read_text(encoding="utf-8"))
PERSON = "130630194803150028"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def write_jsonl(path: Path, records: list[dict[str, Any]] | list[str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "campaign.db"
    assert run("store", "init", str(path)).exit_code == 0
    return path


def test_init_creates_and_leaves_an_existing_store_untouched(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    first = run("store", "init", str(path))
    assert first.exit_code == 0
    assert "created" in first.stdout
    write_jsonl(tmp_path / "r.jsonl", case_to_records(EXAMPLE))
    assert run("store", "import", str(path), str(tmp_path / "r.jsonl")).exit_code == 0
    again = run("store", "init", str(path))
    assert again.exit_code == 0
    assert "already a store" in again.stdout
    with SQLiteStore.open(path) as store:
        assert sum(store.counts().values()) == len(case_to_records(EXAMPLE))


def test_init_refuses_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")
    result = run("store", "init", str(path))
    assert result.exit_code == 2
    assert "not an sscert store" in result.stderr
    with pytest.raises(StoreError):
        SQLiteStore.open(tmp_path / "missing.db")


def test_import_twice_stores_once(db: Path, tmp_path: Path) -> None:
    records = case_to_records(EXAMPLE)
    path = write_jsonl(tmp_path / "r.jsonl", records)
    first = run("store", "import", str(db), str(path))
    assert first.exit_code == 0
    assert f"stored {len(records)}, already present 0, rejected 0" in first.stdout
    second = run("store", "import", str(db), str(path))
    assert second.exit_code == 0
    assert f"stored 0, already present {len(records)}, rejected 0" in second.stdout


def test_the_same_record_written_differently_is_the_same(db: Path, tmp_path: Path) -> None:
    base = {
        "kind": "entitlement",
        "id": "e1",
        "id_number": PERSON,
        "scheme": "enterprise_pension",
        "start": "2008-05",
        "monthly_amount": "2856.40",
    }
    again = {**base, "monthly_amount": "2856.4", "id_number": PERSON}
    path = write_jsonl(tmp_path / "r.jsonl", [base, again])
    result = run("store", "import", str(db), str(path))
    assert "stored 1, already present 1, rejected 0" in result.stdout


BAD_LINES: list[tuple[str, str]] = [
    ("{not json", "not JSON"),
    (json.dumps({"kind": "parcel", "id": "x", "id_number": PERSON}), "kind"),
    (json.dumps({"kind": "person", "id_number": PERSON}), "id: missing"),
    (json.dumps({"kind": "person", "id": "p9", "id_number": "130630194803150027"}), "id_number"),
    (json.dumps({"kind": "person", "id": "p9", "id_number": PERSON, "age": 75}), "age"),
    (json.dumps({"kind": "person", "id": "p9", "id_number": PERSON, "phone": "12345"}), "phone"),
    (
        json.dumps(
            {
                "kind": "entitlement",
                "id": "e9",
                "id_number": PERSON,
                "scheme": "x",
                "start": "2008-05",
                "monthly_amount": "1",
            }
        ),
        "unknown scheme",
    ),
    (
        json.dumps(
            {
                "kind": "entitlement",
                "id": "e9",
                "id_number": PERSON,
                "scheme": "enterprise_pension",
                "start": "2008-05",
                "monthly_amount": "0",
            }
        ),
        "greater than zero",
    ),
    (json.dumps({"kind": "event", "id": "v9", "id_number": PERSON, "type": "moved"}), "type"),
    (
        json.dumps(
            {
                "kind": "event",
                "id": "v9",
                "id_number": PERSON,
                "type": "certified",
                "at": "2023-03-01",
                "channel": "wechat",
            }
        ),
        "unknown channel",
    ),
    (
        json.dumps(
            {
                "kind": "event",
                "id": "v9",
                "id_number": PERSON,
                "type": "died",
                "on": "2023-03-01",
                "reported_on": "2023-02-01",
            }
        ),
        "before the death",
    ),
    (
        json.dumps(
            {
                "kind": "amount_change",
                "id": "a9",
                "id_number": PERSON,
                "scheme": "public_sector_pension",
                "from": "2023-01",
                "monthly_amount": "1",
            }
        ),
        "no entitlement",
    ),
]


def test_rejected_lines_do_not_stop_the_good_ones(db: Path, tmp_path: Path) -> None:
    good = case_to_records(EXAMPLE)
    lines: list[str] = []
    expected: dict[int, str] = {}
    for i, record in enumerate(good):
        lines.append(json.dumps(record, ensure_ascii=False))
        if i < len(BAD_LINES):
            bad, why = BAD_LINES[i]
            lines.append(bad)
            expected[len(lines)] = why
    path = write_jsonl(tmp_path / "mixed.jsonl", lines)
    result = run("store", "import", str(db), str(path))
    assert result.exit_code == 1
    assert f"stored {len(good)}, already present 0, rejected {len(BAD_LINES)}" in result.stdout
    for line, why in expected.items():
        message = next(m for m in result.stderr.splitlines() if f":{line}: rejected" in m)
        assert why in message, (line, message)
    assert PERSON not in result.stderr


def test_conflicts_name_both_records(db: Path, tmp_path: Path) -> None:
    first = {
        "kind": "entitlement",
        "id": "e1",
        "id_number": PERSON,
        "scheme": "enterprise_pension",
        "start": "2008-05",
        "monthly_amount": "2856.40",
    }
    changed = {**first, "monthly_amount": "2950.10"}
    same_scheme = {**first, "id": "e2"}
    death = {
        "kind": "event",
        "id": "d1",
        "id_number": PERSON,
        "type": "died",
        "on": "2023-05-14",
        "reported_on": "2023-08-02",
    }
    second_death = {**death, "id": "d2", "on": "2023-06-01"}
    path = write_jsonl(tmp_path / "c.jsonl", [first, changed, same_scheme, death, second_death])
    result = run("store", "import", str(db), str(path))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "conflict" in lines[0]
    assert "e1" in lines[0]
    assert "2950.10" in lines[0]
    assert "2856.40" in lines[0]
    assert "'e1'" in lines[1]
    assert "d1" in lines[2]


def test_a_store_that_cannot_run_exits_2(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "r.jsonl", case_to_records(EXAMPLE))
    assert run("store", "import", str(tmp_path / "none.db"), str(path)).exit_code == 2
    db = tmp_path / "s.db"
    run("store", "init", str(db))
    assert run("store", "import", str(db), str(tmp_path / "missing.jsonl")).exit_code == 2


def test_records_are_append_only(db: Path, tmp_path: Path) -> None:
    run(
        "store", "import", str(db), str(write_jsonl(tmp_path / "r.jsonl", case_to_records(EXAMPLE)))
    )
    connection = sqlite3.connect(db)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        connection.execute("UPDATE records SET body = '{}' WHERE seq = 3")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        connection.execute("DELETE FROM records WHERE seq = 3")


def _tamper(db: Path, statement: str) -> None:
    connection = sqlite3.connect(db)
    connection.execute("DROP TRIGGER records_append_only_update")
    connection.execute("DROP TRIGGER records_append_only_delete")
    connection.execute(statement)
    connection.commit()
    connection.close()


@pytest.mark.parametrize(
    ("statement", "row"),
    [
        ("UPDATE records SET body = replace(body, '2856.40', '9856.40') WHERE seq = 2", 2),
        ("DELETE FROM records WHERE seq = 5", 6),
        ("UPDATE records SET hash = 'x' WHERE seq = 7", 7),
    ],
    ids=["changed", "deleted", "rehashed"],
)
def test_verify_names_the_first_bad_row(db: Path, tmp_path: Path, statement: str, row: int) -> None:
    run(
        "store", "import", str(db), str(write_jsonl(tmp_path / "r.jsonl", case_to_records(EXAMPLE)))
    )
    assert run("store", "verify", str(db)).exit_code == 0
    _tamper(db, statement)
    result = run("store", "verify", str(db))
    assert result.exit_code == 1
    assert f"row {row}" in result.stdout


def test_store_calculate_is_calculate(db: Path, tmp_path: Path) -> None:
    run(
        "store", "import", str(db), str(write_jsonl(tmp_path / "r.jsonl", case_to_records(EXAMPLE)))
    )
    from_store = run(
        "store", "calculate", str(db), "--campaign", "laiyuan-2023", "--as-of", "2023-09-30"
    )
    assert from_store.exit_code == 0, from_store.stderr
    assert json.loads(from_store.stdout) == sscert.calculate(EXAMPLE)
    with_from = run(
        "store",
        "calculate",
        str(db),
        "--campaign",
        "laiyuan-2023",
        "--as-of",
        "2023-09-30",
        "--from",
        "2023-01",
    )
    assert json.loads(with_from.stdout) == sscert.calculate({**EXAMPLE, "from": "2023-01"})
    bad = run("store", "calculate", str(db), "--campaign", "laiyuan-2023", "--as-of", "May")
    assert bad.exit_code == 2


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=sst.cases(max_people=4))
def test_calculation_from_the_store_equals_calculate(tmp_path: Path, case: dict[str, Any]) -> None:
    path = tmp_path / f"p{abs(hash(json.dumps(case)))}.db"
    store, _ = SQLiteStore.init(path)
    with store:
        report = store.import_lines(json.dumps(r) for r in case_to_records(case))
        assert report.ok, report.rejected
        rebuilt = store.case(
            case["campaign"], dt.date.fromisoformat(case["as_of"]), case.get("from")
        )
        typed = store.load_case(
            case["campaign"], dt.date.fromisoformat(case["as_of"]), case.get("from")
        )
    expected = sscert.calculate(case)
    assert sscert.calculate(rebuilt) == expected
    # the typed case: validated people, nobody left out, the same answers
    assert typed.invalid == ()
    assert all(isinstance(person, Person) for person in typed.case.people)
    assert [p.id_number.value for p in typed.case.people] == [
        p["id_number"] for p in expected["people"]
    ]
    assert result_to_dict(typed.case, calculate_case(typed.case)) == expected


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=sst.cases(max_people=5), data=st.data())
def test_some_people_s_rows_are_theirs_in_chain_order_read_either_way(
    tmp_path: Path, case: dict[str, Any], data: st.DataObject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows of a collection of people are found by the person index (a few of them) or
    by reading the store whole (many): the same rows, in chain order, either way."""
    path = tmp_path / f"r{abs(hash(json.dumps(case)))}.db"
    store, _ = SQLiteStore.init(path)
    with store:
        assert store.import_lines(json.dumps(r) for r in case_to_records(case)).ok
        everyone = [p["id_number"] for p in case["people"]]
        asked = data.draw(st.sets(st.sampled_from(everyone)) if everyone else st.just(set()))
        expected = [row for row in store.person_rows() if row[2] in asked]
        for scan in (0, 10**9):  # never and always read whole
            monkeypatch.setattr("sscert.store.sqlite.SCAN_ROWS_PER_PERSON", scan)
            assert list(store.person_rows(asked)) == expected


def test_export_masks_neutralises_and_opens_in_excel(db: Path, tmp_path: Path) -> None:
    case = copy.deepcopy(EXAMPLE)
    case["people"][0]["name"] = '=HYPERLINK("http://x")'
    case["people"][1]["phone"] = "13812345678"
    case["people"][2]["township"] = "@SUM(1)"
    run("store", "import", str(db), str(write_jsonl(tmp_path / "r.jsonl", case_to_records(case))))
    out = tmp_path / "archive"
    result = run("store", "export", str(db), "--campaign", "laiyuan-2023", "--out", str(out))
    assert result.exit_code == 0
    raw = (out / "records.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "'@SUM(1)" in text
    assert "张秀英" not in text  # replaced by the formula name above
    assert "李德福" in text
    everything = text + (out / "records.jsonl").read_text(encoding="utf-8")
    for person in case["people"]:
        assert sscert.IdNumber.parse(person["id_number"]).value not in everything
    assert "13812345678" not in everything
    assert "138****5678" in everything
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    records = case_to_records(case)
    assert manifest["records"]["total"] == len(records)
    assert manifest["records"]["event"] == sum(r["kind"] == "event" for r in records)
    with SQLiteStore.open(db) as store:
        assert manifest["chain_head"]["hash"] == store.head()[1]
    assert manifest["masked"] is True
    assert verify_archive(out) == []
    (out / "records.csv").write_text("tampered", encoding="utf-8")
    assert verify_archive(out) == ["records.csv: its SHA-256 does not match the manifest"]


def test_export_unmasked_on_request(db: Path, tmp_path: Path) -> None:
    run(
        "store", "import", str(db), str(write_jsonl(tmp_path / "r.jsonl", case_to_records(EXAMPLE)))
    )
    out = tmp_path / "full"
    result = run(
        "store", "export", str(db), "--campaign", "laiyuan-2023", "--out", str(out), "--unmasked"
    )
    assert result.exit_code == 0
    assert "full ID" in result.stderr
    assert EXAMPLE["people"][0]["id_number"] in (out / "records.jsonl").read_text(encoding="utf-8")


def _attested_event(signer: AttestationSigner, record_id: str, **change: Any) -> dict[str, Any]:
    at = dt.datetime(2023, 3, 1, 10, 0, tzinfo=CST)
    attestation = signer.sign(sscert.IdNumber.parse(PERSON), "laiyuan-2023", at).to_dict()
    attestation.update(change)
    return {
        "kind": "event",
        "id": record_id,
        "id_number": PERSON,
        "type": "certified",
        "at": at.isoformat(),
        "channel": "hebei_renshe",
        "attestation": attestation,
    }


def test_attestations_are_verified_on_ingestion(db: Path, tmp_path: Path) -> None:
    signer = AttestationSigner.generate("hebei_renshe", "hebei-1")
    keys = tmp_path / "keys.json"
    keys.write_text(
        json.dumps(
            [
                {
                    "key_id": "hebei-1",
                    "channel": "hebei_renshe",
                    "public_key_pem": signer.trusted_key().public_pem().decode(),
                }
            ]
        )
    )
    good = _attested_event(signer, "v1")
    replay = {**good, "id": "v2"}
    tampered = _attested_event(signer, "v3", campaign="laiyuan-2024")
    forged = _attested_event(AttestationSigner.generate("hebei_renshe", "hebei-1"), "v4")
    path = write_jsonl(tmp_path / "att.jsonl", [good, replay, tampered, forged])
    result = run("store", "import", str(db), str(path), "--trusted-keys", str(keys))
    assert result.exit_code == 1
    assert "stored 1" in result.stdout
    errors = result.stderr.splitlines()
    assert "replay" in errors[0]
    assert "tampered" in errors[1]
    assert "tampered" in errors[2]
    without_keys = run(
        "store",
        "import",
        str(db),
        str(write_jsonl(tmp_path / "a2.jsonl", [_attested_event(signer, "v5")])),
    )
    assert without_keys.exit_code == 1
    assert "no trusted keys" in without_keys.stderr


def test_backup_is_a_verified_store(db: Path, tmp_path: Path) -> None:
    run(
        "store", "import", str(db), str(write_jsonl(tmp_path / "r.jsonl", case_to_records(EXAMPLE)))
    )
    copy = tmp_path / "copy.db"
    result = run("store", "backup", str(db), str(copy))
    assert result.exit_code == 0, result.stderr
    with SQLiteStore.open(copy) as backup, SQLiteStore.open(db) as original:
        assert backup.head() == original.head()
        assert backup.verify() is None
    assert run("store", "backup", str(db), str(copy)).exit_code == 2


def test_a_line_that_is_not_text_is_rejected_alone(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "binary.jsonl"
    path.write_bytes(b"\xff\xfe\x00garbage\x81\n")
    result = run("store", "import", str(db), str(path))
    assert result.exit_code == 1
    assert f"{path}:1: rejected: not UTF-8" in result.stderr


def test_the_store_hands_back_a_typed_case(db: Path, tmp_path: Path) -> None:
    run(
        "store", "import", str(db), str(write_jsonl(tmp_path / "r.jsonl", case_to_records(EXAMPLE)))
    )
    as_of = dt.date.fromisoformat(EXAMPLE["as_of"])
    with SQLiteStore.open(db) as store:
        whole = store.load_case("laiyuan-2023", as_of, EXAMPLE.get("from"))
        by_object = store.load_case(sscert.load_campaign("laiyuan-2023"), as_of, whole.case.first)
        one = store.load_case("laiyuan-2023", as_of, only=PERSON)
    assert by_object == whole
    assert whole.case.campaign.id == "laiyuan-2023"
    assert whole.case.as_of == as_of
    assert whole.invalid == ()
    numbers = [p.id_number.value for p in whole.case.people]
    assert numbers == [p["id_number"] for p in EXAMPLE["people"]]
    assert result_to_dict(whole.case, calculate_case(whole.case)) == sscert.calculate(EXAMPLE)
    assert [p.id_number.value for p in one.case.people] == [PERSON]
    assert one.invalid == ()


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=sst.cases(max_people=4))
def test_the_store_gives_back_the_wire_values_it_was_given(
    tmp_path: Path, case: dict[str, Any]
) -> None:
    """A record's keys are its wire class's (entitlements, amount changes, accounts, events):
    every value stored is read back as the same typed value."""
    path = tmp_path / f"w{abs(hash(json.dumps(case)))}.db"
    store, _ = SQLiteStore.init(path)
    with store:
        assert store.import_lines(json.dumps(r) for r in case_to_records(case)).ok
        rebuilt = store.case(
            case["campaign"], dt.date.fromisoformat(case["as_of"]), case.get("from")
        )
    given_back = wire_converter.structure(rebuilt, CaseIn)
    given = wire_converter.structure(case, CaseIn)
    for back, sent in zip(given_back.people, given.people, strict=True):
        assert back.id_number == sent.id_number
        assert back.entitlements == sent.entitlements
        assert back.events == sent.events
        assert back.account == sent.account
        assert back.instalment_months == sent.instalment_months
        assert (back.name, back.township, back.village, back.address) == (
            sent.name, sent.township, sent.village, sent.address
        )  # fmt: skip


@settings(max_examples=60)
@given(case=sst.cases(max_people=3))
def test_a_record_holds_the_typed_value_its_body_is_written_from(case: dict[str, Any]) -> None:
    channels = frozenset(sscert.KNOWN_CHANNELS) | frozenset(
        sscert.load_campaign(case["campaign"]).channels
    )
    typed_kinds = {"entitlement", "amount_change", "account", "event"}
    for data in case_to_records(case):
        record = sscert.store.parse_record(data, channels)
        if record.kind not in typed_kinds:
            assert record.value is None
            continue
        assert record.value is not None
        kind = type(record.value)
        fields = {k: v for k, v in record.body.items() if k in wire_keys(kind)}
        assert wire_converter.structure(fields, kind) == record.value
        if record.kind == "event":
            assert wire_converter.unstructure(record.value)["type"] == record.body["type"]
