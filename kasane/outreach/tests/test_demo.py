"""The demo loads the 岐阜市 engagements: one with an overdue planned visit, one already in contact."""

from kasane.core.demo import load_demo
from kasane.outreach.models import Engagement


def test_demo_has_gifu_engagements(db):
    load_demo()
    rows = Engagement.objects.filter(municipality__name="岐阜市")
    assert rows.count() == 2
    assert any(e.is_overdue for e in rows) and rows.filter(stage="contacted").exists()
