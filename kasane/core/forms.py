"""Form pieces shared by every app: the Japanese date field, login and 2FA forms, staff forms."""

from datetime import date

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from . import wareki
from .roles import Role
from .validators import MAX_DB_ID, parse_id

MIN_DATE, MAX_DATE = date(1868, 1, 1), date(2199, 12, 31)


def add_domain_error(form, exc) -> None:
    """Show a service's DomainError on its field when the form has it, else above the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses ids that no database could hold before querying (an oversized id would be a 500)."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class WarekiDateInput(forms.TextInput):
    """Shows a stored date as 令和6年4月1日 (what staff type and read), not 2024-04-01."""

    def format_value(self, value):
        if isinstance(value, date):
            try:
                return wareki.format_wareki(value)
            except ValueError:
                return value.isoformat()
        return super().format_value(value)


class JapaneseDateField(forms.DateField):
    """Accepts 2024-04-01, 2024/4/1, 令和6年4月1日, R6.4.1 … and explains a wrong date in Japanese."""

    widget = WarekiDateInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "例：2024-04-01、令和6年4月1日、R6.4.1")
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "text")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if hasattr(value, "year"):
            return value
        try:
            parsed = wareki.parse_date(str(value))
        except wareki.WarekiError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None
        if not MIN_DATE <= parsed <= MAX_DATE:
            raise forms.ValidationError(
                "日付は明治元年（1868年）から2199年までの範囲で入力してください。", code="range"
            )
        return parsed


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "ログインIDまたはパスワードが正しくありません。",
        "inactive": "ログインIDまたはパスワードが正しくありません。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "ログインID"
        self.fields["password"].label = "パスワード"


class OtpForm(forms.Form):
    token = forms.CharField(
        label="認証コード（6桁）",
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


class StaffBaseForm(forms.Form):
    last_name = forms.CharField(label="姓", max_length=150)
    first_name = forms.CharField(label="名", max_length=150)
    email = forms.EmailField(label="メールアドレス", required=False)
    agency = forms.ModelChoiceField(
        label="所属機関", queryset=None, required=False, empty_label="市町村（所管課）"
    )
    section = forms.CharField(label="所属課・係", max_length=100, required=False)
    roles = forms.MultipleChoiceField(
        label="役割（複数可）", choices=Role.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class StaffCreateForm(StaffBaseForm):
    username = forms.RegexField(
        label="ログインID",
        max_length=150,
        regex=r"^[A-Za-z0-9._@+-]+$",
        error_messages={"invalid": "ログインIDは半角英数字と . _ @ + - で入力してください。"},
    )
    password = forms.CharField(
        label="初期パスワード",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="10文字以上。本人に安全な方法で伝えてください。",
    )
    field_order = ["username", "last_name", "first_name", "email", "agency", "section", "roles", "password"]


class StaffEditForm(StaffBaseForm):
    is_active = forms.BooleanField(label="有効（ログインできる）", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class TenantSettingsForm(forms.Form):
    require_two_factor = forms.BooleanField(label="全職員に2段階認証を義務付ける", required=False)
    referral_overdue_working_days = forms.IntegerField(
        label="つなぐシートの応答期限（開庁日数）", min_value=1, max_value=30,
        help_text="この日数を過ぎても応答のないつなぐシートを、送り手・受け手・市町村のホームに表示します。",
    )  # fmt: skip
    suspension_min_attempts = forms.IntegerField(
        label="中断に必要な連絡の試みの回数", min_value=1, max_value=50, required=False,
        help_text="④支援中断の決定には、この回数以上の連絡の試み（訪問・電話・関係者経由など）の記録が必要です。",
    )  # fmt: skip
    suspension_min_days = forms.IntegerField(
        label="中断に必要な連絡の試みの期間（日）", min_value=0, max_value=365, required=False,
        help_text="最初と最後の連絡の試みが、この日数以上離れている必要があります。",
    )  # fmt: skip
    no_contact_alert_days = forms.IntegerField(
        label="接触のない事例を表示するまでの日数", min_value=1, max_value=365, required=False,
        help_text="この日数、支援経過・連絡の記録がない支援中の事例をホームに表示します。",
    )  # fmt: skip
    plan_meeting_legal_basis = forms.CharField(label="重層的支援会議の根拠", max_length=200, required=False)
    plan_meeting_needs_consent = forms.BooleanField(
        label="重層的支援会議で扱う事例に本人同意を必要とする", required=False
    )
    confidential_meeting_legal_basis = forms.CharField(label="支援会議の根拠", max_length=200, required=False)
    confidential_meeting_needs_consent = forms.BooleanField(
        label="支援会議で扱う事例に本人同意を必要とする", required=False
    )
    stats_suppression_below = forms.IntegerField(
        label="秘匿する件数（この数未満）", min_value=0, max_value=10, required=False,
        help_text="評価者・審議会向けの集計で、1以上この数未満の件数を「*」と表示します（0は秘匿しない）。",
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput)

    CASE_FIELDS = (
        "stats_suppression_below", "suspension_min_attempts", "suspension_min_days", "no_contact_alert_days", "plan_meeting_legal_basis",
        "plan_meeting_needs_consent", "confidential_meeting_legal_basis", "confidential_meeting_needs_consent",
    )  # fmt: skip


class AccessLogFilterForm(forms.Form):
    username = forms.CharField(label="職員（ログインID）", max_length=150, required=False)
    person_id = forms.IntegerField(label="本人ID", required=False, min_value=1, max_value=MAX_DB_ID)
    object_type = forms.CharField(label="対象の種類", max_length=50, required=False)
    date_from = JapaneseDateField(label="期間（から）", required=False)
    date_to = JapaneseDateField(label="期間（まで）", required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("期間の「から」は「まで」より前の日付にしてください。")
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(label="用途", max_length=100, help_text="例：統計集計スクリプト")
