"""Builders for outreach tests: an engagement started by the outreach worker, a person identified later."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kasane.intake import services as intake_services
from kasane.outreach import services


def today():
    return timezone.localdate()


def days_ago(n: int):
    return today() - timedelta(days=n)


def start(user, **extra):
    fields = {"description": "60代男性、鷺山のアパート", "source": "commissioner", "source_note": "郵便物がたまっている",
              "area": "鷺山", "started_on": days_ago(60)} | extra  # fmt: skip
    return services.engagement_create(user=user, **fields)


def fresh(engagement):
    engagement.refresh_from_db()
    return engagement


def consent_for(user, person, *, agencies=(), on=None):
    return intake_services.consent_record(user=user, person=person, obtained_on=on or today(), method="oral",
                                          agencies=list(agencies))  # fmt: skip


@pytest.fixture
def outreach(users):
    return users["outreach"]


__all__ = ["start", "fresh", "consent_for", "today", "days_ago"]
