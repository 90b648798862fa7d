"""A campaign as of a date, calculated from the store: every person's result, and the
figures the reminder lists and the progress report are made of."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from typing import Any, Final

from attrs import frozen

from sscert.calculate import calculate_case
from sscert.campaigns import Campaign, load_campaign
from sscert.contract import InvalidPerson
from sscert.people import UNKNOWN_TOWNSHIP
from sscert.rules.engine import PersonResult
from sscert.rules.penalty import FinePolicy
from sscert.rules.status import Status
from sscert.schemes import Scheme
from sscert.store.cases import StoredCase, load_case
from sscert.store.sqlite import SQLiteStore
from sscert.values.money import Money

__all__ = [
    "ENGINES",
    "NAMED",
    "REMINDED",
    "Completion",
    "Figures",
    "Snapshot",
    "batch_engine_installed",
    "take_snapshot",
]


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
class Figures:
    """The counts a progress report is made of, for a group of people: status by township
    and by scheme, counting certifications by day, certifications by channel (counted and
    rejected), and the four totals. Figures of two groups add up (:meth:`plus`)."""

    by_township: dict[str, Counter[Status]]
    by_scheme: dict[Scheme, Counter[Status]]
    per_day: Counter[dt.date]
    counted: Counter[str]
    rejected: Counter[str]
    totals: dict[str, Money]

    @classmethod
    def of(cls, results: Iterable[PersonResult]) -> Figures:
        """The figures of people calculated one by one."""
        by_township: dict[str, Counter[Status]] = defaultdict(Counter)
        by_scheme: dict[Scheme, Counter[Status]] = defaultdict(Counter)
        per_day: Counter[dt.date] = Counter()
        counted: Counter[str] = Counter()
        rejected: Counter[str] = Counter()
        totals = dict.fromkeys(TOTALS, Money.zero())
        for result in results:
            by_township[township_of(result)][result.status] += 1
            for scheme in {e.scheme for e in result.person.entitlements}:
                by_scheme[scheme][result.status] += 1
            per_day.update(_counting(result))
            rejected_indexes = {c.index for c in result.rejected}
            for index, event in enumerate(result.person.events):
                channel = getattr(event, "channel", None)
                on = getattr(event, "on", None)
                if channel is None or not isinstance(on, dt.date) or on > result.as_of:
                    continue
                (rejected if index in rejected_indexes else counted)[channel] += 1
            for key in TOTALS:
                totals[key] = totals[key] + getattr(result.totals, key)
        return cls(dict(by_township), dict(by_scheme), per_day, counted, rejected, totals)

    def plus(self, other: Figures) -> Figures:
        """The figures of both groups together."""

        def merged(
            a: dict[Any, Counter[Status]], b: dict[Any, Counter[Status]]
        ) -> dict[Any, Counter[Status]]:
            out: dict[Any, Counter[Status]] = {k: Counter(v) for k, v in a.items()}
            for key, counts in b.items():
                out.setdefault(key, Counter()).update(counts)
            return out

        return Figures(
            merged(self.by_township, other.by_township),
            merged(self.by_scheme, other.by_scheme),
            self.per_day + other.per_day,
            self.counted + other.counted,
            self.rejected + other.rejected,
            {k: self.totals[k] + other.totals[k] for k in TOTALS},
        )


TOTALS: tuple[str, ...] = ("paid_on_time", "backpaid", "withheld", "overpaid")


@frozen
class Snapshot:
    """Every person's result as of a date, and the people who could not be calculated.

    ``results`` holds every person's result — or, when ``figures`` is given (the batch
    engine counted everyone), the results of the people the lists and the report name
    one by one: everyone pending, suspended or deceased."""

    campaign: Campaign
    as_of: dt.date
    results: tuple[PersonResult, ...]
    chain_head: str
    invalid: tuple[InvalidPerson, ...] = ()
    attested: bool = False
    unattested: int = 0
    figures: Figures | None = None

    @classmethod
    def of_store(
        cls,
        store: SQLiteStore,
        stored: StoredCase,
        results: Iterable[PersonResult],
        figures: Figures | None = None,
    ) -> Snapshot:
        """The snapshot of ``store``'s case ``stored`` with its people's ``results``: the
        chain head, the people left out and the store's trust, as of the case's date."""
        return cls(
            stored.case.campaign,
            stored.case.as_of,
            tuple(results),
            store.head()[1],
            stored.invalid,
            store.attested,
            store.unattested_certifications(),
            figures,
        )

    def _figures(self) -> Figures:
        return self.figures if self.figures is not None else Figures.of(self.results)

    @property
    def needing_reminder(self) -> list[PersonResult]:
        """Everyone pending or suspended, by township then ID number — except those whose
        benefits have all ended with nothing withheld (a dependant past 18, C15): nothing
        more can be paid to them."""
        return list(self._reminded)

    @functools.cached_property
    def _reminded(self) -> tuple[PersonResult, ...]:
        # sorted once: the lists, the report and the command's summary all ask
        return tuple(
            sorted(
                (r for r in self.results if r.status in REMINDED and not r.benefits_ended),
                key=lambda r: (township_of(r), r.person.id_number.value),
            )
        )

    def by_township(self) -> list[Completion]:
        groups = self._figures().by_township
        order = [*self.campaign.townships, *sorted(set(groups) - set(self.campaign.townships))]
        return [_completion(name, groups[name]) for name in order if name in groups]

    def by_scheme(self) -> list[Completion]:
        groups = self._figures().by_scheme
        return [_completion(s.name_zh, groups[s]) for s in Scheme if s in groups]

    def certifications_per_day(self) -> Counter[dt.date]:
        """Counting certifications by CST date, up to the as-of date."""
        return Counter(self._figures().per_day)

    def channel_mix(self) -> tuple[Counter[str], Counter[str]]:
        """Counting certifications by channel, and rejected attempts by channel."""
        figures = self._figures()
        return Counter(figures.counted), Counter(figures.rejected)

    def totals(self) -> dict[str, Money]:
        return dict(self._figures().totals)

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


def _completion(name: str, statuses: Counter[Status]) -> Completion:
    covered = sum(n for s, n in statuses.items() if s is not Status.NOT_COVERED)
    return Completion(
        name,
        covered,
        statuses[Status.CERTIFIED],
        statuses[Status.PENDING] + statuses[Status.NOT_YET_OPEN],
        statuses[Status.SUSPENDED],
        statuses[Status.DECEASED],
    )


#: The statuses whose people the reminder lists name …
REMINDED: Final = (Status.PENDING, Status.SUSPENDED)
#: … and those the lists and the report name, one by one.
NAMED: Final = (*REMINDED, Status.DECEASED)

ENGINES: tuple[str, ...] = ("auto", "batch", "per-person")
"""How :func:`take_snapshot` calculates: ``batch`` counts everyone with the batch engine
and calculates one by one only the people the lists name; ``per-person`` calculates
everyone one by one (the reference); ``auto`` is ``batch`` when the batch engine is
installed (``sscert[batch]``)."""


def batch_engine_installed() -> bool:
    """Whether the optional batch engine (Polars) can be imported."""
    try:
        import polars  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True


def take_snapshot(
    store: SQLiteStore,
    campaign: Campaign | str,
    as_of: dt.date,
    known_channels: Iterable[str] = (),
    *,
    fine_policy: FinePolicy | None = None,
    progress: Callable[[int], None] | None = None,
    engine: str = "auto",
    named: Collection[Status] = NAMED,
) -> Snapshot:
    """Calculate every person in ``store`` under ``campaign`` as of ``as_of``. A person whose
    records do not make a valid case is left out and listed in ``invalid``.

    ``campaign`` is a :class:`~sscert.Campaign`, or a bundled id or file named by the
    operator (:func:`~sscert.load_campaign`). ``engine`` is one of :data:`ENGINES`; both
    engines give the same figures, lists and report. With the batch engine, ``results``
    holds the people of the ``named`` statuses, calculated one by one: by default
    (:data:`NAMED`) everyone the reminder lists and the report name; the reminder lists
    alone need only :data:`REMINDED`."""
    if engine not in ENGINES:
        raise ValueError(f"engine is one of {', '.join(ENGINES)}, not {engine!r}")
    loaded = campaign if isinstance(campaign, Campaign) else load_campaign(campaign)
    if engine == "batch" or (engine == "auto" and batch_engine_installed()):
        from sscert.batch.stored import snapshot_by_columns  # noqa: PLC0415

        return snapshot_by_columns(
            store,
            loaded,
            as_of,
            known_channels,
            fine_policy=fine_policy,
            progress=progress,
            named=named,
        )
    stored = load_case(store, loaded, as_of, known_channels=known_channels)
    results = calculate_case(stored.case, fine_policy=fine_policy, progress=progress)
    return Snapshot.of_store(store, stored, results)
