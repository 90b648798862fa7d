"""Money: Decimal yuan (元) with exactly 2 places.

Rounding is always ``ROUND_HALF_UP`` passed explicitly to ``quantize`` so that it never
depends on the thread's Decimal context. A ``float`` is refused everywhere: a binary float
cannot hold 0.10 exactly, and a pension is paid to the cent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

from attrs import field, frozen

__all__ = ["CENT", "Money", "to_decimal"]

CENT: Final = Decimal("0.01")
_EXACT = re.compile(r"^-?[0-9]+(\.[0-9]{1,2})?\Z", re.ASCII)


def to_decimal(value: object) -> Decimal:
    """Turn an ``int``, ``str`` or ``Decimal`` into a Decimal; refuse ``float`` and ``bool``."""
    if type(value) is Decimal:  # the common case (sums of amounts), checked first
        result = value
    elif isinstance(value, bool | float):
        raise TypeError(f"money must not be a {type(value).__name__}: pass a str or Decimal")
    elif isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"not an amount of money: {value!r}") from None
    else:
        raise TypeError(f"money must be a str, int or Decimal, not {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"not an amount of money: {value!r}")
    return result


def _quantize(value: object) -> Decimal:
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@frozen(eq=False, order=False)
class Money:
    """An amount in yuan, always with 2 decimal places (分).

    Compares equal to a ``Decimal`` of the same value (``Money("2.00") == Decimal("2")``),
    and hashes like it, so that amounts can be checked against Decimal arithmetic.

    ``Money("2856.40")``, ``Money(Decimal("1.005"))`` (rounds half up to 1.01),
    ``Money(3)``; ``Money(1.5)`` raises ``TypeError``.
    """

    amount: Decimal = field(converter=_quantize)
    #: ``"2856.40"``, made when first asked for (an amount is printed once a month it is due).
    _text: str | None = field(default=None, init=False, repr=False)

    @classmethod
    def zero(cls) -> Money:
        return cls(Decimal("0.00"))

    @classmethod
    def parse_exact(cls, text: str) -> Money:
        """Parse an amount that already has at most 2 decimals; more raises ``ValueError``."""
        if not isinstance(text, str):
            raise TypeError(f"an amount must be given as a string, not {type(text).__name__}")
        if not _EXACT.match(text.strip()):
            raise ValueError(f"not an amount with at most 2 decimal places: {text!r}")
        return cls(text)

    @classmethod
    def sum(cls, items: Iterable[Money]) -> Money:
        total = Decimal("0.00")
        for item in items:
            total += item.amount
        return cls(total)

    def _other(self, other: object) -> Decimal | None:
        if isinstance(other, Money):
            return other.amount
        if isinstance(other, Decimal):
            return other
        return None

    def __eq__(self, other: object) -> bool:
        value = self._other(other)
        return NotImplemented if value is None else self.amount == value

    def __hash__(self) -> int:
        return hash(self.amount)

    def __lt__(self, other: Money | Decimal) -> bool:
        value = self._other(other)
        return NotImplemented if value is None else self.amount < value

    def __le__(self, other: Money | Decimal) -> bool:
        value = self._other(other)
        return NotImplemented if value is None else self.amount <= value

    def __gt__(self, other: Money | Decimal) -> bool:
        value = self._other(other)
        return NotImplemented if value is None else self.amount > value

    def __ge__(self, other: Money | Decimal) -> bool:
        value = self._other(other)
        return NotImplemented if value is None else self.amount >= value

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.amount + other.amount)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.amount - other.amount)

    def __mul__(self, factor: int | Decimal) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int | Decimal):
            return NotImplemented
        return Money(self.amount * factor)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount)

    def __bool__(self) -> bool:
        return self.amount != 0

    def __str__(self) -> str:
        text = self._text
        if text is None:
            text = f"{self.amount:.2f}"
            object.__setattr__(self, "_text", text)
        return text

    def __repr__(self) -> str:
        return f"Money('{self}')"

    @property
    def is_positive(self) -> bool:
        return self.amount > 0
