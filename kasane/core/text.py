"""Normalising Japanese text for search: width, kana, case and spaces folded the same way everywhere."""

import unicodedata

import jaconv


def normalize_for_search(text: str) -> str:
    """NFKC (half-width kana → full-width, full-width ASCII → ASCII), lower case, hiragana → katakana, no spaces."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    folded = "".join(jaconv.hira2kata(folded).split())
    # Dropping spaces can put a combining mark next to a letter: compose again so that the result is stable.
    return unicodedata.normalize("NFKC", folded)
