"""The demo gives the 地域づくり pages two 年度 of monthly sessions, coordinators, a 協議体 and a 養成講座."""

import pytest
from django.utils import timezone

from kasane.community import selectors
from kasane.core import wareki
from kasane.core.demo import load_demo
from kasane.core.models import User


@pytest.mark.django_db
def test_the_demo_has_this_and_last_years_community_record():
    load_demo()
    evaluator = User.objects.get(username="hyoka")
    this_year = wareki.fiscal_year(timezone.localdate())
    last = selectors.community_figures(user=evaluator, fiscal_year=this_year - 1)
    assert last["sessions"] == 6 * 12 and last["participants"] > 0
    assert last["network_meetings"] == 4 and last["trainings"] == 3 and last["trainees"] > 0
    assert selectors.community_figures(user=evaluator, fiscal_year=this_year)["sessions"] >= 1
    assert last["coordinators"] == 5
    assert all(p["sessions"] > 0 for p in last["by_project"].values())
