"""API endpoints of the 地域づくり record: activities and their sessions, coordinators, network meetings,
trainings, and the yearly figures. The same policy as the pages: every staff member reads, the community
editors write. The permission is checked before the body is read (403, not a 400 that hints at the rules)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from kasane.community import selectors, services
from kasane.core import policy, wareki

from .errors import STANDARD_ERRORS, error_responses
from .parsing import BoundedPagination
from .serializers_community import (
    ActivityIn,
    ActivityListOut,
    ActivityOut,
    ActivityQuery,
    ActivityUpdateIn,
    CoordinatorIn,
    CoordinatorOut,
    CoordinatorUpdateIn,
    FiguresOut,
    FiscalYearQuery,
    NetworkMeetingIn,
    NetworkMeetingOut,
    NetworkMeetingUpdateIn,
    SessionIn,
    SessionOut,
    SessionUpdateIn,
    TrainingIn,
    TrainingOut,
    TrainingUpdateIn,
)

ERRORS = error_responses(*STANDARD_ERRORS)
WRITE_ERRORS = error_responses(*STANDARD_ERRORS, 409)
PAGING = [OpenApiParameter("limit", int), OpenApiParameter("offset", int)]


def _valid(serializer_class, request) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _query(serializer_class, request) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def _page(view, request, queryset, serializer_class):
    paginator = BoundedPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def _fiscal_year(query: dict) -> int:
    return query.get("fiscal_year") or wareki.fiscal_year(timezone.localdate())


# --- activities and sessions -----------------------------------------------------------------------------------


class ActivityListView(APIView):
    @extend_schema(parameters=[ActivityQuery, *PAGING], responses={200: ActivityListOut(many=True), **ERRORS},
                   summary="地域づくりの場・活動の一覧（年度の開催回数・参加者数つき）")  # fmt: skip
    def get(self, request):
        policy.require_capability(request.user, "community.view")
        query = _query(ActivityQuery, request)
        rows = selectors.activity_list(
            user=request.user, project=query.get("project", ""), area=query.get("area", ""),
            fiscal_year=_fiscal_year(query), include_inactive=query.get("include_inactive", False),
        )  # fmt: skip
        return _page(self, request, rows, ActivityListOut)

    @extend_schema(request=ActivityIn, responses={201: ActivityOut, **ERRORS}, summary="場・活動の登録")
    def post(self, request):
        policy.require_create(request.user, "community.Activity")
        activity = services.activity_create(user=request.user, **_valid(ActivityIn, request))
        return Response(ActivityOut(activity).data, status=status.HTTP_201_CREATED)


class ActivityDetailView(APIView):
    @extend_schema(responses={200: ActivityOut, **ERRORS}, summary="場・活動の詳細")
    def get(self, request, pk):
        return Response(ActivityOut(selectors.activity_get(user=request.user, pk=pk)).data)

    @extend_schema(request=ActivityUpdateIn, responses={200: ActivityOut, **WRITE_ERRORS},
                   summary="場・活動の更新（版番号による競合検出あり）")  # fmt: skip
    def put(self, request, pk):
        activity = selectors.activity_get(user=request.user, pk=pk)
        policy.require(request.user, policy.CHANGE, activity)
        activity = services.activity_update(
            user=request.user, activity=activity, **_valid(ActivityUpdateIn, request)
        )
        return Response(ActivityOut(activity).data)


class ActivitySessionsView(APIView):
    @extend_schema(parameters=[FiscalYearQuery, *PAGING], responses={200: SessionOut(many=True), **ERRORS},
                   summary="場・活動の開催記録（年度を指定しないときは全件）")  # fmt: skip
    def get(self, request, pk):
        activity = selectors.activity_get(user=request.user, pk=pk)
        query = _query(FiscalYearQuery, request)
        rows = selectors.session_list(
            user=request.user, activity=activity, fiscal_year=query.get("fiscal_year")
        )
        return _page(self, request, rows, SessionOut)

    @extend_schema(request=SessionIn, responses={201: SessionOut, **ERRORS},
                   summary="開催の記録（年齢層別の参加者数。氏名は記録しない）")  # fmt: skip
    def post(self, request, pk):
        activity = selectors.activity_get(user=request.user, pk=pk)
        policy.require(request.user, policy.CHANGE, activity)
        session = services.session_record(user=request.user, activity=activity, **_valid(SessionIn, request))
        return Response(SessionOut(session).data, status=status.HTTP_201_CREATED)


class SessionDetailView(APIView):
    @extend_schema(responses={200: SessionOut, **ERRORS}, summary="開催記録の詳細")
    def get(self, request, pk):
        return Response(SessionOut(selectors.session_get(user=request.user, pk=pk)).data)

    @extend_schema(request=SessionUpdateIn, responses={200: SessionOut, **WRITE_ERRORS},
                   summary="開催記録の修正（版番号による競合検出あり）")  # fmt: skip
    def put(self, request, pk):
        session = selectors.session_get(user=request.user, pk=pk)
        policy.require(request.user, policy.CHANGE, session)
        session = services.session_update(
            user=request.user, session=session, **_valid(SessionUpdateIn, request)
        )
        return Response(SessionOut(session).data)

    @extend_schema(responses={204: None, **ERRORS}, summary="誤って記録した開催記録の削除")
    def delete(self, request, pk):
        session = selectors.session_get(user=request.user, pk=pk)
        services.session_delete(user=request.user, session=session)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- coordinators, network meetings, trainings -----------------------------------------------------------------


class CoordinatorListView(APIView):
    @extend_schema(parameters=PAGING, responses={200: CoordinatorOut(many=True), **ERRORS},
                   summary="コーディネーターの一覧（退任者を含む）")  # fmt: skip
    def get(self, request):
        policy.require_capability(request.user, "community.view")
        rows = selectors.coordinator_list(user=request.user, include_inactive=True)
        return _page(self, request, rows, CoordinatorOut)

    @extend_schema(
        request=CoordinatorIn, responses={201: CoordinatorOut, **ERRORS}, summary="コーディネーターの登録"
    )
    def post(self, request):
        policy.require_create(request.user, "community.Coordinator")
        coordinator = services.coordinator_create(user=request.user, **_valid(CoordinatorIn, request))
        return Response(CoordinatorOut(coordinator).data, status=status.HTTP_201_CREATED)


class CoordinatorDetailView(APIView):
    @extend_schema(responses={200: CoordinatorOut, **ERRORS}, summary="コーディネーターの詳細")
    def get(self, request, pk):
        return Response(CoordinatorOut(selectors.coordinator_get(user=request.user, pk=pk)).data)

    @extend_schema(request=CoordinatorUpdateIn, responses={200: CoordinatorOut, **WRITE_ERRORS},
                   summary="コーディネーターの更新（版番号による競合検出あり）")  # fmt: skip
    def put(self, request, pk):
        coordinator = selectors.coordinator_get(user=request.user, pk=pk)
        policy.require(request.user, policy.CHANGE, coordinator)
        data = _valid(CoordinatorUpdateIn, request)
        coordinator = services.coordinator_update(user=request.user, coordinator=coordinator, **data)
        return Response(CoordinatorOut(coordinator).data)


class NetworkMeetingListView(APIView):
    @extend_schema(parameters=[FiscalYearQuery, *PAGING], responses={200: NetworkMeetingOut(many=True), **ERRORS},
                   summary="ネットワーク会議・協議体の開催記録（年度を指定しないときは全件）")  # fmt: skip
    def get(self, request):
        policy.require_capability(request.user, "community.view")
        query = _query(FiscalYearQuery, request)
        rows = selectors.network_meeting_list(user=request.user, fiscal_year=query.get("fiscal_year"))
        return _page(self, request, rows, NetworkMeetingOut)

    @extend_schema(request=NetworkMeetingIn, responses={201: NetworkMeetingOut, **ERRORS},
                   summary="ネットワーク会議・協議体の開催の記録")  # fmt: skip
    def post(self, request):
        policy.require_create(request.user, "community.NetworkMeeting")
        meeting = services.network_meeting_create(user=request.user, **_valid(NetworkMeetingIn, request))
        return Response(NetworkMeetingOut(meeting).data, status=status.HTTP_201_CREATED)


class NetworkMeetingDetailView(APIView):
    @extend_schema(responses={200: NetworkMeetingOut, **ERRORS}, summary="ネットワーク会議・協議体の開催記録")
    def get(self, request, pk):
        return Response(NetworkMeetingOut(selectors.network_meeting_get(user=request.user, pk=pk)).data)

    @extend_schema(request=NetworkMeetingUpdateIn, responses={200: NetworkMeetingOut, **WRITE_ERRORS},
                   summary="ネットワーク会議・協議体の開催記録の更新")  # fmt: skip
    def put(self, request, pk):
        meeting = selectors.network_meeting_get(user=request.user, pk=pk)
        policy.require(request.user, policy.CHANGE, meeting)
        data = _valid(NetworkMeetingUpdateIn, request)
        meeting = services.network_meeting_update(user=request.user, meeting=meeting, **data)
        return Response(NetworkMeetingOut(meeting).data)


class TrainingListView(APIView):
    @extend_schema(parameters=[FiscalYearQuery, *PAGING], responses={200: TrainingOut(many=True), **ERRORS},
                   summary="養成講座・研修の開催記録（年度を指定しないときは全件）")  # fmt: skip
    def get(self, request):
        policy.require_capability(request.user, "community.view")
        query = _query(FiscalYearQuery, request)
        rows = selectors.training_list(user=request.user, fiscal_year=query.get("fiscal_year"))
        return _page(self, request, rows, TrainingOut)

    @extend_schema(request=TrainingIn, responses={201: TrainingOut, **ERRORS}, summary="養成講座・研修の記録")
    def post(self, request):
        policy.require_create(request.user, "community.Training")
        training = services.training_create(user=request.user, **_valid(TrainingIn, request))
        return Response(TrainingOut(training).data, status=status.HTTP_201_CREATED)


class TrainingDetailView(APIView):
    @extend_schema(responses={200: TrainingOut, **ERRORS}, summary="養成講座・研修の開催記録")
    def get(self, request, pk):
        return Response(TrainingOut(selectors.training_get(user=request.user, pk=pk)).data)

    @extend_schema(request=TrainingUpdateIn, responses={200: TrainingOut, **WRITE_ERRORS},
                   summary="養成講座・研修の開催記録の更新")  # fmt: skip
    def put(self, request, pk):
        training = selectors.training_get(user=request.user, pk=pk)
        policy.require(request.user, policy.CHANGE, training)
        training = services.training_update(
            user=request.user, training=training, **_valid(TrainingUpdateIn, request)
        )
        return Response(TrainingOut(training).data)


class FiguresView(APIView):
    @extend_schema(parameters=[FiscalYearQuery], responses={200: FiguresOut, **ERRORS},
                   summary="地域づくり事業の年度実績（開催回数・参加者・会議・講座）")  # fmt: skip
    def get(self, request):
        policy.require_capability(request.user, "community.view")
        query = _query(FiscalYearQuery, request)
        figures = selectors.community_figures(user=request.user, fiscal_year=_fiscal_year(query))
        return Response(FiguresOut(figures).data)
