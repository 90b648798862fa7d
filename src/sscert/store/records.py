"""The records a store holds, one JSON object a line: ``person``, ``entitlement``,
``amount_change`` and ``event``. Each is validated with the calculation contract's own
checks and normalised to a canonical body, so that the same record sent twice — even
written differently (``"2856.4"`` and ``"2856.40"``) — is recognised as the same.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any, Final

from attrs import frozen

from sscert.attestation import Attestation, AttestationRefused
from sscert.contract import (
    CertifiedIn,
    ChangeIn,
    DiedIn,
    EntitlementIn,
    InputError,
    structure_part,
)
from sscert.i18n import _
from sscert.values.identity import IdNumber, InvalidIdNumber
from sscert.values.limits import LimitError, check_text, preview
from sscert.values.phone import InvalidPhoneNumber, parse_contact_phone
from sscert.values.privacy import redact

__all__ = ["KINDS", "Record", "RecordError", "canonical_json", "case_to_records", "parse_record"]

KINDS: Final = ("person", "entitlement", "amount_change", "entitlement_end", "event")

_ALLOWED: Final[dict[str, set[str]]] = {
    "person": {"kind", "id", "id_number", "name", "township", "phone", "village", "address"},
    "entitlement_end": {"kind", "id", "id_number", "scheme", "end"},
    "entitlement": {"kind", "id", "id_number", "scheme", "start", "end", "monthly_amount"},
    "amount_change": {"kind", "id", "id_number", "scheme", "from", "monthly_amount"},
    "certified": {"kind", "id", "id_number", "type", "at", "channel", "attestation"},
    "died": {"kind", "id", "id_number", "type", "on", "reported_on"},
}
_FIELDS: Final = frozenset().union(*_ALLOWED.values())


class RecordError(ValueError):
    """A line that is not a valid record; the message says which key and why, and ``key``
    names the record's field at fault (``None`` when it is the record as a whole)."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key if key is not None else _key_of(message)


def _key_of(message: str) -> str | None:
    head = message.split(":", 1)[0].strip()
    return head if head in _FIELDS else None


def canonical_json(body: Mapping[str, Any]) -> str:
    """The one text of a record: sorted keys, no spaces, UTF-8 characters as they are."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@frozen(repr=False)
class Record:
    """A validated record: its id, kind, person and canonical body. Its ``repr`` shows the
    ID number masked and leaves the body (with phone numbers) out."""

    id: str
    kind: str
    id_number: IdNumber
    body: dict[str, Any]
    attestation: Attestation | None = None

    def __repr__(self) -> str:
        return f"Record(id={redact(self.id)!r}, kind={self.kind!r}, id_number={self.id_number!r})"

    @property
    def text(self) -> str:
        return canonical_json(self.body)

    @property
    def unique_key(self) -> str | None:
        """What may exist once per person: an entitlement per scheme, an amount change per
        scheme and month, a death. (A person record may come again: the latest supersedes.)"""
        person = self.id_number.value
        if self.kind == "entitlement":
            return f"{person}|entitlement|{self.body['scheme']}"
        if self.kind == "amount_change":
            return f"{person}|amount_change|{self.body['scheme']}|{self.body['from']}"
        if self.body.get("type") == "died":
            return f"{person}|died"
        return None


def _problem(error: InputError) -> str:
    return "; ".join(f"{path}: {problem}" for path, problem in error.errors)


def _text(data: Mapping[str, Any], key: str, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise RecordError(_("{key}: missing").format(key=key), key)
        return None
    if not isinstance(value, str) or not value.strip():
        raise RecordError(_("{key}: must be non-empty text").format(key=key), key)
    try:
        return check_text(value)
    except LimitError as error:
        raise RecordError(f"{key}: {error}", key) from None


def _phone(text: str) -> str:
    try:
        return parse_contact_phone(text)
    except InvalidPhoneNumber:
        raise RecordError(
            "phone: " + _("not a mainland mobile or landline number"), "phone"
        ) from None


def parse_record(data: object, known_channels: set[str] | frozenset[str]) -> Record:
    """Validate one decoded JSON line; raise :class:`RecordError` saying what is wrong."""
    if not isinstance(data, dict):
        raise RecordError(_("a record must be a JSON object"))
    kind = data.get("kind")
    if kind not in KINDS:
        raise RecordError(
            "kind: "
            + _("must be one of {join}, not {preview}").format(
                join=", ".join(KINDS), preview=preview(kind)
            )
        )
    record_id = _text(data, "id")
    assert record_id is not None
    try:
        id_number = IdNumber.parse(data.get("id_number"))  # type: ignore[arg-type]
    except InvalidIdNumber as error:
        raise RecordError(f"id_number: {error}") from None
    shape = kind if kind != "event" else str(data.get("type"))
    if shape not in _ALLOWED:
        raise RecordError(
            "type: "
            + _("an event is 'certified' or 'died', not {preview}").format(
                preview=preview(data.get("type"))
            )
        )
    unknown = sorted(set(data) - _ALLOWED[shape])
    if unknown:
        raise RecordError(
            _("{preview}: not a key of a {shape} record").format(
                preview=preview(unknown[0]), shape=shape
            )
        )
    body: dict[str, Any] = {"kind": kind, "id": record_id, "id_number": id_number.value}
    attestation = None
    try:
        if kind == "person":
            for key in ("name", "township", "village", "address"):
                value = _text(data, key, required=False)
                if value is not None:
                    body[key] = value
            phone = _text(data, "phone", required=False)
            if phone is not None:
                body["phone"] = _phone(phone)
        elif kind == "entitlement":
            part = {k: data[k] for k in ("scheme", "start", "end", "monthly_amount") if k in data}
            entitlement = structure_part(part, EntitlementIn)
            if entitlement.end is not None and entitlement.end < entitlement.start:
                raise RecordError(
                    "end: "
                    + _("{end} is before start {start}").format(
                        end=entitlement.end, start=entitlement.start
                    )
                )
            body.update(
                scheme=entitlement.scheme.value,
                start=str(entitlement.start),
                monthly_amount=str(entitlement.monthly_amount),
            )
            if entitlement.end is not None:
                body["end"] = str(entitlement.end)
        elif kind == "entitlement_end":
            part = {
                "scheme": data.get("scheme"),
                "start": "1900-01",
                "monthly_amount": "1",
                "end": data.get("end"),
            }
            ended = structure_part(part, EntitlementIn)
            if ended.end is None:
                raise RecordError("end: " + _("missing"), "end")
            body.update(scheme=ended.scheme.value, end=str(ended.end))
        elif kind == "amount_change":
            scheme = structure_part(
                {"scheme": data.get("scheme"), "start": "2000-01", "monthly_amount": "1"},
                EntitlementIn,
            ).scheme
            change = structure_part(
                {"from": data.get("from"), "monthly_amount": data.get("monthly_amount")}, ChangeIn
            )
            body.update(
                scheme=scheme.value,
                monthly_amount=str(change.monthly_amount),
                **{"from": str(change.from_)},
            )
        elif shape == "certified":
            certified = structure_part(
                {"at": data.get("at"), "channel": data.get("channel")}, CertifiedIn
            )
            if certified.channel not in known_channels:
                raise RecordError(
                    "channel: "
                    + _("unknown channel {channel!r} (known: {join})").format(
                        channel=certified.channel, join=", ".join(sorted(known_channels))
                    )
                )
            body.update(type="certified", at=data["at"].strip(), channel=certified.channel)
            if "attestation" in data:
                attestation = _attestation(data["attestation"], id_number, certified)
                body["attestation"] = attestation.to_dict()
        else:
            died = structure_part(
                {"on": data.get("on"), "reported_on": data.get("reported_on")}, DiedIn
            )
            if died.reported_on < died.on:
                raise RecordError(
                    "reported_on: "
                    + _("{reported_on} is before the death on {on}").format(
                        reported_on=died.reported_on, on=died.on
                    )
                )
            body.update(
                type="died", on=died.on.isoformat(), reported_on=died.reported_on.isoformat()
            )
    except InputError as error:
        raise RecordError(_problem(error)) from None
    return Record(record_id, kind, id_number, body, attestation)


def _attestation(data: object, id_number: IdNumber, event: CertifiedIn) -> Attestation:
    if not isinstance(data, Mapping):
        raise RecordError("attestation: " + _("must be an object"))
    try:
        attestation = Attestation.from_dict(data)
    except AttestationRefused as error:
        raise RecordError(f"attestation: {error}") from None
    at = event.at
    same_time = isinstance(at, dt.datetime) and at.tzinfo is not None and at == attestation.at
    if attestation.channel != event.channel or not same_time:
        raise RecordError(
            "attestation: "
            + _("its channel and time must be the event's (the time with its offset)")
        )
    if attestation.id_number != id_number.value:
        raise RecordError("attestation: wrong_person: " + _("signed for another person"))
    return attestation


def case_to_records(case: Mapping[str, Any], prefix: str = "case") -> list[dict[str, Any]]:
    """The store records equivalent to a calculation case's people, for loading a case file
    into a store. Record ids are ``{prefix}-{person index}/…``: they never hold the ID
    number (ids appear in messages and exports)."""
    records: list[dict[str, Any]] = []
    for position, person in enumerate(case.get("people", [])):
        id_number = IdNumber.parse(person["id_number"]).value
        key = f"{prefix}-{position}"
        head = {"kind": "person", "id": f"{key}/person", "id_number": id_number}
        head.update(
            {
                k: person[k]
                for k in ("name", "township", "phone", "village", "address")
                if person.get(k)
            }
        )
        records.append(head)
        for entitlement in person.get("entitlements", []):
            scheme = entitlement["scheme"]
            item = {
                "kind": "entitlement",
                "id": f"{key}/entitlement/{scheme}",
                "id_number": id_number,
                **{k: entitlement[k] for k in ("scheme", "start", "monthly_amount")},
            }
            if entitlement.get("end"):
                item["end"] = entitlement["end"]
            records.append(item)
            for change in entitlement.get("changes", []):
                records.append(
                    {
                        "kind": "amount_change",
                        "id": f"{key}/amount_change/{scheme}/{change['from']}",
                        "id_number": id_number,
                        "scheme": scheme,
                        "from": change["from"],
                        "monthly_amount": change["monthly_amount"],
                    }
                )
        for index, event in enumerate(person.get("events", [])):
            records.append(
                {
                    "kind": "event",
                    "id": f"{key}/event/{index}",
                    "id_number": id_number,
                    **event,
                }
            )
    return records
