"""The all-or-nothing import of persons and consultations: file formats, validation, the command and the page."""

import csv
import io
from datetime import date
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from conftest import login, make_agency
from kasane.core.models import AccessLogEntry
from kasane.core.wareki import format_wareki
from kasane.intake import imports
from kasane.intake.models import Consultation, ConsultationProblem, Pattern
from kasane.intake.services import patterns_ensure
from kasane.people.models import Person
from kasane.people.names import name_key

ROOT = Path(__file__).resolve().parents[3]

BASE = {
    "氏": "山田",
    "名": "花子",
    "氏フリガナ": "ヤマダ",
    "名フリガナ": "ハナコ",
    "生年月日": "1950-05-01",
    "性別": "女",
    "郵便番号": "500-0000",
    "住所": "岐阜市〇〇町1丁目2番3号",
    "電話（自宅）": "058-000-0000",
    "電話（携帯）": "",
    "連絡上の配慮": "",
    "特徴": "",
    "受付日": "2024-04-01",
    "受付機関": "",
    "受付者名": "相談 太郎",
    "相談経路": "来所",
    "相談者": "家族",
    "相談者の続柄": "長女",
    "課題": "介護、収入・生活費",
    "最も困っていること": "介護",
    "パターン": "",
    "緊急度": "通常",
    "対応": "助言",
    "相談内容": "母の介護と生活費について相談。",
    "初回相談の行番号": "",
}


def row(**values) -> dict:
    """A valid row; keyword arguments override by header (use the header names, e.g. row(氏="佐藤"))."""
    result = dict(BASE)
    result.update(values)
    return result


def csv_data(rows, *, encoding="utf-8-sig", header=None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header = header or imports.HEADERS
    writer.writerow(header)
    for r in rows:
        writer.writerow([r.get(h, "") for h in header])
    return buffer.getvalue().encode(encoding)


def xlsx_data(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(imports.HEADERS)
    for r in rows:
        sheet.append([r.get(h, "") for h in imports.HEADERS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def check(data: bytes, municipality, name="ledger.csv") -> imports.ImportPlan:
    return imports.validate(imports.parse_file(name, data), municipality)


def import_ok(data: bytes, municipality, name="ledger.csv", **kwargs) -> imports.ImportResult:
    plan = check(data, municipality, name)
    assert plan.errors == []
    return imports.apply(plan, municipality=municipality, actor="import_consultations", **kwargs)


def messages(plan) -> list[str]:
    return [str(e) for e in plan.errors]


def nothing_saved():
    return Person.objects.count() == 0 and Consultation.objects.count() == 0


@pytest.fixture
def patterns(municipality):
    return patterns_ensure(municipality_id=municipality.pk, names=["8050", "ダブルケア"])


# --------------------------------------------------------------------------- encodings and formats


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp932"])
def test_csv_in_each_encoding_imports_every_row(municipality, encoding):
    rows = [
        row(),
        row(受付日="2024-05-01", 相談内容="2回目の相談"),
        row(氏="佐藤", 名="一郎", 氏フリガナ="さとう", 名フリガナ="ｲﾁﾛｳ", 生年月日="1970/1/2", 性別="男"),
    ]
    data = csv_data(rows, encoding=encoding)
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    result = import_ok(data, municipality)
    assert (result.persons_created, result.persons_reused, result.consultations_created) == (2, 0, 3)
    sato = Person.objects.get(family_name="佐藤")
    assert (sato.family_kana, sato.given_kana) == ("サトウ", "イチロウ")  # hiragana and half-width → katakana
    assert sato.birth_date == date(1970, 1, 2) and sato.sex == "male"
    yamada = Person.objects.get(family_name="山田")
    assert yamada.consultations.count() == 2
    first = yamada.consultations.get(received_on=date(2024, 4, 1))
    assert first.route == "visit" and first.consulter == "family" and first.response == "advice"
    assert first.staff is None and first.staff_name == "相談 太郎" and first.agency is None
    assert sorted(first.problem_rows.values_list("problem", flat=True)) == ["care", "income"]
    assert first.main_problem == "care"


def test_cp932_variant_kanji_are_the_same_person(municipality):
    # 髙 exists in CP932 (IBM extension); 髙橋 and 高橋 are one person for matching (名寄せ).
    rows = [row(氏="髙橋", 相談内容="1"), row(氏="高橋", 相談内容="2")]
    result = import_ok(csv_data(rows, encoding="cp932"), municipality)
    assert (result.persons_created, result.consultations_created) == (1, 2)
    assert Person.objects.get().family_name == "髙橋"  # the first row's spelling is kept


def test_xlsx_with_date_and_number_cells(municipality, agency):
    rows = [
        row(生年月日=date(1948, 3, 9), 受付機関=agency.name),
        row(
            受付日=date(2024, 6, 1),
            相談内容="継続",
            初回相談の行番号=2,
            生年月日="",
            氏="",
            名="",
            氏フリガナ="",
            名フリガナ="",
        ),
    ]
    result = import_ok(xlsx_data(rows), municipality, name="台帳.XLSX")
    assert (result.persons_created, result.consultations_created) == (1, 2)
    person = Person.objects.get()
    assert person.birth_date == date(1948, 3, 9) and person.registered_by_agency == agency
    follow_up = Consultation.objects.get(received_on=date(2024, 6, 1))
    assert follow_up.first_consultation.received_on == date(2024, 4, 1) and follow_up.agency is None


def test_wareki_dates_are_read(municipality):
    rows = [
        row(生年月日="昭和25年5月1日", 受付日="令和6年4月1日", 相談内容="1"),
        row(氏="佐藤", 生年月日="S30.1.2", 受付日="R6.4.2", 相談内容="2"),
        row(氏="鈴木", 生年月日="平成元年1月8日", 受付日="H31.4.30", 相談内容="3"),
    ]
    import_ok(csv_data(rows), municipality)
    assert dict(Person.objects.values_list("family_name", "birth_date")) == {
        "山田": date(1950, 5, 1),
        "佐藤": date(1955, 1, 2),
        "鈴木": date(1989, 1, 8),
    }
    assert set(Consultation.objects.values_list("received_on", flat=True)) == {
        date(2024, 4, 1),
        date(2024, 4, 2),
        date(2019, 4, 30),
    }


def test_wareki_error_names_line_and_column(municipality):
    plan = check(csv_data([row(), row(生年月日="令和0年4月1日"), row(受付日="平成31年5月1日")]), municipality)
    assert messages(plan) == [
        "3行目「生年月日」：令和0年という年はありません。",
        "4行目「受付日」：平成31年5月1日は存在しません（平成は31年4月30日までです）。",
    ]
    assert (plan.errors[0].line, plan.errors[0].column) == (3, "生年月日")


def test_line_numbers_count_blank_lines_and_multiline_cells_as_spreadsheets_do(municipality):
    text = "\r\n".join(
        [
            ",".join(imports.HEADERS),
            ",".join(row(相談内容="1").values()),
            "",  # an empty line 3 is skipped but still counted
            ",".join(row(相談内容='"改行\r\nあり"').values()),  # one line, although two in the file
            ",".join(row(相談内容="3", 生年月日="未来").values()),
        ]
    ).encode("utf-8")
    plan = check(text, municipality)
    assert [(e.line, e.column) for e in plan.errors] == [(5, "生年月日")]


# --------------------------------------------------------------------------- follow-ups


def test_follow_ups_link_to_the_very_first_consultation(municipality):
    rows = [
        row(相談内容="初回"),
        row(氏="佐藤", 相談内容="別の方"),
        row(受付日="2024-05-01", 相談内容="2回目", 初回相談の行番号="2", 氏="", 名="", 生年月日=""),
        row(受付日="2024-06-01", 相談内容="3回目", 初回相談の行番号="４行目"),  # points at a follow-up
    ]
    result = import_ok(csv_data(rows), municipality)
    assert (result.persons_created, result.consultations_created) == (2, 4)
    first = Consultation.objects.get(narrative="初回")
    assert set(first.follow_ups.values_list("narrative", flat=True)) == {"2回目", "3回目"}
    assert {c.person_id for c in first.follow_ups.all()} == {first.person_id}


def test_follow_up_errors(municipality):
    rows = [
        row(相談内容="初回"),  # 2
        row(初回相談の行番号="3", 相談内容="自分"),  # 3
        row(初回相談の行番号="99", 相談内容="無い行"),  # 4
        row(氏="佐藤", 初回相談の行番号="2", 相談内容="別人"),  # 5
        row(受付日="2024-03-01", 初回相談の行番号="2", 相談内容="前の日付"),  # 6
        row(初回相談の行番号="8", 相談内容="循環A"),  # 7
        row(初回相談の行番号="7", 相談内容="循環B"),  # 8
        row(初回相談の行番号="二", 相談内容="数字でない"),  # 9
    ]
    plan = check(csv_data(rows), municipality)
    assert messages(plan) == [
        "3行目「初回相談の行番号」：自分自身の行は指定できません。初回の相談の行番号を入力してください。",
        "4行目「初回相談の行番号」：99行目はこのファイルの相談の行ではありません。",
        "5行目「初回相談の行番号」：初回の相談（2行目）と本人（氏名・生年月日）が違います。",
        "6行目「受付日」：初回の相談（2行目）の受付日より前の日付です。",
        "7行目「初回相談の行番号」：初回相談の行番号をたどると同じ行に戻ってしまいます（循環しています）。",
        "8行目「初回相談の行番号」：初回相談の行番号をたどると同じ行に戻ってしまいます（循環しています）。",
        "9行目「初回相談の行番号」：行番号は数字で入力してください（例：2）。",
    ]


# --------------------------------------------------------------------------- all or nothing


def test_one_bad_row_anywhere_saves_nothing_and_lists_every_error(municipality, tmp_path):
    rows = [row(氏=f"田中{i}", 相談内容=str(i)) for i in range(30)]
    rows[17] = row(氏="田中17", 相談経路="手紙", 課題="介護、宇宙")
    rows[29] = row(氏="田中29", 氏フリガナ="田中")
    path = tmp_path / "ledger.csv"
    path.write_bytes(csv_data(rows))
    with pytest.raises(CommandError) as exc:
        call_command("import_consultations", str(path), "--municipality", municipality.code)
    report = str(exc.value)
    assert "取り込みを中止しました（エラー 3件）。何も保存していません。" in report
    assert (
        "19行目「相談経路」：「手紙」は選べません（来所／電話／訪問／メール／オンライン のいずれか）。"
        in report
    )
    assert "19行目「課題」：「宇宙」は課題の項目にありません" in report
    assert "31行目「氏フリガナ」：フリガナに漢字（田中）が含まれています。" in report
    assert nothing_saved()
    assert not AccessLogEntry.objects.exists()


def test_a_failure_while_writing_rolls_everything_back(municipality, monkeypatch):
    plan = check(csv_data([row(相談内容="1"), row(氏="佐藤", 相談内容="2")]), municipality)

    def failing_append(entries):
        raise RuntimeError("disk full")  # the access log cannot be written: nothing may stay

    monkeypatch.setattr(imports.audit, "append", failing_append)
    with pytest.raises(RuntimeError):
        imports.apply(plan, municipality=municipality, actor="import_consultations")
    assert nothing_saved() and not ConsultationProblem.objects.exists()
    assert not AccessLogEntry.objects.exists()


def test_apply_refuses_a_plan_with_errors_and_revalidates(municipality, agency):
    bad = check(csv_data([row(受付日="")]), municipality)
    assert messages(bad) == ["2行目「受付日」：入力してください。"]
    with pytest.raises(imports.ImportRejected):
        imports.apply(bad, municipality=municipality, actor="x")
    plan = check(csv_data([row(受付機関=agency.name)]), municipality)
    agency.name = "改名した機関"  # the directory changed between checking and importing
    agency.save()
    with pytest.raises(imports.ImportRejected) as exc:
        imports.apply(plan, municipality=municipality, actor="x")
    assert exc.value.errors[0].column == "受付機関"
    assert nothing_saved()


# --------------------------------------------------------------------------- file-level errors


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.csv", b"", "ファイルが空です。"),
        ("a.csv", b"\xef\xbb\xbf\r\n\r\n", "ファイルが空です。"),
        ("a.xlsx", b"", "ファイルが空です。"),
        ("a.csv", csv_data([]), "データの行がありません（見出しの行だけです）。"),
        ("a.txt", b"x", "CSV（.csv）または Excel（.xlsx）のファイルを選んでください"),
        ("a.xls", b"x", "古い Excel 形式（.xls）は .xlsx で保存し直してください"),
        ("a.xlsx", b"not a zip", "Excel ファイル（.xlsx）として読み取れません。"),
        ("a.csv", b"PK\x03\x04rest", "Excel 形式のようです"),
        ("a.csv", "氏,名\r\n".encode("utf-16"), "UTF-16 のファイルは読み取れません。"),
    ],
)
def test_unreadable_files(name, data, message):
    with pytest.raises(imports.ImportFileError) as exc:
        imports.parse_file(name, data)
    assert message in exc.value.message


def test_wrong_headers_are_listed():
    header = [h for h in imports.HEADERS if h not in ("生年月日", "受付日")] + ["備考", "氏"]
    with pytest.raises(imports.ImportFileError) as exc:
        imports.parse_file("a.csv", csv_data([row()], header=header))
    assert exc.value.message == (
        "1行目（見出しの行）が正しくありません（足りない列：生年月日、受付日／知らない列：備考／重複している列：氏）。"
        "テンプレートの見出しをそのまま使ってください。"
    )


def test_headers_are_compared_after_width_and_space_folding(municipality):
    header = [h.replace("（", "(").replace("）", ")") for h in imports.HEADERS]
    header[0] = " 氏 "
    data = csv_data([{h: v for h, v in zip(header, row().values(), strict=True)}], header=header)
    assert check(data, municipality).errors == []


def test_mis_encoded_bytes_name_the_line():
    good = csv_data([row(), row(相談内容="2")], encoding="utf-8")
    lines = good.split(b"\r\n")
    lines[2] = lines[2] + b"\x81\xff"  # valid neither as UTF-8 nor as CP932
    with pytest.raises(imports.ImportFileError) as exc:
        imports.parse_file("a.csv", b"\r\n".join(lines))
    assert exc.value.message.startswith("3行目に読み取れない文字があります")


def test_files_over_10_mb_are_refused(municipality, tmp_path):
    big = b"x" * (imports.MAX_BYTES + 1)
    with pytest.raises(imports.ImportFileError) as exc:
        imports.parse_file("a.csv", big)
    assert "ファイルが大きすぎます" in exc.value.message
    path = tmp_path / "big.csv"
    path.write_bytes(big)
    with pytest.raises(CommandError, match="ファイルが大きすぎます"):
        call_command("import_consultations", str(path), "--municipality", municipality.code)


def test_more_than_20000_rows_are_refused():
    line = ",".join(["x"] * len(imports.HEADERS)) + "\r\n"
    data = (",".join(imports.HEADERS) + "\r\n" + line * (imports.MAX_ROWS + 1)).encode()
    with pytest.raises(imports.ImportFileError) as exc:
        imports.parse_file("a.csv", data)
    assert "行数が多すぎます（最大 20,000行）" in exc.value.message


def test_values_under_no_header_are_errors(municipality):
    data = csv_data([row()]).rstrip(b"\r\n") + b",extra\r\n"
    assert messages(check(data, municipality)) == [
        "2行目：見出しのない列に値が入っています。テンプレートの列だけを使ってください。"
    ]


# --------------------------------------------------------------------------- row validation


def test_agency_names_are_matched_after_nfkc_and_space_folding(municipality, agency, other_agency):
    rows = [
        row(受付機関="地域包括　支援センター", 相談内容="1"),  # full-width space
        row(受付機関="地域包括支援ｾﾝﾀｰ", 相談内容="2"),  # half-width kana
        row(受付機関="どこかの窓口", 相談内容="3"),
        row(受付機関=other_agency.name, 相談内容="4"),  # another municipality's agency
    ]
    plan = check(csv_data(rows), municipality)
    assert [(e.line, e.column) for e in plan.errors] == [(4, "受付機関"), (5, "受付機関")]
    assert plan.errors[0].message.startswith("「どこかの窓口」は相談機関一覧表にありません。")


def test_duplicate_rows_in_the_file_and_a_second_import_are_refused(municipality):
    data = csv_data([row(), row(氏="佐藤"), row(名フリガナ="はなこ")])
    plan = check(data, municipality)
    assert messages(plan) == [
        "4行目：2行目と同じ相談です（本人・受付日・受付機関・相談内容が同じ）。重複を削除してください。"
    ]
    data = csv_data([row(), row(氏="佐藤")])
    import_ok(data, municipality)
    again = check(data, municipality)
    assert [e.line for e in again.errors] == [2, 3]
    assert "同じファイルを二度取り込んでいないか確認してください。" in again.errors[0].message


def test_kana_columns(municipality):
    rows = [
        row(氏フリガナ="山だ", 相談内容="1"),
        row(名フリガナ="hanako", 相談内容="2"),
        row(氏="佐藤", 氏フリガナ="さとう", 名フリガナ="ﾊﾅｺ", 相談内容="3"),
    ]
    plan = check(csv_data(rows), municipality)
    assert messages(plan) == [
        "2行目「氏フリガナ」：フリガナに漢字（山）が含まれています。カタカナかひらがなで入力してください。",
        "3行目「名フリガナ」：フリガナはカタカナで入力してください（漢字・ひらがな・英字は使えません）。",
    ]


def test_other_cell_errors(municipality, patterns):
    today = date.today()
    cells = [
        {"氏": "長" * 51},
        {"生年月日": date(today.year + 1, 1, 1).isoformat()},
        {"受付日": date(today.year + 1, 1, 1).isoformat()},
        {"性別": "男子"},
        {"パターン": "8050、ごみ屋敷"},
        {"郵便番号": "12-345"},
        {"対応": ""},
        {"氏": "", "名": "", "氏フリガナ": "", "名フリガナ": "", "特徴": ""},
        {"相談内容": "あ" * 10001},
        {"住所": "一行目\n二行目"},
        {"受付者名": "制御\x07文字"},
        {"生年月日": "1899-12-31"},
        {"受付日": "2000-01-01", "生年月日": "2001-01-01"},
    ]
    rows = [row(**{"相談内容": f"相談{i}", **c}) for i, c in enumerate(cells)]
    plan = check(csv_data(rows), municipality)
    assert messages(plan) == [
        "2行目「氏」：50文字以内で入力してください（51文字あります）。",
        "3行目「生年月日」：生年月日が未来の日付になっています。",
        "4行目「受付日」：受付日が未来の日付になっています。",
        "5行目「性別」：「男子」は選べません（男／女／その他／不明 のいずれか）。",
        "6行目「パターン」：「ごみ屋敷」はこの自治体のパターンにありません（登録済み：8050、ダブルケア）。",
        "7行目「郵便番号」：郵便番号は 123-4567 の形で入力してください。",
        "8行目「対応」：入力してください。",
        "9行目「氏」：氏名・フリガナ・特徴（例：50代男性）のいずれかを入力してください。",
        "10行目「相談内容」：10,000文字以内で入力してください（10,001文字あります）。",
        "11行目「住所」：セルの中で改行できるのは「相談内容」だけです。改行を削除してください。",
        "12行目「受付者名」：表示できない制御文字が含まれています。削除してください。",
        "13行目「生年月日」：生年月日が1900年より前になっています。入力を確認してください。",
        "14行目「受付日」：受付日が生年月日より前になっています。",
    ]


def test_patterns_problems_and_anonymous_persons_are_saved(municipality, patterns):
    rows = [
        row(パターン="8050；ダブルケア", 課題="住まい;DV・虐待", 最も困っていること="債務", 緊急度="緊急"),
        row(氏="", 名="", 氏フリガナ="", 名フリガナ="", 生年月日="", 特徴="50代男性", 相談内容="a"),
        row(氏="", 名="", 氏フリガナ="", 名フリガナ="", 生年月日="", 特徴="50代男性", 相談内容="b"),
    ]
    result = import_ok(csv_data(rows), municipality)
    assert result.persons_created == 3  # a person known only by 特徴 is never merged with another
    consultation = Consultation.objects.get(narrative=BASE["相談内容"])
    assert {p.name for p in consultation.patterns.all()} == {"8050", "ダブルケア"}
    assert set(consultation.problem_rows.values_list("problem", flat=True)) == {"housing", "abuse", "debt"}
    assert consultation.urgency == "emergency"
    assert Person.objects.filter(description="50代男性").count() == 2


def test_registered_persons_are_reused_and_reported(municipality, agency):
    existing = Person.objects.create(
        municipality=municipality, family_name="髙橋", given_name="花子", birth_date=date(1950, 5, 1)
    )
    rows = [row(氏="高橋", 相談内容="1"), row(氏="高橋", 相談内容="2"), row(氏="佐藤", 相談内容="3")]
    plan = check(csv_data(rows), municipality)
    assert plan.notes() == [
        f"2行目・3行目：登録済みの本人「髙橋 花子」（ID {existing.pk}）の相談として取り込みます。"
    ]
    result = imports.apply(plan, municipality=municipality, actor="import_consultations")
    assert (result.persons_created, result.persons_reused, result.consultations_created) == (1, 1, 3)
    assert existing.consultations.count() == 2
    assert result.notes == plan.notes()


def test_ambiguous_registered_persons_are_an_error(municipality, other_municipality):
    for _ in range(2):
        Person.objects.create(
            municipality=municipality, family_name="山田", given_name="花子", birth_date=date(1950, 5, 1)
        )
    Person.objects.create(
        municipality=other_municipality, family_name="佐藤", given_name="花子", birth_date=date(1950, 5, 1)
    )
    plan = check(csv_data([row(), row(氏="佐藤")]), municipality)
    assert [(e.line, e.column) for e in plan.errors] == [(2, "氏")]
    assert "同じ氏名・生年月日の本人が既に複数登録されています" in plan.errors[0].message


def test_a_person_without_birth_date_is_not_matched_to_a_registered_person(municipality):
    Person.objects.create(municipality=municipality, family_name="山田", given_name="花子")
    result = import_ok(csv_data([row(生年月日="")]), municipality)
    assert (result.persons_created, result.persons_reused) == (1, 0)


def test_rows_from_a_script_may_hold_dates_numbers_and_no_line_numbers(municipality):
    rows = [
        {**BASE, "生年月日": date(1950, 5, 1), "受付日": date(2024, 4, 1)},
        {
            **BASE,
            "相談内容": "継続",
            "受付日": date(2024, 5, 1),
            "初回相談の行番号": 2,
            "郵便番号": "５００ー００００",
        },
    ]
    plan = imports.validate(rows, municipality)
    assert plan.errors == [] and plan.new_person_count == 1
    assert plan.consultations[1].first_line == 2
    assert plan.persons[0].fields["postal_code"] == "500-0000"


def test_cells_escaped_by_kasane_exports_are_unescaped(municipality):
    plan = check(csv_data([row(相談内容="'-- 箇条書き", 住所="'=A1")]), municipality)
    assert plan.consultations[0].fields["narrative"] == "-- 箇条書き"
    assert plan.persons[0].fields["address"] == "=A1"


# --------------------------------------------------------------------------- the command and the audit


def test_command_imports_and_audits_every_record(municipality, agency, tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_bytes(csv_data([row(受付機関=agency.name), row(氏="佐藤", 相談内容="2")], encoding="cp932"))
    out = io.StringIO()
    call_command("import_consultations", str(path), "--municipality", municipality.code, stdout=out)
    assert "本人 新規2人・登録済み0人、相談 2件を取り込みました。" in out.getvalue()
    entries = AccessLogEntry.objects.filter(username="import_consultations")
    assert entries.count() == 4
    assert all(e.user_id is None and e.via == "system" and e.action == "create" for e in entries)
    assert {e.object_type for e in entries} == {"people.person", "intake.consultation"}
    for consultation in Consultation.objects.all():
        entry = entries.get(object_type="intake.consultation", object_id=str(consultation.pk))
        assert entry.person_id == consultation.person_id and entry.municipality_id == municipality.pk
        assert "ledger.csv" in entry.detail


def test_command_dry_run_writes_nothing(municipality, tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(xlsx_data([row(), row(氏="佐藤")]))
    out = io.StringIO()
    call_command(
        "import_consultations", str(path), "--municipality", municipality.code, "--dry-run", stdout=out
    )
    assert "確認のみ：エラーはありません。本人 新規2人・登録済み0人、相談 2件を取り込めます" in out.getvalue()
    assert nothing_saved() and not AccessLogEntry.objects.exists()


def test_command_dry_run_reports_errors(municipality, tmp_path):
    path = tmp_path / "ledger.csv"
    path.write_bytes(csv_data([row(生年月日="令和0年1月1日")]))
    with pytest.raises(CommandError, match="2行目「生年月日」：令和0年という年はありません。"):
        call_command("import_consultations", str(path), "--municipality", municipality.code, "--dry-run")


def test_command_exit_status(municipality, tmp_path, capsys):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(csv_data([row()]))
    bad.write_bytes(csv_data([row(相談者="通りすがり")]))

    def run(*args) -> int:
        # run_from_argv closes every connection when it ends: keep the test's own (PostgreSQL) open.
        with mock.patch("django.db.connections.close_all"):
            try:
                ManagementUtility(["manage.py", "import_consultations", *args]).execute()
            except SystemExit as exc:
                return exc.code
        return 0

    assert run(str(bad), "--municipality", municipality.code) == 1
    assert "2行目「相談者」：「通りすがり」は選べません" in capsys.readouterr().err
    assert run(str(tmp_path / "missing.csv"), "--municipality", municipality.code) == 1
    assert run(str(good), "--municipality", "999999") == 1
    assert nothing_saved()
    assert run(str(good), "--municipality", municipality.code) == 0
    assert Consultation.objects.count() == 1


# --------------------------------------------------------------------------- the template


def test_csv_template_has_bom_header_and_a_valid_example(municipality):
    data = imports.template_bytes("csv")
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[0].split(",") == imports.HEADERS
    # Left as it is, the example row is refused (it would import 山田 花子 as a real person) …
    plan = check(data, municipality)
    assert [(e.line, e.column) for e in plan.errors] == [(2, "氏")] and "記入例" in plan.errors[0].message
    # … and the same row filled in with a real person's name is valid.
    plan = check(data.replace("山田".encode(), "岐阜".encode()), municipality)
    assert plan.errors == [] and plan.consultation_count == 1


def test_xlsx_template_is_importable_and_documents_the_columns(municipality):
    data = imports.template_bytes("xlsx")
    plan = check(data, municipality, name="template.xlsx")
    assert [(e.line, e.column) for e in plan.errors] == [(2, "氏")] and "記入例" in plan.errors[0].message
    workbook = load_workbook(io.BytesIO(data))
    workbook.active["A2"] = "岐阜"
    filled = io.BytesIO()
    workbook.save(filled)
    plan = check(filled.getvalue(), municipality, name="template.xlsx")
    assert plan.errors == [] and plan.consultation_count == 1
    notes = load_workbook(io.BytesIO(data)).worksheets[1]
    assert [r[0] for r in notes.iter_rows(min_row=2, values_only=True)] == imports.HEADERS


def test_docs_list_every_column_in_order():
    text = (ROOT / "docs" / "IMPORT.md").read_text(encoding="utf-8")
    documented = [
        line.split("|")[2].strip() for line in text.splitlines() if line.startswith("| ") and "|" in line[2:]
    ]
    documented = [h for h in documented if h in imports.HEADERS]
    assert documented == imports.HEADERS


# --------------------------------------------------------------------------- the upload page


def upload(data: bytes, name: str):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_page_shows_the_form_to_municipal_officers(client, users):
    for actor in ("municipal",):
        response = login(client, users[actor]).get(reverse("intake:import"))
        assert response.status_code == 200
        html = response.content.decode()
        assert '<label for="id_file">取り込むファイル（CSV または Excel）</label>' in html
        assert "確認のみ（取り込まない）" in html
        assert f"{reverse('intake:import_template')}?format=xlsx" in html
        assert 'id="columns"' in html and "初回相談の行番号" in html
    assert reverse("intake:import") == "/intake/import/"
    assert reverse("intake:import_template") == "/intake/import/template/"


@pytest.mark.parametrize("actor", ["admin", "counselor", "collaboration", "outreach", "evaluator"])
def test_other_roles_get_403(client, users, actor):
    login(client, users[actor])
    assert client.get(reverse("intake:import")).status_code == 403
    assert (
        client.post(reverse("intake:import"), {"file": upload(csv_data([row()]), "a.csv")}).status_code == 403
    )
    template = client.get(reverse("intake:import_template"), {"format": "csv"}).status_code
    assert template == (200 if actor == "admin" else 403)  # the blank template holds no personal data
    assert nothing_saved()


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("intake:import"))
    assert response.status_code == 302 and reverse("core:login") in response["Location"]


def test_upload_imports_and_shows_the_counts(client, users, municipality):
    admin = users["municipal"]  # a municipal officer: the rows become the municipal office's records
    login(client, admin)
    data = csv_data(
        [row(), row(氏="佐藤", 相談内容="2"), row(受付日="2024-05-01", 初回相談の行番号="2", 相談内容="3")]
    )
    response = client.post(reverse("intake:import"), {"file": upload(data, "台帳.csv")})
    assert response.status_code == 302 and response["Location"] == reverse("intake:import")
    html = client.get(response["Location"]).content.decode()
    assert "取り込みました" in html
    assert "<dt>本人（新規登録）</dt><dd>2人</dd>" in html and "<dt>相談</dt><dd>3件</dd>" in html
    assert Consultation.objects.count() == 3
    entries = AccessLogEntry.objects.filter(action="create")
    assert entries.count() == 5 and all(e.user_id == admin.pk and e.via == "ui" for e in entries)
    assert "取り込みました" not in client.get(reverse("intake:import")).content.decode()  # shown once
    person = Person.objects.get(family_name="佐藤")
    assert person.history.get().history_user == admin  # the change history names the importing user


def test_upload_with_errors_shows_the_table_and_saves_nothing(client, users):
    login(client, users["municipal"])
    data = csv_data(
        [row(), row(氏フリガナ="山田"), row(受付機関="無い機関", 相談内容="別")], encoding="cp932"
    )
    response = client.post(reverse("intake:import"), {"file": upload(data, "台帳.csv")})
    assert response.status_code == 200
    html = response.content.decode()
    assert "取り込めませんでした：誤りが 2件あります" in html
    assert '<th scope="col">行</th><th scope="col">列</th><th scope="col">内容</th>' in html
    assert "<td>3行目</td><td>氏フリガナ</td>" in html and "<td>4行目</td><td>受付機関</td>" in html
    assert nothing_saved() and not AccessLogEntry.objects.exists()


def test_upload_dry_run_saves_nothing(client, users):
    login(client, users["municipal"])
    data = xlsx_data([row(), row(氏="佐藤")])
    response = client.post(reverse("intake:import"), {"file": upload(data, "台帳.xlsx"), "dry_run": "on"})
    html = response.content.decode()
    assert response.status_code == 200 and "確認のみ：誤りはありませんでした" in html
    assert "<dt>相談</dt><dd>2件</dd>" in html
    assert nothing_saved()


def test_upload_file_errors_are_shown_on_the_field(client, users):
    login(client, users["municipal"])
    for data, name, message in [
        (
            b"x" * (imports.MAX_BYTES + 1),
            "big.csv",
            "ファイルが大きすぎます。10MB 以下に分けて取り込んでください。",
        ),
        (b"a,b\r\n1,2\r\n", "a.csv", "足りない列"),
        (b"x", "a.pdf", "CSV（.csv）または Excel（.xlsx）のファイルを選んでください"),
    ]:
        response = client.post(reverse("intake:import"), {"file": upload(data, name)})
        assert response.status_code == 200
        assert message in response.content.decode()
    assert nothing_saved()


def test_template_download(client, users):
    login(client, users["admin"])
    response = client.get(reverse("intake:import_template"), {"format": "csv"})
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in response["Content-Disposition"]
    response = client.get(reverse("intake:import_template"), {"format": "xlsx"})
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert client.get(reverse("intake:import_template"), {"format": "pdf"}).status_code == 404


# --------------------------------------------------------------------------- properties

FAMILY = ["山田", "髙橋", "高橋", "佐藤", "渡邊", "渡辺", "鈴木"]
GIVEN = ["太郎", "花子", "一郎", "みどり"]
TEXT = st.text(alphabet=st.sampled_from(list("あいう漢字相談、。,\"' \nABCabc123ー・（）")), max_size=40)


def _date_text(d: date, style: int) -> str:
    if style == 0:
        return d.isoformat()
    if style == 1:
        return f"{d.year}/{d.month}/{d.day}"
    return format_wareki(d, style="long" if style == 2 else "short")


@st.composite
def valid_rows(draw):
    count = draw(st.integers(min_value=1, max_value=12))
    rows = []
    for i in range(count):
        birth = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2010, 12, 31)))
        received = draw(st.dates(min_value=date(2019, 5, 1), max_value=date(2024, 12, 31)))
        rows.append(
            row(
                氏=draw(st.sampled_from(FAMILY)),
                名=draw(st.sampled_from(GIVEN)),
                氏フリガナ=draw(st.sampled_from(["ヤマダ", "やまだ", "ﾔﾏﾀﾞ", ""])),
                名フリガナ="",
                生年月日=_date_text(birth, draw(st.integers(0, 3))),
                受付日=_date_text(received, draw(st.integers(0, 3))),
                相談経路=draw(st.sampled_from(["来所", "電話", "訪問", "メール", "オンライン"])),
                相談者=draw(st.sampled_from(["本人", "家族", "民生委員", "関係機関"])),
                課題="、".join(
                    draw(st.lists(st.sampled_from(["介護", "債務", "住まい", "子育て"]), max_size=3))
                ),
                相談内容=f"{draw(TEXT)}#{i}",
            )
        )
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=valid_rows(), encoding=st.sampled_from(["utf-8-sig", "utf-8", "cp932"]), xlsx=st.booleans())
def test_valid_rows_round_trip(municipality, rows, encoding, xlsx):
    data = xlsx_data(rows) if xlsx else csv_data(rows, encoding=encoding)
    people = {(name_key(r["氏"] + r["名"]), imports.parse_date(r["生年月日"])) for r in rows}
    with transaction.atomic():
        result = import_ok(data, municipality, name="a.xlsx" if xlsx else "a.csv")
        assert result.consultations_created == len(rows) == Consultation.objects.count()
        assert result.persons_created == len(people) == Person.objects.count()
        narratives = sorted(Consultation.objects.values_list("narrative", flat=True))
        assert narratives == sorted(r["相談内容"].replace("\r\n", "\n").strip() for r in rows)
        transaction.set_rollback(True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cells=st.lists(
        st.fixed_dictionaries({h: st.text(max_size=12) for h in imports.HEADERS}), min_size=1, max_size=4
    )
)
def test_validate_never_crashes_on_any_text(municipality, cells):
    rows = [{**c, imports.LINE: i + 2, imports.EXTRA: 0} for i, c in enumerate(cells)]
    plan = imports.validate(rows, municipality)
    for error in plan.errors:
        assert error.line in {r[imports.LINE] for r in rows}
        assert error.column in [*imports.HEADERS, ""]
        assert error.message
    assert plan.ok == (plan.consultation_count == len(rows))


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=300), name=st.sampled_from(["a.csv", "a.xlsx"]))
def test_parse_file_raises_only_import_file_errors(data, name):
    try:
        rows = imports.parse_file(name, data)
    except imports.ImportFileError as exc:
        assert exc.message
    else:
        assert rows and all(set(imports.HEADERS) <= set(r) for r in rows)


def test_patterns_of_another_municipality_are_unknown(municipality, other_municipality, patterns):
    patterns_ensure(municipality_id=other_municipality.pk, names=["ごみ屋敷"])
    plan = check(csv_data([row(パターン="ごみ屋敷")]), municipality)
    assert [e.column for e in plan.errors] == ["パターン"]
    assert Pattern.objects.filter(municipality=municipality).count() == 2


def test_the_agency_column_sets_the_receiving_agency(municipality):
    make_agency(municipality, "生活就労支援センター")
    result = import_ok(csv_data([row(受付機関="生活就労支援センター")]), municipality)
    assert Consultation.objects.get(pk=result.consultation_ids[0]).agency.name == "生活就労支援センター"


def test_the_page_imports_only_at_the_users_own_counter_and_never_discloses_hidden_persons(
    client, users, municipality, agency
):
    from kasane.people import services as people_services

    people_services.person_create(user=users["counselor"], family_name="長野", given_name="花子",
                                  birth_date=date(1954, 2, 11))  # fmt: skip
    login(client, users["municipal"])
    data = csv_data(
        [row(氏="長野", 名="花子", 生年月日="1954-02-11"), row(受付機関=agency.name, 相談内容="別")]
    )
    html = client.post(
        reverse("intake:import"), {"file": upload(data, "a.csv"), "dry_run": "on"}
    ).content.decode()
    assert "他機関で把握されています" in html and "花子" not in html.split("他機関で把握")[0][-200:]
    assert "自機関（市町村（所管課））だけ" in html
    assert Person.objects.count() == 1
