"""Forms of 多機関協働: open and edit a case, lifecycle steps, team and lead, assessment, plan, decision, records."""

from django import forms
from django.utils import timezone

from kasane.core.forms import JapaneseDateField, SafeModelMultipleChoiceField
from kasane.core.wareki import format_wareki

from .assessment_items import AREAS
from .lifecycle import STATE_LABELS
from .models import REASON_FIELDS, CollaborationCase, ContactMethod, ContactOutcome, SupportKind


def _today() -> str:
    return format_wareki(timezone.localdate())


def _text(label, max_length, rows=3, required=False, **kwargs):
    return forms.CharField(label=label, max_length=max_length, required=required,
                           widget=forms.Textarea(attrs={"rows": rows}), **kwargs)  # fmt: skip


def _reason(name: str) -> forms.BooleanField:
    return forms.BooleanField(label=CollaborationCase._meta.get_field(name).verbose_name, required=False)


class CaseFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="状況",
        required=False,
        choices=[("", "すべて"), *((s.value, label) for s, label in STATE_LABELS.items())],
    )
    include_archived = forms.BooleanField(label="アーカイブした事例も表示", required=False)


class CaseForm(forms.Form):
    """Opening (and editing) a case: the reasons for 多機関協働 (at least one), title, summary, links."""

    title = forms.CharField(label="事例名", max_length=100)
    reason_several_fields = _reason("reason_several_fields")
    reason_no_single_agency = _reason("reason_no_single_agency")
    reason_roles_unclear = _reason("reason_roles_unclear")
    reason_outreach_participation = _reason("reason_outreach_participation")
    summary = _text("概要", 4000, rows=5)
    household = forms.ModelChoiceField(label="世帯", queryset=None, required=False, empty_label="世帯なし")
    meeting_body = forms.ModelChoiceField(
        label="関連する既存の会議体", queryset=None, required=False, empty_label="なし"
    )

    def __init__(self, *args, households, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households
        self.fields["meeting_body"].queryset = bodies

    def reasons(self) -> dict:
        return {f: self.cleaned_data[f] for f in REASON_FIELDS}


class CaseOpenForm(CaseForm):
    opened_on = JapaneseDateField(label="開始日")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_on"].initial = _today()


class CaseEditForm(CaseForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=30, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label="メモ", max_length=500, required=False)
    closing_evaluation = _text("終結時の評価（目標の達成・支援者の状況）", 4000)
    follow_up = _text("フォローアップの要否と方法", 2000)
    suspension_reason = _text("中断の理由（連絡が取れなくなった経過）", 2000)


class TeamAddForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="機関", queryset=None, required=False, empty_label="市町村（所管課）"
    )
    staff = forms.ModelChoiceField(label="担当職員", queryset=None, required=False, empty_label="指定しない")
    role = forms.CharField(label="役割", max_length=100, help_text="例：家計の相談、介護サービスの調整")

    def __init__(self, *args, agencies, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["staff"].queryset = staff


class TeamLeaveForm(forms.Form):
    left_on = JapaneseDateField(label="離脱日", required=False)


class LeadChangeForm(forms.Form):
    agency = forms.ModelChoiceField(
        label="新しい主担当", queryset=None, required=False, empty_label="市町村（所管課）"
    )
    note = forms.CharField(label="理由", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class DecisionForm(forms.Form):
    decided_on = JapaneseDateField(label="決定日")
    approved = forms.ChoiceField(
        label="決定",
        choices=[("yes", "支援を決定する"), ("no", "支援しない")],
        initial="yes",
        widget=forms.RadioSelect,
    )
    reviewed_other_supports = forms.BooleanField(
        label="アウトリーチ・参加支援以外の支援も確認した", required=False
    )
    note = _text("決定の内容・条件", 2000)

    def __init__(self, *args, mixed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = _today()
        if not mixed:  # the review of other supports is asked only for a mixed plan (pattern 2)
            del self.fields["reviewed_other_supports"]


class SupportRecordForm(forms.Form):
    recorded_on = JapaneseDateField(label="日付")
    content = _text("支援の経過", 4000, rows=4, required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recorded_on"].initial = _today()


class ContactAttemptForm(forms.Form):
    attempted_on = JapaneseDateField(label="日付")
    method = forms.ChoiceField(label="方法", choices=ContactMethod.choices)
    outcome = forms.ChoiceField(label="結果", choices=ContactOutcome.choices)
    note = forms.CharField(label="内容", max_length=1000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attempted_on"].initial = _today()


class MonitoringDoneForm(forms.Form):
    done_on = JapaneseDateField(label="実施日")
    note = _text("モニタリングの内容", 4000, required=True)


# --- assessment --------------------------------------------------------------------------------------------------


class AssessmentForm(forms.Form):
    assessed_on = JapaneseDateField(label="アセスメント日")
    household_issues = _text("世帯全体の課題", 4000, rows=5,
                             help_text="世帯員それぞれの課題が重なって生じていること（世帯全体の課題の見える化）")  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = _today()


class MemberAssessmentForm(forms.Form):
    """One household member: per area the check items and a note, then strengths, wishes, risks, agencies."""

    strengths = _text("ストレングス（強み）", 2000)
    wishes = _text("本人の思い", 2000)
    risks = _text("リスク", 2000)
    agencies_involved = SafeModelMultipleChoiceField(
        label="関わっている機関", queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Ctrl（Macは⌘）を押しながらクリックすると複数選べます。",
    )  # fmt: skip
    agencies_note = forms.CharField(label="その他の関係機関", max_length=300, required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies_involved"].queryset = agencies
        for code, (label, items) in AREAS.items():
            self.fields[f"items_{code}"] = forms.MultipleChoiceField(
                label=label, choices=list(items.items()), required=False, widget=forms.CheckboxSelectMultiple
            )
            self.fields[f"note_{code}"] = forms.CharField(
                label=f"{label}（メモ）", max_length=2000, required=False
            )

    def area_fields(self) -> list:
        return [(self[f"items_{code}"], self[f"note_{code}"]) for code in AREAS]

    def entry(self) -> dict:
        d = self.cleaned_data
        return {
            "areas": {code: {"items": d[f"items_{code}"], "note": d[f"note_{code}"]} for code in AREAS},
            "strengths": d["strengths"], "wishes": d["wishes"], "risks": d["risks"],
            "agencies_involved": list(d["agencies_involved"]), "agencies_note": d["agencies_note"],
        }  # fmt: skip

    @staticmethod
    def initial_from(entry) -> dict:
        """Pre-fill from the member's entry of the latest version."""
        initial = {"strengths": entry.strengths, "wishes": entry.wishes, "risks": entry.risks,
                   "agencies_involved": list(entry.agencies_involved.all()), "agencies_note": entry.agencies_note}  # fmt: skip
        for code, value in (entry.areas or {}).items():
            if code in AREAS:
                initial[f"items_{code}"] = value.get("items", [])
                initial[f"note_{code}"] = value.get("note", "")
        return initial


# --- plan ----------------------------------------------------------------------------------------------------------

MONITORING_SLOTS = 4


class PlanForm(forms.Form):
    made_on = JapaneseDateField(label="作成日")
    goals = _text("本人の目標", 4000, rows=4, required=True)
    policy = _text("支援方針", 4000, rows=4, required=True)
    change_reason = _text("再プランの理由（本人の状況の変化・現プランの評価）", 4000)
    evaluation = _text("評価", 4000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, replan: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["made_on"].initial = _today()
        if replan:
            self.fields["change_reason"].required = True
        for i in range(1, MONITORING_SLOTS + 1):
            self.fields[f"monitoring_{i}"] = JapaneseDateField(
                label=f"モニタリング予定日 {i}", required=False, help_text=""
            )

    def monitoring_dates(self) -> list:
        return [d for i in range(1, MONITORING_SLOTS + 1) if (d := self.cleaned_data.get(f"monitoring_{i}"))]

    def plan_fields(self) -> dict:
        d = self.cleaned_data
        return {"goals": d["goals"], "policy_text": d["policy"], "made_on": d["made_on"],
                "change_reason": d["change_reason"], "evaluation": d["evaluation"],
                "monitoring_dates": self.monitoring_dates()}  # fmt: skip


class SupportForm(forms.Form):
    kind = forms.ChoiceField(label="種類", choices=SupportKind.choices, initial=SupportKind.OTHER)
    agency = forms.ModelChoiceField(
        label="担当機関", queryset=None, required=False, empty_label="市町村（所管課）"
    )
    staff = forms.ModelChoiceField(label="担当職員", queryset=None, required=False, empty_label="指定しない")
    content = forms.CharField(label="支援の内容（役割）", max_length=500, required=False)
    frequency = forms.CharField(label="頻度", max_length=100, required=False)
    starts_on = JapaneseDateField(label="開始", required=False, help_text="")
    ends_on = JapaneseDateField(label="終了", required=False, help_text="")

    def __init__(self, *args, agencies, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["staff"].queryset = staff

    def support(self) -> dict | None:
        """The support row, or None for a row left empty."""
        d = self.cleaned_data
        if not d or not (d.get("content") or "").strip():
            return None
        return {
            k: d.get(k) for k in ("kind", "agency", "staff", "content", "frequency", "starts_on", "ends_on")
        }


SupportFormSet = forms.formset_factory(SupportForm, extra=3, max_num=30, absolute_max=30)
