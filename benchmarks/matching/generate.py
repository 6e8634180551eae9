"""Synthetic populations and variant records with ground truth, in the benchmark's CSV format.

A population of households (a family name, an address, a home phone shared by its members; parents and
children, sometimes twins) whose first record per person is the one on file; then `variants` × N records of
randomly drawn persons as another agency would write them, each with one to three of: old/variant kanji,
hiragana or half-width kana, missing フリガナ, family and given name swapped or run together, a changed
family name (婚姻), a birth-date slip (a digit, day/month swapped, a 和暦 year in the wrong era, a year
off), address variants (丁目・番地・号 / 1-2-3, kanji numerals, full-width digits, 大字, no prefecture or
city), phone formats, missing address or phone, a typo in the reading. entity_id is the truth.
"""

import csv
import random
from datetime import date, timedelta

import jaconv

from kasane.people.dates import ERAS
from kasane.people.names import HAND_VARIANTS

from .names import CITIES, FAMILY, FEMALE, MALE, pairs

HEADER = ["record_id", "entity_id", "family_name", "given_name", "family_kana", "given_kana", "birth_date",
          "sex", "postal_code", "address", "phone"]  # fmt: skip
# The old and variant forms agencies actually write (髙, 齋, 邊, 澤 …), not every Unihan variant.
OLD_FORM: dict[str, list[str]] = {}
for _variant, _common in HAND_VARIANTS.items():
    OLD_FORM.setdefault(_common, []).append(_variant)
KANJI_DIGITS = "〇一二三四五六七八九"


def _kanji_number(n: int) -> str:
    if n < 10:
        return KANJI_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else KANJI_DIGITS[tens]) + "十" + (KANJI_DIGITS[ones] if ones else "")


class Population:
    def __init__(self, seed: int = 7):
        self.rnd = random.Random(seed)
        self.family, self.male, self.female = pairs(FAMILY), pairs(MALE), pairs(FEMALE)
        self.towns = [(pref, city, town, f"{self.rnd.randrange(380, 509)}{self.rnd.randrange(10000):04d}")
                      for pref, city, towns in CITIES for town in towns]  # fmt: skip

    def _birth(self, start: int, end: int) -> date:
        return date(start, 1, 1) + timedelta(
            days=self.rnd.randrange((date(end, 12, 31) - date(start, 1, 1)).days)
        )

    def _phone(self, mobile: bool) -> str:
        r = self.rnd
        if mobile:
            return f"0{r.choice('789')}0-{r.randrange(10000):04d}-{r.randrange(10000):04d}"
        return f"026-{r.randrange(200, 300)}-{r.randrange(10000):04d}"

    def persons(self, n: int):
        """n persons as dicts (entity_id, names, kana, birth_date, sex, postal, address, phone)."""
        r, made = self.rnd, 0
        while made < n:
            family, family_kana = r.choice(self.family)
            pref, city, town, postal = r.choice(self.towns)
            address = f"{pref}{city}{town}{r.randrange(1, 6)}丁目{r.randrange(1, 30)}番{r.randrange(1, 20)}号"
            home = self._phone(False) if r.random() < 0.6 else ""
            parent_year = r.randrange(1930, 2000)
            members = [("male", parent_year), ("female", parent_year + r.randrange(-5, 6))][
                : r.choice([1, 2, 2, 2])
            ]
            if parent_year < 1990:
                child_birth = self._birth(parent_year + 22, min(parent_year + 40, 2024))
                for _ in range(r.choice([0, 0, 1, 2, 3])):
                    twin = r.random() < 0.03
                    members.append((r.choice(["male", "female"]), child_birth if twin else None))
            for sex, born in members:
                if made >= n:
                    break
                if isinstance(born, int):
                    born = self._birth(born, born)
                elif born is None:
                    born = self._birth(parent_year + 22, min(parent_year + 40, 2024))
                given, given_kana = r.choice(self.male if sex == "male" else self.female)
                mobile = self._phone(True) if r.random() < 0.5 else ""
                made += 1
                yield {"family_name": family, "given_name": given, "family_kana": family_kana,
                       "given_kana": given_kana, "birth_date": born, "sex": sex, "postal_code": postal,
                       "address": address, "phone": mobile or home}  # fmt: skip

    # --- variations ------------------------------------------------------------------------------------

    def vary(self, person: dict) -> dict:
        r = self.rnd
        record = dict(person)
        chosen = set(r.sample(VARIATIONS, r.choice([1, 1, 2, 2, 3])))
        for kind in sorted(chosen, key=ORDER.index):  # a changed family name first, then how it is written
            getattr(self, f"_v_{kind}")(record)
        return record

    def _v_kanji(self, rec):
        old = "".join(self.rnd.choice(OLD_FORM[ch]) if ch in OLD_FORM else ch for ch in rec["family_name"])
        rec["family_name"] = old
        rec["given_name"] = "".join(
            self.rnd.choice(OLD_FORM[ch]) if ch in OLD_FORM else ch for ch in rec["given_name"]
        )

    def _v_kana_form(self, rec):
        form = self.rnd.choice(["hira", "half"])
        for key in ("family_kana", "given_kana"):
            rec[key] = jaconv.kata2hira(rec[key]) if form == "hira" else jaconv.z2h(rec[key], kana=True)

    def _v_no_kana(self, rec):
        rec["family_kana"] = rec["given_kana"] = ""

    def _v_swap(self, rec):
        rec["family_name"], rec["given_name"] = rec["given_name"], rec["family_name"]
        rec["family_kana"], rec["given_kana"] = rec["given_kana"], rec["family_kana"]

    def _v_run_together(self, rec):
        space = self.rnd.choice(["", " ", "　"])
        rec["family_name"], rec["given_name"] = rec["family_name"] + space + rec["given_name"], ""
        rec["family_kana"], rec["given_kana"] = rec["family_kana"] + space + rec["given_kana"], ""

    def _v_married(self, rec):
        rec["family_name"], rec["family_kana"] = self.rnd.choice(self.family)

    def _v_birth(self, rec):
        r, born = self.rnd, rec["birth_date"]
        for _ in range(20):
            kind = r.choice(["swap", "digit", "era", "year"])
            try:
                if kind == "swap":
                    new = date(born.year, born.day, born.month)
                elif kind == "digit":
                    digits = list(born.strftime("%Y%m%d"))
                    i = r.randrange(2, 8)
                    digits[i] = r.choice([d for d in "0123456789" if d != digits[i]])
                    s = "".join(digits)
                    new = date(int(s[:4]), int(s[4:6]), int(s[6:]))
                elif kind == "era":
                    starts = sorted(ERAS.values())
                    era = max(s for s in starts if s <= born.year)
                    other = r.choice([s for s in starts if s != era and s + born.year - era <= 2025])
                    new = date(other + born.year - era, born.month, born.day)
                else:
                    new = date(born.year + r.choice([-1, 1]), born.month, born.day)
            except ValueError:
                continue
            if new != born and 1900 <= new.year <= 2025:
                rec["birth_date"] = new
                return

    def _v_address(self, rec):
        r, text = self.rnd, rec["address"]
        import re

        m = re.search(r"(\d+)丁目(\d+)番(\d+)号$", text)
        if not m:
            return
        a, b, c = (int(x) for x in m.groups())
        head = text[: m.start()]
        style = r.choice(["hyphen", "kanji", "fullwidth", "banchi"])
        tail = {"hyphen": f"{a}-{b}-{c}", "kanji": f"{_kanji_number(a)}丁目{b}-{c}",
                "fullwidth": jaconv.h2z(f"{a}-{b}-{c}", digit=True, ascii=True).replace("-", "－"),
                "banchi": f"{_kanji_number(a)}丁目{_kanji_number(b)}番地{c}号"}[style]  # fmt: skip
        for pref, city, _ in CITIES:
            if head.startswith(pref + city):
                town = head[len(pref + city) :]
                head = r.choice([head, city + town, town, pref + city + "大字" + town])
        rec["address"] = head + tail

    def _v_phone(self, rec):
        if not rec["phone"]:
            return
        digits = rec["phone"].replace("-", "")
        rec["phone"] = self.rnd.choice(
            [
                digits,
                "+81 " + digits[1:],
                jaconv.h2z(rec["phone"], digit=True, ascii=True),
                f"({digits[:3]}){digits[3:]}",
            ]
        )

    def _v_missing_contact(self, rec):
        rec[self.rnd.choice(["address", "phone"])] = ""

    def _v_kana_typo(self, rec):
        kana = rec["given_kana"] or rec["family_kana"]
        if len(kana) < 2:
            return
        i = self.rnd.randrange(len(kana))
        typo = kana[:i] + self.rnd.choice("アイウエオカキクケコサシスセソタチツテト") + kana[i + 1 :]
        rec["given_kana" if rec["given_kana"] else "family_kana"] = typo


ORDER = ["married", "kanji", "kana_form", "no_kana", "kana_typo", "swap", "run_together", "birth", "address",
         "phone", "missing_contact"]  # fmt: skip
VARIATIONS = ["kanji", "kanji", "kana_form", "no_kana", "swap", "run_together", "married", "birth", "birth",
              "address", "address", "phone", "missing_contact", "kana_typo"]  # fmt: skip


def generate(path: str, persons: int, variants: float = 0.1, seed: int = 7) -> None:
    """Write `persons` records on file and `variants` × persons variant records to `path`."""
    population = Population(seed)
    everyone = list(population.persons(persons))
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        for i, person in enumerate(everyone, start=1):
            writer.writerow(_row(f"r{i}", f"e{i}", person))
        rnd = random.Random(seed + 1)
        for j in range(int(persons * variants)):
            i = rnd.randrange(len(everyone))
            writer.writerow(_row(f"v{j + 1}", f"e{i + 1}", population.vary(everyone[i])))


def _row(record_id: str, entity_id: str, p: dict) -> list:
    return [record_id, entity_id, p["family_name"], p["given_name"], p["family_kana"], p["given_kana"],
            p["birth_date"].isoformat(), p["sex"], p["postal_code"], p["address"], p["phone"]]  # fmt: skip
