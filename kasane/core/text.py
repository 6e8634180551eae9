"""Normalising Japanese text for search: width, kana, case and spaces folded the same way everywhere."""

import unicodedata

import jaconv


def normalize_for_search(text: str) -> str:
    """NFKC (half-width kana → full-width, full-width ASCII → ASCII), hiragana → katakana, no spaces, lower."""
    folded = unicodedata.normalize("NFKC", text or "")
    folded = jaconv.hira2kata(folded)
    return "".join(folded.split()).lower()
