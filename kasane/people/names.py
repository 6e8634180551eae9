"""Normalising Japanese names for matching (名寄せ): variant kanji, kana, width and spaces folded."""

import re
import unicodedata
from pathlib import Path

import jaconv

# Old and variant kanji (旧字体・異体字) → the common form. Agencies write the same name differently
# (DOMAIN §7). Only pairs that NFKC leaves apart are listed: the compatibility ideographs (U+F900–FAFF,
# e.g. U+F9DC for 隆) already become their unified form under NFKC; 﨑 (U+FA11) is one of the few that do not.
# 齋/齊/斎/斉 all read サイ in 斎藤/斉藤 and are written interchangeably.
HAND_VARIANTS = {
    "髙": "高", "﨑": "崎", "嵜": "崎", "碕": "崎", "齋": "斎", "齊": "斎", "斉": "斎", "邊": "辺", "邉": "辺",
    "澤": "沢", "濵": "浜", "濱": "浜", "德": "徳", "櫻": "桜", "廣": "広", "國": "国", "圀": "国", "𠮷": "吉",
    "𡈽": "土", "嶋": "島", "嶌": "島", "冨": "富", "惠": "恵", "榮": "栄", "實": "実", "與": "与", "壽": "寿",
    "龍": "竜", "瀨": "瀬", "淺": "浅", "彌": "弥", "禮": "礼", "眞": "真", "眀": "明", "莊": "荘", "藏": "蔵",
    "黑": "黒", "團": "団", "兒": "児", "曻": "昇", "恆": "恒", "圓": "円", "豐": "豊", "會": "会", "傳": "伝",
    "薗": "園", "槇": "槙", "舘": "館", "栁": "柳", "萬": "万", "瀧": "滝", "增": "増", "戶": "戸", "靜": "静",
    "淸": "清", "峯": "峰", "埜": "野", "曾": "曽", "條": "条", "來": "来", "龜": "亀", "檜": "桧", "遙": "遥",
    "凜": "凛", "堯": "尭", "晉": "晋", "將": "将", "郞": "郎", "聰": "聡", "澁": "渋", "嶽": "岳", "昻": "昂",
    "稻": "稲", "鐵": "鉄", "鷗": "鴎", "薰": "薫", "渕": "淵", "巖": "巌", "穗": "穂", "綠": "緑", "寬": "寛",
    "晄": "晃", "邨": "村", "舩": "船", "學": "学", "譽": "誉",
    # 三ヶ島 / 三ケ島 / 三ヵ島: the small ke is a place-name spelling, not a different name.
    "ヶ": "ケ", "ヵ": "ケ",
}  # fmt: skip


def _load_variants() -> dict[str, str]:
    """The hand pairs above, then the table built from Unihan (data/variants.tsv, see data/README.md):
    every variant of a class maps to one representative, so both directions fold (斎 → 斎, 齋 → 斎)."""
    fold = dict(HAND_VARIANTS)
    table = Path(__file__).with_name("data") / "variants.tsv"
    for line in table.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            variant, rep = line.split("\t")[:2]
            fold.setdefault(variant, rep)
    # A representative that is itself a variant elsewhere folds on to the end of the chain.
    for variant, rep in fold.items():
        seen = {variant}
        while rep in fold and rep not in seen:
            seen.add(rep)
            rep = fold[rep]
        fold[variant] = rep
    return {variant: rep for variant, rep in fold.items() if variant != rep}


VARIANT_KANJI = _load_variants()

# Ideographic variation selectors (葛󠄀 vs 葛) pick a glyph, not a different character.
_VARIATION_SELECTORS = {cp: None for cp in [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]}
_NAME_FOLD = str.maketrans({**VARIANT_KANJI, **_VARIATION_SELECTORS})
# Separators written between family and given name or inside foreign names (after NFKC), and control
# characters, which no name contains (and PostgreSQL refuses NUL).
_NAME_SEPARATORS = re.compile(r"[\s\x00-\x1f\x7f・.,=\-‐'’]+")

# Small kana, 四つ仮名 (ヂ/ジ, ヅ/ズ), ヴ/ブ and old kana that フリガナ writes inconsistently.
_KANA_FOLD = str.maketrans({
    "ァ": "ア", "ィ": "イ", "ゥ": "ウ", "ェ": "エ", "ォ": "オ", "ッ": "ツ", "ャ": "ヤ", "ュ": "ユ", "ョ": "ヨ",
    "ヮ": "ワ", "ヵ": "カ", "ヶ": "ケ", "ヂ": "ジ", "ヅ": "ズ", "ヴ": "ブ", "ヷ": "バ", "ヸ": "ビ", "ヹ": "ベ",
    "ヺ": "ボ", "ヰ": "イ", "ヱ": "エ", "ヲ": "オ",
    # A voiced mark left over after composition has nothing to attach to (ン゙).
    "\u3099": None, "\u309a": None,
})  # fmt: skip
# Spaces, the middle dot, long-vowel marks and the dashes typed for them (サトー, サト-, サト〜), control
# characters.
_KANA_SEPARATORS = re.compile(r"[\s\x00-\x1f\x7f・ー\-‐―−~〜]+")


def name_key(text: str) -> str:
    """The comparable form of a kanji name: NFKC, lower case, variant kanji folded, no spaces or dots."""
    folded = unicodedata.normalize("NFKC", text or "").lower().translate(_NAME_FOLD)
    # Dropping a separator can put a combining mark next to a letter: compose again so the key is stable.
    return unicodedata.normalize("NFKC", _NAME_SEPARATORS.sub("", folded))


def kana_key(text: str) -> str:
    """The comparable form of a reading: hiragana and half-width → katakana, small kana and long-vowel
    marks folded, no spaces."""
    folded = jaconv.hira2kata(unicodedata.normalize("NFKC", text or ""))
    folded = unicodedata.normalize("NFKC", _KANA_SEPARATORS.sub("", folded))
    return folded.translate(_KANA_FOLD)


def to_katakana(text: str) -> str:
    """What a user typed in a フリガナ field (hiragana, half-width) as full-width katakana, spaces single."""
    return " ".join(jaconv.hira2kata(unicodedata.normalize("NFKC", text or "")).split())
