"""API for the yearly statistics (実績統計): the same figures, access and 秘匿処理 as the statistics page."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kasane.core import wareki
from kasane.core.errors import DomainError
from kasane.evaluation import statistics

from .errors import STANDARD_ERRORS, error_responses


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["*"]}]})
class CountField(serializers.Field):
    """A count, or 「*」 where it is suppressed (秘匿処理)."""

    def to_representation(self, value):
        return value


class StatRowOut(serializers.Serializer):
    key = serializers.CharField(help_text="項目のキー（内訳は「項目.値」）")
    section = serializers.CharField()
    label = serializers.CharField()
    level = serializers.IntegerField(help_text="0 = 項目、1 = 内訳")
    total = CountField(help_text="年度計（整数、秘匿時は「*」）")
    months = serializers.ListField(child=CountField(), help_text="4月〜3月の12か月")


class StatisticsOut(serializers.Serializer):
    municipality = serializers.CharField()
    fiscal_year = serializers.IntegerField()
    fiscal_year_label = serializers.CharField()
    suppressed = serializers.BooleanField(help_text="秘匿処理をしたか（評価者など）")
    months = serializers.ListField(child=serializers.CharField())
    rows = StatRowOut(many=True)


class StatisticsView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("fiscal_year", str, description="年度（2024、令和6年度 など。省略時は今年度）")
        ],
        responses={200: StatisticsOut, **error_responses(*STANDARD_ERRORS)},
        summary="年度の実績統計（記録から集計）",
    )
    def get(self, request):
        if statistics.access_for(request.user) is None:
            raise PermissionDenied("実績統計を見る権限がありません。")
        text = request.query_params.get("fiscal_year", "").strip()
        try:
            fy = wareki.parse_fiscal_year(text) if text else wareki.fiscal_year(timezone.localdate())
        except wareki.WarekiError as exc:
            raise DomainError(str(exc), field="fiscal_year") from None
        result = statistics.statistics_for(user=request.user, fiscal_year=fy)
        return Response(StatisticsOut(result.as_dict()).data)
