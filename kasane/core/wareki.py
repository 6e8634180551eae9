"""Japanese calendar: owns 和暦 (明治〜令和) conversion, formatting and parsing, and 年度 (April–March)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

__all__ = [
    "ERAS",
    "Era",
    "WarekiError",
    "fiscal_year",
    "fiscal_year_range",
    "format_fiscal_year",
    "format_wareki",
    "parse_date",
    "parse_fiscal_year",
    "to_wareki",
]


class WarekiError(ValueError):
    """A date or 年度 that cannot be read or represented; ``str()`` is a message fit for end users."""


@dataclass(frozen=True)
class Era:
    name: str  # "令和"
    short: str  # "R"
    start: date  # first day, inclusive
    end: date | None  # last day, inclusive; None for the current era

    @property
    def abbreviation(self) -> str:
        """The one-kanji form used in "令6.4.1"."""
        return self.name[0]

    def contains(self, d: date) -> bool:
        return self.start <= d and (self.end is None or d <= self.end)

    def gregorian_year(self, era_year: int) -> int:
        return self.start.year + era_year - 1

    def era_year(self, gregorian_year: int) -> int:
        return gregorian_year - self.start.year + 1


# Oldest first. 明治 is counted from its official start (改元の詔, 1868-10-23); dates before it are
# not represented (and before 1873 Japan did not use the Gregorian calendar anyway).
ERAS: tuple[Era, ...] = (
    Era("明治", "M", date(1868, 10, 23), date(1912, 7, 29)),
    Era("大正", "T", date(1912, 7, 30), date(1926, 12, 24)),
    Era("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
    Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    Era("令和", "R", date(2019, 5, 1), None),
)

_ERA_BY_TOKEN: dict[str, Era] = {}
for _era in ERAS:
    _ERA_BY_TOKEN[_era.name] = _era
    _ERA_BY_TOKEN[_era.abbreviation] = _era
    _ERA_BY_TOKEN[_era.short] = _era
    _ERA_BY_TOKEN[_era.short.lower()] = _era
del _era

FORMAT_ERROR = "日付の形式が正しくありません（例：2024-04-01、令和6年4月1日、R6.4.1）。"
FISCAL_FORMAT_ERROR = "年度の形式が正しくありません（例：2024、2024年度、令和6年度、R6年度）。"


def _as_date(d: date) -> date:
    # datetime is a subclass of date but does not compare with it; use its calendar day.
    return d.date() if isinstance(d, datetime) else d


def _year_label(era: Era, era_year: int) -> str:
    """ "元年" for the first year, "6年" otherwise (no era name)."""
    return "元年" if era_year == 1 else f"{era_year}年"


def _era_date_label(era: Era, d: date) -> str:
    """ "64年1月7日" — a date within ``era`` written without the era name."""
    return f"{_year_label(era, era.era_year(d.year))}{d.month}月{d.day}日"


def _since(era: Era) -> str:
    """ "（令和は元年5月1日からです）"."""
    return f"（{era.name}は{_era_date_label(era, era.start)}からです）"


def _until(era: Era) -> str:
    """ "（平成は31年4月30日までです）"; only for eras that have ended."""
    assert era.end is not None
    return f"（{era.name}は{_era_date_label(era, era.end)}までです）"


# --------------------------------------------------------------------------- 和暦


def to_wareki(d: date) -> tuple[Era, int]:
    """The era in force on ``d`` and the year within it (1 = 元年)."""
    d = _as_date(d)
    for era in reversed(ERAS):
        if d >= era.start:
            return era, era.era_year(d.year)
    raise WarekiError(f"{d.year}年{d.month}月{d.day}日は和暦で表せません{_since(ERAS[0])}。")


def format_wareki(d: date, *, style: Literal["long", "short", "year"] = "long") -> str:
    """``"令和6年4月1日"`` (long), ``"R6.4.1"`` (short) or ``"令和6年"`` (year).

    Year 1 is written 元年 in the long and year styles, 1 in the short style ("R1.5.1").
    """
    d = _as_date(d)
    era, year = to_wareki(d)
    if style == "long":
        return f"{era.name}{_year_label(era, year)}{d.month}月{d.day}日"
    if style == "short":
        return f"{era.short}{year}.{d.month}.{d.day}"
    if style == "year":
        return f"{era.name}{_year_label(era, year)}"
    raise ValueError(f"unknown style {style!r}; expected 'long', 'short' or 'year'")


# --------------------------------------------------------------------------- 年度


def fiscal_year(d: date) -> int:
    """The 年度 (April to March) containing ``d``, named by the calendar year of its April."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_range(fy: int) -> tuple[date, date]:
    """First and last day of 年度 ``fy``: (fy-04-01, fy+1-03-31), both inclusive."""
    if not 1 <= fy <= date.max.year - 1:
        raise WarekiError(f"{fy}年度は対応していない年度です。")
    return date(fy, 4, 1), date(fy + 1, 3, 31)


def _fiscal_era(fy: int) -> Era:
    """The era a 年度 is named after: the latest era that began in or before calendar year ``fy``.

    This matches official usage at both modern boundaries: 1988年度 = 昭和63年度, 1989年度 = 平成元年度,
    2018年度 = 平成30年度, 2019年度 = 令和元年度.
    """
    for era in reversed(ERAS):
        if era.start.year <= fy:
            return era
    raise WarekiError(f"{fy}年度は和暦で表せません（{ERAS[0].name}元年度より前です）。")


def format_fiscal_year(fy: int, *, style: Literal["long", "short"] = "long") -> str:
    """``"令和6年度"`` (long, 元年度 for year 1) or ``"R6年度"`` (short)."""
    era = _fiscal_era(fy)
    year = era.era_year(fy)
    if style == "long":
        return f"{era.name}{'元' if year == 1 else year}年度"
    if style == "short":
        return f"{era.short}{year}年度"
    raise ValueError(f"unknown style {style!r}; expected 'long' or 'short'")


# --------------------------------------------------------------------------- parsing

_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ーｰ", "-"))

_ERA = r"(?P<era>明治|大正|昭和|平成|令和|[明大昭平令]|[MTSHRmtshr])"
_ERA_YEAR = r"(?P<year>元|[0-9]{1,3})"
_MD_KANJI = r"\s*年\s*(?P<month>[0-9]{1,2})\s*月\s*(?P<day>[0-9]{1,2})\s*日?"
_MD_SEP = r"\s*(?P<sep>[-/.])\s*(?P<month>[0-9]{1,2})\s*(?P=sep)\s*(?P<day>[0-9]{1,2})"

_DATE_PATTERNS: tuple[tuple[re.Pattern[str], bool], ...] = (
    # (pattern, is_era)
    (re.compile(_ERA + r"\s*" + _ERA_YEAR + _MD_KANJI), True),
    (re.compile(_ERA + r"\s*" + _ERA_YEAR + _MD_SEP), True),
    (re.compile(r"(?P<year>[0-9]{4})" + _MD_KANJI), False),
    (re.compile(r"(?P<year>[0-9]{4})" + _MD_SEP), False),
    (re.compile(r"(?P<year>[0-9]{4})(?P<month>[0-9]{2})(?P<day>[0-9]{2})"), False),
)


def _normalise(text: str) -> str:
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    # NFKC: full-width digits/letters/punctuation to ASCII, and ㍻/㋿-style ligatures to 平成/令和.
    return unicodedata.normalize("NFKC", text).translate(_DASHES).strip()


def _parse_era_year(era: Era, year_text: str) -> int:
    year = 1 if year_text == "元" else int(year_text)
    if year == 0:
        raise WarekiError(f"{era.name}0年という年はありません。")
    if era.end is not None and era.gregorian_year(year) > era.end.year:
        raise WarekiError(f"{era.name}{year}年は存在しません{_until(era)}。")
    return year


def _build_date(year: int, month: int, day: int, label: str) -> date:
    """``label`` is the year as the user wrote it ("令和5年", "2023年"), for messages."""
    if not 1 <= month <= 12:
        raise WarekiError(f"{month}月という月はありません。")
    try:
        return date(year, month, day)
    except ValueError:
        raise WarekiError(f"{label}{month}月{day}日は存在しない日付です。") from None


def parse_date(text: str) -> date:
    """Read a date typed by a person, western or 和暦; raise :class:`WarekiError` with a Japanese message.

    Accepted (after NFKC, so full-width input works; surrounding spaces ignored): ``2024-04-01``,
    ``2024/4/1``, ``2024.4.1``, ``2024年4月1日``, ``20240401``, ``令和6年4月1日``, ``令和元年5月1日``,
    ``令6.4.1``, ``令6年4月1日``, ``R6.4.1``, ``R6/4/1``, ``r6.4.1``, ``H31.4.30``. A 和暦 date must lie
    within its era (``平成31年5月1日`` and ``令和元年4月30日`` are errors).
    """
    s = _normalise(text)
    if not s:
        raise WarekiError("日付が入力されていません。")
    for pattern, is_era in _DATE_PATTERNS:
        m = pattern.fullmatch(s)
        if m is None:
            continue
        month, day = int(m["month"]), int(m["day"])
        if not is_era:
            year = int(m["year"])
            if year == 0:
                raise WarekiError("0年という年はありません。")
            return _build_date(year, month, day, f"{year}年")
        era = _ERA_BY_TOKEN[m["era"]]
        era_year = _parse_era_year(era, m["year"])
        label = f"{era.name}{_year_label(era, era_year)}"
        d = _build_date(era.gregorian_year(era_year), month, day, label)
        if d < era.start:
            raise WarekiError(f"{label}{month}月{day}日は存在しません{_since(era)}。")
        if era.end is not None and d > era.end:
            raise WarekiError(f"{label}{month}月{day}日は存在しません{_until(era)}。")
        return d
    raise WarekiError(FORMAT_ERROR)


_FISCAL_WESTERN = re.compile(r"(?P<year>[0-9]{4})\s*(?:年度)?")
_FISCAL_ERA = re.compile(_ERA + r"\s*" + _ERA_YEAR + r"\s*(?:年度)?")


def parse_fiscal_year(text: str) -> int:
    """Read a 年度: ``2024``, ``2024年度``, ``令和6年度``, ``令和元年度``, ``R6年度``, ``R6`` → 2024.

    An era's 年度 run up to the one containing its last day, so ``平成31年度`` (= 令和元年度) is 2019,
    but ``平成32年度`` and ``昭和64年度`` are errors.
    """
    s = _normalise(text)
    if not s:
        raise WarekiError("年度が入力されていません。")
    m = _FISCAL_WESTERN.fullmatch(s)
    if m is not None:
        fy = int(m["year"])
        fiscal_year_range(fy)  # validates the range
        return fy
    m = _FISCAL_ERA.fullmatch(s)
    if m is None:
        raise WarekiError(FISCAL_FORMAT_ERROR)
    era = _ERA_BY_TOKEN[m["era"]]
    year = 1 if m["year"] == "元" else int(m["year"])
    if year == 0:
        raise WarekiError(f"{era.name}0年度という年度はありません。")
    if era.end is not None:
        last = era.era_year(fiscal_year(era.end))
        if year > last:
            last_label = "元" if last == 1 else str(last)
            raise WarekiError(f"{era.name}{year}年度は存在しません（{era.name}は{last_label}年度までです）。")
    return era.gregorian_year(year)
