"""Input and output serializers of the progress sheet (進捗管理シート) and outcome target (成果目標) API."""

from rest_framework import serializers

from kasane.evaluation.models import Comparison, Grade, Indicator, OutcomeTarget, Plan, Project
from kasane.evaluation.stat_keys import STAT_KEYS

VERSION_HELP = "編集を始めたときの進捗管理シートの版番号。古い版では 409 になります。"
VALUE = {"max_digits": 14, "decimal_places": 3, "coerce_to_string": True}


class EvaluationPlanOut(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["id", "name", "period_from", "period_to", "section"]


class IndicatorOut(serializers.ModelSerializer):
    measure = serializers.IntegerField(source="measure_id")
    measure_number = serializers.CharField(source="measure.number")
    plan = serializers.IntegerField(source="measure.plan_id")
    actuals = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = ["id", "plan", "measure", "measure_number", "name", "unit", "direction", "numeric", "decimals",
                  "source", "survey_years", "baseline_year", "baseline_value", "baseline_text", "target_year",
                  "target_value", "target_text", "actuals"]  # fmt: skip

    def get_actuals(self, obj) -> list[dict]:
        return [{"fiscal_year": a.fiscal_year, "value": None if a.value is None else str(a.value), "text": a.text}
                for a in obj.actuals.all()]  # fmt: skip


class SheetRowOut(serializers.Serializer):
    """One 施策 of the 一覧表 for a 年度."""

    id = serializers.IntegerField(source="measure.pk")
    sheet_no = serializers.IntegerField(source="measure.sheet_no")
    goal = serializers.IntegerField(source="measure.goal.number")
    number = serializers.CharField(source="measure.number")
    title = serializers.CharField(source="measure.title")
    indicator = serializers.CharField(source="indicator.name", default=None, allow_null=True)
    fiscal_year = serializers.IntegerField(source="year")
    actual_value = serializers.DecimalField(source="actual.value", default=None, allow_null=True, **VALUE)
    actual_text = serializers.CharField(source="actual.text", default="")
    progress_rate = serializers.IntegerField(source="actual.rate", default=None, allow_null=True,
                                             help_text="進捗率（%、四捨五入）。算出しない年度は null")  # fmt: skip
    grade = serializers.CharField(help_text="A / B / C。未評価は空")
    basis = serializers.CharField(help_text="computed（実績値から算出）/ judged（総合評価）/ 空")


class InitiativeOut(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    outline = serializers.CharField()
    revised = serializers.BooleanField()
    revision = serializers.CharField()
    section = serializers.CharField()
    result = serializers.CharField(help_text="当該年度の取組結果")
    status = serializers.CharField(help_text="翌年度の取組状況")


class SheetOut(SheetRowOut):
    vision = serializers.CharField(source="measure.vision")
    version = serializers.IntegerField(source="measure.version")
    reasons = serializers.CharField(source="evaluation.reasons", default="")
    initiatives = serializers.SerializerMethodField()

    def get_initiatives(self, obj) -> list[dict]:
        return [
            {"number": i.number, "title": i.title, "outline": i.outline, "revised": i.revised,
             "revision": i.revision, "section": i.section, "result": result, "status": status}
            for i, result, status in obj.initiatives
        ]  # fmt: skip


class YearQuery(serializers.Serializer):
    fiscal_year = serializers.IntegerField(min_value=1989, max_value=2200, required=False,
                                           help_text="年度（西暦。例：2022 は令和4年度）")  # fmt: skip


class ActualIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, max_value=2**31, help_text=VERSION_HELP)
    fiscal_year = serializers.IntegerField(min_value=1989, max_value=2200)
    value = serializers.DecimalField(
        max_digits=14, decimal_places=3, required=False, allow_null=True, default=None
    )
    text = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class EvaluationIn(serializers.Serializer):
    version = serializers.IntegerField(min_value=0, max_value=2**31, help_text=VERSION_HELP)
    fiscal_year = serializers.IntegerField(min_value=1989, max_value=2200)
    grade = serializers.ChoiceField(choices=[("", "（算出）"), *Grade.choices], required=False, default="",
                                    help_text="総合評価のときだけ。実績値から算出できる年度は算出値と同じでなければ 400")  # fmt: skip
    reasons = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class TargetOut(serializers.ModelSerializer):
    actual = serializers.SerializerMethodField()
    from_records = serializers.SerializerMethodField()
    achieved = serializers.SerializerMethodField()
    suppressed = serializers.SerializerMethodField(help_text="秘匿処理で実績と達成状況を伏せたとき true")

    class Meta:
        model = OutcomeTarget
        fields = ["id", "project", "fiscal_year", "item", "number", "unit", "comparison", "stat_key",
                  "actual_value", "note", "version", "actual", "from_records", "achieved", "suppressed"]  # fmt: skip

    def _row(self, obj):
        return self.context.get("rows", {}).get(obj.pk)

    def get_actual(self, obj) -> str | None:
        row = self._row(obj)
        return None if row is None or row.actual is None else str(row.actual)

    def get_from_records(self, obj) -> bool:
        return bool(obj.stat_key)

    def get_achieved(self, obj) -> bool | None:
        row = self._row(obj)
        return None if row is None else row.achieved

    def get_suppressed(self, obj) -> bool:
        row = self._row(obj)
        return bool(row and row.suppressed)


class TargetIn(serializers.Serializer):
    project = serializers.ChoiceField(choices=Project.choices)
    fiscal_year = serializers.IntegerField(min_value=1989, max_value=2200)
    item = serializers.CharField(max_length=300)
    number = serializers.DecimalField(max_digits=14, decimal_places=3)
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    comparison = serializers.ChoiceField(choices=Comparison.choices, default=Comparison.AT_LEAST)
    stat_key = serializers.ChoiceField(choices=[("", "（入力）"), *STAT_KEYS], required=False, default="")
    actual_value = serializers.DecimalField(max_digits=14, decimal_places=3, required=False, allow_null=True,
                                            default=None)  # fmt: skip
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TargetUpdateIn(TargetIn):
    version = serializers.IntegerField(min_value=0, max_value=2**31, help_text="編集を始めたときの版番号")
