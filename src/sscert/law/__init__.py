"""The law as dated data: the register of the instruments sscert cites (C13).

Each instrument has its name, number, the date it came into force (and left it, if it did),
and its articles — each either the law's own words (``verbatim``; ``excerpt`` when only part
of the article is quoted) or a summary, which is always shown labelled as one. The register
is a data file (``register.toml``) shipped in the package; rules cite from it by the date of
the fact they decide:

>>> from sscert.law import cite
>>> import datetime as dt
>>> str(cite("social-insurance-law", "第八十八条", dt.date(2023, 3, 1)))
'中华人民共和国社会保险法 第八十八条'
>>> cite("handling-regulation", "第二十五条", dt.date(2023, 3, 1)) is None  # not yet in force
True
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections.abc import Mapping
from importlib import resources
from typing import Any

from attrs import field, frozen

from sscert.i18n import _

__all__ = ["Citation", "Instrument", "LawError", "citation", "cite", "instrument", "register"]


class LawError(LookupError):
    """An instrument or article the register does not hold."""


@frozen
class Citation:
    """A source a decision rests on: the instrument, its article or section, the dates it
    was in force, and its words — verbatim, or a summary labelled as one.

    ``scope`` is ``"law"`` for an instrument cited by the date of a fact, ``"campaign"`` for a
    campaign's own document (a county notice, a province's practice), ``"campaign-data"`` for
    a campaign file's own reference text.
    """

    instrument: str
    article: str = ""
    text: str = ""
    verbatim: bool = False
    in_force: dt.date | None = None
    out_of_force: dt.date | None = None
    number: str = ""
    excerpt: bool = False
    scope: str = "law"
    key: str = ""
    #: :meth:`to_dict`'s items, made when first asked for (a citation is printed with every
    #: decision that rests on it).
    _items: tuple[tuple[str, Any], ...] | None = field(
        default=None, init=False, eq=False, repr=False, hash=False
    )

    def __str__(self) -> str:
        return f"{self.instrument} {self.article}".strip()

    @property
    def label(self) -> str:
        """How the words are shown: 原文 (the law's words), 原文摘录 (part of them) or 摘要
        (sscert's summary)."""
        if not self.verbatim:
            return "摘要"
        return "原文摘录" if self.excerpt else "原文"

    def in_force_on(self, day: dt.date) -> bool:
        if self.scope != "law":
            return True
        if self.in_force is not None and day < self.in_force:
            return False
        return self.out_of_force is None or day < self.out_of_force

    def to_dict(self) -> dict[str, Any]:
        items = self._items
        if items is None:
            items = tuple(self._dict().items())
            object.__setattr__(self, "_items", items)
        return dict(items)

    def _dict(self) -> dict[str, Any]:
        return {
            "ref": str(self),
            "instrument": self.instrument,
            "number": self.number,
            "article": self.article,
            "in_force": self.in_force.isoformat() if self.in_force else None,
            "out_of_force": self.out_of_force.isoformat() if self.out_of_force else None,
            "verbatim": self.verbatim,
            "label": self.label,
            "text": self.text,
            "scope": self.scope,
            "key": self.key,
        }


@frozen
class Instrument:
    id: str
    name: str
    number: str
    kind: str
    in_force: dt.date
    out_of_force: dt.date | None
    source: str
    scope: str
    articles: Mapping[str, Citation]


def _date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValueError(
            _("register: {where}: not a date: {value!r}").format(where=where, value=value)
        )
    return value


def _instrument(data: Mapping[str, Any]) -> Instrument:
    where = str(data.get("id"))
    in_force = _date(data["in_force"], f"{where}.in_force")
    out = data.get("out_of_force")
    out_of_force = _date(out, f"{where}.out_of_force") if out is not None else None
    if out_of_force is not None and out_of_force <= in_force:
        raise ValueError(
            _("register: {where}: out of force before it came into force").format(where=where)
        )
    scope = "campaign" if data.get("scope") == "campaign" else "law"
    articles: dict[str, Citation] = {}
    for item in data.get("article", []):
        key = str(item["key"])
        if key in articles:
            raise ValueError(
                _("register: {where}: article {key} twice").format(where=where, key=key)
            )
        text = str(item["text"]).strip()
        if not text:
            raise ValueError(
                _("register: {where}: article {key} has no text").format(where=where, key=key)
            )
        articles[key] = Citation(
            instrument=str(data["name"]),
            article=str(item.get("article", key)),
            text=text,
            verbatim=bool(item["verbatim"]),
            in_force=in_force,
            out_of_force=out_of_force,
            number=str(data["number"]),
            excerpt=bool(item.get("excerpt", False)),
            scope=scope,
            key=f"{where}/{key}",
        )
    return Instrument(
        where,
        str(data["name"]),
        str(data["number"]),
        str(data["kind"]),
        in_force,
        out_of_force,
        str(data["source"]),
        scope,
        articles,
    )


@functools.cache
def register() -> Mapping[str, Instrument]:
    """Every instrument of the register, by id (read from the package once)."""
    text = (resources.files("sscert.law") / "register.toml").read_text(encoding="utf-8")
    instruments = [_instrument(item) for item in tomllib.loads(text)["instrument"]]
    return {i.id: i for i in instruments}


def instrument(instrument_id: str) -> Instrument:
    try:
        return register()[instrument_id]
    except KeyError:
        raise LawError(
            _("the register holds no instrument {instrument_id!r}").format(
                instrument_id=instrument_id
            )
        ) from None


def citation(instrument_id: str, key: str) -> Citation:
    """An article of the register, whatever the date (for documentation and campaigns)."""
    found = instrument(instrument_id).articles.get(key)
    if found is None:
        raise LawError(
            _("{instrument_id} has no article {key!r} in the register").format(
                instrument_id=instrument_id, key=key
            )
        )
    return found


def cite(instrument_id: str, key: str, on: dt.date) -> Citation | None:
    """The article, if its instrument was in force on ``on`` (the date of the fact a
    decision decides); ``None`` otherwise (C13)."""
    found = citation(instrument_id, key)
    return found if found.in_force_on(on) else None
