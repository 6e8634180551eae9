"""API endpoints of 参加支援: the resource registry, a case's needs with ranked suggestions and their reasons,
matches and their steps (approach, start, follow-up, outcome), and resource gaps turned into new resources.

As in views_cases: the object through a selector (404 when invisible), the action through the policy (403 when
visible but not permitted), then one service. Resources are public information; matches are logged with the
person and the case by the selectors and services.
"""

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from kasane.core import audit, policy
from kasane.core.errors import DomainError
from kasane.meetings import selectors as meeting_selectors
from kasane.meetings.models import ResourceGap
from kasane.participation import matching, selectors, services
from kasane.participation.models import Match, Resource

from .errors import STANDARD_ERRORS, error_responses
from .parsing import BoundedPagination
from .serializers_participation import (
    GapIn,
    GapOut,
    MatchIn,
    MatchOut,
    MatchStepIn,
    NeedsIn,
    ParticipationOut,
    ResourceIn,
    ResourceOut,
    ResourceQuery,
    ResourceUpdateIn,
)

ERRORS = error_responses(*STANDARD_ERRORS)
WRITE_ERRORS = error_responses(*STANDARD_ERRORS, 409)
PAGING = [OpenApiParameter("limit", int), OpenApiParameter("offset", int)]
A = audit.Action
RESOURCE_LABEL = "participation.Resource"


def _valid(serializer_class, request):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _kind(user, fields):
    if "kind" in fields:
        found = selectors.kinds(user=user, active_only=False).filter(pk=fields["kind"]).first()
        if found is None:
            raise DomainError("指定された種類が見つかりません。", field="kind")
        fields["kind"] = found
    return fields


# --- resources -------------------------------------------------------------------------------------------------


class ResourceListView(APIView):
    @extend_schema(parameters=[ResourceQuery, *PAGING], responses={200: ResourceOut(many=True), **ERRORS},
                   summary="社会資源の一覧・検索（個人情報を含まない）")  # fmt: skip
    def get(self, request):
        policy.require_capability(request.user, "directory.view")
        params = ResourceQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = params.validated_data
        qs = selectors.resource_search(user=request.user, q=query.get("q", ""), kind=query.get("kind"),
                                       area=query.get("area", ""), status=query.get("status", ""))  # fmt: skip
        paginator = BoundedPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(ResourceOut(page, many=True).data)

    @extend_schema(request=ResourceIn, responses={201: ResourceOut, **ERRORS}, summary="社会資源の登録")
    def post(self, request):
        policy.require_create(request.user, RESOURCE_LABEL)
        fields = _kind(request.user, _valid(ResourceIn, request))
        resource = services.resource_create(user=request.user, **fields)
        return Response(ResourceOut(resource).data, status=status.HTTP_201_CREATED)


class ResourceDetailView(APIView):
    @extend_schema(responses={200: ResourceOut, **ERRORS}, summary="社会資源の詳細")
    def get(self, request, pk):
        return Response(ResourceOut(selectors.resource_get(user=request.user, pk=pk)).data)

    @extend_schema(request=ResourceUpdateIn, responses={200: ResourceOut, **WRITE_ERRORS},
                   summary="社会資源の更新（version が古ければ 409）")  # fmt: skip
    def patch(self, request, pk):
        resource = selectors.resource_get(user=request.user, pk=pk)
        policy.require(request.user, policy.CHANGE, resource)
        fields = _kind(request.user, _valid(ResourceUpdateIn, request))
        resource = services.resource_update(user=request.user, resource=resource, **fields)
        return Response(ResourceOut(resource).data)

    @extend_schema(responses={204: None, **ERRORS},
                   summary="社会資源の削除（マッチングの記録があれば 400：状況を「終了」にする）")  # fmt: skip
    def delete(self, request, pk):
        resource = selectors.resource_get(user=request.user, pk=pk)
        policy.require(request.user, policy.DELETE, resource)
        services.resource_delete(user=request.user, resource=resource)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- a case's participation: needs, suggestions, matches -----------------------------------------------------------


def _participation(user, case) -> dict:
    needs = selectors.needs_of(user=user, case=case)
    suggestions = selectors.suggestions(user=user, case=case, needs=needs) if needs is not None else []
    return ParticipationOut({
        "needs": needs, "suggestions": suggestions, "matches": selectors.matches_of_case(user=user, case=case),
        "nothing_suitable": needs is not None and matching.nothing_suitable(suggestions),
    }).data  # fmt: skip


class CaseParticipationView(APIView):
    @extend_schema(responses={200: ParticipationOut, **ERRORS},
                   summary="事例の参加支援：本人の希望、候補（点数と理由）、マッチング")  # fmt: skip
    def get(self, request, pk):
        case = selectors.case_get(user=request.user, pk=pk)
        return Response(_participation(request.user, case))

    @extend_schema(request=NeedsIn, responses={200: ParticipationOut, **WRITE_ERRORS},
                   summary="本人の希望を保存し、候補を返す")  # fmt: skip
    def put(self, request, pk):
        case = selectors.case_get(user=request.user, pk=pk)
        policy.require(request.user, policy.CHANGE, case)
        services.needs_save(user=request.user, case=case, **_valid(NeedsIn, request))
        return Response(_participation(request.user, case))


class CaseMatchesView(APIView):
    @extend_schema(request=MatchIn, responses={201: MatchOut, **ERRORS},
                   summary="マッチングを始める（終了した社会資源は 400）")  # fmt: skip
    def post(self, request, pk):
        case = selectors.case_get(user=request.user, pk=pk)
        policy.require(request.user, policy.CHANGE, case)
        fields = _valid(MatchIn, request)
        resource = Resource.objects.filter(
            municipality_id=request.user.municipality_id, pk=fields["resource"]
        ).first()
        if resource is None:
            raise DomainError("指定された社会資源が見つかりません。", field="resource")
        match = services.match_create(
            user=request.user, case=case, resource=resource, reasons=fields.get("reasons", "")
        )
        return Response(MatchOut(match).data, status=status.HTTP_201_CREATED)


class CaseGapsView(APIView):
    @extend_schema(request=GapIn, responses={201: GapOut, **ERRORS},
                   summary="合う社会資源がなかった：社会資源の不足として記録（匿名化）")  # fmt: skip
    def post(self, request, pk):
        case = selectors.case_get(user=request.user, pk=pk)
        policy.require(request.user, policy.CHANGE, case)
        gap = services.gap_from_matching(user=request.user, case=case, **_valid(GapIn, request))
        return Response(GapOut(gap).data, status=status.HTTP_201_CREATED)


class MatchDetailView(APIView):
    @extend_schema(
        responses={200: MatchOut, **ERRORS}, summary="マッチングの詳細（働きかけ・開始・定着支援・結果）"
    )
    def get(self, request, pk):
        return Response(MatchOut(selectors.match_get(user=request.user, pk=pk)).data)


class MatchStepView(APIView):
    @extend_schema(request=MatchStepIn, responses={200: MatchOut, **WRITE_ERRORS},
                   summary="マッチングの記録：働きかけ・参加開始・定着支援の予定と記録・結果")  # fmt: skip
    def post(self, request, pk):
        user = request.user
        match = selectors.match_get(user=user, pk=pk, log=False)
        policy.require(user, policy.CHANGE, match)
        f = _valid(MatchStepIn, request)
        step, on, note, version = f["step"], f["on"], f.get("note", ""), f.get("version")
        if step in ("approach", "start", "outcome") and version is None:
            raise DomainError("version を指定してください。", field="version")
        with transaction.atomic():
            if step == "approach":
                services.match_approach(user=user, match=match, version=version, approached_on=on, note=note)
            elif step == "start":
                services.match_start(user=user, match=match, version=version, started_on=on,
                                     followup_on=f.get("followup_on"))  # fmt: skip
            elif step == "followup_schedule":
                services.followup_schedule(user=user, match=match, scheduled_on=on)
            elif step == "followup_record":
                try:
                    followup = selectors.followup_get(user=user, match=match, pk=f.get("followup"))
                except Http404:
                    raise DomainError("指定された定着支援が見つかりません。", field="followup") from None
                services.followup_record(user=user, followup=followup, done_on=on, note=note)
            else:
                if not f.get("status"):
                    raise DomainError(
                        "結果（employed / moved / interrupted）を指定してください。", field="status"
                    )
                services.match_outcome(user=user, match=match, version=version, status=f["status"], ended_on=on,
                                       note=note)  # fmt: skip
        return Response(MatchOut(Match.objects.prefetch_related("followups").get(pk=match.pk)).data)


# --- gaps ----------------------------------------------------------------------------------------------------------


class GapListView(APIView):
    @extend_schema(parameters=PAGING, responses={200: GapOut(many=True), **ERRORS},
                   summary="社会資源の不足（検討中・開発中・解決）")  # fmt: skip
    def get(self, request):
        if not (policy.allows(request.user, "casework") or policy.allows(request.user, "tenant.configure")):
            raise policy.PermissionDenied("この機能を使う権限がありません。")
        paginator = BoundedPagination()
        page = paginator.paginate_queryset(meeting_selectors.gaps(user=request.user), request, view=self)
        return paginator.get_paginated_response(GapOut(page, many=True).data)


class GapResourceView(APIView):
    @extend_schema(request=ResourceIn, responses={201: ResourceOut, **ERRORS},
                   summary="不足のために新たにできた社会資源を登録し、不足を「解決」にする")  # fmt: skip
    def post(self, request, pk):
        gap = policy.get_or_404(request.user, ResourceGap, pk=pk)
        policy.require(request.user, policy.CHANGE, gap)
        policy.require_create(request.user, RESOURCE_LABEL)
        fields = _kind(request.user, _valid(ResourceIn, request))
        resource = services.resource_create_for_gap(user=request.user, gap=gap, **fields)
        return Response(ResourceOut(resource).data, status=status.HTTP_201_CREATED)
