"""The demo gives every role something to act on in 多機関協働."""

import pytest

from kasane.cases import selectors
from kasane.cases.models import CollaborationCase
from kasane.core.demo import load_demo
from kasane.core.models import User
from kasane.meetings.models import Meeting


@pytest.mark.django_db
def test_the_demo_case_waits_for_the_citys_decision_and_a_confidential_meeting_is_planned():
    load_demo()
    case = CollaborationCase.objects.get(title="岐阜さん世帯（8050）")
    assert case.state == "awaiting_decision"
    office = User.objects.get(username="shichoson")
    assert [c.pk for c in selectors.awaiting_decision(user=office)] == [case.pk]
    assert Meeting.objects.filter(kind="confidential", municipality=case.municipality).count() == 1
    # the evaluator sees no case at all
    assert not selectors.case_list(user=User.objects.get(username="hyoka"))
