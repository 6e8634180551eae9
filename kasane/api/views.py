"""API endpoints: each parses input, calls one selector or service, and serializes the result."""

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from kasane.core import policy
from kasane.core import selectors as core_selectors
from kasane.core import services as core_services
from kasane.core.validators import parse_id
from kasane.directory import selectors as directory_selectors
from kasane.directory import services as directory_services

from .errors import STANDARD_ERRORS, error_responses
from .serializers import (
    AccessLogOut,
    AccessLogQuery,
    AgencyIn,
    AgencyOut,
    AgencyUpdateIn,
    MeOut,
    StaffOut,
    ThemeOut,
    TokenOut,
)

ERRORS = error_responses(*STANDARD_ERRORS)


def _paginate(view, request, queryset, serializer_class):
    paginator = LimitOffsetPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator, page, paginator.get_paginated_response(serializer_class(page, many=True).data)


def _themes(user, ids):
    themes = list(directory_selectors.theme_list(user=user).filter(pk__in=ids))
    if len(themes) != len(set(ids)):
        from kasane.core.errors import DomainError

        raise DomainError("存在しないテーマが指定されています。", field="theme_ids")
    return themes


class MeView(APIView):
    @extend_schema(responses={200: MeOut, **error_responses(401)}, summary="ログイン中の職員")
    def get(self, request):
        return Response(MeOut(request.user).data)


class AgencyListView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="キーワード（ひらがな・カタカナ・全角半角を区別しない）"),
            OpenApiParameter("theme", int, description="テーマID"),
            OpenApiParameter("field", str, description="分野"),
            OpenApiParameter("limit", int),
            OpenApiParameter("offset", int),
        ],
        responses={200: AgencyOut(many=True), **ERRORS},
        summary="相談機関一覧表の検索",
    )
    def get(self, request):
        policy.require_capability(request.user, "directory.view")
        theme = request.query_params.get("theme")
        agencies = directory_selectors.agency_search(
            user=request.user,
            q=request.query_params.get("q", "")[:100],
            theme_id=parse_id(theme),
            field=request.query_params.get("field", "")[:20],
        )
        return _paginate(self, request, agencies, AgencyOut)[2]

    @extend_schema(request=AgencyIn, responses={201: AgencyOut, **ERRORS}, summary="相談機関の登録")
    def post(self, request):
        data = AgencyIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        themes = _themes(request.user, fields.pop("theme_ids"))
        agency = directory_services.agency_create(user=request.user, themes=themes, **fields)
        return Response(AgencyOut(agency).data, status=status.HTTP_201_CREATED)


class AgencyDetailView(APIView):
    @extend_schema(responses={200: AgencyOut, **ERRORS}, summary="相談機関の詳細")
    def get(self, request, pk):
        return Response(AgencyOut(directory_selectors.agency_get(user=request.user, pk=pk)).data)

    @extend_schema(
        request=AgencyUpdateIn,
        responses={200: AgencyOut, **ERRORS, **error_responses(409)},
        summary="相談機関の更新（版番号による競合検出あり）",
    )
    def put(self, request, pk):
        agency = directory_selectors.agency_get(user=request.user, pk=pk)
        data = AgencyUpdateIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        themes = _themes(request.user, fields.pop("theme_ids"))
        agency = directory_services.agency_update(user=request.user, agency=agency, themes=themes, **fields)
        return Response(AgencyOut(directory_selectors.agency_get(user=request.user, pk=agency.pk)).data)


class ThemeListView(APIView):
    pagination_class = None

    @extend_schema(responses={200: ThemeOut(many=True), **ERRORS}, summary="相談テーマの一覧")
    def get(self, request):
        return Response(ThemeOut(directory_selectors.theme_list(user=request.user), many=True).data)


class StaffListView(APIView):
    @extend_schema(responses={200: StaffOut(many=True), **ERRORS}, summary="職員の一覧（管理者）")
    def get(self, request):
        policy.require_capability(request.user, "staff.manage")
        return Response(StaffOut(core_selectors.staff_list(user=request.user), many=True).data)


class StaffDetailView(APIView):
    @extend_schema(responses={200: StaffOut, **ERRORS}, summary="職員の詳細（管理者）")
    def get(self, request, pk):
        policy.require_capability(request.user, "staff.manage")
        return Response(StaffOut(core_selectors.staff_get(user=request.user, pk=pk)).data)


class AccessLogView(APIView):
    @extend_schema(
        parameters=[AccessLogQuery, OpenApiParameter("limit", int), OpenApiParameter("offset", int)],
        responses={200: AccessLogOut(many=True), **ERRORS},
        summary="閲覧・操作記録の検索（管理者）",
    )
    def get(self, request):
        policy.require_capability(request.user, "audit.view")
        query = AccessLogQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        entries = core_selectors.access_log_search(user=request.user, **query.validated_data)
        return _paginate(self, request, entries, AccessLogOut)[2]


class TokenListView(APIView):
    @extend_schema(responses={200: TokenOut(many=True), **ERRORS}, summary="APIトークン（管理者は全職員分）")
    def get(self, request):
        return Response(TokenOut(core_selectors.api_token_list(user=request.user), many=True).data)


class TokenRevokeView(APIView):
    @extend_schema(request=None, responses={200: TokenOut, **ERRORS}, summary="APIトークンの失効")
    def post(self, request, pk):
        with transaction.atomic():
            token = core_selectors.api_token_get(user=request.user, pk=pk)
            token = core_services.api_token_revoke(actor=request.user, token=token)
        return Response(TokenOut(token).data)
