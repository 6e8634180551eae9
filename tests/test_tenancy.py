"""No query, page or admin page crosses tenants; every policy scopes to the user's municipality."""

import pytest
from django.contrib.sessions.models import Session

from conftest import login
from kasane.core import audit, policy
from kasane.core.models import AccessLogEntry, ApiToken, Municipality, User
from kasane.directory.models import Agency, Theme


@pytest.fixture
def both_tenants(users, agency, other_agency):
    for actor in ("admin", "other_admin"):
        ApiToken.issue(user=users[actor], name="t")
        audit.record(user=users[actor], action=audit.Action.VIEW, obj=users[actor])
    return users


@pytest.mark.parametrize("model", [Municipality, User, Agency, Theme, ApiToken, AccessLogEntry])
def test_every_policy_scopes_to_the_users_municipality(both_tenants, model):
    admin = both_tenants["admin"]
    rows = list(policy.scope(admin, model))
    assert rows, model
    for row in rows:
        tenant = row.pk if model is Municipality else (row.user if model is ApiToken else row).municipality_id
        assert tenant == admin.municipality_id


def test_a_model_without_a_policy_cannot_be_queried_through_it(users):
    with pytest.raises(LookupError):
        policy.scope(users["admin"], Session)


def test_anonymous_and_inactive_users_see_nothing(users, agency):
    assert not policy.scope(None, Agency).exists()
    inactive = users["counselor"]
    inactive.is_active = False
    assert not policy.scope(inactive, Agency).exists()


def test_the_django_admin_shows_a_tenant_admin_only_their_municipality(client, both_tenants):
    admin = both_tenants["admin"]
    User.objects.filter(pk=admin.pk).update(is_staff=True)
    login(client, User.objects.get(pk=admin.pk))
    page = client.get("/django-admin/core/user/").content.decode()
    assert "counselor" in page and "other_admin" not in page
    other = both_tenants["other_admin"]
    response = client.get(f"/django-admin/core/user/{other.pk}/change/")
    assert response.status_code in (302, 404)
    assert client.get("/django-admin/directory/agency/").content.decode().count("長野市") == 0
    assert AccessLogEntry.objects.filter(detail="Django admin", username="admin").exists()


def test_the_django_admin_is_read_only(client, both_tenants):
    admin = both_tenants["admin"]
    User.objects.filter(pk=admin.pk).update(is_staff=True)
    login(client, User.objects.get(pk=admin.pk))
    target = both_tenants["counselor"]
    client.post(f"/django-admin/core/user/{target.pk}/change/", {"username": "hijacked"})
    assert User.objects.get(pk=target.pk).username == "counselor"
    assert client.get("/django-admin/core/user/add/").status_code == 403


def test_a_non_admin_staff_member_cannot_use_the_django_admin(client, users):
    User.objects.filter(pk=users["counselor"].pk).update(is_staff=True)
    login(client, User.objects.get(pk=users["counselor"].pk))
    page = client.get("/django-admin/").content.decode()
    assert "core/user" not in page
    assert client.get("/django-admin/core/user/").status_code == 403
