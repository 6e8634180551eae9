"""The 多機関協働 settings of a tenant: saved through the settings page, copied into meetings when convened."""

import pytest
from django.urls import reverse

from conftest import login
from kasane.core.models import Municipality

pytestmark = pytest.mark.django_db


def _post(client, municipality, **changes):
    data = {
        "require_two_factor": "", "referral_overdue_working_days": 3, "suspension_min_attempts": 3,
        "suspension_min_days": 30, "no_contact_alert_days": 30, "plan_meeting_legal_basis": "社会福祉法第106条の6",
        "plan_meeting_needs_consent": "on", "confidential_meeting_legal_basis": "社会福祉法第106条の6",
        "version": municipality.version, **changes,
    }  # fmt: skip
    return client.post(reverse("core:tenant_settings"), {k: v for k, v in data.items() if v != ""})


def test_admin_sets_the_meeting_basis_and_the_suspension_rule(client, users, municipality):
    login(client, users["admin"])
    response = _post(client, municipality, suspension_min_attempts=5, suspension_min_days=60)
    assert response.status_code == 302
    m = Municipality.objects.get(pk=municipality.pk)
    assert (m.suspension_min_attempts, m.suspension_min_days) == (5, 60)
    assert m.plan_meeting_legal_basis == "社会福祉法第106条の6"  # Gifu's way (DOMAIN §5)
    assert m.plan_meeting_needs_consent is True
    assert m.confidential_meeting_needs_consent is False
    page = client.get(reverse("core:tenant_settings")).content.decode()
    assert "中断に必要な連絡の試みの回数" in page


def test_out_of_range_values_get_a_japanese_error_and_nothing_changes(client, users, municipality):
    login(client, users["admin"])
    response = _post(client, municipality, suspension_min_attempts=0)
    assert response.status_code == 200
    assert "以上" in response.content.decode()
    assert Municipality.objects.get(pk=municipality.pk).suspension_min_attempts == 3
