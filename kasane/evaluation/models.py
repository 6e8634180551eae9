"""Progress sheets (進捗管理シート) of a plan and outcome targets (成果目標): no personal data, only figures and texts.

A plan (e.g. 第四次長野市地域福祉計画) has 基本目標 (Goal), each with 施策 (Measure, one progress sheet each).
A measure has at most one indicator (指標) with its baseline, yearly actuals and target, two or more
initiatives (取組) with their yearly progress texts, and one evaluation per 年度. The grade of a year whose
actual can be computed is computed (progress.py); otherwise it is the staff's judgement (総合評価).
"""

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from .stat_keys import STAT_KEYS

VALUE = {"max_digits": 14, "decimal_places": 3}


class Direction(models.TextChoices):
    UP = "up", "増加をめざす"
    DOWN = "down", "減少をめざす"


class Grade(models.TextChoices):
    A = "A", "A（計画を上回る進捗）"
    B = "B", "B（計画どおりの進捗）"
    C = "C", "C（計画を下回る進捗）"


class Basis(models.TextChoices):
    COMPUTED = "computed", "実績値から算出"
    JUDGED = "judged", "総合評価（職員の判断）"


class Plan(models.Model):
    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, verbose_name="自治体")
    name = models.CharField("計画名", max_length=200)
    period_from = models.PositiveSmallIntegerField("計画期間（開始年度）")
    period_to = models.PositiveSmallIntegerField("計画期間（終了年度）")
    section = models.CharField("所管課", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "計画"
        ordering = ["-period_from", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="evaluation_plan_name_unique"),
            models.CheckConstraint(
                condition=Q(period_from__lte=F("period_to")), name="evaluation_plan_period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def years(self) -> range:
        return range(self.period_from, self.period_to + 1)


class Goal(models.Model):
    """基本目標."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    number = models.PositiveSmallIntegerField("番号")
    title = models.CharField("基本目標", max_length=300)

    class Meta:
        verbose_name = "基本目標"
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="evaluation_goal_unique")]

    def __str__(self) -> str:
        return f"基本目標{self.number} {self.title}"


class Measure(models.Model):
    """施策: one progress sheet (シートNo)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="measures")
    sheet_no = models.PositiveSmallIntegerField("シートNo")
    number = models.CharField("施策番号", max_length=10)
    title = models.CharField("施策", max_length=300)
    vision = models.TextField("目指す姿・状態", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "施策（進捗管理シート）"
        ordering = ["plan", "sheet_no"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "sheet_no"], name="evaluation_measure_sheet_unique"),
            models.UniqueConstraint(fields=["plan", "number"], name="evaluation_measure_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Indicator(models.Model):
    """評価指標. Non-numeric indicators (e.g. 「重層的支援体制整備事業の実施」) keep their values as text."""

    measure = models.OneToOneField(Measure, on_delete=models.CASCADE, related_name="indicator")
    name = models.CharField("指標", max_length=300)
    unit = models.CharField("単位", max_length=20, blank=True)
    direction = models.CharField("方向", max_length=4, choices=Direction.choices, default=Direction.UP)
    numeric = models.BooleanField("数値の指標", default=True)
    decimals = models.PositiveSmallIntegerField("表示する小数の桁数", default=0)
    source = models.CharField("出典", max_length=100, blank=True, help_text="例：まちづくりアンケート")
    survey_years = models.JSONField("調査を行う年度", default=list, blank=True)
    baseline_year = models.PositiveSmallIntegerField("基準値の年度")
    baseline_value = models.DecimalField("基準値", null=True, blank=True, **VALUE)
    baseline_text = models.CharField("基準値（数値でない場合）", max_length=200, blank=True)
    target_year = models.PositiveSmallIntegerField("目標値の年度")
    target_value = models.DecimalField("目標値", null=True, blank=True, **VALUE)
    target_text = models.CharField("目標値（数値でない場合）", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "評価指標"
        constraints = [
            models.CheckConstraint(
                condition=Q(numeric=False) | Q(baseline_value__isnull=False, target_value__isnull=False),
                name="evaluation_indicator_numeric_values",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Actual(models.Model):
    """実績値 of one 年度: a value, or a text (a non-numeric state, or why there is none: 「アンケート実施予定」)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="actuals")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("実績値", null=True, blank=True, **VALUE)
    text = models.CharField("実績（文章）", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "実績値"
        ordering = ["indicator", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "fiscal_year"], name="evaluation_actual_unique")
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.value if self.value is not None else self.text}"


class Initiative(models.Model):
    """具体的な取組."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="initiatives")
    number = models.PositiveSmallIntegerField("取組番号")
    title = models.CharField("取組", max_length=300)
    outline = models.TextField("概要", blank=True)
    revised = models.BooleanField("取組見直しの有無", default=False)
    revision = models.TextField("見直しの内容", blank=True)
    section = models.CharField("主務課", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "取組"
        ordering = ["measure", "number"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "number"], name="evaluation_initiative_unique"),
            models.CheckConstraint(
                condition=Q(revised=True) | Q(revision=""),
                name="evaluation_initiative_revision_only_if_revised",
            ),
        ]

    def __str__(self) -> str:
        return f"取組{self.number} {self.title}"


class InitiativeProgress(models.Model):
    """What an initiative did in a 年度 (the sheet of year Y shows Y's result and Y+1's status)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="progress")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    text = models.TextField("取組結果・状況")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "取組の進捗状況"
        ordering = ["initiative", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "fiscal_year"], name="evaluation_progress_unique")
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.initiative}"


class Evaluation(models.Model):
    """評価 of a 施策 for one 年度. `basis` says whether the grade was computed from the actual or judged."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="evaluations")
    fiscal_year = models.PositiveSmallIntegerField("年度")
    grade = models.CharField("評価", max_length=1, choices=Grade.choices, blank=True)
    basis = models.CharField("評価の方法", max_length=10, choices=Basis.choices, default=Basis.JUDGED)
    reasons = models.TextField("評価の理由等", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "評価"
        ordering = ["measure", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "fiscal_year"], name="evaluation_evaluation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year}年度 {self.grade or '未評価'}"


class Project(models.TextChoices):
    ITEM_1 = "item1", "第1号 包括的相談支援事業"
    ITEM_2 = "item2", "第2号 参加支援事業"
    ITEM_3 = "item3", "第3号 地域づくり事業"
    ITEM_4 = "item4", "第4号 アウトリーチ等を通じた継続的支援事業"
    ITEM_5 = "item5", "第5号 多機関協働事業"
    ITEM_6 = "item6", "第6号 支援プランの作成"
    COMMUNITY = "community", "地域づくり（その他）"


class Comparison(models.TextChoices):
    AT_LEAST = "gte", "以上"
    AT_MOST = "lte", "以下"


class OutcomeTarget(models.Model):
    """成果目標: e.g. 「活動参加の場への利用につながった人数 3人以上」 for 第2号 in a 年度."""

    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, verbose_name="自治体")
    project = models.CharField("事業", max_length=10, choices=Project.choices)
    fiscal_year = models.PositiveSmallIntegerField("年度")
    item = models.CharField("目標の項目", max_length=300)
    number = models.DecimalField("目標の数値", **VALUE)
    unit = models.CharField("単位", max_length=20, blank=True)
    comparison = models.CharField(
        "比較", max_length=3, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    stat_key = models.CharField(
        "統計の項目", max_length=40, choices=STAT_KEYS, blank=True, help_text="記録から集計する場合に選びます"
    )
    actual_value = models.DecimalField("実績（入力）", null=True, blank=True, **VALUE)
    note = models.TextField("備考", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "成果目標"
        ordering = ["fiscal_year", "project", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stat_key="") | Q(actual_value__isnull=True),
                name="evaluation_target_stat_or_entered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.number}{self.unit}{self.get_comparison_display()}"
