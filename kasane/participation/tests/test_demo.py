"""The demo gives the community staff a registry to search and the 8050 case a match in follow-up."""

import pytest

from kasane.core.demo import load_demo
from kasane.core.models import User
from kasane.participation import selectors
from kasane.participation.models import Match, Resource


@pytest.mark.django_db
def test_the_demo_has_a_dozen_gifu_resources_and_a_match_in_follow_up():
    load_demo()
    assert Resource.objects.count() == 12
    assert all(r.has_point and "デモ" in r.name for r in Resource.objects.all())
    match = Match.objects.get()
    assert match.status == "ongoing" and match.followups.count() == 1
    evaluator = User.objects.get(username="hyoka")
    assert selectors.resource_search(user=evaluator, q="ぷらっと").count() == 1
    assert not selectors.policy.scope(evaluator, Match).exists()
