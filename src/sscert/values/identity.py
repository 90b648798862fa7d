"""Resident identity numbers (公民身份号码), GB 11643-1999.

18 characters: a 6-digit region code, the birth date ``YYYYMMDD``, a 3-digit sequence
(odd for men, even for women) and a check character computed by ISO 7064 MOD 11-2.
Old 15-digit numbers (GB 11643-1989: ``YYMMDD``, no check character) are upgraded by
inserting ``19`` before the year and computing the check character.

An ID number is sensitive personal information (个人信息保护法): ``str()`` and ``repr()`` show
only the masked form ``130630********0028``; ``.value`` gives the full number when the
caller needs it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import operator
from typing import Final

from attrs import field, frozen

from sscert.i18n import _

__all__ = [
    "IdNumber",
    "InvalidIdNumber",
    "InvalidIdNumberKind",
    "Sex",
    "check_character",
    "mask_id_text",
]

WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS: Final = "10X98765432"
MIN_BIRTH_YEAR: Final = 1800


class Sex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class InvalidIdNumberKind(enum.StrEnum):
    """Why a text is not an ID number."""

    TYPE = "type"
    LENGTH = "length"
    CHARACTERS = "characters"
    BIRTH_DATE = "birth_date"
    CHECK_CHARACTER = "check_character"


class InvalidIdNumber(ValueError):
    """A text that is not a valid resident ID number. ``.kind`` says which rule it broke.

    The message never contains the full number: at most its masked form.
    """

    def __init__(self, kind: InvalidIdNumberKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind


#: The weight of each digit is a power of 2 modulo 11 (twice the next one's), and 13 is 2
#: modulo 11: 17 ASCII digits read as a number in base 13 are, times 2, their weighted sum
#: modulo 11 — one call of ``int`` instead of 17 products.
_BASE: Final = 13
if _BASE % 11 != 2 or any(w != pow(2, 17 - i, 11) for i, w in enumerate(WEIGHTS)):
    raise AssertionError("the check weights are not the powers of 2 modulo 11")


def check_character(first17: str) -> str:
    """The GB 11643-1999 check character of the first 17 digits."""
    if len(first17) != 17:
        raise ValueError("the check character is computed over exactly 17 digits")
    if first17.isascii() and first17.isdigit():  # nothing but 0-9: no sign, space or _
        total = 2 * int(first17, _BASE)
    else:
        total = sum(map(operator.mul, map(int, first17), WEIGHTS))
    return CHECK_CHARACTERS[total % 11]


def mask_id_text(text: str) -> str:
    """Mask any text that may be an ID number: first 6 and last 4 kept, 8 ``*`` between.

    Text too short to mask meaningfully is replaced by ``*`` entirely.
    """
    if len(text) >= 10:
        return f"{text[:6]}{'*' * 8}{text[-4:]}"
    return "*" * len(text)


def _birth_date(digits: str) -> dt.date | None:
    try:
        date = dt.date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return date if date.year >= MIN_BIRTH_YEAR else None


#: Every month and day of a leap year, ``MMDD`` (the batch checks' table is made from it).
MONTH_DAYS: Final = frozenset(
    f"{month:02d}{day:02d}"
    for month, days in enumerate((31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), start=1)
    for day in range(1, days + 1)
)


def _is_birth_date(digits: str) -> bool:
    """Whether 8 ASCII digits ``YYYYMMDD`` are a real date from :data:`MIN_BIRTH_YEAR` on
    (what :func:`_birth_date` finds, without making the date)."""
    year = int(digits[0:4])
    month_day = digits[4:8]
    if year < MIN_BIRTH_YEAR or month_day not in MONTH_DAYS:
        return False
    return month_day != "0229" or calendar.isleap(year)


#: Texts already found valid (18 characters), and their normal form: a roster's records come
#: in runs for one person, and a number need not be checked three times. Bounded.
_VALID: dict[str, str] = {}
_VALID_SIZE: Final = 4096


def _invalid(kind: InvalidIdNumberKind, message: str) -> InvalidIdNumber:
    return InvalidIdNumber(kind, message)


def _validate18(text: str) -> str:
    if not text[:17].isascii() or not text[:17].isdigit():
        raise _invalid(
            InvalidIdNumberKind.CHARACTERS,
            _("ID number {number}: the first 17 characters must be digits").format(
                number=mask_id_text(text)
            ),
        )
    last = text[17]
    if last not in "0123456789X":
        raise _invalid(
            InvalidIdNumberKind.CHARACTERS,
            _("ID number {number}: the last character must be a digit or X").format(
                number=mask_id_text(text)
            ),
        )
    if not _is_birth_date(text[6:14]):
        raise _invalid(
            InvalidIdNumberKind.BIRTH_DATE,
            _("ID number {number}: characters 7-14 are not a real birth date").format(
                number=mask_id_text(text)
            ),
        )
    expected = check_character(text[:17])
    if last != expected:
        raise _invalid(
            InvalidIdNumberKind.CHECK_CHARACTER,
            _(
                "ID number {number}: the check character does not match (a digit was mistyped)"
            ).format(number=mask_id_text(text)),
        )
    return text


def _upgrade15(text: str) -> str:
    if not text.isascii() or not text.isdigit():
        raise _invalid(
            InvalidIdNumberKind.CHARACTERS,
            _("ID number {number}: a 15-character number must be all digits").format(
                number=mask_id_text(text)
            ),
        )
    first17 = f"{text[:6]}19{text[6:]}"
    if not _is_birth_date(first17[6:14]):
        raise _invalid(
            InvalidIdNumberKind.BIRTH_DATE,
            _("ID number {number}: characters 7-12 are not a real birth date").format(
                number=mask_id_text(text)
            ),
        )
    return first17 + check_character(first17)


@frozen(repr=False, eq=True, hash=True)
class IdNumber:
    """A valid 18-character resident ID number. Build it with :meth:`parse`."""

    value: str = field()

    @value.validator
    def _check(self, _attribute: object, value: str) -> None:
        if not isinstance(value, str) or len(value) != 18:
            raise _invalid(InvalidIdNumberKind.LENGTH, "an IdNumber holds 18 characters")
        _validate18(value)

    @classmethod
    def parse(cls, text: str) -> IdNumber:
        """Parse 18 characters (lowercase ``x`` read as ``X``) or an old 15-digit number.

        Surrounding white space is ignored. Raises :class:`InvalidIdNumber` naming what is
        wrong: length, characters, birth date or check character.
        """
        if not isinstance(text, str):
            raise _invalid(
                InvalidIdNumberKind.TYPE,
                _("an ID number must be given as text, not {kind}").format(
                    kind=type(text).__name__
                ),
            )
        cached = _VALID.get(text)
        if cached is not None:
            return cls._trusted(cached)
        cleaned = text.strip().upper()
        if len(cleaned) == 18:
            valid = _validate18(cleaned)
            if len(_VALID) >= _VALID_SIZE:
                _VALID.clear()
            _VALID[text] = valid
            return cls._trusted(valid)
        if len(cleaned) == 15:
            return cls._trusted(_upgrade15(cleaned))
        raise _invalid(
            InvalidIdNumberKind.LENGTH,
            _("an ID number has 18 characters (or 15 digits for an old one), not {count}").format(
                count=len(cleaned)
            ),
        )

    @classmethod
    def _trusted(cls, value: str) -> IdNumber:
        """An instance for a value already validated (skips validating it twice)."""
        instance = cls.__new__(cls)
        object.__setattr__(instance, "value", value)
        return instance

    @property
    def region_code(self) -> str:
        """The 6-digit administrative region code (行政区划代码) of the issuing place."""
        return self.value[:6]

    @property
    def birth_date(self) -> dt.date:
        birth = _birth_date(self.value[6:14])
        assert birth is not None  # guaranteed by the validator
        return birth

    @property
    def sequence(self) -> str:
        return self.value[14:17]

    @property
    def sex(self) -> Sex:
        """Odd sequence digit: male; even: female."""
        return Sex.MALE if int(self.value[16]) % 2 else Sex.FEMALE

    @property
    def masked(self) -> str:
        """``130630********0028``: the form for lists, logs and exports."""
        return mask_id_text(self.value)

    def age_on(self, day: dt.date) -> int:
        """Age in whole years on ``day``."""
        birth = self.birth_date
        before_birthday = (day.month, day.day) < (birth.month, birth.day)
        return day.year - birth.year - int(before_birthday)

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"IdNumber('{self.masked}')"
