"""Input and output serializers of the 多機関協働 API: cases, assessments, plans, decisions and meetings."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kasane.cases.assessment_items import AREAS
from kasane.cases.lifecycle import STATE_LABELS
from kasane.cases.models import (
    REASON_FIELDS,
    Assessment,
    AssessmentEntry,
    CollaborationCase,
    Decision,
    Monitoring,
    PlanSupport,
    SupportKind,
    SupportPlan,
    TeamMember,
)
from kasane.cases.services import USER_ACTIONS
from kasane.core.validators import MAX_DB_ID
from kasane.meetings.models import (
    AgendaItem,
    Attachment,
    EmergencyReason,
    ItemKind,
    Kind,
    Meeting,
    Outcome,
    Participant,
    Timing,
)

from .serializers import date_in_range

# "several_fields" → reason_several_fields … (the reasons for 多機関協働, DOMAIN §4 step 3)
REASONS = {f.removeprefix("reason_"): f for f in REASON_FIELDS}
REASON_CHOICES = [
    (code, str(CollaborationCase._meta.get_field(field).verbose_name)) for code, field in REASONS.items()
]
STATE_CHOICES = [(s.value, label) for s, label in STATE_LABELS.items()]


def _id(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_DB_ID, **kwargs)


def _ids(max_length=50):
    return serializers.ListField(child=_id(), default=list, max_length=max_length)


def _text(max_length, **kwargs):
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", **kwargs
    )


def _date(**kwargs):
    return serializers.DateField(validators=[date_in_range], **kwargs)


def _holder(agency) -> str:
    return agency.name if agency is not None else "市町村（所管課）"


# --- cases ---------------------------------------------------------------------------------------------------


class CaseListOut(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    person_name = serializers.CharField(source="person.display_name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    route = serializers.CharField(read_only=True, help_text="plan: 重層的支援会議 / confidential: 支援会議")
    route_label = serializers.CharField(source="get_route_display", read_only=True)
    lead_agency_name = serializers.SerializerMethodField()

    class Meta:
        model = CollaborationCase
        fields = ["id", "number", "title", "person", "person_name", "state", "state_label", "route",
                  "route_label", "lead_agency", "lead_agency_name", "opened_on", "archived", "version"]  # fmt: skip

    def get_lead_agency_name(self, obj) -> str:
        return _holder(obj.lead_agency)


class ConsentSummaryOut(serializers.Serializer):
    id = serializers.IntegerField()
    obtained_on = serializers.DateField()
    method = serializers.CharField()
    covers_municipal_office = serializers.BooleanField()
    share_basic = serializers.BooleanField()
    share_consultation = serializers.BooleanField()
    share_household = serializers.BooleanField()
    withdrawn_on = serializers.DateField(allow_null=True)
    agencies = serializers.SerializerMethodField()

    def get_agencies(self, obj) -> list[str]:
        return [a.name for a in obj.agencies.all()]


class TeamMemberOut(serializers.ModelSerializer):
    agency_name = serializers.SerializerMethodField()
    staff_name = serializers.SerializerMethodField()

    class Meta:
        model = TeamMember
        fields = ["id", "agency", "agency_name", "staff", "staff_name", "role", "joined_on", "left_on"]

    def get_agency_name(self, obj) -> str:
        return _holder(obj.agency)

    def get_staff_name(self, obj) -> str:
        return obj.staff.full_name if obj.staff_id else ""


class NextActionOut(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()


class NextStepOut(serializers.Serializer):
    text = serializers.CharField()
    needs_decision = serializers.BooleanField()
    actions = serializers.SerializerMethodField()

    def get_actions(self, obj) -> list[dict]:
        return [{"action": a, "label": label} for a, label in obj.actions]


class CaseOut(CaseListOut):
    reasons = serializers.SerializerMethodField()
    consent = serializers.SerializerMethodField()
    opened_by_name = serializers.SerializerMethodField()
    team = serializers.SerializerMethodField()
    current_plan_number = serializers.SerializerMethodField()
    next_step = serializers.SerializerMethodField()

    class Meta(CaseListOut.Meta):
        fields = [*CaseListOut.Meta.fields, "household", "consultation", "referral", "reasons", "summary",
                  "consent", "opened_by_name", "team", "current_plan_number", "next_step", "last_contact_on",
                  "closing_evaluation", "follow_up", "suspension_reason"]  # fmt: skip

    def get_reasons(self, obj) -> list[str]:
        return [code for code, field in REASONS.items() if getattr(obj, field)]

    @extend_schema_field(ConsentSummaryOut(allow_null=True))
    def get_consent(self, obj):
        return ConsentSummaryOut(obj.consent).data if obj.consent_id else None

    def get_opened_by_name(self, obj) -> str:
        return obj.opened_by.full_name

    @extend_schema_field(TeamMemberOut(many=True))
    def get_team(self, obj):
        return TeamMemberOut(obj.team.select_related("agency", "staff"), many=True).data

    def get_current_plan_number(self, obj) -> int | None:
        return obj.plans.order_by("-number").values_list("number", flat=True).first()

    @extend_schema_field(NextStepOut)
    def get_next_step(self, obj):
        return NextStepOut(self.context["next_step"]).data


class CaseQuery(serializers.Serializer):
    state = serializers.ChoiceField(choices=STATE_CHOICES, required=False)
    include_archived = serializers.BooleanField(required=False, default=False)


class CaseIn(serializers.Serializer):
    person = _id(help_text="本人のID（閲覧できる方のみ）")
    household = _id(required=False, allow_null=True, default=None)
    consultation = _id(required=False, allow_null=True, default=None, help_text="きっかけの相談")
    referral = _id(required=False, allow_null=True, default=None, help_text="きっかけのつなぐシート")
    meeting_body = _id(required=False, allow_null=True, default=None, help_text="関連する既存の会議体")
    title = serializers.CharField(max_length=100)
    reasons = serializers.ListField(
        child=serializers.ChoiceField(choices=REASON_CHOICES),
        min_length=1,
        max_length=len(REASON_CHOICES),
        help_text="多機関協働とする理由",
    )
    summary = _text(4000)
    opened_on = _date(required=False, allow_null=True, default=None)


class TransitionIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(USER_ACTIONS.items()))
    version = serializers.IntegerField(min_value=0, max_value=MAX_DB_ID, help_text="事例を開いたときの版番号")
    note = _text(500)
    closing_evaluation = _text(4000)
    follow_up = _text(2000)
    suspension_reason = _text(2000)


# --- assessments ---------------------------------------------------------------------------------------------


class AreaIn(serializers.Serializer):
    items = serializers.ListField(child=serializers.CharField(max_length=50), default=list, max_length=50)
    note = _text(2000)


class EntryIn(serializers.Serializer):
    person = _id()
    relationship = _text(30)
    areas = serializers.DictField(
        child=AreaIn(), default=dict, help_text="{分野コード: {items: [...], note}}"
    )
    strengths = _text(2000)
    wishes = _text(2000)
    risks = _text(2000)
    agency_ids = _ids(100)
    agencies_note = _text(300)

    def validate_areas(self, value):
        errors = []
        for code, area in value.items():
            if code not in AREAS:
                errors.append(f"分野「{code[:50]}」はありません。")
                continue
            unknown = [i for i in area["items"] if i not in AREAS[code][1]]
            if unknown:
                errors.append(f"分野「{AREAS[code][0]}」に項目「{unknown[0][:50]}」はありません。")
        if errors:
            raise serializers.ValidationError(errors)
        return value


class AssessmentIn(serializers.Serializer):
    assessed_on = _date()
    household_issues = _text(4000)
    entries = serializers.ListField(child=EntryIn(), min_length=1, max_length=30)


class AreaOut(serializers.Serializer):
    items = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()


class EntryOut(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.display_name", read_only=True)
    areas = serializers.DictField(child=AreaOut(), read_only=True)
    agency_ids = serializers.SerializerMethodField()

    class Meta:
        model = AssessmentEntry
        fields = ["id", "person", "person_name", "relationship", "areas", "strengths", "wishes", "risks",
                  "agency_ids", "agencies_note"]  # fmt: skip

    def get_agency_ids(self, obj) -> list[int]:
        return [a.pk for a in obj.agencies_involved.all()]


class AssessmentListOut(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.full_name", read_only=True)

    class Meta:
        model = Assessment
        fields = ["id", "case", "number", "assessed_on", "author_name", "household_issues", "created_at"]

    def to_representation(self, obj):
        from kasane.core import policy

        data = super().to_representation(obj)
        if not policy.can_see_household_details(self.context["user"], obj.case.person):
            data["household_issues"] = None  # the consent does not share the household
        return data


class AssessmentOut(AssessmentListOut):
    entries = serializers.SerializerMethodField()

    class Meta(AssessmentListOut.Meta):
        fields = [*AssessmentListOut.Meta.fields, "entries"]

    @extend_schema_field(EntryOut(many=True))
    def get_entries(self, obj):
        from kasane.cases.selectors import assessment_view

        rows, _household = assessment_view(user=self.context["user"], assessment=obj)
        return EntryOut(rows, many=True).data


# --- plans ---------------------------------------------------------------------------------------------------


class SupportIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SupportKind.choices, default=SupportKind.OTHER)
    agency = _id(required=False, allow_null=True, default=None, help_text="担当機関（空は市町村）")
    staff = _id(required=False, allow_null=True, default=None, help_text="担当職員")
    content = serializers.CharField(max_length=500)
    frequency = _text(100)
    starts_on = _date(required=False, allow_null=True, default=None)
    ends_on = _date(required=False, allow_null=True, default=None)


class PlanIn(serializers.Serializer):
    goals = serializers.CharField(max_length=4000, help_text="本人の目標")
    policy = serializers.CharField(max_length=4000, help_text="支援方針")
    made_on = _date(required=False, allow_null=True, default=None, help_text="作成日（省略時は今日）")
    supports = serializers.ListField(child=SupportIn(), min_length=1, max_length=50, help_text="役割分担")
    monitoring_dates = serializers.ListField(child=_date(), default=list, max_length=24)
    change_reason = _text(4000, help_text="再プランの理由（第2版以降は必須）")
    evaluation = _text(4000)


class PlanUpdateIn(PlanIn):
    version = serializers.IntegerField(min_value=0, max_value=MAX_DB_ID, help_text="編集を始めたときの版番号")


class SupportOut(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="other / outreach / participation")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    agency_name = serializers.SerializerMethodField()

    class Meta:
        model = PlanSupport
        fields = ["id", "kind", "kind_label", "agency", "agency_name", "staff", "content", "frequency",
                  "starts_on", "ends_on"]  # fmt: skip

    def get_agency_name(self, obj) -> str:
        return _holder(obj.agency)


class MonitoringOut(serializers.ModelSerializer):
    class Meta:
        model = Monitoring
        fields = ["id", "due_on", "done_on", "note"]


class PlanOut(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.full_name", read_only=True)
    supports = serializers.SerializerMethodField()
    monitorings = MonitoringOut(many=True, read_only=True)
    needs_decision = serializers.SerializerMethodField()
    editable = serializers.SerializerMethodField()
    not_editable_reason = serializers.SerializerMethodField()

    class Meta:
        model = SupportPlan
        fields = ["id", "case", "number", "made_on", "author_name", "goals", "policy", "change_reason",
                  "evaluation", "supports", "monitorings", "needs_decision", "editable", "not_editable_reason",
                  "version"]  # fmt: skip

    @extend_schema_field(SupportOut(many=True))
    def get_supports(self, obj):
        return SupportOut(obj.supports.select_related("agency"), many=True).data

    def get_needs_decision(self, obj) -> bool:
        """アウトリーチ・参加支援を含む: 市町村の支援決定で確定する"""
        return obj.has_outreach or obj.has_participation

    def _editable(self, obj):
        from kasane.cases.services import plan_is_editable

        cache = self.context.setdefault("_editable", {})
        if obj.pk not in cache:
            cache[obj.pk] = plan_is_editable(obj)
        return cache[obj.pk]

    def get_editable(self, obj) -> bool:
        return self._editable(obj)[0]

    def get_not_editable_reason(self, obj) -> str:
        return self._editable(obj)[1]


class DecisionIn(serializers.Serializer):
    plan = _id(required=False, allow_null=True, default=None, help_text="対象のプラン（省略時は最新の版）")
    decided_on = _date(required=False, allow_null=True, default=None, help_text="決定日（省略時は今日）")
    approved = serializers.BooleanField(default=True, help_text="支援を決定する")
    reviewed_other_supports = serializers.BooleanField(default=False)
    note = _text(2000)


class DecisionOut(serializers.ModelSerializer):
    decided_by_name = serializers.CharField(source="decided_by.full_name", read_only=True)
    plan_number = serializers.IntegerField(source="plan.number", read_only=True)
    case_state = serializers.CharField(source="case.state", read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "case", "plan", "plan_number", "decided_on", "decided_by_name", "approved",
                  "reviewed_other_supports", "note", "case_state"]  # fmt: skip


# --- meetings ------------------------------------------------------------------------------------------------


class MeetingOut(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="plan: 重層的支援会議 / confidential: 支援会議")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    convener_name = serializers.CharField(source="convener.full_name", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "kind", "kind_label", "title", "held_on", "starts_at", "place", "online", "convener",
                  "convener_name", "legal_basis", "consent_required", "person_attends", "body", "version"]  # fmt: skip


class MeetingIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField(max_length=100)
    held_on = _date()
    starts_at = serializers.TimeField(required=False, allow_null=True, default=None)
    place = _text(200)
    online = serializers.BooleanField(default=False)
    person_attends = serializers.BooleanField(default=False)
    body = _id(required=False, allow_null=True, default=None, help_text="既存の会議体として開催")


class ParticipantOut(serializers.ModelSerializer):
    class Meta:
        model = Participant
        fields = ["id", "user", "name", "organisation", "attended"]


class ParticipantIn(serializers.Serializer):
    """A staff member by id, or an outside attendee by name and organisation."""

    staff = _id(required=False, allow_null=True, default=None, help_text="職員のID（この自治体の職員）")
    name = _text(100, help_text="外部の出席者の氏名")
    organisation = _text(100, help_text="外部の出席者の所属")


class AttachmentOut(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "tax_sourced", "uploaded_at"]


class ItemOut(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="case / concern / emergency")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    timing = serializers.IntegerField(read_only=True, allow_null=True, help_text="1〜4（①〜④）")
    timing_label = serializers.CharField(source="get_timing_display", read_only=True, allow_null=True)
    plan_number = serializers.SerializerMethodField()
    case_title = serializers.SerializerMethodField()
    emergency_reason = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = ["id", "meeting", "kind", "kind_label", "case", "case_title", "timing", "timing_label", "plan",
                  "plan_number", "title", "emergency_reason", "minutes", "outcome", "outcome_label",
                  "decision_note", "attachments", "version"]  # fmt: skip

    def get_plan_number(self, obj) -> int | None:
        return obj.plan.number if obj.plan_id else None

    def get_case_title(self, obj) -> str:
        return obj.case.title if obj.case_id else ""

    @extend_schema_field(AttachmentOut(many=True))
    def get_attachments(self, obj):
        from kasane.meetings.services import attachment_visible

        user = self.context["user"]
        # The files stay in the database (up to 10 MB each): only their metadata is read here.
        prefetched = "attachments" in getattr(obj, "_prefetched_objects_cache", {})
        rows = obj.attachments.all() if prefetched else obj.attachments.defer("data")
        return AttachmentOut([a for a in rows if attachment_visible(user, a)], many=True).data


class MeetingDetailOut(MeetingOut):
    participants = ParticipantOut(many=True, read_only=True)
    pledge_required = serializers.SerializerMethodField()
    pledged = serializers.SerializerMethodField()
    pledge_text = serializers.CharField(read_only=True)
    items_hidden = serializers.SerializerMethodField()
    items_notice = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()

    class Meta(MeetingOut.Meta):
        fields = [*MeetingOut.Meta.fields, "participants", "pledge_required", "pledged", "pledge_text",
                  "items_hidden", "items_notice", "items"]  # fmt: skip

    def get_pledge_required(self, obj) -> bool:
        return obj.is_confidential

    def get_pledged(self, obj) -> bool:
        return self.context["pledged"]

    def get_items_hidden(self, obj) -> bool:
        """true: 議題は表示されていません（支援会議で守秘義務の誓約をする前）"""
        return self.context["items_hidden"]

    def get_items_notice(self, obj) -> str:
        if not self.context["items_hidden"]:
            return ""
        return (
            "支援会議の議題は、この会議の守秘義務を誓約した構成員だけが閲覧できます。"
            "POST /api/v1/meetings/{id}/pledge/ で誓約してください。"
        )

    @extend_schema_field(ItemOut(many=True))
    def get_items(self, obj):
        return ItemOut(self.context["items"], many=True, context=self.context).data


class ItemIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    title = _text(200, help_text="省略時は事例名とタイミングから作ります")
    case = _id(required=False, allow_null=True, default=None)
    timing = serializers.ChoiceField(choices=Timing.choices, required=False, allow_null=True, default=None)
    emergency_reason = serializers.ChoiceField(
        choices=EmergencyReason.choices, required=False, allow_blank=True, default=""
    )


class ItemUpdateIn(serializers.Serializer):
    """A partial update: the fields not sent keep their values."""

    minutes = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, allow_blank=True)
    decision_note = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=0, max_value=MAX_DB_ID, help_text="編集を始めたときの版番号")


class PledgeIn(serializers.Serializer):
    accepted = serializers.BooleanField(help_text="守秘義務の内容を確認し、同意する")


class PledgeOut(serializers.Serializer):
    meeting = serializers.IntegerField(source="meeting_id")
    accepted_at = serializers.DateTimeField()
    text = serializers.CharField()
