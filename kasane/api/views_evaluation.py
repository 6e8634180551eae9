"""API endpoints of the progress sheets (plans, the 一覧表 of a 年度, one sheet, indicators, actual and evaluation
edits) and outcome targets. Same policy as the pages: every staff role reads, municipal and admin write."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from kasane.core import policy
from kasane.evaluation import selectors, services
from kasane.evaluation.models import Indicator

from .errors import STANDARD_ERRORS, error_responses
from .parsing import BoundedPagination
from .serializers_evaluation import (
    ActualIn,
    EvaluationIn,
    EvaluationPlanOut,
    IndicatorOut,
    SheetOut,
    SheetRowOut,
    TargetIn,
    TargetOut,
    TargetUpdateIn,
    YearQuery,
)

ERRORS = error_responses(*STANDARD_ERRORS)
WRITE_ERRORS = error_responses(*STANDARD_ERRORS, 409)
PAGING = [OpenApiParameter("limit", int), OpenApiParameter("offset", int)]


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _year(request, plan) -> int:
    year = _valid(YearQuery, request.query_params).get("fiscal_year")
    return year if year in plan.years else selectors.default_year(plan)


def _page(view, request, queryset, serializer_class, **context):
    paginator = BoundedPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True, context=context).data)


class PlanListView(APIView):
    @extend_schema(
        parameters=PAGING, responses={200: EvaluationPlanOut(many=True), **ERRORS}, summary="計画の一覧"
    )
    def get(self, request):
        return _page(self, request, selectors.plan_list(user=request.user), EvaluationPlanOut)


class PlanSheetsView(APIView):
    @extend_schema(parameters=[YearQuery], responses={200: SheetRowOut(many=True), **ERRORS},
                   summary="進捗管理シート 一覧表（年度の実績値・進捗率・評価）")  # fmt: skip
    def get(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        sheets = selectors.plan_sheets(user=request.user, plan=plan, year=_year(request, plan))
        return Response(SheetRowOut(sheets, many=True).data)


class SheetDetailView(APIView):
    @extend_schema(
        parameters=[YearQuery], responses={200: SheetOut, **ERRORS}, summary="進捗管理シート（1施策）"
    )
    def get(self, request, pk):
        measure = selectors.measure_get(user=request.user, pk=pk)
        sheet = selectors.sheet_get(user=request.user, measure=measure, year=_year(request, measure.plan))
        return Response(SheetOut(sheet).data)


def _sheet_write(request, pk, serializer_class, save):
    measure = selectors.measure_get(user=request.user, pk=pk)
    policy.require(request.user, policy.CHANGE, measure)
    data = _valid(serializer_class, request.data)
    save(measure, data)
    measure = selectors.measure_get(user=request.user, pk=pk)
    return Response(
        SheetOut(selectors.sheet_get(user=request.user, measure=measure, year=data["fiscal_year"])).data
    )


class SheetActualView(APIView):
    @extend_schema(request=ActualIn, responses={200: SheetOut, **WRITE_ERRORS},
                   summary="実績値の入力（評価は規則どおり再計算。版番号による競合検出あり）")  # fmt: skip
    def put(self, request, pk):
        return _sheet_write(request, pk, ActualIn, lambda measure, data: services.actual_set(
            user=request.user, measure=measure, **data))  # fmt: skip


class SheetEvaluationView(APIView):
    @extend_schema(request=EvaluationIn, responses={200: SheetOut, **WRITE_ERRORS},
                   summary="評価の理由と総合評価の入力（版番号による競合検出あり）")  # fmt: skip
    def put(self, request, pk):
        return _sheet_write(request, pk, EvaluationIn, lambda measure, data: services.evaluation_set(
            user=request.user, measure=measure, **data))  # fmt: skip


class IndicatorListView(APIView):
    @extend_schema(parameters=PAGING, responses={200: IndicatorOut(many=True), **ERRORS},
                   summary="評価指標の一覧（基準値・実績値・目標値）")  # fmt: skip
    def get(self, request):
        rows = (
            policy.scope(request.user, Indicator)
            .select_related("measure")
            .prefetch_related("actuals")
            .order_by("measure__plan_id", "measure__sheet_no")
        )
        return _page(self, request, rows, IndicatorOut)


def _target_context(request, targets) -> dict:
    rows = {}
    for year in {t.fiscal_year for t in targets}:
        rows |= {r.target.pk: r for r in selectors.target_rows(user=request.user, year=year)}
    return {"rows": rows}


class TargetListView(APIView):
    @extend_schema(parameters=[YearQuery], responses={200: TargetOut(many=True), **ERRORS},
                   summary="成果目標の一覧（実績と達成状況）")  # fmt: skip
    def get(self, request):
        year = _valid(YearQuery, request.query_params).get("fiscal_year")
        targets = list(
            selectors.target_list(user=request.user, year=year).order_by("fiscal_year", "project", "pk")
        )
        return Response(TargetOut(targets, many=True, context=_target_context(request, targets)).data)

    @extend_schema(request=TargetIn, responses={201: TargetOut, **ERRORS}, summary="成果目標の登録")
    def post(self, request):
        policy.require_create(request.user, "evaluation.OutcomeTarget")
        target = services.target_create(user=request.user, **_valid(TargetIn, request.data))
        return Response(TargetOut(target, context=_target_context(request, [target])).data,
                        status=status.HTTP_201_CREATED)  # fmt: skip


class TargetDetailView(APIView):
    @extend_schema(responses={200: TargetOut, **ERRORS}, summary="成果目標")
    def get(self, request, pk):
        target = selectors.target_get(user=request.user, pk=pk)
        return Response(TargetOut(target, context=_target_context(request, [target])).data)

    @extend_schema(request=TargetUpdateIn, responses={200: TargetOut, **WRITE_ERRORS},
                   summary="成果目標の更新（版番号による競合検出あり）")  # fmt: skip
    def put(self, request, pk):
        target = selectors.target_get(user=request.user, pk=pk)
        policy.require(request.user, policy.CHANGE, target)
        target = services.target_update(
            user=request.user, target=target, **_valid(TargetUpdateIn, request.data)
        )
        return Response(TargetOut(target, context=_target_context(request, [target])).data)
