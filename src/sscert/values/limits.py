"""The limits of input: one set, checked once where input becomes data.

``calculate``, ``store import``, ``roster import`` and ``sscert batch`` all parse their
values through the functions here (the batch engine applies the same bounds as column
expressions), so a value one of them refuses is refused by all of them, and a value that
got in cannot break a later step: no date past the calendar's end, no amount that overflows
a total, no text that is a file name, no JSON that exhausts the stack.

* dates and months: years 1900 to 2100;
* amounts: positive, at most :data:`MAX_MONTHLY_AMOUNT` yuan a month, at most 2 decimals;
  an account balance: not negative, at most :data:`MAX_BALANCE` yuan;
* counts: contribution months at most :data:`MAX_CONTRIBUTION_MONTHS`, an instalment plan
  at most :data:`MAX_INSTALMENTS` months;
* digits: ASCII only (full-width ``２０２３`` and Arabic-Indic ``٢٠٢٣`` are refused, not read);
* text fields: at most :data:`MAX_TEXT` characters;
* JSON: at most :data:`MAX_DEPTH` levels of nesting, a line at most :data:`MAX_LINE_BYTES`.

Every refusal is a :class:`LimitError` (a ``ValueError``) whose message says what the value
should look like, without echoing more than a short prefix of it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any, Final

import orjson

from sscert.i18n import _
from sscert.values.money import Money
from sscert.values.months import Month
from sscert.values.privacy import redact

__all__ = [
    "MAX_BALANCE",
    "MAX_CONTRIBUTION_MONTHS",
    "MAX_DEPTH",
    "MAX_INSTALMENTS",
    "MAX_LINE_BYTES",
    "MAX_MONTHLY_AMOUNT",
    "MAX_TEXT",
    "MAX_YEAR",
    "MIN_YEAR",
    "LimitError",
    "bounded_lines",
    "check_depth",
    "check_text",
    "compact_json",
    "compact_json_bytes",
    "loads",
    "parse_amount",
    "parse_balance",
    "parse_count",
    "parse_date",
    "parse_moment",
    "parse_month",
    "preview",
]

MIN_YEAR: Final = 1900
MAX_YEAR: Final = 2100
#: The largest monthly amount sscert accepts, in yuan.
MAX_MONTHLY_AMOUNT: Final = Money("1000000.00")
#: The largest personal-account balance sscert accepts, in yuan.
MAX_BALANCE: Final = Money("100000000.00")
#: 80 years of contributions.
MAX_CONTRIBUTION_MONTHS: Final = 960
#: Ten years of monthly instalments.
MAX_INSTALMENTS: Final = 120
MAX_TEXT: Final = 200
MAX_DEPTH: Final = 32
MAX_LINE_BYTES: Final = 1 << 20

_DATE: Final = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
_MONTH: Final = re.compile(r"([0-9]{4})-?([0-9]{2})", re.ASCII)
_MOMENT: Final = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?",
    re.ASCII,
)
_AMOUNT: Final = re.compile(r"[0-9]{1,7}(?:\.[0-9]{1,2})?", re.ASCII)
_BALANCE: Final = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,2})?", re.ASCII)
_CST: Final = dt.timezone(dt.timedelta(hours=8))


def _say(what: str, rest: str) -> str:
    return f"{what} {rest}" if what else rest


class LimitError(ValueError):
    """A value outside sscert's input limits, or not of the expected form."""


def preview(value: object, width: int = 40) -> str:
    """A short ``repr`` of a value for an error message: never the whole of a huge input,
    and never a personal number in full (an ID number typed into the wrong field)."""
    if isinstance(value, str) and len(value) > width:
        return redact(
            _("{start}… ({count} characters)").format(start=repr(value[:width]), count=len(value))
        )
    text = repr(value)
    return redact(text if len(text) <= width + 10 else text[: width + 10] + "…")


def _year(year: int, what: str, value: object) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise LimitError(
            _say(
                what,
                _("must be in the years {low} to {high}, not {value}").format(
                    low=MIN_YEAR, high=MAX_YEAR, value=preview(value)
                ),
            )
        )


def _text_of(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(_say(what, _("must be text, not {kind}").format(kind=type(value).__name__)))
    if len(value) > MAX_TEXT:
        raise LimitError(
            _say(
                what,
                _("is longer than {limit} characters ({count})").format(
                    limit=MAX_TEXT, count=len(value)
                ),
            )
        )
    return value.strip()


def parse_date(value: object, what: str = "") -> dt.date:
    """``YYYY-MM-DD`` in ASCII digits, years 1900-2100."""
    text = _text_of(value, what)
    match = _DATE.fullmatch(text)
    if not match:
        raise LimitError(
            _say(
                what,
                _("must be an ISO date (YYYY-MM-DD), not {value}").format(value=preview(value)),
            )
        )
    _year(int(match[1]), what, value)
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise LimitError(
            _say(what, _("is not a real day: {value}").format(value=preview(value)))
        ) from None


def parse_month(value: object, what: str = "", *, compact: bool = False) -> Month:
    """``YYYY-MM`` (or ``YYYYMM`` when ``compact``) in ASCII digits, years 1900-2100."""
    text = _text_of(value, what)
    match = _MONTH.fullmatch(text)
    if not match or (not compact and "-" not in text):
        form = _("YYYY-MM or YYYYMM") if compact else "YYYY-MM"
        raise LimitError(
            _say(
                what,
                _("must be a month ({form}), not {value}").format(form=form, value=preview(value)),
            )
        )
    _year(int(match[1]), what, value)
    month = int(match[2])
    if not 1 <= month <= 12:
        raise LimitError(
            _say(what, _("is not a month (01 to 12): {value}").format(value=preview(value)))
        )
    return Month.from_index(int(match[1]) * 12 + month - 1)  # the shared value of the month


def parse_moment(value: object, what: str = "") -> dt.date | dt.datetime:
    """An ISO date, or an ISO date-time with an optional offset (``Z`` or ``±HH:MM``).

    ASCII digits only; the date, and its China Standard Time date, in 1900-2100.
    """
    text = _text_of(value, what)
    if len(text) == 10:
        return parse_date(text, what)
    match = _MOMENT.fullmatch(text)
    if not match:
        raise LimitError(
            _say(
                what,
                _("must be an ISO date or date-time, not {value}").format(value=preview(value)),
            )
        )
    day = parse_date(match[1], what)
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise LimitError(
            _say(what, _("is not a real time: {value}").format(value=preview(value)))
        ) from None
    offset = moment.utcoffset()
    if offset is not None:
        if abs(offset) > dt.timedelta(hours=14):
            raise LimitError(
                _say(what, _("has an offset beyond ±14:00: {value}").format(value=preview(value)))
            )
        _year(moment.astimezone(_CST).year, what, value)
    _year(day.year, what, value)
    return moment


def _yuan(value: object, what: str, form: re.Pattern[str]) -> tuple[str, Money]:
    """Text of yuan with at most 2 decimals in ``form`` (ASCII digits, no exponent, no
    separators), and its amount."""
    if not isinstance(value, str):
        raise TypeError(
            _say(
                what,
                _('must be a string like "2856.40", not {kind}').format(kind=type(value).__name__),
            )
        )
    text = _text_of(value, what)
    if not form.fullmatch(text):
        raise LimitError(
            _say(
                what,
                _("must be yuan with at most 2 decimal places, like 2856.40, not {value}").format(
                    value=preview(value)
                ),
            )
        )
    return text, Money(Decimal(text))


def parse_amount(value: object, what: str = "") -> Money:
    """A positive amount of yuan as text with at most 2 decimals, at most
    :data:`MAX_MONTHLY_AMOUNT`; ASCII digits, no exponent, no separators."""
    text, amount = _yuan(value, what, _AMOUNT)
    if not amount.is_positive:
        raise LimitError(
            _say(what, _("must be greater than zero, not {value}").format(value=preview(value)))
        )
    if amount > MAX_MONTHLY_AMOUNT:
        raise LimitError(
            _say(
                what,
                _("must be at most {limit} yuan a month, not {value}").format(
                    limit=MAX_MONTHLY_AMOUNT, value=text
                ),
            )
        )
    return amount


def parse_balance(value: object, what: str = "") -> Money:
    """An account balance: yuan as text with at most 2 decimals, zero or more, at most
    :data:`MAX_BALANCE`; ASCII digits, no exponent, no separators."""
    text, amount = _yuan(value, what, _BALANCE)
    if amount > MAX_BALANCE:
        raise LimitError(
            _say(
                what,
                _("must be at most {limit} yuan, not {value}").format(
                    limit=MAX_BALANCE, value=text
                ),
            )
        )
    return amount


def parse_count(value: object, what: str = "", *, low: int = 0, high: int) -> int:
    """A whole number from ``low`` to ``high`` (a JSON number, not a boolean or text)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(
            _say(what, _("must be a whole number, not {kind}").format(kind=type(value).__name__))
        )
    if not low <= value <= high:
        raise LimitError(
            _say(
                what,
                _("must be from {low} to {high}, not {value}").format(
                    low=low, high=high, value=value
                ),
            )
        )
    return value


def check_text(value: object, what: str = "") -> str:
    """Text of at most :data:`MAX_TEXT` characters, stripped."""
    return _text_of(value, what)


def check_depth(data: object, limit: int = MAX_DEPTH) -> None:
    """Refuse decoded JSON nested deeper than ``limit`` levels (walked without recursion)."""
    # level by level, holding only the objects and lists of the next level
    level: list[Any] = [data] if isinstance(data, _NESTING) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            raise LimitError(_("nested more than {limit} levels deep").format(limit=limit))
        below: list[Any] = []
        add = below.append
        for item in level:
            for value in item.values() if isinstance(item, dict) else item:
                kind = type(value)
                if kind is str or kind is int or kind is bool or kind is float or value is None:
                    continue  # the plain values most are, told apart without isinstance
                if isinstance(value, _NESTING):
                    add(value)
        level = below


_NESTING: Final = (dict, list, tuple)


def compact_json(value: Any, *, sort_keys: bool = False) -> str:
    """JSON text with no spaces and every character as itself (the form ``json.dumps`` gives
    with ``separators=(",", ":"), ensure_ascii=False``), written fast. Text that orjson does
    not take (a lone surrogate, an integer beyond 64 bits) is written by ``json``, the same."""
    return compact_json_bytes(value, sort_keys=sort_keys).decode("utf-8", "surrogatepass")


def compact_json_bytes(value: Any, *, sort_keys: bool = False) -> bytes:
    """:func:`compact_json`'s text as UTF-8 bytes (a lone surrogate kept as its three
    bytes), without making the text first where orjson writes it."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else 0)
    except TypeError:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)
        return text.encode("utf-8", "surrogatepass")


def loads(text: str | bytes) -> Any:
    """Decode JSON within the limits: nesting at most :data:`MAX_DEPTH` levels (deeper input
    is refused, never a ``RecursionError``), no ``NaN`` or ``Infinity``. Raises
    :class:`LimitError` or ``json.JSONDecodeError`` (both ``ValueError``)."""
    try:
        data = orjson.loads(text)  # refuses NaN and Infinity, and lone surrogates
    except orjson.JSONDecodeError as error:
        if "depth limit" in str(error) or "recursion" in str(error):
            raise LimitError(
                _("nested more than {limit} levels deep").format(limit=MAX_DEPTH)
            ) from None
        raise
    if _nested(text):
        check_depth(data)
    if _any_float(data):
        # orjson reads an integer beyond 64 bits as a float; json reads it exactly (and
        # every other value as orjson does: the text is valid and within the limits)
        return json.loads(text)
    return data


def _any_float(data: Any) -> bool:
    """Whether decoded JSON holds a float anywhere (walked without recursion)."""
    if type(data) is dict:  # the common case, a flat record, told from its values' types
        kinds = set(map(type, data.values()))
        if float in kinds:
            return True
        if dict not in kinds and list not in kinds:
            return False
    level: list[Any] = [data]
    while level:
        below: list[Any] = []
        for item in level:
            kind = type(item)
            if kind is float:
                return True
            if kind is dict:
                below.extend(item.values())
            elif kind is list:
                below.extend(item)
        level = below
    return False


def _nested(text: str | bytes) -> bool:
    """Whether JSON text may nest below its top level: it does not when it holds at most one
    ``{`` and no ``[`` at all, wherever they are (text in quotes included) — the common case
    of one flat record, told from the text faster than by walking the value."""
    if isinstance(text, str):
        return "[" in text or text.count("{") > 1
    return b"[" in text or text.count(b"{") > 1


def bounded_lines(
    stream: IO[bytes], limit: int = MAX_LINE_BYTES, chunk: int = 1 << 16
) -> Iterator[tuple[int, bytes | None]]:
    """The lines of a binary stream as ``(line number, bytes)``, ``bytes`` ``None`` for a
    line longer than ``limit`` bytes — which is skipped without ever being held whole."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while True:  # drain the rest of the over-long line, a chunk at a time
                rest = stream.readline(chunk)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, line
