"""A store's contents as validated people: every person whose records make a valid case,
and every person who cannot be calculated, with the reason.

One function serves ``store calculate``, the reminder lists, the progress report and the
batch engine reading a store, so that they agree on who is left out and why: a record that
an older version let in, or that was damaged, stops only its own person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping

from attrs import frozen

from sscert.campaigns import Campaign
from sscert.contract import Case, InvalidPerson, parse_people_lenient
from sscert.people import Person
from sscert.store.sqlite import SQLiteStore
from sscert.values.identity import mask_id_text
from sscert.values.months import Month

__all__ = ["StoredCase", "invalid_dicts", "load_case", "load_people"]


@frozen
class StoredCase:
    """The valid part of a store's case, and the people left out with their reasons."""

    case: Case
    invalid: tuple[InvalidPerson, ...]


def invalid_dicts(invalid: Iterable[InvalidPerson]) -> list[dict[str, str | None]]:
    """The people left out, as the JSON a result carries (ID numbers masked)."""
    return [{"id_number": p.id_number, "reason": p.reason} for p in invalid]


def load_people(
    store: SQLiteStore,
    *,
    known_channels: Iterable[str] = (),
    only: str | Collection[str] | None = None,
    positions: Mapping[str, int] | None = None,
) -> tuple[tuple[Person, ...], tuple[InvalidPerson, ...]]:
    """Every person of ``store`` checked on their own: the valid ones in the order first
    imported, and the invalid ones with their reasons (a record that does not fit its
    person's case, or a person whose records fail the contract's checks). ``only`` (an
    18-character ID number, or a collection of them) reads those people; ``positions``
    (each one's place among all the store's people) names them as reading everyone
    would."""
    data, problems = store.case_and_problems("", dt.date(2000, 1, 1), person=only)
    items = data["people"]
    indexes = [positions[item["id_number"]] for item in items] if positions is not None else None
    people, invalid = parse_people_lenient(items, known_channels, indexes=indexes)
    if problems:
        people = tuple(p for p in people if p.id_number.value not in problems)
        flagged = {p.index for p in invalid}
        for place, item in enumerate(items):
            index = indexes[place] if indexes is not None else place
            reasons = problems.get(item["id_number"])
            if reasons and index not in flagged:
                errors = tuple((f"people[{index}]", reason) for reason in reasons)
                invalid.append(InvalidPerson(index, mask_id_text(item["id_number"]), errors))
        invalid.sort(key=lambda p: p.index)
    return people, tuple(invalid)


def load_case(
    store: SQLiteStore,
    campaign: Campaign,
    as_of: dt.date,
    first: Month | None = None,
    *,
    known_channels: Iterable[str] = (),
    only: str | Collection[str] | None = None,
    positions: Mapping[str, int] | None = None,
) -> StoredCase:
    """The case of ``store`` under ``campaign`` as of ``as_of``, checked person by person
    (``only`` and ``positions`` as :func:`load_people`)."""
    people, invalid = load_people(
        store,
        known_channels=[*known_channels, *campaign.channels],
        only=only,
        positions=positions,
    )
    return StoredCase(Case(campaign, as_of, first, people), invalid)
