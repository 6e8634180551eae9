"""Forms of intake: the 相談受付・申込票 (with or without consent), consent, referral and its answer."""

from django import forms
from django.utils import timezone

from kasane.core.forms import JapaneseDateField, SafeModelMultipleChoiceField
from kasane.core.wareki import format_wareki
from kasane.people.models import Sex, katakana_only

from .models import Consent, Consulter, LegalBasis, Problem, Response, Route, Urgency


class IntakeForm(forms.Form):
    received_on = JapaneseDateField(label="受付日")
    route = forms.ChoiceField(label="相談経路", choices=Route.choices, widget=forms.RadioSelect)
    consulter = forms.ChoiceField(label="相談者", choices=Consulter.choices, widget=forms.RadioSelect)
    consulter_relationship = forms.CharField(
        label="相談者の続柄（家族のとき）", max_length=30, required=False
    )
    consulter_name = forms.CharField(label="相談者の氏名（本人以外のとき）", max_length=100, required=False)
    consulter_phone = forms.CharField(label="相談者の電話", max_length=20, required=False)
    person_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    family_name = forms.CharField(label="氏", max_length=50, required=False)
    given_name = forms.CharField(label="名", max_length=50, required=False)
    family_kana = forms.CharField(label="フリガナ（氏）", max_length=100, required=False)
    given_kana = forms.CharField(label="フリガナ（名）", max_length=100, required=False)
    birth_date = JapaneseDateField(label="生年月日", required=False)
    sex = forms.ChoiceField(label="性別", choices=Sex.choices, initial=Sex.UNKNOWN)
    description = forms.CharField(label="特徴（氏名がわからないとき）", max_length=100, required=False,
                                  help_text="例：50代男性")  # fmt: skip
    address = forms.CharField(label="住所", max_length=200, required=False)
    phone_mobile = forms.CharField(label="電話", max_length=20, required=False)
    contact_precautions = forms.CharField(label="連絡上の配慮", max_length=200, required=False,
                                          help_text="例：自宅に電話しない")  # fmt: skip
    problems = forms.MultipleChoiceField(label="困りごと（複数可）", choices=Problem.choices,
                                         widget=forms.CheckboxSelectMultiple)  # fmt: skip
    main_problem = forms.ChoiceField(
        label="最も困っていること（◎）", choices=[("", "選択してください"), *Problem.choices]
    )
    other_problem = forms.CharField(label="その他の内容", max_length=200, required=False)
    patterns = SafeModelMultipleChoiceField(label="パターン", queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)  # fmt: skip
    urgency = forms.ChoiceField(
        label="緊急度", choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    narrative = forms.CharField(
        label="相談内容", max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    response = forms.ChoiceField(label="対応", choices=Response.choices, widget=forms.RadioSelect)
    consent = forms.ChoiceField(
        label="情報共有への本人同意",
        choices=[("yes", "同意あり"), ("no", "同意なし")],
        widget=forms.RadioSelect,
        help_text="同意ありの場合、支援に必要な機関と情報の範囲を選びます。",
    )
    consent_method = forms.ChoiceField(
        label="同意の方法", choices=[("", "選択してください"), *Consent.Method.choices], required=False
    )
    consent_agencies = SafeModelMultipleChoiceField(
        label="共有してよい機関", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    consent_municipal_office = forms.BooleanField(label="市町村（所管課）とも共有してよい", required=False)
    share_consultation = forms.BooleanField(label="相談内容も共有してよい", required=False)
    share_household = forms.BooleanField(label="世帯の状況も共有してよい", required=False)

    def __init__(self, *args, patterns, agencies, follow=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.follow = follow  # a follow-up belongs to the first consultation's person: no person fields
        self.fields["patterns"].queryset = patterns
        self.fields["consent_agencies"].queryset = agencies
        self.fields["received_on"].initial = format_wareki(timezone.localdate())

    def clean(self):
        data = super().clean()
        if (
            not self.follow
            and not data.get("person_id")
            and not any(data.get(k) for k in ("family_name", "given_name", "family_kana", "description"))
        ):
            self.add_error(
                "family_name", "本人の氏名・フリガナ・特徴のいずれかを入力するか、候補から選んでください。"
            )
        for field in ("family_kana", "given_kana"):
            if data.get(field):
                from kasane.people.names import to_katakana

                data[field] = to_katakana(data[field])
                try:
                    katakana_only(data[field])
                except forms.ValidationError as exc:
                    self.add_error(field, exc)
        if data.get("consent") == "yes" and not data.get("consent_method"):
            self.add_error("consent_method", "同意の方法を選んでください。")
        return data

    def person_fields(self) -> dict:
        keys = ["family_name", "given_name", "family_kana", "given_kana", "birth_date", "sex", "description",
                "address", "phone_mobile", "contact_precautions"]  # fmt: skip
        return {k: self.cleaned_data[k] for k in keys}

    def consultation_fields(self) -> dict:
        keys = ["received_on", "route", "consulter", "consulter_relationship", "consulter_name", "consulter_phone",
                "problems", "main_problem", "other_problem", "patterns", "urgency", "narrative", "response"]  # fmt: skip
        return {k: self.cleaned_data[k] for k in keys}

    def consent_fields(self) -> dict | None:
        if self.cleaned_data.get("consent") != "yes":
            return None
        return {
            "obtained_on": self.cleaned_data["received_on"],
            "method": self.cleaned_data["consent_method"],
            "agencies": self.cleaned_data["consent_agencies"],
            "covers_municipal_office": self.cleaned_data["consent_municipal_office"],
            "share_consultation": self.cleaned_data["share_consultation"],
            "share_household": self.cleaned_data["share_household"],
        }


class ConsentForm(forms.Form):
    obtained_on = JapaneseDateField(label="同意日")
    method = forms.ChoiceField(label="同意の方法", choices=Consent.Method.choices)
    agencies = SafeModelMultipleChoiceField(
        label="共有してよい機関", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    covers_municipal_office = forms.BooleanField(
        label="市町村（所管課）との共有", required=False, initial=True
    )
    share_basic = forms.BooleanField(label="基本情報（氏名・生年月日・連絡先）", required=False, initial=True)
    share_consultation = forms.BooleanField(label="相談内容", required=False)
    share_household = forms.BooleanField(label="世帯の状況", required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = JapaneseDateField(label="撤回日")
    note = forms.CharField(label="撤回の内容", max_length=200, required=False)


class ReferralForm(forms.Form):
    to_agency = forms.ModelChoiceField(
        label="つなぎ先", queryset=None, empty_label="つなぎ先の機関を選んでください"
    )
    reason = forms.CharField(label="つなぐ理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    wants_to_talk = forms.CharField(label="本人が相談したいこと", max_length=2000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    accommodation = forms.CharField(label="希望する配慮", max_length=300, required=False)
    household_summary = forms.CharField(label="世帯の状況", max_length=2000, required=False,
                                        widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    legal_basis = forms.ChoiceField(label="情報提供の根拠", choices=LegalBasis.choices, widget=forms.RadioSelect,
                                    initial=LegalBasis.CONSENT)  # fmt: skip
    offline = forms.BooleanField(
        label="つなぎ先はシステムを使っていない（PDFで送付し、応答は自分で記録する）", required=False
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = agencies


class ReferralAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="応答",
        choices=[
            ("takeover", "受理（引き継ぐ）"),
            ("joint", "受理（共同で支援する）"),
            ("return", "差し戻す"),
        ],
        widget=forms.RadioSelect,
    )
    return_reason = forms.CharField(label="差し戻しの理由", max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ConsultationFilterForm(forms.Form):
    fiscal_year = forms.IntegerField(label="年度（西暦）", required=False, min_value=1989, max_value=2100)
    date_from = JapaneseDateField(label="受付日（から）", required=False)
    date_to = JapaneseDateField(label="受付日（まで）", required=False)
    problem = forms.ChoiceField(label="課題", choices=[("", "すべて"), *Problem.choices], required=False)
    pattern = forms.ModelChoiceField(label="パターン", queryset=None, required=False, empty_label="すべて")
    status = forms.ChoiceField(label="状況", choices=[("", "すべて"), ("open", "対応中"), ("closed", "対応終了")],
                               required=False)  # fmt: skip
    staff = forms.ModelChoiceField(label="受付者", queryset=None, required=False, empty_label="すべて")

    def __init__(self, *args, patterns, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pattern"].queryset = patterns
        self.fields["staff"].queryset = staff


class ConsultationEditForm(forms.Form):
    received_on = JapaneseDateField(label="受付日")
    route = forms.ChoiceField(label="相談経路", choices=Route.choices, widget=forms.RadioSelect)
    consulter = forms.ChoiceField(label="相談者", choices=Consulter.choices, widget=forms.RadioSelect)
    consulter_relationship = forms.CharField(label="相談者の続柄", max_length=30, required=False)
    problems = forms.MultipleChoiceField(label="困りごと（複数可）", choices=Problem.choices,
                                         widget=forms.CheckboxSelectMultiple)  # fmt: skip
    main_problem = forms.ChoiceField(
        label="最も困っていること（◎）", choices=[("", "選択してください"), *Problem.choices]
    )
    other_problem = forms.CharField(label="その他の内容", max_length=200, required=False)
    patterns = SafeModelMultipleChoiceField(label="パターン", queryset=None, required=False,
                                            widget=forms.CheckboxSelectMultiple)  # fmt: skip
    urgency = forms.ChoiceField(label="緊急度", choices=Urgency.choices, widget=forms.RadioSelect)
    narrative = forms.CharField(
        label="相談内容", max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    response = forms.ChoiceField(label="対応", choices=Response.choices, widget=forms.RadioSelect)
    status = forms.ChoiceField(
        label="状況", choices=[("open", "対応中"), ("closed", "対応終了")], widget=forms.RadioSelect
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, patterns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patterns"].queryset = patterns


class PatternForm(forms.Form):
    name = forms.CharField(label="パターン", max_length=50)
