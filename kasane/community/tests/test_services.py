"""The services refuse bad input in Japanese, keep to the policy, and lock stale edits."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from kasane.community import services
from kasane.community.models import Session
from kasane.core.errors import ConflictError, DomainError
from kasane.core.models import AccessLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def salon(users):
    return services.activity_create(user=users["municipal"], name="本荘ふれあいいきいきサロン", project="3kon",
                                    kind="salon", area="本荘地区")  # fmt: skip


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.5", "整数"),
        (1.5, "小数"),
        ("-3", "マイナス"),
        (-1, "マイナス"),
        ("三", "整数"),
        ("12人", "整数"),
        (True, "整数"),
        ([], "整数"),
        ("\x00", "整数"),
        (10**12, "大きすぎ"),
    ],
)
def test_a_bad_head_count_is_refused_in_japanese(users, salon, value, message):
    with pytest.raises(DomainError) as exc:
        services.session_record(
            user=users["outreach"], activity=salon, held_on=date(2025, 5, 14), age_75_over=value
        )
    assert message in exc.value.message and "75歳以上" in exc.value.message
    assert exc.value.field == "age_75_over"
    assert not Session.objects.exists()


def test_full_width_digits_and_blank_counts_are_read(users, salon):
    session = services.session_record(user=users["outreach"], activity=salon, held_on=date(2025, 5, 14),
                                      age_65_74="１２", age_75_over="", volunteers=3.0)  # fmt: skip
    assert (session.age_65_74, session.age_75_over, session.volunteers, session.participants) == (
        12,
        0,
        3,
        12,
    )


def test_counselors_and_evaluators_read_but_do_not_write(users, salon):
    for actor in ("counselor", "evaluator"):
        with pytest.raises(PermissionDenied):
            services.session_record(user=users[actor], activity=salon, held_on=date(2025, 5, 14))
        with pytest.raises(PermissionDenied):
            services.activity_create(user=users[actor], name="新しいサロン", project="3kon")
        with pytest.raises(PermissionDenied):
            services.training_create(user=users[actor], title="講座", held_on=date(2025, 5, 1))


def test_another_municipalitys_admin_cannot_touch_the_activity(users, salon):
    with pytest.raises(PermissionDenied):
        services.session_record(user=users["other_admin"], activity=salon, held_on=date(2025, 5, 14))


def test_the_same_name_twice_is_refused(users, salon):
    with pytest.raises(DomainError, match="同じ名称"):
        services.activity_create(user=users["admin"], name="本荘ふれあいいきいきサロン", project="3i")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "", "project": "3i"}, "name"),
        ({"name": "サロン", "project": "9z"}, "project"),
        ({"name": "サロン", "project": "3i", "kind": "casino"}, "kind"),
        ({"name": "サロン\x00", "project": "3i"}, "name"),
        ({"name": "サ" * 151, "project": "3i"}, "name"),
    ],
)
def test_bad_activity_fields_are_refused(users, fields, field):
    with pytest.raises(DomainError) as exc:
        services.activity_create(user=users["municipal"], **fields)
    assert exc.value.field == field


def test_a_stale_session_edit_is_refused_and_overwrites_nothing(users, salon):
    session = services.session_record(
        user=users["outreach"], activity=salon, held_on=date(2025, 5, 14), age_75_over=10
    )
    services.session_update(user=users["municipal"], session=session, version=1, age_75_over=11)
    with pytest.raises(ConflictError):
        services.session_update(user=users["outreach"], session=session, version=1, age_75_over=99)
    session.refresh_from_db()
    assert (session.age_75_over, session.version) == (11, 2)


def test_trainings_cannot_complete_more_than_attended(users):
    with pytest.raises(DomainError, match="修了者数は受講者数以下"):
        services.training_create(user=users["municipal"], title="見守りサポーター養成講座", held_on=date(2025, 9, 6),
                                 trainees=10, completed=11)  # fmt: skip
    training = services.training_create(user=users["municipal"], title="見守りサポーター養成講座",
                                        held_on=date(2025, 9, 6), trainees=10, completed=9)  # fmt: skip
    with pytest.raises(DomainError, match="修了者数は受講者数以下"):
        services.training_update(user=users["municipal"], training=training, version=1, trainees=8)


def test_meetings_need_a_kind_and_a_real_date(users):
    with pytest.raises(DomainError) as exc:
        services.network_meeting_create(
            user=users["municipal"], kind="party", title="会議", held_on=date(2025, 7, 1)
        )
    assert exc.value.field == "kind"
    with pytest.raises(DomainError) as exc:
        services.network_meeting_create(
            user=users["municipal"], kind="network", title="会議", held_on="2025-07-01"
        )
    assert exc.value.field == "held_on"
    with pytest.raises(DomainError, match="参加者数にマイナス"):
        services.network_meeting_create(user=users["municipal"], kind="network", title="会議",
                                        held_on=date(2025, 7, 1), participants=-2)  # fmt: skip


def test_coordinators_list_their_areas(users):
    coordinator = services.coordinator_create(user=users["outreach"], name="金華 恵", kind="welfare",
                                              areas="本荘、日光,鷺山 、")  # fmt: skip
    assert coordinator.area_list == ["本荘", "日光", "鷺山"]
    with pytest.raises(DomainError) as exc:
        services.coordinator_create(user=users["outreach"], name="金華 恵", kind="mayor")
    assert exc.value.field == "kind"


def test_writes_are_logged_and_deleting_a_session_keeps_its_history(users, salon):
    session = services.session_record(user=users["outreach"], activity=salon, held_on=date(2025, 5, 14))
    pk = session.pk
    services.session_delete(user=users["outreach"], session=session)
    actions = list(
        AccessLogEntry.objects.filter(object_type="community.session").values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "delete"]
    assert Session.history.filter(id=pk, history_type="-").exists()
