import io
import re

import pytest
from django.test import override_settings
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import login, make_agency
from kasane.core.models import AccessLogEntry
from kasane.directory.models import Agency, Field, Theme


@pytest.fixture
def directory(municipality, agency):
    make_agency(municipality, "ひきこもり相談室", field=Field.OTHER, themes=["ひきこもり", "8050"],
                description="ヒキコモリの本人・家族の相談")  # fmt: skip
    make_agency(
        municipality, "住宅・空家対策課", field=Field.OTHER, themes=["住まい"], description="市営住宅"
    )
    make_agency(municipality, "生活・就労サポートセンター", field=Field.POVERTY, themes=["収入・生活費", "住まい"],
                description="住まいを失うおそれのある方の相談")  # fmt: skip
    make_agency(municipality, "休止中の窓口", themes=["住まい"], is_active=False)


def _names(response):
    return re.findall(r'<a href="/directory/\d+/">([^<]+)</a>', response.content.decode())


@pytest.mark.parametrize("word", ["ひきこもり", "ヒキコモリ", "ﾋｷｺﾓﾘ", "ひき こもり"])
def test_free_text_finds_the_counter_whatever_the_kana(client, users, directory, word):
    login(client, users["counselor"])
    assert _names(client.get("/directory/", {"q": word})) == ["ひきこもり相談室"]


def test_a_theme_lists_every_active_agency_that_handles_it(client, users, directory, municipality):
    login(client, users["counselor"])
    theme = Theme.objects.get(municipality=municipality, name="住まい")
    assert sorted(_names(client.get("/directory/", {"theme": theme.pk}))) == [
        "住宅・空家対策課",
        "生活・就労サポートセンター",
    ]


def test_words_narrow_the_search(client, users, directory):
    login(client, users["counselor"])
    assert _names(client.get("/directory/", {"q": "住まい 生活困窮"})) == ["生活・就労サポートセンター"]


def test_another_municipalitys_agencies_and_themes_never_appear(client, users, directory, other_agency):
    login(client, users["counselor"])
    assert "長野市" not in client.get("/directory/", {"q": "包括"}).content.decode()
    other_theme = other_agency.themes.first()
    response = client.get("/directory/", {"theme": other_theme.pk})
    assert response.status_code == 200
    assert "正しく選択してください" in response.content.decode()


def test_a_nonsense_theme_id_is_a_message_not_a_500(client, users, directory):
    login(client, users["counselor"])
    assert client.get("/directory/", {"theme": "abc"}).status_code == 200
    assert client.get("/directory/", {"q": "x" * 500}).status_code == 200


def test_the_search_updates_as_an_htmx_fragment(client, users, directory):
    login(client, users["counselor"])
    response = client.get("/directory/", {"q": "ひきこもり"}, HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert "ひきこもり相談室" in response.content.decode()


def test_the_xlsx_export_holds_the_filtered_rows_with_japanese_headers(client, users, directory):
    login(client, users["evaluator"])
    response = client.get("/directory/export.xlsx", {"q": "すまい"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "機関名（窓口）"
    assert {r[0] for r in rows[1:]} == {"住宅・空家対策課", "生活・就労サポートセンター"}


def _pdf_fonts(reader):
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


def test_the_a4_pdf_embeds_a_japanese_font_and_its_text_reads_back(client, users, directory):
    login(client, users["counselor"])
    response = client.get("/directory/print.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    width, height = sorted(float(x) for x in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points (landscape here)
    fonts = _pdf_fonts(reader)
    assert fonts and all(fonts.values()), fonts
    text = "".join(page.extract_text() for page in reader.pages)
    assert "相談機関一覧表" in text and "ひきこもり相談室" in text


@override_settings(KASANE_PDF_FONT_FAMILIES=["KasaneNotoJP"])
def test_without_system_fonts_the_pdf_embeds_the_font_installed_from_pypi(client, users, directory):
    login(client, users["counselor"])
    reader = PdfReader(io.BytesIO(client.get("/directory/print.pdf", {"q": "ひきこもり"}).content))
    fonts = _pdf_fonts(reader)
    assert any("Noto" in name for name in fonts), fonts
    assert all(fonts.values())
    assert "ひきこもり相談室" in "".join(page.extract_text() for page in reader.pages)


def _agency_form(agency=None, **overrides):
    data = {"name": "新しい窓口", "field": "other", "legal_item": "", "operation": "direct", "site_count": 1,
            "is_active": "on"}  # fmt: skip
    if agency is not None:
        data.update(name=agency.name, field=agency.field, legal_item=agency.legal_item, operation=agency.operation,
                    site_count=agency.site_count, version=agency.version)  # fmt: skip
    data.update(overrides)
    return data


def test_a_municipal_officer_registers_an_agency_that_search_then_finds(client, users, municipality):
    login(client, users["municipal"])
    theme = Theme.objects.create(municipality=municipality, name="ヤングケアラー")
    response = client.post("/directory/new/", _agency_form(name="こども家庭センター", themes=[theme.pk],
                                                          description="ヤングケアラーの相談"))  # fmt: skip
    assert response.status_code == 302
    assert _names(client.get("/directory/", {"q": "やんぐけあらー"})) == ["こども家庭センター"]


def test_a_duplicate_agency_name_or_bad_site_count_saves_nothing(client, users, agency):
    login(client, users["admin"])
    assert (
        "既に登録されています"
        in client.post("/directory/new/", _agency_form(name=agency.name)).content.decode()
    )
    assert client.post("/directory/new/", _agency_form(site_count=0)).status_code == 200
    assert Agency.objects.count() == 1


def test_concurrent_edits_of_an_agency_do_not_overwrite_each_other(client, users, agency):
    login(client, users["admin"])
    versions_before = agency.history.count()
    assert (
        client.post(f"/directory/{agency.pk}/edit/", _agency_form(agency, phone="058-000-0001")).status_code
        == 302
    )
    stale = client.post(f"/directory/{agency.pk}/edit/", _agency_form(agency, phone="058-999-9999"))
    assert "他の職員がこの記録を先に更新しました" in stale.content.decode()
    agency.refresh_from_db()
    assert agency.phone == "058-000-0001"
    assert agency.history.count() > versions_before
    assert agency.history.first().phone == "058-000-0001"


def test_the_directory_is_public_information_and_not_in_the_access_log(client, users, agency):
    login(client, users["counselor"])
    client.get("/directory/")
    assert not AccessLogEntry.objects.exists()


def test_a_theme_with_a_reading_is_found_in_hiragana_and_renaming_reindexes(client, users, municipality):
    agency = make_agency(municipality, "市営住宅の窓口", themes=["住宅"])
    login(client, users["admin"])
    theme = agency.themes.get()
    assert _names(client.get("/directory/", {"q": "じゅうたく"})) == []
    response = client.post(
        f"/directory/themes/{theme.pk}/",
        {"name": "住まい・住宅", "reading": "すまい じゅうたく", "version": theme.version},
    )
    assert response.status_code == 302
    assert _names(client.get("/directory/", {"q": "じゅうたく"})) == ["市営住宅の窓口"]


def test_a_stale_theme_edit_is_refused(client, users, municipality):
    theme = make_agency(municipality, "窓口", themes=["住宅"]).themes.get()
    login(client, users["admin"])
    first = {"name": "A版", "reading": "", "version": theme.version}
    assert client.post(f"/directory/themes/{theme.pk}/", first).status_code == 302
    stale = client.post(f"/directory/themes/{theme.pk}/", {**first, "name": "B版"})
    assert "他の職員がこの記録を先に更新しました" in stale.content.decode()
    theme.refresh_from_db()
    assert theme.name == "A版"


def test_themes_are_added_by_managers_and_duplicates_are_refused(client, users, municipality):
    login(client, users["municipal"])
    assert (
        client.post("/directory/themes/", {"name": "孤独・孤立", "reading": "こどく こりつ"}).status_code
        == 302
    )
    response = client.post("/directory/themes/", {"name": "孤独・孤立"})
    assert "同じ名前のテーマが既にあります" in response.content.decode()
    assert Theme.objects.filter(municipality=municipality, name="孤独・孤立").count() == 1


def test_an_oversized_theme_id_in_the_agency_form_is_a_message(client, users):
    login(client, users["admin"])
    response = client.post("/directory/new/", _agency_form(themes=["99999999999999999999"]))
    assert response.status_code == 200
