"""The records a store holds, one JSON object a line: ``person``, ``entitlement``,
``amount_change``, ``entitlement_end``, ``account``, ``repayment_plan`` and ``event``
(``certified``, ``died``, ``dependant_ended``, ``imprisoned``). Each is validated with
the calculation contract's own checks and normalised to a canonical body, so that the same
record sent twice — even written differently (``"2856.4"`` and ``"2856.40"``) — is
recognised as the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final, Protocol

from attrs import field, frozen

from sscert.attestation import Attestation, AttestationRefused
from sscert.contract import (
    ENTITLEMENT_KEYS,
    EVENT_TYPES,
    AccountIn,
    CertifiedIn,
    ChangeIn,
    DependantEndedIn,
    DiedIn,
    EntitlementIn,
    ImprisonedIn,
    InputError,
    account_problems,
    death_problems,
    entitlement_problems,
    structure_part,
    term_problems,
)
from sscert.i18n import _
from sscert.serialization import EVENT_WIRES, EventIn, wire_converter, wire_keys, wire_part
from sscert.values.identity import IdNumber, InvalidIdNumber
from sscert.values.limits import (
    MAX_INSTALMENTS,
    LimitError,
    check_text,
    compact_json,
    parse_count,
    preview,
)
from sscert.values.phone import InvalidPhoneNumber, parse_contact_phone
from sscert.values.privacy import redact

__all__ = [
    "KINDS",
    "OWNED_KINDS",
    "Columns",
    "Derived",
    "Record",
    "RecordError",
    "RecordValue",
    "canonical_json",
    "case_to_records",
    "owner_key_of",
    "parse_record",
    "unique_key_of",
]

KINDS: Final = (
    "person",
    "entitlement",
    "amount_change",
    "entitlement_end",
    "entitlement_info",
    "account",
    "repayment_plan",
    "event",
)


#: The keys every record has.
_RECORD: Final = ("kind", "id", "id_number")
#: The keys of each shape of record. Entitlements, amount changes, accounts and events take
#: their wire classes' keys: a field added to one of those classes is a key of its record.
_ALLOWED: Final[dict[str, set[str]]] = {
    "person": {*_RECORD, "name", "township", "phone", "village", "address"},
    "entitlement_end": {*_RECORD, "scheme", "end"},
    "entitlement": {*_RECORD, *ENTITLEMENT_KEYS},
    "entitlement_info": {*_RECORD, "scheme", "contribution_months", "dependant"},
    "account": {*_RECORD, *wire_keys(AccountIn)},
    "repayment_plan": {*_RECORD, "instalment_months"},
    "amount_change": {*_RECORD, "scheme", *wire_keys(ChangeIn)},
    **{shape: {*_RECORD, "type", *wire_keys(wire)} for shape, wire in EVENT_WIRES.items()},
}
_ALLOWED["certified"].add("attestation")
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
    return compact_json(body, sort_keys=True)


#: The typed value a record holds: an entitlement, an amount change, an account or an event
#: of the input contract (:mod:`sscert.serialization`).
RecordValue = EntitlementIn | ChangeIn | AccountIn | EventIn


class Columns(Protocol):
    """A record's values that its row stores, and its body, from which :class:`Derived`
    takes the others."""

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def person(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def unique_key(self) -> str | None: ...
    @property
    def body(self) -> dict[str, Any]: ...


class Derived:
    """What storing a record reads of it besides its columns, taken from them: of a
    :class:`Record`, and of a record read in another process
    (:class:`sscert.store.reading.Read`)."""

    __slots__ = ()

    @property
    def owner_key(self: Columns) -> str | None:
        """The unique key of the entitlement the record belongs to (:func:`owner_key_of`)."""
        return owner_key_of(self.body) if self.kind in OWNED_KINDS else None

    @property
    def event_type(self: Columns) -> str | None:
        """An event's type (``certified``, ``died``, …); ``None`` for the other kinds."""
        return str(self.body["type"]) if self.kind == "event" else None


@frozen(repr=False)
class Record(Derived):
    """A validated record: its id, kind, person and canonical body; ``value``, the typed
    wire value of an ``entitlement``, ``amount_change``, ``account`` or ``event`` record (the
    one its body is written from; ``None`` for the other kinds). Its ``repr`` shows the ID
    number masked and leaves the body (with phone numbers) out."""

    id: str
    kind: str
    id_number: IdNumber
    body: dict[str, Any]
    attestation: Attestation | None = None
    value: RecordValue | None = None
    #: ``text`` and ``unique_key``, made when first asked for (an import asks for each
    #: several times); the body is not changed after the record is made.
    _made: tuple[str, str | None] | None = field(default=None, init=False, eq=False, repr=False)

    def __repr__(self) -> str:
        return f"Record(id={redact(self.id)!r}, kind={self.kind!r}, id_number={self.id_number!r})"

    def _texts(self) -> tuple[str, str | None]:
        made = self._made
        if made is None:
            made = (canonical_json(self.body), unique_key_of(self.body))
            object.__setattr__(self, "_made", made)
        return made

    @property
    def text(self) -> str:
        """The canonical text of the body (:func:`canonical_json`)."""
        return self._texts()[0]

    @property
    def unique_key(self) -> str | None:
        """What may exist once per person (:func:`unique_key_of`)."""
        return self._texts()[1]

    @property
    def person(self) -> str:
        """The full ID number of the person the record is about."""
        return self.id_number.value


def unique_key_of(body: Mapping[str, Any]) -> str | None:
    """What may exist once per person: an entitlement per scheme, an amount change per scheme
    and month, a death, an end of a dependant's benefit. (A person, account or repayment plan
    record may come again: the latest supersedes.)"""
    person, kind = body.get("id_number"), body.get("kind")
    if kind == "entitlement":
        return f"{person}|entitlement|{body.get('scheme')}"
    if kind == "amount_change":
        return f"{person}|amount_change|{body.get('scheme')}|{body.get('from')}"
    if kind == "event" and body.get("type") in ("died", "dependant_ended"):
        return f"{person}|{body.get('type')}"
    return None


#: The kinds of record that belong to an entitlement of their person (stored before them).
OWNED_KINDS: Final = frozenset({"amount_change", "entitlement_end", "entitlement_info"})


def owner_key_of(body: Mapping[str, Any]) -> str | None:
    """The unique key of the entitlement an amount change, end or detail belongs to (it
    must be stored before them); ``None`` for the other kinds."""
    if body.get("kind") in OWNED_KINDS:
        return f"{body.get('id_number')}|entitlement|{body.get('scheme')}"
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
            + _("an event is one of {known}, not {preview}").format(
                known=", ".join(EVENT_TYPES), preview=preview(data.get("type"))
            )
        )
    allowed = _ALLOWED[shape]
    if not data.keys() <= allowed:
        unknown = sorted(set(data) - allowed)
        raise RecordError(
            _("{preview}: not a key of a {shape} record").format(
                preview=preview(unknown[0]), shape=shape
            )
        )
    body: dict[str, Any] = {"kind": kind, "id": record_id, "id_number": id_number.value}
    attestation = None
    typed: RecordValue | None = None
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
            part = {k: data[k] for k in ENTITLEMENT_KEYS if k in data}
            entitlement = structure_part(part, EntitlementIn)
            _refuse(entitlement_problems(entitlement))
            body.update(
                scheme=entitlement.scheme.value,
                start=str(entitlement.start),
                monthly_amount=str(entitlement.monthly_amount),
            )
            if entitlement.end is not None:
                body["end"] = str(entitlement.end)
            _details(body, entitlement)
            _rest(body, entitlement, data)
            typed = entitlement
        elif kind == "entitlement_info":
            part = {
                "scheme": data.get("scheme"),
                "start": "1900-01",
                "monthly_amount": "1",
                **{k: data[k] for k in ("contribution_months", "dependant") if k in data},
            }
            info = structure_part(part, EntitlementIn)
            if info.contribution_months is None and info.dependant is None:
                raise RecordError(
                    _("an entitlement_info record gives contribution_months or dependant")
                )
            _refuse(entitlement_problems(info))
            body["scheme"] = info.scheme.value
            _details(body, info)
        elif kind == "account":
            part = {k: data[k] for k in ("balance", "inheritable_share") if k in data}
            account = structure_part(part, AccountIn)
            _refuse(account_problems(account))
            body["balance"] = str(account.balance)
            if account.inheritable_share is not None:
                body["inheritable_share"] = str(account.inheritable_share)
            _rest(body, account, data)
            typed = account
        elif kind == "repayment_plan":
            try:
                months = parse_count(data.get("instalment_months"), low=1, high=MAX_INSTALMENTS)
            except (TypeError, ValueError) as error:
                raise RecordError(f"instalment_months: {error}", "instalment_months") from None
            body["instalment_months"] = months
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
            change = structure_part(wire_part(data, ChangeIn, missing="null"), ChangeIn)
            body.update(
                scheme=scheme.value,
                monthly_amount=str(change.monthly_amount),
                **{"from": str(change.from_)},
            )
            _rest(body, change, data)
            typed = change
        elif shape == "certified":
            certified = structure_part(wire_part(data, CertifiedIn, missing="null"), CertifiedIn)
            if certified.channel not in known_channels:
                raise RecordError(
                    "channel: "
                    + _("unknown channel {channel!r} (known: {join})").format(
                        channel=certified.channel, join=", ".join(sorted(known_channels))
                    )
                )
            body.update(type="certified", at=data["at"].strip(), channel=certified.channel)
            _rest(body, certified, data)
            typed = certified
            if "attestation" in data:
                attestation = _attestation(data["attestation"], id_number, certified)
                body["attestation"] = attestation.to_dict()
        elif shape == "dependant_ended":
            finished = structure_part(
                wire_part(data, DependantEndedIn, missing="null"), DependantEndedIn
            )
            body.update(
                type="dependant_ended", on=finished.on.isoformat(), reason=finished.reason.value
            )
            _rest(body, finished, data)
            typed = finished
        elif shape == "imprisoned":
            term = structure_part(wire_part(data, ImprisonedIn, missing="omit"), ImprisonedIn)
            _refuse(term_problems(term))
            body.update(type="imprisoned", **{"from": term.from_.isoformat()})
            if term.to is not None:
                body["to"] = term.to.isoformat()
            _rest(body, term, data)
            typed = term
        else:
            died = structure_part(wire_part(data, DiedIn, missing="null"), DiedIn)
            _refuse(death_problems(died))
            body.update(
                type="died", on=died.on.isoformat(), reported_on=died.reported_on.isoformat()
            )
            _rest(body, died, data)
            typed = died
    except InputError as error:
        raise RecordError(_problem(error)) from None
    return Record(record_id, kind, id_number, body, attestation, typed)


def _rest(body: dict[str, Any], value: object, data: Mapping[str, Any]) -> None:
    """Every field of a wire value not yet in ``body``, as the wire converter writes it: a
    field added to a wire class is stored without another change here. (Only a record that
    gave a key the body does not have yet can have such a field.)"""
    if data.keys() <= body.keys():
        return
    for key, item in wire_converter.unstructure(value).items():
        body.setdefault(key, item)


def _details(body: dict[str, Any], item: EntitlementIn) -> None:
    """An entitlement's contributions and dependant, when given, into a record's body."""
    if item.contribution_months is not None:
        body["contribution_months"] = item.contribution_months
    if item.dependant is not None:
        body["dependant"] = {
            "relationship": item.dependant.relationship.value,
            "fully_incapacitated": item.dependant.fully_incapacitated,
        }


def _refuse(problems: list[tuple[str, str]]) -> None:
    """The first cross-field problem (:mod:`sscert.contract`'s checks) as the record's error."""
    if problems:
        key, problem = problems[0]
        raise RecordError(f"{key}: {problem}", key)


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
            for optional in ENTITLEMENT_KEYS:
                if optional not in item and entitlement.get(optional) is not None:
                    item[optional] = entitlement[optional]
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
        if person.get("account") is not None:
            records.append(
                {"kind": "account", "id": f"{key}/account", "id_number": id_number}
                | dict(person["account"])
            )
        if person.get("instalment_months") is not None:
            records.append(
                {
                    "kind": "repayment_plan",
                    "id": f"{key}/repayment_plan",
                    "id_number": id_number,
                    "instalment_months": person["instalment_months"],
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
