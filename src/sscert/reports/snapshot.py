"""A campaign as of a date, calculated from the store: every person's result, and the
figures the reminder lists and the progress report are made of."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from attrs import frozen

from sscert.calculate import calculate_case
from sscert.campaigns import Campaign, load_campaign
from sscert.contract import InvalidPerson
from sscert.people import UNKNOWN_TOWNSHIP
from sscert.rules.engine import PersonResult
from sscert.rules.penalty import FinePolicy
from sscert.rules.status import Status
from sscert.schemes import Scheme
from sscert.store.cases import load_case
from sscert.store.sqlite import SQLiteStore
from sscert.values.money import Money

__all__ = ["Completion", "Snapshot", "take_snapshot"]


@frozen
class Completion:
    """People by status in one group (a township, a scheme)."""

    group: str
    covered: int
    certified: int
    pending: int
    suspended: int
    deceased: int

    @property
    def rate(self) -> float:
        """Share of the covered who have certified (for display only, never money)."""
        return self.certified / self.covered if self.covered else 0.0


@frozen
class Snapshot:
    """Every person's result as of a date, and the people who could not be calculated."""

    campaign: Campaign
    as_of: dt.date
    results: tuple[PersonResult, ...]
    chain_head: str
    invalid: tuple[InvalidPerson, ...] = ()
    attested: bool = False
    unattested: int = 0

    @property
    def needing_reminder(self) -> list[PersonResult]:
        """Everyone pending or suspended, by township then ID number — except those whose
        benefits have all ended with nothing withheld (a dependant past 18, C15): nothing
        more can be paid to them."""
        wanted = (Status.PENDING, Status.SUSPENDED)
        return sorted(
            (r for r in self.results if r.status in wanted and not r.benefits_ended),
            key=lambda r: (township_of(r), r.person.id_number.value),
        )

    def by_township(self) -> list[Completion]:
        groups: dict[str, list[PersonResult]] = defaultdict(list)
        for result in self.results:
            groups[township_of(result)].append(result)
        order = [*self.campaign.townships, *sorted(set(groups) - set(self.campaign.townships))]
        return [_completion(name, groups.get(name, [])) for name in order if name in groups]

    def by_scheme(self) -> list[Completion]:
        groups: dict[Scheme, list[PersonResult]] = defaultdict(list)
        for result in self.results:
            for scheme in {e.scheme for e in result.person.entitlements}:
                groups[scheme].append(result)
        return [_completion(s.name_zh, groups[s]) for s in Scheme if s in groups]

    def certifications_per_day(self) -> Counter[dt.date]:
        """Counting certifications by CST date, up to the as-of date."""
        days: Counter[dt.date] = Counter()
        for result in self.results:
            for certification in _counting(result):
                days[certification] += 1
        return days

    def channel_mix(self) -> tuple[Counter[str], Counter[str]]:
        """Counting certifications by channel, and rejected attempts by channel."""
        counted: Counter[str] = Counter()
        rejected: Counter[str] = Counter()
        for result in self.results:
            rejected_indexes = {c.index for c in result.rejected}
            for index, event in enumerate(result.person.events):
                channel = getattr(event, "channel", None)
                on = getattr(event, "on", None)
                if channel is None or not isinstance(on, dt.date) or on > self.as_of:
                    continue
                (rejected if index in rejected_indexes else counted)[channel] += 1
        return counted, rejected

    def totals(self) -> dict[str, Money]:
        return {
            "paid_on_time": Money.sum(r.totals.paid_on_time for r in self.results),
            "backpaid": Money.sum(r.totals.backpaid for r in self.results),
            "withheld": Money.sum(r.totals.withheld for r in self.results),
            "overpaid": Money.sum(r.totals.overpaid for r in self.results),
        }

    @property
    def suspected_frauds(self) -> list[PersonResult]:
        return [r for r in self.results if r.suspected_fraud]

    @property
    def suspended(self) -> list[PersonResult]:
        return [r for r in self.needing_reminder if r.status is Status.SUSPENDED]


def township_of(result: PersonResult) -> str:
    return result.person.township or UNKNOWN_TOWNSHIP


def _counting(result: PersonResult) -> Iterable[dt.date]:
    rejected = {c.index for c in result.rejected}
    for index, event in enumerate(result.person.events):
        on = getattr(event, "on", None)
        counts = hasattr(event, "channel") and index not in rejected
        if counts and isinstance(on, dt.date) and on <= result.as_of:
            yield on


def _completion(name: str, results: list[PersonResult]) -> Completion:
    statuses = Counter(r.status for r in results)
    covered = sum(n for s, n in statuses.items() if s is not Status.NOT_COVERED)
    return Completion(
        name,
        covered,
        statuses[Status.CERTIFIED],
        statuses[Status.PENDING] + statuses[Status.NOT_YET_OPEN],
        statuses[Status.SUSPENDED],
        statuses[Status.DECEASED],
    )


def take_snapshot(
    store: SQLiteStore,
    campaign: Campaign | str,
    as_of: dt.date,
    known_channels: Iterable[str] = (),
    *,
    fine_policy: FinePolicy | None = None,
    progress: Callable[[int], None] | None = None,
) -> Snapshot:
    """Calculate every person in ``store`` under ``campaign`` as of ``as_of``. A person whose
    records do not make a valid case is left out and listed in ``invalid``.

    ``campaign`` is a :class:`~sscert.Campaign`, or a bundled id or file named by the
    operator (:func:`~sscert.load_campaign`)."""
    loaded = campaign if isinstance(campaign, Campaign) else load_campaign(campaign)
    stored = load_case(store, loaded, as_of, known_channels=known_channels)
    results = calculate_case(stored.case, fine_policy=fine_policy, progress=progress)
    return Snapshot(
        loaded,
        as_of,
        tuple(results),
        store.head()[1],
        stored.invalid,
        store.attested,
        store.unattested_certifications(),
    )
