"""The progress sheet and outcome target pages through Django's test client."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import login
from kasane.evaluation import selectors, services, sheets_xlsx
from kasane.evaluation.models import Actual, Evaluation, OutcomeTarget

pytestmark = pytest.mark.django_db


def _sheet(plan, number):
    return plan.measures.get(number=number)


def test_the_list_shows_the_documents_values_to_an_evaluator(client, users, plan):
    login(client, users["evaluator"])
    html = client.get(reverse("evaluation:plan_detail", kwargs={"pk": plan.pk}) + "?year=R4").content.decode()
    for text in ("29%", "96%", "400%", "43%", "100%", "コミュニティ・ソーシャルワーカー配置人数", "総合評価"):
        assert text in html
    assert "実績値を入力" not in html


def test_a_sheet_shows_its_full_layout(client, users, plan):
    login(client, users["counselor"])
    url = reverse("evaluation:sheet_detail", kwargs={"pk": _sheet(plan, "4-2").pk})
    html = client.get(url + "?year=2022").content.decode()
    for text in ("目指す姿・状態", "認定就労訓練事業所の数", "400%", "令和4年度の取組結果", "令和5年度の取組状況",
                 "就労準備支援・就労訓練支援事業", "新規登録件数は伸び悩んでいる"):  # fmt: skip
        assert text in html, text
    assert "評価を入力" not in html  # casework roles read only


def test_the_municipal_office_records_an_actual_and_the_grade_follows(client, users, plan):
    login(client, users["municipal"])
    measure = _sheet(plan, "4-5")
    url = reverse("evaluation:actual_edit", kwargs={"pk": measure.pk})
    response = client.post(
        url + "?year=2023", {"fiscal_year": 2023, "value": "85", "text": "", "version": measure.version}
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(measure=measure, fiscal_year=2023)
    assert (evaluation.grade, evaluation.basis) == ("A", "computed")
    sheet = selectors.sheet_get(user=users["municipal"], measure=measure, year=2023)
    assert sheet.actual.rate == 114  # (85 − 77) / (84 − 77) = 114.28… %


def test_a_stale_version_overwrites_nothing(client, users, plan):
    login(client, users["admin"])
    measure = _sheet(plan, "2-1")
    stale = measure.version
    services.actual_set(user=users["municipal"], measure=measure, version=stale, fiscal_year=2023, value="3")
    url = reverse("evaluation:actual_edit", kwargs={"pk": measure.pk})
    html = client.post(url, {"fiscal_year": 2023, "value": "9", "text": "", "version": stale}, follow=True)
    assert "他の職員がこの進捗管理シートを先に更新しました" in html.content.decode()
    assert Actual.objects.get(indicator__measure=measure, fiscal_year=2023).value == 3


def test_a_judgement_needs_reasons_and_a_computed_grade_cannot_be_overridden(client, users, plan):
    login(client, users["municipal"])
    survey = _sheet(plan, "3-1")
    url = reverse("evaluation:evaluation_edit", kwargs={"pk": survey.pk})
    html = client.post(
        url, {"fiscal_year": 2023, "grade": "B", "reasons": "", "version": survey.version}
    ).content
    assert "総合評価には評価の理由を入力してください" in html.decode()
    client.post(
        url, {"fiscal_year": 2023, "grade": "B", "reasons": "サロン活動が再開した", "version": survey.version}
    )
    assert Evaluation.objects.get(measure=survey, fiscal_year=2023).basis == "judged"
    computed = _sheet(plan, "3-3")
    url = reverse("evaluation:evaluation_edit", kwargs={"pk": computed.pk})
    html = client.post(
        url, {"fiscal_year": 2022, "grade": "C", "reasons": "x", "version": computed.version}
    ).content
    assert "実績値から評価 B と算出されます" in html.decode()


def test_an_initiative_is_edited(client, users, plan):
    login(client, users["municipal"])
    measure = _sheet(plan, "1-1")
    url = reverse("evaluation:initiative_edit", kwargs={"pk": measure.pk, "number": 3})
    response = client.post(url, {"title": "新しい取組", "outline": "概要", "revised": "on", "revision": "対象を拡大",
                                 "section": "福祉政策課", "progress_2024": "実施", "version": measure.version})  # fmt: skip
    assert response.status_code == 302
    initiative = measure.initiatives.get(number=3)
    assert initiative.revised and initiative.progress.get().fiscal_year == 2024


def test_an_evaluator_cannot_edit(client, users, plan):
    login(client, users["evaluator"])
    measure = _sheet(plan, "1-1")
    url = reverse("evaluation:actual_edit", kwargs={"pk": measure.pk})
    assert (
        client.post(url, {"fiscal_year": 2023, "value": "1", "version": measure.version}).status_code == 403
    )


def test_another_municipality_sees_nothing(client, users, plan):
    login(client, users["other_admin"])
    assert client.get(reverse("evaluation:plan_detail", kwargs={"pk": plan.pk})).status_code == 404
    assert plan.name not in client.get(reverse("evaluation:plan_list")).content.decode()


def test_the_pdf_prints_every_sheet(client, users, plan):
    login(client, users["evaluator"])
    response = client.get(reverse("evaluation:plan_print", kwargs={"pk": plan.pk}) + "?year=2022")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 14
    for value in ("400%", "29%", "96%", "43%", "100%", "総合評価"):
        assert value in text


def test_export_and_import_through_the_pages(client, users, plan):
    login(client, users["admin"])
    content = client.get(reverse("evaluation:plan_export", kwargs={"pk": plan.pk})).content
    assert load_workbook(io.BytesIO(content)).sheetnames[0] == "一覧表"
    before = selectors.plan_data(plan)
    wb = load_workbook(io.BytesIO(content))
    wb["No4 2-1"]["C17"] = "二人"
    bad = io.BytesIO()
    wb.save(bad)
    bad.seek(0)
    bad.name = "sheets.xlsx"
    html = client.post(reverse("evaluation:plan_import"), {"file": bad}).content.decode()
    assert "シート「No4 2-1」のC17：実績値は数値で入力してください" in html
    good = io.BytesIO(content)
    good.name = "sheets.xlsx"
    assert client.post(reverse("evaluation:plan_import"), {"file": good}).status_code == 302
    assert selectors.plan_data(plan) == before


@pytest.mark.parametrize("query", ["?year=99999999999999999999", "?year=R999", "?year=令和", "?year=1800"])
def test_odd_years_fall_back_to_the_plan(client, users, plan, query):
    login(client, users["evaluator"])
    assert client.get(reverse("evaluation:plan_detail", kwargs={"pk": plan.pk}) + query).status_code == 200
    assert client.get(reverse("evaluation:target_list") + query).status_code == 200


def test_a_nul_byte_in_the_year_is_a_400(client, users, plan):
    login(client, users["evaluator"])
    assert (
        client.get(reverse("evaluation:plan_detail", kwargs={"pk": plan.pk}) + "?year=%00").status_code == 400
    )


def test_huge_ids_and_nul_bytes_are_4xx(client, users, plan):
    login(client, users["admin"])
    huge = 2**63 + 5
    assert client.get(f"/evaluation/plans/{huge}/").status_code == 404
    assert client.get(f"/evaluation/sheets/{huge}/actual/").status_code == 404
    assert client.get(f"/evaluation/targets/{huge}/").status_code == 404
    measure = _sheet(plan, "1-1")
    url = reverse("evaluation:actual_edit", kwargs={"pk": measure.pk})
    response = client.post(url, {"fiscal_year": "2023\x00", "value": "1\x00", "version": "1\x00"})
    assert response.status_code == 200  # the form shows the errors
    response = client.post(url, {"fiscal_year": 2023, "value": "1e999999", "version": measure.version})
    assert response.status_code == 200 and "数値" in response.content.decode()
    url = reverse("evaluation:initiative_edit", kwargs={"pk": measure.pk, "number": 99999999999})
    assert client.get(url).status_code in (302, 404)


def test_outcome_targets_show_achievement(client, users, municipality):
    services.target_create(user=None, municipality_id=municipality.pk, project="community", fiscal_year=2024,
                           item="研修の開催", number="2", unit="回", comparison="gte", stat_key="", actual_value="3")  # fmt: skip
    services.target_create(user=None, municipality_id=municipality.pk, project="item5", fiscal_year=2024,
                           item="新規相談件数", number="96", unit="件", comparison="gte",
                           stat_key="new_consultations")  # fmt: skip
    login(client, users["evaluator"])
    html = client.get(reverse("evaluation:target_list") + "?year=2024").content.decode()
    assert "研修の開催 2回以上" in html and "達成" in html and "記録から集計" in html
    login(client, users["municipal"])
    response = client.post(reverse("evaluation:target_create"), {
        "project": "item2", "fiscal_year": 2024, "item": "協力企業", "number": "2", "unit": "社", "comparison": "gte",
        "stat_key": "cooperating_businesses", "actual_value": "5"})  # fmt: skip
    assert "記録から集計する目標には実績を入力しません" in response.content.decode()
    target = OutcomeTarget.objects.get(item="研修の開催")
    edit = reverse("evaluation:target_edit", kwargs={"pk": target.pk})
    fields = {"project": "community", "fiscal_year": 2024, "item": "研修の開催", "number": "2", "unit": "回",
              "comparison": "gte", "stat_key": "", "actual_value": "1", "version": target.version}  # fmt: skip
    assert client.post(edit, fields).status_code == 302
    assert "他の職員" in client.post(edit, fields, follow=True).content.decode()  # the same version again
    assert client.post(reverse("evaluation:target_delete", kwargs={"pk": target.pk})).status_code == 302
    assert not OutcomeTarget.objects.filter(pk=target.pk).exists()


def test_the_demo_loads_the_thirteen_sheets_for_nagano(db):
    from kasane.core.models import Municipality
    from kasane.evaluation import demo

    nagano = Municipality.objects.create(name="長野市", prefecture="長野県", code="202011")
    Municipality.objects.create(name="岐阜市", prefecture="岐阜県", code="212016")
    demo.load(nagano)
    assert nagano.plan_set.get().measures.count() == 13
    assert OutcomeTarget.objects.filter(municipality__name="岐阜市").count() == 6
    assert sheets_xlsx.export_plan(nagano.plan_set.get())


def test_a_small_counted_actual_is_suppressed_for_the_evaluator(client, users, municipality, monkeypatch):
    from kasane.evaluation import statistics

    monkeypatch.setattr(statistics, "stat_value", lambda municipality, year, key, **kw: 2)
    services.target_create(user=None, municipality_id=municipality.pk, project="item2", fiscal_year=2024,
                           item="活動参加の場への利用につながった人数", number="3", unit="人", comparison="gte",
                           stat_key="participation_persons")  # fmt: skip
    evaluator_rows = selectors.target_rows(user=users["evaluator"], year=2024)
    assert (
        evaluator_rows[0].suppressed
        and evaluator_rows[0].actual is None
        and evaluator_rows[0].achieved is None
    )
    login(client, users["evaluator"])
    html = client.get(reverse("evaluation:target_list") + "?year=2024").content.decode()
    assert "秘匿処理" in html and "未達成" not in html
    municipal_rows = selectors.target_rows(user=users["municipal"], year=2024)
    assert municipal_rows[0].actual == 2 and municipal_rows[0].achieved is False
