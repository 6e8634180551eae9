"""Forms of people: search, the person record, household membership."""

from django import forms

from kasane.core.forms import JapaneseDateField

from .models import Relationship, Sex


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="氏名・フリガナ", max_length=100, required=False)
    birth_date = JapaneseDateField(label="生年月日", required=False)


class PersonForm(forms.Form):
    family_name = forms.CharField(label="氏", max_length=50, required=False)
    given_name = forms.CharField(label="名", max_length=50, required=False)
    family_kana = forms.CharField(label="フリガナ（氏）", max_length=100, required=False)
    given_kana = forms.CharField(label="フリガナ（名）", max_length=100, required=False)
    birth_date = JapaneseDateField(label="生年月日", required=False)
    description = forms.CharField(label="特徴（氏名がわからないとき）", max_length=100, required=False)
    sex = forms.ChoiceField(label="性別", choices=Sex.choices)
    postal_code = forms.CharField(label="郵便番号", max_length=8, required=False)
    address = forms.CharField(label="住所", max_length=200, required=False)
    phone_home = forms.CharField(label="電話（自宅）", max_length=20, required=False)
    phone_mobile = forms.CharField(label="電話（携帯）", max_length=20, required=False)
    email = forms.EmailField(label="メールアドレス", required=False)
    contact_precautions = forms.CharField(label="連絡上の配慮", max_length=200, required=False)
    notes = forms.CharField(
        label="備考", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class MembershipForm(forms.Form):
    """Add a member: a person not yet recorded (name, フリガナ, 生年月日), or an existing one by 本人ID."""

    family_name = forms.CharField(label="氏", max_length=50, required=False)
    given_name = forms.CharField(label="名", max_length=50, required=False)
    family_kana = forms.CharField(label="フリガナ（氏）", max_length=100, required=False)
    given_kana = forms.CharField(label="フリガナ（名）", max_length=100, required=False)
    birth_date = JapaneseDateField(label="生年月日", required=False)
    sex = forms.ChoiceField(label="性別", choices=Sex.choices, initial=Sex.UNKNOWN)
    person_id = forms.IntegerField(
        label="既に登録されている方は本人ID", min_value=1, max_value=2**63 - 1, required=False,
        help_text="本人の画面に表示されるIDです。入力すると上の氏名欄は使われません。",
    )  # fmt: skip
    relationship = forms.ChoiceField(
        label="続柄（世帯主との関係）", choices=[c for c in Relationship.choices if c[0] != Relationship.HEAD]
    )
    joined_on = JapaneseDateField(label="世帯に加わった日", required=False)

    def clean(self):
        data = super().clean()
        if not data.get("person_id") and not (data.get("family_name") or data.get("given_name")):
            raise forms.ValidationError("新しい世帯員の氏名を入力するか、本人IDを入力してください。")
        return data

    def new_person_fields(self) -> dict:
        keys = ["family_name", "given_name", "family_kana", "given_kana", "birth_date", "sex"]
        return {k: self.cleaned_data[k] for k in keys}


class HouseholdCreateForm(forms.Form):
    name = forms.CharField(label="世帯の呼び名", max_length=100, required=False, help_text="例：長野さん世帯")
    address = forms.CharField(label="住所", max_length=200, required=False)


class LeaveForm(forms.Form):
    left_on = JapaneseDateField(label="世帯を離れた日")
