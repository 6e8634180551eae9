"""Agencies (支援関係機関) of a municipality and the themes (相談種別) they handle."""

from django.db import models
from simple_history.models import HistoricalRecords

from kasane.core.text import normalize_for_search


class Field(models.TextChoices):
    ELDERLY = "elderly", "高齢"
    DISABILITY = "disability", "障害"
    CHILDREN = "children", "子ども・子育て"
    POVERTY = "poverty", "生活困窮"
    OTHER = "other", "その他"


class LegalItem(models.TextChoices):
    """法第106条の4第2項 の号・目 that an agency's project falls under."""

    NONE = "", "該当なし"
    ITEM_1I = "1i", "第1号イ（地域包括支援センター）"
    ITEM_1RO = "1ro", "第1号ロ（障害者相談支援）"
    ITEM_1HA = "1ha", "第1号ハ（利用者支援）"
    ITEM_1NI = "1ni", "第1号ニ（自立相談支援）"
    ITEM_2 = "2", "第2号（参加支援）"
    ITEM_3I = "3i", "第3号イ（地域介護予防活動支援）"
    ITEM_3RO = "3ro", "第3号ロ（生活支援体制整備）"
    ITEM_3HA = "3ha", "第3号ハ（地域活動支援センター）"
    ITEM_3NI = "3ni", "第3号ニ（地域子育て支援拠点）"
    ITEM_3KON = "3kon", "第3号（生活困窮者支援等のための地域づくり）"
    ITEM_4 = "4", "第4号（アウトリーチ等を通じた継続的支援）"
    ITEM_5 = "5", "第5号（多機関協働）"


class Operation(models.TextChoices):
    DIRECT = "direct", "直営"
    CONTRACTED = "contracted", "委託"


class Theme(models.Model):
    """A theme of consultation (困りごと) an agency handles; the list is per municipality."""

    municipality = models.ForeignKey("core.Municipality", on_delete=models.CASCADE, related_name="themes")
    name = models.CharField("テーマ", max_length=50)
    reading = models.CharField(
        "よみ（ひらがな）", max_length=100, blank=True, help_text="検索用。例：住まい → すまい じゅうきょ"
    )
    sort_order = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "相談テーマ"
        ordering = ["sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="theme_unique_name")]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField("機関名（窓口）", max_length=150)
    field = models.CharField("分野", max_length=20, choices=Field.choices, default=Field.OTHER)
    legal_item = models.CharField(
        "法第106条の4第2項の事業", max_length=5, choices=LegalItem.choices, blank=True, default=""
    )
    operation = models.CharField(
        "運営形態", max_length=20, choices=Operation.choices, default=Operation.DIRECT
    )
    contractor = models.CharField("委託先", max_length=200, blank=True)
    section = models.CharField("所管課", max_length=100, blank=True)
    site_count = models.PositiveIntegerField("設置数", default=1)
    catchment = models.CharField("圏域", max_length=100, blank=True)
    address = models.CharField("所在地", max_length=200, blank=True)
    phone = models.CharField("電話番号", max_length=30, blank=True)
    hours = models.CharField("受付時間", max_length=100, blank=True)
    description = models.TextField("窓口の内容", max_length=2000, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="agencies", verbose_name="対応するテーマ")
    is_active = models.BooleanField("有効", default=True)
    search_text = models.TextField(editable=False, blank=True, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"], m2m_fields=[themes])

    class Meta:
        verbose_name = verbose_name_plural = "相談機関"
        ordering = ["field", "legal_item", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="agency_unique_name"),
            models.CheckConstraint(
                condition=models.Q(site_count__gte=1, site_count__lte=9999), name="agency_site_count_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def refresh_search_text(self) -> None:
        """The normalised text that free-text search matches (call after themes change)."""
        parts = [
            self.name,
            self.get_field_display(),
            self.get_legal_item_display() if self.legal_item else "",
            self.contractor,
            self.section,
            self.catchment,
            self.address,
            self.description,
        ]
        if self.pk:
            parts += [f"{t.name} {t.reading}" for t in self.themes.all()]
        self.search_text = normalize_for_search(" ".join(parts))
