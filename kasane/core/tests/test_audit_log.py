import pytest

from conftest import login
from kasane.core import audit
from kasane.core.models import AccessLogEntry, StaffRole


def test_reading_a_staff_record_is_logged_with_who_what_and_ip(client, users):
    login(client, users["admin"])
    client.get(f"/manage/staff/{users['counselor'].pk}/", REMOTE_ADDR="10.1.2.3")
    entry = AccessLogEntry.objects.get(action="view", object_type="core.user")
    assert entry.user == users["admin"]
    assert entry.object_id == str(users["counselor"].pk)
    assert entry.municipality == users["admin"].municipality
    assert entry.ip == "10.1.2.3"
    assert entry.via == "ui"


def test_a_list_logs_one_entry_per_row_shown(client, users):
    login(client, users["admin"])
    client.get("/manage/staff/")
    listed = set(AccessLogEntry.objects.filter(action="list").values_list("object_id", flat=True))
    assert listed == {str(u.pk) for name, u in users.items() if u and name != "other_admin"}


def test_an_api_read_is_logged_as_api(client, users):
    login(client, users["admin"])
    client.get(f"/api/v1/staff/{users['counselor'].pk}/")
    assert AccessLogEntry.objects.get(action="view").via == "api"


def test_creating_staff_is_logged(client, users, agency):
    login(client, users["admin"])
    client.post(
        "/manage/staff/new/",
        {"username": "newbie", "last_name": "新", "first_name": "人", "agency": agency.pk, "roles": ["counselor"],
         "password": "a-long-enough-secret-7"},
    )  # fmt: skip
    assert AccessLogEntry.objects.filter(action="create", object_type="core.user").exists()


def test_entries_cannot_be_changed_or_deleted(users):
    entry = audit.record(user=users["admin"], action=audit.Action.VIEW, obj=users["counselor"])
    entry.detail = "改ざん"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(detail="改ざん")
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().delete()


def test_admins_search_by_user_and_period_and_see_only_their_tenant(client, users):
    audit.record(user=users["counselor"], action=audit.Action.VIEW, obj=users["counselor"])
    audit.record(user=users["other_admin"], action=audit.Action.VIEW, obj=users["other_admin"])
    login(client, users["admin"])
    page = client.get(
        "/manage/access-log/", {"username": "counselor", "date_from": "R8.1.1"}
    ).content.decode()
    assert "counselor" in page
    assert "other_admin" not in page
    page = client.get("/manage/access-log/", {"username": "other_admin"}).content.decode()
    assert "該当する記録はありません" in page


def test_a_wrong_period_gets_a_japanese_error_not_a_500(client, users):
    login(client, users["admin"])
    response = client.get("/manage/access-log/", {"date_from": "令和0年1月1日", "date_to": "2月30日"})
    assert response.status_code == 200
    assert "令和0年という年はありません" in response.content.decode()


def test_the_staff_history_keeps_before_and_after(client, users, agency):
    staff = users["counselor"]
    login(client, users["admin"])
    client.post(
        f"/manage/staff/{staff.pk}/",
        {"last_name": "改姓", "first_name": staff.first_name, "agency": agency.pk, "roles": ["counselor"],
         "is_active": "on", "version": staff.version},
    )  # fmt: skip
    history = list(staff.history.order_by("history_date"))
    assert [h.last_name for h in history][-2:] == ["試験", "改姓"]
    assert history[-1].history_user == users["admin"]


def test_granting_a_role_is_in_the_history_with_who_did_it(client, users, agency):
    staff = users["counselor"]
    login(client, users["admin"])
    client.post(
        f"/manage/staff/{staff.pk}/",
        {"last_name": staff.last_name, "first_name": staff.first_name, "agency": agency.pk,
         "roles": ["counselor", "municipal"], "is_active": "on", "version": staff.version},
    )  # fmt: skip
    granted = StaffRole.history.get(user_id=staff.pk, role="municipal", history_type="+")
    assert granted.history_user == users["admin"]
