"""Month: a calendar month (年月), the period in which benefits are due and paid."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from typing import overload

from attrs import field, frozen

__all__ = ["Month"]

_ISO = re.compile(r"^([0-9]{4})-([0-9]{2})\Z", re.ASCII)
_COMPACT = re.compile(r"^([0-9]{4})([0-9]{2})\Z", re.ASCII)


def _check_month(_: object, __: object, value: int) -> None:
    if not 1 <= value <= 12:
        raise ValueError(f"month must be 1..12, not {value}")


def _check_year(_: object, __: object, value: int) -> None:
    if not 1 <= value <= 9999:
        raise ValueError(f"year must be 1..9999, not {value}")


@frozen(order=False)
class Month:
    """A calendar month. ``Month(2023, 4)``, ``Month.parse("2023-04")``, ``str(m) == "2023-04"``.

    ``m + n`` and ``m - n`` move by ``n`` months; ``m2 - m1`` is the number of months between.
    """

    year: int = field(validator=_check_year)
    month: int = field(validator=_check_month)
    #: ``YYYY-MM``, made when first asked for (months are shared values, printed often).
    _text: str | None = field(default=None, init=False, eq=False, repr=False, hash=False)

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse ``YYYY-MM``; raise ``ValueError`` for anything else."""
        if not isinstance(text, str):
            raise TypeError(f"a month must be a 'YYYY-MM' string, not {type(text).__name__}")
        match = _ISO.match(text.strip())
        if not match:
            raise ValueError(f"not a month in the form YYYY-MM: {text!r}")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def parse_lenient(cls, text: str) -> Month:
        """Parse ``YYYY-MM`` or the compact ``YYYYMM`` that agency exports often use."""
        match = _COMPACT.match(text.strip())
        if match:
            return cls(int(match[1]), int(match[2]))
        return cls.parse(text)

    @classmethod
    def of(cls, day: dt.date) -> Month:
        """The month a date falls in."""
        if cls is Month:
            return _month_at(day.year * 12 + day.month - 1)
        return cls(day.year, day.month)

    @property
    def index(self) -> int:
        """Months since year 0: a total order that subtracts."""
        return self.year * 12 + (self.month - 1)

    @classmethod
    def from_index(cls, index: int) -> Month:
        return _month_at(index) if cls is Month else cls(*_split(index))

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def day(self, day: int) -> dt.date:
        """The given day of this month; ``ValueError`` when the month has no such day."""
        return dt.date(self.year, self.month, day)

    def __lt__(self, other: Month) -> bool:
        if not isinstance(other, Month):
            return NotImplemented
        return (self.year, self.month) < (other.year, other.month)

    def __le__(self, other: Month) -> bool:
        if not isinstance(other, Month):
            return NotImplemented
        return (self.year, self.month) <= (other.year, other.month)

    def __gt__(self, other: Month) -> bool:
        if not isinstance(other, Month):
            return NotImplemented
        return (self.year, self.month) > (other.year, other.month)

    def __ge__(self, other: Month) -> bool:
        if not isinstance(other, Month):
            return NotImplemented
        return (self.year, self.month) >= (other.year, other.month)

    def __add__(self, months: int) -> Month:
        if isinstance(months, bool) or not isinstance(months, int):
            return NotImplemented
        return Month.from_index(self.index + months)

    __radd__ = __add__

    @overload
    def __sub__(self, other: int) -> Month: ...

    @overload
    def __sub__(self, other: Month) -> int: ...

    def __sub__(self, other: int | Month) -> Month | int:
        if isinstance(other, Month):
            return self.index - other.index
        if isinstance(other, bool) or not isinstance(other, int):
            return NotImplemented
        return Month.from_index(self.index - other)

    def __str__(self) -> str:
        text = self._text
        if text is None:
            text = f"{self.year:04d}-{self.month:02d}"
            object.__setattr__(self, "_text", text)
        return text

    def __repr__(self) -> str:
        return f"Month({self.year}, {self.month})"


def _split(index: int) -> tuple[int, int]:
    year, month0 = divmod(index, 12)
    return year, month0 + 1


@functools.lru_cache(maxsize=8192)
def _month_at(index: int) -> Month:
    """Months are values: the same month is built once (month arithmetic is hot)."""
    return Month(*_split(index))
