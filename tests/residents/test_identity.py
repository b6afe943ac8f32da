"""公民身份号码 (GB 11643): the check character, against numbers whose check character was computed by hand."""

from __future__ import annotations

from datetime import date

import pytest

from core.masking import mask_phone
from residents.identity import (
    InvalidIdNumber,
    birth_date_of,
    check_char,
    make_id_number,
    mask_id_number,
    sex_of,
    validate_id_number,
)

# Worked by hand with the weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 and "10X98765432":
# 11010519491231002X (the standard's own example):
#   1·7+1·9+0·10+1·5+0·8+5·4+1·2+9·1+4·6+9·3+1·7+2·9+3·10+1·5+0·8+0·4+2·2 = 167; 167 mod 11 = 2 → "X"
# 440524188001010014:
#   4·7+4·9+0+5·5+2·8+4·4+1·2+8·1+8·6+0+0+1·9+0+1·5+0+0+1·2 = 195; 195 mod 11 = 8 → "4"
# 620201199001011232:
#   6·7+2·9+0+2·5+0+1·4+1·2+9·1+9·6+0+0+1·9+0+1·5+1·8+2·4+3·2 = 175; 175 mod 11 = 10 → "2"
HAND_CHECKED = ["11010519491231002X", "440524188001010014", "620201199001011232"]


@pytest.mark.parametrize("number", HAND_CHECKED)
def test_hand_checked_numbers_are_valid(number):
    assert check_char(number[:17]) == number[17]
    assert validate_id_number(number) == number


def test_lower_case_x_and_spaces_are_normalised():
    assert validate_id_number(" 11010519491231002x ") == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("110105194912310021", "校验位"),  # last character changed
        ("440524188001010015", "校验位"),
        ("62020119900101123", "18位"),  # 17 characters
        ("6202011990010112321", "18位"),
        ("62020119901301123X", "出生日期"),  # month 13
        ("62020118000101123X", "出生日期"),  # before 1850
        ("62020130000101123X", "出生日期"),  # in the future
        ("A20201199001011232", "18位"),
        ("", "18位"),
    ],
)
def test_invalid_numbers_say_why(number, reason):
    with pytest.raises(InvalidIdNumber, match=reason):
        validate_id_number(number)


def test_birth_date_and_sex_come_from_the_number():
    assert birth_date_of("11010519491231002X") == date(1949, 12, 31)
    assert sex_of("11010519491231002X") == "F"  # sequence 002: even
    assert sex_of("620201199001011232") == "M"  # sequence 123: odd


def test_made_numbers_are_valid():
    for seq in range(0, 1000, 37):
        number = make_id_number(area="620201", born=date(1975, 2, 28), sequence=seq)
        assert validate_id_number(number) == number


def test_masks():
    assert mask_id_number("620201199001011232") == "620201********1232"
    assert mask_phone("13812345678") == "138****5678"
