"""An import's lines read in a second process (``read_apart``) give what reading them in the
importing process gives: the same report, the same rows and hashes, the same errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sscert.attestation import AttestationSigner, AttestationVerifier
from sscert.events import CST
from sscert.store import SQLiteStore, StoreError
from sscert.store.reading import (
    Read,
    _read,
    _values,
    can_read_apart,
    line_item,
    parse_item,
)
from sscert.store.sqlite import SCHEMA_VERSION, ImportReport, row_hash
from sscert.values.identity import IdNumber, check_character
from sscert.values.limits import compact_json_bytes

FORKS = sys.platform == "linux"


@pytest.fixture
def alone() -> None:
    """For a test of lines read apart: this process must run no other thread (a test of
    another module may leave one, Spark's, say). When one runs, the tests that need none are
    run by :func:`test_in_a_process_without_threads` instead."""
    if not FORKS:
        pytest.skip("not Linux: lines are always read in the importing process")
    if not can_read_apart():
        pytest.skip("another thread runs here: test_in_a_process_without_threads runs this")


def test_in_a_process_without_threads(root: Path) -> None:
    """This module's tests, in a process of their own, when this one runs another thread
    (else they ran here)."""
    if not FORKS or can_read_apart():
        pytest.skip("no other thread runs here: this module's tests ran in this process")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__,
         "-k", "not in_a_process_without_threads"],
        capture_output=True, text=True, cwd=root, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "skipped" not in result.stdout, result.stdout


PERSON = "130630194803150028"
OTHER = "11010519491231002X"
NOW = dt.datetime(2023, 12, 1, tzinfo=dt.UTC)
SIGNER = AttestationSigner.generate("hebei_renshe", "hebei-1")


def _person(n: int) -> str:
    first17 = f"130630{1930 + n % 60}0101{n % 1000:03d}"
    return first17 + check_character(first17)


def _attested(record_id: str, person: str) -> dict[str, Any]:
    at = dt.datetime(2023, 3, 1, 10, 0, tzinfo=CST)
    return {
        "kind": "event",
        "id": record_id,
        "id_number": person,
        "type": "certified",
        "at": at.isoformat(),
        "channel": "hebei_renshe",
        "attestation": SIGNER.sign(IdNumber.parse(person), "laiyuan-2023", at).to_dict(),
    }


def _mixed_lines() -> list[str | bytes | None]:
    """Lines of every outcome: stored, already there, refused for what they are, refused
    against what the store or the batch holds, attested, blank, too long, not UTF-8."""
    records: list[Any] = []
    for n in range(40):
        person = _person(n)
        records += [
            {"kind": "person", "id": f"p{n}", "id_number": person, "name": "张秀英",
             "township": "涞源镇", "phone": "13812345678"},
            {"kind": "entitlement", "id": f"e{n}", "id_number": person,
             "scheme": "enterprise_pension", "start": "2010-01", "monthly_amount": "2856.4"},
            {"kind": "event", "id": f"c{n}", "id_number": person, "type": "certified",
             "at": "2023-03-01T10:00:00+08:00", "channel": "yirenshe"},
        ]  # fmt: skip
    records += [
        {"kind": "person", "id": "p1", "id_number": _person(1), "name": "张秀英",
         "township": "涞源镇", "phone": "13812345678"},  # already there
        {"kind": "person", "id": "p2", "id_number": _person(2), "name": "李四"},  # conflict
        {"kind": "entitlement", "id": "e1b", "id_number": _person(1),
         "scheme": "enterprise_pension", "start": "2012-01", "monthly_amount": "1.00"},
        {"kind": "amount_change", "id": "a1", "id_number": _person(1),
         "scheme": "enterprise_pension", "from": "2023-01", "monthly_amount": "2900.00"},
        {"kind": "amount_change", "id": "a2", "id_number": _person(1),
         "scheme": "urban_rural_resident_pension", "from": "2023-01", "monthly_amount": "9"},
        {"kind": "event", "id": "d1", "id_number": _person(3), "type": "died",
         "on": "2023-05-01", "reported_on": "2023-05-03"},
        {"kind": "event", "id": "d2", "id_number": _person(3), "type": "died",
         "on": "2023-06-01", "reported_on": "2023-06-03"},  # a second death
        {"kind": "person", "id": "bad", "id_number": "130630194803150029"},
        {"kind": "nothing", "id": "x", "id_number": PERSON},
        _attested("s1", PERSON),
        _attested("s2", OTHER),
        {**_attested("s3", PERSON), "channel": "yirenshe"},  # not what was signed
    ]  # fmt: skip
    lines: list[str | bytes | None] = [json.dumps(r, ensure_ascii=False) for r in records]
    lines[7:7] = ["", "   ", "not json", "[1, 2]", b"\xff\xfe{}", None, "{" * 200 + "}" * 200]
    lines.append(json.dumps(_attested("s1", PERSON)))  # its nonce again: a replay
    return lines


def _import(
    folder: Path,
    name: str,
    lines: Iterable[str | bytes | None],
    *,
    apart: bool,
    attested: bool = False,
    **options: Any,
) -> tuple[ImportReport, list[tuple[Any, ...]], SQLiteStore]:
    """Import ``lines`` into a new store (``attested``: with a trust policy, so that every
    certification needs an attestation)."""
    policy = [SIGNER.trusted_key()] if attested else None
    store, _ = SQLiteStore.init(folder / f"{name}.db", trusted_keys=policy)
    with store:
        report = store.import_lines(
            lines,
            verifier=AttestationVerifier([SIGNER.trusted_key()]),
            now=NOW,
            read_apart=apart,
            **options,
        )
        rows = list(store.rows())
        assert store.verify() is None
    return report, rows, store


@pytest.mark.parametrize("attested", [False, True])
@pytest.mark.parametrize("batch_size", [1, 7, 2000])
@pytest.mark.usefixtures("alone")
def test_lines_read_apart_are_stored_as_lines_read_here(
    tmp_path: Path, batch_size: int, attested: bool
) -> None:
    lines = _mixed_lines()
    options = {"batch_size": batch_size, "attested": attested}
    here, here_rows, _ = _import(tmp_path, "here", lines, apart=False, **options)
    apart, apart_rows, _ = _import(tmp_path, "apart", lines, apart=True, **options)
    assert here.stored > 80  # every outcome
    assert len(here.rejected) > 10
    assert here.present_lines
    assert apart == here
    assert apart_rows == here_rows


_COUNT = len(_mixed_lines())


@pytest.mark.usefixtures("alone")
@settings(max_examples=15, deadline=None)
@given(st.permutations(range(_COUNT)), st.integers(1, _COUNT), st.integers(1, 12))
def test_any_order_and_batch_size_gives_the_same_store(
    order: list[int], count: int, size: int
) -> None:
    """Whatever the order of the lines (an amount change before its entitlement, a death
    after a second one, a replay first) and however they are batched, reading apart
    changes nothing."""
    lines = _mixed_lines()
    chosen = [lines[i] for i in order[:count]]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        here = _import(folder, "here", chosen, apart=False, batch_size=size)
        apart = _import(folder, "apart", chosen, apart=True, batch_size=size)
    assert apart[:2] == here[:2]


def _good_lines(count: int) -> list[str]:
    """The first ``count`` lines that are each stored (people, entitlements, events)."""
    lines = [line for line in _mixed_lines() if isinstance(line, str) and line[:7] == '{"kind"']
    assert len(lines) >= count
    return lines[:count]


def _failing(lines: list[str], after: int) -> Iterator[str]:
    yield from lines[:after]
    raise OSError("the disk went away")


@pytest.mark.usefixtures("alone")
def test_a_failure_reading_the_lines_is_raised_as_it_would_be_here(tmp_path: Path) -> None:
    """The batches read before the failure are stored, the failure is raised as it is."""
    lines = _good_lines(30)
    outcomes = []
    for apart in (False, True):
        store, _ = SQLiteStore.init(tmp_path / f"{apart}.db")
        with store:
            with pytest.raises(OSError, match="the disk went away"):
                store.import_lines(_failing(lines, 5), read_apart=apart, batch_size=2)
            outcomes.append(list(store.rows()))
    assert outcomes[0] == outcomes[1]
    assert len(outcomes[0]) == 4  # two whole batches of two


def _dying(lines: list[str], parent: int) -> Iterator[str]:
    yield from lines[:3]
    if os.getpid() != parent:  # only ever in the reading process
        os._exit(3)
    yield from lines[3:]


@pytest.mark.usefixtures("alone")
def test_a_reading_process_that_dies_is_a_store_error(tmp_path: Path) -> None:
    lines = _good_lines(10)
    store, _ = SQLiteStore.init(tmp_path / "x.db")
    with store:
        with pytest.raises(StoreError, match="ended early"):
            store.import_lines(_dying(lines, os.getpid()), read_apart=True)
        assert store.verify() is None


def test_with_another_thread_running_the_lines_are_read_here(tmp_path: Path) -> None:
    """A fork copies only the thread that makes it: with another one running, the lines
    are read in the importing process (where ``_dying`` does not end it)."""
    lines = _good_lines(10)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not can_read_apart()
        store, _ = SQLiteStore.init(tmp_path / "x.db")
        with store:
            report = store.import_lines(_dying(lines, os.getpid()), read_apart=True)
    finally:
        release.set()
        other.join()
    assert report.stored == len(lines)


@pytest.mark.usefixtures("alone")
def test_the_reading_process_ends_when_storing_fails(tmp_path: Path) -> None:
    """A failure while storing (here the progress callback's) ends the reading process at
    once, though it has lines left to send."""

    def fail(count: int) -> None:
        raise RuntimeError(f"stopped after {count}")

    # more than the pipe between the processes holds: the reading process waits to send
    lines = [
        json.dumps({"kind": "person", "id": f"p{n}", "id_number": _person(n), "name": "张秀英"})
        for n in range(20_000)
    ]
    store, _ = SQLiteStore.init(tmp_path / "x.db")
    with store, pytest.raises(RuntimeError, match="stopped after 10") as caught:
        store.import_lines(lines, read_apart=True, batch_size=10, progress=fail)
    assert caught.value.__traceback__ is not None  # the exception (and its frames) still held
    assert multiprocessing.active_children() == []


def test_a_reading_process_whose_importer_is_gone_ends_quietly(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """When the importing process is gone (killed, say), the reading one cannot send: it
    ends without a traceback on the terminal."""
    receiving, sending = multiprocessing.Pipe(duplex=False)
    receiving.close()
    items = [item for n, line in enumerate(_good_lines(3), 1) if (item := line_item(n, line))]
    _read(items, {"yirenshe"}, 1, sending)  # raises nothing
    assert capfd.readouterr() == ("", "")


@pytest.mark.usefixtures("alone")
def test_progress_is_told_batch_by_batch(tmp_path: Path) -> None:
    lines = _good_lines(25)
    counts: list[int] = []
    store, _ = SQLiteStore.init(tmp_path / "x.db")
    with store:
        store.import_lines(lines, read_apart=True, batch_size=10, progress=counts.append)
    assert counts == [10, 20, 25]


def test_a_record_read_apart_reads_as_the_record() -> None:
    """What storing a record reads of it — its entitlement, its event type, its body, its
    person, the columns its hash covers — is the same whether it was read here or sent."""
    for number, line in enumerate(_mixed_lines(), start=1):
        item = line_item(number, line)
        if item is None:
            continue
        for record in parse_item(*item, {"yirenshe", "hebei_renshe"})[1]:
            sent = Read(*_values(record))
            assert sent.owner_key == record.owner_key
            assert sent.event_type == record.event_type
            assert sent.body == record.body
            assert sent.id_number == record.id_number
            assert sent.attestation is None
            assert record.person not in repr(sent)


@given(
    st.integers(1, 2**40),
    st.text(max_size=20),
    st.sampled_from(["person", "event"]),
    st.text(max_size=18),
    st.none() | st.text(max_size=30),
    st.text(max_size=80),
    st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
)
def test_a_row_hash_is_taken_over_one_json_array(  # noqa: PLR0917 - a row's columns
    seq: int, record_id: str, kind: str, person: str, key: str | None, body: str, prev: str
) -> None:
    """The hash written around a row's columns is the hash of the whole array, whatever
    the text (quotes, control characters, lone surrogates)."""
    array = [SCHEMA_VERSION, seq, record_id, kind, person, key, body, prev]
    expected = hashlib.sha256(compact_json_bytes(array)).hexdigest()
    assert row_hash(
        seq, record_id=record_id, kind=kind, person=person, unique_key=key, body=body,
        prev_hash=prev,
    ) == expected  # fmt: skip
