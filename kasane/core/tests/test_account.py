"""The account page after issuing an API token: the new token is in the table, shown once."""

import pytest
from django.urls import reverse

from conftest import login

pytestmark = pytest.mark.django_db


def test_a_new_token_is_listed_right_under_its_one_time_key(client, users):
    login(client, users["counselor"])
    page = client.post(reverse("core:account"), {"name": "集計スクリプト"}).content.decode()
    assert 'data-testid="new-token"' in page
    assert "集計スクリプト" in page
    assert "まだトークンはありません" not in page
