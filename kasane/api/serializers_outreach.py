"""Input and output serializers of the outreach API: engagements, their contact attempts and stage history."""

from rest_framework import serializers

from kasane.cases.models import ContactMethod, ContactOutcome
from kasane.core.validators import MAX_DB_ID
from kasane.outreach.models import Engagement, EngagementAttempt, Source, Stage, StageChange

from .serializers import date_in_range


def _id(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_DB_ID, **kwargs)


def _text(max_length, **kwargs):
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", **kwargs
    )


def _date(**kwargs):
    return serializers.DateField(validators=[date_in_range], **kwargs)


def _version():
    return serializers.IntegerField(min_value=0, max_value=MAX_DB_ID, help_text="取組を開いたときの版番号")


NEXT_METHODS = [("", "未定"), *ContactMethod.choices]


class AttemptOut(serializers.ModelSerializer):
    method_label = serializers.CharField(source="get_method_display", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    staff_name = serializers.CharField(source="staff.full_name", read_only=True)

    class Meta:
        model = EngagementAttempt
        fields = ["id", "attempted_on", "method", "method_label", "outcome", "outcome_label", "staff", "staff_name",
                  "note"]  # fmt: skip


class StageChangeOut(serializers.ModelSerializer):
    to_stage_label = serializers.CharField(source="get_to_stage_display", read_only=True)

    class Meta:
        model = StageChange
        fields = ["id", "from_stage", "to_stage", "to_stage_label", "changed_on", "by", "note"]


class EngagementListOut(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    source_label = serializers.CharField(source="get_source_display", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True, help_text="次回の予定日を過ぎている")

    class Meta:
        model = Engagement
        fields = ["id", "number", "description", "source", "source_label", "area", "stage", "stage_label",
                  "next_attempt_on", "next_attempt_method", "is_overdue", "status", "person", "case", "started_on",
                  "version"]  # fmt: skip


class EngagementOut(EngagementListOut):
    attempts = AttemptOut(many=True, read_only=True)
    stage_changes = StageChangeOut(many=True, read_only=True)

    class Meta(EngagementListOut.Meta):
        fields = [*EngagementListOut.Meta.fields, "source_note", "address_hint", "closed_on", "close_reason",
                  "attempts", "stage_changes"]  # fmt: skip


class EngagementQuery(serializers.Serializer):
    include_closed = serializers.BooleanField(required=False, default=False)


class EngagementIn(serializers.Serializer):
    description = serializers.CharField(max_length=200, help_text="対象者の様子（氏名がなくてもよい）")
    source = serializers.ChoiceField(choices=Source.choices)
    source_note = _text(1000)
    area = _text(100)
    address_hint = _text(200)
    started_on = _date(required=False, allow_null=True, default=None)
    next_attempt_on = _date(required=False, allow_null=True, default=None)
    next_attempt_method = serializers.ChoiceField(choices=NEXT_METHODS, required=False, default="")


class AttemptIn(serializers.Serializer):
    attempted_on = _date()
    method = serializers.ChoiceField(choices=ContactMethod.choices)
    outcome = serializers.ChoiceField(choices=ContactOutcome.choices)
    note = _text(1000)
    next_attempt_on = _date(required=False, allow_null=True, default=None)
    next_attempt_method = serializers.ChoiceField(choices=NEXT_METHODS, required=False, default="")


class StageIn(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    changed_on = _date(required=False, allow_null=True, default=None)
    note = _text(500)
    version = _version()


class IdentifyIn(serializers.Serializer):
    person = _id(
        required=False, allow_null=True, default=None, help_text="既存の本人のID（閲覧できる方のみ）"
    )
    family_name = _text(50)
    given_name = _text(50)
    family_kana = _text(100)
    given_kana = _text(100)
    birth_date = _date(required=False, allow_null=True, default=None)
    version = _version()


class CaseLinkIn(serializers.Serializer):
    case = _id(help_text="同じ本人の多機関協働の事例のID")
    version = _version()


class CloseIn(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)
    closed_on = _date(required=False, allow_null=True, default=None)
    version = _version()
