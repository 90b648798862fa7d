"""Trust in the store: attested stores, a tamper matrix against signed checkpoints, lines
that cannot stop the good ones, and one bad stored record that stops only its person."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

import sscert
from sscert.attestation import AttestationSigner
from sscert.cli.app import cli
from sscert.events import CST
from sscert.store import SQLiteStore, case_to_records
from sscert.store.sqlite import IMPORT_CACHE_KIB, IMPORT_CHECKPOINT, row_hash

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = json.loads((ROOT / "examples" / "laiyuan-2023-case.json").read_text(encoding="utf-8"))
PERSON = "130630194803150028"
NOW = dt.datetime.now(dt.UTC)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def write_jsonl(path: Path, records: list[Any]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def keys_file(path: Path, *signers: AttestationSigner) -> Path:
    items = [
        {
            "key_id": s.key_id,
            "channel": s.channel,
            "public_key_pem": s.trusted_key().public_pem().decode(),
        }
        for s in signers
    ]
    path.write_text(json.dumps(items), encoding="utf-8")
    return path


def attested(
    signer: AttestationSigner, record_id: str, at: dt.datetime | None = None, **change: Any
) -> dict[str, Any]:
    at = at or dt.datetime(2023, 3, 1, 10, 0, tzinfo=CST)
    attestation = signer.sign(sscert.IdNumber.parse(PERSON), "laiyuan-2023", at).to_dict()
    attestation.update(change)
    return {
        "kind": "event",
        "id": record_id,
        "id_number": PERSON,
        "type": "certified",
        "at": at.isoformat(),
        "channel": signer.channel,
        "attestation": attestation,
    }


# --- attested stores -----------------------------------------------------------------------


@pytest.fixture
def hebei() -> AttestationSigner:
    return AttestationSigner.generate("hebei_renshe", "hebei-1")


@pytest.fixture
def attested_db(tmp_path: Path, hebei: AttestationSigner) -> Path:
    db = tmp_path / "attested.db"
    result = run(
        "store", "init", str(db), "--trusted-keys", str(keys_file(tmp_path / "k.json", hebei))
    )
    assert result.exit_code == 0, result.output
    assert "attested" in result.stdout
    return db


def test_an_attested_store_refuses_a_certification_without_proof(
    attested_db: Path, tmp_path: Path, hebei: AttestationSigner
) -> None:
    bare = {k: v for k, v in attested(hebei, "bare").items() if k != "attestation"}
    died = {
        "kind": "event",
        "id": "d",
        "id_number": PERSON,
        "type": "died",
        "on": "2023-05-01",
        "reported_on": "2023-05-03",
    }
    path = write_jsonl(tmp_path / "e.jsonl", [bare, attested(hebei, "good"), died])
    # no --trusted-keys on the import: the store's own policy still holds
    result = run("store", "import", str(attested_db), str(path))
    assert result.exit_code == 1
    assert f"{path}:1: rejected: attestation_required" in result.stderr
    assert "stored 2" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("head: 2 rows, hash ")


def test_an_attested_store_refuses_keys_outside_its_policy(
    attested_db: Path, tmp_path: Path, hebei: AttestationSigner
) -> None:
    rogue = AttestationSigner.generate("hebei_renshe", "rogue")
    path = write_jsonl(tmp_path / "e.jsonl", [attested(rogue, "r")])
    weaker = keys_file(tmp_path / "rogue.json", hebei, rogue)
    result = run("store", "import", str(attested_db), str(path), "--trusted-keys", str(weaker))
    assert result.exit_code == 2
    assert "trust policy" in result.stderr
    plain = run("store", "import", str(attested_db), str(path))
    assert plain.exit_code == 1
    assert "unknown_key" in plain.stderr


def test_attested_times_are_bounded_and_signatures_strict(
    attested_db: Path, tmp_path: Path, hebei: AttestationSigner
) -> None:
    future = attested(hebei, "f", at=dt.datetime(2099, 1, 1, tzinfo=CST))
    soon = attested(hebei, "s", at=(NOW + dt.timedelta(minutes=2)).astimezone(CST))
    before = attested(hebei, "b", at=dt.datetime(2023, 1, 5, tzinfo=CST))
    good = attested(hebei, "g")
    signature = good["attestation"]["signature"]
    padded = attested(hebei, "p", signature=signature + "==")
    spaced = attested(hebei, "w", signature=" " + signature)
    # the last character of 64 bytes carries 2 unused bits: another spelling, same bytes
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet[alphabet.index(signature[-1]) ^ 1]
    respelt = dict(
        good, id="r", attestation=dict(good["attestation"], signature=signature[:-1] + last)
    )
    lines = [future, soon, before, padded, spaced, respelt]
    result = run("store", "import", str(attested_db), str(write_jsonl(tmp_path / "t.jsonl", lines)))
    errors = result.stderr.splitlines()
    assert "future" in errors[0]
    assert "before laiyuan-2023 opened" in errors[1]
    assert all("tampered" in e or "malformed" in e for e in errors[2:]), errors
    assert "stored 1" in result.stdout  # only the one two minutes ahead (clock skew)


def test_a_store_without_keys_says_how_many_are_unattested(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    run("store", "init", str(db))
    run(
        "store", "import", str(db), str(write_jsonl(tmp_path / "r.jsonl", case_to_records(EXAMPLE)))
    )
    result = run("store", "verify", str(db))
    assert result.exit_code == 0
    assert "4 certifications are unattested" in result.stdout


# --- checkpoints and the tamper matrix -----------------------------------------------------


@pytest.fixture
def anchored(tmp_path: Path) -> tuple[Path, Path, Path]:
    db = tmp_path / "s.db"
    run("store", "init", str(db))
    run(
        "store", "import", str(db), str(write_jsonl(tmp_path / "r.jsonl", case_to_records(EXAMPLE)))
    )
    keys = run("keys", "generate", "--out", str(tmp_path / "office"))
    assert keys.exit_code == 0, keys.output
    key, pub = tmp_path / "office.key", tmp_path / "office.pub"
    assert key.stat().st_mode & 0o777 == 0o600
    assert b"PRIVATE" not in pub.read_bytes()
    checkpoint = tmp_path / "cp.json"
    made = run("store", "checkpoint", str(db), "--key", str(key), "--out", str(checkpoint))
    assert made.exit_code == 0, made.output
    good = run(
        "store", "verify", str(db), "--checkpoint", str(checkpoint), "--public-key", str(pub)
    )
    assert good.exit_code == 0, good.output
    assert "extends the checkpoint of 19 rows" in good.stdout
    return db, checkpoint, pub


def _rows(db: Path) -> list[list[Any]]:
    connection = sqlite3.connect(db)
    rows = [
        list(r)
        for r in connection.execute(
            "SELECT seq, id, kind, id_number, unique_key, body, prev_hash, hash FROM records "
            "ORDER BY seq"
        )
    ]
    connection.close()
    return rows


def _hashed(  # noqa: PLR0917 - a row's columns, in the table's order
    seq: int, record_id: str, kind: str, person: str, unique: str | None, body: str, prev: str
) -> str:
    """:func:`row_hash` of a row given as its columns, in the table's order."""
    return row_hash(
        seq,
        record_id=record_id,
        kind=kind,
        person=person,
        unique_key=unique,
        body=body,
        prev_hash=prev,
    )


def _rewrite(db: Path, rows: list[list[Any]]) -> None:
    """Replace every row, renumbered and rehashed: what someone with the file can do."""
    connection = sqlite3.connect(db)
    connection.execute("DROP TRIGGER records_append_only_update")
    connection.execute("DROP TRIGGER records_append_only_delete")
    connection.execute("DELETE FROM records")
    prev = "0" * 64
    for seq, row in enumerate(rows, start=1):
        _, record_id, kind, person, unique, body, _, _ = row
        digest = _hashed(seq, record_id, kind, person, unique, body, prev)
        connection.execute(
            "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, record_id, kind, person, unique, body, prev, digest),
        )
        prev = digest
    connection.commit()
    connection.close()


def _sql(db: Path, *statements: str) -> None:
    connection = sqlite3.connect(db)
    connection.execute("DROP TRIGGER IF EXISTS records_append_only_update")
    connection.execute("DROP TRIGGER IF EXISTS records_append_only_delete")
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


def _truncate(db: Path) -> None:
    _sql(db, "DELETE FROM records WHERE seq >= 18")


def _delete_the_death(db: Path) -> None:
    _rewrite(db, [r for r in _rows(db) if r[1] != "case-2/event/1"])


def _reorder(db: Path) -> None:
    rows = _rows(db)
    rows[3], rows[4] = rows[4], rows[3]
    _rewrite(db, rows)


def _rewrite_from_row(db: Path) -> None:
    rows = _rows(db)
    rows[1][5] = rows[1][5].replace("2856.40", "9856.40")
    _rewrite(db, rows)


def _append_a_second_death(db: Path) -> None:
    rows = _rows(db)
    death = next(r for r in rows if r[1] == "case-2/event/1")
    body = json.loads(death[5])
    body["id"] = "forged"
    body["on"] = "2023-02-01"
    _rewrite(db, [*rows, [0, "forged", "event", death[3], "forged|died", json.dumps(body), "", ""]])


def _column(column: str, value: str) -> Any:
    return lambda db: _sql(db, f"UPDATE records SET {column} = '{value}' WHERE seq = 11")


def _undecodable(db: Path) -> None:
    _sql(db, "UPDATE records SET body = CAST(x'7b22ff22' AS TEXT) WHERE seq = 4")


def _not_a_database(db: Path) -> None:
    for suffix in ("-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    db.write_bytes(b"just text, not SQLite " * 100)


TAMPERS = {
    "truncated": (_truncate, "the store has 17 rows, the checkpoint 19"),
    "death deleted and rehashed": (_delete_the_death, "the store has 18 rows, the checkpoint 19"),
    "reordered and rehashed": (_reorder, "row 19's hash differs"),
    "rewritten from row 2": (_rewrite_from_row, "row 19's hash differs"),
    "second death appended": (_append_a_second_death, "unique key"),
    "id edited": (_column("id", "other"), "row 11"),
    "person edited": (_column("id_number", "130630194803150036"), "row 11"),
    "unique key edited": (_column("unique_key", "x"), "row 11"),
    "kind edited": (_column("kind", "person"), "row 11"),
    "row deleted": (lambda db: _sql(db, "DELETE FROM records WHERE seq = 5"), "row 5 is missing"),
    "undecodable body": (_undecodable, "row 4"),
    "meta row deleted": (
        lambda db: _sql(db, "DELETE FROM meta WHERE key = 'kind'"),
        "not an sscert store",
    ),
    "table dropped": (lambda db: _sql(db, "DROP TABLE nonces"), "nonces is missing"),
    "not a database": (
        lambda db: db.write_bytes(b"just text, not SQLite " * 100),
        "not an sscert store",
    ),
}


@pytest.mark.parametrize("tamper", sorted(TAMPERS))
def test_every_tamper_is_a_verdict(anchored: tuple[Path, Path, Path], tamper: str) -> None:
    db, checkpoint, pub = anchored
    action, expected = TAMPERS[tamper]
    action(db)
    result = run(
        "store", "verify", str(db), "--checkpoint", str(checkpoint), "--public-key", str(pub)
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, result.output
    assert expected in result.output
    assert "BROKEN" in result.stdout
    assert "Traceback" not in result.output


def test_a_forged_or_unreadable_checkpoint_cannot_run(anchored: tuple[Path, Path, Path]) -> None:
    db, checkpoint, pub = anchored
    data = json.loads(checkpoint.read_text(encoding="utf-8"))
    data["rows"] = 5
    checkpoint.write_text(json.dumps(data), encoding="utf-8")
    forged = run(
        "store", "verify", str(db), "--checkpoint", str(checkpoint), "--public-key", str(pub)
    )
    assert forged.exit_code == 2
    assert "signature does not verify" in forged.stderr
    other = run("keys", "generate", "--out", str(pub.with_name("other")))
    assert other.exit_code == 0
    wrong = run(
        "store", "verify", str(db), "--checkpoint", str(checkpoint), "--public-key",
        str(pub.with_name("other.pub")),
    )  # fmt: skip
    assert wrong.exit_code == 2
    assert run("store", "verify", str(db.with_name("none.db"))).exit_code == 2
    assert run("keys", "generate", "--out", str(pub.with_name("office"))).exit_code == 2


def test_the_store_grows_past_its_checkpoint(
    anchored: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    db, checkpoint, pub = anchored
    more = {"kind": "person", "id": "late", "id_number": "130630194803150036", "name": "新增"}
    imported = run("store", "import", str(db), str(write_jsonl(tmp_path / "m.jsonl", [more])))
    assert imported.stdout.splitlines()[-1].startswith("head: 20 rows, hash ")
    result = run(
        "store", "verify", str(db), "--checkpoint", str(checkpoint), "--public-key", str(pub)
    )
    assert result.exit_code == 0


def test_reimporting_after_a_tamper_stores_no_duplicate_death(
    anchored: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    db, _, _ = anchored
    _sql(db, "UPDATE records SET unique_key = 'gone' WHERE seq = 11")
    assert run("store", "verify", str(db)).exit_code == 1
    again = run(
        "store", "import", str(db), str(write_jsonl(tmp_path / "r.jsonl", case_to_records(EXAMPLE)))
    )
    assert again.exit_code == 0  # the same records, recognised by id: nothing new
    assert "stored 0" in again.stdout


# --- lines that cannot stop the good ones --------------------------------------------------


def _person(n: int) -> dict[str, Any]:
    from sscert.values.identity import check_character  # noqa: PLC0415

    birth = dt.date(1940, 1, 1) + dt.timedelta(days=n)
    first17 = f"130630{birth:%Y%m%d}001"
    return {"kind": "person", "id": f"p{n}", "id_number": first17 + check_character(first17)}


def test_one_bad_line_in_six_thousand(tmp_path: Path) -> None:
    lines = [json.dumps(_person(n)).encode() for n in range(6000)]
    lines[3000] = b'{"kind": "person", "id": "bad", "name": "\xff\xfe"}'
    lines[4000] = b"[" * 200_000 + b"]" * 200_000
    lines[5000] = b'{"kind": "person", "id": "long", "name": "' + b"x" * (2 << 20) + b'"}'
    path = tmp_path / "big.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    db = tmp_path / "s.db"
    run("store", "init", str(db))
    result = run("store", "import", str(db), str(path))
    assert result.exit_code == 1
    assert "stored 5997" in result.stdout
    assert f"{path}:3001: rejected: not UTF-8" in result.stderr
    assert f"{path}:4001: rejected: nested more than 32 levels deep" in result.stderr
    assert f"{path}:5001: rejected: line too long" in result.stderr
    assert run("store", "verify", str(db)).exit_code == 0


# --- a bad record already in the store -----------------------------------------------------


def _insert_raw(db: Path, record: dict[str, Any], unique: str | None = None) -> None:
    """Append a record the way an older version (or a damaged disk) might have: not
    validated, but chained, so that only its content is wrong."""
    with SQLiteStore.open(db) as store:
        seq, prev = store.head()
    body = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = _hashed(seq + 1, record["id"], record["kind"], record["id_number"], unique, body, prev)
    connection = sqlite3.connect(db)
    connection.execute(
        "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq + 1, record["id"], record["kind"], record["id_number"], unique, body, prev, digest),
    )
    connection.commit()
    connection.close()


def test_a_bad_stored_record_stops_only_its_person_everywhere(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    run("store", "init", str(db))
    run(
        "store", "import", str(db), str(write_jsonl(tmp_path / "r.jsonl", case_to_records(EXAMPLE)))
    )
    victim = EXAMPLE["people"][1]["id_number"]
    _insert_raw(
        db,
        {
            "kind": "amount_change",
            "id": "old-version",
            "id_number": victim,
            "scheme": "urban_rural_resident_pension",
            "from": "2023-04",
            "monthly_amount": "1" * 30,
        },
    )
    args = ("--campaign", "laiyuan-2023", "--as-of", "2023-09-30")
    calculated = run("store", "calculate", str(db), *args)
    assert calculated.exit_code == 1, calculated.output
    result = json.loads(calculated.stdout)
    masked = victim[:6] + "********" + victim[-4:]
    assert [p["id_number"] for p in result["invalid"]] == [masked]
    assert "monthly_amount" in result["invalid"][0]["reason"]
    others = {**EXAMPLE, "people": [p for p in EXAMPLE["people"] if p["id_number"] != victim]}
    expected = sscert.calculate(others)
    assert result["people"] == expected["people"]
    for command in (
        ("report", str(db), *args, "--out", str(tmp_path / "r.html")),
        ("remind", str(db), *args, "--out", str(tmp_path / "remind")),
        ("batch", "--store", str(db), *args, "--out", str(tmp_path / "batch"), "--format", "csv"),
    ):
        outcome = run(*command)
        assert outcome.exit_code == 1, (command, outcome.output)
        assert f"{masked}: not calculated" in outcome.stderr
        assert victim not in outcome.output
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert f"{masked}：" in page
    assert "未计入本报告" in page
    assert "4 条认证记录未附认证凭证" in page
    import csv  # noqa: PLC0415

    with (tmp_path / "batch" / "persons.csv").open(encoding="utf-8") as handle:
        batch = {row["id_number"]: row for row in csv.DictReader(handle)}
    assert set(batch) == {
        p["id_number"][:6] + "********" + p["id_number"][-4:] for p in expected["people"]
    }
    for person in expected["people"]:
        row = batch[person["id_number"][:6] + "********" + person["id_number"][-4:]]
        assert row["status"] == person["status"]
        assert row["withheld"] == person["totals"]["withheld"]


def test_a_schema_1_store_still_imports_verifies_and_calculates(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    run("store", "init", str(db))
    connection = sqlite3.connect(db)
    connection.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    connection.commit()
    connection.close()
    records = write_jsonl(tmp_path / "r.jsonl", case_to_records(EXAMPLE))
    assert run("store", "import", str(db), str(records)).exit_code == 0
    assert run("store", "verify", str(db)).exit_code == 0
    args = ("--campaign", "laiyuan-2023", "--as-of", "2023-09-30")
    calculated = run("store", "calculate", str(db), *args)
    assert json.loads(calculated.stdout)["people"] == sscert.calculate(EXAMPLE)["people"]
    _sql(db, "UPDATE records SET body = replace(body, '2856.40', '9856.40') WHERE seq = 2")
    assert run("store", "verify", str(db)).exit_code == 1


def test_an_overwritten_file_is_caught_even_with_its_log_beside_it(
    anchored: tuple[Path, Path, Path],
) -> None:
    """A connection still open keeps the write-ahead log with every page beside the file;
    the file overwritten must still be a verdict, not read back whole from the log."""
    db, checkpoint, pub = anchored
    held = sqlite3.connect(db)
    held.execute("SELECT count(*) FROM records").fetchone()
    try:
        db.write_bytes(b"just text, not SQLite " * 100)
        result = run(
            "store", "verify", str(db), "--checkpoint", str(checkpoint), "--public-key", str(pub)
        )
    finally:
        held.close()
    assert result.exit_code == 1, result.output
    assert "not an SQLite database" in result.output


@given(
    seq=st.integers(1, 2**40),
    texts=st.lists(
        st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from('"\\\n\x00\u2028\ud800')),
        min_size=4,
        max_size=4,
    ),
    unique=st.none() | st.text(max_size=10),
)
def test_a_rows_hash_is_sha256_of_its_columns_as_one_compact_json_array(
    seq: int, texts: list[str], unique: str | None
) -> None:
    """The chain's definition (schema 2): SHA-256 over the UTF-8 of the compact JSON array of
    the schema version, the row's columns and the previous hash — also for text orjson does
    not write (a lone surrogate), which json writes as an escape."""
    record_id, kind, person, body = texts
    prev = "ab" * 32
    text = json.dumps(
        [2, seq, record_id, kind, person, unique, body, prev],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    expected = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    assert _hashed(seq, record_id, kind, person, unique, body, prev) == expected


def test_an_import_sets_the_stores_cache_and_checkpoint_back(tmp_path: Path) -> None:
    """An import enlarges the page cache and spaces the log's checkpoints for its length only:
    after it — and after one that fails — the connection has SQLite's settings again."""
    store, _ = SQLiteStore.init(tmp_path / "s.db")
    db = store._db
    before = [db.execute(f"PRAGMA {name}").fetchone()[0] for name in _SETTINGS]
    seen: list[list[int]] = []

    def lines() -> Iterator[str]:
        seen.append([db.execute(f"PRAGMA {name}").fetchone()[0] for name in _SETTINGS])
        yield json.dumps(ONE_RECORD)
        raise OSError("the file went away")

    with pytest.raises(OSError, match="went away"):
        store.import_lines(lines())
    assert seen == [[-IMPORT_CACHE_KIB, IMPORT_CHECKPOINT]]
    assert [db.execute(f"PRAGMA {name}").fetchone()[0] for name in _SETTINGS] == before
    report = store.import_lines([json.dumps(ONE_RECORD)])
    assert report.stored == 1
    assert [db.execute(f"PRAGMA {name}").fetchone()[0] for name in _SETTINGS] == before
    store.close()


_SETTINGS = ("cache_size", "wal_autocheckpoint")
ONE_RECORD = {
    "kind": "person",
    "id": "p1",
    "id_number": "130630195003150024",
    "name": "张秀英",
}
