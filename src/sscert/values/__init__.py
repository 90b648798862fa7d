"""Small frozen value types with no I/O: money, months, ID numbers, phone numbers."""

from sscert.values.identity import IdNumber, InvalidIdNumber, InvalidIdNumberKind, Sex
from sscert.values.money import Money
from sscert.values.months import Month
from sscert.values.phone import InvalidPhoneNumber, PhoneNumber

__all__ = [
    "IdNumber",
    "InvalidIdNumber",
    "InvalidIdNumberKind",
    "InvalidPhoneNumber",
    "Money",
    "Month",
    "PhoneNumber",
    "Sex",
]
