"""C12 Status as of a date.

``deceased`` (death known) › ``not_covered`` › ``not_yet_open`` (before certification opens)
› ``certified`` (a counting certification on or before the date, still valid under the duty)
› ``pending`` (not yet past the due date) › ``suspended`` (past it). For a fixed window the
due date is the window's end; for a rolling cycle or calendar periods, the due date of the
last counting certification (C14).
"""

from __future__ import annotations

import enum

from sscert.campaigns.model import Campaign
from sscert.rules.deadline import Deadline
from sscert.rules.knowledge import Facts, counting_from

__all__ = ["Status", "status_as_of", "status_reason"]


class Status(enum.StrEnum):
    DECEASED = "deceased"
    NOT_COVERED = "not_covered"
    NOT_YET_OPEN = "not_yet_open"
    CERTIFIED = "certified"
    PENDING = "pending"
    SUSPENDED = "suspended"


def status_as_of(campaign: Campaign, facts: Facts, deadline: Deadline) -> Status:
    as_of = facts.as_of
    if facts.death_known_on(as_of):
        return Status.DECEASED
    if not deadline.covered:
        return Status.NOT_COVERED
    opens = counting_from(campaign)
    if opens is not None and as_of < opens:
        return Status.NOT_YET_OPEN
    due = deadline.due_date_at(as_of)
    if facts.last_counting_on_or_before(as_of) is not None and (due is None or as_of <= due):
        return Status.CERTIFIED
    return Status.PENDING if due is None or as_of <= due else Status.SUSPENDED


def status_reason(status: Status, campaign: Campaign, facts: Facts, deadline: Deadline) -> str:
    """A clerk's sentence for a status."""
    as_of = facts.as_of
    if status is Status.DECEASED:
        assert facts.death is not None
        return f"died on {facts.death.on}, reported {facts.death.reported_on}"
    if status is Status.NOT_COVERED:
        return f"holds no entitlement that {campaign.id} covers: no certification is required"
    if status is Status.NOT_YET_OPEN:
        return f"as of {as_of} certification for {campaign.id} has not opened yet"
    due = deadline.due_date_at(as_of)
    if status is Status.CERTIFIED:
        last = facts.last_counting_on_or_before(as_of)
        return f"certified on {last}" + (f"; next due by {due}" if due is not None else "")
    if status is Status.PENDING:
        return f"not yet certified; due by {due}"
    return f"not certified and overdue since {due}: payment is suspended until certification"
