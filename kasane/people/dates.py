"""Birth dates one slip away (名寄せ): a digit typed wrong, two digits swapped, day and month swapped, a year
off by one, and a 和暦 year converted in the wrong era (平成5年 taken as 昭和5年 gives 1930 instead of 1993)."""

from datetime import date

from django.utils import timezone

# First (Gregorian) year of each era: era year n of era E is start(E) + n - 1.
ERAS = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}

DIGIT = "1字違い・入れ替わり"
DAY_MONTH = "日と月の入れ替わり"
ERA = "和暦の元号違い"
YEAR = "1年違い"


def near_dates(day: date) -> dict[date, str]:
    """Each date one slip away from `day`, with which slip it is (the most telling one when several fit)."""
    near: dict[date, str] = {}

    def add(year: int, month: int, dd: int, kind: str) -> None:
        try:
            candidate = date(year, month, dd)
        except ValueError:
            return
        if candidate != day and 1868 <= candidate.year <= timezone.localdate().year:
            near.setdefault(candidate, kind)

    add(day.year, day.day, day.month, DAY_MONTH)
    for first in ERAS.values():
        era_year = day.year - first + 1
        if era_year >= 1:
            for other in ERAS.values():
                if other != first:
                    add(other + era_year - 1, day.month, day.day, ERA)
    digits = f"{day.year:04d}{day.month:02d}{day.day:02d}"  # strftime does not pad years before 1000
    spellings = set()
    for i in range(8):
        spellings.update(digits[:i] + d + digits[i + 1 :] for d in "0123456789")
        if i < 7:
            spellings.add(digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :])
    for spelling in sorted(spellings - {digits}):
        add(int(spelling[:4]), int(spelling[4:6]), int(spelling[6:]), DIGIT)
    for year in (day.year - 1, day.year + 1):
        add(year, day.month, day.day, YEAR)
    return near
