"""API endpoints of 多機関協働: cases, assessments, plans, the 支援決定, and the two meetings.

Each view finds the object through a selector (404 when invisible), checks the action on it through the policy
before reading the body (403 when visible but not permitted), then calls one service. Ids in the body are
fetched through the policy too: an id the user may not see is a 400 that does not say whether it exists.
"""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from kasane.cases import selectors as case_selectors
from kasane.cases import services as case_services
from kasane.cases.models import CollaborationCase
from kasane.core import audit, policy
from kasane.core.errors import DomainError
from kasane.core.models import User
from kasane.directory import selectors as directory_selectors
from kasane.intake import selectors as intake_selectors
from kasane.meetings import selectors as meeting_selectors
from kasane.meetings import services as meeting_services
from kasane.people import selectors as people_selectors
from kasane.people.models import Household, Person

from .errors import STANDARD_ERRORS, error_responses
from .parsing import BoundedPagination
from .serializers_cases import (
    REASONS,
    AssessmentIn,
    AssessmentListOut,
    AssessmentOut,
    CaseIn,
    CaseListOut,
    CaseOut,
    CaseQuery,
    DecisionIn,
    DecisionOut,
    ItemIn,
    ItemOut,
    ItemUpdateIn,
    MeetingDetailOut,
    MeetingIn,
    MeetingOut,
    ParticipantIn,
    ParticipantOut,
    PlanIn,
    PlanOut,
    PlanUpdateIn,
    PledgeIn,
    PledgeOut,
    TransitionIn,
)

ERRORS = error_responses(*STANDARD_ERRORS)
WRITE_ERRORS = error_responses(*STANDARD_ERRORS, 409)
PAGING = [OpenApiParameter("limit", int), OpenApiParameter("offset", int)]
A = audit.Action
NOT_FOUND = "指定された{label}が見つからないか、閲覧する権限がありません。"


def _visible(fetch, field: str, label: str):
    """An object named in the body, through a selector or the policy; invisible and missing read the same."""
    try:
        return fetch()
    except Http404:
        raise DomainError(NOT_FOUND.format(label=label), field=field) from None


def _valid(serializer_class, request):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _agencies(user, ids, field="agency_ids") -> list:
    agencies = list(directory_selectors.agency_choices(user=user).filter(pk__in=ids))
    if len(agencies) != len(set(ids)):
        raise DomainError("存在しない機関が指定されています。", field=field)
    return agencies


def _case_detail(case) -> dict:
    case = CollaborationCase.objects.select_related(
        "person", "lead_agency", "consent", "opened_by", "municipality"
    ).get(pk=case.pk)
    return CaseOut(case, context={"next_step": case_selectors.next_step(case)}).data


def _log_rows(user, rows, case, detail):
    for row in rows:
        audit.record(
            user=user, action=A.VIEW, obj=row, person_id=case.person_id, case_id=case.pk, detail=detail
        )


# --- cases ---------------------------------------------------------------------------------------------------


class CaseListView(APIView):
    @extend_schema(
        parameters=[CaseQuery, *PAGING],
        responses={200: CaseListOut(many=True), **ERRORS},
        summary="多機関協働の事例一覧（閲覧できる事例のみ）",
    )
    def get(self, request):
        policy.require_capability(request.user, "casework")
        query = CaseQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        qs = policy.scope(request.user, CollaborationCase).select_related("person", "lead_agency")
        if query.validated_data.get("state"):
            qs = qs.filter(state=query.validated_data["state"])
        if not query.validated_data.get("include_archived"):
            qs = qs.filter(archived=False)
        paginator = BoundedPagination()
        page = paginator.paginate_queryset(qs.order_by("-opened_on", "-pk"), request, view=self)
        audit.record_many(user=request.user, action=A.LIST, objects=page, model=CollaborationCase,
                          detail="事例一覧")  # fmt: skip
        return paginator.get_paginated_response(CaseListOut(page, many=True).data)

    @extend_schema(
        request=CaseIn,
        responses={201: CaseOut, **ERRORS},
        summary="事例の開始（本人同意があれば重層的支援会議、なければ支援会議の経路）",
    )
    def post(self, request):
        user = request.user
        policy.require_create(user, "cases.CollaborationCase")
        fields = _valid(CaseIn, request)
        person = _visible(
            lambda: people_selectors.person_get(user=user, pk=fields["person"]), "person", "本人"
        )
        household = consultation = referral = body = None
        if fields["household"]:
            household = _visible(lambda: policy.get_or_404(user, Household, pk=fields["household"]),
                                 "household", "世帯")  # fmt: skip
        if fields["consultation"]:
            consultation = _visible(
                lambda: intake_selectors.consultation_get(user=user, pk=fields["consultation"])[0],
                "consultation",
                "相談",
            )
        if fields["referral"]:
            referral = _visible(lambda: intake_selectors.referral_get(user=user, pk=fields["referral"]),
                                "referral", "つなぐシート")  # fmt: skip
        if fields["meeting_body"]:
            body = meeting_selectors.bodies(user=user).filter(pk=fields["meeting_body"]).first()
            if body is None:
                raise DomainError(NOT_FOUND.format(label="会議体"), field="meeting_body")
        reasons = {REASONS[code]: True for code in fields["reasons"]}
        case = case_services.case_open(
            user=user, person=person, title=fields["title"], household=household, consultation=consultation,
            referral=referral, summary=fields["summary"], opened_on=fields["opened_on"], meeting_body=body,
            **reasons,
        )  # fmt: skip
        return Response(_case_detail(case), status=status.HTTP_201_CREATED)


class CaseDetailView(APIView):
    @extend_schema(
        responses={200: CaseOut, **ERRORS}, summary="事例の詳細（状況・経路・同意・チーム・次の操作）"
    )
    def get(self, request, pk):
        case = case_selectors.case_get(user=request.user, pk=pk)
        return Response(CaseOut(case, context={"next_step": case_selectors.next_step(case)}).data)


class CaseTransitionView(APIView):
    @extend_schema(
        request=TransitionIn,
        responses={200: CaseOut, **WRITE_ERRORS},
        summary="事例の状況を進める（認められない操作は 409 transition_refused と理由）",
    )
    def post(self, request, pk):
        case = case_selectors.case_get(user=request.user, pk=pk)
        policy.require(request.user, "transition", case)
        fields = _valid(TransitionIn, request)
        case = case_services.case_transition(user=request.user, case=case, **fields)
        return Response(_case_detail(case))


# --- assessments ---------------------------------------------------------------------------------------------


class CaseAssessmentsView(APIView):
    pagination_class = None

    @extend_schema(
        responses={200: AssessmentListOut(many=True), **ERRORS}, summary="事例のアセスメント（版の一覧）"
    )
    def get(self, request, pk):
        case = case_selectors.case_get(user=request.user, pk=pk)
        rows = list(case.assessments.select_related("author").order_by("number"))
        _log_rows(request.user, rows, case, "アセスメント一覧")
        return Response(AssessmentListOut(rows, many=True, context={"user": request.user}).data)

    @extend_schema(request=AssessmentIn, responses={201: AssessmentOut, **WRITE_ERRORS},
                   summary="アセスメントの記録（新しい版。世帯員ごと）")  # fmt: skip
    def post(self, request, pk):
        user = request.user
        case = case_selectors.case_get(user=user, pk=pk)
        policy.require(user, policy.CHANGE, case)
        fields = _valid(AssessmentIn, request)
        ids = {entry["person"] for entry in fields["entries"]}
        persons = {p.pk: p for p in policy.scope(user, Person).filter(pk__in=ids)}
        if len(persons) != len(ids):
            raise DomainError(NOT_FOUND.format(label="世帯員"), field="entries")
        entries = []
        for entry in fields["entries"]:
            entry = dict(entry)
            entry["person"] = persons[entry["person"]]
            entry["agencies_involved"] = _agencies(user, entry.pop("agency_ids"), field="entries")
            entries.append(entry)
        assessment = case_services.assessment_create(user=user, case=case, assessed_on=fields["assessed_on"],
                                                     household_issues=fields["household_issues"], entries=entries)  # fmt: skip
        return Response(
            AssessmentOut(assessment, context={"user": request.user}).data, status=status.HTTP_201_CREATED
        )


class AssessmentDetailView(APIView):
    @extend_schema(responses={200: AssessmentOut, **ERRORS}, summary="アセスメントの詳細")
    def get(self, request, pk):
        assessment = case_selectors.assessment_get(user=request.user, pk=pk)
        return Response(AssessmentOut(assessment, context={"user": request.user}).data)


# --- plans and the 支援決定 ----------------------------------------------------------------------------------


def _plan_args(user, fields) -> dict:
    supports = []
    agency_ids = {s["agency"] for s in fields["supports"] if s["agency"]}
    agencies = {a.pk: a for a in _agencies(user, agency_ids, field="supports")}
    staff_ids = {s["staff"] for s in fields["supports"] if s["staff"]}
    staff = {u.pk: u for u in policy.scope(user, User).filter(pk__in=staff_ids, is_active=True)}
    if len(staff) != len(staff_ids):
        raise DomainError(NOT_FOUND.format(label="担当職員"), field="supports")
    for s in fields["supports"]:
        supports.append({**s, "agency": agencies.get(s["agency"]), "staff": staff.get(s["staff"])})
    return {
        "goals": fields["goals"], "policy_text": fields["policy"], "made_on": fields["made_on"] or timezone.localdate(),
        "supports": supports, "monitoring_dates": fields["monitoring_dates"], "change_reason": fields["change_reason"],
        "evaluation": fields["evaluation"],
    }  # fmt: skip


class CasePlansView(APIView):
    pagination_class = None

    @extend_schema(responses={200: PlanOut(many=True), **ERRORS}, summary="事例の支援プラン（全ての版）")
    def get(self, request, pk):
        case = case_selectors.case_get(user=request.user, pk=pk)
        rows = list(
            case.plans.select_related("author", "case").prefetch_related("monitorings").order_by("number")
        )
        _log_rows(request.user, rows, case, "支援プラン一覧")
        return Response(PlanOut(rows, many=True).data)

    @extend_schema(request=PlanIn, responses={201: PlanOut, **WRITE_ERRORS},
                   summary="支援プランの作成（第1版、または支援中の事例の再プラン）")  # fmt: skip
    def post(self, request, pk):
        case = case_selectors.case_get(user=request.user, pk=pk)
        policy.require(request.user, policy.CHANGE, case)
        fields = _valid(PlanIn, request)
        plan = case_services.plan_create(user=request.user, case=case, **_plan_args(request.user, fields))
        return Response(PlanOut(plan).data, status=status.HTTP_201_CREATED)


class PlanDetailView(APIView):
    @extend_schema(responses={200: PlanOut, **ERRORS}, summary="支援プランの詳細")
    def get(self, request, pk):
        return Response(PlanOut(case_selectors.plan_get(user=request.user, pk=pk)).data)

    @extend_schema(request=PlanUpdateIn, responses={200: PlanOut, **WRITE_ERRORS},
                   summary="支援プランの編集（作成中の最新版のみ。確定・過去の版は 409）")  # fmt: skip
    def put(self, request, pk):
        plan = case_selectors.plan_get(user=request.user, pk=pk)
        policy.require(request.user, policy.CHANGE, plan.case)
        fields = _valid(PlanUpdateIn, request)
        plan = case_services.plan_update(user=request.user, plan=plan, version=fields["version"],
                                         **_plan_args(request.user, fields))  # fmt: skip
        return Response(PlanOut(case_selectors.plan_get(user=request.user, pk=plan.pk)).data)


class CaseDecisionsView(APIView):
    @extend_schema(request=DecisionIn, responses={201: DecisionOut, **WRITE_ERRORS},
                   summary="支援決定の記録（市町村の所管課。支援を決定するとプランが確定）")  # fmt: skip
    def post(self, request, pk):
        case = case_selectors.case_get(user=request.user, pk=pk)
        policy.require(request.user, "decide", case)
        fields = _valid(DecisionIn, request)
        plans = case.plans.order_by("-number")
        plan = plans.filter(pk=fields["plan"]).first() if fields["plan"] else plans.first()
        if plan is None:
            raise DomainError("この事例のプランを選んでください。", field="plan")
        decision = case_services.decision_record(
            user=request.user, case=case, plan=plan, decided_on=fields["decided_on"] or timezone.localdate(),
            approved=fields["approved"], reviewed_other_supports=fields["reviewed_other_supports"],
            note=fields["note"],
        )  # fmt: skip
        return Response(DecisionOut(decision).data, status=status.HTTP_201_CREATED)


# --- meetings ------------------------------------------------------------------------------------------------


class MeetingListView(APIView):
    @extend_schema(parameters=PAGING, responses={200: MeetingOut(many=True), **ERRORS},
                   summary="会議の一覧（構成員である会議のみ）")  # fmt: skip
    def get(self, request):
        policy.require_capability(request.user, "casework")
        meetings = meeting_selectors.meeting_list(user=request.user)
        paginator = BoundedPagination()
        page = paginator.paginate_queryset(meetings, request, view=self)
        return paginator.get_paginated_response(MeetingOut(page, many=True).data)

    @extend_schema(request=MeetingIn, responses={201: MeetingDetailOut, **ERRORS},
                   summary="会議の招集（支援会議は市町村の所管課のみ）")  # fmt: skip
    def post(self, request):
        user = request.user
        policy.require_create(user, "meetings.Meeting")
        fields = _valid(MeetingIn, request)
        if fields["body"]:
            fields["body"] = meeting_selectors.bodies(user=user).filter(pk=fields["body"]).first()
            if fields["body"] is None:
                raise DomainError(NOT_FOUND.format(label="会議体"), field="body")
        meeting = meeting_services.meeting_create(user=user, **fields)
        return Response(_meeting_detail(user, meeting), status=status.HTTP_201_CREATED)


def _meeting_detail(user, meeting) -> dict:
    items = meeting_selectors.items_of(user=user, meeting=meeting)
    context = {
        "user": user,
        "items": items,
        "items_hidden": not policy.may_see_meeting_material(user, meeting),
        "pledged": policy.has_pledged(user, meeting),
    }
    return MeetingDetailOut(meeting, context=context).data


class MeetingDetailView(APIView):
    @extend_schema(responses={200: MeetingDetailOut, **ERRORS},
                   summary="会議の詳細（支援会議の議題は守秘義務を誓約した構成員のみ）")  # fmt: skip
    def get(self, request, pk):
        meeting = meeting_selectors.meeting_get(user=request.user, pk=pk)
        return Response(_meeting_detail(request.user, meeting))


class MeetingItemsView(APIView):
    @extend_schema(request=ItemIn, responses={201: ItemOut, **ERRORS}, summary="議題の追加")
    def post(self, request, pk):
        user = request.user
        meeting = meeting_selectors.meeting_get(user=user, pk=pk)
        if (
            meeting.is_confidential
            and policy.is_meeting_member(user, meeting)
            and not policy.has_pledged(user, meeting)
        ):
            raise PermissionDenied("この支援会議の守秘義務を誓約してから議題を追加してください。")
        policy.require(user, "add_item", meeting)
        fields = _valid(ItemIn, request)
        if fields["case"]:
            fields["case"] = _visible(lambda: case_selectors.case_get(user=user, pk=fields["case"], log=False),
                                      "case", "事例")  # fmt: skip
        item = meeting_services.item_add(user=user, meeting=meeting, **fields)
        return Response(ItemOut(item, context={"user": user}).data, status=status.HTTP_201_CREATED)


class ItemDetailView(APIView):
    @extend_schema(responses={200: ItemOut, **ERRORS}, summary="議題の詳細")
    def get(self, request, pk):
        item = meeting_selectors.item_get(user=request.user, pk=pk)
        return Response(ItemOut(item, context={"user": request.user}).data)

    @extend_schema(request=ItemUpdateIn, responses={200: ItemOut, **WRITE_ERRORS},
                   summary="議事録・決定事項の記録（版番号による競合検出あり）")  # fmt: skip
    def patch(self, request, pk):
        item = meeting_selectors.item_get(user=request.user, pk=pk)
        policy.require(request.user, policy.CHANGE, item)
        fields = _valid(ItemUpdateIn, request)
        item = meeting_services.item_record(
            user=request.user, item=item, version=fields["version"],
            minutes=fields.get("minutes", item.minutes), outcome=fields.get("outcome", item.outcome),
            decision_note=fields.get("decision_note", item.decision_note),
        )  # fmt: skip
        item = meeting_selectors.item_get(user=request.user, pk=item.pk)
        return Response(ItemOut(item, context={"user": request.user}).data)


class MeetingPledgeView(APIView):
    @extend_schema(request=PledgeIn, responses={200: PledgeOut, **ERRORS},
                   summary="支援会議の守秘義務の誓約（構成員本人）")  # fmt: skip
    def post(self, request, pk):
        meeting = meeting_selectors.meeting_get(user=request.user, pk=pk)
        policy.require(request.user, "pledge", meeting)
        fields = _valid(PledgeIn, request)
        pledge = meeting_services.pledge_accept(
            user=request.user, meeting=meeting, accepted=fields["accepted"]
        )
        return Response(PledgeOut(pledge).data)


class MeetingParticipantsView(APIView):
    @extend_schema(request=ParticipantIn, responses={201: ParticipantOut, **ERRORS},
                   summary="構成員の追加（招集者のみ）")  # fmt: skip
    def post(self, request, pk):
        user = request.user
        meeting = meeting_selectors.meeting_get(user=user, pk=pk)
        policy.require(user, policy.CHANGE, meeting)
        fields = _valid(ParticipantIn, request)
        staff = None
        if fields["staff"]:
            # Staff names are not clients' personal data: any active colleague of the municipality can be a member.
            staff = User.objects.filter(
                municipality_id=user.municipality_id, is_active=True, pk=fields["staff"]
            ).first()
            if staff is None:
                raise DomainError(NOT_FOUND.format(label="職員"), field="staff")
        seat = meeting_services.participant_add(user=user, meeting=meeting, staff=staff, name=fields["name"],
                                                organisation=fields["organisation"])  # fmt: skip
        return Response(ParticipantOut(seat).data, status=status.HTTP_201_CREATED)
