"""Input and output serializers of the API, one pair per use."""

from rest_framework import serializers

from kasane.core.forms import MAX_DATE, MIN_DATE
from kasane.core.models import AccessLogEntry, ApiToken, User
from kasane.core.roles import Role
from kasane.core.validators import MAX_DB_ID
from kasane.directory.models import Agency, Field, LegalItem, Operation, Theme
from kasane.intake.models import (
    Consent,
    Consultation,
    Consulter,
    LegalBasis,
    Problem,
    Referral,
    Route,
    Urgency,
)
from kasane.intake.models import Response as ConsultationResponse
from kasane.people.models import Household, Membership, Person, Sex


def date_in_range(value):
    if not MIN_DATE <= value <= MAX_DATE:
        raise serializers.ValidationError("日付は1868年から2199年までの範囲で指定してください。")


class ThemeOut(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "name"]


class AgencyOut(serializers.ModelSerializer):
    themes = ThemeOut(many=True, read_only=True)
    field_label = serializers.CharField(source="get_field_display", read_only=True)
    legal_item_label = serializers.CharField(source="get_legal_item_display", read_only=True)
    operation_label = serializers.CharField(source="get_operation_display", read_only=True)

    class Meta:
        model = Agency
        fields = [
            "id", "name", "field", "field_label", "legal_item", "legal_item_label", "operation",
            "operation_label", "contractor", "section", "site_count", "catchment", "address", "phone",
            "hours", "description", "themes", "is_active", "version",
        ]  # fmt: skip


class AgencyIn(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    field = serializers.ChoiceField(choices=Field.choices)
    legal_item = serializers.ChoiceField(
        choices=LegalItem.choices, required=False, allow_blank=True, default=""
    )
    operation = serializers.ChoiceField(choices=Operation.choices, default=Operation.DIRECT)
    contractor = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    section = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    site_count = serializers.IntegerField(min_value=1, max_value=9999, default=1)
    catchment = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    hours = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    theme_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_DB_ID),
        required=False,
        default=list,
        max_length=100,
    )
    is_active = serializers.BooleanField(default=True)


class AgencyUpdateIn(AgencyIn):
    version = serializers.IntegerField(help_text="編集を始めたときの版番号。古い版では 409 になります。")


class StaffOut(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    agency_name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "last_name", "first_name", "email", "agency", "agency_name", "section",
                  "roles", "is_active"]  # fmt: skip

    def get_roles(self, obj) -> list[str]:
        return sorted(obj.roles)

    def get_agency_name(self, obj) -> str:
        return obj.agency.name if obj.agency_id else ""


class MeOut(StaffOut):
    municipality = serializers.CharField(source="municipality.__str__")
    role_labels = serializers.SerializerMethodField()

    class Meta(StaffOut.Meta):
        fields = [*StaffOut.Meta.fields, "municipality", "role_labels"]

    def get_role_labels(self, obj) -> list[str]:
        return [Role(r).label for r in sorted(obj.roles)]


class AccessLogOut(serializers.ModelSerializer):
    class Meta:
        model = AccessLogEntry
        fields = ["id", "at", "username", "action", "object_type", "object_id", "person_id", "case_id", "ip",
                  "via", "detail"]  # fmt: skip


class AccessLogQuery(serializers.Serializer):
    username = serializers.CharField(required=False, allow_blank=True, max_length=150)
    person_id = serializers.IntegerField(required=False, min_value=1, max_value=MAX_DB_ID)
    object_type = serializers.CharField(required=False, allow_blank=True, max_length=50)
    date_from = serializers.DateField(required=False, validators=[date_in_range])
    date_to = serializers.DateField(required=False, validators=[date_in_range])


class TokenOut(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "username", "created_at", "last_used_at", "revoked_at"]


class PersonOut(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = Person
        fields = ["id", "display_name", "family_name", "given_name", "family_kana", "given_kana", "birth_date",
                  "description", "sex", "postal_code", "address", "phone_home", "phone_mobile", "email",
                  "contact_precautions", "notes", "version"]  # fmt: skip


class PersonIn(serializers.Serializer):
    family_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    given_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    family_kana = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    given_kana = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    description = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    sex = serializers.ChoiceField(choices=Sex.choices, default=Sex.UNKNOWN)
    postal_code = serializers.CharField(max_length=8, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    phone_home = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    phone_mobile = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    contact_precautions = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PersonUpdateIn(serializers.Serializer):
    """A partial update: only the fields sent change (no defaults that would blank the others)."""

    family_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    given_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    family_kana = serializers.CharField(max_length=100, required=False, allow_blank=True)
    given_kana = serializers.CharField(max_length=100, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(max_length=100, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    postal_code = serializers.CharField(max_length=8, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    phone_home = serializers.CharField(max_length=20, required=False, allow_blank=True)
    phone_mobile = serializers.CharField(max_length=20, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    contact_precautions = serializers.CharField(max_length=200, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField()


class MembershipOut(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id")

    class Meta:
        model = Membership
        fields = ["id", "person", "relationship", "joined_on", "left_on"]


class HouseholdOut(serializers.ModelSerializer):
    members = serializers.SerializerMethodField()

    class Meta:
        model = Household
        fields = ["id", "name", "address", "members"]

    def get_members(self, obj) -> list[dict]:
        visible = self.context["visible_person_ids"]
        return [MembershipOut(m).data for m in obj.memberships.all() if m.person_id in visible]


class ConsultationOut(serializers.ModelSerializer):
    problems = serializers.SerializerMethodField()
    patterns = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    narrative = serializers.SerializerMethodField()

    class Meta:
        model = Consultation
        fields = ["id", "received_on", "agency", "staff", "route", "consulter", "consulter_relationship", "person",
                  "household", "problems", "main_problem", "other_problem", "patterns", "urgency", "narrative",
                  "response", "first_consultation", "status", "version"]  # fmt: skip

    def get_problems(self, obj) -> list[str]:
        return [r.problem for r in obj.problem_rows.all()]

    def get_narrative(self, obj) -> str | None:
        """null when the user may not read the narrative (not covered by the consent)."""
        return obj.narrative if self.context["can_see_narrative"](obj) else None


class ConsultationIn(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID)
    received_on = serializers.DateField()
    route = serializers.ChoiceField(choices=Route.choices)
    consulter = serializers.ChoiceField(choices=Consulter.choices)
    consulter_relationship = serializers.CharField(
        max_length=30, required=False, allow_blank=True, default=""
    )
    problems = serializers.ListField(
        child=serializers.ChoiceField(choices=Problem.choices), max_length=20, default=list
    )
    main_problem = serializers.ChoiceField(
        choices=Problem.choices, required=False, allow_blank=True, default=""
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    narrative = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    response = serializers.ChoiceField(choices=ConsultationResponse.choices)
    first_consultation = serializers.IntegerField(
        min_value=1, max_value=MAX_DB_ID, required=False, allow_null=True
    )


class ConsentOut(serializers.ModelSerializer):
    class Meta:
        model = Consent
        fields = ["id", "person", "obtained_on", "method", "agencies", "covers_municipal_office", "share_basic",
                  "share_consultation", "share_household", "withdrawn_on"]  # fmt: skip


class ConsentIn(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID)
    obtained_on = serializers.DateField()
    method = serializers.ChoiceField(choices=Consent.Method.choices)
    agency_ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_DB_ID), default=list,
                                       max_length=200)  # fmt: skip
    covers_municipal_office = serializers.BooleanField(default=True)
    share_basic = serializers.BooleanField(default=True)
    share_consultation = serializers.BooleanField(default=False)
    share_household = serializers.BooleanField(default=False)


class ReferralOut(serializers.ModelSerializer):
    class Meta:
        model = Referral
        fields = ["id", "consultation", "person", "from_agency", "to_agency", "reason", "wants_to_talk",
                  "accommodation", "household_summary", "legal_basis", "offline", "status", "sent_at",
                  "responded_at", "return_reason", "version"]  # fmt: skip


class ReferralIn(serializers.Serializer):
    consultation = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID)
    to_agency = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID)
    reason = serializers.CharField(max_length=2000)
    legal_basis = serializers.ChoiceField(choices=LegalBasis.choices)
    wants_to_talk = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    accommodation = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    household_summary = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    offline = serializers.BooleanField(default=False)


class ReferralAnswerIn(serializers.Serializer):
    answer = serializers.ChoiceField(
        choices=[("takeover", "受理（引継ぎ）"), ("joint", "受理（共同）"), ("return", "差し戻し")]
    )
    return_reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    version = serializers.IntegerField()
