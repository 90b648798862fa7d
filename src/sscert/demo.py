"""``sscert demo``: a realistic synthetic Laiyuan 2023 campaign, run end to end.

A few thousand people across the 18 townships and the five schemes, with real-format ID
numbers (some old 15-digit ones), certifications through every channel across the window,
some late, some never, some before the window or through a channel Laiyuan does not accept,
deaths reported on time and late, and one certification after a death. The roster goes in
through the roster import, the events through the store; the campaign is run to a date
after the deadline; the reminder lists, the progress report and the archive are written.

Everything is drawn from one random-number generator: the same number (``--seed``) gives
the same campaign.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from attrs import frozen

from sscert.campaigns import load_campaign
from sscert.events import CST
from sscert.i18n import _
from sscert.reports import take_snapshot, write_reminders, write_report
from sscert.roster import import_roster
from sscert.schemes import Scheme
from sscert.store import SQLiteStore, export_archive
from sscert.values.identity import check_character

__all__ = ["DemoResult", "run_demo"]

CAMPAIGN: Final = "laiyuan-2023"
AS_OF: Final = dt.date(2023, 6, 30)
SURNAMES: Final = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁"
GIVEN: Final = "秀英桂兰玉兰德福建国振华淑珍凤英国强志明文华春梅海燕宝山长青"
SCHEMES: Final = (
    (Scheme.URBAN_RURAL_RESIDENT_PENSION, 55, (120, 320)),
    (Scheme.ENTERPRISE_PENSION, 25, (1800, 4600)),
    (Scheme.PUBLIC_SECTOR_PENSION, 10, (3000, 6500)),
    (Scheme.WORK_INJURY_PERIODIC, 6, (800, 2600)),
    (Scheme.WORK_INJURY_SURVIVOR, 4, (600, 1600)),
)
ROSTER_HEADER: Final = (
    "姓名",
    "身份证号",
    "险种",
    "月待遇",
    "待遇开始年月",
    "待遇终止年月",
    "乡镇",
    "联系电话",
)


@frozen
class DemoResult:
    folder: Path
    store: Path
    roster: Path
    report: Path
    reminders: dict[str, Path]
    archive: Path
    people: int
    to_remind: int


def _id_number(rng: random.Random, birth: dt.date, male: bool, old_form: bool) -> str:
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
    if old_form:
        return f"130630{birth:%y%m%d}{sequence:03d}"
    first17 = f"130630{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def _moment(rng: random.Random, day: dt.date) -> str:
    at = dt.datetime.combine(day, dt.time(rng.randrange(7, 21), rng.randrange(60)), CST)
    if rng.random() < 0.3:  # some app servers log in UTC
        return at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return at.isoformat()


def _cst_day(text: str) -> dt.date:
    return dt.datetime.fromisoformat(text).astimezone(CST).date()


def _day(rng: random.Random, start: dt.date, end: dt.date, front: float = 1.6) -> dt.date:
    span = (end - start).days
    return start + dt.timedelta(days=int(span * rng.random() ** front))


def _people(rng: random.Random, count: int, townships: tuple[str, ...]) -> list[dict[str, Any]]:
    people: list[dict[str, Any]] = []
    seen: set[str] = set()
    while len(people) < count:
        scheme, _weight, (low, high) = rng.choices(SCHEMES, weights=[w for _s, w, _r in SCHEMES])[0]
        if scheme is Scheme.WORK_INJURY_SURVIVOR:
            birth = dt.date(rng.randrange(1950, 2015), rng.randrange(1, 13), rng.randrange(1, 29))
        else:
            birth = dt.date(rng.randrange(1928, 1964), rng.randrange(1, 13), rng.randrange(1, 29))
        male = rng.random() < 0.5
        id_text = _id_number(rng, birth, male, old_form=birth.year < 1950 and rng.random() < 0.2)
        key = id_text if len(id_text) == 18 else id_text[:6] + "19" + id_text[6:]
        if key[:17] in seen:
            continue
        seen.add(key[:17])
        start_year = (
            max(birth.year + 55, 2000) if scheme is not Scheme.WORK_INJURY_SURVIVOR else 2012
        )
        entitlements = [
            {
                "scheme": scheme,
                "amount": f"{rng.uniform(low, high):.2f}",
                "start": f"{min(start_year, 2022)}-{rng.randrange(1, 13):02d}",
            }
        ]
        if scheme is Scheme.ENTERPRISE_PENSION and rng.random() < 0.08:
            entitlements.append(
                {
                    "scheme": Scheme.WORK_INJURY_PERIODIC,
                    "amount": f"{rng.uniform(800, 2000):.2f}",
                    "start": f"{rng.randrange(2010, 2022)}-{rng.randrange(1, 13):02d}",
                }
            )
        people.append(
            {
                "id": id_text,
                "name": rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2)))),
                "township": rng.choice(townships),
                "phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
                if rng.random() < 0.7
                else "",
                "entitlements": entitlements,
            }
        )
    return people


def _events(rng: random.Random, people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    window_start, window_end = dt.date(2023, 2, 10), dt.date(2023, 3, 25)
    channels = ("hebei_renshe", "yirenshe", "assisted")
    events: list[dict[str, Any]] = []
    fraud_done = False
    for number, person in enumerate(people):
        own: list[dict[str, Any]] = []
        roll = rng.random()
        if roll < 0.012:  # tried before the window, and again inside it
            own.append(
                {
                    "type": "certified",
                    "at": _moment(rng, dt.date(2023, 2, rng.randrange(1, 10))),
                    "channel": rng.choice(channels[:2]),
                }
            )
            own.append(
                {
                    "type": "certified",
                    "at": _moment(rng, _day(rng, window_start, window_end)),
                    "channel": rng.choice(channels),
                }
            )
        elif roll < 0.77:
            channel = rng.choices(channels, weights=(45, 35, 20))[0]
            own.append(
                {
                    "type": "certified",
                    "at": _moment(rng, _day(rng, window_start, window_end)),
                    "channel": channel,
                }
            )
        elif roll < 0.87:  # late: mostly staff, at the office or at home
            channel = rng.choices(channels, weights=(15, 15, 70))[0]
            own.append(
                {
                    "type": "certified",
                    "at": _moment(rng, _day(rng, dt.date(2023, 3, 26), AS_OF, 1.0)),
                    "channel": channel,
                }
            )
        if rng.random() < 0.05:  # a data-matching hit: Laiyuan 2023 does not accept that channel
            own.append(
                {
                    "type": "certified",
                    "at": _moment(rng, _day(rng, dt.date(2023, 2, 1), AS_OF, 1.0)),
                    "channel": "data_comparison",
                }
            )
        if rng.random() < 0.025:
            died = _day(rng, dt.date(2023, 2, 1), dt.date(2023, 6, 10), 1.0)
            late = rng.random() < 0.5
            reported = died + dt.timedelta(
                days=rng.randrange(35, 110) if late else rng.randrange(1, 20)
            )
            # the living certify; nothing is attempted for the dead (but for the one fraud)
            own = [e for e in own if _cst_day(e["at"]) <= died]
            own.append(
                {"type": "died", "on": died.isoformat(), "reported_on": reported.isoformat()}
            )
            if not fraud_done and late and died < dt.date(2023, 3, 10):
                # a relative keeps certifying for the dead person: fraud (冒领)
                own = [e for e in own if e["type"] == "died"]
                after = died + dt.timedelta(days=rng.randrange(2, 12))
                own.append(
                    {
                        "type": "certified",
                        "at": _moment(rng, max(after, window_start)),
                        "channel": "hebei_renshe",
                    }
                )
                fraud_done = True
        for index, event in enumerate(own):
            events.append(
                {
                    "kind": "event",
                    "id": f"demo-{number}-{index}",
                    "id_number": person["id"],
                    **event,
                }
            )
    if not fraud_done:  # make sure the campaign shows one
        person = people[0]
        events.append(
            {
                "kind": "event",
                "id": "demo-fraud-died",
                "id_number": person["id"],
                "type": "died",
                "on": "2023-02-03",
                "reported_on": "2023-05-20",
            }
        )
        events.append(
            {
                "kind": "event",
                "id": "demo-fraud-cert",
                "id_number": person["id"],
                "type": "certified",
                "at": "2023-02-16T10:05:00+08:00",
                "channel": "hebei_renshe",
            }
        )
    return events


def _write_roster(path: Path, people: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ROSTER_HEADER)
        for person in people:
            for item in person["entitlements"]:
                writer.writerow(
                    [
                        person["name"],
                        person["id"],
                        item["scheme"].name_zh,
                        item["amount"],
                        item["start"].replace("-", ""),
                        "",
                        person["township"],
                        person["phone"],
                    ]
                )


def run_demo(
    folder: str | Path,
    *,
    people: int = 3000,
    seed: int = 2023,
    progress: Callable[[str], None] = lambda _message: None,
) -> DemoResult:
    """Build, run and report the synthetic campaign in ``folder``."""
    folder = Path(folder)
    if people < 1:
        raise ValueError(_("a demo needs at least one person"))
    rng = random.Random(seed)
    campaign = load_campaign(CAMPAIGN)
    folder.mkdir(parents=True, exist_ok=True)
    store_path, roster_path, events_path = (
        folder / "laiyuan-2023.db",
        folder / "roster.csv",
        folder / "events.jsonl",
    )
    for stale in (
        store_path,
        store_path.with_name(store_path.name + "-wal"),
        store_path.with_name(store_path.name + "-shm"),
    ):
        stale.unlink(missing_ok=True)
    progress(_("generating {people} people (random draw {draw})").format(people=people, draw=seed))
    population = _people(rng, people, campaign.townships)
    _write_roster(roster_path, population)
    events = _events(rng, population)
    events_path.write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8"
    )
    # A key from the draw's number keeps the demo reproducible; a real store's is random.
    key = hashlib.sha256(f"sscert-demo-{seed}".encode()).digest()
    store, _created = SQLiteStore.init(store_path, pseudonym_key=key)
    with store:
        progress(_("importing the roster"))
        roster_report = import_roster(store, roster_path, campaign=campaign)
        if roster_report.rejected:
            raise RuntimeError(f"the demo roster has rejected rows: {roster_report.rejected[:3]}")
        progress(_("importing the certifications and deaths"))
        event_report = store.import_lines(events_path.read_text(encoding="utf-8").splitlines())
        if event_report.rejected:
            raise RuntimeError(f"the demo events have rejected lines: {event_report.rejected[:3]}")
        progress(_("running the campaign to {AS_OF}").format(AS_OF=AS_OF))
        snapshot = take_snapshot(store, campaign, AS_OF)
        # The demo's lists are for looking at, not for calling: every number masked (the
        # `remind` command writes call lists with full phone numbers, and logs it).
        reminders = write_reminders(snapshot, folder / "reminders", masked_calls=True)
        report = write_report(snapshot, folder / "report.html")
        export_archive(store, campaign, folder / "archive")
    return DemoResult(
        folder,
        store_path,
        roster_path,
        report,
        reminders,
        folder / "archive",
        len(population),
        len(snapshot.needing_reminder),
    )
