"""Death reporting time (C10, C13).

From 2023-12-01, 社会保险经办条例 第二十五条: the employer, the recipient or their relatives
report a death within 20 working days of it (on the official calendar, 调休 included); a
later report is flagged ``late``. For a death before that day no national period applied —
the county notice asks families to report 及时 (promptly) — so ``late`` is ``None`` and the
note says why; the working days are still counted, for information.
"""

from __future__ import annotations

from typing import Final

from attrs import frozen

from sscert.campaigns.model import Campaign
from sscert.events import Died
from sscert.law import Citation
from sscert.rules import citations
from sscert.rules.workdays import CalendarNotCovered, working_days_after

__all__ = ["REPORTING_LIMIT", "DeathReport", "assess_death_report"]

REPORTING_LIMIT: Final = 20


@frozen
class DeathReport:
    death: Died
    working_days: int | None
    late: bool | None
    note: str
    citations: tuple[Citation, ...] = ()

    @property
    def citation(self) -> Citation:
        return self.citations[0]


def assess_death_report(death: Died, campaign: Campaign) -> DeathReport:
    """Count the working days from the death to its report; flag a late one where a period
    applied on the date of the death (C13)."""
    cited = citations.death_report(campaign, death.on)
    try:
        days: int | None = working_days_after(death.on, death.reported_on)
        counted = f"reported {days} working days after the death"
    except CalendarNotCovered as error:
        days, counted = None, f"the working days cannot be counted ({error})"
    if death.on < citations.HANDLING_REGULATION_IN_FORCE:
        note = (
            f"{counted}; the death on {death.on} is before 2023-12-01, when 社会保险经办条例 "
            "第二十五条 came into force: no national reporting period applied then (the notice "
            "asks families to report 及时, promptly), so the report is not judged late or on time"
        )
        return DeathReport(death, days, None, note, cited)
    if days is None:
        return DeathReport(death, None, None, counted, cited)
    late = days > REPORTING_LIMIT
    note = (
        f"{counted}: later than the {REPORTING_LIMIT} working days allowed (第二十五条)"
        if late
        else f"{counted}, within the {REPORTING_LIMIT} allowed (第二十五条)"
    )
    return DeathReport(death, days, late, note, cited)
