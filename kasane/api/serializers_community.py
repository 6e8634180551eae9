"""Input and output serializers of the 地域づくり API: activities, sessions, coordinators, network meetings,
trainings and the yearly figures."""

from rest_framework import serializers

from kasane.community.models import (
    AGE_BAND_FIELDS,
    AGE_BANDS,
    MAX_COUNT,
    Activity,
    ActivityKind,
    Coordinator,
    NetworkMeeting,
    Project,
    Session,
    Training,
)

from .serializers import date_in_range

VERSION_HELP = "編集を始めたときの版番号。古い版では 409 になります。"


def _text(max_length: int, **kwargs):
    return serializers.CharField(
        max_length=max_length, required=False, allow_blank=True, default="", **kwargs
    )


def _count(label: str):
    return serializers.IntegerField(
        min_value=0,
        max_value=MAX_COUNT,
        default=0,
        help_text=f"{label}（0以上の整数）",
        error_messages={
            "invalid": f"{label}は0以上の整数で指定してください。",
            "min_value": f"{label}にマイナスの数は指定できません。",
            "max_value": f"{label}が大きすぎます（{MAX_COUNT}以下）。",
        },
    )


def _date(**kwargs):
    return serializers.DateField(validators=[date_in_range], **kwargs)


def _version():
    return serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text=VERSION_HELP)


# --- activities and sessions -----------------------------------------------------------------------------------


class ActivityOut(serializers.ModelSerializer):
    project_label = serializers.CharField(source="get_project_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "name", "project", "project_label", "kind", "kind_label", "area", "operator", "venue",
                  "schedule", "description", "is_active", "version"]  # fmt: skip


class ActivityIn(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    project = serializers.ChoiceField(choices=Project.choices)
    kind = serializers.ChoiceField(choices=ActivityKind.choices, default=ActivityKind.SALON)
    area = _text(100)
    operator = _text(150)
    venue = _text(200)
    schedule = _text(200)
    description = _text(2000)
    is_active = serializers.BooleanField(default=True)


class ActivityUpdateIn(ActivityIn):
    version = _version()


class ActivityQuery(serializers.Serializer):
    project = serializers.ChoiceField(choices=Project.choices, required=False)
    area = serializers.CharField(max_length=100, required=False)
    fiscal_year = serializers.IntegerField(min_value=1900, max_value=2199, required=False,
                                           help_text="年度（西暦。例：2024 は令和6年度）。開催回数・参加者数の集計年度")  # fmt: skip
    include_inactive = serializers.BooleanField(required=False, default=False)


class ActivityListOut(ActivityOut):
    year_sessions = serializers.IntegerField(read_only=True, help_text="指定年度の開催回数")
    year_participants = serializers.IntegerField(read_only=True, help_text="指定年度の参加者（のべ）")

    class Meta(ActivityOut.Meta):
        fields = [*ActivityOut.Meta.fields, "year_sessions", "year_participants"]


class SessionOut(serializers.ModelSerializer):
    participants = serializers.IntegerField(read_only=True, help_text="年齢層別人数の合計")

    class Meta:
        model = Session
        fields = [
            "id",
            "activity",
            "held_on",
            *AGE_BAND_FIELDS,
            "participants",
            "volunteers",
            "note",
            "version",
        ]


class SessionIn(serializers.Serializer):
    held_on = _date()
    note = _text(2000)

    def get_fields(self):
        fields = super().get_fields()
        for field, label in (*AGE_BANDS, ("volunteers", "ボランティア・担い手")):
            fields[field] = _count(label)
        return fields


class SessionUpdateIn(SessionIn):
    version = _version()


class FiscalYearQuery(serializers.Serializer):
    fiscal_year = serializers.IntegerField(min_value=1900, max_value=2199, required=False,
                                           help_text="年度（西暦。例：2024 は令和6年度）")  # fmt: skip


# --- coordinators, network meetings, trainings -----------------------------------------------------------------


class CoordinatorOut(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    area_list = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Coordinator
        fields = ["id", "name", "kind", "kind_label", "areas", "area_list", "organisation", "phone", "is_active",
                  "version"]  # fmt: skip


class CoordinatorIn(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=Coordinator.Kind.choices)
    areas = _text(300, help_text="担当地区。複数は「、」で区切る")
    organisation = _text(150)
    phone = _text(30)
    is_active = serializers.BooleanField(default=True)


class CoordinatorUpdateIn(CoordinatorIn):
    version = _version()


class NetworkMeetingOut(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = NetworkMeeting
        fields = ["id", "kind", "kind_label", "title", "project", "held_on", "area", "participants", "topics",
                  "version"]  # fmt: skip


class NetworkMeetingIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NetworkMeeting.Kind.choices)
    title = serializers.CharField(max_length=150)
    project = serializers.ChoiceField(choices=Project.choices, required=False, allow_blank=True, default="")
    held_on = _date()
    area = _text(100)
    participants = _count("参加者数")
    topics = _text(4000)


class NetworkMeetingUpdateIn(NetworkMeetingIn):
    version = _version()


class TrainingOut(serializers.ModelSerializer):
    class Meta:
        model = Training
        fields = ["id", "title", "project", "held_on", "area", "organiser", "trainees", "completed", "note",
                  "version"]  # fmt: skip


class TrainingIn(serializers.Serializer):
    title = serializers.CharField(max_length=150)
    project = serializers.ChoiceField(choices=Project.choices, required=False, allow_blank=True, default="")
    held_on = _date()
    area = _text(100)
    organiser = _text(150)
    trainees = _count("受講者数")
    completed = _count("修了者数")
    note = _text(2000)


class TrainingUpdateIn(TrainingIn):
    version = _version()


# --- the yearly figures ----------------------------------------------------------------------------------------


class _AgeBandsOut(serializers.Serializer):
    def get_fields(self):
        return {field: serializers.IntegerField(help_text=label) for field, label in AGE_BANDS}


class _ProjectFiguresOut(serializers.Serializer):
    label = serializers.CharField()
    activities = serializers.IntegerField()
    sessions = serializers.IntegerField()
    participants = serializers.IntegerField()
    volunteers = serializers.IntegerField()
    by_age_band = _AgeBandsOut()


class _KindFiguresOut(serializers.Serializer):
    label = serializers.CharField()
    count = serializers.IntegerField()
    participants = serializers.IntegerField()


class FiguresOut(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    label = serializers.CharField(help_text="令和6年度")
    start = serializers.DateField()
    end = serializers.DateField()
    sessions = serializers.IntegerField(help_text="開催回数")
    participants = serializers.IntegerField(help_text="参加者（のべ）")
    volunteers = serializers.IntegerField()
    activities = serializers.IntegerField(help_text="年度内に開催のあった場・活動の数")
    by_age_band = _AgeBandsOut()
    by_project = serializers.DictField(child=_ProjectFiguresOut(), help_text="事業コード（3i, 3ro …）ごと")
    network_meetings = serializers.IntegerField()
    network_meeting_participants = serializers.IntegerField()
    network_meetings_by_kind = serializers.DictField(child=_KindFiguresOut())
    trainings = serializers.IntegerField()
    trainees = serializers.IntegerField()
    trainees_completed = serializers.IntegerField()
    coordinators = serializers.IntegerField(help_text="在任中のコーディネーター数（現在）")
