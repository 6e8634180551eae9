"""The practice library: the FY2018 model-project reports (seed 004) as parsed records, with every value's source line.

Public data, not a tenant's: no municipality column, nothing personal. Replaced as a whole by each import.
`OwnFigures` is the tenant's own basic figures (人口, 世帯数, 高齢化率) that the peer comparison starts from.
"""

from django.db import models

from .parser import FIGURE_KEYS, PROJECT_LABELS

PROJECT_CHOICES = [("", "事業全体"), *PROJECT_LABELS.items()]
FIGURE_LABELS = {
    "population": "人口",
    "households": "世帯数",
    "aging_rate": "高齢化率",
    "welfare_rate": "生活保護受給率",
    "area": "面積",
    "neighborhood_rate": "地縁組織加入率",
    "elementary_schools": "公立小学校数",
    "junior_high_schools": "公立中学校数",
}
assert tuple(FIGURE_LABELS) == FIGURE_KEYS


class Report(models.Model):
    """One municipality's (or prefecture's) report, in the file's order."""

    ordinal = models.PositiveSmallIntegerField("掲載順", unique=True)
    heading = models.CharField("見出し", max_length=200)
    heading_line = models.PositiveIntegerField("見出しの行")
    prefecture = models.CharField("都道府県", max_length=10, db_index=True)
    municipality = models.CharField("市区町村", max_length=100, blank=True)
    is_prefectural = models.BooleanField("都道府県の報告", default=False)
    runs_chiikiryoku = models.BooleanField(PROJECT_LABELS["chiikiryoku"], default=False)
    runs_takikan = models.BooleanField(PROJECT_LABELS["takikan"], default=False)
    runs_todofuken = models.BooleanField(PROJECT_LABELS["todofuken"], default=False)
    projects_line = models.PositiveIntegerField("実施事業の行", null=True)
    section_name = models.CharField("担当部署", max_length=200, blank=True)
    section_line = models.PositiveIntegerField("担当部署の行", null=True)
    # Copies of three figures for filtering and the peer distance (the Figure rows keep unit, raw text and line).
    population = models.BigIntegerField("人口", null=True)
    households = models.BigIntegerField("世帯数", null=True)
    aging_rate = models.DecimalField("高齢化率（%）", max_digits=6, decimal_places=3, null=True)
    coordinators = models.PositiveIntegerField("相談支援包括化推進員の配置予定人数", null=True)
    coordinators_text = models.TextField("配置予定人数（原文）", blank=True)
    coordinators_line = models.PositiveIntegerField("配置予定人数の行", null=True)
    search_text = models.TextField("検索用テキスト", blank=True, editable=False)
    source_name = models.CharField("取込元ファイル", max_length=200)

    class Meta:
        verbose_name = "実践報告"
        ordering = ["ordinal"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.is_prefectural:
            return self.prefecture + (f"（{self.municipality}）" if self.municipality else "")
        return f"{self.prefecture} {self.municipality}"

    @property
    def projects(self) -> list[str]:
        return [key for key in PROJECT_LABELS if getattr(self, f"runs_{key}")]

    @property
    def project_names(self) -> list[str]:
        return [PROJECT_LABELS[key] for key in self.projects]


class Figure(models.Model):
    """A basic figure as written: of the report (town "") or of one town of a report covering several."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="figures")
    town = models.CharField("町村", max_length=50, blank=True)
    key = models.CharField("項目", max_length=30, choices=list(FIGURE_LABELS.items()))
    value = models.DecimalField("値", max_digits=14, decimal_places=3, null=True)
    unit = models.CharField("単位（原文どおり）", max_length=10, blank=True)
    raw = models.CharField("原文", max_length=300, blank=True)
    line = models.PositiveIntegerField("行")

    class Meta:
        ordering = ["report", "town", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "town", "key"], name="practices_figure_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_key_display()} {self.raw}"


class Target(models.Model):
    """事業の成果目標 as written, per project (and part ア/イ of 地域力強化推進事業)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="targets")
    project = models.CharField("事業", max_length=20, choices=PROJECT_CHOICES)
    part = models.CharField("区分", max_length=2, blank=True)
    text = models.TextField("成果目標")
    line = models.PositiveIntegerField("行")

    class Meta:
        ordering = ["report", "line"]

    def __str__(self) -> str:
        return self.text[:40]


class Achievement(models.Model):
    """成果目標の達成状況, split by project where the report heads its parts so; project "" otherwise."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="achievements")
    project = models.CharField("事業", max_length=20, choices=PROJECT_CHOICES, blank=True)
    text = models.TextField("達成状況")
    line = models.PositiveIntegerField("行")

    class Meta:
        ordering = ["report", "line", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class Section(models.Model):
    """A report's section in its original lines, for display (「1. 自治体の基本情報等」 …)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    ordinal = models.PositiveSmallIntegerField("順")
    title = models.CharField("見出し", max_length=100)
    line = models.PositiveIntegerField("開始行")
    text = models.TextField("原文")

    class Meta:
        ordering = ["report", "ordinal"]

    def __str__(self) -> str:
        return self.title


class OwnFigures(models.Model):
    """The tenant's own basic figures for the peer comparison (entered by the office; no personal data)."""

    municipality = models.OneToOneField("core.Municipality", on_delete=models.CASCADE, verbose_name="自治体")
    population = models.PositiveIntegerField("人口")
    households = models.PositiveIntegerField("世帯数")
    aging_rate = models.DecimalField("高齢化率（%）", max_digits=5, decimal_places=2)
    as_of = models.CharField("時点", max_length=50, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "自治体の基本情報"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(aging_rate__gte=0, aging_rate__lte=100), name="practices_own_aging_rate"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.population}人"
