"""Running a campaign: the snapshot as of a date, reminder lists and the progress report."""

from sscert.reports.html import render_report, write_report
from sscert.reports.reminders import notice_text, reminder_rows, write_reminders
from sscert.reports.snapshot import Completion, Snapshot, take_snapshot

__all__ = [
    "Completion",
    "Snapshot",
    "notice_text",
    "reminder_rows",
    "render_report",
    "take_snapshot",
    "write_reminders",
    "write_report",
]
