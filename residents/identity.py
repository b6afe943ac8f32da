"""公民身份号码 (GB 11643-1999): 6-digit address code, 8-digit birth date, 3-digit sequence (odd: male),
and a check character computed with ISO 7064 MOD 11-2.

The check: multiply the first 17 digits by the weights 2^(17-i) mod 11 =
7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, add, take the sum mod 11, and look it up in "10X98765432".
Pure functions, no database.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_noop as N_

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_CHINA = ZoneInfo("Asia/Shanghai")  # a birth date is a date where the person was born, not in UTC
_SHAPE = re.compile(r"^\d{17}[\dX]$")


class InvalidIdNumber(ValueError):
    """The text is not a valid 18-character 公民身份号码; ``reason`` says why (shown to the user)."""


def check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    if not re.fullmatch(r"\d{17}", first17):
        raise InvalidIdNumber(N_("需要17位数字"))
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalise_id_number(text: str) -> str:
    """Strip spaces and make a trailing x upper case."""
    return (text or "").strip().replace(" ", "").upper()


def validate_id_number(text: str) -> str:
    """The normalised number if it is a valid 18-character 公民身份号码; else ``InvalidIdNumber`` with the reason."""
    number = normalise_id_number(text)
    if not _SHAPE.match(number):
        raise InvalidIdNumber(N_("公民身份号码应为18位：17位数字加1位数字或X"))
    birth = birth_date_of(number)
    if birth is None:
        raise InvalidIdNumber(N_("公民身份号码中的出生日期无效"))
    if check_char(number[:17]) != number[17]:
        raise InvalidIdNumber(N_("公民身份号码校验位错误"))
    return number


def birth_date_of(number: str) -> date | None:
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return born if date(1850, 1, 1) <= born <= datetime.now(_CHINA).date() else None


def sex_of(number: str) -> str:
    """ "M" when the sequence code (17th digit) is odd, else "F"."""
    return "M" if int(number[16]) % 2 else "F"


def make_id_number(*, area: str, born: date, sequence: int) -> str:
    """A valid number from its parts (for demo data and tests: fictional people get well-formed numbers)."""
    first17 = f"{area:0>6}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)


def mask_id_number(number: str) -> str:
    """Keep the first 6 (area) and the last 4: 620201********123X."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def normalise_phone(text: str) -> str:
    return re.sub(r"[\s-]", "", text or "")


def validate_phone(text: str) -> str:
    phone = normalise_phone(text)
    if phone and not re.fullmatch(r"\+?\d{5,15}", phone):
        raise ValueError(N_("电话号码格式不正确"))
    return phone
