"""Input and output serializers of the API, one pair per use."""

from rest_framework import serializers

from kasane.core.models import AccessLogEntry, ApiToken, User
from kasane.core.roles import Role
from kasane.core.validators import MAX_DB_ID
from kasane.directory.models import Agency, Field, LegalItem, Operation, Theme


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
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


class TokenOut(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "username", "created_at", "last_used_at", "revoked_at"]
