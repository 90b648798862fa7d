"""Loading campaigns from TOML: the bundled ones by id, or a user's own file by path."""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from sscert.campaigns.model import (
    CalendarPeriods,
    Campaign,
    Contact,
    ContactKind,
    Duty,
    Period,
    RollingCycle,
    Window,
)
from sscert.campaigns.survivors import Base, Item, LocalRule, SurvivorParameters, YearFigure
from sscert.channels import is_channel_code
from sscert.i18n import _
from sscert.law import Citation, LawError, citation
from sscert.schemes import Scheme
from sscert.values.money import Money

__all__ = ["CampaignError", "bundled_campaigns", "load_campaign", "parse_campaign"]

_T = TypeVar("_T")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}\Z")
_TOWNSHIP_OFFICE = "劳动保障事务所"


class CampaignError(ValueError):
    """A campaign that cannot be loaded. The message names the file, the key and the problem."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        where = f"{source}: {key}: " if key else f"{source}: "
        super().__init__(f"{where}{problem}")
        self.source = source
        self.key = key
        self.problem = problem


def bundled_campaigns() -> list[str]:
    """The ids of the campaigns shipped inside the package."""
    return list(_bundled_ids())


@functools.cache
def _bundled_ids() -> tuple[str, ...]:
    # the package's own files do not change while it runs: listed once
    data = resources.files("sscert.campaigns") / "data"
    return tuple(
        sorted(p.name.removesuffix(".toml") for p in data.iterdir() if p.name.endswith(".toml"))
    )


def load_campaign(name_or_path: str | Path) -> Campaign:
    """Load a bundled campaign by id (``"laiyuan-2023"``) or a campaign file by path.

    Raises :class:`CampaignError` (a ``ValueError``) naming the file, the key and the problem.
    """
    if isinstance(name_or_path, str) and name_or_path in _bundled_ids():
        return _load_bundled(name_or_path)
    path = Path(name_or_path)
    if not path.is_file():
        known = ", ".join(bundled_campaigns())
        raise CampaignError(
            str(name_or_path),
            "",
            _("no bundled campaign by that id ({known}) and no such file").format(known=known),
        )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CampaignError(
            str(path), "", _("cannot read the file: {error}").format(error=error)
        ) from None
    return parse_campaign(text, source=str(path))


@functools.cache
def _load_bundled(campaign_id: str) -> Campaign:
    resource = resources.files("sscert.campaigns") / "data" / f"{campaign_id}.toml"
    return parse_campaign(resource.read_text(encoding="utf-8"), source=f"bundled:{campaign_id}")


def parse_campaign(text: str, *, source: str = "<string>") -> Campaign:
    """Build a :class:`Campaign` from TOML text; ``source`` names it in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CampaignError(source, "", _("not valid TOML: {error}").format(error=error)) from None
    return _Reader(source).campaign(data)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> CampaignError:
        return CampaignError(self.source, key, problem)

    def get(self, table: Mapping[str, Any], key: str, kind: type[_T], path: str) -> _T:
        if key not in table:
            raise self.fail(path, _("missing"))
        value = table[key]
        if kind is int and isinstance(value, bool):
            raise self.fail(
                path, _("must be {name__}, not {value!r}").format(name__=kind.__name__, value=value)
            )
        if not isinstance(value, kind):
            raise self.fail(
                path,
                _("must be {kind_name}, not {value!r}").format(
                    kind_name=_kind_name(kind), value=value
                ),
            )
        return value

    def optional(self, table: Mapping[str, Any], key: str, kind: type[_T], path: str) -> _T | None:
        if key not in table:
            return None
        return self.get(table, key, kind, path)

    def reference(self, table: Mapping[str, Any], path: str) -> str:
        reference = self.get(table, "reference", str, f"{path}.reference" if path else "reference")
        if not reference.strip():
            raise self.fail(
                f"{path}.reference" if path else "reference",
                _("must not be empty"),
            )
        return reference

    def date(self, table: Mapping[str, Any], key: str, path: str) -> dt.date:
        value = self.get(table, key, object, path)
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise self.fail(
                path, _("must be a date like 2023-02-10, not {value!r}").format(value=value)
            )
        return value

    def scheme(self, value: object, path: str) -> Scheme:
        try:
            return Scheme(str(value)) if isinstance(value, str) else Scheme(value)  # type: ignore[arg-type]
        except ValueError:
            known = ", ".join(s.value for s in Scheme)
            raise self.fail(
                path,
                _("unknown scheme {value!r} (known: {known})").format(value=value, known=known),
            ) from None

    def campaign(self, data: Mapping[str, Any]) -> Campaign:
        known = {
            "id",
            "name",
            "name_en",
            "region_code",
            "reference",
            "window",
            "cycle",
            "periods",
            "channels",
            "schemes",
            "payroll",
            "contacts",
            "criminal_threshold",
            "citations",
            "sms_signature",
            "survivor_benefits",
        }
        for key in data:
            if key not in known:
                raise self.fail(
                    key, _("unknown key (known: {join})").format(join=", ".join(sorted(known)))
                )
        campaign_id = self.get(data, "id", str, "id")
        if not _ID.match(campaign_id):
            raise self.fail("id", _("must be lowercase letters, digits, '.', '_' or '-'"))
        references = {"campaign": self.reference(data, "")}
        given = [key for key in ("window", "cycle", "periods") if key in data]
        if len(given) != 1:
            raise self.fail(
                "window", _("a campaign needs exactly one of [window], [cycle] or [periods]")
            )
        duty: Duty
        if given[0] == "window":
            duty = self.window(self.get(data, "window", dict, "window"))
        elif given[0] == "cycle":
            duty = self.cycle(self.get(data, "cycle", dict, "cycle"))
        else:
            duty = self.periods(self.get(data, "periods", dict, "periods"))
        references[given[0]] = references["duty"] = duty.reference
        channels_table = self.get(data, "channels", dict, "channels")
        channels = tuple(self.channel_list(channels_table))
        references["channels"] = self.reference(channels_table, "channels")
        schemes_table = self.get(data, "schemes", dict, "schemes")
        schemes = tuple(self.scheme_list(schemes_table, "covered", "schemes.covered"))
        if not schemes:
            raise self.fail("schemes.covered", _("must name at least one scheme"))
        references["schemes"] = self.reference(schemes_table, "schemes")
        payroll = self.get(data, "payroll", dict, "payroll")
        day = self.get(payroll, "day", int, "payroll.day")
        if not 1 <= day <= 28:
            raise self.fail(
                "payroll.day",
                _("must be a day from 1 to 28 (every month has it), not {day}").format(day=day),
            )
        references["payroll"] = self.reference(payroll, "payroll")
        region = self.optional(data, "region_code", str, "region_code")
        if region is not None and not re.fullmatch(r"\d{6}", region):
            raise self.fail(
                "region_code", _("must be 6 digits, not {region!r}").format(region=region)
            )
        contacts_raw = self.optional(data, "contacts", list, "contacts") or []
        contacts = tuple(
            self.contact(item, f"contacts[{i}]", frozenset(schemes))
            for i, item in enumerate(contacts_raw)
        )
        threshold = None
        if "criminal_threshold" in data:
            table = self.get(data, "criminal_threshold", dict, "criminal_threshold")
            threshold = self.threshold(table)
            references["criminal_threshold"] = self.reference(table, "criminal_threshold")
        citations = self.citations(self.optional(data, "citations", dict, "citations") or {})
        signature = self.optional(data, "sms_signature", str, "sms_signature")
        survivors = SurvivorParameters()
        if "survivor_benefits" in data:
            survivors = self.survivors(
                self.get(data, "survivor_benefits", dict, "survivor_benefits"),
                self.optional(data, "name", str, "name") or campaign_id,
            )
        return Campaign(
            id=campaign_id,
            name=self.optional(data, "name", str, "name") or campaign_id,
            duty=duty,
            channels=channels,
            schemes=schemes,
            payroll_day=day,
            contacts=contacts,
            region_code=region,
            references=references,
            source=self.source,
            criminal_threshold=threshold,
            citations=citations,
            sms_signature=signature,
            survivor_benefits=survivors,
        )

    def survivors(self, table: Mapping[str, Any], source: str) -> SurvivorParameters:
        """``[survivor_benefits]``: dated figures and local rules, each with a reference."""
        known = {"reference", "urban_disposable_income", "work_injury_average_wage", "local"}
        for key in table:
            if key not in known:
                raise self.fail(
                    f"survivor_benefits.{key}",
                    _("unknown key (known: {join})").format(join=", ".join(sorted(known))),
                )
        reference = self.reference(table, "survivor_benefits")
        figures = {
            name: tuple(
                self.year_figure(item, f"survivor_benefits.{name}[{i}]")
                for i, item in enumerate(
                    self.optional(table, name, list, f"survivor_benefits.{name}") or []
                )
            )
            for name in ("urban_disposable_income", "work_injury_average_wage")
        }
        for name, items in figures.items():
            years = [f.deaths_in for f in items]
            if len(set(years)) != len(years):
                raise self.fail(f"survivor_benefits.{name}", _("names a year twice"))
        local = tuple(
            self.local_rule(item, f"survivor_benefits.local[{i}]")
            for i, item in enumerate(
                self.optional(table, "local", list, "survivor_benefits.local") or []
            )
        )
        return SurvivorParameters(
            figures["urban_disposable_income"],
            figures["work_injury_average_wage"],
            local,
            reference,
            source,
        )

    def amount(self, table: Mapping[str, Any], key: str, path: str) -> Money:
        text = self.get(table, key, str, path)
        try:
            amount = Money.parse_exact(text)
        except ValueError:
            raise self.fail(path, _("not an amount: {text!r}").format(text=text)) from None
        if not amount.is_positive:
            raise self.fail(path, _("must be greater than zero"))
        return amount

    def year_figure(self, item: object, path: str) -> YearFigure:
        if not isinstance(item, dict):
            raise self.fail(path, _("must be a table {deaths_in, monthly, reference}"))
        year = self.get(item, "deaths_in", int, f"{path}.deaths_in")
        if not 1900 <= year <= 2100:
            raise self.fail(f"{path}.deaths_in", _("must be a year, not {year}").format(year=year))
        return YearFigure(
            year, self.amount(item, "monthly", f"{path}.monthly"), self.reference(item, path)
        )

    def local_rule(self, item: object, path: str) -> LocalRule:
        if not isinstance(item, dict):
            raise self.fail(path, _("must be a table"))
        scheme = self.scheme(self.get(item, "scheme", str, f"{path}.scheme"), f"{path}.scheme")
        kind = self.get(item, "item", str, f"{path}.item")
        if kind not in (Item.FUNERAL_GRANT, Item.SURVIVOR_PENSION):
            raise self.fail(
                f"{path}.item",
                _("must be funeral_grant or survivor_pension, not {kind!r}").format(kind=kind),
            )
        start = self.date(item, "from", f"{path}.from")
        end = self.date(item, "to", f"{path}.to") if "to" in item else None
        if end is not None and end <= start:
            raise self.fail(f"{path}.to", _("must be after from"))
        amount = self.amount(item, "amount", f"{path}.amount") if "amount" in item else None
        multiple = of = None
        if "multiple" in item:
            text = self.get(item, "multiple", str, f"{path}.multiple")
            if not re.fullmatch(r"[0-9]{1,3}(\.[0-9]{1,2})?", text) or Decimal(text) <= 0:
                raise self.fail(
                    f"{path}.multiple",
                    _('must be a number like "2" or "1.5", not {text!r}').format(text=text),
                )
            multiple = Decimal(text)
            of_text = self.get(item, "of", str, f"{path}.of")
            try:
                of = Base(of_text)
            except ValueError:
                raise self.fail(
                    f"{path}.of",
                    _("must be one of {join}").format(join=", ".join(b.value for b in Base)),
                ) from None
        if (amount is None) == (multiple is None):
            raise self.fail(path, _("give either amount or multiple (with of)"))
        return LocalRule(
            scheme, Item(kind), start, self.reference(item, path), end, amount, multiple, of
        )

    def threshold(self, table: Mapping[str, Any]) -> Money:
        """The province's 数额较大 figure for 诈骗: 3 000 to 10 000 yuan (法释〔2011〕7号)."""
        text = self.get(table, "amount", str, "criminal_threshold.amount")
        try:
            amount = Money.parse_exact(text)
        except ValueError:
            raise self.fail(
                "criminal_threshold.amount", _("not an amount: {text!r}").format(text=text)
            ) from None
        if not Money(3000) <= amount <= Money(10000):
            raise self.fail(
                "criminal_threshold.amount",
                _("must be within 3000 to 10000 yuan (法释〔2011〕7号), not {amount}").format(
                    amount=amount
                ),
            )
        return amount

    def citations(self, table: Mapping[str, Any]) -> dict[str, Citation]:
        """``key = "instrument-id/article key"``: the register articles a campaign's rules
        rest on."""
        found: dict[str, Citation] = {}
        for key, value in table.items():
            path = f"citations.{key}"
            if not isinstance(value, str) or "/" not in value:
                raise self.fail(path, _("must be 'instrument-id/article' of the law register"))
            instrument_id, _slash, article = value.partition("/")
            try:
                found[key] = citation(instrument_id, article)
            except LawError as error:
                raise self.fail(path, str(error)) from None
        return found

    def periods(self, table: Mapping[str, Any]) -> CalendarPeriods:
        start = self.date(table, "start", "periods.start")
        default = self.period(self.get(table, "default", dict, "periods.default"), "default")
        by_scheme: dict[Scheme, Period] = {}
        raw = self.optional(table, "by_scheme", dict, "periods.by_scheme") or {}
        for key, value in raw.items():
            path = f"periods.by_scheme.{key}"
            if not isinstance(value, dict):
                raise self.fail(path, _("must be a table {months = 6, max_interval = 6}"))
            by_scheme[self.scheme(key, path)] = self.period(value, f"by_scheme.{key}")
        return CalendarPeriods(start, default, by_scheme, self.reference(table, "periods"))

    def period(self, table: Mapping[str, Any], name: str) -> Period:
        path = f"periods.{name}"
        months = self.get(table, "months", int, f"{path}.months")
        if months not in (6, 12):
            raise self.fail(
                f"{path}.months",
                _("must be 6 or 12, not {months}").format(months=months),
            )
        interval = self.optional(table, "max_interval", int, f"{path}.max_interval")
        if interval is not None and not 1 <= interval <= 120:
            raise self.fail(
                f"{path}.max_interval",
                _("must be 1 to 120, not {interval}").format(interval=interval),
            )
        return Period(months, interval)

    def window(self, table: Mapping[str, Any]) -> Window:
        start = self.date(table, "start", "window.start")
        end = self.date(table, "end", "window.end")
        if end < start:
            raise self.fail(
                "window.end",
                _("{end} is before window.start {start}").format(end=end, start=start),
            )
        return Window(start, end, self.reference(table, "window"))

    def cycle(self, table: Mapping[str, Any]) -> RollingCycle:
        months = self.get(table, "months", int, "cycle.months")
        if not 1 <= months <= 120:
            raise self.fail(
                "cycle.months", _("must be 1 to 120, not {months}").format(months=months)
            )
        by_scheme: dict[Scheme, int] = {}
        raw = self.optional(table, "by_scheme", dict, "cycle.by_scheme") or {}
        for key, value in raw.items():
            path = f"cycle.by_scheme.{key}"
            scheme = self.scheme(key, path)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 120:
                raise self.fail(
                    path, _("must be 1 to 120 months, not {value!r}").format(value=value)
                )
            by_scheme[scheme] = value
        start = self.date(table, "start", "cycle.start") if "start" in table else None
        return RollingCycle(months, self.reference(table, "cycle"), by_scheme, start)

    def channel_list(self, table: Mapping[str, Any]) -> list[str]:
        accepted = self.get(table, "accepted", list, "channels.accepted")
        if not accepted:
            raise self.fail("channels.accepted", _("must name at least one channel"))
        for i, code in enumerate(accepted):
            if not is_channel_code(code):
                raise self.fail(
                    f"channels.accepted[{i}]",
                    _("{code!r} is not a channel code (lowercase letters, digits and _)").format(
                        code=code
                    ),
                )
        if len(set(accepted)) != len(accepted):
            raise self.fail("channels.accepted", _("names a channel twice"))
        return list(accepted)

    def scheme_list(self, table: Mapping[str, Any], key: str, path: str) -> list[Scheme]:
        raw = self.get(table, key, list, path)
        schemes = [self.scheme(code, f"{path}[{i}]") for i, code in enumerate(raw)]
        if len(set(schemes)) != len(schemes):
            raise self.fail(path, _("names a scheme twice"))
        return schemes

    def contact(self, item: object, path: str, all_schemes: frozenset[Scheme]) -> Contact:
        if not isinstance(item, dict):
            raise self.fail(path, _("must be a table"))
        kind_text = self.get(item, "kind", str, f"{path}.kind")
        try:
            kind = ContactKind(kind_text)
        except ValueError:
            raise self.fail(f"{path}.kind", _("must be 'county' or 'township'")) from None
        phone = self.get(item, "phone", str, f"{path}.phone")
        if not re.fullmatch(r"[0-9+][0-9 -]{4,19}", phone):
            raise self.fail(
                f"{path}.phone",
                _("is not a phone number: {phone!r}").format(phone=phone),
            )
        reference = self.reference(item, path)
        if kind is ContactKind.TOWNSHIP:
            township = "".join(self.get(item, "township", str, f"{path}.township").split())
            if not township:
                raise self.fail(f"{path}.township", _("must not be empty"))
            name = self.optional(item, "name", str, f"{path}.name") or township
            office = self.optional(item, "office", str, f"{path}.office") or (
                township + _TOWNSHIP_OFFICE
            )
            if "schemes" in item:
                schemes = frozenset(self.scheme_list(item, "schemes", f"{path}.schemes"))
            else:
                schemes = all_schemes  # a township office answers for every scheme
            return Contact(name, phone, schemes, kind, township, office, reference)
        name = self.get(item, "name", str, f"{path}.name")
        schemes = frozenset(self.scheme_list(item, "schemes", f"{path}.schemes"))
        if not schemes:
            raise self.fail(
                f"{path}.schemes",
                _("a county line answers for at least one scheme"),
            )
        return Contact(name, phone, schemes, kind, None, None, reference)


def _kind_name(kind: type) -> str:
    return {"str": "a string", "int": "an integer", "dict": "a table", "list": "a list"}.get(
        kind.__name__, kind.__name__
    )
