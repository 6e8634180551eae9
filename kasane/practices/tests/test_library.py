"""The import command, the export, search with filters, the pages and the peer comparison."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from conftest import login
from kasane.practices import selectors, services
from kasane.practices.demo import SEED_FILE, load_library
from kasane.practices.models import Figure, OwnFigures, Report, Target

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def library(django_db_setup, django_db_blocker):
    """The real file imported once for the module (each test's own changes roll back)."""
    with django_db_blocker.unblock():
        call_command("import_practices", str(SEED_FILE), stdout=StringIO())
    yield
    with django_db_blocker.unblock():
        Report.objects.all().delete()


def test_import_is_idempotent_and_export_has_numbers_and_lines(library):
    call_command("import_practices", str(SEED_FILE), stdout=StringIO())
    assert Report.objects.count() == 50
    assert Figure.objects.filter(town="", key="population").count() == 50
    out = StringIO()
    call_command("export_practices", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert len(data) == 50
    sapporo = data[0]
    assert sapporo["figures"]["population"] == {
        "value": 1966735,
        "unit": "人",
        "raw": "1,966,735(人)",
        "line": 18,
    }
    assert sapporo["figures"]["aging_rate"]["value"] == 26.7
    akita = next(r for r in data if r["heading"] == "秋田県")
    assert akita["figures"]["households"]["value"] is None
    assert [t["name"] for t in akita["towns"]] == ["上小阿仁村", "小坂町"]
    assert akita["municipality"] == "地域力強化推進事業地域(上小阿仁村、小坂町)" and akita["is_prefectural"]


def test_a_broken_file_imports_nothing_and_keeps_the_library(library, tmp_path):
    garbled = tmp_path / "garbled.txt"
    garbled.write_bytes(b"\x82\xa0\xff\xfe broken")
    with pytest.raises(CommandError, match="UTF-8 として読めません"):
        call_command("import_practices", str(garbled))
    truncated = tmp_path / "truncated.txt"
    truncated.write_text("\n".join(SEED_FILE.read_text(encoding="utf-8").split("\n")[:330]), encoding="utf-8")
    with pytest.raises(CommandError, match="何も変更していません"):
        call_command("import_practices", str(truncated))
    with pytest.raises(CommandError, match="見つかりません"):
        call_command("import_practices", str(tmp_path / "missing.txt"))
    assert Report.objects.count() == 50 and Target.objects.count() == 121


def test_search_is_and_of_terms_kana_insensitive_with_filters(library, users):
    user = users["evaluator"]
    gomi = {r.name for r in selectors.report_search(user=user, query="ごみ屋敷")}
    assert "北海道 札幌市" in gomi
    assert gomi == {r.name for r in selectors.report_search(user=user, query="ゴミ屋敷")} | gomi
    assert not selectors.report_search(
        user=user, query="ひきこもり 参加支援"
    ).exists()  # 参加支援 came in 2021
    both = selectors.report_search(user=user, query="ひきこもり　就労支援")
    only_one = selectors.report_search(user=user, query="ひきこもり")
    assert 0 < both.count() < only_one.count()
    assert set(both) <= set(only_one)
    small = selectors.report_search(user=user, band="u10k", aging_min=Decimal("40"))
    assert {r.name for r in small} == {"北海道 津別町", "岩手県 岩泉町", "秋田県 井川町"}
    assert (
        selectors.prefectures()[:3] == ["北海道", "青森県", "岩手県"] and len(selectors.prefectures()) == 14
    )
    prefectural = selectors.report_search(user=user, projects=["todofuken"])
    assert {r.prefecture for r in prefectural} == {"秋田県", "栃木県", "埼玉県", "東京都"}


def test_highlight_marks_folded_matches_and_escapes():
    html = selectors.highlight("<b>ゴミ屋敷</b>の相談", selectors.query_terms("ごみ屋敷"))
    assert html == "&lt;b&gt;<mark>ゴミ屋敷</mark>&lt;/b&gt;の相談"


def test_pages_render_for_a_reader(library, client, users):
    login(client, users["evaluator"])
    response = client.get(reverse("practices:report_list"), {"q": "ごみ屋敷", "projects": ["takikan"]})
    assert response.status_code == 200
    assert "<mark>ごみ屋敷</mark>" in response.content.decode()
    assert client.get(reverse("practices:report_list"), {"aging_min": "abc", "band": "x"}).status_code == 200
    report = Report.objects.get(heading="北海道 札幌市")
    page = client.get(
        reverse("practices:report_detail", args=[report.pk]), {"q": "ワークショップ"}
    ).content.decode()
    assert "ワークショップの参加人数:各地区 50 人" in page and "（56行目）" in page
    assert client.get(reverse("practices:report_detail", args=[999999])).status_code == 404
    assert client.get("/practices/99999999999999999999/").status_code == 404
    assert client.get(f"/practices/{report.pk}/?q=%00").status_code in (200, 400)
    for query in (
        "q=%00",
        "q=" + "あ" * 300,
        "aging_min=-1&aging_max=1e9",
        "projects=x&prefecture=%00",
        "fy=abc",
    ):
        assert client.get(f"/practices/?{query}").status_code in (200, 400), (
            query
        )  # NUL: 400 by the middleware
    assert client.get("/practices/compare/?fy=99999999999").status_code == 200


def test_compare_finds_the_nearest_reports_and_shows_own_targets(library, client, users, municipality):
    login(client, users["municipal"])
    response = client.post(reverse("practices:own_figures_edit"),
                           {"population": "400000", "households": "185000", "aging_rate": "28.8"})  # fmt: skip
    assert response.status_code == 302
    own = OwnFigures.objects.get(municipality=municipality)
    peers = selectors.peers(user=users["municipal"], figures=own)
    assert len(peers) == 5
    assert peers[0].distance <= peers[-1].distance
    assert all(not p.report.is_prefectural for p in peers)
    assert "岩手県 盛岡市" in {p.report.name for p in peers}  # 290,136人 / 135,472世帯 / 26.8%
    page = client.get(reverse("practices:compare")).content.decode()
    assert "似た自治体（5件）" in page and "<svg" in page


def test_own_figures_are_kept_by_the_office_with_a_version(client, users, municipality):
    data = {"population": "1000", "households": "500", "aging_rate": "30"}
    services.own_figures_save(user=users["admin"], population=1000, households=500, aging_rate=30)
    login(client, users["admin"])
    stale = client.post(reverse("practices:own_figures_edit"), {**data, "version": "7"})
    assert stale.status_code == 400 and "他の職員" in stale.content.decode()
    bad = client.post(reverse("practices:own_figures_edit"), {**data, "aging_rate": "120", "version": "1"})
    assert bad.status_code == 400
    assert OwnFigures.objects.get(municipality=municipality).population == 1000
    login(client, users["evaluator"])
    assert client.post(reverse("practices:own_figures_edit"), data).status_code == 403


def test_the_demo_keeps_an_imported_library_and_sets_the_demo_towns_figures(library, municipality):
    assert load_library() == 0
    assert OwnFigures.objects.get(municipality=municipality).as_of == "デモ用の概数"
