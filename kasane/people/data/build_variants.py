"""Build variants.tsv, the variant-kanji classes that name matching folds (名寄せ), from Unihan.

Run `python -m kasane.people.data.build_variants [UNIHAN_DIR]` (default /usr/share/unicode, Debian's
`unicode-data` package). The output is committed; the app never reads Unihan at run time.

Sources, all Unihan (Unicode Character Database, Unicode License v3):
- kJinmeiyoKanji "2010:U+XXXX": the 人名用漢字 old forms (戸籍法施行規則 別表第二 二, 法務省) and the 常用漢字
  each stands for, e.g. 澤 → 沢. The authoritative Japanese pairs.
- kZVariant: the same abstract character, another glyph.
- kSemanticVariant and one-to-one kTraditionalVariant / kSimplifiedVariant
  pairs: only between a common kanji (kJoyoKanji / kJinmeiyoKanji) and a form that is neither, since two
  common kanji Unihan relates (周/週, 阪/坂, 干 for 乾 and 幹) are different names in Japan.
  kSpecializedSemanticVariant is left out: it relates characters only in some senses (穎 and 署).
Every character kept must have a Japanese source (kIRG_JSource), so nothing folds to a character that is
not used in Japan. Classes are joined (union-find); a class larger than MAX_CLASS or holding two common kanji
is split back to its authoritative pairs, since long chains of loose relations join distinct names. The hand pairs of
names.VARIANT_KANJI are added first and their targets are the representatives.
"""

import bz2
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

MAX_CLASS = 4
OUT = Path(__file__).with_name("variants.tsv")
# Pairs that Unihan links but that Japanese names keep apart (different readings or different names).
NOT_FOLDED = {
    frozenset("云雲"), frozenset("芸藝"), frozenset("余餘"), frozenset("谷穀"), frozenset("后後"),
    frozenset("里裏"), frozenset("机機"), frozenset("斗鬥"), frozenset("板闆"), frozenset("松鬆"),
    frozenset("面麵"), frozenset("丑醜"), frozenset("叶葉"), frozenset("征徵"), frozenset("系係"),
    frozenset("千韆"), frozenset("只隻"), frozenset("卜蔔"), frozenset("朴樸"), frozenset("了瞭"),
    frozenset("几幾"), frozenset("干乾"), frozenset("干幹"), frozenset("咸鹹"), frozenset("姜薑"),
    frozenset("籐藤"), frozenset("卍万"), frozenset("卍萬"), frozenset("箴針"), frozenset("制製"), frozenset("范範"), frozenset("历曆"), frozenset("台颱"), frozenset("冲沖"),
}  # fmt: skip


def _read(directory: Path, name: str):
    path = directory / f"{name}.txt"
    opener = open if path.exists() else (lambda p, *a, **k: bz2.open(f"{p}.bz2", "rt", encoding="utf-8"))
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("U+"):
                code, field, value = line.rstrip("\n").split("\t", 2)
                yield chr(int(code[2:], 16)), field, value


def _chars(value: str) -> list[str]:
    return [chr(int(token.split("<")[0][2:], 16)) for token in value.split() if token.startswith("U+")]


def build(directory: Path) -> dict[str, str]:
    from kasane.people.names import HAND_VARIANTS

    japanese, strokes = set(), {}
    for char, field, value in _read(directory, "Unihan_IRGSources"):
        if field == "kIRG_JSource":
            japanese.add(char)
        elif field == "kTotalStrokes":
            strokes[char] = int(value.split()[0])
    common, authoritative = set(), []
    for char, field, value in _read(directory, "Unihan_OtherMappings"):
        if field == "kJinmeiyoKanji" and ":" in value:
            authoritative.append((char, chr(int(value.split(":")[1][2:], 16))))
        elif field in ("kJoyoKanji", "kJinmeiyoKanji"):
            common.add(char)
    loose, trad, simp = [], defaultdict(set), defaultdict(set)
    for char, field, value in _read(directory, "Unihan_Variants"):
        targets = [t for t in _chars(value) if t != char]
        if field == "kZVariant":
            authoritative += [(char, t) for t in targets]
        elif field == "kSemanticVariant":
            loose += [(char, t) for t in targets]
        elif field == "kTraditionalVariant":
            trad[char].update(targets)
        elif field == "kSimplifiedVariant":
            simp[char].update(targets)
    for s, t in trad.items():
        if len(t) == 1 and len(simp.get(next(iter(t)), ())) <= 1:
            loose.append((s, next(iter(t))))

    def usable(a, b):
        # NFKC already folds the compatibility ideographs before the table is used.
        nfkc = unicodedata.normalize("NFKC", a) == a and unicodedata.normalize("NFKC", b) == b
        return nfkc and a in japanese and b in japanese and frozenset((a, b)) not in NOT_FOLDED

    hand = [(a, b) for a, b in HAND_VARIANTS.items() if len(a) == 1 and len(b) == 1 and ord(a) > 0x3400]
    strong = hand + [p for p in authoritative if usable(*p)]
    # A loose relation counts only between a common kanji (常用・人名用) and a form that is neither: two
    # common kanji that Unihan relates (周/週, 阪/坂, 九/玖) are different names in Japan.
    loose = [p for p in loose if usable(*p) and (p[0] in common) != (p[1] in common)]
    classes = _classes(strong + loose)
    too_loose = {
        c
        for members in classes.values()
        if len(members) > MAX_CLASS or len(members & common) > 1
        for c in members
    }
    if too_loose:  # keep only the strong pairs for those characters
        classes = _classes(strong + [p for p in loose if p[0] not in too_loose and p[1] not in too_loose])
    preferred = set(HAND_VARIANTS.values())
    fold = {}
    for members in classes.values():
        rep = min(members, key=lambda c: (c not in preferred, c not in common, strokes.get(c, 99), c))
        fold.update({c: rep for c in members if c != rep})
    return fold


def _classes(pairs) -> dict[str, set[str]]:
    parent = {}

    def find(c):
        parent.setdefault(c, c)
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for a, b in pairs:
        parent[find(a)] = find(b)
    classes = defaultdict(set)
    for c in list(parent):
        classes[find(c)].add(c)
    return classes


def main() -> None:
    directory = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode")
    fold = build(directory)
    lines = [
        f"{variant}\t{rep}\tU+{ord(variant):04X}\tU+{ord(rep):04X}"
        for variant, rep in sorted(fold.items(), key=lambda i: (i[1], i[0]))
    ]
    OUT.write_text(
        "# variant\trepresentative (generated by build_variants.py from Unihan; do not edit)\n"
        + "\n".join(lines)
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(fold)} variants written to {OUT}")


if __name__ == "__main__":
    main()
