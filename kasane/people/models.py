"""Persons (本人), households (世帯) and memberships (世帯員, with 続柄 and joined/left dates)."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .address import address_key
from .names import kana_key, name_key
from .phones import phone_key
from .readings import estimated_reading

katakana_only = RegexValidator(
    r"^[\u30A0-\u30FF\u3000 ・ー]*$",
    "フリガナはカタカナで入力してください（漢字・ひらがな・英字は使えません）。",
)


class Sex(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"
    OTHER = "other", "その他"
    UNKNOWN = "unknown", "不明"


class Person(models.Model):
    """A person consulted about. May start incomplete (「50代男性」) and be completed later."""

    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, related_name="persons")
    family_name = models.CharField("氏", max_length=50, blank=True)
    given_name = models.CharField("名", max_length=50, blank=True)
    family_kana = models.CharField("フリガナ（氏）", max_length=100, blank=True, validators=[katakana_only])
    given_kana = models.CharField("フリガナ（名）", max_length=100, blank=True, validators=[katakana_only])
    birth_date = models.DateField("生年月日", null=True, blank=True)
    description = models.CharField(
        "特徴（氏名不明のとき）", max_length=100, blank=True, help_text="例：50代男性、〇〇町の高齢女性"
    )
    sex = models.CharField("性別", max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    postal_code = models.CharField("郵便番号", max_length=8, blank=True)
    address = models.CharField("住所", max_length=200, blank=True)
    phone_home = models.CharField("電話（自宅）", max_length=20, blank=True)
    phone_mobile = models.CharField("電話（携帯）", max_length=20, blank=True)
    email = models.EmailField("メールアドレス", blank=True)
    contact_precautions = models.CharField(
        "連絡上の配慮", max_length=200, blank=True, help_text="例：自宅に電話しない、郵送物は送らない"
    )
    notes = models.TextField("備考", max_length=2000, blank=True)
    # The agency (or, when empty, the municipal office) that first recorded the person.
    registered_by_agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set when this record was merged into another (名寄せ): the record and its history are kept, lists
    # hide it, and undoing the merge clears it again.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="merged_from"
    )
    name_key = models.CharField(max_length=100, blank=True, editable=False, db_index=True)
    kana_key = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    # More 名寄せ keys (see matching.py): the reading estimated from the kanji name (a hint, for records
    # without フリガナ), both phone numbers as digits, and the address folded (address.py).
    reading_key = models.CharField(max_length=200, blank=True, editable=False)
    phone_key = models.CharField(max_length=20, blank=True, editable=False)
    mobile_key = models.CharField(max_length=20, blank=True, editable=False)
    address_key = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(
        excluded_fields=[
            "name_key", "kana_key", "reading_key", "phone_key", "mobile_key", "address_key", "merged_into"
        ]
    )  # fmt: skip

    class Meta:
        verbose_name = verbose_name_plural = "本人"
        ordering = ["kana_key", "pk"]
        indexes = [
            models.Index(fields=["municipality", "kana_key"], name="person_kana_idx"),
            models.Index(fields=["municipality", "name_key"], name="person_name_idx"),
            models.Index(fields=["municipality", "birth_date"], name="person_birth_idx"),
            models.Index(fields=["municipality", "reading_key"], name="person_reading_idx"),
            models.Index(fields=["municipality", "phone_key"], name="person_phone_idx"),
            models.Index(fields=["municipality", "mobile_key"], name="person_mobile_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.refresh_keys()
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        name = f"{self.family_name} {self.given_name}".strip()
        return name or self.description or f"氏名未登録（ID {self.pk}）"

    @property
    def kana(self) -> str:
        return f"{self.family_kana} {self.given_kana}".strip()

    def age_on(self, day) -> int | None:
        if not self.birth_date:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    def refresh_keys(self) -> None:
        # NFKC can lengthen text (㌀ → アパート): cut to the column so PostgreSQL never refuses the row.
        self.name_key = name_key(f"{self.family_name}{self.given_name}")[:100]
        self.kana_key = kana_key(f"{self.family_kana}{self.given_kana}")[:200]
        self.reading_key = (estimated_reading(self.family_name) + estimated_reading(self.given_name))[:200]
        self.phone_key = phone_key(self.phone_home)[:20]
        self.mobile_key = phone_key(self.phone_mobile)[:20]
        self.address_key = address_key(self.address)[:200]


class Household(models.Model):
    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, related_name="households")
    name = models.CharField("世帯の呼び名", max_length=100, blank=True, help_text="例：長野さん世帯")
    address = models.CharField("住所", max_length=200, blank=True)
    notes = models.TextField("備考", max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "世帯"

    def __str__(self) -> str:
        return self.name or f"世帯 {self.pk}"


class Relationship(models.TextChoices):
    HEAD = "head", "世帯主"
    SPOUSE = "spouse", "配偶者"
    CHILD = "child", "子"
    CHILD_SPOUSE = "child_spouse", "子の配偶者"
    PARENT = "parent", "父母"
    GRANDCHILD = "grandchild", "孫"
    GRANDPARENT = "grandparent", "祖父母"
    SIBLING = "sibling", "兄弟姉妹"
    OTHER_RELATIVE = "relative", "その他の親族"
    OTHER = "other", "その他"


class Membership(models.Model):
    """A person's membership of a household. Leaving sets left_on; the row is kept (history)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    relationship = models.CharField("続柄（世帯主との関係）", max_length=20, choices=Relationship.choices)
    joined_on = models.DateField("世帯に加わった日", null=True, blank=True)
    left_on = models.DateField("世帯を離れた日", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "世帯員"
        ordering = ["household", "left_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(joined_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=models.Q(left_on__isnull=True),
                name="membership_one_current_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}（{self.get_relationship_display()}）"

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class PersonMerge(models.Model):
    """One merge of two person records (名寄せ) by a coordinator or admin, with what it needs to be undone.

    `kept` survives; `merged` gets merged_into = kept. `chosen` records, per field, the value taken and the
    kept record's value before the merge; `moved` lists every row re-pointed from merged to kept as
    {"model": "app.Model", "pk": ..., "field": ...}, so that undo puts each one back.
    """

    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, related_name="+")
    kept = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="merges_kept", verbose_name="残す記録"
    )
    merged = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="merges_merged", verbose_name="統合される記録"
    )
    reason = models.CharField("統合の理由", max_length=500)
    chosen = models.JSONField(default=dict, editable=False)
    moved = models.JSONField(default=list, editable=False)
    merged_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+", editable=False)
    merged_at = models.DateTimeField(default=timezone.now, editable=False)
    undone_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    undone_at = models.DateTimeField(null=True, blank=True, editable=False)
    undo_reason = models.CharField("取り消しの理由", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "名寄せ（本人の統合）"
        ordering = ["-merged_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kept=models.F("merged")), name="person_merge_two_records"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.kept_id}"
