"""Demo for 多機関協働 in 岐阜市: an 8050 case waiting for the city's 支援決定, one in support with monitoring
due, and a 支援会議 next week about a household nobody has reached yet — so every role's home has something
to act on. Recorded through the services, like real work (dates relative to the day the demo is loaded)."""

from datetime import timedelta

from django.utils import timezone

from kasane.core.models import Municipality, User
from kasane.intake import services as intake_services
from kasane.meetings import services as meeting_services
from kasane.people import services as people_services
from kasane.people.models import Sex

from . import services


def _person(user, family, given, kana, born, sex, *, consent: bool, problems, narrative, days_ago):
    today = timezone.localdate()
    person = people_services.person_create(user=user, family_name=family, given_name=given, family_kana=kana[0],
                                           given_kana=kana[1], birth_date=born, sex=sex, address="岐阜市司町40-1")  # fmt: skip
    intake_services.intake_record(
        user=user, person=person,
        consultation={"received_on": today - timedelta(days=days_ago), "route": "home_visit", "consulter": "family",
                      "problems": problems, "main_problem": problems[0], "response": "collaboration",
                      "narrative": narrative},
        consent={"obtained_on": today - timedelta(days=days_ago), "method": "written",
                 "share_consultation": True, "share_household": True} if consent else None,
    )  # fmt: skip
    return person


def load_gifu_cases(municipality: Municipality) -> None:
    from datetime import date

    today = timezone.localdate()
    staff = {u.username: u for u in User.objects.filter(municipality=municipality)}
    worker, office = staff["marugoto"], staff["shichoson"]

    # 1. 8050: a son in his fifties withdrawn at home, his mother in her eighties; plan with 参加支援, ① held.
    son = _person(worker, "岐阜", "浩二", ("ギフ", "コウジ"), date(1972, 3, 9), Sex.MALE, consent=True,
                  problems=["withdrawal", "income", "care"], days_ago=40,
                  narrative="母（84）の介護認定の訪問で把握。本人は20年以上ひきこもり、母の年金で生活。")  # fmt: skip
    case = services.case_open(user=worker, person=son, title="岐阜さん世帯（8050）", opened_on=today - timedelta(days=35),
                              reason_several_fields=True, reason_outreach_participation=True,
                              summary="母の介護と本人の社会参加、家計を一体で支援する。")  # fmt: skip
    services.assessment_create(
        user=worker, case=case, assessed_on=today - timedelta(days=30), household_issues="母の介護と本人の孤立、年金のみの家計",
        entries=[{"person": son, "areas": {"work": {"items": ["withdrawal", "no_day_activity"], "note": "日中は自室"},
                                           "income": {"items": ["no_income"], "note": ""}},
                  "strengths": "パソコンが得意", "wishes": "人の少ない場所なら出かけてみたい", "risks": "母の入院時に生活が困難"}],
    )  # fmt: skip
    plan = services.plan_create(
        user=worker, case=case, goals="週に1回、家の外で過ごす時間をつくる", policy_text="母の介護を安定させつつ、本人の居場所を探す",
        made_on=today - timedelta(days=25),
        supports=[{"kind": "participation", "content": "パソコン教室ボランティアへの参加調整", "frequency": "週1回"},
                  {"kind": "other", "content": "母の介護サービス調整", "frequency": "月1回", "agency": worker.agency}],
        monitoring_dates=[today + timedelta(days=20)],
    )  # fmt: skip
    meeting = meeting_services.meeting_create(user=worker, kind="plan", title="第3回 重層的支援会議",
                                              held_on=today - timedelta(days=14), place="市役所 5階会議室")  # fmt: skip
    meeting_services.participant_add(user=worker, meeting=meeting, staff=office)
    meeting_services.participant_add(
        user=worker, meeting=meeting, name="岐阜 民生", organisation="司町 民生委員"
    )
    item = meeting_services.item_add(user=worker, meeting=meeting, kind="case", title="", case=case, timing=1)
    meeting_services.item_record(user=worker, item=item, version=item.version, outcome="approve_plan",
                                 minutes="プラン第1版を確認。参加支援の受け入れ先を開拓する。",
                                 decision_note="主担当：福祉まるごと支援員。介護：地域包括支援センター。")  # fmt: skip
    meeting_services.gap_record(user=worker, meeting=meeting, what="平日昼に静かに過ごせる居場所",
                                for_whom="50代男性・長期のひきこもり", area="中心市街地")  # fmt: skip
    case.refresh_from_db()
    services.case_transition(user=worker, case=case, action="submit_plan", version=case.version)
    del plan  # waits for the city's 支援決定 (shichoson's home shows it)

    # 2. A 支援会議 next week about a household without consent: a neighbour's worry, not yet reached.
    concern = meeting_services.meeting_create(user=office, kind="confidential", title="支援会議（12月）",
                                              held_on=today + timedelta(days=5), place="市役所 4階小会議室")  # fmt: skip
    meeting_services.participant_add(user=office, meeting=concern, staff=worker)
    meeting_services.participant_add(user=office, meeting=concern, staff=staff["outreach"])
    meeting_services.pledge_accept(user=office, meeting=concern, accepted=True)
    meeting_services.item_add(user=office, meeting=concern, kind="concern",
                              title="60代男性・鷺山のアパート：郵便物がたまり、姿を見かけない（民生委員から）")  # fmt: skip

    from kasane.community.demo import load_gifu_community

    load_gifu_community(municipality)

    from kasane.outreach.demo import load_gifu_outreach

    load_gifu_outreach(municipality)

    from kasane.participation.demo import load_gifu_resources

    load_gifu_resources(municipality)
