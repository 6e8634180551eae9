"""名寄せ in the browser: a coordinator merges two records of the same person (registered twice at the office),
sees the kept record with both records' consultations, the merged one pointing to it, then undoes the merge."""

from datetime import date

import pytest
from playwright.sync_api import expect

from kasane.intake.models import Consultation
from kasane.people.models import Person, PersonMerge
from kasane.people.services import person_create

from .helpers import submit_login

pytestmark = pytest.mark.e2e


def _consultation(user, person, received_on):
    return Consultation.objects.create(
        municipality_id=user.municipality_id, agency=None, staff=user, received_on=received_on, route="phone",
        consulter="self", person=person, response="continuing",
    )  # fmt: skip


def test_a_coordinator_merges_two_records_of_one_person_and_undoes_it(page, url, shot, users):
    coordinator = users["collaboration"]
    kept = person_create(
        user=coordinator, family_name="髙橋", given_name="一郎", family_kana="タカハシ", given_kana="イチロウ",
        birth_date=date(1985, 3, 12), address="岐阜市今沢町18番地",
    )  # fmt: skip
    merged = person_create(
        user=coordinator, family_name="高橋", given_name="一郎", family_kana="タカハシ",
        birth_date=date(1985, 3, 12), address="岐阜市今沢町18", phone_mobile="090-1234-5678",
    )  # fmt: skip
    _consultation(coordinator, kept, date(2026, 4, 1))
    _consultation(coordinator, merged, date(2026, 5, 20))

    submit_login(page, url, "collaboration")
    expect(page).to_have_url(url("/"))
    page.goto(url(f"/people/{kept.pk}/"))
    page.get_by_role("link", name="名寄せ（統合）").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("名寄せ（統合）：相手の記録を選ぶ")
    shot(page, "choose")
    page.get_by_label("統合する相手の本人ID").fill(str(merged.pk))
    page.get_by_role("button", name="比較する").click()
    expect(page).to_have_url(url(f"/people/{kept.pk}/merge/{merged.pk}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("名寄せ（統合）：内容の確認")
    expect(page.locator(".notice")).to_contain_text("相談 1 件")
    page.locator("input[name=choose_phone_mobile][value=merged]").check()
    page.get_by_label("統合の理由").fill("同じ生年月日・住所で、窓口が二重に登録していた")
    shot(page, "compare")
    page.get_by_role("button", name="統合する").click()

    expect(page).to_have_url(url(f"/people/{kept.pk}/"))
    expect(page.locator(".messages")).to_contain_text(
        f"本人ID {merged.pk} の記録を本人ID {kept.pk} に統合しました"
    )
    expect(page.get_by_text("090-1234-5678")).to_be_visible()
    consultations = page.get_by_role("region", name="相談").or_(page.locator("section.card").first)
    expect(consultations.get_by_role("link")).to_have_count(2)  # both records' histories now here
    shot(page, "kept")

    page.goto(url(f"/people/{merged.pk}/"))
    banner = page.get_by_role("note").filter(has_text="統合されました")
    expect(banner).to_contain_text(f"髙橋 一郎（本人ID {kept.pk}）")
    expect(page.get_by_role("link", name="編集")).to_have_count(0)  # nothing more is recorded on it
    shot(page, "merged-banner")
    banner.get_by_role("link").click()
    expect(page).to_have_url(url(f"/people/{kept.pk}/"))

    page.goto(url("/people/"))
    page.get_by_label("氏名・フリガナ").fill("タカハシ")
    page.get_by_role("button", name="検索").click()
    expect(page.get_by_role("row")).to_have_count(2)  # the header and the kept record only
    page.get_by_role("link", name="名寄せ（統合）の履歴").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("名寄せ（統合）の履歴")
    page.get_by_label("取り消しの理由").fill("別人と判明したため")
    shot(page, "history")
    page.get_by_role("button", name="統合を取り消す").click()
    expect(page.locator(".messages")).to_contain_text("統合を取り消しました")
    expect(page.get_by_role("cell").filter(has_text="取り消し済み")).to_be_visible()
    shot(page, "undone")

    assert PersonMerge.objects.get().undone_at is not None
    assert Person.objects.get(pk=merged.pk).merged_into_id is None
    assert Person.objects.get(pk=kept.pk).phone_mobile == ""
    assert list(Consultation.objects.filter(person=merged).values_list("received_on", flat=True)) == [
        date(2026, 5, 20)
    ]
    assert not page.js_errors and not page.console_errors
