"""Input and output serializers of the 参加支援 API: resources, needs, suggestions, matches, follow-ups, gaps."""

from rest_framework import serializers

from kasane.core.validators import MAX_DB_ID
from kasane.meetings.models import ResourceGap
from kasane.participation.models import Field, FollowUp, Match, Needs, Resource, Slot

from .serializers import date_in_range


def _text(max_length, **kwargs):
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True, **kwargs)


def _date(**kwargs):
    return serializers.DateField(validators=[date_in_range], **kwargs)


def _count(**kwargs):
    return serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=100000,
        error_messages={"min_value": "0以上の整数で指定してください（マイナスは指定できません）。"}, **kwargs,
    )  # fmt: skip


class ResourceQuery(serializers.Serializer):
    q = _text(100, help_text="名称・活動内容・地域など（かな・幅を区別しない）")
    kind = serializers.IntegerField(required=False, min_value=1, max_value=MAX_DB_ID)
    area = _text(50)
    status = serializers.ChoiceField(choices=Resource.Status.choices, required=False)


class ResourceOut(serializers.ModelSerializer):
    kind = serializers.CharField(source="kind.name")
    kind_id = serializers.IntegerField()
    slots = serializers.ListField(source="slot_list", child=serializers.CharField())
    fields = serializers.ListField(source="field_list", child=serializers.CharField())
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)

    class Meta:
        model = Resource
        fields = [
            "id", "name", "kind", "kind_id", "operator", "activities", "description", "address", "area", "lat",
            "lon", "days", "hours", "slots", "age_min", "age_max", "fields", "welcomes_hikikomori",
            "welcomes_disability", "allows_anonymous", "allows_companion", "small_group", "capacity", "open_places",
            "cost", "contact", "accessibility", "status", "version",
        ]  # fmt: skip


class ResourceIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID)
    operator = _text(100)
    activities = _text(300)
    description = _text(2000)
    address = _text(200)
    area = _text(50)
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    lon = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    days = _text(100)
    hours = _text(100)
    slots = serializers.ListField(
        child=serializers.ChoiceField(choices=Slot.choices), required=False, max_length=4
    )
    age_min = _count()
    age_max = _count()
    fields = serializers.ListField(
        child=serializers.ChoiceField(choices=Field.choices), required=False, max_length=6
    )
    welcomes_hikikomori = serializers.BooleanField(required=False)
    welcomes_disability = serializers.BooleanField(required=False)
    allows_anonymous = serializers.BooleanField(required=False)
    allows_companion = serializers.BooleanField(required=False)
    small_group = serializers.BooleanField(required=False)
    capacity = _count()
    open_places = _count()
    cost = _text(100)
    contact = _text(200)
    accessibility = _text(300)
    status = serializers.ChoiceField(choices=Resource.Status.choices, required=False)


class ResourceUpdateIn(ResourceIn):
    name = serializers.CharField(max_length=100, required=False)
    kind = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID, required=False)
    version = serializers.IntegerField(
        min_value=1, max_value=MAX_DB_ID, help_text="編集を始めた版（楽観的排他制御）"
    )


class NeedsIn(serializers.Serializer):
    likes = _text(300)
    can_do = _text(300)
    slots = serializers.ListField(
        child=serializers.ChoiceField(choices=Slot.choices), required=False, max_length=4
    )
    area = _text(50)
    fields = serializers.ListField(
        child=serializers.ChoiceField(choices=Field.choices), required=False, max_length=6
    )
    worries_groups = serializers.BooleanField(required=False)
    wants_anonymity = serializers.BooleanField(required=False)
    wants_company = serializers.BooleanField(required=False)
    hikikomori = serializers.BooleanField(required=False)
    disability = serializers.BooleanField(required=False)
    note = _text(2000)
    version = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID, required=False)


class NeedsOut(serializers.ModelSerializer):
    slots = serializers.ListField(source="slot_list", child=serializers.CharField())
    fields = serializers.ListField(source="field_list", child=serializers.CharField())

    class Meta:
        model = Needs
        fields = ["likes", "can_do", "slots", "area", "fields", "worries_groups", "wants_anonymity", "wants_company",
                  "hikikomori", "disability", "note", "version"]  # fmt: skip


class SuggestionOut(serializers.Serializer):
    resource_id = serializers.IntegerField(source="id")
    name = serializers.CharField(source="offer.name")
    available = serializers.BooleanField(source="offer.available")
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="合う点（加点とその理由）")
    concerns = serializers.ListField(child=serializers.CharField(), help_text="気になる点（減点とその理由）")


class FollowUpOut(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["id", "scheduled_on", "done_on", "note"]


class MatchOut(serializers.ModelSerializer):
    resource = serializers.CharField(source="resource.name")
    status_label = serializers.CharField(source="get_status_display")
    followups = FollowUpOut(many=True, read_only=True)

    class Meta:
        model = Match
        fields = ["id", "case_id", "person_id", "resource_id", "resource", "status", "status_label", "reasons",
                  "approached_on", "approach_note", "started_on", "ended_on", "outcome_note", "followups",
                  "version"]  # fmt: skip


class ParticipationOut(serializers.Serializer):
    needs = NeedsOut(allow_null=True)
    suggestions = SuggestionOut(many=True)
    nothing_suitable = serializers.BooleanField()
    matches = MatchOut(many=True)


class MatchIn(serializers.Serializer):
    resource = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID)
    reasons = _text(2000)


class MatchStepIn(serializers.Serializer):
    STEPS = [("approach", "受け入れ先への働きかけ"), ("start", "参加開始"), ("followup_schedule", "定着支援の予定"),
             ("followup_record", "定着支援の記録"), ("outcome", "結果")]  # fmt: skip

    step = serializers.ChoiceField(choices=STEPS)
    version = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID, required=False)
    on = _date(help_text="働きかけ日・参加開始日・予定日・実施日・終了日")
    note = _text(2000)
    followup_on = _date(required=False, allow_null=True, help_text="参加開始と同時に予定する定着支援の日")
    followup = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID, required=False)
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in Match.ENDED], required=False)


class GapOut(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = ResourceGap
        fields = [
            "id",
            "what",
            "for_whom",
            "area",
            "status",
            "status_label",
            "recorded_on",
            "note",
            "resource_id",
        ]


class GapIn(serializers.Serializer):
    what = serializers.CharField(max_length=200)
    for_whom = serializers.CharField(max_length=200)
    area = _text(100)
    note = _text(2000)
