"""Mainland mobile phone numbers (手机号): 11 digits ``1[3-9]xxxxxxxxx``, optional ``+86``.

A phone number is personal information: ``str()`` and ``repr()`` show ``138****5678``;
``.value`` gives all 11 digits.
"""

from __future__ import annotations

import re
from typing import Final

from attrs import field, frozen

from sscert.i18n import _

__all__ = ["InvalidPhoneNumber", "PhoneNumber", "mask_phone_text", "parse_contact_phone"]

MOBILE: Final = re.compile(r"^1[3-9][0-9]{9}\Z", re.ASCII)
_PREFIX: Final = re.compile(r"^(?:\+86|0086)[\s-]?")
_SEPARATORS: Final = re.compile(r"[\s-]")


class InvalidPhoneNumber(ValueError):
    """Text that is not a mainland mobile number. The message shows it masked."""


def mask_phone_text(text: str) -> str:
    """Keep the first 3 and last 4 characters of a phone-like text, ``*`` between."""
    if len(text) >= 8:
        return f"{text[:3]}{'*' * (len(text) - 7)}{text[-4:]}"
    return "*" * len(text)


@frozen(repr=False)
class PhoneNumber:
    """A mainland mobile number, stored as its 11 digits."""

    value: str = field()

    @value.validator
    def _check(self, _attribute: object, value: str) -> None:
        if not isinstance(value, str) or not MOBILE.match(value):
            raise InvalidPhoneNumber("a PhoneNumber holds 11 digits starting 1[3-9]")

    @classmethod
    def parse(cls, text: str) -> PhoneNumber:
        """Parse ``13812345678``, ``+8613812345678`` or ``+86 138-1234-5678``."""
        if not isinstance(text, str):
            raise InvalidPhoneNumber(
                _("a phone number must be given as text, not {kind}").format(
                    kind=type(text).__name__
                )
            )
        digits = _SEPARATORS.sub("", _PREFIX.sub("", text.strip()))
        if not MOBILE.match(digits):
            raise InvalidPhoneNumber(
                _("not a mainland mobile number (11 digits starting 13-19): {value!r}").format(
                    value=mask_phone_text(digits)
                )
            )
        return cls(digits)

    @property
    def masked(self) -> str:
        return mask_phone_text(self.value)

    @property
    def e164(self) -> str:
        return f"+86{self.value}"

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"PhoneNumber('{self.masked}')"


_LANDLINE: Final = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}", re.ASCII)


def parse_contact_phone(text: str) -> str:
    """A person's contact number as stored: a mainland mobile (its 11 digits) or a landline
    with its area code (``0312-7315640``); ``InvalidPhoneNumber`` for anything else."""
    if MOBILE.match(text):  # 11 digits as they are: what PhoneNumber.parse would keep
        return text
    try:
        return PhoneNumber.parse(text).value
    except InvalidPhoneNumber:
        compact = _SEPARATORS.sub("", text.strip().replace("—", "-"))
        spaced = text.strip().replace(" ", "").replace("—", "-")
        if _LANDLINE.fullmatch(spaced):
            return spaced
        if _LANDLINE.fullmatch(compact):
            return compact
        raise InvalidPhoneNumber(
            _("not a mainland mobile or landline number: {value!r}").format(
                value=mask_phone_text(compact)
            )
        ) from None
