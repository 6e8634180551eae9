"""Forms of the progress sheets (actuals, evaluation, initiatives, .xlsx import) and outcome targets."""

from django import forms

from kasane.core.wareki import format_fiscal_year

from .models import Comparison, Grade, Project
from .stat_keys import STAT_KEYS

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _years(years) -> list[tuple[int, str]]:
    return [(y, f"{format_fiscal_year(y)}（{y}年度）") for y in years]


class _SheetForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        if "fiscal_year" in self.fields:
            self.fields["fiscal_year"].choices = _years(years)


class ActualForm(_SheetForm):
    fiscal_year = forms.TypedChoiceField(label="年度", coerce=int)
    value = forms.CharField(
        label="実績値", required=False, max_length=30, help_text="数値の指標のとき。空欄で削除"
    )
    text = forms.CharField(
        label="実績（文章）",
        required=False,
        max_length=200,
        help_text="数値でない指標の状況、または実績がない理由（例：令和6年度 まちづくりアンケート実施予定）",
    )


class EvaluationForm(_SheetForm):
    fiscal_year = forms.TypedChoiceField(label="年度", coerce=int)
    grade = forms.ChoiceField(
        label="評価（総合評価）",
        required=False,
        choices=[("", "—（実績値から算出）")] + Grade.choices,
        help_text="実績値から算出できる年度は自動で評価されます。アンケート未実施や数値でない指標のときだけ選びます。",
    )
    reasons = forms.CharField(label="評価の理由等", required=False, max_length=4000, widget=forms.Textarea)


class InitiativeForm(_SheetForm):
    title = forms.CharField(label="取組", max_length=300)
    outline = forms.CharField(label="概要", required=False, max_length=4000, widget=forms.Textarea)
    revised = forms.BooleanField(label="取組の見直しあり", required=False)
    revision = forms.CharField(label="見直しの内容", required=False, max_length=4000, widget=forms.Textarea)
    section = forms.CharField(label="主務課", required=False, max_length=200)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, years=years, **kwargs)
        for year, label in _years(years):
            self.fields[f"progress_{year}"] = forms.CharField(
                label=f"{label}の取組結果・状況", required=False, max_length=8000, widget=forms.Textarea
            )

    def progress_texts(self) -> dict[int, str]:
        return {
            int(name.split("_")[1]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("progress_")
        }


class ImportForm(forms.Form):
    file = forms.FileField(label="進捗管理シート（.xlsx）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("ファイルが大きすぎます（5MBまで）。")
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("Excel形式（.xlsx）のファイルを選んでください。")
        return upload


class TargetForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31)
    project = forms.ChoiceField(label="事業", choices=Project.choices)
    fiscal_year = forms.IntegerField(label="年度（西暦）", min_value=1989, max_value=2200)
    item = forms.CharField(label="目標の項目", max_length=300)
    number = forms.DecimalField(label="目標の数値", max_digits=14, decimal_places=3)
    unit = forms.CharField(label="単位", required=False, max_length=20)
    comparison = forms.ChoiceField(label="比較", choices=Comparison.choices)
    stat_key = forms.ChoiceField(
        label="記録から集計する統計", required=False, choices=[("", "—（実績を入力する）")] + STAT_KEYS
    )
    actual_value = forms.DecimalField(
        label="実績（入力）",
        required=False,
        max_digits=14,
        decimal_places=3,
        help_text="統計を選ばない場合に入力します",
    )
    note = forms.CharField(label="備考", required=False, max_length=2000, widget=forms.Textarea)
