"""The 地域づくり pages through Django's test client: lists and filters, a session with a bad count, the 年度
summary and its .xlsx, read-only staff, hostile input (NUL bytes, huge ids) answered with 4xx, never 500."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from conftest import login
from kasane.community import services
from kasane.community.models import Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def salon(users):
    activity = services.activity_create(user=users["municipal"], name="本荘ふれあいいきいきサロン", project="3kon",
                                        kind="salon", area="本荘地区", schedule="毎月第2水曜")  # fmt: skip
    services.session_record(user=users["outreach"], activity=activity, held_on=date(2024, 5, 8), age_65_74=8,
                            age_75_over=12, volunteers=4)  # fmt: skip
    services.session_record(
        user=users["outreach"], activity=activity, held_on=date(2025, 4, 9), age_75_over=30
    )
    return activity


def _session_post(**counts):
    data = {"held_on": "令和6年6月12日", "age_0_17": "", "age_18_39": "", "age_40_64": "1", "age_65_74": "9",
            "age_75_over": "11", "volunteers": "3", "note": "七夕飾り"}  # fmt: skip
    data.update(counts)
    return data


def test_the_list_filters_by_project_area_and_fiscal_year(client, users, salon):
    services.activity_create(
        user=users["municipal"], name="加納 親子のひろば", project="3ni", area="加納地区"
    )
    login(client, users["counselor"])
    html = client.get(reverse("community:activity_list"), {"fy": "2024"}).content.decode()
    assert "本荘ふれあいいきいきサロン" in html and "加納 親子のひろば" in html and "令和6年度" in html
    assert "20人" in html  # 令和6年度: one session of 8 + 12
    html = client.get(reverse("community:activity_list"), {"project": "3ni", "fy": "2024"}).content.decode()
    assert "加納 親子のひろば" in html and "本荘ふれあいいきいきサロン" not in html
    html = client.get(reverse("community:activity_list"), {"area": "本荘地区", "fy": "2024"}).content.decode()
    assert "本荘ふれあいいきいきサロン" in html and "加納 親子のひろば" not in html
    assert "場・活動を登録" not in html  # the counselor reads only


def test_a_session_is_recorded_from_the_activity_page(client, users, salon):
    login(client, users["outreach"])
    url = reverse("community:session_add", kwargs={"pk": salon.pk})
    response = client.post(url, _session_post(), follow=True)
    assert "開催を記録しました（参加 21人）" in response.content.decode()
    session = Session.objects.get(held_on=date(2024, 6, 12))
    assert (session.age_0_17, session.age_40_64, session.age_75_over, session.volunteers) == (0, 1, 11, 3)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("age_75_over", "1.5", "75歳以上は0以上の整数"), ("age_0_17", "-2", "0〜17歳にマイナスの数"),
     ("volunteers", "たくさん", "ボランティア・担い手は0以上の整数")],
)  # fmt: skip
def test_a_bad_count_shows_a_japanese_error_and_records_nothing(client, users, salon, field, value, message):
    login(client, users["outreach"])
    response = client.post(
        reverse("community:session_add", kwargs={"pk": salon.pk}), _session_post(**{field: value})
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Session.objects.count() == 2


def test_a_session_is_corrected_and_a_stale_correction_refused(client, users, salon):
    session = Session.objects.get(held_on=date(2024, 5, 8))
    login(client, users["municipal"])
    url = reverse("community:session_edit", kwargs={"pk": session.pk})
    response = client.post(url, _session_post(held_on="2024-05-08", version="1", age_75_over="13"))
    assert response.status_code == 302
    response = client.post(url, _session_post(held_on="2024-05-08", version="1", age_75_over="99"))
    assert "他の職員" in response.content.decode()
    session.refresh_from_db()
    assert session.age_75_over == 13


def test_read_only_staff_see_no_forms_and_cannot_post(client, users, salon):
    login(client, users["evaluator"])
    html = client.get(
        reverse("community:activity_detail", kwargs={"pk": salon.pk}), {"fy": "2024"}
    ).content.decode()
    assert "開催を記録" not in html and "20" in html
    response = client.post(reverse("community:session_add", kwargs={"pk": salon.pk}), _session_post())
    assert response.status_code == 403
    assert Session.objects.count() == 2


def test_coordinators_meetings_and_trainings_are_created_and_listed(client, users):
    login(client, users["outreach"])
    client.post(reverse("community:coordinator_create"), {"name": "金華 恵", "kind": "welfare",
                                                          "areas": "本荘、日光", "is_active": "on"})  # fmt: skip
    client.post(reverse("community:network_meeting_create"), {"kind": "council2", "title": "日常生活圏域協議体",
                "held_on": "R6.10.8", "participants": "16", "topics": "ごみ出し支援"})  # fmt: skip
    response = client.post(reverse("community:training_create"), {"title": "見守りサポーター養成講座",
                           "held_on": "2024/9/6", "trainees": "34", "completed": "35"})  # fmt: skip
    assert "修了者数は受講者数以下" in response.content.decode()
    client.post(reverse("community:training_create"), {"title": "見守りサポーター養成講座", "held_on": "2024/9/6",
                                                       "trainees": "34", "completed": "31"})  # fmt: skip
    assert "金華 恵" in client.get(reverse("community:coordinator_list")).content.decode()
    html = client.get(reverse("community:network_meeting_list"), {"fy": "2024"}).content.decode()
    assert "日常生活圏域協議体" in html and "令和6年10月8日" in html
    html = client.get(reverse("community:training_list"), {"fy": "2024"}).content.decode()
    assert "見守りサポーター養成講座" in html and "31人" in html


def test_the_summary_and_its_spreadsheet(client, users, salon):
    services.training_create(user=users["municipal"], title="見守りサポーター養成講座", held_on=date(2024, 9, 6),
                             trainees=34, completed=31)  # fmt: skip
    login(client, users["evaluator"])
    html = client.get(reverse("community:summary"), {"fy": "2024"}).content.decode()
    assert "令和6年度" in html and "生活困窮者支援等のための地域づくり" in html
    response = client.get(reverse("community:summary_xlsx"), {"fy": "2024"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["事業", "活動数", "開催回数", "参加者（のべ）"]
    total = next(r for r in rows if r[0] == "合計")
    assert total[1:4] == [1, 1, 20]
    assert any(r[0] == "養成講座・研修（開催回数）" and r[3] == 34 for r in rows)


@pytest.mark.parametrize(
    "route", ["community:activity_detail", "community:activity_edit", "community:session_edit",
              "community:coordinator_edit", "community:network_meeting_edit", "community:training_edit"],
)  # fmt: skip
def test_huge_ids_are_404(client, users, route):
    login(client, users["admin"])
    assert client.get(reverse(route, kwargs={"pk": 2**70})).status_code == 404
    assert client.get(reverse(route, kwargs={"pk": 2**63 - 1})).status_code == 404


def test_nul_bytes_and_odd_filters_never_500(client, users, salon):
    login(client, users["municipal"])
    for params in ({"fy": "\x00"}, {"project": "\x00", "area": "\x00"}, {"fy": "99999999999999999999"},
                   {"fy": "令和6年度"}):  # fmt: skip
        for route in ("community:activity_list", "community:summary", "community:training_list"):
            status = client.get(reverse(route), params).status_code
            assert status == (400 if any("\x00" in v for v in params.values()) else 200)
    assert client.get(reverse("community:summary_xlsx"), {"fy": "\x00"}).status_code == 400
    response = client.post(reverse("community:activity_create"), {"name": "サロン\x00", "project": "3kon",
                                                                   "kind": "salon"})  # fmt: skip
    assert response.status_code == 200 and "form" in response.content.decode()
    response = client.post(reverse("community:session_add", kwargs={"pk": salon.pk}),
                           _session_post(note="\x00", held_on="\x00"))  # fmt: skip
    assert response.status_code == 400
