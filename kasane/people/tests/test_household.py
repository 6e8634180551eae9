"""Households: members join and leave (history kept), and each viewer sees only what the policy allows."""

from datetime import date

from conftest import login, make_agency, make_user
from kasane.core.roles import Role
from kasane.people import services
from kasane.people.models import Membership, Person


def _household(user):
    head = services.person_create(
        user=user, family_name="長野", given_name="一郎", birth_date=date(1956, 6, 3)
    )
    return services.household_create(user=user, head=head), head


def test_a_new_member_is_recorded_and_added_in_one_step(client, users):
    household, _head = _household(users["counselor"])
    login(client, users["counselor"])
    response = client.post(
        f"/people/households/{household.pk}/members/",
        {
            "family_name": "長野",
            "given_name": "花子",
            "family_kana": "ながの",
            "relationship": "spouse",
            "sex": "female",
        },
    )
    assert response.status_code == 302
    member = Person.objects.get(given_name="花子")
    assert member.family_kana == "ナガノ"
    page = client.get(f"/people/households/{household.pk}/").content.decode()
    assert "長野さん世帯" in page and "花子" in page and "配偶者" in page


def test_leaving_keeps_the_row_and_shows_the_member_as_former(client, users):
    household, _head = _household(users["counselor"])
    son = services.person_create(user=users["counselor"], family_name="長野", given_name="正")
    membership = services.membership_add(
        user=users["counselor"], household=household, person=son, relationship="child"
    )
    login(client, users["counselor"])
    client.post(f"/people/memberships/{membership.pk}/leave/", {"left_on": "令和8年4月1日"})
    membership.refresh_from_db()
    assert membership.left_on == date(2026, 4, 1)
    page = client.get(f"/people/households/{household.pk}/").content.decode()
    assert "以前の世帯員" in page and "離脱" in page
    assert Membership.objects.filter(person=son).count() == 1


def test_a_member_of_another_household_must_leave_it_first(users):
    first, _ = _household(users["counselor"])
    second, _ = _household(users["counselor"])
    person = services.person_create(user=users["counselor"], family_name="移動")
    services.membership_add(user=users["counselor"], household=first, person=person, relationship="child")
    try:
        services.membership_add(
            user=users["counselor"], household=second, person=person, relationship="child"
        )
    except Exception as exc:  # noqa: BLE001
        assert "別の世帯に属しています" in str(exc)
    else:
        raise AssertionError("joined two households at once")


def test_another_agency_sees_only_the_members_it_may_see(client, users, municipality):
    household, head = _household(users["counselor"])
    other = make_agency(municipality, "障害者支援センター")
    staff = make_user(municipality, "other_counselor", [Role.COUNSELOR], agency=other)
    login(client, staff)
    assert client.get(f"/people/households/{household.pk}/").status_code == 404


def test_an_unknown_or_hidden_person_id_is_a_message_not_a_404(client, users, other_agency):
    household, _head = _household(users["counselor"])
    stranger = make_user(other_agency.municipality, "stranger", [Role.COUNSELOR], agency=other_agency)
    hidden = services.person_create(user=stranger, family_name="他市")
    login(client, users["counselor"])
    for person_id in (hidden.pk, 999_999):
        response = client.post(
            f"/people/households/{household.pk}/members/",
            {"person_id": person_id, "relationship": "child", "sex": "unknown"},
            follow=True,
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert f"本人ID {person_id} の記録が見つかりません" in page and "他市" not in page
    assert household.memberships.count() == 1
