"""Phone numbers as comparable digits (名寄せ): width, hyphens, brackets and +81 folded."""

import re
import unicodedata

_NOT_DIGIT = re.compile(r"\D+")


def phone_key(text: str) -> str:
    """Digits only, the country code +81 (or 0081) written back as the domestic 0: "+81 90-1234-5678",
    "090（1234）5678" and "０９０１２３４５６７８" all give "09012345678". Too short to be a number → ""."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    international = text.startswith("+")
    digits = _NOT_DIGIT.sub("", text)
    if digits.startswith("0081"):
        digits, international = digits[2:], True
    if international and digits.startswith("81"):
        digits = "0" + digits[2:].lstrip("0")
    return digits if len(digits) >= 6 else ""
