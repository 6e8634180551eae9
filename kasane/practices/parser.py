"""Parsing the FY2018 model-project compilation (seed 004) into reports: pure Python, no database.

The file is text converted from PDF: one report per municipality (or prefecture), each starting with a
heading line (「北海道 札幌市」) followed by 「都道府県名 … 市区町村名 …」; tables are tab-separated and irregular,
some cells still carry HTML (<p>, <li>, <table>, radio buttons for the ○ marks). Every value keeps the line
it was read from; a value that is missing or cannot be read unambiguously stays None (never guessed) and
its raw text is kept.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

CHIIKIRYOKU = "chiikiryoku"
TAKIKAN = "takikan"
TODOFUKEN = "todofuken"
PROJECT_LABELS = {
    CHIIKIRYOKU: "地域力強化推進事業",
    TAKIKAN: "多機関の協働による包括的支援体制構築事業",
    TODOFUKEN: "都道府県事業",
}

# The basic-figure labels of 1-1 (their cells start with these words) → field key.
FIGURE_LABELS = (
    ("人口", "population"),
    ("世帯数", "households"),
    ("高齢化率", "aging_rate"),
    ("生活保護受給率", "welfare_rate"),
    ("面積", "area"),
    ("地縁組織", "neighborhood_rate"),
    ("公立小学校数", "elementary_schools"),
    ("公立中学校数", "junior_high_schools"),
)
TEXT_LABELS = (("地域包括支援センター", "community_care_centers"), ("生活困窮者", "self_reliance_support"))
FIGURE_KEYS = tuple(key for _label, key in FIGURE_LABELS)

SECTION_TITLES = {
    "自治体の基本情報等": "",
    "事業を実施する上でのビジョンについて": "",
    "地域力強化推進事業について": CHIIKIRYOKU,
    "多機関の協働による包括的支援体制構築事業について": TAKIKAN,
    "都道府県事業について": TODOFUKEN,
    "成果目標の達成状況": "",
}
ACHIEVEMENT_TITLE = "成果目標の達成状況"
_SECTION_RE = re.compile(r"^\s*[0-9]\s*\.\s*(" + "|".join(map(re.escape, SECTION_TITLES)) + r")")
_TARGET_RE = re.compile(r"^\s*(?:[⑤⑧]\s*)?(?:-\s*)?事業の成果目標\s*")
# Where a target's text ends: the next part, item or heading of the report form.
_TARGET_STOP_RE = re.compile(
    r"^\s*(?:[アイウエオ]\s*「|ウ\s*その他|オ\s*その他|[⑤⑥⑦⑧⑨]|[0-9]\s*\.\s|(?:[⑤⑧]\s*)?事業の成果目標"
    # the form's own field labels, repeated after a cell's HTML table by the PDF conversion
    r"|\((?:対象|支援する対象|場所|バックアップ|拠点|研修|周知|把握))"
)
_PART_RE = re.compile(r"^\s*([アイ])\s*「住民に身近な圏域」")
_PROJECT_TOKEN_RE = re.compile(
    r"地域力強化推進事業|多機関の協働による\s*包括的支援体制構築事業|都道府県事業|○"
)
_ACHIEVEMENT_PROJECT_RE = re.compile(
    r"^[\s\-・○◎●■□◆◇<＜(（【\[]*(?:[0-9０-９]+\s*[\.．、)）]?\s*|[①②③]\s*)?"
    r"(地域力強化(?:推進)?事業|(?:多機関の協働による\s*)?包括的支援体制構築事業|都道府県事業)"
    # a heading: only closing marks or a note may follow the name (not 「…事業と連動し」)
    r"\s*(?:について)?\s*[＞>)）】\]]*\s*(?:[(（※].*)?$"
)
_NUMBER_RE = re.compile(r"^(約)?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(?:\(([^()]*)\)|([%‰％]|人|世帯|校))?")
_GROUPED_RE = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")
_TAG_RE = re.compile(r"<[^>]*>")
_INPUT_VALUE_RE = re.compile(r'<input[^>]*\bvalue="([^"]*)"[^>]*>')
_RADIO_RE = re.compile(r'<input[^>]*type="radio"[^>]*>')
_BREAK_RE = re.compile(r"</p>|<br\s*/?>|</li>|</tr>|<li[^>]*>")
_TOWN_PAIR_RE = re.compile(r"([^\s:：()（）]+?)\s*[:：]\s*([^\s]+)")
_COUNT_RE = re.compile(r"(\d+)\s*[人名]")


class ParseError(ValueError):
    """The file is not the compilation or is damaged (truncated, garbled): a Japanese message with the line."""


@dataclass
class Measure:
    """One figure as written: the number (None when missing or unreadable), its unit, the raw cell, the line."""

    value: Decimal | None
    unit: str
    raw: str
    line: int


@dataclass
class Target:
    project: str
    part: str  # ア / イ within 地域力強化推進事業, else ""
    text: str
    line: int


@dataclass
class Section:
    title: str
    line: int
    text: str  # the original lines, joined with "\n" (line numbers follow from `line`)


@dataclass
class ParsedReport:
    heading: str
    heading_line: int
    prefecture: str = ""
    municipality: str = ""
    is_prefectural: bool = False
    projects: list[str] = field(default_factory=list)
    projects_line: int | None = None
    section_name: str = ""
    section_line: int | None = None
    figures: dict[str, Measure] = field(default_factory=dict)
    texts: dict[str, Measure] = field(
        default_factory=dict
    )  # 地域包括支援センター, 生活困窮者自立相談支援事業
    towns: dict[str, dict[str, Measure]] = field(default_factory=dict)
    coordinators: Measure | None = None
    targets: list[Target] = field(default_factory=list)
    achievements: list[Target] = field(default_factory=list)  # per project where the text says so, else ""
    sections: list[Section] = field(default_factory=list)


def plain(text: str) -> str:
    """A cell without HTML: radio buttons as ○, text inputs as their value, breaks as spaces."""
    text = _RADIO_RE.sub("○", text)
    text = _INPUT_VALUE_RE.sub(r"\1", text)
    text = _BREAK_RE.sub(" ", text)
    return " ".join(_TAG_RE.sub(" ", text).split())


def segments(line: str) -> list[str]:
    """A physical line split where its HTML breaks paragraphs, list items and table rows, tags removed
    (tabs kept between cells)."""
    line = _INPUT_VALUE_RE.sub(r"\1", _RADIO_RE.sub("○", line))
    parts = _BREAK_RE.split(line)
    result = []
    for part in parts:
        cells = [" ".join(_TAG_RE.sub(" ", c).split()) for c in part.split("\t")]
        text = "\t".join(cells).strip("\t ")
        if text:
            result.append(text)
    return result


def parse_measure(raw: str, line: int) -> Measure:
    """「1,966,735(人)」→ 1966735 人; 「29.21(‰)」 keeps ‰; 「(%)」「-(%)」「不明(%)」「(1)(校)」「389,0606」→ None."""
    text = plain(raw).lstrip("※ ")
    match = _NUMBER_RE.match(text)
    if not match or not _GROUPED_RE.match(match.group(2)):
        return Measure(None, _unit_of(text), raw.strip(), line)
    try:
        value = Decimal(match.group(2).replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return Measure(None, "", raw.strip(), line)
    unit = _normalise_unit(match.group(3) or match.group(4) or "")
    return Measure(value, unit, raw.strip(), line)


def _unit_of(text: str) -> str:
    found = re.search(r"\(([^()0-9]*)\)\s*$", text)
    return _normalise_unit(found.group(1)) if found else ""


def _normalise_unit(unit: str) -> str:
    unit = "".join(unicodedata.normalize("NFKC", unit).split())
    return {"km2": "km²", "％": "%"}.get(unit, unit)


def parse_coordinators(raw: str, line: int) -> Measure:
    """The planned number of 相談支援包括化推進員: a leading 「N人/名」, or the sum of a list of 「種類N人」 only, or
    the one 「N人/名」 of the text; otherwise None (e.g. 「配置は行わない」, 「委託先:2か所(各2人) 直営:3人」, or a
    count qualified by a ※/ただし note)."""
    text = plain(raw)
    # A note that qualifies the count (「2人(…)※ただし臨時職員は…推進員ではない」) is read by a person, not guessed.
    if "※" in text or "ただし" in text:
        return Measure(None, "人", text, line)
    leading = re.match(r"^\s*(\d+)\s*[人名]", text)
    if leading:
        return Measure(Decimal(leading.group(1)), "人", text, line)
    parts = [p for p in re.split(r"[、,，]\s*", text) if p]
    if parts and all(re.fullmatch(r"[^\d()（）]{1,6}\s*\d+\s*[人名]", p.strip()) for p in parts):
        return Measure(Decimal(sum(int(_COUNT_RE.search(p).group(1)) for p in parts)), "人", text, line)
    counts = _COUNT_RE.findall(re.sub(r"[(（][^)）]*[)）]", "", text))
    if len(counts) == 1 and "各" not in text:
        return Measure(Decimal(counts[0]), "人", text, line)
    return Measure(None, "人", text, line)


def _label_key(cell: str, labels) -> str | None:
    compact = "".join(cell.split())
    for label, key in labels:
        if compact.startswith(label):
            return key
    return None


def _is_label(cell: str) -> bool:
    return _label_key(cell, FIGURE_LABELS + TEXT_LABELS) is not None


def _town_values(value: str) -> list[tuple[str, str]] | None:
    """「県:977,675(人) 上小阿仁村:2,150(人)」→ [(県, 977,675(人)), …]; None for a plain value."""
    text = re.sub(r"\(([^()]*)\)", lambda m: "(" + "".join(m.group(1).split()) + ")", plain(value))
    pairs = _TOWN_PAIR_RE.findall(text)
    return pairs or None


def _split_reports(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) indices of each report: from its heading (the line before 「都道府県名」) to the next one."""
    starts = []
    for i, line in enumerate(lines):
        if line.startswith("都道府県名"):
            h = i - 1
            while h >= 0 and not lines[h].strip():
                h -= 1
            if h < 0:
                raise ParseError(f"{i + 1}行目の「都道府県名」の前に自治体名の見出しがありません。")
            starts.append(h)
    return [(s, (starts[k + 1] if k + 1 < len(starts) else len(lines))) for k, s in enumerate(starts)]


def parse_text(text: str) -> list[ParsedReport]:
    """All reports of the file; raises ParseError for a file that is not the compilation or is damaged."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    bounds = _split_reports(lines)
    if not bounds:
        raise ParseError(
            "自治体ごとの報告（「都道府県名」で始まる表）が一つも見つかりません。"
            "厚生労働省のモデル事業報告集のテキストか確認してください。"
        )
    reports = [_parse_report(lines, start, end) for start, end in bounds]
    for report in reports:
        titles = [s.title for s in report.sections]
        if ACHIEVEMENT_TITLE not in titles or "自治体の基本情報等" not in titles:
            raise ParseError(
                f"{report.heading_line}行目からの報告（{report.heading}）に「自治体の基本情報等」または"
                f"「成果目標の達成状況」の見出しがありません。ファイルが途中で切れていないか確認してください。"
            )
    return reports


def _parse_report(lines: list[str], start: int, end: int) -> ParsedReport:
    report = ParsedReport(heading=lines[start].strip(), heading_line=start + 1)
    _parse_header(report, lines, start, end)
    _parse_sections(report, lines, start, end)
    _parse_figures(report, lines, start, end)
    _parse_project_sections(report, lines)
    return report


def _parse_header(report: ParsedReport, lines: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if lines[i].startswith("都道府県名"):
            cells = [c.strip() for c in lines[i].split("\t") if c.strip()]
            report.prefecture = cells[1] if len(cells) > 1 else ""
            name = cells[3] if len(cells) > 3 and cells[2].startswith("市区町村名") else ""
            report.municipality = "" if name in ("—", "-", "－") else name
            # A prefecture's own report: no municipality, or a heading without one (「青森県」 for 東津軽郡).
            report.is_prefectural = not report.municipality or report.heading == report.prefecture
            continue
        if lines[i].startswith("実施事業"):
            report.projects_line = i + 1
            joined = []
            for j in range(i, end):
                if j > i and (lines[j].startswith("※") or lines[j].startswith("担当部署名")):
                    break
                joined.append(plain(lines[j]))
            current = None
            marked = []
            for token in _PROJECT_TOKEN_RE.findall(" ".join(joined)):
                if token == "○":
                    if current and current not in marked:
                        marked.append(current)
                else:
                    current = next(k for k, v in PROJECT_LABELS.items() if "".join(token.split()) == v)
            report.projects = [k for k in PROJECT_LABELS if k in marked]
            continue
        if lines[i].startswith("担当部署名"):
            cells = [c.strip() for c in lines[i].split("\t")]
            report.section_name = plain(cells[1]) if len(cells) > 1 else ""
            report.section_line = i + 1
            return


def _parse_sections(report: ParsedReport, lines: list[str], start: int, end: int) -> None:
    marks = [
        (i, _SECTION_RE.match(lines[i]).group(1)) for i in range(start, end) if _SECTION_RE.match(lines[i])
    ]
    # 「1. 地域力強化推進事業(※…の実績)」 inside the achievement section is a sub-heading, not a new section.
    kept: list[tuple[int, str]] = []
    for i, title in marks:
        if kept and kept[-1][1] == ACHIEVEMENT_TITLE:
            continue
        kept.append((i, title))
    header_end = kept[0][0] if kept else end
    report.sections.append(Section("基本事項", start + 1, "\n".join(lines[start:header_end]).strip("\n")))
    for k, (i, title) in enumerate(kept):
        stop = kept[k + 1][0] if k + 1 < len(kept) else end
        body = lines[i + 1 : stop]
        while body and not body[-1].strip():
            body.pop()
        report.sections.append(Section(title, i + 1, "\n".join(lines[i:stop][: len(body) + 1])))


def _parse_figures(report: ParsedReport, lines: list[str], start: int, end: int) -> None:
    begin = next((i for i in range(start, end) if lines[i].startswith("1-1.")), None)
    if begin is None:
        return
    stop = next((i for i in range(begin + 1, end) if lines[i].startswith("1-2.")), end)
    cells: list[tuple[str, int]] = []
    for i in range(begin + 1, stop):
        cells.extend((c.strip(), i + 1) for c in lines[i].split("\t") if c.strip())
    for k, (cell, line) in enumerate(cells):
        key = _label_key(cell, FIGURE_LABELS)
        text_key = _label_key(cell, TEXT_LABELS)
        if key is None and text_key is None:
            continue
        value = cells[k + 1] if k + 1 < len(cells) and not _is_label(cells[k + 1][0]) else None
        if text_key:
            report.texts[text_key] = Measure(
                None, "", plain(value[0]) if value else "", value[1] if value else line
            )
            continue
        if key in report.figures:
            continue
        if value is None:
            report.figures[key] = Measure(None, "", "", line)
            continue
        pairs = _town_values(value[0])
        if pairs and not _NUMBER_RE.match(plain(value[0])):
            for town, raw in pairs:
                measure = parse_measure(raw, value[1])
                if town in ("県", report.prefecture):
                    report.figures[key] = measure
                else:
                    report.towns.setdefault(town, {})[key] = measure
            report.figures.setdefault(key, Measure(None, "", value[0], value[1]))
        else:
            report.figures[key] = parse_measure(value[0], value[1])
    # Reports for several towns that list only each town's population (「(各町村の人口) 平内町:11,092人 …」).
    for i in range(stop, end):
        if "(各町村の人口)" in lines[i]:
            cell = next(c for c in lines[i].split("\t") if "(各町村の人口)" in c)
            for town, raw in _TOWN_PAIR_RE.findall(plain(cell).replace("(各町村の人口)", "")):
                report.towns.setdefault(town, {}).setdefault("population", parse_measure(raw, i + 1))
            break


def _parse_project_sections(report: ParsedReport, lines: list[str]) -> None:
    for section in report.sections:
        project = SECTION_TITLES.get(section.title, "")
        seq = [
            (section.line + n, seg) for n, raw in enumerate(section.text.split("\n")) for seg in segments(raw)
        ]
        if section.title == ACHIEVEMENT_TITLE:
            _parse_achievements(report, seq[1:], section.line)
        elif project:
            _parse_targets(report, project, seq[1:])
            if project == TAKIKAN:
                for line_no, seg in seq:
                    if seg.replace(" ", "").startswith("④相談支援包括化推進員の配置予定人数"):
                        rest = seg.split("\t", 1)[1] if "\t" in seg else ""
                        report.coordinators = parse_coordinators(rest, line_no)
                        break


def _parse_targets(report: ParsedReport, project: str, seq: list[tuple[int, str]]) -> None:
    part = ""
    k = 0
    while k < len(seq):
        line_no, seg = seq[k]
        flat = seg.replace("\t", " ")
        found = _PART_RE.match(flat)
        if found and project == CHIIKIRYOKU:
            part = found.group(1)
        match = _TARGET_RE.match(flat)
        if not match:
            k += 1
            continue
        texts, first_line = [], line_no
        rest = flat[match.end() :].strip()
        if rest:
            texts.append(rest)
        k += 1
        while k < len(seq) and not _TARGET_STOP_RE.match(seq[k][1].replace("\t", " ")):
            if not texts:
                first_line = seq[k][0]
            texts.append(seq[k][1].replace("\t", " ").strip())
            k += 1
        text = "\n".join(t for t in texts if t)
        if text:
            report.targets.append(Target(project, part, text, first_line))


def _parse_achievements(report: ParsedReport, seq: list[tuple[int, str]], heading_line: int) -> None:
    current = Target("", "", "", heading_line + 1)
    parts = [current]
    for line_no, seg in seq:
        flat = seg.replace("\t", " ").strip()
        found = _ACHIEVEMENT_PROJECT_RE.match(flat)
        if found:
            name = found.group(1)
            project = (
                CHIIKIRYOKU if name.startswith("地域力") else TODOFUKEN if name == "都道府県事業" else TAKIKAN
            )
            current = Target(project, "", "", line_no)
            parts.append(current)
        if not current.text:
            current.line = line_no
        current.text = f"{current.text}\n{flat}" if current.text else flat
    report.achievements = [p for p in parts if p.text]
