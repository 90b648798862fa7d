"""The rules C1-C12 as pure functions: no clock, no file, no network.

Read a rule by its module: :mod:`~sscert.rules.knowledge` (C2, C3, C5),
:mod:`~sscert.rules.coverage` (C4), :mod:`~sscert.rules.deadline` (C8's deadline, rolling
cycles), :mod:`~sscert.rules.payroll` (C6-C10), :mod:`~sscert.rules.status` (C12),
:mod:`~sscert.rules.penalty` (C11), :mod:`~sscert.rules.death` (reporting time),
:mod:`~sscert.rules.engine` (all of them for one person).
"""

from sscert.rules.citations import Citation
from sscert.rules.decisions import Decision, Rule
from sscert.rules.engine import PersonResult, Totals, evaluate
from sscert.rules.payroll import MonthOutcome, Outcome
from sscert.rules.penalty import FraudPenalty, fraud_penalty
from sscert.rules.status import Status

__all__ = [
    "Citation",
    "Decision",
    "FraudPenalty",
    "MonthOutcome",
    "Outcome",
    "PersonResult",
    "Rule",
    "Status",
    "Totals",
    "evaluate",
    "fraud_penalty",
]
