"""Japanese addresses as comparable keys (名寄せ).

The same place is written 「長野県長野市大字鶴賀一丁目2番地3号」, 「長野市鶴賀1-2-3」 and 「鶴賀１－２－３」:
NFKC (full-width digits and letters), hyphen variants, 丁目・番地・番・号 and の between numbers, kanji
numerals before those counters, 大字 / 字 and the prefecture are folded; the city is kept in the key but
`address_similarity` accepts an address written without it.
"""

import re
import unicodedata

from rapidfuzz.fuzz import ratio

PREFECTURE = re.compile(r"^(東京都|北海道|(?:京都|大阪)府|[^\d\s]{2,3}県)")
# The municipality part: a city (and a ward of a designated city), or a district and its town or village.
CITY = re.compile(
    r"^(?:[^\d市]{1,6}?市(?:[^\d区]{1,4}区)?|[^\d郡]{1,5}郡[^\d町村]{1,5}[町村]|[^\d区]{1,4}区)"
)
_KANJI_DIGITS = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
_KANJI_NUMBER = re.compile(
    r"[〇一二三四五六七八九十百千]+(?=丁目|丁|番地|番|号|地割|の[0-9〇一二三四五六七八九十])"
)
_HYPHENS = re.compile(r"[‐‑‒–—―−ｰ﹣－~〜]|(?<=\d)ー(?=\d)")
_COUNTERS = [
    (re.compile(r"(\d+)(?:丁目|丁)"), r"\1-"),
    (re.compile(r"(\d+)(?:番地|番)"), r"\1-"),
    (re.compile(r"(\d+)(?:号)"), r"\1-"),
    (re.compile(r"(\d+)(?:地割)"), r"\1-"),
    (re.compile(r"(?<=\d)の(?=\d)"), "-"),
]
_SPACES = re.compile(r"[\s　]+")
_AZA = re.compile(r"大字|(?<=\D)字(?=\D)|^字")


def _kanji_number(text: str) -> str:
    """一 → 1, 十二 → 12, 二十三 → 23, 百五 → 105; positional 二〇三 → 203."""
    if not any(ch in _KANJI_UNITS for ch in text):
        return "".join(str(_KANJI_DIGITS[ch]) for ch in text)
    total, current = 0, 0
    for ch in text:
        if ch in _KANJI_DIGITS:
            current = _KANJI_DIGITS[ch]
        else:
            total += (current or 1) * _KANJI_UNITS[ch]
            current = 0
    return str(total + current)


def address_key(text: str) -> str:
    """The comparable form: NFKC, no spaces, no prefecture, 大字/字 dropped, numbers as 1-2-3."""
    key = _fold(text or "")
    for _ in range(4):  # a dropped hyphen can bring a number next to a counter ("4-丁" → "4丁"): fold again
        again = _fold(key)
        if again == key:
            break
        key = again
    return key


def _fold(text: str) -> str:
    text = _SPACES.sub("", unicodedata.normalize("NFKC", text))
    text = _HYPHENS.sub("-", text)
    text = _KANJI_NUMBER.sub(lambda m: _kanji_number(m.group()), text)
    for pattern, replacement in _COUNTERS:
        text = pattern.sub(replacement, text)
    text = re.sub(r"-{2,}", "-", text)
    text = re.sub(r"-(?=\D|$)", "", text)  # "1-2-3-" → "1-2-3", "3-コーポ" → "3コーポ"
    text = _AZA.sub("", PREFECTURE.sub("", text))
    # Dropping a space can put a combining mark next to a letter: compose again so the key is stable.
    return unicodedata.normalize("NFKC", text)


def without_city(key: str) -> str:
    """An address key without its municipality, for comparing with one written without it."""
    return CITY.sub("", key)


def address_similarity(a: str, b: str) -> int:
    """0–100 between two address keys: 100 the same place, 95 the same but for a missing city."""
    if not a or not b:
        return 0
    if a == b:
        return 100
    local_a, local_b = without_city(a), without_city(b)
    if local_a and (local_a == local_b or a.endswith(local_b) or b.endswith(local_a)):
        return 95
    return round(ratio(local_a or a, local_b or b))
