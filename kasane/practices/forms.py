"""Forms of the practice library: the search with its filters, and the municipality's own figures."""

from django import forms

from . import parser
from .selectors import POPULATION_BANDS


class SearchForm(forms.Form):
    q = forms.CharField(label="キーワード", required=False, max_length=200,
                        help_text="空白で区切ると、すべての語を含む報告を探します（例: ひきこもり 就労支援）")  # fmt: skip
    prefecture = forms.ChoiceField(label="都道府県", required=False)
    band = forms.ChoiceField(
        label="人口規模",
        required=False,
        choices=[("", "すべて")] + [(k, v[0]) for k, v in POPULATION_BANDS.items()],
    )
    aging_min = forms.DecimalField(label="高齢化率（%）下限", required=False, min_value=0, max_value=100,
                                   decimal_places=2, max_digits=5)  # fmt: skip
    aging_max = forms.DecimalField(label="高齢化率（%）上限", required=False, min_value=0, max_value=100,
                                   decimal_places=2, max_digits=5)  # fmt: skip
    projects = forms.MultipleChoiceField(
        label="実施事業（すべてを実施）", required=False, widget=forms.CheckboxSelectMultiple,
        choices=list(parser.PROJECT_LABELS.items()),
    )  # fmt: skip

    def __init__(self, *args, prefectures=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prefecture"].choices = [("", "すべて")] + [(p, p) for p in prefectures]

    def clean(self):
        data = super().clean()
        low, high = data.get("aging_min"), data.get("aging_max")
        if low is not None and high is not None and low > high:
            self.add_error("aging_max", "上限は下限以上にしてください。")
        return data


class OwnFiguresForm(forms.Form):
    population = forms.IntegerField(label="人口（人）", min_value=1, max_value=50_000_000)
    households = forms.IntegerField(label="世帯数（世帯）", min_value=1, max_value=30_000_000)
    aging_rate = forms.DecimalField(
        label="高齢化率（%）", min_value=0, max_value=100, decimal_places=2, max_digits=5
    )
    as_of = forms.CharField(label="時点", required=False, max_length=50, help_text="例: 令和6年4月1日現在")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
