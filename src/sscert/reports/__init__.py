"""Running a campaign: the snapshot as of a date, reminder lists and the progress report."""

from sscert.reports.html import render_report, write_report
from sscert.reports.parallel import second_process
from sscert.reports.reminders import notice_text, reminder_rows, write_reminders
from sscert.reports.snapshot import Completion, Snapshot, take_snapshot

__all__ = [
    "Completion",
    "Snapshot",
    "notice_text",
    "reminder_rows",
    "render_report",
    "second_process",
    "take_snapshot",
    "write_reminders",
    "write_report",
]
