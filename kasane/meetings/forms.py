"""Forms of the two meetings: convene, members, the secrecy pledge, agenda items, minutes, attachments, gaps."""

from django import forms
from django.utils import timezone

from kasane.core.forms import JapaneseDateField
from kasane.core.wareki import format_wareki

from .models import EmergencyReason, ItemKind, Kind, Outcome, ResourceGap, Timing


class BodyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（本人同意：{'必要' if obj.consent_required else '不要'}）"


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="会議の種類", choices=Kind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label="会議名", max_length=100, help_text="例：第3回 重層的支援会議")
    held_on = JapaneseDateField(label="開催日")
    starts_at = forms.TimeField(
        label="開始時刻", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(label="場所", max_length=200, required=False)
    online = forms.BooleanField(label="オンライン開催", required=False)
    person_attends = forms.BooleanField(label="本人が出席する", required=False)
    body = BodyChoiceField(
        label="既存の会議体として開催", queryset=None, required=False, empty_label="（なし）"
    )

    def __init__(self, *args, kinds, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in Kind.choices if c[0] in kinds]
        self.fields["body"].queryset = bodies
        if not self.is_bound and "held_on" not in self.initial:
            self.fields["held_on"].initial = format_wareki(timezone.localdate())


class MeetingEditForm(MeetingForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, kinds=(), bodies=bodies, **kwargs)
        del self.fields["kind"]  # a meeting's kind fixes its legal basis: it is never changed afterwards


class ParticipantForm(forms.Form):
    staff = forms.ModelChoiceField(
        label="職員", queryset=None, required=False, empty_label="（外部の出席者）"
    )
    name = forms.CharField(label="氏名（外部の出席者）", max_length=100, required=False)
    organisation = forms.CharField(label="所属（外部の出席者）", max_length=100, required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff
        self.fields["staff"].label_from_instance = lambda u: f"{u.full_name or u.username}（{u.affiliation}）"


class PledgeForm(forms.Form):
    accepted = forms.BooleanField(label="上記の守秘義務の内容を確認し、誓約します", required=False)


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label="議題の種類", choices=ItemKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(
        label="議題",
        max_length=200,
        required=False,
        help_text="事例の議題は空欄なら事例名とタイミングから付けます。",
    )
    case = CaseChoiceField(label="事例", queryset=None, required=False, empty_label="（事例なし）")
    timing = forms.TypedChoiceField(
        label="タイミング（事例のとき）", choices=[("", "（なし）"), *Timing.choices], coerce=int,
        required=False, empty_value=None,
    )  # fmt: skip
    emergency_reason = forms.ChoiceField(
        label="緊急の理由", choices=[("", "（緊急でない）"), *EmergencyReason.choices], required=False,
        help_text="衰弱・重篤な疾患・虐待・DVの疑いのある議題は一覧の先頭に表示されます。",
    )  # fmt: skip

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases


class ItemRecordForm(forms.Form):
    minutes = forms.CharField(
        label="議事録", max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    outcome = forms.ChoiceField(label="決定事項", choices=Outcome.choices, required=False)
    decision_note = forms.CharField(
        label="決定の内容（役割分担・関わり方など）", max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput)


class AttachmentForm(forms.Form):
    file = forms.FileField(label="ファイル（10MBまで）")
    tax_sourced = forms.BooleanField(label="税務情報を含む（地方税法第22条）", required=False)


class ReleaseForm(forms.Form):
    note = forms.CharField(label="メモ", max_length=300, required=False)


class GapForm(forms.Form):
    what = forms.CharField(label="不足している社会資源", max_length=200)
    for_whom = forms.CharField(
        label="対象（匿名化）",
        max_length=200,
        help_text="例：40代男性・ひきこもり。氏名は書かないでください。",
    )
    area = forms.CharField(label="地域", max_length=100, required=False)
    note = forms.CharField(
        label="検討の内容", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class GapStatusForm(forms.Form):
    status = forms.ChoiceField(label="状況", choices=ResourceGap.Status.choices)


class GapFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="状況", choices=[("", "すべて"), *ResourceGap.Status.choices], required=False
    )


class BodyForm(forms.Form):
    name = forms.CharField(label="会議体の名称", max_length=100)
    field = forms.CharField(label="分野", max_length=50, required=False)
    consent_required = forms.BooleanField(label="本人同意が必要", required=False)
    legal_basis = forms.CharField(label="根拠", max_length=200, required=False)
