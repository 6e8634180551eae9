"""Forms of the 地域づくり pages."""

from django import forms
from django.utils import timezone

from kasane.core import wareki
from kasane.core.forms import JapaneseDateField

from .models import AGE_BANDS, MAX_COUNT, Activity, Coordinator, NetworkMeeting, Project, Training

YEARS_BACK = 10


def fiscal_year_choices() -> list[tuple[str, str]]:
    current = wareki.fiscal_year(timezone.localdate())
    return [(str(fy), wareki.format_fiscal_year(fy)) for fy in range(current, current - YEARS_BACK, -1)]


def count_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_COUNT,
        required=False,
        initial=0,
        error_messages={
            "invalid": f"{label}は0以上の整数で入力してください。",
            "min_value": f"{label}にマイナスの数は入力できません。",
            "max_value": f"{label}が大きすぎます（{MAX_COUNT:,}以下）。",
        },
        widget=forms.NumberInput(
            attrs={"min": 0, "max": MAX_COUNT, "inputmode": "numeric", "class": "count"}
        ),
    )


class FiscalYearForm(forms.Form):
    fy = forms.ChoiceField(label="年度", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fy"].choices = fiscal_year_choices()

    def fiscal_year(self) -> int:
        """The chosen 年度, or this 年度 when none (or a wrong one) was sent."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get("fy"):
            return int(self.cleaned_data["fy"])
        return wareki.fiscal_year(timezone.localdate())


class ActivityFilterForm(FiscalYearForm):
    project = forms.ChoiceField(
        label="事業", required=False, choices=[("", "すべての事業"), *Project.choices]
    )
    area = forms.ChoiceField(label="地区・圏域", required=False)
    field_order = ["project", "area", "fy"]

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "すべての地区"), *((a, a) for a in areas)]


class ActivityForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Activity
        fields = [
            "name",
            "project",
            "kind",
            "area",
            "operator",
            "venue",
            "schedule",
            "description",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self):
        # Checked by the service, within the municipality.
        pass


class SessionForm(forms.Form):
    held_on = JapaneseDateField(label="開催日")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label="記録（任意）", max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="内容や気づき。参加者の氏名は書かないでください。")  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, label in (*AGE_BANDS, ("volunteers", "ボランティア・担い手")):
            self.fields[field] = count_field(label)
        self.order_fields(["held_on", *(f for f, _ in AGE_BANDS), "volunteers", "note"])

    def clean(self):
        data = super().clean()
        for field, value in list(data.items()):
            if field not in ("held_on", "note", "version") and value is None:
                data[field] = 0
        return data


class CoordinatorForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Coordinator
        fields = ["name", "kind", "areas", "organisation", "phone", "is_active"]


class NetworkMeetingForm(forms.ModelForm):
    held_on = JapaneseDateField(label="開催日")
    participants = count_field("参加者数")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = NetworkMeeting
        fields = ["kind", "title", "project", "held_on", "area", "participants", "topics"]
        widgets = {"topics": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "topics": "地域の課題・社会資源・話し合った内容。個人が特定できる事例は書かないでください。"
        }


class TrainingForm(forms.ModelForm):
    held_on = JapaneseDateField(label="開催日", help_text="複数日の講座は初日（例：令和6年10月5日）")
    trainees = count_field("受講者数")
    completed = count_field("修了者数")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Training
        fields = ["title", "project", "held_on", "area", "organiser", "trainees", "completed", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        for field in ("trainees", "completed"):
            if data.get(field) is None and field not in self.errors:
                data[field] = 0
        if (data.get("completed") or 0) > (data.get("trainees") or 0):
            self.add_error("completed", "修了者数は受講者数以下にしてください。")
        return data
