"""Builders for 多機関協働 tests: a person with (or without) consent, a case, plans and meetings."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from conftest import make_agency, make_user
from kasane.cases import services
from kasane.core.roles import Role
from kasane.intake import services as intake_services
from kasane.meetings import services as meeting_services


@pytest.fixture
def team(municipality, agency):
    """A collaboration worker at the 包括, a second agency, and the municipal office's officer."""
    other = make_agency(municipality, "障害者生活支援センター")
    return {
        "worker": make_user(municipality, "kyodo", [Role.COLLABORATION, Role.COUNSELOR], agency=agency),
        "colleague": make_user(municipality, "kyodo2", [Role.COUNSELOR], agency=agency),
        "other_agency": other,
        "other_staff": make_user(municipality, "shogai", [Role.COUNSELOR], agency=other),
        "office": make_user(municipality, "shichoson", [Role.MUNICIPAL]),
        "outsider": make_user(
            municipality, "gaibu", [Role.COUNSELOR], agency=make_agency(municipality, "別の機関")
        ),
    }


def record_person(user, *, consent: bool, agencies=(), family_name="長野", given_name="一郎"):
    today = timezone.localdate()
    return intake_services.intake_record(
        user=user,
        new_person={"family_name": family_name, "given_name": given_name},
        consultation={"received_on": today, "route": "visit", "consulter": "self", "response": "collaboration"},
        consent={"obtained_on": today, "method": "written", "agencies": list(agencies),
                 "share_consultation": True, "share_household": True} if consent else None,
    ).person  # fmt: skip


def open_case(user, person, **extra):
    return services.case_open(
        user=user, person=person, title=f"{person} の事例", reason_several_fields=True, **extra
    )


def make_plan(user, case, *kinds, agency=None, number_note=""):
    supports = [{"kind": k, "content": f"{k} の支援", "agency": agency} for k in kinds] or [
        {"kind": "other", "content": "家計の相談", "agency": agency}
    ]
    today = timezone.localdate()
    if case.plans.exists():
        return services.plan_create(user=user, case=case, goals="目標", policy_text="方針", made_on=today,
                                    supports=supports, change_reason="状況の変化" + number_note,
                                    monitoring_dates=[today + timedelta(days=30)])  # fmt: skip
    return services.plan_create(user=user, case=case, goals="目標", policy_text="方針", made_on=today,
                                supports=supports, monitoring_dates=[today + timedelta(days=30)])  # fmt: skip


def hold_meeting(user, case, timing, *, outcome, kind="plan", held_on=None):
    meeting = meeting_services.meeting_create(
        user=user, kind=kind, title="定例会議", held_on=held_on or timezone.localdate(), place="会議室"
    )
    item = meeting_services.item_add(
        user=user, meeting=meeting, kind="case", title="", case=case, timing=timing
    )
    return meeting_services.item_record(user=user, item=item, version=item.version, minutes="検討した",
                                        outcome=outcome)  # fmt: skip


def refresh(case):
    case.refresh_from_db()
    return case


__all__ = ["date", "record_person", "open_case", "make_plan", "hold_meeting", "refresh"]
