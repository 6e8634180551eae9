"""All-or-nothing import of persons and consultations from a CSV (UTF-8 / CP932) or .xlsx ledger.

Three steps, so that nothing is ever partially saved:

1. ``parse_file(name, data)`` reads the file into rows (``ImportFileError`` for a file-level problem);
2. ``validate(rows, municipality)`` checks every row and returns an ``ImportPlan`` with *all* errors
   (``RowError(line, column, message)``) and, when there are none, what would be created;
3. ``apply(plan, municipality=..., actor=..., user=None)`` writes everything in one transaction, after
   validating again inside it, and audits every created person and consultation.

``COLUMNS`` is the single source of truth for the layout (docs/IMPORT.md describes the same list, and a
test keeps the two in step). Line numbers are those a spreadsheet shows: the header is line 1, a cell with
line breaks inside it still counts as one line.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from kasane.core import audit
from kasane.core.spreadsheets import csv_bytes
from kasane.core.wareki import WarekiError, parse_date
from kasane.directory.models import Agency
from kasane.people.models import Person, Sex, katakana_only
from kasane.people.names import kana_key, name_key, to_katakana

from .models import Consultation, ConsultationProblem, Consulter, Pattern, Problem, Response, Route, Urgency

__all__ = [
    "COLUMNS",
    "HEADERS",
    "MAX_BYTES",
    "MAX_ROWS",
    "Column",
    "ImportFileError",
    "ImportPlan",
    "ImportRejected",
    "ImportResult",
    "RowError",
    "apply",
    "parse_file",
    "template_bytes",
    "validate",
]

MAX_BYTES = 10 * 1024 * 1024  # 10 MB, the file as uploaded
MAX_ROWS = 20_000  # data rows (the header not counted)
MAX_XLSX_UNPACKED = 200 * 1024 * 1024  # an .xlsx is a zip: refuse one that unpacks to more (zip bomb)
MAX_COLUMNS_READ = 200  # cells read per spreadsheet row
OLDEST_BIRTH_DATE = date(1900, 1, 1)

DEFAULT_ACTOR = "import_consultations"
BATCH = 500  # rows per INSERT
LINE = "_line"  # key of each parsed row: its line number in the file (header = 1)
EXTRA = "_extra"  # key of each parsed row: how many non-empty cells stand under no known header


class ImportFileError(Exception):
    """The file as a whole cannot be read (empty, wrong type or encoding, wrong headers, too big)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, order=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.line}行目「{self.column}」" if self.column else f"{self.line}行目"
        return f"{where}：{self.message}"


class ImportRejected(Exception):
    """``apply`` was given a plan with errors (or the data changed so that it has errors now)."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"取り込めません（エラー {len(errors)}件）。")
        self.errors = errors


# --------------------------------------------------------------------------- the column layout


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _labels(choices) -> str:
    return "／".join(label for _value, label in choices)


@dataclass(frozen=True)
class Column:
    header: str  # the Japanese header, exactly as in the template
    key: str  # the model field (or pseudo-field) it fills
    group: str  # "本人" or "相談"
    description: str
    example: str = ""
    required: str = ""  # "" (optional), "必須", or a condition in words
    max_length: int | None = None


COLUMNS: tuple[Column, ...] = (
    Column("氏", "family_name", "本人", "氏（漢字）", "山田", "氏・名・フリガナ・特徴のいずれか",
           _max_length(Person, "family_name")),
    Column("名", "given_name", "本人", "名（漢字）", "花子", "", _max_length(Person, "given_name")),
    Column("氏フリガナ", "family_kana", "本人", "カタカナ（ひらがな・半角カナは自動でカタカナにします。漢字は不可）",
           "ヤマダ", "", _max_length(Person, "family_kana")),
    Column("名フリガナ", "given_kana", "本人", "同上", "ハナコ", "", _max_length(Person, "given_kana")),
    Column("生年月日", "birth_date", "本人", "西暦（2024-04-01、2024/4/1）または和暦（令和6年4月1日、R6.4.1）",
           "昭和25年5月1日"),
    Column("性別", "sex", "本人", f"{_labels(Sex.choices)}（空欄は不明）", "女"),
    Column("郵便番号", "postal_code", "本人", "123-4567 または 1234567", "500-0000", "",
           _max_length(Person, "postal_code")),
    Column("住所", "address", "本人", "", "岐阜市〇〇町1丁目2番3号", "", _max_length(Person, "address")),
    Column("電話（自宅）", "phone_home", "本人", "", "058-000-0000", "", _max_length(Person, "phone_home")),
    Column("電話（携帯）", "phone_mobile", "本人", "", "090-0000-0000", "", _max_length(Person, "phone_mobile")),
    Column("連絡上の配慮", "contact_precautions", "本人", "例：自宅に電話しない", "自宅に電話しない", "",
           _max_length(Person, "contact_precautions")),
    Column("特徴", "description", "本人", "氏名がわからないとき（例：50代男性）", "", "",
           _max_length(Person, "description")),
    Column("受付日", "received_on", "相談", "西暦または和暦。未来の日付は不可", "令和6年4月1日", "必須"),
    Column("受付機関", "agency", "相談", "相談機関一覧表の機関名（空欄は市町村の受付）", ""),
    Column("受付者名", "staff_name", "相談", "受け付けた職員の氏名", "相談 太郎", "",
           _max_length(Consultation, "staff_name")),
    Column("相談経路", "route", "相談", _labels(Route.choices), "来所", "必須"),
    Column("相談者", "consulter", "相談", _labels(Consulter.choices), "家族", "必須"),
    Column("相談者の続柄", "consulter_relationship", "相談", "相談者が家族などのとき（例：長女）", "長女", "",
           _max_length(Consultation, "consulter_relationship")),
    Column("課題", "problems", "相談", f"次の項目を「、」か「;」で区切って複数：{_labels(Problem.choices)}",
           "介護、収入・生活費"),
    Column("最も困っていること", "main_problem", "相談", "課題の項目から1つ（◎の項目。課題に無ければ追加します）",
           "介護"),
    Column("パターン", "patterns", "相談", "この自治体のパターン名を「、」で区切って複数（例：8050、ダブルケア）", ""),
    Column("緊急度", "urgency", "相談", f"{_labels(Urgency.choices)}（空欄は通常）", "通常"),
    Column("対応", "response", "相談", _labels(Response.choices), "助言", "必須"),
    Column("相談内容", "narrative", "相談", "自由記述（セル内の改行可）", "母の介護と生活費について相談。", "",
           _max_length(Consultation, "narrative")),
    Column("初回相談の行番号", "first_line", "相談",
           "継続相談のとき、同じファイルにある初回の相談の行番号（見出しが1行目）。本人の列は空欄でも構いません", ""),
)  # fmt: skip

HEADERS: list[str] = [c.header for c in COLUMNS]
_COLUMN = {c.key: c for c in COLUMNS}
_PERSON_KEYS = [c.key for c in COLUMNS if c.group == "本人"]
_NAME_KEYS = ("family_name", "given_name", "family_kana", "given_kana")

SEX_ALIASES = {"男性": Sex.MALE, "女性": Sex.FEMALE}


def _fold(text: str) -> str:
    """Compare names and labels after NFKC with all spaces removed (全角・半角・空白の違いを吸収)."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


_HEADER_BY_FOLD = {_fold(c.header): c.header for c in COLUMNS}


# --------------------------------------------------------------------------- reading the file


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            "UTF-16 のファイルは読み取れません。Excel では「CSV UTF-8（コンマ区切り）」で保存してください。"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("cp932")
        except UnicodeDecodeError as sjis_error:
            # The encoding that read further is most likely the intended one: report where it stopped.
            line = _line_of(data, max(utf8_error.start, sjis_error.start))
            raise ImportFileError(
                f"{line}行目に読み取れない文字があります（UTF-8 としても Shift_JIS（CP932）としても読めません）。"
                "文字コードを UTF-8 または Shift_JIS にして保存し直してください。"
            ) from None


def _csv_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 0
    try:
        for line, record in enumerate(reader, start=1):
            yield line, record
    except csv.Error:
        raise ImportFileError(
            f'{line + 1}行目を CSV として読み取れません。引用符（"）の対応や、1つのセルが長すぎないかを確認してください。'
        ) from None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    unreadable = ImportFileError(
        "Excel ファイル（.xlsx）として読み取れません。パスワードを外し、.xlsx 形式で保存し直してください。"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise unreadable from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise ImportFileError("Excel ファイルの中身が大きすぎます。ファイルを分けて取り込んでください。")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, InvalidFileException, XML errors …)
        raise unreadable from None
    try:
        if not workbook.worksheets:
            raise unreadable
        sheet = workbook.worksheets[0]
        try:
            for line, values in enumerate(
                sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS_READ), start=1
            ):
                yield line, [_cell_text(v) for v in values]
        except ImportFileError:
            raise
        except Exception:
            raise unreadable from None
    finally:
        workbook.close()


def _clean_cell(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@"):
        value = value[1:]  # undo the formula-injection guard of kasane's own exports (core.spreadsheets)
    return value


def parse_file(name: str, data: bytes) -> list[dict]:
    """The data rows of a .csv or .xlsx file as dicts keyed by the Japanese header (plus ``LINE``, ``EXTRA``).

    Raises ImportFileError (a Japanese message) for a problem with the file as a whole.
    """
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"ファイルが大きすぎます（{len(data) / 1024 / 1024:.1f}MB）。"
            f"{MAX_BYTES // 1024 // 1024}MB 以下に分けて取り込んでください。"
        )
    suffix = PurePath(name or "").suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ImportFileError(
            "CSV（.csv）または Excel（.xlsx）のファイルを選んでください"
            "（古い Excel 形式（.xls）は .xlsx で保存し直してください）。"
        )
    if not data.strip(b" \t\r\n\x00") or data.strip() == b"\xef\xbb\xbf":
        raise ImportFileError("ファイルが空です。")
    if suffix == ".csv" and data.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            "このファイルは Excel 形式のようです。拡張子を .xlsx にするか、CSV で保存し直してください。"
        )
    records = _csv_records(data) if suffix == ".csv" else _xlsx_records(data)
    return _rows(records)


def _check_header(cells: list[str]) -> list[str | None]:
    """The canonical header of each position (None for an empty header cell); raises for a wrong header."""
    while cells and not cells[-1].strip():
        cells = cells[:-1]
    if not cells:
        raise ImportFileError("1行目（見出しの行）が空です。テンプレートの見出しをそのまま使ってください。")
    headers: list[str | None] = []
    unknown: list[str] = []
    duplicated: list[str] = []
    for cell in cells:
        folded = _fold(cell)
        if not folded:
            headers.append(None)
            continue
        header = _HEADER_BY_FOLD.get(folded)
        if header is None:
            unknown.append(cell.strip())
        elif header in headers:
            duplicated.append(header)
        headers.append(header)
    missing = [h for h in HEADERS if h not in headers]
    if missing or unknown or duplicated:
        parts = []
        if missing:
            parts.append(f"足りない列：{'、'.join(missing)}")
        if unknown:
            parts.append(f"知らない列：{'、'.join(unknown)}")
        if duplicated:
            parts.append(f"重複している列：{'、'.join(dict.fromkeys(duplicated))}")
        raise ImportFileError(
            f"1行目（見出しの行）が正しくありません（{'／'.join(parts)}）。"
            "テンプレートの見出しをそのまま使ってください。"
        )
    return headers


def _rows(records: Iterable[tuple[int, list[str]]]) -> list[dict]:
    headers: list[str | None] | None = None
    rows: list[dict] = []
    for line, cells in records:
        if headers is None:
            headers = _check_header(cells)
            continue
        cells = [_clean_cell(c) for c in cells]
        if not any(cells):
            continue  # an empty line; later line numbers still count it, as a spreadsheet does
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                f"行数が多すぎます（最大 {MAX_ROWS:,}行）。ファイルを {MAX_ROWS:,}行以下に分けて取り込んでください。"
            )
        row: dict = dict.fromkeys(HEADERS, "")
        extra = 0
        for i, value in enumerate(cells):
            header = headers[i] if i < len(headers) else None
            if header is None:
                extra += bool(value)
            else:
                row[header] = value
        row[LINE] = line
        row[EXTRA] = extra
        rows.append(row)
    if headers is None:
        raise ImportFileError("ファイルが空です。")
    if not rows:
        raise ImportFileError("データの行がありません（見出しの行だけです）。")
    return rows


# --------------------------------------------------------------------------- the plan


@dataclass
class PlannedPerson:
    key: tuple | None  # ("name"|"kana", key, birth_date) or None for a person known only by 特徴
    lines: list[int]
    fields: dict = field(default_factory=dict)
    agency_id: int | None = None
    existing_id: int | None = None
    existing_name: str = ""

    @property
    def display_name(self) -> str:
        name = f"{self.fields.get('family_name', '')} {self.fields.get('given_name', '')}".strip()
        kana = f"{self.fields.get('family_kana', '')} {self.fields.get('given_kana', '')}".strip()
        return self.existing_name or name or kana or self.fields.get("description", "") or "（氏名なし）"


@dataclass
class PlannedConsultation:
    line: int
    person_index: int
    fields: dict
    agency_id: int | None
    problems: list[str]
    pattern_ids: list[int]
    first_line: int | None  # the line of the very first consultation of the chain


@dataclass
class ImportPlan:
    municipality: object
    rows: list[dict]
    errors: list[RowError] = field(default_factory=list)
    persons: list[PlannedPerson] = field(default_factory=list)
    consultations: list[PlannedConsultation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def new_person_count(self) -> int:
        return sum(1 for p in self.persons if p.existing_id is None)

    @property
    def reused_person_count(self) -> int:
        return sum(1 for p in self.persons if p.existing_id is not None)

    @property
    def consultation_count(self) -> int:
        return len(self.consultations)

    def notes(self) -> list[str]:
        """One line per registered person the file's rows are added to (名寄せの結果)."""
        return [
            f"{_lines_label(p.lines)}：登録済みの本人「{p.display_name}」（ID {p.existing_id}）の相談として取り込みます。"
            for p in self.persons
            if p.existing_id is not None
        ]


def _lines_label(lines: list[int]) -> str:
    shown = "・".join(f"{n}行目" for n in lines[:5])
    return shown + (f" ほか{len(lines) - 5}行" if len(lines) > 5 else "")


@dataclass
class _Row:
    line: int
    values: dict
    person: dict = field(default_factory=dict)
    consultation: dict = field(default_factory=dict)
    agency_id: int | None = None
    problems: list[str] = field(default_factory=list)
    pattern_ids: list[int] = field(default_factory=list)
    ref: int | None = None  # 初回相談の行番号 as written
    root: int | None = None  # the very first consultation's line
    key: tuple | None = None
    has_identity: bool = False  # 氏・名・フリガナ or 特徴 given
    person_index: int | None = None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff々〆〇]")
_POSTAL = re.compile(r"^[0-9]{3}-?[0-9]{4}$")
_SPLIT = re.compile(r"[、,;；，\n]")
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ーｰ", "-"))


class _Checker:
    def __init__(self, municipality):
        self.municipality = municipality
        self.today = timezone.localdate()
        self.errors: list[RowError] = []
        agencies: dict[str, list[Agency]] = {}
        for agency in Agency.objects.filter(municipality=municipality):
            agencies.setdefault(_fold(agency.name), []).append(agency)
        self.agencies = agencies
        patterns = list(Pattern.objects.filter(municipality=municipality))
        self.patterns = {_fold(p.name): p for p in patterns}
        self.pattern_names = "、".join(p.name for p in patterns)

    def error(self, line: int, key_or_header: str, message: str) -> None:
        column = _COLUMN[key_or_header].header if key_or_header in _COLUMN else key_or_header
        self.errors.append(RowError(line, column, message))

    # --- cells

    def text(self, row: _Row, key: str) -> str:
        column = _COLUMN[key]
        value = _clean_cell(_cell_text(row.values.get(column.header)))  # rows may come from a script, too
        if _CONTROL.search(value):
            self.error(row.line, key, "表示できない制御文字が含まれています。削除してください。")
            return ""
        if key != "narrative" and "\n" in value:
            self.error(
                row.line, key, "セルの中で改行できるのは「相談内容」だけです。改行を削除してください。"
            )
            return ""
        if column.max_length and len(value) > column.max_length:
            self.error(
                row.line,
                key,
                f"{column.max_length:,}文字以内で入力してください（{len(value):,}文字あります）。",
            )
            return ""
        return value

    def choice(self, row: _Row, key: str, choices, *, default=None, aliases=None) -> str | None:
        value = self.text(row, key)
        if not value:
            if default is None and _COLUMN[key].required == "必須":
                self.error(row.line, key, "入力してください。")
            return default
        by_label = {_fold(label): v for v, label in choices}
        by_label.update({_fold(k): v for k, v in (aliases or {}).items()})
        found = by_label.get(_fold(value))
        if found is None:
            self.error(row.line, key, f"「{value}」は選べません（{_labels(choices)} のいずれか）。")
        return found

    def day(self, row: _Row, key: str, *, required: bool) -> date | None:
        value = self.text(row, key)
        if not value:
            if required:
                self.error(row.line, key, "入力してください。")
            return None
        try:
            return parse_date(value)
        except WarekiError as exc:
            self.error(row.line, key, str(exc))
            return None

    def kana(self, row: _Row, key: str) -> str:
        value = self.text(row, key)
        if not value:
            return ""
        kanji = _KANJI.findall(value)
        if kanji:
            self.error(
                row.line, key,
                f"フリガナに漢字（{''.join(dict.fromkeys(kanji))}）が含まれています。カタカナかひらがなで入力してください。",
            )  # fmt: skip
            return ""
        converted = to_katakana(value)
        if not katakana_only.regex.search(converted):
            self.error(row.line, key, str(katakana_only.message))
            return ""
        if len(converted) > _COLUMN[key].max_length:
            self.error(row.line, key, f"{_COLUMN[key].max_length}文字以内で入力してください。")
            return ""
        return converted

    # --- one row

    def check_row(self, raw: dict, line: int) -> _Row:
        row = _Row(line=line, values=raw)
        if raw.get(EXTRA):
            self.error(
                row.line, "", "見出しのない列に値が入っています。テンプレートの列だけを使ってください。"
            )
        person = row.person
        for key in ("family_name", "given_name", "address", "contact_precautions", "description"):
            person[key] = self.text(row, key)
        person["family_kana"] = self.kana(row, "family_kana")
        person["given_kana"] = self.kana(row, "given_kana")
        birth = self.day(row, "birth_date", required=False)
        if birth and birth > self.today:
            self.error(row.line, "birth_date", "生年月日が未来の日付になっています。")
            birth = None
        elif birth and birth < OLDEST_BIRTH_DATE:
            self.error(
                row.line, "birth_date", "生年月日が1900年より前になっています。入力を確認してください。"
            )
            birth = None
        person["birth_date"] = birth
        sex = self.choice(row, "sex", Sex.choices, default=Sex.UNKNOWN, aliases=SEX_ALIASES)
        person["sex"] = sex or Sex.UNKNOWN
        postal = unicodedata.normalize("NFKC", self.text(row, "postal_code")).translate(_DASHES)
        postal = postal.removeprefix("〒").strip()
        if postal and not _POSTAL.fullmatch(postal):
            self.error(row.line, "postal_code", "郵便番号は 123-4567 の形で入力してください。")
            postal = ""
        person["postal_code"] = postal
        for key in ("phone_home", "phone_mobile"):
            person[key] = unicodedata.normalize("NFKC", self.text(row, key))
        row.has_identity = any(person[k] for k in (*_NAME_KEYS, "description"))
        kanji_key = name_key(f"{person['family_name']}{person['given_name']}")
        reading_key = kana_key(f"{person['family_kana']}{person['given_kana']}")
        if kanji_key:
            row.key = ("name", kanji_key, person["birth_date"])
        elif reading_key:
            row.key = ("kana", reading_key, person["birth_date"])

        c = row.consultation
        received = self.day(row, "received_on", required=True)
        if received and received > self.today:
            self.error(row.line, "received_on", "受付日が未来の日付になっています。")
            received = None
        if received and birth and received < birth:
            self.error(row.line, "received_on", "受付日が生年月日より前になっています。")
        c["received_on"] = received
        row.agency_id = self.agency(row)
        c["staff_name"] = self.text(row, "staff_name")
        c["route"] = self.choice(row, "route", Route.choices)
        c["consulter"] = self.choice(row, "consulter", Consulter.choices)
        c["consulter_relationship"] = self.text(row, "consulter_relationship")
        c["urgency"] = self.choice(row, "urgency", Urgency.choices, default=Urgency.NORMAL)
        c["response"] = self.choice(row, "response", Response.choices)
        c["narrative"] = self.text(row, "narrative")
        row.problems = self.problems(row)
        main = self.choice(row, "main_problem", Problem.choices, default="")
        c["main_problem"] = main or ""
        if main and main not in row.problems:
            row.problems.append(main)
        row.pattern_ids = self.pattern_ids(row)
        row.ref = self.reference(row)
        return row

    def agency(self, row: _Row) -> int | None:
        value = self.text(row, "agency")
        if not value:
            return None
        found = self.agencies.get(_fold(value), [])
        if len(found) == 1:
            return found[0].pk
        if found:
            self.error(
                row.line,
                "agency",
                f"「{value}」に当たる機関が複数あります。一覧表の機関名を確認してください。",
            )
        else:
            self.error(
                row.line, "agency",
                f"「{value}」は相談機関一覧表にありません。一覧表の機関名のとおりに入力するか、"
                "市町村の受付なら空欄にしてください。",
            )  # fmt: skip
        return None

    def problems(self, row: _Row) -> list[str]:
        value = self.text(row, "problems")
        by_label = {_fold(label): v for v, label in Problem.choices}
        found, unknown = [], []
        for part in _SPLIT.split(value):
            if not part.strip():
                continue
            problem = by_label.get(_fold(part))
            if problem is None:
                unknown.append(part.strip())
            elif problem not in found:
                found.append(problem)
        if unknown:
            self.error(
                row.line, "problems",
                f"「{'」「'.join(unknown)}」は課題の項目にありません（{_labels(Problem.choices)}）。",
            )  # fmt: skip
        return found

    def pattern_ids(self, row: _Row) -> list[int]:
        value = self.text(row, "patterns")
        found, unknown = [], []
        for part in _SPLIT.split(value):
            if not part.strip():
                continue
            pattern = self.patterns.get(_fold(part))
            if pattern is None:
                unknown.append(part.strip())
            elif pattern.pk not in found:
                found.append(pattern.pk)
        if unknown:
            known = (
                f"登録済み：{self.pattern_names}"
                if self.pattern_names
                else "この自治体にはパターンが未登録です"
            )
            self.error(
                row.line,
                "patterns",
                f"「{'」「'.join(unknown)}」はこの自治体のパターンにありません（{known}）。",
            )
        return found

    def reference(self, row: _Row) -> int | None:
        value = unicodedata.normalize("NFKC", self.text(row, "first_line")).strip()
        value = value.removesuffix("行目").removesuffix("行").strip()
        if not value:
            return None
        if not re.fullmatch(r"[0-9]{1,9}", value):
            self.error(row.line, "first_line", "行番号は数字で入力してください（例：2）。")
            return None
        return int(value)


def validate(rows: list[dict], municipality, *, user=None) -> ImportPlan:
    """Check every row; the plan holds all errors, or (when there are none) what ``apply`` will create.

    With ``user`` (the upload page) the import stays inside that user's rights: every row is recorded at
    the user's own counter, and a registered person the user may not see is never matched or disclosed.
    """
    checker = _Checker(municipality)
    checked = [checker.check_row(raw, raw.get(LINE, i + 2)) for i, raw in enumerate(rows)]
    for i, raw in enumerate(rows):
        if _is_example(raw):
            checker.error(
                raw.get(LINE, i + 2), "family_name",
                "この行はテンプレートの記入例（山田 花子）のままです。記入例の行を消してから取り込んでください。",
            )  # fmt: skip
    by_line = {r.line: r for r in checked}
    _resolve_references(checker, checked, by_line)
    persons = _assign_persons(checker, checked, by_line)
    _match_existing(checker, persons, municipality, user)
    if user is not None:
        _limit_to_user(checker, checked, persons, user)
    consultations = [
        PlannedConsultation(
            line=r.line,
            person_index=r.person_index,
            fields=r.consultation,
            agency_id=r.agency_id,
            problems=r.problems,
            pattern_ids=r.pattern_ids,
            first_line=r.root,
        )
        for r in checked
        if r.person_index is not None
    ]
    _check_duplicates(checker, consultations, persons)
    plan = ImportPlan(
        municipality=municipality, rows=rows, errors=sorted(set(checker.errors), key=_error_order)
    )
    if plan.ok:
        plan.persons, plan.consultations = persons, consultations
    return plan


_COLUMN_ORDER = {c.header: i for i, c in enumerate(COLUMNS)}


def _error_order(e: RowError):
    return (e.line, _COLUMN_ORDER.get(e.column, -1), e.message)


def _resolve_references(checker: _Checker, rows: list[_Row], by_line: dict[int, _Row]) -> None:
    for row in rows:
        if row.ref is None:
            continue
        if row.ref == row.line:
            checker.error(
                row.line, "first_line", "自分自身の行は指定できません。初回の相談の行番号を入力してください。"
            )
            row.ref = None
            continue
        if row.ref not in by_line:
            checker.error(row.line, "first_line", f"{row.ref}行目はこのファイルの相談の行ではありません。")
            row.ref = None
    roots: dict[int, int | None] = {}  # line → the line of the very first consultation (None: a loop)
    for row in rows:
        if row.ref is None:
            continue
        path: list[int] = []
        seen: set[int] = set()
        current = row.line
        while True:
            if current in roots:
                root = roots[current]
                break
            if by_line[current].ref is None:
                root = current
                break
            if current in seen:
                root = None
                break
            seen.add(current)
            path.append(current)
            current = by_line[current].ref
        for line in path:
            roots[line] = root
        if root is None:
            checker.error(
                row.line,
                "first_line",
                "初回相談の行番号をたどると同じ行に戻ってしまいます（循環しています）。",
            )
            continue
        row.root = root
        root = by_line[row.root]
        received, first = row.consultation.get("received_on"), root.consultation.get("received_on")
        if received and first and received < first:
            checker.error(row.line, "received_on", f"初回の相談（{row.root}行目）の受付日より前の日付です。")


def _assign_persons(checker: _Checker, rows: list[_Row], by_line: dict[int, _Row]) -> list[PlannedPerson]:
    persons: list[PlannedPerson] = []
    by_key: dict[tuple, int] = {}

    def new_person(key) -> int:
        persons.append(PlannedPerson(key=key, lines=[]))
        return len(persons) - 1

    # First consultations and single rows: grouped by their key. Follow-ups then join their first one's person.
    for row in rows:
        if row.root is not None:
            continue
        if row.key is not None:
            if row.key not in by_key:
                by_key[row.key] = new_person(row.key)
            row.person_index = by_key[row.key]
        else:
            if not row.has_identity and row.ref is None:
                checker.error(
                    row.line,
                    "family_name",
                    "氏名・フリガナ・特徴（例：50代男性）のいずれかを入力してください。",
                )
            row.person_index = new_person(None)
    for row in rows:
        if row.root is None:
            continue
        root = by_line[row.root]
        row.person_index = root.person_index
        if not _same_person(row.person, root.person):
            checker.error(
                row.line, "first_line", f"初回の相談（{row.root}行目）と本人（氏名・生年月日）が違います。"
            )
    for row in sorted(rows, key=lambda r: r.line):
        if row.person_index is None:
            continue
        person = persons[row.person_index]
        if not person.lines:
            person.agency_id = row.agency_id  # registered by the counter of the person's first row
        person.lines.append(row.line)
        for key in _PERSON_KEYS:  # the first non-empty (for 性別: known) value of each column wins
            value = row.person.get(key)
            current = person.fields.get(key)
            if value and (not current or (key == "sex" and current == Sex.UNKNOWN)):
                person.fields[key] = value
    for person in persons:
        for key in _PERSON_KEYS:
            person.fields.setdefault(key, None if key == "birth_date" else "")
        person.fields["sex"] = person.fields["sex"] or Sex.UNKNOWN
    return persons


def _same_person(follow_up: dict, first: dict) -> bool:
    """Whether a follow-up's person columns (any of them may be empty) fit the first consultation's person."""
    names = [name_key(f"{p['family_name']}{p['given_name']}") for p in (follow_up, first)]
    readings = [kana_key(f"{p['family_kana']}{p['given_kana']}") for p in (follow_up, first)]
    births = [p["birth_date"] for p in (follow_up, first)]
    if all(names) and names[0] != names[1]:
        return False
    if not all(names) and all(readings) and readings[0] != readings[1]:
        return False
    return not (all(births) and births[0] != births[1])


def _chunks(items: list, size: int = 500) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _match_existing(checker: _Checker, persons: list[PlannedPerson], municipality, user=None) -> None:
    """A registered person with the same name (or reading) key and birth date is reused, never duplicated.
    A record merged into another (名寄せ) is never reused: a row matching only such a record is refused."""
    from kasane.people.services import merged_message

    wanted = [p for p in persons if p.key is not None and p.key[2] is not None]
    candidates: dict[tuple, list[Person]] = {}
    for kind, field_name in (("name", "name_key"), ("kana", "kana_key")):
        keys = sorted({p.key[1] for p in wanted if p.key[0] == kind})
        for chunk in _chunks(keys):
            qs = Person.objects.filter(municipality=municipality, **{f"{field_name}__in": chunk})
            if kind == "kana":
                qs = qs.filter(name_key="")
            for person in qs.exclude(birth_date=None).order_by("pk"):
                candidates.setdefault((kind, getattr(person, field_name), person.birth_date), []).append(
                    person
                )
    for planned in wanted:
        found = candidates.get(planned.key, [])
        merged = [p for p in found if p.merged_into_id is not None]
        found = [p for p in found if p.merged_into_id is None]
        if not found and merged and user is not None and not _visible(user, merged[0]):
            planned.existing_id = merged[0].pk  # _limit_to_user refuses it without disclosing the record
        elif not found and merged:
            checker.error(
                planned.lines[0], "family_name",
                f"{merged_message(merged[0].merged_into_id, user=user)}（統合先の氏名・生年月日に合わせてください）",
            )  # fmt: skip
        elif len(found) == 1:
            planned.existing_id, planned.existing_name = found[0].pk, found[0].display_name
        elif len(found) > 1:
            ids = "、".join(str(p.pk) for p in found)
            checker.error(
                planned.lines[0], "family_name",
                f"同じ氏名・生年月日の本人が既に複数登録されています（ID {ids}）。どの方か決められないため取り込めません。"
                "先に登録済みの本人を確認してください。",
            )  # fmt: skip


def _visible(user, person: Person) -> bool:
    from kasane.core import policy

    return policy.scope(user, Person).filter(pk=person.pk).exists()


def _limit_to_user(checker, checked, persons, user) -> None:
    from kasane.core import policy

    own = user.agency.name if user.agency_id else "市町村（所管課）"
    for row in checked:
        if row.agency_id != user.agency_id:
            checker.error(
                row.line, "agency", f"画面からの取り込みでは、受付機関は自機関（{own}）だけを指定できます。"
            )
    visible = set(
        policy.scope(user, Person)
        .filter(pk__in=[p.existing_id for p in persons if p.existing_id])
        .values_list("pk", flat=True)
    )
    for planned in persons:
        if planned.existing_id is not None and planned.existing_id not in visible:
            checker.error(
                planned.lines[0], "family_name",
                "同じ氏名・生年月日の方が他機関で把握されています。この取り込みでは登録できません（所管課に相談してください）。",
            )  # fmt: skip
            planned.existing_id, planned.existing_name = None, ""


def _check_duplicates(
    checker: _Checker, consultations: list[PlannedConsultation], persons: list[PlannedPerson]
) -> None:
    faulty = {e.line for e in checker.errors}  # a row with a wrong cell is not also reported as a duplicate
    consultations = [c for c in consultations if c.line not in faulty]
    seen: dict[tuple, int] = {}
    for c in consultations:
        if c.fields.get("received_on") is None:
            continue
        key = (c.person_index, c.fields["received_on"], c.agency_id, c.fields.get("narrative", ""))
        if key in seen:
            checker.error(
                c.line,
                "",
                f"{seen[key]}行目と同じ相談です（本人・受付日・受付機関・相談内容が同じ）。重複を削除してください。",
            )
        else:
            seen[key] = c.line
    # The same consultation already stored for a registered person: most likely the file was imported before.
    reused = {i: p.existing_id for i, p in enumerate(persons) if p.existing_id is not None}
    if not reused:
        return
    stored: dict[tuple, int] = {}
    for chunk in _chunks(sorted(set(reused.values()))):
        for pk, person_id, received_on, agency_id, narrative in Consultation.objects.filter(
            person_id__in=chunk
        ).values_list("pk", "person_id", "received_on", "agency_id", "narrative"):
            stored.setdefault((person_id, received_on, agency_id, narrative), pk)
    for c in consultations:
        if c.person_index not in reused or c.fields.get("received_on") is None:
            continue
        pk = stored.get(
            (reused[c.person_index], c.fields["received_on"], c.agency_id, c.fields.get("narrative", ""))
        )
        if pk is not None:
            checker.error(
                c.line, "",
                "同じ相談が既に登録されています。同じファイルを二度取り込んでいないか確認してください。",
            )  # fmt: skip


# --------------------------------------------------------------------------- writing


@dataclass
class ImportResult:
    persons_created: int = 0
    persons_reused: int = 0
    consultations_created: int = 0
    person_ids: list[int] = field(default_factory=list)
    consultation_ids: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"本人 新規{self.persons_created}人・登録済み{self.persons_reused}人、"
            f"相談 {self.consultations_created}件を取り込みました。"
        )


def _bulk_create(objects: list, model, user) -> None:
    """INSERT in batches, with one history row each (as save() would write), and the new ids set."""
    if not objects:
        return
    bulk_create_with_history(objects, model, batch_size=BATCH, default_user=user)
    if any(
        obj.pk is None for obj in objects
    ):  # only databases that return ids from bulk inserts are supported
        raise RuntimeError("bulk_create did not return primary keys (SQLite >= 3.35 or PostgreSQL needed)")


def _lock_reused(persons: list[PlannedPerson], user) -> None:
    """Lock the registered persons the import reuses (in id order, as a merge does) and check under the lock that
    none was merged (名寄せ) since the validation read it: the rows never land on a merged record."""
    from kasane.people.services import merged_message

    reused = {p.existing_id: p for p in persons if p.existing_id is not None}
    errors = []
    for chunk in _chunks(sorted(reused)):
        rows = Person.objects.select_for_update().filter(pk__in=chunk).order_by("pk")
        for pk, merged_into_id in rows.values_list("pk", "merged_into_id"):
            if merged_into_id is not None:
                message = (
                    f"{merged_message(merged_into_id, user=user)}（統合先の氏名・生年月日に合わせてください）"
                )
                errors.append(RowError(reused[pk].lines[0], _COLUMN["family_name"].header, message))
    if errors:
        raise ImportRejected(errors)


def apply(
    plan: ImportPlan, *, municipality, actor: str = DEFAULT_ACTOR, user=None, source: str = ""
) -> ImportResult:
    """Write the plan in one transaction (validated again inside it), auditing every created record.

    Every created record gets an access-log entry (``audit.build`` + one bulk ``audit.append``): in the
    user's name from the upload page, in the command's ``actor`` name otherwise. Raises ImportRejected
    when there are errors.
    """
    if plan.municipality.pk != municipality.pk:
        raise ValueError("the plan was validated for another municipality")
    if plan.errors:
        raise ImportRejected(plan.errors)
    label = f"一括取り込み（{source}）" if source else "一括取り込み"

    entries = []

    def log(obj, person_id: int, line: int) -> None:
        # One entry per created record (by the user on the page, by the command's actor otherwise),
        # written in one bulk insert with the records.
        entries.append(
            audit.build(
                municipality_id=municipality.pk, action=audit.Action.CREATE, obj=obj, user=user, actor=actor,
                person_id=person_id, detail=f"{label} {line}行目",
            )
        )  # fmt: skip

    result = ImportResult()
    with transaction.atomic():
        fresh = validate(
            plan.rows, municipality, user=user
        )  # the directory or the persons may have changed since
        if fresh.errors:
            raise ImportRejected(fresh.errors)
        _lock_reused(fresh.persons, user)
        # Bulk inserts (with their history rows) keep 20,000 rows within a request's time.
        new_persons: dict[int, Person] = {}
        for index, planned in enumerate(fresh.persons):
            if planned.existing_id is None:
                person = Person(
                    municipality=municipality, registered_by_agency_id=planned.agency_id, **planned.fields
                )
                person.refresh_keys()  # what Person.save() does; bulk_create does not call save()
                new_persons[index] = person
        _bulk_create(list(new_persons.values()), Person, user)
        for index, person in new_persons.items():
            log(person, person.pk, fresh.persons[index].lines[0])
        person_ids = [
            new_persons[i].pk if i in new_persons else planned.existing_id
            for i, planned in enumerate(fresh.persons)
        ]
        created: dict[int, Consultation] = {}
        firsts = [c for c in fresh.consultations if c.first_line is None]
        follow_ups = [c for c in fresh.consultations if c.first_line is not None]
        # First consultations get their ids before the follow-ups point at them.
        for group in (firsts, follow_ups):
            objects = [
                Consultation(
                    municipality=municipality,
                    agency_id=planned.agency_id,
                    staff=None,
                    person_id=person_ids[planned.person_index],
                    first_consultation=created[planned.first_line] if planned.first_line else None,
                    **planned.fields,
                )
                for planned in group
            ]
            _bulk_create(objects, Consultation, user)
            created.update((planned.line, obj) for planned, obj in zip(group, objects, strict=True))
        ConsultationProblem.objects.bulk_create(
            [
                ConsultationProblem(
                    consultation=created[planned.line],
                    problem=problem,
                    **ConsultationProblem.copied_from(created[planned.line]),
                )
                for planned in fresh.consultations
                for problem in planned.problems
            ],
            batch_size=BATCH,
        )
        for planned in sorted(fresh.consultations, key=lambda c: c.line):
            consultation = created[planned.line]
            if planned.pattern_ids:
                consultation.patterns.set(planned.pattern_ids)  # one by one: the m2m history needs the signal
            log(consultation, consultation.person_id, planned.line)
        audit.append(entries)
        result.persons_created = len(new_persons)
        result.persons_reused = len(fresh.persons) - len(new_persons)
        result.person_ids = [p.pk for p in new_persons.values()]
        result.consultations_created = len(created)
        result.consultation_ids = [
            created[c.line].pk for c in sorted(fresh.consultations, key=lambda c: c.line)
        ]
        result.notes = fresh.notes()
    return result


# --------------------------------------------------------------------------- the template


# The example row of the template, recognised by the columns that describe the (fictitious) person and the
# consultation: left in a filled-in template it would import as a real person.
_EXAMPLE_KEYS = (
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "birth_date",
    "address",
    "narrative",
)


def _is_example(raw: dict) -> bool:
    return all(
        _fold(str(raw.get(_COLUMN[key].header) or "")) == _fold(_COLUMN[key].example) for key in _EXAMPLE_KEYS
    )


def _example_row() -> list[str]:
    return [c.example for c in COLUMNS]


def template_bytes(fmt: str) -> bytes:
    """A template to fill in: the header and one example row, as CSV (UTF-8 with BOM) or .xlsx."""
    if fmt == "csv":
        return csv_bytes(HEADERS, [_example_row()], encoding="utf-8-sig")
    if fmt == "xlsx":
        return _template_xlsx()
    raise ValueError(f"unknown template format {fmt!r}; expected 'csv' or 'xlsx'")


def _template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "相談記録"
    sheet.append(HEADERS)
    sheet.append(_example_row())
    for i, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = max(len(column.header), len(column.example), 6) * 2.2
        header_cell = sheet.cell(row=1, column=i)
        header_cell.font = Font(bold=True)
        header_cell.fill = PatternFill("solid", fgColor="DDE7F0")
        # Text format keeps leading zeros of phone numbers and postal codes, and dates as typed.
        for row in range(2, 3):
            sheet.cell(row=row, column=i).number_format = "@"
            sheet.cell(row=row, column=i).alignment = Alignment(vertical="top")
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("列の説明")
    notes.append(["列名", "区分", "入力", "内容・使える値", "最大文字数"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        notes.append(
            [
                column.header,
                column.group,
                column.required or "任意",
                column.description,
                column.max_length or "",
            ]
        )
    for letter, width in zip("ABCDE", (20, 8, 28, 90, 10), strict=True):
        notes.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
