"""API endpoints of outreach: engagements (list, start, detail), contact attempts, stage changes, identifying
the person, linking the collaboration case, closing.

As in views_cases: the engagement comes through its selector (404 when invisible), the action is checked
before the body is read (403), then one service is called. An id in the body the user may not see is a 400
that does not say whether it exists.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from kasane.cases import selectors as case_selectors
from kasane.core import audit, policy
from kasane.core.errors import DomainError
from kasane.outreach import selectors, services
from kasane.outreach.models import Engagement, Status
from kasane.people import selectors as people_selectors

from .errors import STANDARD_ERRORS, error_responses
from .parsing import BoundedPagination
from .serializers_outreach import (
    AttemptIn,
    AttemptOut,
    CaseLinkIn,
    CloseIn,
    EngagementIn,
    EngagementListOut,
    EngagementOut,
    EngagementQuery,
    IdentifyIn,
    StageIn,
)

ERRORS = error_responses(*STANDARD_ERRORS)
WRITE_ERRORS = error_responses(*STANDARD_ERRORS, 409)
PAGING = [OpenApiParameter("limit", int), OpenApiParameter("offset", int)]
NOT_FOUND = "指定された{label}が見つからないか、閲覧する権限がありません。"
LABEL = "outreach.Engagement"


def _valid(serializer_class, request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _detail(engagement) -> dict:
    engagement = Engagement.objects.prefetch_related("attempts__staff", "stage_changes").get(pk=engagement.pk)
    return EngagementOut(engagement).data


def _for_change(request, pk) -> Engagement:
    engagement = selectors.engagement_get(user=request.user, pk=pk, log=False)
    policy.require(request.user, policy.CHANGE, engagement)
    return engagement


class EngagementListView(APIView):
    @extend_schema(parameters=[EngagementQuery, *PAGING], responses={200: EngagementListOut(many=True), **ERRORS},
                   summary="アウトリーチの取組一覧（期限超過の予定を先頭に）")  # fmt: skip
    def get(self, request):
        policy.require_capability(request.user, "casework")
        query = EngagementQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        status_filter = "" if query.validated_data.get("include_closed") else Status.ACTIVE
        qs = selectors.engagement_queryset(user=request.user, status=status_filter)
        paginator = BoundedPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        audit.record_many(user=request.user, action=audit.Action.LIST, objects=page, model=Engagement,
                          detail="アウトリーチ一覧")  # fmt: skip
        return paginator.get_paginated_response(EngagementListOut(page, many=True).data)

    @extend_schema(request=EngagementIn, responses={201: EngagementOut, **ERRORS},
                   summary="アウトリーチの取組を開始（本人の特定・同意の前でもよい）")  # fmt: skip
    def post(self, request):
        policy.require_create(request.user, LABEL)
        engagement = services.engagement_create(user=request.user, **_valid(EngagementIn, request))
        return Response(_detail(engagement), status=status.HTTP_201_CREATED)


class EngagementDetailView(APIView):
    @extend_schema(
        responses={200: EngagementOut, **ERRORS}, summary="取組の詳細（連絡の試み・関係の段階の履歴）"
    )
    def get(self, request, pk):
        engagement = selectors.engagement_get(user=request.user, pk=pk)
        return Response(_detail(engagement))


class EngagementAttemptsView(APIView):
    pagination_class = None

    @extend_schema(responses={200: AttemptOut(many=True), **ERRORS}, summary="取組の連絡の試み")
    def get(self, request, pk):
        engagement = selectors.engagement_get(user=request.user, pk=pk)
        return Response(AttemptOut(selectors.attempts_of(engagement), many=True).data)

    @extend_schema(request=AttemptIn, responses={201: AttemptOut, **WRITE_ERRORS}, summary="連絡の試みを記録")
    def post(self, request, pk):
        engagement = _for_change(request, pk)
        attempt = services.attempt_record(
            user=request.user, engagement=engagement, **_valid(AttemptIn, request)
        )
        return Response(AttemptOut(attempt).data, status=status.HTTP_201_CREATED)


class EngagementStageView(APIView):
    @extend_schema(request=StageIn, responses={200: EngagementOut, **WRITE_ERRORS},
                   summary="関係の段階を変更（履歴に日付と記録者が残る）")  # fmt: skip
    def post(self, request, pk):
        engagement = _for_change(request, pk)
        services.stage_change(user=request.user, engagement=engagement, **_valid(StageIn, request))
        return Response(_detail(engagement))


class EngagementIdentifyView(APIView):
    @extend_schema(request=IdentifyIn, responses={200: EngagementOut, **WRITE_ERRORS},
                   summary="本人を特定（既存の本人のID、または新しい本人の氏名など）")  # fmt: skip
    def post(self, request, pk):
        user = request.user
        engagement = _for_change(request, pk)
        fields = _valid(IdentifyIn, request)
        person = None
        if fields.pop("person"):
            try:
                person = people_selectors.person_get(user=user, pk=request.data["person"])
            except Http404:
                raise DomainError(NOT_FOUND.format(label="本人"), field="person") from None
        version = fields.pop("version")
        new_person = {k: v for k, v in fields.items() if v}
        services.person_identify(user=user, engagement=engagement, version=version, person=person,
                                 new_person=None if person else new_person)  # fmt: skip
        return Response(_detail(engagement))


class EngagementCaseView(APIView):
    @extend_schema(request=CaseLinkIn, responses={200: EngagementOut, **WRITE_ERRORS},
                   summary="多機関協働の事例と結びつける（事例の中断の判断に連絡の試みが数えられる）")  # fmt: skip
    def post(self, request, pk):
        engagement = _for_change(request, pk)
        fields = _valid(CaseLinkIn, request)
        try:
            case = case_selectors.case_get(user=request.user, pk=fields["case"], log=False)
        except Http404:
            raise DomainError(NOT_FOUND.format(label="事例"), field="case") from None
        services.case_link(user=request.user, engagement=engagement, version=fields["version"], case=case)
        return Response(_detail(engagement))


class EngagementCloseView(APIView):
    @extend_schema(request=CloseIn, responses={200: EngagementOut, **WRITE_ERRORS}, summary="取組を終了")
    def post(self, request, pk):
        engagement = _for_change(request, pk)
        services.engagement_close(user=request.user, engagement=engagement, **_valid(CloseIn, request))
        return Response(_detail(engagement))
