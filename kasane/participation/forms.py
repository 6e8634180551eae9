"""Forms of 参加支援: resources, kinds, the search, needs and wishes, the match steps, gaps and the map setting."""

from django import forms
from django.utils import timezone

from kasane.core.forms import JapaneseDateField
from kasane.core.wareki import format_wareki

from .models import Field, Match, Resource, Slot


def _today() -> str:
    return format_wareki(timezone.localdate())


def _text(label, max_length, rows=3, required=False, **kwargs):
    return forms.CharField(label=label, max_length=max_length, required=required,
                           widget=forms.Textarea(attrs={"rows": rows}), **kwargs)  # fmt: skip


def _label(model, name):
    return model._meta.get_field(name).verbose_name


def _count(model, name, **kwargs):
    return forms.IntegerField(
        label=_label(model, name), required=False, min_value=0, max_value=100000,
        error_messages={"min_value": "0以上の整数で入力してください（マイナスは入力できません）。",
                        "invalid": "0以上の整数で入力してください。", "max_value": "大きすぎます。"},
        **kwargs,
    )  # fmt: skip


class ResourceFilterForm(forms.Form):
    q = forms.CharField(label="キーワード", max_length=100, required=False,
                        help_text="名称・活動内容・地域など（ひらがな・カタカナ・半角を区別しません）")  # fmt: skip
    kind = forms.ModelChoiceField(label="種類", queryset=None, required=False, empty_label="すべて")
    area = forms.ChoiceField(label="地域", required=False)
    status = forms.ChoiceField(
        label="状況", required=False, choices=[("", "すべて"), *Resource.Status.choices]
    )

    def __init__(self, *args, kinds, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds
        self.fields["area"].choices = [("", "すべて"), *((a, a) for a in areas)]

    def clean_q(self):
        return self.cleaned_data["q"].replace("\x00", "")


class ResourceForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ModelChoiceField(label="種類", queryset=None, empty_label="選んでください")
    status = forms.ChoiceField(label="状況", choices=Resource.Status.choices)
    operator = forms.CharField(label="運営主体", max_length=100, required=False)
    activities = forms.CharField(label=_label(Resource, "activities"), max_length=300, required=False,
                                 help_text=Resource._meta.get_field("activities").help_text)  # fmt: skip
    description = _text("説明", 2000)
    address = forms.CharField(label="所在地", max_length=200, required=False)
    area = forms.CharField(
        label=_label(Resource, "area"), max_length=50, required=False, help_text="例：中央圏域、北部"
    )
    lat = forms.DecimalField(label="緯度（任意）", required=False, max_digits=9, decimal_places=6,
                             error_messages={"invalid": "緯度は数値で入力してください（例：35.423）。"},
                             help_text="例：35.423（地図に表示する場合）")  # fmt: skip
    lon = forms.DecimalField(label="経度（任意）", required=False, max_digits=9, decimal_places=6,
                             error_messages={"invalid": "経度は数値で入力してください（例：136.761）。"})  # fmt: skip
    days = forms.CharField(
        label="開催日", max_length=100, required=False, help_text="例：毎週水曜日、第2土曜日"
    )
    hours = forms.CharField(label="時間", max_length=100, required=False, help_text="例：10:00〜15:00")
    slots = forms.MultipleChoiceField(label="時間帯", choices=Slot.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)  # fmt: skip
    age_min = _count(Resource, "age_min")
    age_max = _count(Resource, "age_max")
    fields = forms.MultipleChoiceField(label="対象分野", choices=Field.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)  # fmt: skip
    welcomes_hikikomori = forms.BooleanField(label=_label(Resource, "welcomes_hikikomori"), required=False)
    welcomes_disability = forms.BooleanField(label=_label(Resource, "welcomes_disability"), required=False)
    allows_anonymous = forms.BooleanField(label=_label(Resource, "allows_anonymous"), required=False)
    allows_companion = forms.BooleanField(label=_label(Resource, "allows_companion"), required=False)
    small_group = forms.BooleanField(label=_label(Resource, "small_group"), required=False)
    capacity = _count(Resource, "capacity")
    open_places = _count(Resource, "open_places")
    cost = forms.CharField(label="費用", max_length=100, required=False, help_text="例：無料、1回100円")
    contact = forms.CharField(
        label="連絡先",
        max_length=200,
        required=False,
        help_text="団体の窓口（個人の携帯番号は載せないでください）",
    )
    accessibility = forms.CharField(label=_label(Resource, "accessibility"), max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds

    @classmethod
    def initial_of(cls, resource: Resource) -> dict:
        data = {name: getattr(resource, name) for name in cls.base_fields if hasattr(resource, name)}
        data.update(slots=resource.slot_list, fields=resource.field_list, kind=resource.kind_id)
        return data


class KindForm(forms.Form):
    name = forms.CharField(label="新しい種類", max_length=50)


class NeedsForm(forms.Form):
    likes = forms.CharField(
        label="好きなこと・興味",
        max_length=300,
        required=False,
        help_text="例：料理、植物、ゲーム（読点で区切る）",
    )
    can_do = forms.CharField(
        label="できること・得意なこと", max_length=300, required=False, help_text="例：軽作業、パソコン"
    )
    slots = forms.MultipleChoiceField(label="参加しやすい時間帯", choices=Slot.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)  # fmt: skip
    area = forms.CharField(
        label="希望する地域", max_length=50, required=False, help_text="例：中央圏域（通える範囲）"
    )
    fields = forms.MultipleChoiceField(label="本人の状況（分野）", choices=Field.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)  # fmt: skip
    worries_groups = forms.BooleanField(label="集団・大人数が不安", required=False)
    wants_anonymity = forms.BooleanField(label="名前を出さずに参加したい", required=False)
    wants_company = forms.BooleanField(label="最初は支援者の同行を希望", required=False)
    hikikomori = forms.BooleanField(label="ひきこもりの状態にある", required=False)
    disability = forms.BooleanField(label="障害がある", required=False)
    note = _text("その他の希望・配慮", 2000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MatchCreateForm(forms.Form):
    resource = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    reasons = forms.CharField(max_length=2000, required=False, widget=forms.HiddenInput)


class ApproachForm(forms.Form):
    approached_on = JapaneseDateField(label="働きかけ日", initial=_today)
    note = _text(
        "働きかけの内容",
        2000,
        required=True,
        help_text="例：受け入れ担当者に本人の希望と配慮点を伝え、見学日を調整",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class StartForm(forms.Form):
    started_on = JapaneseDateField(label="参加開始日", initial=_today)
    followup_on = JapaneseDateField(label="最初の定着支援の予定日", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class FollowUpScheduleForm(forms.Form):
    scheduled_on = JapaneseDateField(label="定着支援の予定日")


class FollowUpRecordForm(forms.Form):
    done_on = JapaneseDateField(label="実施日", initial=_today)
    note = _text("内容", 2000, required=True, help_text="例：本人・受け入れ先から様子を聞き取り")


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(label="結果", choices=[(s.value, s.label) for s in Match.ENDED])
    ended_on = JapaneseDateField(label="終了日", initial=_today)
    note = _text("結果の内容", 2000)
    version = forms.IntegerField(widget=forms.HiddenInput)


class GapForm(forms.Form):
    what = forms.CharField(
        label="不足している社会資源", max_length=200, help_text="例：夜間に通える少人数の居場所"
    )
    for_whom = forms.CharField(
        label="対象（匿名化）", max_length=200, help_text="例：40代男性・ひきこもり（氏名は書かない）"
    )
    area = forms.CharField(label="地域", max_length=100, required=False)
    note = _text("検討の内容", 2000)


class SettingsForm(forms.Form):
    tile_url = forms.CharField(label="地図タイルのURL", max_length=300, required=False,
                               help_text="OpenStreetMap互換のタイルサーバー。例：https://tile.example.jp/{z}/{x}/{y}.png（空欄なら地域ごとの一覧で表示）")  # fmt: skip
    tile_attribution = forms.CharField(label="地図の出典表示", max_length=200, required=False,
                                       help_text="例：© OpenStreetMap contributors")  # fmt: skip
    center_lat = forms.DecimalField(label="地図の中心（緯度）", max_digits=9, decimal_places=6)
    center_lon = forms.DecimalField(label="地図の中心（経度）", max_digits=9, decimal_places=6)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
