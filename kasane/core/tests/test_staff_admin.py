from conftest import login
from kasane.core.models import User
from kasane.core.roles import Role


def _create(client, agency, **overrides):
    data = {"username": "tanaka", "last_name": "田中", "first_name": "花子", "agency": agency.pk,
            "roles": ["counselor", "collaboration"], "password": "a-long-enough-secret-7"}  # fmt: skip
    data.update(overrides)
    return client.post("/manage/staff/new/", data)


def test_an_admin_creates_a_user_with_roles_in_their_own_municipality(client, users, agency):
    login(client, users["admin"])
    response = _create(client, agency)
    assert response.status_code == 302
    user = User.objects.get(username="tanaka")
    assert user.municipality == users["admin"].municipality
    assert user.roles == {Role.COUNSELOR, Role.COLLABORATION}
    assert user.check_password("a-long-enough-secret-7")


def test_a_duplicate_username_is_refused_in_japanese(client, users, agency):
    login(client, users["admin"])
    response = _create(client, agency, username="counselor")
    assert response.status_code == 200
    assert "このログインIDは既に使われています" in response.content.decode()


def test_a_weak_password_or_no_role_saves_nothing(client, users, agency):
    login(client, users["admin"])
    assert "短すぎ" in _create(client, agency, password="abc").content.decode()
    assert "必須" in _create(client, agency, roles=[]).content.decode()
    assert not User.objects.filter(username="tanaka").exists()


def test_an_over_long_name_gets_a_message_not_a_500(client, users, agency):
    login(client, users["admin"])
    response = _create(client, agency, last_name="長" * 151)
    assert response.status_code == 200
    assert "150 文字以下" in response.content.decode()


def test_another_municipalitys_agency_cannot_be_chosen(client, users, other_agency):
    login(client, users["admin"])
    response = _create(client, other_agency)
    assert response.status_code == 200
    assert not User.objects.filter(username="tanaka").exists()


def _edit(client, staff, **overrides):
    data = {"last_name": staff.last_name, "first_name": staff.first_name, "roles": sorted(staff.roles),
            "is_active": "on", "version": staff.version}  # fmt: skip
    data.update(overrides)
    return client.post(f"/manage/staff/{staff.pk}/", data)


def test_two_admins_editing_the_same_user_do_not_overwrite_each_other(client, users):
    staff = users["counselor"]
    login(client, users["admin"])
    assert _edit(client, staff, last_name="一人目").status_code == 302
    response = _edit(client, staff, last_name="二人目")  # still carries the version it opened
    assert response.status_code == 200
    assert "他の職員がこの記録を先に更新しました" in response.content.decode()
    assert User.objects.get(pk=staff.pk).last_name == "一人目"


def test_an_admin_cannot_remove_their_own_admin_role(client, users):
    admin = users["admin"]
    login(client, admin)
    response = _edit(client, admin, roles=["counselor"])
    assert "自分自身の管理者権限" in response.content.decode()
    assert Role.ADMIN in User.objects.get(pk=admin.pk).roles


def test_a_deactivated_user_cannot_log_in(client, users):
    login(client, users["admin"])
    _edit(client, users["counselor"], is_active="")
    client.logout()
    response = client.post("/login/", {"username": "counselor", "password": "correct-horse-battery-42"})
    assert "ログインIDまたはパスワードが正しくありません" in response.content.decode()
