"""Death reporting time (社会保险经办条例 第二十五条): the employer, the recipient's relatives
must report a death within 20 working days. A later report is flagged, with the count of
working days on the official calendar (调休 included)."""

from __future__ import annotations

from typing import Final

from attrs import frozen

from sscert.events import Died
from sscert.rules.citations import DEATH_REPORT, Citation
from sscert.rules.workdays import CalendarNotCovered, working_days_after

__all__ = ["REPORTING_LIMIT", "DeathReport", "assess_death_report"]

REPORTING_LIMIT: Final = 20


@frozen
class DeathReport:
    death: Died
    working_days: int | None
    late: bool | None
    note: str
    citation: Citation = DEATH_REPORT


def assess_death_report(death: Died) -> DeathReport:
    """Count the working days from the death to its report and flag a late one."""
    try:
        days = working_days_after(death.on, death.reported_on)
    except CalendarNotCovered as error:
        return DeathReport(death, None, None, str(error))
    late = days > REPORTING_LIMIT
    note = (
        f"reported {days} working days after the death: later than the {REPORTING_LIMIT} "
        "working days allowed"
        if late
        else f"reported {days} working days after the death, within {REPORTING_LIMIT}"
    )
    return DeathReport(death, days, late, note)
