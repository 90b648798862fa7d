"""Masking personal numbers in free text (个人信息保护法): a message, a record id or a log
line may quote what a caller sent, and what a caller sent may hold an ID or mobile number.

:func:`redact` masks every run of characters that looks like one — 18 characters of an ID
number (17 digits and a digit or X), an old 15-digit ID number, an 11-digit mobile number —
wherever it stands on its own in the text (not inside a longer run of letters and digits,
such as a hash). It errs on the side of masking: a 15-digit record number is masked too.
"""

from __future__ import annotations

import re
from typing import Final

from sscert.values.identity import mask_id_text
from sscert.values.phone import mask_phone_text

__all__ = ["redact"]

_PERSONAL: Final = re.compile(
    r"(?<![0-9A-Za-z])(?:[0-9]{17}[0-9Xx]|[0-9]{15}|(?:\+86|0086)?1[3-9][0-9]{9})"
    r"(?![0-9A-Za-z])",
    re.ASCII,
)


def _mask(match: re.Match[str]) -> str:
    text = match[0]
    if len(text) >= 15 and not text.startswith(("+", "00")):
        return mask_id_text(text)
    return mask_phone_text(text)


def redact(text: str) -> str:
    """``text`` with every ID-number-like and mobile-number-like run masked."""
    return _PERSONAL.sub(_mask, text)
