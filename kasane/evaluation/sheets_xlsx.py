"""The progress sheets as an .xlsx workbook: the 一覧表 plus one worksheet per 施策, written and read back.

The layout is fixed (labels in column A at known rows), so that a reader can tell an edited layout from edited
values: a moved or merged cell, text in a numeric cell or a 年度 outside the plan period is reported with its
cell reference in Japanese, and nothing is imported unless the whole workbook reads cleanly. Export then
import gives back the same data (`selectors.plan_data`).
"""

import io
import zipfile
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from kasane.core.spreadsheets import _safe_cell

from . import progress, selectors
from .models import Basis, Plan

SUMMARY = "一覧表"
HEAD_FILL = PatternFill("solid", fgColor="DDE7F0")
DIRECTIONS = {"up": "増加", "down": "減少"}
YES_NO = {True: "有", False: "無"}
SUMMARY_HEADER = ["シートNo", "基本目標", "基本目標名", "施策", "施策名", "評価指標", "シート名"]
MAX_MEASURES = 200
MAX_INITIATIVES = 20

# (row, label) of the fixed part of a 施策's worksheet; values are in column B.
SHEET_FIELDS = [
    (1, "シートNo", "sheet_no"),
    (2, "基本目標", "goal"),
    (3, "施策番号", "number"),
    (4, "施策", "title"),
    (5, "目指す姿・状態", "vision"),
    (6, "1 評価指標", None),
    (7, "指標", "name"),
    (8, "単位", "unit"),
    (9, "方向", "direction"),
    (10, "数値の指標", "numeric"),
    (11, "小数の桁数", "decimals"),
    (12, "出典", "source"),
    (13, "調査年度", "survey_years"),
    (14, "区分", None),
    (15, "基準値", None),
    (16, "目標値", None),
]
FIRST_ACTUAL_ROW = 17


class LayoutError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__(" ".join(errors[:20]))
        self.errors = errors


def sheet_name(measure: dict) -> str:
    return f"No{measure['sheet_no']} {measure['number']}"[:31]


def _head(ws, row: int, values) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL


def _put(ws, row: int, col: int, value):
    if isinstance(value, Decimal):
        value = (
            int(value)
            if value == value.to_integral()
            else float(value)
            if len(str(value)) < 15
            else str(value)
        )
    cell = ws.cell(row=row, column=col, value=_safe_cell(value))
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def export_plan(plan: Plan) -> bytes:
    data = selectors.plan_data(plan)
    years = list(plan.years)
    wb = Workbook()
    ws = wb.active
    ws.title = SUMMARY
    _head(ws, 1, ["計画名", "計画期間（開始年度）", "計画期間（終了年度）", "所管課"])
    for col, value in enumerate(
        [data["name"], data["period_from"], data["period_to"], data["section"]], start=1
    ):
        _put(ws, 2, col, value)
    _head(ws, 4, SUMMARY_HEADER)
    goals = {g["number"]: g["title"] for g in data["goals"]}
    for row, m in enumerate(data["measures"], start=5):
        ind = m["indicator"]
        values = [m["sheet_no"], m["goal"], goals[m["goal"]], m["number"], m["title"], ind["name"] if ind else "",
                  sheet_name(m)]  # fmt: skip
        for col, value in enumerate(values, start=1):
            _put(ws, row, col, value)
    # Goals without a measure still need a row: they follow, with an empty シートNo.
    used = {m["goal"] for m in data["measures"]}
    row = 5 + len(data["measures"])
    for number, title in goals.items():
        if number not in used:
            _put(ws, row, 2, number)
            _put(ws, row, 3, title)
            row += 1
    for col, width in zip("ABCDEFG", (8, 8, 40, 8, 40, 50, 14), strict=True):
        ws.column_dimensions[col].width = width * 1.6
    for m in data["measures"]:
        _write_sheet(wb.create_sheet(sheet_name(m)), m, years)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _write_sheet(ws, m: dict, years: list[int]) -> None:
    ind = m["indicator"] or {}
    values = {
        "sheet_no": m["sheet_no"], "goal": m["goal"], "number": m["number"], "title": m["title"],
        "vision": m["vision"], "name": ind.get("name", ""), "unit": ind.get("unit", ""),
        "direction": DIRECTIONS.get(ind.get("direction"), "") if ind else "",
        "numeric": ("はい" if ind.get("numeric") else "いいえ") if ind else "",
        "decimals": ind.get("decimals", "") if ind else "", "source": ind.get("source", ""),
        "survey_years": ",".join(str(y) for y in ind.get("survey_years", [])),
    }  # fmt: skip
    for row, label, key in SHEET_FIELDS:
        ws.cell(row=row, column=1, value=label).font = Font(bold=True)
        if key:
            _put(ws, row, 2, values[key])
    _head(ws, 14, ["区分", "年度", "値", "文章", "進捗率（参考）"])
    if ind:
        _put(ws, 15, 2, ind["baseline_year"])
        _put(ws, 15, 3, ind["baseline_value"])
        _put(ws, 15, 4, ind["baseline_text"])
        _put(ws, 16, 2, ind["target_year"])
        _put(ws, 16, 3, ind["target_value"])
        _put(ws, 16, 4, ind["target_text"])
    row = FIRST_ACTUAL_ROW
    for year in years:
        ws.cell(row=row, column=1, value="実績値").font = Font(bold=True)
        _put(ws, row, 2, year)
        actual = ind.get("actuals", {}).get(year) if ind else None
        if actual:
            _put(ws, row, 3, actual["value"])
            _put(ws, row, 4, actual["text"])
            outcome = progress.evaluate(numeric=ind["numeric"], direction=ind["direction"],
                                        baseline=ind["baseline_value"], target=ind["target_value"],
                                        actual=actual["value"])  # fmt: skip
            if outcome.computed:
                _put(ws, row, 5, f"{outcome.rate}%")
        row += 1
    row += 1
    _head(ws, row, ["評価", "年度", "評価", "評価の方法（参考）", "評価の理由等"])
    row += 1
    for year in years:
        ev = m["evaluations"].get(year) or {}
        ws.cell(row=row, column=1, value="評価").font = Font(bold=True)
        _put(ws, row, 2, year)
        _put(ws, row, 3, ev.get("grade", ""))
        if ev:
            computed = progress.evaluate(numeric=ind.get("numeric", True), direction=ind.get("direction", "up"),
                                         baseline=ind.get("baseline_value"), target=ind.get("target_value"),
                                         actual=(ind.get("actuals", {}).get(year) or {}).get("value")).computed  # fmt: skip
            _put(ws, row, 4, Basis.COMPUTED.label if computed else Basis.JUDGED.label)
        _put(ws, row, 5, ev.get("reasons", ""))
        row += 1
    row += 1
    _head(ws, row, ["取組", "取組名", "概要", "見直し", "見直しの内容", "主務課", *years])
    row += 1
    for init in m["initiatives"]:
        ws.cell(row=row, column=1, value=f"取組{init['number']}").font = Font(bold=True)
        for col, value in enumerate([init["title"], init["outline"], YES_NO[init["revised"]], init["revision"],
                                     init["section"], *(init["progress"].get(y, "") for y in years)], start=2):  # fmt: skip
            _put(ws, row, col, value)
        row += 1
    for col, width in zip("ABCDEFGHIJKL", (14, 30, 40, 12, 50, 20, 40, 40, 40, 40, 40, 40), strict=True):
        ws.column_dimensions[col].width = width


# --- reading ------------------------------------------------------------------------------------------------


class _Reader:
    """Collects every problem with its cell reference instead of stopping at the first."""

    def __init__(self):
        self.errors: list[str] = []

    def error(self, ws, ref: str, message: str) -> None:
        self.errors.append(f"シート「{ws.title}」の{ref}：{message}")

    def text(self, ws, row: int, col: int) -> str:
        value = ws.cell(row=row, column=col).value
        if value is None:
            return ""
        text = str(value).replace("\x00", "").strip() if not isinstance(value, float) else _number_text(value)
        if text[:2] in {"'=", "'+", "'-", "'@"}:
            text = text[1:]  # undo the export's formula neutralisation
        return text

    def label(self, ws, row: int, col: int, expected: str) -> bool:
        found = self.text(ws, row, col)
        if found != expected:
            ref = ws.cell(row=row, column=col).coordinate
            self.error(
                ws,
                ref,
                f"「{expected}」があるはずの位置に「{found[:20]}」があります（様式の行や列を移動しないでください）。",
            )
            return False
        return True

    def number(self, ws, row: int, col: int, what: str) -> Decimal | None:
        cell = ws.cell(row=row, column=col)
        value = cell.value
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.error(ws, cell.coordinate, f"{what}は数値で入力してください。")
            return None
        text = _number_text(value) if isinstance(value, float) else str(value).strip().replace(",", "")
        try:
            number = Decimal(text)
        except ArithmeticError:
            self.error(
                ws,
                cell.coordinate,
                f"{what}は数値で入力してください（「{text[:20]}」は数値ではありません）。",
            )
            return None
        if (
            not number.is_finite()
            or abs(number) > Decimal("99999999999")
            or number != number.quantize(Decimal("0.001"))
        ):
            self.error(ws, cell.coordinate, f"{what}は小数第3位までの数値で入力してください。")
            return None
        return number

    def integer(self, ws, row: int, col: int, what: str, *, required: bool = True) -> int | None:
        number = self.number(ws, row, col, what)
        if number is None:
            if required and not self.text(ws, row, col):
                self.error(ws, ws.cell(row=row, column=col).coordinate, f"{what}を入力してください。")
            return None
        if number != number.to_integral():
            self.error(ws, ws.cell(row=row, column=col).coordinate, f"{what}は整数で入力してください。")
            return None
        return int(number)

    def year(self, ws, row: int, col: int, what: str, years: range | None) -> int | None:
        year = self.integer(ws, row, col, what)
        if year is not None and years is not None and year not in years:
            self.error(ws, ws.cell(row=row, column=col).coordinate,
                       f"{what}{year}は計画期間（{years.start}〜{years.stop - 1}年度）の外です。")  # fmt: skip
            return None
        return year


def _number_text(value: float) -> str:
    return format(Decimal(repr(value)).normalize(), "f")


def read_plan(upload) -> dict:
    """The plan in an exported workbook, or LayoutError listing every problem (with cell references)."""
    try:
        wb = load_workbook(upload, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise LayoutError(["Excel形式（.xlsx）のファイルとして読めませんでした。"]) from None
    reader = _Reader()
    for ws in wb.worksheets:
        for merged in ws.merged_cells.ranges:
            reader.error(ws, str(merged), "結合されたセルがあります。セルの結合を解除してください。")
    if reader.errors:
        raise LayoutError(reader.errors)
    if SUMMARY not in wb.sheetnames:
        raise LayoutError([f"シート「{SUMMARY}」がありません。出力した様式を使ってください。"])
    data = _read_summary(reader, wb[SUMMARY])
    if reader.errors:
        raise LayoutError(reader.errors)
    years = range(data["period_from"], data["period_to"] + 1)
    for m in data["measures"]:
        name = m.pop("sheet")
        if name not in wb.sheetnames:
            reader.errors.append(f"シート「{name}」がありません（一覧表の施策{m['number']}）。")
            continue
        _read_sheet(reader, wb[name], m, years)
    if reader.errors:
        raise LayoutError(reader.errors)
    return data


def _read_summary(reader: _Reader, ws) -> dict:
    for col, label in enumerate(
        ["計画名", "計画期間（開始年度）", "計画期間（終了年度）", "所管課"], start=1
    ):
        reader.label(ws, 1, col, label)
    for col, label in enumerate(SUMMARY_HEADER, start=1):
        reader.label(ws, 4, col, label)
    data = {
        "name": reader.text(ws, 2, 1),
        "period_from": reader.integer(ws, 2, 2, "計画期間（開始年度）"),
        "period_to": reader.integer(ws, 2, 3, "計画期間（終了年度）"),
        "section": reader.text(ws, 2, 4),
        "goals": [],
        "measures": [],
    }
    if not data["name"]:
        reader.error(ws, "A2", "計画名を入力してください。")
    start, end = data["period_from"], data["period_to"]
    if start is not None and end is not None and not (1989 <= start <= end <= start + 30):
        reader.error(ws, "B2", "計画期間の年度が正しくありません（開始年度 ≤ 終了年度、西暦で入力）。")
    goals: dict[int, str] = {}
    for row in range(5, 5 + MAX_MEASURES + 20):
        if not any(reader.text(ws, row, col) for col in range(1, 8)):
            break
        goal = reader.integer(ws, row, 2, "基本目標の番号")
        title = reader.text(ws, row, 3)
        if goal is not None:
            if goals.get(goal, title) != title:
                reader.error(ws, f"C{row}", f"基本目標{goal}の名称が他の行と異なります。")
            goals[goal] = title
        if not reader.text(ws, row, 1):
            continue
        sheet_no = reader.integer(ws, row, 1, "シートNo")
        data["measures"].append({"sheet_no": sheet_no, "goal": goal, "number": reader.text(ws, row, 4),
                                 "sheet": reader.text(ws, row, 7)})  # fmt: skip
    else:
        reader.error(ws, "A5", f"施策は{MAX_MEASURES}件までです。")
    data["goals"] = [{"number": n, "title": t} for n, t in sorted(goals.items())]
    return data


def _read_sheet(reader: _Reader, ws, m: dict, years: range) -> None:
    for row, label, _key in SHEET_FIELDS:
        reader.label(ws, row, 1, label)
    for col, label in enumerate(["区分", "年度", "値", "文章"], start=1):
        reader.label(ws, 14, col, label)
    if reader.integer(ws, 1, 2, "シートNo") != m["sheet_no"] or reader.text(ws, 3, 2) != m["number"]:
        reader.error(ws, "B1", "シートNo・施策番号が一覧表と一致しません。")
    if reader.integer(ws, 2, 2, "基本目標") != m["goal"]:
        reader.error(ws, "B2", "基本目標が一覧表と一致しません。")
    m["title"] = reader.text(ws, 4, 2)
    m["vision"] = reader.text(ws, 5, 2)
    name = reader.text(ws, 7, 2)
    row = FIRST_ACTUAL_ROW
    actuals = {}
    for year in years:
        if reader.label(ws, row, 1, "実績値"):
            found = reader.year(ws, row, 2, "実績値の年度", years)
            if found is not None and found != year:
                reader.error(ws, f"B{row}", f"この行は{year}年度の実績値です（{found}年度とあります）。")
            value = reader.number(ws, row, 3, "実績値")
            text = reader.text(ws, row, 4)
            if value is not None or text:
                actuals[year] = {"value": value, "text": text}
        row += 1
    if name:
        direction = {v: k for k, v in DIRECTIONS.items()}.get(reader.text(ws, 9, 2))
        if direction is None:
            reader.error(ws, "B9", "方向は「増加」か「減少」で入力してください。")
        numeric = reader.text(ws, 10, 2)
        if numeric not in ("はい", "いいえ"):
            reader.error(ws, "B10", "数値の指標は「はい」か「いいえ」で入力してください。")
        survey = []
        for part in reader.text(ws, 13, 2).replace("、", ",").split(","):
            if part.strip():
                if not part.strip().isdigit():
                    reader.error(
                        ws, "B13", "調査年度は西暦の年度をカンマで区切って入力してください（例：2020,2024）。"
                    )
                    break
                survey.append(int(part.strip()))
        m["indicator"] = {
            "name": name, "unit": reader.text(ws, 8, 2), "direction": direction or "up",
            "numeric": numeric == "はい", "decimals": reader.integer(ws, 11, 2, "小数の桁数") or 0,
            "source": reader.text(ws, 12, 2), "survey_years": survey,
            "baseline_year": reader.integer(ws, 15, 2, "基準値の年度"),
            "baseline_value": reader.number(ws, 15, 3, "基準値"), "baseline_text": reader.text(ws, 15, 4),
            "target_year": reader.year(ws, 16, 2, "目標値の年度", years),
            "target_value": reader.number(ws, 16, 3, "目標値"), "target_text": reader.text(ws, 16, 4),
            "actuals": actuals,
        }  # fmt: skip
        if m["indicator"]["decimals"] > 3:
            reader.error(ws, "B11", "小数の桁数は0〜3です。")
    else:
        m["indicator"] = None
        if actuals:
            reader.error(ws, f"C{FIRST_ACTUAL_ROW}", "評価指標（B7）がないのに実績値があります。")
    row += 1
    for col, label in enumerate(["評価", "年度", "評価", "評価の方法（参考）", "評価の理由等"], start=1):
        reader.label(ws, row, col, label)
    row += 1
    m["evaluations"] = {}
    for year in years:
        if reader.label(ws, row, 1, "評価"):
            found = reader.year(ws, row, 2, "評価の年度", years)
            if found is not None and found != year:
                reader.error(ws, f"B{row}", f"この行は{year}年度の評価です（{found}年度とあります）。")
            grade = reader.text(ws, row, 3).upper()
            if grade and grade not in ("A", "B", "C"):
                reader.error(ws, f"C{row}", "評価は A・B・C のいずれかで入力してください。")
            reasons = reader.text(ws, row, 5)
            if grade or reasons:
                m["evaluations"][year] = {"grade": grade, "reasons": reasons}
        row += 1
    row += 1
    header = ["取組", "取組名", "概要", "見直し", "見直しの内容", "主務課", *years]
    for col, label in enumerate(header, start=1):
        reader.label(ws, row, col, str(label))
    row += 1
    m["initiatives"] = []
    while any(reader.text(ws, row, col) for col in range(1, len(header) + 1)):
        label = reader.text(ws, row, 1)
        number = label[2:] if label.startswith("取組") else ""
        if not number.isdigit() or not 1 <= int(number) <= MAX_INITIATIVES:
            reader.error(ws, f"A{row}", "取組の番号は「取組1」のように入力してください。")
            break
        revised = reader.text(ws, row, 4)
        if revised not in ("有", "無"):
            reader.error(ws, f"D{row}", "見直しは「有」か「無」で入力してください。")
        m["initiatives"].append({
            "number": int(number), "title": reader.text(ws, row, 2), "outline": reader.text(ws, row, 3),
            "revised": revised == "有", "revision": reader.text(ws, row, 5), "section": reader.text(ws, row, 6),
            "progress": {y: t for i, y in enumerate(years) if (t := reader.text(ws, row, 7 + i))},
        })  # fmt: skip
        row += 1
