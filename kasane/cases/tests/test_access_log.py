"""Every write and read of 多機関協働 and its meetings is in the access log, with the case (DOMAIN §5: "every read
and write of personal data is logged with who, when, what and for which case")."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kasane.cases import selectors, services
from kasane.cases.models import Monitoring
from kasane.core.models import AccessLogEntry
from kasane.intake import services as intake_services
from kasane.meetings import selectors as meeting_selectors
from kasane.meetings import services as meeting_services

from .conftest import make_plan, open_case, record_person, refresh

pytestmark = pytest.mark.django_db


class Log:
    """The entries written since the last look."""

    def __init__(self):
        self.last = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def new(self) -> list[AccessLogEntry]:
        rows = list(AccessLogEntry.objects.filter(id__gt=self.last).order_by("id"))
        if rows:
            self.last = rows[-1].id
        return rows

    def expect(self, user, action, obj, case, *, count=None):
        """At least one new entry (or exactly `count`) for this object, by this user, naming the case and person."""
        rows = self.new()
        label = obj._meta.label_lower
        hits = [
            r for r in rows if r.object_type == label and r.object_id == str(obj.pk) and r.action == action
        ]
        assert hits, f"no {action} entry for {label} {obj.pk}: {[(r.action, r.object_type) for r in rows]}"
        if count is not None:
            assert len(hits) == count, hits
        for row in hits:
            assert (row.user_id, row.municipality_id) == (user.pk, user.municipality_id)
            assert row.case_id == case.pk, f"{label}: case_id {row.case_id}"
            assert row.person_id == case.person_id, f"{label}: person_id {row.person_id}"
        return hits


def test_case_writes_and_reads_are_logged_with_the_case(team):
    worker, office = team["worker"], team["office"]
    person = record_person(worker, consent=True, agencies=[team["other_agency"]])
    log = Log()
    today = timezone.localdate()

    case = open_case(worker, person)
    log.expect(worker, "create", case, case)
    case = services.case_update(user=worker, case=case, version=case.version, summary="概要")
    log.expect(worker, "update", case, case)
    member = services.team_add(user=worker, case=case, agency=team["other_agency"], role="障害福祉")
    log.expect(worker, "create", member, case)
    assessment = services.assessment_create(user=worker, case=case, assessed_on=today,
                                            entries=[{"person": person, "relationship": "本人"}])  # fmt: skip
    log.expect(worker, "create", assessment, case)
    plan = make_plan(worker, case, "participation")
    log.expect(worker, "create", plan, case)
    plan = services.plan_update(user=worker, plan=plan, version=plan.version, goals="目標2", policy_text="方針",
                                made_on=today, supports=[{"kind": "participation", "content": "居場所"}], monitoring_dates=[today],)  # fmt: skip
    log.expect(worker, "update", plan, case)

    meeting = meeting_services.meeting_create(
        user=worker, kind="plan", title="会議", held_on=today, place="会議室"
    )
    item = meeting_services.item_add(user=worker, meeting=meeting, kind="case", title="", case=case, timing=1)
    log.expect(worker, "create", item, case)
    item = meeting_services.item_record(user=worker, item=item, version=item.version, outcome="approve_plan")
    log.expect(worker, "update", item, case)
    attachment = meeting_services.attachment_add(user=worker, item=item, name="資料.pdf",
                                                 content_type="application/pdf", data=b"%PDF")  # fmt: skip
    log.expect(worker, "create", attachment, case)

    case = services.case_transition(
        user=worker, case=case, action="submit_plan", version=refresh(case).version
    )
    log.expect(worker, "update", case, case)
    decision = services.decision_record(user=office, case=case, plan=plan, decided_on=today)
    log.expect(office, "create", decision, case)
    case = services.case_transition(
        user=worker, case=case, action="start_support", version=refresh(case).version
    )
    log.expect(worker, "update", case, case)
    attempt = services.contact_attempt_record(user=worker, case=case, attempted_on=today - timedelta(days=1),
                                              method="visit", outcome="absent")  # fmt: skip
    log.expect(worker, "create", attempt, case)
    record = services.support_record_add(
        user=team["other_staff"], case=case, recorded_on=today, content="同行"
    )
    log.expect(team["other_staff"], "create", record, case)
    monitoring = Monitoring.objects.get(plan=plan)
    monitoring = services.monitoring_done(user=worker, monitoring=monitoring, done_on=today, note="変化なし")
    log.expect(worker, "update", monitoring, case)

    # Reads
    selectors.case_get(user=team["other_staff"], pk=case.pk)
    log.expect(team["other_staff"], "view", case, case, count=1)
    selectors.plan_get(user=worker, pk=plan.pk)
    log.expect(worker, "view", plan, case, count=1)
    selectors.assessment_get(user=worker, pk=assessment.pk)
    log.expect(worker, "view", assessment, case, count=1)
    meeting_selectors.item_get(user=worker, pk=item.pk)
    log.expect(worker, "view", item, case, count=1)
    meeting_selectors.items_of(user=worker, meeting=meeting)
    log.expect(worker, "view", item, case, count=1)
    meeting_selectors.items_for_case(user=team["other_staff"], case=case)
    log.expect(team["other_staff"], "view", item, case, count=1)
    selectors.case_list(user=worker)
    log.expect(worker, "list", case, case, count=1)


def test_a_refused_read_or_a_foreign_user_writes_no_case_entry(team, other_municipality):
    from django.http import Http404

    from conftest import make_user
    from kasane.core.roles import Role

    worker = team["worker"]
    case = open_case(worker, record_person(worker, consent=False))
    log = Log()
    for user in (
        team["outsider"],
        make_user(other_municipality, "nagano", [Role.COLLABORATION, Role.MUNICIPAL]),
    ):
        with pytest.raises(Http404):
            selectors.case_get(user=user, pk=case.pk)
        assert selectors.case_list(user=user) == []
        assert meeting_selectors.items_for_case(user=user, case=case) == []
    assert not [r for r in log.new() if r.case_id == case.pk]


def test_confidential_meeting_writes_are_logged_with_the_case(team):
    worker, office = team["worker"], team["office"]
    person = record_person(worker, consent=False)
    case = open_case(worker, person)
    meeting = meeting_services.meeting_create(user=office, kind="confidential", title="支援会議",
                                              held_on=timezone.localdate(), place="会議室")  # fmt: skip
    meeting_services.participant_add(user=office, meeting=meeting, staff=worker)
    log = Log()
    pledge = meeting_services.pledge_accept(user=worker, meeting=meeting, accepted=True)
    rows = log.new()
    assert [(r.action, r.object_type, r.object_id) for r in rows] == [
        ("create", "meetings.secrecypledge", str(pledge.pk))
    ]
    item = meeting_services.item_add(
        user=worker, meeting=meeting, kind="concern", title="気になる事案", case=case
    )
    log.expect(worker, "create", item, case)
    intake_services.consent_record(user=worker, person=person, obtained_on=timezone.localdate(), method="written",
                                   share_consultation=True)  # fmt: skip
    log.new()
    release = meeting_services.item_release(user=worker, item=item)
    log.expect(worker, "create", release, case)
    case = services.case_refresh_consent(user=worker, case=case)
    log.expect(worker, "update", case, case)
