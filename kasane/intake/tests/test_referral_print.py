import io
import re
from datetime import date, datetime

import pytest
from django.utils import timezone
from pypdf import PdfReader

from conftest import make_agency
from kasane.core.pdf import render_pdf
from kasane.directory.models import Field
from kasane.intake.models import Consent, Consultation, LegalBasis, Problem, Referral
from kasane.people.models import Person, Sex

TEMPLATE = "intake/referral_print.html"


@pytest.fixture
def referral(municipality, agency, users):
    person = Person.objects.create(
        municipality=municipality, family_name="長野", given_name="正美", family_kana="ナガノ",
        given_kana="マサミ", birth_date=date(1979, 6, 3), sex=Sex.FEMALE, postal_code="500-8701",
        address="岐阜県岐阜市司町40番地1", phone_mobile="090-0000-0000", contact_precautions="自宅に電話しない",
    )  # fmt: skip
    staff = users["counselor"]
    consultation = Consultation.objects.create(
        municipality=municipality, agency=agency, staff=staff, received_on=date(2024, 5, 8), route="visit",
        consulter="self", person=person, main_problem=Problem.CARE, response="referral",
    )  # fmt: skip
    consent = Consent.objects.create(
        municipality=municipality, person=person, consultation=consultation, obtained_on=date(2024, 5, 8),
        method=Consent.Method.WRITTEN, obtained_by=staff, obtained_by_agency=agency, share_consultation=True,
    )  # fmt: skip
    to_agency = make_agency(
        municipality, "障害者相談支援センター", field=Field.DISABILITY, phone="058-000-1234"
    )
    consent.agencies.add(to_agency)
    return Referral.objects.create(
        municipality=municipality, consultation=consultation, person=person, from_agency=agency,
        from_staff=staff, to_agency=to_agency, reason="長女（21歳）の障害福祉サービスの利用について相談が必要なため。",
        wants_to_talk="娘の日中の居場所と、自分が働き続けられるかを相談したい。", accommodation="平日の夕方以降の連絡を希望",
        legal_basis=LegalBasis.CONSENT, consent=consent, sent_at=timezone.make_aware(datetime(2024, 5, 9, 10, 30)),
    )  # fmt: skip


def _context(referral, household_rows, checked=(Problem.CARE, Problem.INCOME, Problem.FAMILY)):
    main = referral.consultation.main_problem
    return {
        "referral": referral,
        "person": referral.person,
        "problems": [(p.label, p in checked or p == main, p == main) for p in Problem],
        "household_rows": household_rows,
        "household_size": len(household_rows),
        "printed_on": date(2024, 5, 10),
    }


NAGANO = [
    {"name": "長野 花子", "age": 72, "relationship": "世帯主", "note": "要介護2"},
    {"name": "長野 一郎", "age": 70, "relationship": "配偶者", "note": "無年金"},
    {"name": "長野 正美", "age": 45, "relationship": "子", "note": "本人。パート収入 月10万円"},
    {"name": "長野 みどり", "age": 21, "relationship": "孫", "note": "障害あり"},
    {"name": "長野 正太", "age": 14, "relationship": "孫", "note": "不登校"},
    {"name": "長野 太一", "age": 10, "relationship": "孫", "note": ""},
]


def _fonts(reader):
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(
                k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return fonts


def _read(pdf: bytes):
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", "", text)


def test_the_sheet_is_an_a4_portrait_pdf_with_embedded_fonts_and_the_referral_in_it(referral):
    reader, text = _read(render_pdf(TEMPLATE, _context(referral, NAGANO)))
    for page in reader.pages:
        width, height = (float(x) for x in page.mediabox[2:])
        assert (round(width), round(height)) == (595, 842)  # A4 portrait, in points
    assert len(reader.pages) == 1
    fonts = _fonts(reader)
    assert fonts and all(fonts.values()), fonts
    assert "つなぐシート（相談支援機関連絡票）" in text
    assert "長野正美" in text and "ナガノマサミ" in text
    assert "障害者相談支援センター" in text and "地域包括支援センター" in text
    assert "◎介護" in text and "■収入・生活費" in text and "□住まい" in text
    assert text.count("◎") == 2  # the legend and the main problem
    assert (
        "送付日令和6年5月9日" in text and "相談受付日令和6年5月8日" in text and "印刷日令和6年5月10日" in text
    )
    assert "昭和54年6月3日" in text  # birth date in 和暦
    assert "自宅に電話しない" in text
    assert "世帯人数6人" in text and "要介護2" in text
    assert "本人同意（令和6年5月8日、書面（署名）" in text
    for field in ("受理（引継ぎ）", "差し戻し", "担当者", "理由"):
        assert field in text


def test_a_referral_without_consent_names_its_legal_basis(referral):
    referral.legal_basis, referral.consent = LegalBasis.CHILD_ABUSE, None
    referral.save()
    _, text = _read(render_pdf(TEMPLATE, _context(referral, [])))
    assert "児童虐待の通告（児童虐待防止法第6条）" in text
    assert "本人同意（" not in text


def test_a_person_known_only_by_description_still_prints(referral, municipality):
    person = Person.objects.create(municipality=municipality, description="50代男性")
    referral.person = person
    _, text = _read(render_pdf(TEMPLATE, {**_context(referral, []), "person": person}))
    assert "50代男性" in text and "不明" in text


def test_markup_in_the_fields_prints_as_text(referral):
    referral.reason = "<b>太字</b>にならない & <script>"
    _, text = _read(render_pdf(TEMPLATE, _context(referral, NAGANO)))
    assert "<b>太字</b>にならない&<script>" in text


def test_a_twelve_member_household_stays_within_two_pages(referral):
    rows = [
        {"name": f"長野 世帯員{i:02d}", "age": 80 - i * 6, "relationship": "孫" if i > 2 else "子",
         "note": "通院同行が必要。日中は不在のことが多い。" * (1 + i % 2)}
        for i in range(12)
    ]  # fmt: skip
    referral.reason = "複数の課題が重なっており、世帯全体の支援方針を話し合う必要があるため。" * 6
    referral.wants_to_talk = "家族それぞれの今後について。" * 8
    reader, text = _read(render_pdf(TEMPLATE, _context(referral, rows)))
    assert len(reader.pages) <= 2
    if len(reader.pages) == 2:  # the second page says which sheet it continues
        assert (
            "（続き）" in reader.pages[1].extract_text() and "（続き）" not in reader.pages[0].extract_text()
        )
    assert all(f"長野世帯員{i:02d}" in text for i in range(12))
    assert "世帯人数12人" in text
    assert all((round(float(p.mediabox[2])), round(float(p.mediabox[3]))) == (595, 842) for p in reader.pages)
