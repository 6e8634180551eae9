"""Validators shared by every app: 全国地方公共団体コード, katakana."""

import re

from django.core.exceptions import ValidationError

# The largest primary key any of our databases stores (signed 64-bit); larger ids in input are simply unknown.
MAX_DB_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """An id from a query string: a positive int within range, or None."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_DB_ID else None


def municipality_code_check_digit(first_five: str) -> int:
    """The 6th digit of a 全国地方公共団体コード (総務省): 11 minus the weighted sum mod 11, last digit."""
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def validate_municipality_code(value: str) -> None:
    if not re.fullmatch(r"[0-9]{6}", value or ""):
        raise ValidationError("地方公共団体コードは半角数字6桁で入力してください。", code="format")
    if municipality_code_check_digit(value[:5]) != int(value[5]):
        raise ValidationError(
            "地方公共団体コードの検査数字（6桁目）が正しくありません。コードを確認してください。",
            code="check_digit",
        )
