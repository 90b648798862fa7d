"""Reading the lines of an import: each line (or group) decoded, parsed and checked on its
own (:func:`sscert.store.records.parse_record`), in batches for the store to write.

The batches are read in the importing process — or, when asked (on Linux, with no other
thread running), in a second process while this one stores the batches already read
(:func:`parsed_batches`). That process is a fork of this one: it runs the same code on the
same lines, and sends each record back as five texts (:class:`Read`: id, kind, person,
canonical body, unique key), from which this process takes what its checks and the row's
hash read; a line with an attestation is sent back as it was and read again here, where the
signature is verified.
"""

from __future__ import annotations

import contextlib
import json
import pickle
import sys
import threading
from collections.abc import Generator, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Protocol

import orjson

from sscert.attestation import Attestation
from sscert.i18n import _
from sscert.store.records import Columns, Derived, Record, RecordError, parse_record
from sscert.values.identity import IdNumber
from sscert.values.limits import LimitError, check_depth, loads
from sscert.values.privacy import redact

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

__all__ = [
    "Item",
    "Parsed",
    "Read",
    "ReadingFailed",
    "Storable",
    "line_item",
    "parse_item",
    "parsed_batches",
]

#: A line (its text) or a group (its records, already decoded), numbered, or why it cannot
#: be read at all.
Item = tuple[int, list[str] | list[Mapping[str, Any]], str | None]


class Storable(Columns, Protocol):
    """What storing a record reads of it: a :class:`~sscert.store.records.Record`, or the
    same values read in another process (:class:`Read`)."""

    @property
    def id_number(self) -> IdNumber: ...
    @property
    def owner_key(self) -> str | None: ...
    @property
    def event_type(self) -> str | None: ...
    @property
    def attestation(self) -> Attestation | None: ...


#: One line or group read: its number, its records, why it was refused (then no records)
#: and the record's field at fault.
Parsed = tuple[int, list[Storable], str | None, str | None]


class Read(Derived):
    """A record read and checked in another process: its id, kind, person, canonical text
    and unique key, as :func:`~sscert.store.records.parse_record` made them there. What
    the store's checks read besides — the entitlement it belongs to, an event's type — and
    the columns its row's hash covers are taken here from those values, not sent. It never
    carries an attestation (a line with one is read again in the storing process)."""

    __slots__ = ("_body", "id", "kind", "person", "text", "unique_key")

    attestation: Final = None

    def __init__(
        self, record_id: str, kind: str, person: str, text: str, unique_key: str | None
    ) -> None:
        self.id = record_id
        self.kind = kind
        self.person = person
        self.text = text
        self.unique_key = unique_key
        self._body: dict[str, Any] | None = None

    @property
    def id_number(self) -> IdNumber:
        """The person's ID number (checked where the record was read)."""
        return IdNumber._trusted(self.person)  # read and checked by parse_record

    @property
    def body(self) -> dict[str, Any]:
        """The canonical body, decoded from its text when first asked for."""
        if self._body is None:
            self._body = orjson.loads(self.text)
        return self._body

    def __repr__(self) -> str:
        return f"Read(id={redact(self.id)!r}, kind={self.kind!r}, id_number={self.id_number!r})"


_Values = tuple[str, str, str, str, str | None]


def _values(record: Record) -> _Values:
    return record.id, record.kind, record.person, record.text, record.unique_key


class ReadingFailed(RuntimeError):
    """The process reading an import's lines ended without saying why."""


def line_item(number: int, line: str | bytes | None) -> Item | None:
    """A line to import: decoded (``None`` stands for one refused as too long); ``None`` for
    a blank line."""
    if line is None:
        return number, [], "line too long: more than 1 MiB"
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError as error:
            return number, [], f"not UTF-8 text ({error.reason} at byte {error.start})"
    if not line.strip():
        return None
    return number, [line], None


def parse_item(
    number: int,
    texts: list[str] | list[Mapping[str, Any]],
    problem: str | None,
    channels: set[str],
) -> tuple[int, list[Record], str | None, str | None]:
    """A line or group's records, or why it is refused and the field at fault."""
    if problem is not None:
        return number, [], problem, None
    records = []
    for text in texts:
        try:
            data = loads(text) if isinstance(text, str) else _decoded(text)
        except LimitError as error:
            return number, [], str(error), None
        except ValueError as error:
            reason = (
                f"not JSON: {error.msg} at column {error.colno}"
                if isinstance(error, json.JSONDecodeError)
                else f"not JSON: {error}"
            )
            return number, [], reason, None
        try:
            records.append(parse_record(data, channels))
        except RecordError as error:
            return number, [], redact(str(error)), error.key
    return number, records, None, None


def _decoded(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record given as data rather than text: held to the same depth limit."""
    data = dict(record)
    check_depth(data)
    return data


def can_read_apart() -> bool:
    """Whether lines can be read in a second process here: on Linux (macOS can fork, but
    its system libraries may start threads of their own, which a fork does not copy), and
    when this process runs no other thread (a fork copies only the thread that makes it,
    and any lock another thread held would stay held in the copy)."""
    return sys.platform == "linux" and threading.active_count() == 1


def parsed_batches(
    items: Iterable[Item], channels: set[str], size: int, *, apart: bool = False
) -> Generator[list[Parsed]]:
    """The items read, ``size`` at a time. With ``apart`` (and :func:`can_read_apart`), they
    are read in a forked process while the caller stores the batches already read: the
    iterable is then used up in that process, not in this one."""
    if apart and can_read_apart():
        yield from _read_apart(items, channels, size)
        return
    batch: list[Parsed] = []
    for item in items:
        number, records, reason, key = parse_item(*item, channels)
        batch.append((number, list(records), reason, key))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _read_apart(items: Iterable[Item], channels: set[str], size: int) -> Generator[list[Parsed]]:
    import multiprocessing  # noqa: PLC0415 - only an import that reads apart needs it

    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    reader = context.Process(  # a daemon: it never keeps this process from ending
        target=_read,
        args=(items, channels, size, sending),
        name="sscert-import-reader",
        daemon=True,
    )
    reader.start()
    sending.close()
    try:
        while True:
            try:
                kind, payload = pickle.loads(receiving.recv_bytes())
            except EOFError:
                raise ReadingFailed(
                    _ended(reader.exitcode)  # killed, say: it would have said why otherwise
                ) from None
            if kind == "end":
                return
            if kind == "error":
                raise payload
            yield [_taken_back(sent, channels) for sent in payload]
    finally:
        if reader.is_alive():
            reader.kill()
        reader.join()
        receiving.close()


def _ended(code: int | None) -> str:
    return _("the process reading the lines ended early (exit status {code})").format(code=code)


def _read(items: Iterable[Item], channels: set[str], size: int, sending: Connection) -> None:
    """In the reading process: every item read, sent ``size`` at a time, then ``end`` — or
    the exception that stopped it."""
    try:
        batch: list[Any] = []
        for number, texts, problem in items:
            parsed = parse_item(number, texts, problem, channels)
            if any(record.attestation is not None for record in parsed[1]):
                batch.append(("again", number, texts))  # verified where it is stored
            else:
                _number, records, reason, key = parsed
                batch.append(("read", number, [_values(r) for r in records], reason, key))
            if len(batch) >= size:
                sending.send_bytes(pickle.dumps(("batch", batch), pickle.HIGHEST_PROTOCOL))
                batch = []
        if batch:
            sending.send_bytes(pickle.dumps(("batch", batch), pickle.HIGHEST_PROTOCOL))
        sending.send_bytes(pickle.dumps(("end", None)))
    except BaseException as error:  # every failure is the importer's to raise
        try:
            message = pickle.dumps(("error", error))
        except Exception:  # an exception that does not pickle: its text
            message = pickle.dumps(("error", ReadingFailed(repr(error))))
        with contextlib.suppress(OSError):  # the importer is gone: no one to tell
            sending.send_bytes(message)
    finally:
        sending.close()


def _taken_back(sent: tuple[Any, ...], channels: set[str]) -> Parsed:
    if sent[0] == "again":
        _again, number, texts = sent
        number, records, reason, key = parse_item(number, texts, None, channels)
        return number, list(records), reason, key
    _read_kind, number, values, reason, key = sent
    return number, [Read(*v) for v in values], reason, key
