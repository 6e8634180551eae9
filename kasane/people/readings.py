"""Readings estimated from kanji names written without フリガナ (名寄せ), with pykakasi's offline dictionary.

An estimate is a hint, never the truth: 東海林 may be ショウジ or トウカイリン, 陽菜 ハルナ or ヒナ. Matching
weighs an estimated reading below a typed one and says so in its reasons.
"""

from functools import lru_cache

from .names import kana_key


@lru_cache(maxsize=1)
def _converter():
    import pykakasi  # loaded on first use: its dictionary takes a moment to open

    return pykakasi.kakasi()


@lru_cache(maxsize=65536)
def estimated_reading(name: str) -> str:
    """The katakana reading pykakasi gives a name, as a kana key; "" when it has no kanji or kana to read."""
    name = (name or "").strip()
    if not name:
        return ""
    reading = "".join(part["kana"] for part in _converter().convert(name))
    key = kana_key(reading)
    # Letters or digits left unread mean the dictionary did not know the name: no estimate.
    return key if key and all("\u30a0" <= ch <= "\u30ff" for ch in key) else ""
