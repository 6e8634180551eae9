"""Consultations (相談受付), the problems and patterns they record, consent to share (本人同意), referrals."""

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Route(models.TextChoices):
    VISIT = "visit", "来所"
    PHONE = "phone", "電話"
    HOME_VISIT = "home_visit", "訪問"
    EMAIL = "email", "メール"
    ONLINE = "online", "オンライン"


class Consulter(models.TextChoices):
    SELF = "self", "本人"
    FAMILY = "family", "家族"
    MINSEI = "minsei", "民生委員"
    NEIGHBOR = "neighbor", "近隣住民"
    AGENCY = "agency", "関係機関"
    WATCH = "watch", "見守り協定事業者"
    OTHER = "other", "その他"


class Urgency(models.TextChoices):
    NORMAL = "normal", "通常"
    URGENT = "urgent", "至急"
    EMERGENCY = "emergency", "緊急"


class Response(models.TextChoices):
    INFORMATION = "information", "情報提供"
    ADVICE = "advice", "助言"
    REFERRAL = "referral", "つなぎ"
    CONTINUING = "continuing", "継続支援"
    COLLABORATION = "collaboration", "多機関協働へ"


class Problem(models.TextChoices):
    """The problem checklist of the national 相談受付・申込票 (the most pressing one is marked ◎)."""

    HEALTH = "health", "病気や健康・障害"
    HOUSING = "housing", "住まい"
    INCOME = "income", "収入・生活費"
    RENT_LOAN = "rent_loan", "家賃やローン"
    TAX_UTILITIES = "tax_utilities", "税金や公共料金"
    DEBT = "debt", "債務"
    JOB_SEARCH = "job_search", "仕事探し・就職"
    WORK_TROUBLE = "work_trouble", "仕事上の不安やトラブル"
    COMMUNITY = "community", "地域との関係"
    FAMILY = "family", "家族との関係"
    CHILDCARE = "childcare", "子育て"
    CARE = "care", "介護"
    WITHDRAWAL = "withdrawal", "ひきこもり・不登校"
    ABUSE = "abuse", "DV・虐待"
    FOOD = "food", "食べるものがない"
    OTHER = "other", "その他"


DEFAULT_PATTERNS = [
    "8050",
    "ダブルケア",
    "ヤングケアラー",
    "ひきこもり",
    "セルフネグレクト",
    "ごみ屋敷",
    "支援拒否",
]


class Pattern(models.Model):
    """A pattern of compound problems (8050, ダブルケア …); the list is per municipality."""

    municipality = models.ForeignKey("core.Municipality", on_delete=models.CASCADE, related_name="patterns")
    name = models.CharField("パターン", max_length=50)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "課題のパターン"
        ordering = ["sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="pattern_unique_name")]

    def __str__(self) -> str:
        return self.name


class Consultation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "対応中"
        CLOSED = "closed", "対応終了"

    municipality = models.ForeignKey(
        "core.Municipality", on_delete=models.PROTECT, related_name="consultations"
    )
    # The counter that recorded it; empty = the municipal office.
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="consultations"
    )
    staff = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name="受付者",
    )
    # Imported records may name a receiver who has no account.
    staff_name = models.CharField("受付者名", max_length=100, blank=True)
    received_on = models.DateField("受付日", db_index=True)
    route = models.CharField("相談経路", max_length=20, choices=Route.choices)
    consulter = models.CharField("相談者", max_length=20, choices=Consulter.choices)
    consulter_relationship = models.CharField("相談者の続柄", max_length=30, blank=True)
    consulter_name = models.CharField("相談者の氏名", max_length=100, blank=True)
    consulter_phone = models.CharField("相談者の電話", max_length=20, blank=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="consultations")
    household = models.ForeignKey(
        "people.Household", on_delete=models.PROTECT, null=True, blank=True, related_name="consultations"
    )
    main_problem = models.CharField(
        "最も困っていること（◎）", max_length=20, choices=Problem.choices, blank=True
    )
    other_problem = models.CharField("その他の内容", max_length=200, blank=True)
    patterns = models.ManyToManyField(
        Pattern, blank=True, related_name="consultations", verbose_name="パターン"
    )
    urgency = models.CharField("緊急度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    narrative = models.TextField("相談内容", max_length=10000, blank=True)
    response = models.CharField("対応", max_length=20, choices=Response.choices)
    first_consultation = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="follow_ups",
        verbose_name="初回の相談",
    )  # fmt: skip
    status = models.CharField("状況", max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(m2m_fields=[patterns])

    class Meta:
        verbose_name = verbose_name_plural = "相談"
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["municipality", "agency", "received_on"], name="consultation_agency_idx"),
            # The list page sorts by 受付日; with the policy's OR no other index both filters and sorts.
            models.Index(fields=["municipality", "received_on"], name="consultation_received_idx"),
            models.Index(fields=["person", "received_on"], name="consultation_person_idx"),
            # The yearly statistics (evaluation.statistics) read only these columns: an index-only scan.
            models.Index(
                fields=["municipality", "received_on", "agency", "route", "consulter", "first_consultation"],
                include=["id"],
                name="consultation_stats_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.received_on} {self.person}"

    @property
    def is_follow_up(self) -> bool:
        return self.first_consultation_id is not None


class ConsultationProblem(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="problem_rows")
    problem = models.CharField("課題", max_length=20, choices=Problem.choices)
    # Copies of the consultation's columns that the yearly statistics filter on (evaluation.statistics counts
    # problems per month from `consultationproblem_stats_idx` alone, without joining the consultations). Set
    # by `copied_from`; kept in sync by intake.services (the one writer of consultations and their problems).
    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, related_name="+",
                                     db_index=False)  # fmt: skip
    received_on = models.DateField("受付日")
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", db_index=False)  # fmt: skip
    follow_up = models.BooleanField("継続相談", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "相談の課題"
        constraints = [
            models.UniqueConstraint(fields=["consultation", "problem"], name="consultationproblem_unique")
        ]
        indexes = [
            models.Index(fields=["problem", "consultation"], name="consultationproblem_idx"),
            # First consultations' problems of a 年度 are one range, in (day, problem) order: the statistics
            # group them without a sort and read nothing else.
            models.Index(
                fields=["municipality", "follow_up", "received_on", "problem", "agency"],
                name="consultationproblem_stats_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.get_problem_display()

    @staticmethod
    def copied_from(consultation: Consultation) -> dict:
        """The consultation's columns that its problem rows carry (see above)."""
        return {
            "municipality_id": consultation.municipality_id,
            "received_on": consultation.received_on,
            "agency_id": consultation.agency_id,
            "follow_up": consultation.first_consultation_id is not None,
        }


# --- tallies: counts kept by the database ------------------------------------------------------------------
#
# The yearly statistics (evaluation.statistics) read consultations and problems as monthly counts. The counts
# are kept by database triggers (migration intake/0005, `tally_sql.py`) on every INSERT, UPDATE and DELETE of
# the counted table, whatever issues it (services, imports, bulk_create, queryset.update, raw SQL, cascades):
# nobody writes them, and a row's count is always the number of records with its key. A counter with no
# consultations left keeps its row at n = 0. `python manage.py check_tallies` recounts and compares.


class Tally(models.Model):
    """The columns every tally has: its key's municipality, month (the first day), counter and follow-up flag,
    and the count."""

    municipality = models.ForeignKey("core.Municipality", on_delete=models.CASCADE, related_name="+",
                                     db_index=False)  # fmt: skip
    month = models.DateField("月")
    agency_key = models.BigIntegerField("相談機関")  # the agency's id; 0 for the municipal office
    follow_up = models.BooleanField("継続相談")
    n = models.IntegerField("件数")

    class Meta:
        abstract = True


class ConsultationTally(Tally):
    """Consultations per municipality, month, counter, route, consulter and follow-up flag."""

    route = models.CharField("相談経路", max_length=20)
    consulter = models.CharField("相談者", max_length=20)

    class Meta:
        verbose_name = verbose_name_plural = "相談の月別件数"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "month", "agency_key", "route", "consulter", "follow_up"],
                name="consultationtally_key",
            )
        ]
        # The statistics read a 年度 of a municipality from this index alone (an index-only scan). Not an
        # INCLUDE on the unique key: Django leaves a UniqueConstraint with `include` out on SQLite.
        indexes = [
            models.Index(
                fields=["municipality", "month", "agency_key", "route", "consulter", "follow_up", "n"],
                name="consultationtally_read",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_key} {self.route} {self.consulter} {self.n}"


class ProblemTally(Tally):
    """Problem rows per municipality, month, counter, problem and follow-up flag (from the rows' copies)."""

    problem = models.CharField("課題", max_length=20)

    class Meta:
        verbose_name = verbose_name_plural = "課題の月別件数"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "month", "agency_key", "problem", "follow_up"],
                name="problemtally_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["municipality", "month", "follow_up", "problem", "agency_key", "n"],
                name="problemtally_read",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.agency_key} {self.problem} {self.n}"


class Consent(models.Model):
    """The person's consent to share information with the agencies needed for support (本人同意)."""

    class Method(models.TextChoices):
        WRITTEN = "written", "書面（署名）"
        ORAL = "oral", "口頭"
        ELECTRONIC = "electronic", "電子"

    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, related_name="consents")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="consents")
    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, null=True, blank=True, related_name="consents"
    )
    obtained_on = models.DateField("同意日")
    method = models.CharField("同意の方法", max_length=20, choices=Method.choices)
    obtained_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name="確認者"
    )
    obtained_by_agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agencies = models.ManyToManyField(
        "directory.Agency", blank=True, related_name="consents", verbose_name="共有してよい機関"
    )
    covers_municipal_office = models.BooleanField("市町村（所管課）との共有", default=True)
    share_basic = models.BooleanField("基本情報（氏名・生年月日・連絡先）", default=True)
    share_consultation = models.BooleanField("相談内容", default=False)
    share_household = models.BooleanField("世帯の状況", default=False)
    told_about_rules = models.BooleanField("個人情報の取扱いを説明した", default=True)
    withdrawn_on = models.DateField("撤回日", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_note = models.CharField("撤回の内容", max_length=200, blank=True)
    history = HistoricalRecords(m2m_fields=[agencies])

    class Meta:
        verbose_name = verbose_name_plural = "本人同意"
        ordering = ["-obtained_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person} の同意（{self.obtained_on}）"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None

    def covers(self, agency_id: int | None, information: str = "basic") -> bool:
        """Does this consent let the agency (None = municipal office) see this kind of information?"""
        if not self.is_active or not getattr(self, f"share_{information}"):
            return False
        if agency_id is None:
            return self.covers_municipal_office
        return agency_id == self.obtained_by_agency_id or self.agencies.filter(pk=agency_id).exists()


class LegalBasis(models.TextChoices):
    """Grounds other than consent on which a referral may carry personal information (closed list)."""

    CONSENT = "consent", "本人同意"
    CHILD_ABUSE = "child_abuse", "児童虐待の通告（児童虐待防止法第6条）"
    ELDER_ABUSE = "elder_abuse", "高齢者虐待の通報（高齢者虐待防止法第7条）"
    DISABLED_ABUSE = "disabled_abuse", "障害者虐待の通報（障害者虐待防止法第7条）"
    DV = "dv", "配偶者暴力の通報（DV防止法第6条）"
    LIFE = "life", "生命・身体・財産の保護のため緊急に必要（本人の同意を得ることが困難）"


class Referral(models.Model):
    """つなぐシート: a consultation handed to another agency, which accepts it or returns it with a reason."""

    class Status(models.TextChoices):
        SENT = "sent", "応答待ち"
        ACCEPTED_TAKEOVER = "accepted_takeover", "受理（引継ぎ）"
        ACCEPTED_JOINT = "accepted_joint", "受理（共同で支援）"
        RETURNED = "returned", "差し戻し"
        CANCELLED = "cancelled", "取り消し"

    municipality = models.ForeignKey("core.Municipality", on_delete=models.PROTECT, related_name="referrals")
    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="referrals")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    from_agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals_sent"
    )
    from_staff = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="referrals_sent")
    to_agency = models.ForeignKey(
        "directory.Agency",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        verbose_name="つなぎ先",
    )
    reason = models.TextField("つなぐ理由", max_length=2000)
    wants_to_talk = models.TextField("本人が相談したいこと", max_length=2000, blank=True)
    accommodation = models.CharField("希望する配慮", max_length=300, blank=True)
    household_summary = models.TextField("世帯の状況", max_length=2000, blank=True)
    legal_basis = models.CharField("情報提供の根拠", max_length=20, choices=LegalBasis.choices)
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    offline = models.BooleanField(
        "つなぎ先がシステムを使っていない（PDFで送付）", default=False,
        help_text="受理・差し戻しは送った側が記録します。",
    )  # fmt: skip
    status = models.CharField(
        "状況", max_length=20, choices=Status.choices, default=Status.SENT, db_index=True
    )
    sent_at = models.DateTimeField("送付日時", default=timezone.now)
    responded_at = models.DateTimeField("応答日時", null=True, blank=True)
    responded_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = models.CharField("差し戻しの理由", max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "つなぐシート"
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["to_agency", "status"], name="referral_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.person} → {self.to_agency}"
