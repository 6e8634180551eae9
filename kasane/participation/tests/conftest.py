"""Builders for 参加支援 tests: a community worker at the municipal office, a case, and a few resources."""

import pytest
from django.utils import timezone

from conftest import make_user
from kasane.cases import services as case_services
from kasane.core.roles import Role
from kasane.intake import services as intake_services
from kasane.participation import selectors, services


@pytest.fixture
def worker(municipality, agency):
    return make_user(municipality, "sanka", [Role.OUTREACH, Role.COLLABORATION])


@pytest.fixture
def case(worker, agency):
    today = timezone.localdate()
    person = intake_services.intake_record(
        user=worker,
        new_person={"family_name": "岐阜", "given_name": "太郎"},
        consultation={
            "received_on": today,
            "route": "visit",
            "consulter": "self",
            "response": "collaboration",
        },
        consent={
            "obtained_on": today,
            "method": "written",
            "agencies": [agency],
            "covers_municipal_office": True,
        },
    ).person
    return case_services.case_open(
        user=worker, person=person, title="岐阜さんの事例", reason_outreach_participation=True
    )


def kind(user, name):
    return selectors.kinds(user=user).get(name=name)


def make_resource(user, name="畑のある居場所 ひだまり", kind_name="居場所", **fields):
    data = {
        "status": "active",
        "area": "北部",
        "activities": "農作業、おしゃべり",
        "capacity": 10,
        "open_places": 3,
    }
    data.update(fields)
    return services.resource_create(user=user, name=name, kind=kind(user, kind_name), **data)


@pytest.fixture
def resources(worker):
    return {
        "farm": make_resource(worker, small_group=True, welcomes_hikikomori=True, allows_companion=True,
                              slots="morning,afternoon"),
        "cafe": make_resource(worker, name="こども食堂 みんなのテーブル", kind_name="子ども食堂", area="中央",
                              activities="調理、配膳", slots=["evening"], capacity=20, open_places=0),
        "work": make_resource(worker, name="中間的就労 リサイクル工房", kind_name="就労体験・中間的就労", area="北部",
                              activities="軽作業、仕分け", slots=["morning"], allows_anonymous=False),
    }  # fmt: skip
