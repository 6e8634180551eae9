"""The 13 進捗管理シート of seed 000 compute to the document's own R4 progress rates and grades."""

import pytest

from kasane.evaluation import selectors
from kasane.evaluation.models import Basis

pytestmark = pytest.mark.django_db

# シートNo → (施策, R4 actual as printed, 進捗率, R4 評価, how the grade was reached) as in seed 000.
EXPECTED = {
    1: ("1-1", "32", 100, "B", Basis.COMPUTED),  # target equal to baseline: shown as 100 %
    2: ("1-2", "令和6年度 まちづくりアンケート実施予定", None, "B", Basis.JUDGED),
    3: ("1-3", "令和6年度 まちづくりアンケート実施予定", None, "C", Basis.JUDGED),
    4: ("2-1", "2", 29, "B", Basis.COMPUTED),
    5: ("2-2", "実施に向けた準備", None, "A", Basis.JUDGED),  # not numeric
    6: ("3-1", "令和6年度 まちづくりアンケート実施予定", None, "B", Basis.JUDGED),
    7: ("3-2", "令和6年度 まちづくりアンケート実施予定", None, "B", Basis.JUDGED),
    8: ("3-3", "427", 96, "B", Basis.COMPUTED),
    9: ("4-1", "80.9", 43, "B", Basis.COMPUTED),
    10: ("4-2", "18", 400, "A", Basis.COMPUTED),
    11: ("4-3", "令和6年度 まちづくりアンケート実施予定", None, "B", Basis.JUDGED),
    12: ("4-4", None, None, "", ""),  # no indicator and no R4 evaluation in the document
    13: ("4-5", "80", 43, "B", Basis.COMPUTED),
}


def test_the_thirteen_sheets_compute_to_the_documents_values(plan, users):
    sheets = selectors.plan_sheets(user=users["evaluator"], plan=plan, year=2022)
    assert len(sheets) == 13
    for sheet in sheets:
        number, actual, rate, grade, basis = EXPECTED[sheet.measure.sheet_no]
        assert sheet.measure.number == number
        cell = sheet.actual if sheet.indicator else None
        assert (cell.display if cell and (cell.value is not None or cell.text) else None) == actual, number
        assert (cell.rate if cell else None) == rate, number
        assert sheet.grade == grade, number
        assert sheet.basis == basis, number
        stored = sheet.evaluation
        assert (stored.grade if stored else "") == grade, number
        assert (stored.basis if stored else "") == basis, number


def test_each_sheet_has_its_texts(plan, users):
    sheet = selectors.plan_sheets(user=users["counselor"], plan=plan, year=2022)[9]
    assert sheet.measure.title == "生活困窮者自立支援の充実"
    assert [i.title for i, *_ in sheet.initiatives] == [
        "生活就労支援センター(まいさぼ長野市)での相談支援",
        "就労準備支援・就労訓練支援事業",
    ]
    initiative, result, status = sheet.initiatives[1]
    assert initiative.section == "市社会福祉協議会" and not initiative.revised
    assert "認定就労訓練事業所新規登録件数 3件" in result and "(参考 R5年度上半期の実績)" in status
    assert sheet.evaluation.reasons.startswith("新規登録件数は伸び悩んでいるものの")
