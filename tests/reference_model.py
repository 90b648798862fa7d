"""An independent model of rules C1-C12 and C15 for a fixed-window campaign, for
differential tests.

It shares no rule code with sscert: it reads the raw case dict and decides each month in
closed form ("what happened to month M?") instead of simulating payroll runs one by one.
Only the campaign's parameters (window, channels, payroll day) come from sscert.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sscert

CST = dt.timezone(dt.timedelta(hours=8))
CENT = Decimal("0.01")


def _money(text: str) -> Decimal:
    return Decimal(text).quantize(CENT, rounding=ROUND_HALF_UP)


def _fmt(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _month(text: str) -> tuple[int, int]:
    year, month = text.split("-")
    return int(year), int(month)


def _add(month: tuple[int, int], n: int) -> tuple[int, int]:
    index = month[0] * 12 + month[1] - 1 + n
    return index // 12, index % 12 + 1


def _mtext(month: tuple[int, int]) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def _cst_date(text: str) -> dt.date:
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(CST)
    return moment.date()


def model(case: dict[str, Any]) -> dict[str, Any]:
    campaign = sscert.load_campaign(case["campaign"])
    assert campaign.window is not None
    start = campaign.window.start
    win_first = (start.year, start.month)
    payday_of = campaign.payroll_day
    as_of = dt.date.fromisoformat(case["as_of"])
    first = _month(case["from"]) if case.get("from") else win_first
    last = (
        (as_of.year, as_of.month) if as_of.day >= payday_of else _add((as_of.year, as_of.month), -1)
    )

    def payday(m: tuple[int, int]) -> dt.date:
        return dt.date(m[0], m[1], payday_of)

    people = [
        _person(campaign, as_of=as_of, first=first, last=last, payday=payday, person=person)
        for person in case["people"]
    ]
    return {"as_of": case["as_of"], "people": people}


def _person(
    campaign: sscert.Campaign,
    *,
    as_of: dt.date,
    first: tuple[int, int],
    last: tuple[int, int],
    payday: Any,
    person: dict[str, Any],
) -> dict[str, Any]:
    assert campaign.window is not None
    start, end = campaign.window.start, campaign.window.end
    win_first, win_last = (start.year, start.month), (end.year, end.month)
    certs = []  # (index, date, reason or None)
    presented = []  # dates of attempts where the person presented themselves (C11)
    death = None
    ended_on = None  # C15: dependant_ended known at the as-of date
    prison = []  # C15: (from, to or None) known at the as-of date
    for index, event in enumerate(person.get("events", [])):
        if event["type"] == "dependant_ended":
            day = dt.date.fromisoformat(event["on"])
            if day <= as_of:
                ended_on = day
            continue
        if event["type"] == "imprisoned":
            day = dt.date.fromisoformat(event["from"])
            if day <= as_of:
                to = dt.date.fromisoformat(event["to"]) if event.get("to") else None
                prison.append((day, to))
            continue
        if event["type"] == "certified":
            day = _cst_date(event["at"])
            if day > as_of:
                continue
            reason = None
            if event["channel"] not in campaign.channels:
                reason = "channel_not_accepted"
            elif day < start:
                reason = "before_window"
            certs.append((index, day, reason))
            if event["channel"] != "data_comparison":
                presented.append(day)
        else:
            on = dt.date.fromisoformat(event["on"])
            reported = dt.date.fromisoformat(event["reported_on"])
            if reported <= as_of:
                death = (on, reported)
    counting = sorted(day for _, day, reason in certs if reason is None)
    birth = sscert.IdNumber.parse(person["id_number"]).birth_date

    def last_due(ent: dict[str, Any]) -> tuple[int, int] | None:
        """C15: the last month a dependant's benefit is due (None: no such end)."""
        if ent["scheme"] != "work_injury_survivor":
            return None
        ends = []
        dependant = ent.get("dependant")
        if (
            dependant
            and dependant["relationship"] in ("child", "grandchild", "sibling")
            and not dependant.get("fully_incapacitated", False)
        ):
            ends.append((birth.year + 18, birth.month))
        if ended_on is not None:
            ends.append((ended_on.year, ended_on.month))
        return min(ends) if ends else None

    def effective_end(ent: dict[str, Any]) -> tuple[int, int] | None:
        ends = [m for m in (_month(ent["end"]) if ent.get("end") else None, last_due(ent)) if m]
        return min(ends) if ends else None

    covered = any(
        e["scheme"] in campaign.schemes
        and _month(e["start"]) <= win_last
        and (effective_end(e) is None or effective_end(e) >= win_first)  # type: ignore[operator]
        for e in person.get("entitlements", [])
    )
    death_month = (death[0].year, death[0].month) if death else None

    def known_dead(day: dt.date) -> bool:
        return death is not None and death[1] <= day

    def withholds(day: dt.date) -> bool:
        return covered and day > end and not known_dead(day) and not any(c <= day for c in counting)

    rows = []
    for ent in person.get("entitlements", []):
        e_start = _month(ent["start"])
        e_end = _month(ent["end"]) if ent.get("end") else None
        changes = sorted(
            ((_month(c["from"]), _money(c["monthly_amount"])) for c in ent.get("changes", [])),
        )
        m = max(first, e_start)
        while m <= last and (e_end is None or m <= e_end):
            amount = _money(ent["monthly_amount"])
            for since, value in changes:
                if since <= m:
                    amount = value
            after_death = death_month is not None and m > death_month
            p = payday(m)
            c15_end = last_due(ent)
            in_prison = ent["scheme"] == "work_injury_survivor" and any(
                start <= p and (to is None or p <= to) for start, to in prison
            )
            if (c15_end is not None and m > c15_end) or in_prison:
                outcome, paid_in = "stopped", None
            elif known_dead(p):
                outcome, paid_in = ("stopped", None) if after_death else ("paid", m)
            elif not withholds(p):
                outcome, paid_in = ("overpaid" if after_death else "paid"), m
            else:
                outcome, paid_in = "withheld", None
                r = _add(m, 1)
                while r <= last:
                    if known_dead(payday(r)):
                        outcome = "stopped" if after_death else "backpaid"
                        paid_in = None if after_death else r
                        break
                    if not withholds(payday(r)):
                        outcome = "overpaid" if after_death else "backpaid"
                        paid_in = r
                        break
                    r = _add(r, 1)
                if outcome == "withheld" and after_death:
                    outcome = "stopped"
            if outcome in ("paid", "backpaid"):
                due, paid = amount, amount
            elif outcome == "withheld":
                due, paid = amount, Decimal(0)
            elif outcome == "overpaid":
                due, paid = Decimal(0), amount
            else:
                due, paid = Decimal(0), Decimal(0)
            rows.append(
                {
                    "month": _mtext(m),
                    "scheme": ent["scheme"],
                    "due": _fmt(due),
                    "paid": _fmt(paid),
                    "paid_in": _mtext(paid_in) if paid_in else None,
                    "outcome": outcome,
                }
            )
            m = _add(m, 1)

    def total(outcome: str, key: str) -> str:
        return _fmt(sum((Decimal(r[key]) for r in rows if r["outcome"] == outcome), Decimal(0)))

    totals = {
        "paid_on_time": total("paid", "paid"),
        "backpaid": total("backpaid", "paid"),
        "withheld": total("withheld", "due"),
        "overpaid": total("overpaid", "paid"),
    }
    fraud = death is not None and any(day > death[0] for day in presented)
    overpaid = Decimal(totals["overpaid"])
    penalty = (
        {
            "repay": _fmt(overpaid),
            "fine_min": _fmt(overpaid * 2),
            "fine_max": _fmt(overpaid * 5),
        }
        if fraud and overpaid > 0
        else None
    )
    if death is not None:
        status = "deceased"
    elif not covered:
        status = "not_covered"
    elif as_of < start:
        status = "not_yet_open"
    elif counting:
        status = "certified"
    elif as_of <= end:
        status = "pending"
    else:
        status = "suspended"
    return {
        "id_number": sscert.IdNumber.parse(person["id_number"]).value,
        "status": status,
        "certified_on": counting[0].isoformat() if counting else None,
        "suspected_fraud": fraud,
        "totals": totals,
        "penalty": penalty,
        "months": rows,
        "rejected_events": [
            {"index": i, "reason": reason} for i, _, reason in sorted(certs) if reason
        ],
    }
