"""Forms of outreach: start an engagement, record an attempt, change the stage, plan the next attempt,
identify the person, link the case, close."""

from django import forms
from django.utils import timezone

from kasane.cases.models import ContactMethod, ContactOutcome
from kasane.core.forms import JapaneseDateField
from kasane.core.validators import MAX_DB_ID
from kasane.core.wareki import format_wareki
from kasane.people.models import Sex

from .models import Source, Stage


def _today() -> str:
    return format_wareki(timezone.localdate())


def _text(label, max_length, rows=3, required=False, **kwargs):
    return forms.CharField(label=label, max_length=max_length, required=required,
                           widget=forms.Textarea(attrs={"rows": rows}), **kwargs)  # fmt: skip


def _next_method():
    return forms.ChoiceField(
        label="次回の方法", choices=[("", "未定"), *ContactMethod.choices], required=False
    )


class FilterForm(forms.Form):
    include_closed = forms.BooleanField(label="終了した取組も表示", required=False)


class EngagementForm(forms.Form):
    description = forms.CharField(
        label="対象者の様子",
        max_length=200,
        help_text="氏名がわからなくても構いません。例：60代男性、○○町のアパート",
    )
    source = forms.ChoiceField(label="情報源", choices=Source.choices, widget=forms.RadioSelect)
    source_note = _text("情報の内容", 1000, help_text="例：郵便物がたまっている、夜も明かりがつかない")
    area = forms.CharField(label="地区", max_length=100, required=False)
    address_hint = forms.CharField(label="住所の手がかり", max_length=200, required=False)
    started_on = JapaneseDateField(label="把握日")
    next_attempt_on = JapaneseDateField(label="次回の予定日", required=False)
    next_attempt_method = _next_method()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_on"].initial = _today()


class AttemptForm(forms.Form):
    attempted_on = JapaneseDateField(label="日付")
    method = forms.ChoiceField(label="方法", choices=ContactMethod.choices)
    outcome = forms.ChoiceField(label="結果", choices=ContactOutcome.choices)
    note = _text("内容", 1000)
    next_attempt_on = JapaneseDateField(label="次回の予定日", required=False)
    next_attempt_method = _next_method()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attempted_on"].initial = _today()


class StageForm(forms.Form):
    stage = forms.ChoiceField(label="新しい段階", choices=Stage.choices)
    changed_on = JapaneseDateField(label="日付")
    note = forms.CharField(label="メモ", max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_DB_ID)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["changed_on"].initial = _today()


class NextAttemptForm(forms.Form):
    next_attempt_on = JapaneseDateField(label="次回の予定日", required=False)
    next_attempt_method = _next_method()
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_DB_ID)


class IdentifyForm(forms.Form):
    """An existing person chosen from the known-person candidates (person_id), or a new person record."""

    person_id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=MAX_DB_ID)
    family_name = forms.CharField(label="氏", max_length=50, required=False)
    given_name = forms.CharField(label="名", max_length=50, required=False)
    family_kana = forms.CharField(label="フリガナ（氏）", max_length=100, required=False)
    given_kana = forms.CharField(label="フリガナ（名）", max_length=100, required=False)
    birth_date = JapaneseDateField(label="生年月日", required=False)
    sex = forms.ChoiceField(label="性別", choices=Sex.choices, required=False)
    address = forms.CharField(label="住所", max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_DB_ID)

    PERSON_FIELDS = ("family_name", "given_name", "family_kana", "given_kana", "birth_date", "sex", "address")

    def clean(self):
        data = super().clean()
        if not data.get("person_id") and not any(
            data.get(k) for k in ("family_name", "given_name", "family_kana")
        ):
            self.add_error("family_name", "氏名・フリガナのいずれかを入力するか、候補から選んでください。")
        return data

    def new_person(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in self.PERSON_FIELDS if d.get(k)}


class CaseLinkForm(forms.Form):
    case = forms.TypedChoiceField(label="多機関協働の事例", coerce=int)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_DB_ID)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = {c.pk: c for c in cases}
        self.fields["case"].choices = [
            (c.pk, f"{c.number}：{c.title}（{c.get_state_display()}）") for c in self.cases.values()
        ]


class CloseForm(forms.Form):
    reason = _text("終了の理由", 1000, required=True, help_text="例：多機関協働の事例として支援を開始、転居")
    closed_on = JapaneseDateField(label="終了日")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_DB_ID)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = _today()
