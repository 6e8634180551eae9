"""The .xlsx layout of the progress sheets: an export re-imports to the same data; a damaged file changes nothing."""

import io

import pytest
from openpyxl import load_workbook

from kasane.evaluation import selectors, services, sheets_xlsx
from kasane.evaluation.models import Evaluation, Plan

pytestmark = pytest.mark.django_db


def _edit(content: bytes, change) -> io.BytesIO:
    wb = load_workbook(io.BytesIO(content))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def _import(plan, upload):
    data = sheets_xlsx.read_plan(upload)
    return services.plan_import(user=None, municipality_id=plan.municipality_id, data=data)


def test_an_export_reimports_to_the_same_data(plan):
    before = selectors.plan_data(plan)
    content = sheets_xlsx.export_plan(plan)
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames[0] == "一覧表" and len(wb.sheetnames) == 14
    again = _import(plan, io.BytesIO(content))
    assert again.pk == plan.pk
    assert selectors.plan_data(again) == before
    # and once more: the round trip is stable
    assert selectors.plan_data(_import(plan, io.BytesIO(sheets_xlsx.export_plan(again)))) == before


def test_an_edited_value_is_imported(plan):
    def change(wb):
        ws = wb["No4 2-1"]
        assert ws["A18"].value == "実績値" and ws["B18"].value == 2023
        ws["C18"] = 4

    _import(plan, _edit(sheets_xlsx.export_plan(plan), change))
    evaluation = Evaluation.objects.get(measure__plan=plan, measure__number="2-1", fiscal_year=2023)
    assert (evaluation.grade, evaluation.basis) == ("B", "computed")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda wb: wb["No4 2-1"].__setitem__("C17", "二"),
            "シート「No4 2-1」のC17：実績値は数値で入力してください",
        ),
        (lambda wb: wb["No4 2-1"].insert_rows(3), "シート「No4 2-1」のA3：「施策番号」があるはずの位置"),
        (lambda wb: wb["No9 4-1"].merge_cells("C17:D17"), "シート「No9 4-1」のC17:D17：結合されたセル"),
        (lambda wb: wb["No8 3-3"].__setitem__("B17", 2030), "2030は計画期間（2022〜2026年度）の外です"),
        (
            lambda wb: wb["No8 3-3"].__setitem__("B16", 2030),
            "シート「No8 3-3」のB16：目標値の年度2030は計画期間",
        ),
        (lambda wb: wb["No10 4-2"].__setitem__("C24", "D"), "評価は A・B・C のいずれか"),
        (lambda wb: wb.remove(wb["No13 4-5"]), "シート「No13 4-5」がありません"),
    ],
)
def test_a_damaged_workbook_is_refused_with_the_cell_and_changes_nothing(plan, change, message):
    before = selectors.plan_data(plan)
    with pytest.raises(sheets_xlsx.LayoutError) as refused:
        _import(plan, _edit(sheets_xlsx.export_plan(plan), change))
    assert any(message in e for e in refused.value.errors), refused.value.errors
    assert selectors.plan_data(Plan.objects.get(pk=plan.pk)) == before


def test_a_grade_that_contradicts_the_rule_is_refused_and_nothing_changes(plan):
    before = selectors.plan_data(plan)

    def change(wb):
        ws = wb["No10 4-2"]
        row = next(r for r in range(20, 40) if ws.cell(r, 1).value == "評価" and ws.cell(r, 2).value == 2022)
        ws.cell(row, 3).value = "C"
        wb["No4 2-1"]["C18"] = 5  # a valid change elsewhere must not be written either

    with pytest.raises(services.ImportErrors) as refused:
        _import(plan, _edit(sheets_xlsx.export_plan(plan), change))
    assert "実績値から A と算出されます" in refused.value.message
    assert selectors.plan_data(Plan.objects.get(pk=plan.pk)) == before


def test_a_file_that_is_not_xlsx_is_refused():
    with pytest.raises(sheets_xlsx.LayoutError) as refused:
        sheets_xlsx.read_plan(io.BytesIO(b"PK\x03\x04 not really\x00"))
    assert "読めませんでした" in refused.value.errors[0]
